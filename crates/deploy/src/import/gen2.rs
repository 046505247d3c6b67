//! A Gen 2 app's `amplify_outputs.json`: the one environment it describes (its region, pool and app client, groups
//! and sign-in). Gen 2 has no Admin Queries, so no administering group: the import restricts the API to the group
//! with the lowest precedence, or to `Admins` when there is none, and says so.

use std::path::Path;

use serde_json::Value;

use super::json::{JsonFile, Sourced};
use super::{
    AdoptedPool, AmplifyEnvironment, Generation, ImportError, Note, NoteKind, Plan, Restriction, project_name,
};
use crate::config::{Group, TokenKind, UsernameAttribute};

pub(super) const OUTPUTS: &str = "amplify_outputs.json";

pub(super) fn read(root: &Path, env: &str) -> Result<Plan, ImportError> {
    let file = JsonFile::require(root, OUTPUTS)?;
    if file.opt_object("auth")?.is_none() {
        return Err(file.missing("auth", "the app's auth (Gen 2 `defineAuth`)"));
    }
    let region = file.str("auth.aws_region", "the pool's region")?;
    let id = file.str("auth.user_pool_id", "the pool's id")?;
    let client_id = file.str("auth.user_pool_client_id", "the app client's id")?;

    let folder = std::fs::canonicalize(root).ok().and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()));
    let project = Sourced::new(
        project_name(folder.as_deref().unwrap_or("app")),
        format!("the folder's name ({OUTPUTS} names no project)"),
    );

    let key = "auth.username_attributes";
    let mut attributes = Vec::new();
    for name in file.opt_strings(key)?.unwrap_or_default() {
        let attribute = match name.as_str() {
            "email" => UsernameAttribute::Email,
            "phone_number" => UsernameAttribute::PhoneNumber,
            "username" => continue,
            other => {
                return Err(
                    file.bad(key, format!("has {other:?}: expected \"email\", \"phone_number\" or \"username\""))
                );
            }
        };
        if !attributes.contains(&attribute) {
            attributes.push(attribute);
        }
    }
    let from = if attributes.is_empty() { format!("{} (a user name)", file.from(key)) } else { file.from(key) };
    let username_attributes = Sourced::new(attributes, from);

    let token = if file.get("auth.oauth").is_some() {
        Sourced::new(TokenKind::Id, format!("{} (a Hosted UI: the app holds ID tokens)", file.from("auth.oauth")))
    } else {
        Sourced::new(TokenKind::Access, format!("{OUTPUTS}: auth.oauth is absent (no Hosted UI)"))
    };

    let groups = groups(&file)?;
    let mut notes = Vec::new();
    // The group with the lowest precedence (the first listed among equals) administers.
    let first =
        groups.value.iter().enumerate().min_by_key(|(i, g)| (g.precedence.unwrap_or(i32::MAX), *i)).map(|(_, g)| g);
    let restriction = match first {
        Some(group) => {
            notes.push(Note::new(
                NoteKind::Restriction,
                format!(
                    "Gen 2 has no Admin Queries and names no administering group: the API is restricted to `{}`, \
                     the group with the lowest precedence",
                    group.name
                ),
                "if another group administers, change it: cargo xtask update-auth --restrict-to <group>",
            ));
            Sourced::new(
                Restriction::Group(group.name.clone()),
                format!(
                    "{}: the lowest precedence (chosen by the import: Gen 2 names no admin group)",
                    file.from("auth.groups")
                ),
            )
        }
        None => {
            notes.push(Note::new(
                NoteKind::MissingGroup,
                "the pool has no groups, and the API needs an administering group: it is restricted to `Admins`, \
                 which does not exist yet",
                "create it: `cargo xtask deploy --create-missing-groups` (or add it to `groups` in defineAuth), then \
                 add the administrators to it",
            ));
            Sourced::new(
                Restriction::Group("Admins".into()),
                format!("chosen by the import: {OUTPUTS} lists no groups (create Admins)"),
            )
        }
    };

    let environment = AmplifyEnvironment {
        name: env.to_owned(),
        region,
        root_stack: None,
        pool: Some(AdoptedPool { id, client_id }),
        api_url: None,
    };
    Ok(Plan {
        generation: Generation::Gen2,
        project,
        username_attributes,
        groups,
        restriction,
        token,
        environments: vec![environment],
        auth_resource: None,
        notes,
    })
}

/// `auth.groups` (schema 1.3 and later): `[{"Admins": {"precedence": 0}}, ...]`, precedence 0-based and optional.
fn groups(file: &JsonFile) -> Result<Sourced<Vec<Group>>, ImportError> {
    let key = "auth.groups";
    let items = match file.get(key) {
        None | Some(Value::Null) => return Ok(Sourced::new(Vec::new(), format!("{OUTPUTS}: auth.groups is absent"))),
        Some(Value::Array(items)) => items,
        Some(other) => return Err(file.bad(key, format!("is {other}, not a list of groups"))),
    };
    let mut groups = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Some((name, settings)) = item.as_object().filter(|o| o.len() == 1).and_then(|o| o.iter().next()) else {
            return Err(file.bad(&format!("{key}[{i}]"), "is not one group, {\"<name>\": {\"precedence\": <n>}}"));
        };
        let precedence = match settings.get("precedence") {
            None | Some(Value::Null) => None,
            Some(p) => Some(p.as_i64().and_then(|p| i32::try_from(p).ok()).ok_or_else(|| {
                file.bad(&format!("{key}[{i}].{name}.precedence"), format!("is {p}, not a whole number"))
            })?),
        };
        groups.push(Group { name: name.clone(), precedence, description: None });
    }
    Ok(Sourced::new(groups, file.from(key)))
}
