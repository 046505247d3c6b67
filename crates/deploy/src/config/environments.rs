//! `[environments.<name>]`: where the API is deployed, and the settings an environment may set for itself; the
//! checks of the project's and the environments' names, of the names derived from them, and of the settings each
//! environment ends up with.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::api::{ACCOUNT_BURST_LIMIT, ACCOUNT_RATE_LIMIT, default_burst_limit, default_rate_limit};
use super::user_pool::{REFRESH_VALIDITY, SHORT_VALIDITY, default_refresh_validity, default_short_validity};
use super::{Architecture, Config, ConfigError, Fault, LOCAL, TokenKind};
use super::{Mfa, Validity};
use crate::names::Source;

/// One place the API is deployed to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Environment {
    /// The AWS region; `us-east-1` when absent (and always for `local`, which runs on this machine).
    pub region: Option<String>,
    /// The CloudFormation stack; `<project>-<environment>` when absent. The function and its log groups are named
    /// after it, so two stacks of one environment (a stack per pull request) never collide.
    pub stack: Option<String>,
    /// Keep the user pool (and its users) when the stack is deleted or the pool would be replaced.
    #[serde(default)]
    pub retain_user_pool: bool,
    /// This environment's values of `[user_pool]` settings that may differ between environments.
    #[serde(default)]
    pub user_pool: PoolOverrides,
    /// This environment's values of `[admin_api]` settings that may differ between environments.
    #[serde(default)]
    pub admin_api: AdminApiOverrides,
    /// This environment's values of `[api]` settings.
    #[serde(default)]
    pub api: ApiOverrides,
    /// This environment's values of `[lambda]` settings.
    #[serde(default)]
    pub lambda: LambdaOverrides,
}

/// `[environments.<name>.user_pool]`: the pool settings an environment may set for itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PoolOverrides {
    /// Adopt this existing pool instead of the shared `user_pool.existing` (or instead of creating one). The
    /// shared `user_pool.client_id` belongs to the shared pool, so it does not come along: set this table's
    /// `client_id` for the adopted pool's app client.
    pub existing: Option<String>,
    /// The app's own app client of the adopted pool, used instead of creating one.
    pub client_id: Option<String>,
    /// Whether anyone may sign up.
    pub self_sign_up: Option<bool>,
    /// Multi-factor authentication.
    pub mfa: Option<Mfa>,
    /// The app client's token lifetimes, each on its own.
    #[serde(default)]
    pub token_validity: TokenValidityOverrides,
}

/// `[environments.<name>.user_pool.token_validity]`: the token lifetimes an environment sets for itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenValidityOverrides {
    /// How long access tokens last.
    pub access: Option<Validity>,
    /// How long ID tokens last.
    pub id: Option<Validity>,
    /// How long refresh tokens last.
    pub refresh: Option<Validity>,
}

/// `[environments.<name>.admin_api]`: the admin API settings an environment may set for itself. Each value
/// replaces the shared one whole (the environment's `access` rules are all its rules).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminApiOverrides {
    /// The group that may administer in this environment. An environment cannot lift the shared restriction.
    pub restrict_to_group: Option<String>,
    /// The token the API accepts.
    pub token: Option<TokenKind>,
    /// The origins allowed to call the API.
    pub cors_origins: Option<Vec<String>>,
    /// The actions the API serves.
    pub actions: Option<Vec<String>>,
    /// Per action, the groups that may call it.
    pub access: Option<BTreeMap<String, Vec<String>>>,
}

/// `[environments.<name>.api]`: the stage settings an environment may set for itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiOverrides {
    /// Steady-state requests per second.
    pub rate_limit: Option<u32>,
    /// Requests at once above the rate.
    pub burst_limit: Option<u32>,
    /// A JSON line per request in CloudWatch.
    pub access_logs: Option<bool>,
    /// AWS X-Ray traces.
    pub tracing: Option<bool>,
}

/// `[environments.<name>.lambda]`: the function settings an environment may set for itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaOverrides {
    /// The processor the function runs on (and is built for).
    pub architecture: Option<Architecture>,
    /// The function's memory.
    pub memory_mb: Option<u32>,
    /// The function's timeout.
    pub timeout_s: Option<u32>,
    /// How long CloudWatch keeps the function's logs and the access logs.
    pub log_retention_days: Option<u32>,
    /// Instances reserved for the function, and its ceiling.
    pub reserved_concurrency: Option<u32>,
}

impl Environment {
    /// The region the environment deploys to: its `region`, else `us-east-1`.
    pub fn region(&self) -> &str {
        self.region.as_deref().unwrap_or("us-east-1")
    }
}

/// Which settings a check looks at: the shared ones (`None`), which every environment starts from, or those the
/// environment `name` ends up with.
pub(super) type Scope<'a> = Option<(&'a str, &'a Environment)>;

/// The key of `path` (`section.field`) as the config writes it: `environments.<name>.<path>` when the environment
/// in `scope` sets the value (`overridden`), else `path`.
pub(super) fn key(scope: Scope, path: &str, overridden: bool) -> String {
    match scope {
        Some((name, _)) if overridden => format!("environments.{name}.{path}"),
        _ => path.to_owned(),
    }
}

/// The overrides of the environment in `scope`; none for the shared settings.
pub(super) fn overrides(scope: Scope) -> Environment {
    scope.map(|(_, e)| e.clone()).unwrap_or_default()
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

/// Checks the settings an environment may override, on the config as the environment in `scope` sees it (`None`:
/// the shared values, which every environment starts from). Errors name the key that set the value at fault.
pub(super) fn validate_settings(config: &Config, fault: &Fault, scope: Scope) -> Result<(), ConfigError> {
    let overrides = overrides(scope);
    validate_adopted_pool(config, fault, scope)?;
    let validity = &config.user_pool.token_validity;
    let wanted = &overrides.user_pool.token_validity;
    for (field, value, set, (low, high)) in [
        ("access", validity.access, wanted.access.is_some(), SHORT_VALIDITY),
        ("id", validity.id, wanted.id.is_some(), SHORT_VALIDITY),
        ("refresh", validity.refresh, wanted.refresh.is_some(), REFRESH_VALIDITY),
    ] {
        if value < low || value > high {
            return Err(fault.at(
                key(scope, &format!("user_pool.token_validity.{field}"), set),
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
            key(scope, "api.rate_limit", overrides.api.rate_limit.is_some()),
            format!("is {}", api.rate_limit),
            format!(
                "use 1 to {ACCOUNT_RATE_LIMIT} requests per second (API Gateway's account limit); the default, {}, is plenty for an admin API",
                default_rate_limit()
            ),
        ));
    }
    if !(1..=ACCOUNT_BURST_LIMIT).contains(&api.burst_limit) {
        return Err(fault.at(
            key(scope, "api.burst_limit", overrides.api.burst_limit.is_some()),
            format!("is {}", api.burst_limit),
            format!(
                "use 1 to {ACCOUNT_BURST_LIMIT} requests (API Gateway's account limit); the default is {}",
                default_burst_limit()
            ),
        ));
    }
    if config.lambda.reserved_concurrency == Some(0) {
        return Err(fault.at(
            key(scope, "lambda.reserved_concurrency", overrides.lambda.reserved_concurrency.is_some()),
            "is 0, which stops the function from ever running",
            "reserve 1 or more instances (e.g. 5), or remove the key to share the account's pool",
        ));
    }
    // No open door: with no group restriction, every signed-in user administers every user, so nobody may be
    // able to sign themselves up, unless the config says that is wanted.
    if let Some((name, env)) = scope {
        let api = &config.admin_api;
        let unguarded = api.restrict_to_group.is_none()
            && config.enabled_actions().iter().any(|a| !api.access.contains_key(a.name));
        if unguarded && config.user_pool.self_sign_up && !api.allow_any_signed_in_user {
            let sign_up_key = key(scope, "user_pool.self_sign_up", env.user_pool.self_sign_up.is_some());
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

/// The adopted pool and its app client, as the environment in `scope` sees them: an id Cognito could have given,
/// a client only with a pool, and (for an environment on AWS) a pool in the environment's region.
fn validate_adopted_pool(config: &Config, fault: &Fault, scope: Scope) -> Result<(), ConfigError> {
    let wanted = &overrides(scope).user_pool;
    let pool = &config.user_pool;
    let existing_key = key(scope, "user_pool.existing", wanted.existing.is_some());
    let client_key = key(scope, "user_pool.client_id", wanted.client_id.is_some());
    if let Some(existing) = &pool.existing {
        let ok = existing
            .split_once('_')
            .is_some_and(|(r, id)| !r.is_empty() && !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric()));
        if !ok {
            return Err(fault.at(
                &existing_key,
                format!("is {existing:?}, which is not a user pool id"),
                "write the pool's id as the Cognito console shows it, e.g. \"eu-west-1_AbCdEf123\"",
            ));
        }
    }
    if let Some(client_id) = &pool.client_id {
        if client_id.is_empty() || client_id.len() > 128 || !client_id.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(fault.at(
                &client_key,
                format!("is {client_id:?}, which is not an app client id"),
                "write the app client's id as the Cognito console shows it (App clients), e.g. \"6q2v8m4k1j9h7g5f3d1s0a8p6o\"",
            ));
        }
        if pool.existing.is_none() {
            // An environment that adopts a pool of its own does not take the shared client (of the shared pool), so
            // a client without a pool is set at the level that lacks the pool.
            let pool_key = key(scope, "user_pool.existing", wanted.client_id.is_some());
            return Err(fault.at(
                &client_key,
                "is set, but no existing pool is adopted: an app client id only means something with its pool",
                format!(
                    "set {pool_key} = \"<pool id>\" to adopt the pool the app client belongs to, or remove {client_key} to let the stack create the app client"
                ),
            ));
        }
    }
    // The pool id starts with its region; an environment on AWS must deploy where its pool is. `local` runs a pool
    // of its own on this machine and adopts none.
    if let (Some((name, env)), Some(existing)) = (scope, &pool.existing)
        && name != LOCAL
    {
        let (prefix, _) = existing.split_once('_').unwrap_or_default();
        let region = env.region();
        if prefix != region {
            let own = if wanted.existing.is_some() {
                String::new()
            } else {
                format!(", or give `{name}` a pool of its own with environments.{name}.user_pool.existing")
            };
            return Err(fault.at(
                &existing_key,
                format!("is a pool in {prefix}, but the environment `{name}` deploys to {region}"),
                format!(
                    "set environments.{name}.region = \"{prefix}\" to deploy where the pool is, or fix the id to that of a pool in {region}{own}"
                ),
            ));
        }
    }
    Ok(())
}

/// Every name derived from the project, the environment `name` and its stack fits AWS's limit on it. A name too
/// long is refused rather than cut: a cut name could collide with another stack's.
pub(super) fn validate_derived_names(
    config: &Config,
    fault: &Fault,
    name: &str,
    env: &Environment,
) -> Result<(), ConfigError> {
    let names = config.names(name, env);
    let Some(long) = names.limited().into_iter().find(|l| l.name.len() > l.limit) else {
        return Ok(());
    };
    let source = match long.source {
        Source::Stack => names.stack.clone(),
        Source::ProjectAndEnvironment => format!("{}-{name}", config.project),
    };
    // The characters the name adds to its source: what is left for the source within the limit.
    let room = long.limit.saturating_sub(long.name.len() - source.len());
    let problem = format!(
        "makes {} {:?}, {} characters: more than the {} AWS allows",
        long.what,
        long.name,
        long.name.len(),
        long.limit
    );
    let project = &config.project;
    match (long.source, &env.stack) {
        (Source::Stack, Some(stack)) => Err(fault.at(
            format!("environments.{name}.stack"),
            format!("is {stack:?}, which {problem}"),
            format!("shorten environments.{name}.stack to at most {room} characters"),
        )),
        (Source::Stack, None) => Err(fault.at(
            format!("environments.{name}"),
            format!("with project {project:?} names the stack {source:?}, which {problem}"),
            format!(
                "shorten `project` ({} characters) or the environment's name `{name}` ({}) so that \"<project>-<environment>\" has at most {room} characters, or set environments.{name}.stack to a name of at most {room}",
                project.len(),
                name.len()
            ),
        )),
        (Source::ProjectAndEnvironment, _) => Err(fault.at(
            format!("environments.{name}"),
            format!("with project {project:?} {problem}"),
            format!(
                "shorten `project` ({} characters) or the environment's name `{name}` ({}) so that \"<project>-<environment>\" has at most {room} characters",
                project.len(),
                name.len()
            ),
        )),
    }
}
