//! `[admin_api]`: the group that may administer, the token kind, CORS, the actions served and their access rules;
//! and their checks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::environments::{Scope, key, overrides};
use super::{Config, ConfigError, Fault};

/// Which token the API accepts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// Access tokens with the scope `aws.cognito.signin.user.admin` (Amplify's default).
    #[default]
    Access,
    /// ID tokens (Hosted UI apps).
    Id,
}

/// The admin API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminApi {
    /// Only members of this group may administer. Absent: any signed-in user may (Amplify's "No").
    pub restrict_to_group: Option<String>,
    #[serde(default)]
    pub token: TokenKind,
    #[serde(default = "default_cors")]
    pub cors_origins: Vec<String>,
    /// The actions the API serves. Absent: Amplify's routes and updateUserAttributes; the others are off.
    pub actions: Option<Vec<String>>,
    /// Per action, the groups that may call it (instead of `restrict_to_group`).
    #[serde(default)]
    pub access: BTreeMap<String, Vec<String>>,
    /// When the function confirms the caller with Cognito: `always` (the default), `mutations` or `off`.
    #[serde(default)]
    pub verify_caller: admin_api::config::VerifyCaller,
    /// With no group restriction on a pool that allows self sign-up, anyone who signs up may administer every
    /// user. This says that is wanted; without it, such a config is refused.
    #[serde(default)]
    pub allow_any_signed_in_user: bool,
}

impl Default for AdminApi {
    fn default() -> Self {
        Self {
            restrict_to_group: Some("Admins".to_owned()),
            token: TokenKind::Access,
            cors_origins: default_cors(),
            actions: None,
            access: BTreeMap::new(),
            verify_caller: admin_api::config::VerifyCaller::default(),
            allow_any_signed_in_user: false,
        }
    }
}

fn default_cors() -> Vec<String> {
    vec!["*".to_owned()]
}

/// Checks the admin API settings of the config as the environment in `scope` sees it (`None`: the shared ones);
/// errors name the key that set the value at fault.
pub(super) fn validate(config: &Config, fault: &Fault, scope: Scope) -> Result<(), ConfigError> {
    let api = &config.admin_api;
    let wanted = overrides(scope).admin_api;
    let actions_key = key(scope, "admin_api.actions", wanted.actions.is_some());
    let access_key = key(scope, "admin_api.access", wanted.access.is_some());
    let group_key = key(scope, "admin_api.restrict_to_group", wanted.restrict_to_group.is_some());
    let cors_key = key(scope, "admin_api.cors_origins", wanted.cors_origins.is_some());
    let known = || admin_api::actions::ACTIONS.iter().map(|a| a.name).collect::<Vec<_>>().join(", ");
    if let Some(actions) = &api.actions {
        if actions.is_empty() {
            return Err(fault.at(
                &actions_key,
                "is empty",
                "list the actions to serve, or remove the key for Amplify's routes",
            ));
        }
        for name in actions {
            if admin_api::actions::Action::find(name).is_none() {
                return Err(fault.at(
                    &actions_key,
                    format!("has {name:?}, which is not an action"),
                    format!("use the names of the actions: {}", known()),
                ));
            }
        }
    }
    for (name, groups) in &api.access {
        let key = format!("{access_key}.{name}");
        if !config.enabled_actions().iter().any(|a| a.name == name) {
            return Err(fault.at(
                &key,
                "is a rule for an action the API does not serve",
                format!("add the action to {actions_key}, or remove the rule"),
            ));
        }
        if groups.is_empty() || groups.iter().any(|g| g.is_empty() || g.chars().any(char::is_whitespace)) {
            return Err(fault.at(
                &key,
                "needs at least one group name",
                "write the groups that may call it, e.g. listUsers = [\"Admins\", \"Support\"]",
            ));
        }
    }
    if let Some(group) = &api.restrict_to_group
        && (group.is_empty() || group.chars().any(char::is_whitespace))
    {
        return Err(fault.at(
            &group_key,
            format!("is {group:?}, which is not a group name"),
            "name the group that may administer, e.g. \"Admins\", or remove the key to let every signed-in user administer",
        ));
    }
    if api.cors_origins.is_empty() {
        return Err(fault.at(
            &cors_key,
            "is empty",
            "write [\"*\"], or the origins of your admin app, e.g. [\"https://admin.example.com\"]",
        ));
    }
    for origin in &api.cors_origins {
        let ok = origin == "*"
            || ((origin.starts_with("https://") || origin.starts_with("http://"))
                && !origin.ends_with('/')
                && !origin.contains(',')
                && !origin.contains(char::is_whitespace));
        if !ok {
            return Err(fault.at(
                &cors_key,
                format!("has {origin:?}, which is not an origin"),
                "write \"*\" or scheme://host[:port] without a path or trailing slash, e.g. \"https://admin.example.com\"",
            ));
        }
    }
    Ok(())
}
