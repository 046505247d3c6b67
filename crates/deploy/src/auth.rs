//! The change logic of `add-auth` and `update-auth`: flags and Amplify-style headless requests become
//! [`Change`]s, and a new config is the default one edited by the same format-preserving editor.

use serde_json::Value;

use crate::config::{Config, DEFAULT_CONFIG, TokenKind, UsernameAttribute};
use crate::edit::{self, Change, EditError, Edited};

/// What the flags of `add-auth` / `update-auth` ask for, typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flags {
    pub restrict_to: Option<String>,
    pub no_restriction: bool,
    pub self_sign_up: Option<bool>,
    pub allow_any_signed_in_user: bool,
    pub token: Option<TokenKind>,
    pub cors: Vec<String>,
    /// `Editors` or `Editors:2`.
    pub add_groups: Vec<String>,
    pub remove_groups: Vec<String>,
    /// `Editors=3`.
    pub precedence: Vec<String>,
    pub enable_actions: Vec<String>,
    pub disable_actions: Vec<String>,
    pub sign_in: Option<Vec<UsernameAttribute>>,
}

/// A request that cannot become changes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("--add-group {spec}: the precedence must be a number, e.g. Editors:2")]
    GroupPrecedence { spec: String },
    #[error("--precedence {spec}: write NAME=NUMBER, e.g. Editors=3")]
    PrecedenceShape { spec: String },
    #[error("--precedence {spec}: the precedence must be a number")]
    PrecedenceNumber { spec: String },
    #[error("headless request: not JSON: {message}")]
    NotJson { message: String },
    #[error("headless request: {problem}")]
    Headless { problem: String },
}

impl AuthError {
    pub fn failure(&self) -> crate::failure::Failure {
        crate::failure::Failure::Refused
    }

    /// What to do about it.
    pub fn help(&self) -> &'static str {
        match self {
            Self::GroupPrecedence { .. } => "write the group as NAME or NAME:NUMBER, e.g. Editors:2",
            Self::PrecedenceShape { .. } | Self::PrecedenceNumber { .. } => "write NAME=NUMBER, e.g. Editors=3",
            Self::NotJson { .. } | Self::Headless { .. } => "see the README's headless request for its shape",
        }
    }
}

/// How users sign in, by the flag's value: `username`, `email` or `phone`.
pub fn sign_in(value: &str) -> Vec<UsernameAttribute> {
    match value {
        "email" => vec![UsernameAttribute::Email],
        "phone" => vec![UsernameAttribute::PhoneNumber],
        _ => Vec::new(),
    }
}

/// The token kind, by the flag's value: `access` or `id`.
pub fn token(value: &str) -> TokenKind {
    if value == "id" { TokenKind::Id } else { TokenKind::Access }
}

/// The changes the flags ask for, in a fixed order: groups first, so that a restriction can name a new group.
pub fn changes_from_flags(flags: &Flags) -> Result<Vec<Change>, AuthError> {
    let mut changes = Vec::new();
    if let Some(attributes) = &flags.sign_in {
        changes.push(Change::UsernameAttributes(attributes.clone()));
    }
    for spec in &flags.add_groups {
        let (name, precedence) = match spec.split_once(':') {
            Some((name, p)) => {
                (name, Some(p.parse::<i32>().map_err(|_| AuthError::GroupPrecedence { spec: spec.clone() })?))
            }
            None => (spec.as_str(), None),
        };
        changes.push(Change::AddGroup { name: name.to_owned(), precedence });
    }
    for spec in &flags.precedence {
        let (name, p) = spec.split_once('=').ok_or_else(|| AuthError::PrecedenceShape { spec: spec.clone() })?;
        let precedence = p.parse().map_err(|_| AuthError::PrecedenceNumber { spec: spec.clone() })?;
        changes.push(Change::Precedence { name: name.to_owned(), precedence });
    }
    if let Some(group) = &flags.restrict_to {
        changes.push(Change::Restrict(Some(group.clone())));
    }
    if flags.no_restriction {
        changes.push(Change::Restrict(None));
    }
    if let Some(on) = flags.self_sign_up {
        changes.push(Change::SelfSignUp(on));
    }
    if flags.allow_any_signed_in_user {
        changes.push(Change::AllowAnySignedInUser(true));
    }
    if let Some(kind) = flags.token {
        changes.push(Change::Token(kind));
    }
    if !flags.cors.is_empty() {
        changes.push(Change::Cors(flags.cors.clone()));
    }
    for name in &flags.remove_groups {
        changes.push(Change::RemoveGroup(name.clone()));
    }
    changes.extend(flags.enable_actions.iter().cloned().map(Change::EnableAction));
    changes.extend(flags.disable_actions.iter().cloned().map(Change::DisableAction));
    Ok(changes)
}

/// A headless request as text: [`changes_from_headless`] of its JSON.
pub fn changes_from_headless_text(text: &str, current: &Config) -> Result<Vec<Change>, AuthError> {
    let request: Value = serde_json::from_str(text).map_err(|e| AuthError::NotJson { message: e.to_string() })?;
    changes_from_headless(&request, current)
}

/// A headless request, close to Amplify's headless `update auth`:
/// `{"version": 1, "serviceModification": {"serviceName": "Cognito", "userPoolConfiguration": {"userPoolGroups":
/// [{"groupName": "Admins", "precedence": 1}], "adminQueries": {"permissions": {"restrictAccess": true,
/// "groupName": "Admins"}, "tokenKind": "access", "corsOrigins": ["*"]}}}}`. The groups listed are the groups
/// wanted: missing ones are added, others removed.
pub fn changes_from_headless(request: &Value, current: &Config) -> Result<Vec<Change>, AuthError> {
    let bad = |what: &str| AuthError::Headless { problem: what.to_owned() };
    let modification = &request["serviceModification"];
    if modification["serviceName"] != "Cognito" {
        return Err(bad("serviceModification.serviceName must be \"Cognito\""));
    }
    let pool = &modification["userPoolConfiguration"];
    let mut changes = Vec::new();
    if let Some(method) = pool.get("signinMethod").and_then(Value::as_str) {
        let attributes = match method {
            "USERNAME" => vec![],
            "EMAIL" => vec![UsernameAttribute::Email],
            "PHONE_NUMBER" => vec![UsernameAttribute::PhoneNumber],
            other => return Err(bad(&format!("signinMethod {other:?} is not USERNAME, EMAIL or PHONE_NUMBER"))),
        };
        changes.push(Change::UsernameAttributes(attributes));
    }
    let mut wanted_groups = Vec::new();
    if let Some(groups) = pool.get("userPoolGroups") {
        let groups = groups.as_array().ok_or_else(|| bad("userPoolGroups must be a list"))?;
        for group in groups {
            let name = group["groupName"].as_str().ok_or_else(|| bad("each group needs a groupName"))?;
            let precedence = group.get("precedence").and_then(Value::as_i64).and_then(|p| i32::try_from(p).ok());
            wanted_groups.push(name.to_owned());
            match current.user_pool.groups.iter().find(|g| g.name == name) {
                None => changes.push(Change::AddGroup { name: name.to_owned(), precedence }),
                Some(g) => {
                    if let Some(p) = precedence.filter(|p| Some(*p) != g.precedence) {
                        changes.push(Change::Precedence { name: name.to_owned(), precedence: p });
                    }
                }
            }
        }
    }
    let admin = &pool["adminQueries"];
    match admin["permissions"]["restrictAccess"].as_bool() {
        Some(true) => {
            let group =
                admin["permissions"]["groupName"].as_str().ok_or_else(|| bad("restrictAccess needs a groupName"))?;
            changes.push(Change::Restrict(Some(group.to_owned())));
        }
        Some(false) => changes.push(Change::Restrict(None)),
        None => {}
    }
    if let Some(on) = pool.get("selfSignUp").and_then(Value::as_bool) {
        changes.push(Change::SelfSignUp(on));
    }
    if admin["permissions"]["allowAnySignedInUser"].as_bool() == Some(true) {
        changes.push(Change::AllowAnySignedInUser(true));
    }
    if let Some(kind) = admin.get("tokenKind").and_then(Value::as_str) {
        changes.push(Change::Token(token(kind)));
    }
    if let Some(origins) = admin.get("corsOrigins").and_then(Value::as_array) {
        changes.push(Change::Cors(origins.iter().filter_map(Value::as_str).map(str::to_owned).collect()));
    }
    if pool.get("userPoolGroups").is_some() {
        for group in &current.user_pool.groups {
            if !wanted_groups.contains(&group.name) {
                changes.push(Change::RemoveGroup(group.name.clone()));
            }
        }
    }
    Ok(changes)
}

/// A comma-separated answer as a list, blanks dropped: `"Admins, Editors,"` → `["Admins", "Editors"]`.
pub fn list(text: &str) -> Vec<String> {
    text.split(',').map(|item| item.trim().to_owned()).filter(|item| !item.is_empty()).collect()
}

/// The default config's groups replaced by `names`, in order of precedence (1, 2, ...): its `Admins` is kept (with
/// its new precedence) when named, and removed when not.
pub fn groups_in_order(names: &[String]) -> Vec<Change> {
    let mut changes: Vec<Change> = (1..)
        .zip(names)
        .map(|(precedence, name)| match name.as_str() {
            "Admins" => Change::Precedence { name: name.clone(), precedence },
            _ => Change::AddGroup { name: name.clone(), precedence: Some(precedence) },
        })
        .collect();
    if !names.iter().any(|name| name == "Admins") {
        changes.push(Change::RemoveGroup("Admins".to_owned()));
    }
    changes
}

/// The changes that make `chosen` exactly the served actions of `current`.
pub fn serve_only(current: &Config, chosen: &[&str]) -> Vec<Change> {
    let enabled = current.enabled_actions();
    admin_api::actions::ACTIONS
        .iter()
        .filter(|action| chosen.contains(&action.name) != enabled.iter().any(|a| a.name == action.name))
        .map(|action| match chosen.contains(&action.name) {
            true => Change::EnableAction(action.name.to_owned()),
            false => Change::DisableAction(action.name.to_owned()),
        })
        .collect()
}

/// Whether some environment's pool lets anyone sign up (`self_sign_up`, the shared value or an environment's).
pub fn anyone_can_sign_up(config: &Config) -> bool {
    config.user_pool.self_sign_up || config.environments.values().any(|e| e.user_pool.self_sign_up == Some(true))
}

/// The default config for a new project: its name, and how users sign in (a new pool may sign in however it
/// likes), edited into [`DEFAULT_CONFIG`] with its comments kept.
pub fn default_config(project: &str, sign_in: Option<&[UsernameAttribute]>, path: &str) -> Result<String, EditError> {
    let mut changes = vec![Change::Project(project.to_owned())];
    if let Some(attributes) = sign_in {
        changes.push(Change::NewPoolSignIn(attributes.to_vec()));
    }
    Ok(edit::apply(DEFAULT_CONFIG, path, &changes)?.text)
}

/// `add-auth`'s config: the default one for `project` and `sign_in`, then `changes` (a change of how users sign
/// in among them is dropped: the pool is new, `sign_in` says it).
pub fn new_config(
    project: &str,
    sign_in: Option<&[UsernameAttribute]>,
    changes: &[Change],
    path: &str,
) -> Result<Edited, EditError> {
    let text = default_config(project, sign_in, path)?;
    let changes: Vec<Change> =
        changes.iter().filter(|c| !matches!(c, Change::UsernameAttributes(_))).cloned().collect();
    edit::apply(&text, path, &changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATH: &str = "admin-queries.toml";

    fn default() -> Config {
        Config::parse(DEFAULT_CONFIG, PATH).unwrap()
    }

    #[test]
    fn walkthrough_answers_become_changes() {
        assert_eq!(list(" Admins, Editors,,"), ["Admins", "Editors"]);
        let names = list("Editors, Admins");
        let edited = new_config("myapp", None, &groups_in_order(&names), PATH).unwrap();
        let config = Config::parse(&edited.text, PATH).unwrap();
        let groups: Vec<_> = config.user_pool.groups.iter().map(|g| (g.name.as_str(), g.precedence)).collect();
        assert_eq!(groups, [("Admins", Some(2)), ("Editors", Some(1))]);
        assert!(groups_in_order(&list("Ops")).contains(&Change::RemoveGroup("Admins".into())));
    }

    #[test]
    fn a_selection_of_actions_changes_only_what_differs() {
        let current = default();
        let mut chosen: Vec<&str> = current.enabled_actions().iter().map(|a| a.name).collect();
        assert_eq!(serve_only(&current, &chosen), []);
        chosen.retain(|name| *name != "listUsers");
        assert_eq!(serve_only(&current, &chosen), [Change::DisableAction("listUsers".into())]);
    }

    #[test]
    fn flags_become_changes_groups_first() {
        let flags = Flags {
            restrict_to: Some("Editors".into()),
            add_groups: vec!["Editors:2".into(), "Support".into()],
            precedence: vec!["Admins=3".into()],
            token: Some(TokenKind::Id),
            cors: vec!["https://a.example".into()],
            remove_groups: vec!["Old".into()],
            enable_actions: vec!["createUser".into()],
            self_sign_up: Some(false),
            ..Flags::default()
        };
        assert_eq!(
            changes_from_flags(&flags).unwrap(),
            vec![
                Change::AddGroup { name: "Editors".into(), precedence: Some(2) },
                Change::AddGroup { name: "Support".into(), precedence: None },
                Change::Precedence { name: "Admins".into(), precedence: 3 },
                Change::Restrict(Some("Editors".into())),
                Change::SelfSignUp(false),
                Change::Token(TokenKind::Id),
                Change::Cors(vec!["https://a.example".into()]),
                Change::RemoveGroup("Old".into()),
                Change::EnableAction("createUser".into()),
            ]
        );
        assert!(changes_from_flags(&Flags::default()).unwrap().is_empty());
    }

    #[test]
    fn bad_flags_say_what_to_write() {
        let bad = |flags: Flags| changes_from_flags(&flags).unwrap_err().to_string();
        let e = bad(Flags { add_groups: vec!["Editors:two".into()], ..Flags::default() });
        assert_eq!(e, "--add-group Editors:two: the precedence must be a number, e.g. Editors:2");
        let e = bad(Flags { precedence: vec!["Editors".into()], ..Flags::default() });
        assert_eq!(e, "--precedence Editors: write NAME=NUMBER, e.g. Editors=3");
        let e = bad(Flags { precedence: vec!["Editors=x".into()], ..Flags::default() });
        assert_eq!(e, "--precedence Editors=x: the precedence must be a number");
    }

    #[test]
    fn a_headless_request_names_the_groups_wanted() {
        let request = r#"{"version": 1, "serviceModification": {"serviceName": "Cognito", "userPoolConfiguration": {
            "userPoolGroups": [{"groupName": "Admins", "precedence": 5}, {"groupName": "Editors"}],
            "adminQueries": {"permissions": {"restrictAccess": true, "groupName": "Editors"}, "tokenKind": "id",
            "corsOrigins": ["https://a.example"]}}}}"#;
        let changes = changes_from_headless_text(request, &default()).unwrap();
        assert_eq!(
            changes,
            vec![
                Change::Precedence { name: "Admins".into(), precedence: 5 },
                Change::AddGroup { name: "Editors".into(), precedence: None },
                Change::Restrict(Some("Editors".into())),
                Change::Token(TokenKind::Id),
                Change::Cors(vec!["https://a.example".into()]),
            ]
        );
        let removing = r#"{"serviceModification": {"serviceName": "Cognito", "userPoolConfiguration": {
            "userPoolGroups": [], "selfSignUp": false, "adminQueries": {"permissions": {"restrictAccess": false}}}}}"#;
        let changes = changes_from_headless_text(removing, &default()).unwrap();
        assert!(changes.contains(&Change::Restrict(None)) && changes.contains(&Change::SelfSignUp(false)));
        assert!(changes.contains(&Change::RemoveGroup("Admins".into())), "{changes:?}");
    }

    #[test]
    fn a_bad_headless_request_says_what_is_wrong() {
        let err = changes_from_headless_text("{", &default()).unwrap_err();
        assert!(matches!(err, AuthError::NotJson { .. }) && err.to_string().starts_with("headless request: not JSON"));
        let err = changes_from_headless_text(r#"{"serviceModification": {"serviceName": "S3"}}"#, &default());
        assert_eq!(
            err.unwrap_err().to_string(),
            "headless request: serviceModification.serviceName must be \"Cognito\""
        );
        let err = changes_from_headless_text(
            r#"{"serviceModification": {"serviceName": "Cognito", "userPoolConfiguration": {"signinMethod": "X"}}}"#,
            &default(),
        );
        assert!(err.unwrap_err().to_string().contains("is not USERNAME, EMAIL or PHONE_NUMBER"));
    }

    #[test]
    fn a_new_config_is_the_default_edited_in_place() {
        let text = default_config("shop", Some(&[UsernameAttribute::Email]), PATH).unwrap();
        let expected = DEFAULT_CONFIG.replacen("project = \"myapp\"", "project = \"shop\"", 1).replacen(
            "username_attributes = []",
            "username_attributes = [\"email\"]",
            1,
        );
        assert_eq!(text, expected, "only the two values change; every comment stays");
        // A name TOML must quote is written as TOML writes it.
        let text = default_config("a\"b", None, PATH);
        assert!(text.is_err() || text.unwrap().contains(r#"project = "a\"b""#));
        let edited = new_config(
            "shop",
            Some(&[UsernameAttribute::PhoneNumber]),
            &[Change::UsernameAttributes(vec![UsernameAttribute::Email]), Change::Token(TokenKind::Id)],
            PATH,
        )
        .unwrap();
        assert!(edited.text.contains("username_attributes = [\"phone_number\"]"), "{}", edited.text);
        assert!(edited.text.contains("token = \"id\""), "{}", edited.text);
        assert!(anyone_can_sign_up(&Config::parse(&edited.text, PATH).unwrap()));
    }
}
