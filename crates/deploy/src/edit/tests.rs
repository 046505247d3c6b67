use super::*;

const HAND_WRITTEN: &str = r#"# Our admin API. Ask #platform before changing the pool.
project = "shop"   # the stack prefix

[environments.prod]
region = "eu-west-1"
retain_user_pool = true   # never lose customers

[user_pool]
username_attributes = ["email"]
groups = [
  { name = "Admins", precedence = 1 },   # full access
  { name = "Support", precedence = 5 },  # read-mostly
]

[admin_api]
restrict_to_group = "Admins"   # only admins
token = "access"
cors_origins = ["https://admin.shop.example"]   # the back office

[lambda]
memory_mb = 128   # plenty
"#;

fn edit(text: &str, changes: &[Change]) -> Result<Edited, EditError> {
    apply(text, "admin-queries.toml", changes)
}

#[test]
fn three_updates_keep_everything_but_the_changed_keys() {
    let first = edit(HAND_WRITTEN, &[Change::Token(TokenKind::Id)]).unwrap().text;
    let second = edit(&first, &[Change::AddGroup { name: "Auditors".into(), precedence: Some(9) }]).unwrap().text;
    let third = edit(&second, &[Change::Precedence { name: "Support".into(), precedence: 3 }]).unwrap().text;
    let expected = HAND_WRITTEN.replace("token = \"access\"", "token = \"id\"").replace(
        "  { name = \"Support\", precedence = 5 },  # read-mostly\n",
        "  { name = \"Support\", precedence = 3 },  # read-mostly\n  { name = \"Auditors\", precedence = 9 },\n",
    );
    assert_eq!(third, expected);
}

#[test]
fn restricting_to_a_new_group_adds_it_and_says_so() {
    let edited = edit(HAND_WRITTEN, &[Change::Restrict(Some("Ops".into()))]).unwrap();
    assert!(edited.text.contains("restrict_to_group = \"Ops\"   # only admins"), "{}", edited.text);
    assert!(edited.text.contains("{ name = \"Ops\", precedence = 6 }"), "{}", edited.text);
    assert!(edited.notes[0].contains("next deploy creates it"));
}

#[test]
fn lifting_the_restriction_keeps_the_api_and_warns() {
    let edited = edit(HAND_WRITTEN, &[Change::Restrict(None), Change::SelfSignUp(false)]).unwrap();
    let config = Config::parse(&edited.text, "t").unwrap();
    assert_eq!(config.admin_api.restrict_to_group, None);
    assert!(!config.user_pool.self_sign_up);
    assert!(edited.text.contains("[user_pool]\nusername_attributes = [\"email\"]"), "{}", edited.text);
    assert!(edited.notes[0].contains("EVERY signed-in user"), "{:?}", edited.notes);
    assert!(edited.notes[1].contains("only administrators create users"), "{:?}", edited.notes);
}

#[test]
fn lifting_the_restriction_on_a_pool_anyone_can_join_is_refused_with_the_ways_through() {
    let err = edit(HAND_WRITTEN, &[Change::Restrict(None)]).unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, EditError::OpenDoor(_)), "{message}");
    assert!(message.contains("self sign-up") && message.contains("anyone who signs up"), "{message}");
    assert!(message.contains("--self-sign-up off") && message.contains("--allow-any-signed-in-user"), "{message}");
    assert!(message.contains("\"selfSignUp\": false") && message.contains("nothing was written"), "{message}");
    // Saying so lets it through, with a louder warning.
    let edited = edit(HAND_WRITTEN, &[Change::Restrict(None), Change::AllowAnySignedInUser(true)]).unwrap();
    let config = Config::parse(&edited.text, "t").unwrap();
    assert!(config.admin_api.allow_any_signed_in_user && config.user_pool.self_sign_up);
    assert!(edited.notes.iter().any(|n| n.contains("ANYONE who signs up")), "{:?}", edited.notes);
    // An environment that turns self sign-up back on is named.
    let with_env = HAND_WRITTEN.replace(
        "retain_user_pool = true   # never lose customers\n",
        "retain_user_pool = true   # never lose customers\n[environments.prod.user_pool]\nself_sign_up = true\n",
    );
    let message = edit(&with_env, &[Change::Restrict(None), Change::SelfSignUp(false)]).unwrap_err().to_string();
    assert!(message.contains("environments.prod.user_pool.self_sign_up"), "{message}");
}

#[test]
fn the_admin_group_cannot_be_removed_while_restricted_to_it() {
    let err = edit(HAND_WRITTEN, &[Change::RemoveGroup("Admins".into())]).unwrap_err();
    assert_eq!(err, EditError::RemovesAdminGroup("Admins".into()));
    let edited =
        edit(HAND_WRITTEN, &[Change::Restrict(Some("Support".into())), Change::RemoveGroup("Admins".into())]).unwrap();
    assert!(!edited.text.contains("\"Admins\", precedence"), "{}", edited.text);
    assert!(edited.text.contains("# read-mostly"), "{}", edited.text);
}

#[test]
fn a_removed_group_takes_its_comment_and_leaves_the_others() {
    let restricted_to_support =
        HAND_WRITTEN.replace("restrict_to_group = \"Admins\"", "restrict_to_group = \"Support\"");
    let without_first = edit(&restricted_to_support, &[Change::RemoveGroup("Admins".into())]).unwrap().text;
    assert!(
        without_first.contains("groups = [\n  { name = \"Support\", precedence = 5 },  # read-mostly\n]"),
        "{without_first}"
    );
    let without_last = edit(HAND_WRITTEN, &[Change::RemoveGroup("Support".into())]).unwrap().text;
    assert!(
        without_last.contains("groups = [\n  { name = \"Admins\", precedence = 1 },   # full access\n]"),
        "{without_last}"
    );
    let one_line =
        "project = \"a\"\n[user_pool]\ngroups = [{ name = \"Admins\" }, { name = \"B\" }, { name = \"C\" }]\n";
    let edited = edit(one_line, &[Change::RemoveGroup("B".into())]).unwrap().text;
    assert!(edited.contains("groups = [{ name = \"Admins\" }, { name = \"C\" }]"), "{edited}");
}

#[test]
fn actions_are_enabled_and_disabled_with_their_rules() {
    let edited = edit(
        HAND_WRITTEN,
        &[Change::EnableAction("createUser".into()), Change::DisableAction("confirmUserSignUp".into())],
    )
    .unwrap();
    let config = Config::parse(&edited.text, "t").unwrap();
    let names: Vec<&str> = config.enabled_actions().iter().map(|a| a.name).collect();
    assert!(names.contains(&"createUser") && !names.contains(&"confirmUserSignUp") && names.len() == 12, "{names:?}");
    let with_rule = format!("{HAND_WRITTEN}\n[admin_api.access]\ngetUser = [\"Admins\", \"Support\"]\n");
    let edited = edit(&with_rule, &[Change::DisableAction("getUser".into())]).unwrap();
    assert!(!edited.text.contains("getUser = ["), "the rule goes with the action: {}", edited.text);
    assert!(matches!(
        edit(HAND_WRITTEN, &[Change::EnableAction("dropTables".into())]),
        Err(EditError::NoSuchAction(..))
    ));
}

#[test]
fn sign_in_attributes_cannot_change() {
    let err = edit(HAND_WRITTEN, &[Change::UsernameAttributes(vec![])]).unwrap_err();
    let message = err.to_string();
    assert!(message.contains("from email to a user name") && message.contains("migrate"), "{message}");
    assert!(
        edit(HAND_WRITTEN, &[Change::UsernameAttributes(vec![UsernameAttribute::Email])]).is_ok(),
        "no change is fine"
    );
}

#[test]
fn an_invalid_result_is_refused_and_names_the_key() {
    let err = edit(HAND_WRITTEN, &[Change::Cors(vec!["admin.shop.example/".into()])]).unwrap_err();
    assert!(err.to_string().contains("admin_api.cors_origins"), "{err}");
    let err = edit(HAND_WRITTEN, &[Change::RemoveGroup("Nobody".into())]).unwrap_err();
    assert!(err.to_string().contains("Admins, Support"), "{err}");
}

#[test]
fn groups_left_to_the_default_are_made_explicit_before_adding() {
    let edited =
        edit("project = \"a\"\n", &[Change::AddGroup { name: "Editors".into(), precedence: Some(2) }]).unwrap();
    let config = Config::parse(&edited.text, "t").unwrap();
    let names: Vec<&str> = config.user_pool.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, vec!["Admins", "Editors"]);
}

#[test]
fn an_inline_admin_api_table_is_edited_in_place() {
    let text = "project = \"shop\"\nadmin_api = { restrict_to_group = \"Admins\", token = \"access\" }   # inline\n";
    let edited = edit(text, &[Change::Token(TokenKind::Id), Change::Cors(vec!["https://a.example".into()])]).unwrap();
    assert!(edited.text.contains("admin_api = { restrict_to_group = \"Admins\", token = \"id\""), "{}", edited.text);
    assert!(edited.text.contains("# inline"), "{}", edited.text);
    let config = Config::parse(&edited.text, "admin-queries.toml").unwrap();
    assert_eq!(config.admin_api.token, TokenKind::Id);
    assert_eq!(config.admin_api.cors_origins, vec!["https://a.example".to_owned()]);
}

#[test]
fn groups_written_as_an_array_of_tables_are_added_reordered_and_removed() {
    let text = "project = \"shop\"\n\n[[user_pool.groups]]\nname = \"Admins\"   # full access\nprecedence = 1\n\n\
                    [[user_pool.groups]]\nname = \"Support\"\nprecedence = 5\n\n[admin_api]\nrestrict_to_group = \"Admins\"\n";
    let added = edit(text, &[Change::AddGroup { name: "Ops".into(), precedence: Some(3) }]).unwrap();
    let config = Config::parse(&added.text, "admin-queries.toml").unwrap();
    let names: Vec<&str> = config.user_pool.groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(names, ["Admins", "Support", "Ops"]);
    assert!(added.text.contains("# full access"), "{}", added.text);

    let reordered = edit(&added.text, &[Change::Precedence { name: "Support".into(), precedence: 2 }]).unwrap();
    let config = Config::parse(&reordered.text, "admin-queries.toml").unwrap();
    assert_eq!(config.user_pool.groups[1].precedence, Some(2));

    let removed = edit(&reordered.text, &[Change::RemoveGroup("Ops".into())]).unwrap();
    let config = Config::parse(&removed.text, "admin-queries.toml").unwrap();
    assert_eq!(config.user_pool.groups.len(), 2);
    assert!(matches!(edit(text, &[Change::RemoveGroup("Nobody".into())]), Err(EditError::NoSuchGroup(..))));
    assert!(edit(text, &[Change::Restrict(Some("Ops".into()))]).is_ok(), "a new group for the restriction");
}
