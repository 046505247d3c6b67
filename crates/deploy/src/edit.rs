//! Edits of `admin-queries.toml` that keep a person's file as they wrote it: comments, ordering, spacing and
//! unrelated keys survive byte for byte (a format-preserving editor, `toml_edit`). Each edit is checked against
//! what Cognito can change in place before anything is written, and the result is validated as a whole.

use toml_edit::{Array, ArrayOfTables, DocumentMut, InlineTable, Item, Table, TableLike, Value};

use crate::config::{Config, ConfigError, TokenKind, UsernameAttribute};

/// One change to the auth settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Restrict the API to a group (`Some`), or let every signed-in user administer (`None`).
    Restrict(Option<String>),
    Token(TokenKind),
    Cors(Vec<String>),
    AddGroup {
        name: String,
        precedence: Option<i32>,
    },
    RemoveGroup(String),
    Precedence {
        name: String,
        precedence: i32,
    },
    /// How users sign in. Cognito cannot change this on an existing pool; the edit refuses any change.
    UsernameAttributes(Vec<UsernameAttribute>),
    /// Serve an action (one of the extra actions, or an Amplify route that was turned off).
    EnableAction(String),
    /// Stop serving an action: it answers 404 and leaves the IAM policy.
    DisableAction(String),
    /// Whether anyone may sign up to the pool (`user_pool.self_sign_up`).
    SelfSignUp(bool),
    /// Say that every signed-in user may administer, even on a pool anyone can sign up to
    /// (`admin_api.allow_any_signed_in_user`).
    AllowAnySignedInUser(bool),
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum EditError {
    #[error(
        "refusing to change {setting} from {from} to {to}: Cognito cannot change it on an existing user pool, so \
         the change would need a new pool, and a new pool starts with no users\n\
         help: keep the current setting; or create a new environment with a new pool and migrate the users to it \
         (a migration Lambda trigger, or export and import); nothing was written"
    )]
    Immutable { setting: &'static str, from: String, to: String },
    #[error(
        "refusing to remove the group `{0}`: the admin API is restricted to it, and removing it would lock every \
         administrator out\nhelp: first restrict the API to another group (`--restrict-to <group>`), then remove it"
    )]
    RemovesAdminGroup(String),
    #[error("there is no group `{0}` in the config\nhelp: the groups are: {1}")]
    NoSuchGroup(String, String),
    #[error("the group `{0}` is already in the config")]
    GroupExists(String),
    #[error("there is no action `{0}`\nhelp: the actions are: {1}")]
    NoSuchAction(String, String),
    #[error(
        "refusing to lift the group restriction: {0}\n\
         help: also turn self sign-up off, so that only administrators create users (`--self-sign-up off`; headless: \
         \"selfSignUp\": false in userPoolConfiguration); or, if every signed-in user may really administer every \
         user, say so (`--allow-any-signed-in-user`; headless: \"allowAnySignedInUser\": true in \
         adminQueries.permissions); nothing was written"
    )]
    OpenDoor(String),
    #[error("the config is not valid TOML: {0}")]
    Syntax(String),
    #[error(
        "the config cannot be edited: {0}\nhelp: write it as the README's config section shows, then run this again"
    )]
    Shape(String),
    #[error("the result would not be a valid config: {0}")]
    Invalid(#[from] ConfigError),
}

/// The edited text, and what a person should know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edited {
    pub text: String,
    pub notes: Vec<String>,
}

/// Puts `value` at `key` in `table`, keeping the decoration (comments, spacing) of the value it replaces.
fn set(table: &mut dyn TableLike, key: &str, mut value: Value) {
    if let Some(old) = table.get(key).and_then(Item::as_value) {
        *value.decor_mut() = old.decor().clone();
    } else {
        value.decor_mut().set_prefix(" ");
    }
    table.insert(key, Item::Value(value));
}

/// The section `name`, as the file writes it: a `[name]` table or an inline `name = { ... }`. Made when absent.
fn table<'a>(doc: &'a mut DocumentMut, name: &str) -> Result<&'a mut dyn TableLike, EditError> {
    if !doc.contains_key(name) {
        doc.insert(name, Item::Table(Table::new()));
    }
    doc[name].as_table_like_mut().ok_or_else(|| EditError::Shape(format!("`{name}` is not a table")))
}

fn group_names(config: &Config) -> String {
    config.user_pool.groups.iter().map(|g| g.name.as_str()).collect::<Vec<_>>().join(", ")
}

fn attributes_text(attributes: &[UsernameAttribute]) -> String {
    if attributes.is_empty() {
        return "a user name".to_owned();
    }
    attributes
        .iter()
        .map(|a| match a {
            UsernameAttribute::Email => "email",
            UsernameAttribute::PhoneNumber => "phone number",
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

/// The groups as the file writes them: an array of inline tables (`groups = [{ name = ... }]`), or an array of
/// tables (`[[user_pool.groups]]`).
enum Groups<'a> {
    Inline(&'a mut Array),
    Tables(&'a mut ArrayOfTables),
}

impl Groups<'_> {
    fn position(&self, name: &str) -> Option<usize> {
        match self {
            Self::Inline(array) => position(array, name),
            Self::Tables(tables) => tables.iter().position(|t| t.get("name").and_then(Item::as_str) == Some(name)),
        }
    }

    fn push(&mut self, name: &str, precedence: Option<i32>) {
        match self {
            Self::Inline(array) => push_group(array, group_table(name, precedence)),
            Self::Tables(tables) => tables.push(group_table(name, precedence).into_table()),
        }
    }

    fn remove(&mut self, index: usize) {
        match self {
            Self::Inline(array) => remove_group(array, index),
            Self::Tables(tables) => {
                tables.remove(index);
            }
        }
    }

    fn set_precedence(&mut self, index: usize, precedence: i32) {
        let group: Option<&mut dyn TableLike> = match self {
            Self::Inline(array) => array.get_mut(index).and_then(Value::as_inline_table_mut).map(|t| t as _),
            Self::Tables(tables) => tables.get_mut(index).map(|t| t as _),
        };
        if let Some(group) = group {
            set(group, "precedence", i64::from(precedence).into());
        }
    }
}

/// The groups, made explicit (with the default `Admins`) when the file relies on the default.
fn groups<'a>(doc: &'a mut DocumentMut, current: &Config) -> Result<Groups<'a>, EditError> {
    let pool = table(doc, "user_pool")?;
    if !pool.contains_key("groups") {
        let mut array = Array::new();
        for group in &current.user_pool.groups {
            array.push(group_table(&group.name, group.precedence));
        }
        set(pool, "groups", Value::Array(array));
    }
    match pool.get_mut("groups") {
        Some(Item::Value(Value::Array(array))) => Ok(Groups::Inline(array)),
        Some(Item::ArrayOfTables(tables)) => Ok(Groups::Tables(tables)),
        _ => Err(EditError::Shape("`user_pool.groups` is neither an array nor an array of tables".to_owned())),
    }
}

fn group_table(name: &str, precedence: Option<i32>) -> InlineTable {
    let mut group = InlineTable::new();
    group.insert("name", name.into());
    if let Some(precedence) = precedence {
        group.insert("precedence", i64::from(precedence).into());
    }
    group
}

/// Appends a group in the style of the array: on a line of its own, indented like the others, when the array is
/// written one group per line. A comment after the last group's comma stays on that group's line.
fn push_group(array: &mut Array, group: InlineTable) {
    let mut value = Value::InlineTable(group);
    let last_prefix = array.iter().last().and_then(|v| v.decor().prefix()).and_then(|p| p.as_str()).map(str::to_owned);
    match last_prefix {
        Some(prefix) if prefix.contains('\n') => {
            let indent = prefix.rsplit('\n').next().unwrap_or("").to_owned();
            let trailing = array.trailing().as_str().unwrap_or("").trim_end_matches([' ', '\n']).to_owned();
            value.decor_mut().set_prefix(format!("{trailing}\n{indent}"));
            array.set_trailing("\n");
            array.set_trailing_comma(true);
        }
        Some(_) => value.decor_mut().set_prefix(" "),
        None => {}
    }
    array.push_formatted(value);
}

/// Removes a group with its comment, keeping the comments of the others. A comment after an element's comma is
/// stored at the start of the next element's prefix (or in the array's trailing text, after the last one).
fn remove_group(array: &mut Array, index: usize) {
    let removed = array.remove(index);
    let prefix = removed.decor().prefix().and_then(|p| p.as_str()).unwrap_or("").to_owned();
    let Some(cut) = prefix.rfind('\n') else {
        // One line: the next group takes the removed one's spacing.
        if let Some(next) = array.get_mut(index) {
            next.decor_mut().set_prefix(prefix);
        }
        return;
    };
    // The previous group's comment, which the removed group's prefix carried.
    let previous_comment = &prefix[..cut];
    let from_newline = |text: &str| text.find('\n').map_or_else(|| "\n".to_owned(), |i| text[i..].to_owned());
    match array.get_mut(index) {
        Some(next) => {
            let own = next.decor().prefix().and_then(|p| p.as_str()).unwrap_or("").to_owned();
            next.decor_mut().set_prefix(format!("{previous_comment}{}", from_newline(&own)));
        }
        None => {
            let trailing = array.trailing().as_str().unwrap_or("").to_owned();
            array.set_trailing(format!("{previous_comment}{}", from_newline(&trailing)));
        }
    }
}

fn position(array: &Array, name: &str) -> Option<usize> {
    array.iter().position(|g| g.as_inline_table().and_then(|t| t.get("name")).and_then(Value::as_str) == Some(name))
}

/// Applies `changes` to the config text in order. Nothing is applied unless every change can be.
pub fn apply(text: &str, path: &str, changes: &[Change]) -> Result<Edited, EditError> {
    let mut doc: DocumentMut = text.parse().map_err(|e: toml_edit::TomlError| EditError::Syntax(e.to_string()))?;
    let mut notes = Vec::new();
    for change in changes {
        // Each change sees the config as the previous ones left it; only the result as a whole must be valid (a
        // restriction lifted before self sign-up is turned off is fine within one edit).
        let current: Config = toml::from_str(&doc.to_string())
            .map_err(|e| ConfigError::Syntax { path: path.to_owned(), message: e.to_string() })?;
        match change {
            Change::Restrict(Some(group)) => {
                if !current.user_pool.groups.iter().any(|g| &g.name == group) {
                    let next = current.user_pool.groups.iter().filter_map(|g| g.precedence).max().map_or(1, |p| p + 1);
                    groups(&mut doc, &current)?.push(group, Some(next));
                    notes.push(format!("The group `{group}` does not exist yet: the next deploy creates it"));
                }
                set(table(&mut doc, "admin_api")?, "restrict_to_group", group.as_str().into());
            }
            Change::Restrict(None) => {
                table(&mut doc, "admin_api")?.remove("restrict_to_group");
                notes.push(
                    "The admin API stays, with no group restriction: EVERY signed-in user of the pool can then list, \
                     change, disable and sign out EVERY user. Restrict it again with `--restrict-to <group>`"
                        .to_owned(),
                );
            }
            Change::SelfSignUp(on) => {
                set(table(&mut doc, "user_pool")?, "self_sign_up", (*on).into());
                if !on {
                    notes.push(
                        "Self sign-up is off: only administrators create users (Cognito's AllowAdminCreateUserOnly)"
                            .to_owned(),
                    );
                }
            }
            Change::AllowAnySignedInUser(allow) => {
                let api = table(&mut doc, "admin_api")?;
                if *allow {
                    set(api, "allow_any_signed_in_user", true.into());
                } else {
                    api.remove("allow_any_signed_in_user");
                }
            }
            Change::Token(kind) => {
                let text = match kind {
                    TokenKind::Access => "access",
                    TokenKind::Id => "id",
                };
                set(table(&mut doc, "admin_api")?, "token", text.into());
            }
            Change::Cors(origins) => {
                let array: Array = origins.iter().map(String::as_str).collect();
                set(table(&mut doc, "admin_api")?, "cors_origins", Value::Array(array));
            }
            Change::AddGroup { name, precedence } => {
                if current.user_pool.groups.iter().any(|g| &g.name == name) {
                    return Err(EditError::GroupExists(name.clone()));
                }
                groups(&mut doc, &current)?.push(name, *precedence);
            }
            Change::RemoveGroup(name) => {
                if current.admin_api.restrict_to_group.as_ref() == Some(name) {
                    return Err(EditError::RemovesAdminGroup(name.clone()));
                }
                let mut list = groups(&mut doc, &current)?;
                let index =
                    list.position(name).ok_or_else(|| EditError::NoSuchGroup(name.clone(), group_names(&current)))?;
                list.remove(index);
                notes.push(format!(
                    "The group `{name}` leaves the config; the next deploy removes it from the pool (its users stay, without the group)"
                ));
            }
            Change::Precedence { name, precedence } => {
                let mut list = groups(&mut doc, &current)?;
                let index =
                    list.position(name).ok_or_else(|| EditError::NoSuchGroup(name.clone(), group_names(&current)))?;
                list.set_precedence(index, *precedence);
            }
            Change::EnableAction(name) | Change::DisableAction(name) => {
                if admin_api::actions::Action::find(name).is_none() {
                    let known: Vec<&str> = admin_api::actions::ACTIONS.iter().map(|a| a.name).collect();
                    return Err(EditError::NoSuchAction(name.clone(), known.join(", ")));
                }
                let mut enabled: Vec<String> = current.enabled_actions().iter().map(|a| a.name.to_owned()).collect();
                let enable = matches!(change, Change::EnableAction(_));
                if enable && !enabled.contains(name) {
                    enabled.push(name.clone());
                } else if !enable {
                    enabled.retain(|a| a != name);
                    if let Some(rules) =
                        table(&mut doc, "admin_api")?.get_mut("access").and_then(Item::as_table_like_mut)
                    {
                        rules.remove(name);
                    }
                }
                let array: Array = enabled.iter().map(String::as_str).collect();
                set(table(&mut doc, "admin_api")?, "actions", Value::Array(array));
            }
            Change::UsernameAttributes(wanted) => {
                let (mut a, mut b) = (current.user_pool.username_attributes.clone(), wanted.clone());
                a.sort();
                b.sort();
                if a != b {
                    return Err(EditError::Immutable {
                        setting: "how users sign in (user_pool.username_attributes)",
                        from: attributes_text(&current.user_pool.username_attributes),
                        to: attributes_text(wanted),
                    });
                }
            }
        }
    }
    let text = doc.to_string();
    match Config::parse(&text, path) {
        Ok(config) => {
            if config.admin_api.restrict_to_group.is_none()
                && config.admin_api.allow_any_signed_in_user
                && changes.iter().any(|c| matches!(c, Change::Restrict(None) | Change::AllowAnySignedInUser(true)))
            {
                notes.push(
                    "allow_any_signed_in_user = true: where the pool allows self sign-up, ANYONE who signs up can \
                     administer every user"
                        .to_owned(),
                );
            }
        }
        // The open door, reached by lifting the restriction: say what to add to the same command.
        Err(ConfigError::Invalid { key, problem, .. })
            if key == "admin_api.restrict_to_group" && changes.contains(&Change::Restrict(None)) =>
        {
            return Err(EditError::OpenDoor(format!("`{key}` {problem}")));
        }
        Err(e) => return Err(e.into()),
    }
    Ok(Edited { text, notes })
}

#[cfg(test)]
mod tests {
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
            edit(HAND_WRITTEN, &[Change::Restrict(Some("Support".into())), Change::RemoveGroup("Admins".into())])
                .unwrap();
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
        assert!(
            names.contains(&"createUser") && !names.contains(&"confirmUserSignUp") && names.len() == 12,
            "{names:?}"
        );
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
        let text =
            "project = \"shop\"\nadmin_api = { restrict_to_group = \"Admins\", token = \"access\" }   # inline\n";
        let edited =
            edit(text, &[Change::Token(TokenKind::Id), Change::Cors(vec!["https://a.example".into()])]).unwrap();
        assert!(
            edited.text.contains("admin_api = { restrict_to_group = \"Admins\", token = \"id\""),
            "{}",
            edited.text
        );
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
}
