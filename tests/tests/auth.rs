//! `add-auth` and `update-auth` through the real command line: the exact config each kind of change writes (flags
//! and headless), the refusals, and the interactive walkthrough driven through a pseudo-terminal.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use e2e::{temp_dir, xtask, xtask_ok, xtask_with_stdin};

/// A hand-written config, with comments and its own layout.
const HAND_WRITTEN: &str = r#"# Shop admin. Ask #platform before changing the pool.
project = "shop"   # the stack prefix

[user_pool]
groups = [
  { name = "Admins", precedence = 1 },   # full access
  { name = "Support", precedence = 5 },  # read-mostly
]

[admin_api]
restrict_to_group = "Admins"   # only admins
token = "access"
cors_origins = ["*"]
"#;

fn project() -> std::path::PathBuf {
    let dir = temp_dir("auth");
    std::fs::write(dir.join("admin-queries.toml"), HAND_WRITTEN).unwrap();
    dir
}

fn config(dir: &Path) -> String {
    std::fs::read_to_string(dir.join("admin-queries.toml")).unwrap()
}

#[test]
fn flags_write_exactly_the_changed_keys() {
    let dir = project();
    xtask_ok(&dir, &["update-auth", "--token", "id"]);
    assert_eq!(config(&dir), HAND_WRITTEN.replace("token = \"access\"", "token = \"id\""));

    xtask_ok(&dir, &["update-auth", "--add-group", "Auditors:9", "--precedence", "Support=3"]);
    let expected = HAND_WRITTEN.replace("token = \"access\"", "token = \"id\"").replace(
        "  { name = \"Support\", precedence = 5 },  # read-mostly\n",
        "  { name = \"Support\", precedence = 3 },  # read-mostly\n  { name = \"Auditors\", precedence = 9 },\n",
    );
    assert_eq!(config(&dir), expected);

    xtask_ok(&dir, &["update-auth", "--cors", "https://admin.shop.example"]);
    let expected = expected.replace("cors_origins = [\"*\"]", "cors_origins = [\"https://admin.shop.example\"]");
    assert_eq!(config(&dir), expected, "three updates: everything else byte for byte");
}

#[test]
fn lifting_the_restriction_keeps_the_api_and_warns() {
    let dir = project();
    // On a pool anyone can sign up to, anyone could then administer: refused, with the ways through.
    let out = xtask(&dir, &["update-auth", "--no-restriction"]);
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("anyone who signs up") && said.contains("--self-sign-up off"), "{said}");
    assert!(said.contains("--allow-any-signed-in-user") && said.contains("nothing was written"), "{said}");
    assert_eq!(config(&dir), HAND_WRITTEN);

    let out = xtask(&dir, &["update-auth", "--no-restriction", "--self-sign-up", "off"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("EVERY signed-in user") && said.contains("only administrators create users"), "{said}");
    let expected = HAND_WRITTEN.replace("restrict_to_group = \"Admins\"   # only admins\n", "").replace(
        "  { name = \"Support\", precedence = 5 },  # read-mostly\n]\n",
        "  { name = \"Support\", precedence = 5 },  # read-mostly\n]\nself_sign_up = false\n",
    );
    assert_eq!(config(&dir), expected);

    let dir = project();
    let out = xtask(&dir, &["update-auth", "--no-restriction", "--allow-any-signed-in-user"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ANYONE who signs up"));
    assert!(config(&dir).contains("cors_origins = [\"*\"]\nallow_any_signed_in_user = true\n"), "{}", config(&dir));

    let dir = project();
    let request = r#"{"serviceModification": {"serviceName": "Cognito", "userPoolConfiguration": {"selfSignUp": false,
        "adminQueries": {"permissions": {"restrictAccess": false}}}}}"#;
    let out = xtask_with_stdin(&dir, &["update-auth", "--headless"], request);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(config(&dir), expected, "headless: the same change");
}

#[test]
fn restricting_to_a_group_that_does_not_exist_yet_adds_it() {
    let dir = project();
    let out = xtask(&dir, &["update-auth", "--restrict-to", "Ops"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("the next deploy creates it"));
    let expected = HAND_WRITTEN.replace("restrict_to_group = \"Admins\"", "restrict_to_group = \"Ops\"").replace(
        "  { name = \"Support\", precedence = 5 },  # read-mostly\n",
        "  { name = \"Support\", precedence = 5 },  # read-mostly\n  { name = \"Ops\", precedence = 6 },\n",
    );
    assert_eq!(config(&dir), expected);
}

#[test]
fn refusals_write_nothing() {
    let dir = project();
    // A refused change is a bad request (2); a change whose result is not a valid config is a config error (5).
    for (args, says, code) in [
        (vec!["update-auth", "--sign-in", "email"], "Cognito cannot change it on an existing user pool", 2),
        (vec!["update-auth", "--remove-group", "Admins"], "lock every administrator out", 2),
        (vec!["update-auth", "--remove-group", "Nobody"], "there is no group `Nobody`", 2),
        (vec!["update-auth", "--cors", "not an origin"], "admin_api.cors_origins", 5),
        (vec!["update-auth"], "nothing to change", 2),
    ] {
        let out = xtask(&dir, &args);
        assert_eq!(out.status.code(), Some(code), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(says),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(config(&dir), HAND_WRITTEN, "{args:?} wrote nothing");
    }
}

#[test]
fn headless_requests_set_groups_restriction_and_token() {
    let dir = project();
    let request = r#"{"version": 1, "serviceModification": {"serviceName": "Cognito", "userPoolConfiguration": {
        "userPoolGroups": [{"groupName": "Admins", "precedence": 1}, {"groupName": "Editors", "precedence": 2}],
        "adminQueries": {"permissions": {"restrictAccess": true, "groupName": "Admins"}, "tokenKind": "id"}}}}"#;
    let out = xtask_with_stdin(&dir, &["update-auth", "--headless"], request);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let expected = HAND_WRITTEN
        .replace("token = \"access\"", "token = \"id\"")
        // Support goes, and its comment with it.
        .replace(
            "  { name = \"Support\", precedence = 5 },  # read-mostly\n",
            "  { name = \"Editors\", precedence = 2 },\n",
        );
    assert_eq!(config(&dir), expected);

    let refused = xtask_with_stdin(
        &dir,
        &["update-auth", "--headless"],
        r#"{"serviceModification": {"serviceName": "Cognito", "userPoolConfiguration": {"signinMethod": "EMAIL"}}}"#,
    );
    assert_eq!(refused.status.code(), Some(2));
    assert_eq!(config(&dir), expected, "the refused request wrote nothing");
}

#[test]
fn add_auth_writes_the_default_config_and_will_not_overwrite() {
    let dir = temp_dir("add-auth");
    xtask_ok(&dir, &["add-auth", "--yes", "--project", "shop"]);
    let written = config(&dir);
    assert!(written.contains("project = \"shop\"") && written.contains("restrict_to_group = \"Admins\""), "{written}");
    let again = xtask(&dir, &["add-auth", "--yes"]);
    assert_eq!(again.status.code(), Some(2), "an existing config is not overwritten");
    let dir = temp_dir("add-auth-flags");
    xtask_ok(
        &dir,
        &["add-auth", "--yes", "--project", "shop", "--sign-in", "email", "--add-group", "Support:2", "--token", "id"],
    );
    let written = config(&dir);
    assert!(written.contains("username_attributes = [\"email\"]"), "{written}");
    assert!(written.contains("{ name = \"Support\", precedence = 2 }"), "{written}");
    assert!(written.contains("token = \"id\""), "{written}");
}

fn press(session: &mut rexpect::session::PtySession, keys: &str) {
    session.send(keys).unwrap();
    session.flush().unwrap();
}

/// `update-auth` on a terminal in `dir`, at its question about the group restriction.
fn update_auth_on_a_terminal(dir: &std::path::Path) -> rexpect::session::PtySession {
    let mut command = std::process::Command::new(env!("CARGO"));
    command
        .current_dir(e2e::workspace_root())
        .args(["run", "--quiet", "--package", "xtask", "--bin", "xtask", "--", "update-auth"])
        .env("ADMIN_QUERIES_PROJECT_DIR", dir);
    let mut session = rexpect::session::spawn_command(command, Some(120_000)).unwrap();
    session.exp_string("What do you want to do?").unwrap();
    press(&mut session, "\r"); // Create or update the admin queries API
    session.exp_string("Restrict access to the admin queries API to a specific group?").unwrap();
    session
}

/// A person answers `update-auth`'s questions on a terminal.
#[test]
fn the_interactive_walkthrough_restricts_to_a_typed_group() {
    let dir = project();
    let mut session = update_auth_on_a_terminal(&dir);
    press(&mut session, "y");
    session.exp_string("Which group may administer?").unwrap();
    press(&mut session, "\x1b[B"); // Down: past Admins
    press(&mut session, "\x1b[B"); // past Support, to "Another group"
    press(&mut session, "\r");
    session.exp_string("Group name").unwrap();
    session.send_line("Ops").unwrap();
    session.exp_string("does not exist yet").unwrap();
    session.exp_string("Write admin-queries.toml?").unwrap();
    press(&mut session, "y");
    session.exp_string("Deploy `local` now?").unwrap();
    press(&mut session, "n");
    session.exp_string("Next: cargo xtask deploy").unwrap();
    session.exp_eof().unwrap();
    let written = config(&dir);
    assert!(written.contains("restrict_to_group = \"Ops\"   # only admins"), "{written}");
    assert!(written.contains("{ name = \"Ops\", precedence = 6 }"), "{written}");
}

/// A person lifts the restriction on a terminal: told what it means on a pool anyone can join, and asked the way
/// through.
#[test]
fn the_interactive_walkthrough_explains_the_open_door_when_lifting_the_restriction() {
    let dir = project();
    let mut session = update_auth_on_a_terminal(&dir);
    press(&mut session, "n");
    session.exp_string("This pool lets anyone sign up").unwrap();
    session.exp_string("How should users get an account?").unwrap();
    press(&mut session, "\r"); // Turn self sign-up off
    session.exp_string("Write admin-queries.toml?").unwrap();
    press(&mut session, "y");
    session.exp_string("Deploy `local` now?").unwrap();
    press(&mut session, "n");
    session.exp_eof().unwrap();
    let written = config(&dir);
    assert!(!written.contains("restrict_to_group") && written.contains("self_sign_up = false"), "{written}");
}

#[test]
fn actions_are_enabled_and_disabled_by_flag() {
    let dir = project();
    xtask_ok(&dir, &["update-auth", "--enable-action", "createUser", "--disable-action", "confirmUserSignUp"]);
    let written = config(&dir);
    let expected_actions = "actions = [\"addUserToGroup\", \"removeUserFromGroup\", \"disableUser\", \"enableUser\", \"getUser\", \"listUsers\", \"listGroups\", \"listGroupsForUser\", \"listUsersInGroup\", \"signUserOut\", \"updateUserAttributes\", \"createUser\"]\n";
    assert_eq!(written, format!("{HAND_WRITTEN}{expected_actions}"));
    let out = xtask(&dir, &["update-auth", "--enable-action", "dropTables"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("there is no action `dropTables`"));
}
