//! `[environments.<name>]`: where the API is deployed, and the settings an environment may set for itself; the
//! checks of the project's and the environments' names, and of the settings each environment ends up with.

use serde::{Deserialize, Serialize};

use super::api::{ACCOUNT_BURST_LIMIT, ACCOUNT_RATE_LIMIT, default_burst_limit, default_rate_limit};
use super::user_pool::{REFRESH_VALIDITY, SHORT_VALIDITY, default_refresh_validity, default_short_validity};
use super::{Config, ConfigError, Fault};
use super::{Mfa, Validity};

/// One place the API is deployed to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// The AWS region; `us-east-1` for `local` when absent.
    pub region: Option<String>,
    /// The CloudFormation stack; `<project>-<environment>` when absent.
    pub stack: Option<String>,
    /// Keep the user pool (and its users) when the stack is deleted or the pool would be replaced.
    #[serde(default)]
    pub retain_user_pool: bool,
    /// This environment's values of `[user_pool]` settings that may differ between environments.
    #[serde(default)]
    pub user_pool: PoolOverrides,
    /// This environment's values of `[api]` settings.
    #[serde(default)]
    pub api: ApiOverrides,
    /// This environment's values of `[lambda]` settings that may differ between environments.
    #[serde(default)]
    pub lambda: LambdaOverrides,
}

/// `[environments.<name>.user_pool]`: the pool settings an environment may set for itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolOverrides {
    pub self_sign_up: Option<bool>,
    pub mfa: Option<Mfa>,
    #[serde(default)]
    pub token_validity: TokenValidityOverrides,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenValidityOverrides {
    pub access: Option<Validity>,
    pub id: Option<Validity>,
    pub refresh: Option<Validity>,
}

/// `[environments.<name>.api]`: the stage settings an environment may set for itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiOverrides {
    pub rate_limit: Option<u32>,
    pub burst_limit: Option<u32>,
    pub access_logs: Option<bool>,
    pub tracing: Option<bool>,
}

/// `[environments.<name>.lambda]`: the function settings an environment may set for itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaOverrides {
    pub reserved_concurrency: Option<u32>,
}

impl Environment {
    pub fn region(&self) -> &str {
        self.region.as_deref().unwrap_or("us-east-1")
    }
}

/// The project's name and each environment's name, region and stack.
pub(super) fn validate_names(config: &Config, fault: &Fault) -> Result<(), ConfigError> {
    let name_ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 40
            && s.starts_with(|c: char| c.is_ascii_lowercase())
            && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    };
    if !name_ok(&config.project) {
        return Err(fault.at(
            "project",
            format!("is {:?}, which cannot name stacks and resources", config.project),
            "use up to 40 lowercase letters, digits and `-`, starting with a letter, e.g. project = \"myapp\"",
        ));
    }
    for (name, env) in &config.environments {
        let key = format!("environments.{name}");
        if !name_ok(name) || name.len() > 20 {
            return Err(fault.at(
                &key,
                "is not a usable environment name",
                "use up to 20 lowercase letters, digits and `-` (it becomes the API's stage)",
            ));
        }
        if let Some(region) = &env.region {
            let parts: Vec<&str> = region.split('-').collect();
            let ok = parts.len() >= 3
                && parts
                    .iter()
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()))
                && parts.last().is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()));
            if !ok {
                return Err(fault.at(
                    format!("{key}.region"),
                    format!("is {region:?}, which is not an AWS region"),
                    "write a region code such as \"eu-west-1\"",
                ));
            }
        }
        if let Some(stack) = &env.stack {
            let ok = stack.len() <= 128
                && stack.starts_with(|c: char| c.is_ascii_alphabetic())
                && stack.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !ok {
                return Err(fault.at(
                    format!("{key}.stack"),
                    format!("is {stack:?}, which CloudFormation refuses"),
                    "use letters, digits and `-`, starting with a letter (at most 128)",
                ));
            }
        }
    }
    Ok(())
}

/// Checks the settings an environment may override, on the config as `env` sees it (`None`: the shared
/// values, which every environment starts from). Errors name the key that set the value at fault.
pub(super) fn validate_settings(
    config: &Config,
    fault: &Fault,
    env: Option<(&str, &Environment)>,
) -> Result<(), ConfigError> {
    // `section.field`, or `environments.<name>.section.field` when the environment sets it.
    let key = |section: &str, field: &str, overridden: bool| match env {
        Some((name, _)) if overridden => format!("environments.{name}.{section}.{field}"),
        _ => format!("{section}.{field}"),
    };
    let overrides = env.map(|(_, e)| e.clone()).unwrap_or_default();
    let validity = &config.user_pool.token_validity;
    let wanted = &overrides.user_pool.token_validity;
    for (field, value, set, (low, high)) in [
        ("access", validity.access, wanted.access.is_some(), SHORT_VALIDITY),
        ("id", validity.id, wanted.id.is_some(), SHORT_VALIDITY),
        ("refresh", validity.refresh, wanted.refresh.is_some(), REFRESH_VALIDITY),
    ] {
        if value < low || value > high {
            return Err(fault.at(
                key("user_pool.token_validity", field, set),
                format!("is \"{value}\", outside what Cognito accepts"),
                format!(
                    "use from \"{low}\" to \"{high}\" (Cognito's default is \"{}\")",
                    if field == "refresh" { default_refresh_validity() } else { default_short_validity() }
                ),
            ));
        }
    }
    let api = &config.api;
    if !(1..=ACCOUNT_RATE_LIMIT).contains(&api.rate_limit) {
        return Err(fault.at(
            key("api", "rate_limit", overrides.api.rate_limit.is_some()),
            format!("is {}", api.rate_limit),
            format!(
                "use 1 to {ACCOUNT_RATE_LIMIT} requests per second (API Gateway's account limit); the default, {}, is plenty for an admin API",
                default_rate_limit()
            ),
        ));
    }
    if !(1..=ACCOUNT_BURST_LIMIT).contains(&api.burst_limit) {
        return Err(fault.at(
            key("api", "burst_limit", overrides.api.burst_limit.is_some()),
            format!("is {}", api.burst_limit),
            format!(
                "use 1 to {ACCOUNT_BURST_LIMIT} requests (API Gateway's account limit); the default is {}",
                default_burst_limit()
            ),
        ));
    }
    if config.lambda.reserved_concurrency == Some(0) {
        return Err(fault.at(
            key("lambda", "reserved_concurrency", overrides.lambda.reserved_concurrency.is_some()),
            "is 0, which stops the function from ever running",
            "reserve 1 or more instances (e.g. 5), or remove the key to share the account's pool",
        ));
    }
    // No open door: with no group restriction, every signed-in user administers every user, so nobody may be
    // able to sign themselves up, unless the config says that is wanted.
    if let Some((name, env)) = env {
        let api = &config.admin_api;
        let unguarded = api.restrict_to_group.is_none()
            && config.enabled_actions().iter().any(|a| !api.access.contains_key(a.name));
        if unguarded && config.user_pool.self_sign_up && !api.allow_any_signed_in_user {
            let sign_up_key = key("user_pool", "self_sign_up", env.user_pool.self_sign_up.is_some());
            let adopted = if config.user_pool.existing.is_some() {
                " (the adopted pool is never modified: if it does not allow self sign-up, say so with user_pool.self_sign_up = false)"
            } else {
                ""
            };
            return Err(fault.at(
                "admin_api.restrict_to_group",
                format!(
                    "is absent, and the user pool of `{name}` allows self sign-up ({sign_up_key} is true, the default): anyone who signs up could list, change, disable and delete every user"
                ),
                format!(
                    "restrict the API to a group (admin_api.restrict_to_group = \"Admins\"); or let only administrators create users ({sign_up_key} = false){adopted}; or, if every signed-in user may really administer every user, say so: admin_api.allow_any_signed_in_user = true"
                ),
            ));
        }
    }
    Ok(())
}
