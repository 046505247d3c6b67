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
    /// The project's name (`project`), which names the stacks: for a new config (`add-auth`).
    Project(String),
    /// How users sign in, for a pool that does not exist yet (`add-auth`): set, where
    /// [`Change::UsernameAttributes`] refuses any change.
    NewPoolSignIn(Vec<UsernameAttribute>),
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

impl EditError {
    /// A refused edit is a refusal; a result that is not a valid config is a config error.
    pub fn failure(&self) -> crate::failure::Failure {
        use crate::failure::Failure;
        match self {
            Self::Invalid(_) | Self::Syntax(_) => Failure::Config,
            _ => Failure::Refused,
        }
    }
}

/// The edited text, and what a person should know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edited {
    pub text: String,
    pub notes: Vec<String>,
}

/// Puts `value` at `key` in `table`, keeping the decoration (comments, spacing) of the value it replaces.
/// The key keeps its own decoration too (a comment on the lines above it).
fn set(table: &mut dyn TableLike, key: &str, mut value: Value) {
    if let Some(item) = table.get_mut(key)
        && let Some(old) = item.as_value()
    {
        *value.decor_mut() = old.decor().clone();
        *item = Item::Value(value);
        return;
    }
    value.decor_mut().set_prefix(" ");
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
            Change::Project(name) => set(doc.as_table_mut(), "project", name.as_str().into()),
            Change::NewPoolSignIn(attributes) => {
                let array: Array = attributes.iter().map(|a| a.cognito_name()).collect();
                set(table(&mut doc, "user_pool")?, "username_attributes", Value::Array(array));
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
mod tests;
