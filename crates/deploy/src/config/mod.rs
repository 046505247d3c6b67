//! The project config, `admin-queries.toml`: environments, the user pool and its groups, the admin API, the
//! Lambda. Unknown keys are errors, and every error names the key and says what to write.
//!
//! Each section has its types and its validator: [`environments`] (names, regions, stacks, and the settings each
//! environment may override), [`user_pool`], [`admin_api`], [`api`] and [`lambda`].

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

mod admin_api;
mod api;
mod environments;
mod lambda;
mod user_pool;

pub use admin_api::{AdminApi, TokenKind};
pub use api::Api;
pub use environments::{
    AdminApiOverrides, ApiOverrides, Environment, LambdaOverrides, PoolOverrides, TokenValidityOverrides,
};
pub use lambda::{Architecture, Lambda};
pub use user_pool::{
    Group, Mfa, REFRESH_VALIDITY, SHORT_VALIDITY, TokenValidity, UserPool, UsernameAttribute, Validity,
};

/// The file name, at the workspace root.
pub const FILE_NAME: &str = "admin-queries.toml";

/// The name of the built-in environment on this machine (moto and the local gateway).
pub const LOCAL: &str = "local";

/// The whole config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    /// Names the stacks and resources: lowercase letters, digits and `-`.
    pub project: String,
    #[serde(default)]
    pub environments: BTreeMap<String, Environment>,
    #[serde(default)]
    pub user_pool: UserPool,
    #[serde(default)]
    pub admin_api: AdminApi,
    #[serde(default)]
    pub api: Api,
    #[serde(default)]
    pub lambda: Lambda,
}

/// A config that cannot be used, with the key at fault and what to write instead.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{path} was not found\nhelp: run `cargo xtask add-auth` to write one, or copy the example in the README")]
    Missing { path: String },
    #[error("{path} could not be read: {reason}")]
    Unreadable { path: String, reason: String },
    #[error("{path}: {message}")]
    Syntax { path: String, message: String },
    #[error("{path}: `{key}` {problem}\nhelp: {help}")]
    Invalid { path: String, key: String, problem: String, help: String },
    #[error(
        "there is no environment `{name}` in {path}\nhelp: add a `[environments.{name}]` table, or use one of: {known}"
    )]
    UnknownEnvironment { path: String, name: String, known: String },
}

impl Config {
    /// Reads and validates `path`.
    pub fn load(path: &Path) -> Result<Self, ConfigError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => ConfigError::Missing { path: shown.clone() },
            _ => ConfigError::Unreadable { path: shown.clone(), reason: e.to_string() },
        })?;
        Self::parse(&text, &shown)
    }

    /// Parses and validates config text; `path` names it in errors.
    pub fn parse(text: &str, path: &str) -> Result<Self, ConfigError> {
        let config: Self =
            toml::from_str(text).map_err(|e| ConfigError::Syntax { path: path.to_owned(), message: e.to_string() })?;
        config.validate(path)?;
        Ok(config)
    }

    fn validate(&self, path: &str) -> Result<(), ConfigError> {
        let fault = Fault { path };
        environments::validate_names(self, &fault)?;
        user_pool::validate(&self.user_pool, &fault)?;
        // The settings environments may override: the shared values, then each environment's own, on the config
        // as it sees them, with the names derived for it.
        admin_api::validate(self, &fault, None)?;
        lambda::validate(&self.lambda, &fault, None)?;
        environments::validate_settings(self, &fault, None)?;
        let local = Environment::default();
        let implicit_local = (!self.environments.contains_key(LOCAL)).then_some((LOCAL, &local));
        for (name, env) in self.environments.iter().map(|(n, e)| (n.as_str(), e)).chain(implicit_local) {
            let seen = self.for_environment(env);
            let scope = Some((name, env));
            admin_api::validate(&seen, &fault, scope)?;
            lambda::validate(&seen.lambda, &fault, scope)?;
            environments::validate_settings(&seen, &fault, scope)?;
            environments::validate_derived_names(self, &fault, name, env)?;
        }
        Ok(())
    }

    /// The config as environment `env` sees it: the shared settings with the environment's own values in their
    /// place. Synthesis, the local deploy and the checks all read this; so its `user_pool.existing` and
    /// `user_pool.client_id` are the pool and app client the environment adopts.
    ///
    /// An environment that adopts a pool of its own (`[environments.<name>.user_pool] existing`) takes its own
    /// `client_id` too, never the shared one, which belongs to the shared pool.
    pub fn for_environment(&self, env: &Environment) -> Config {
        let mut config = self.clone();
        let pool = &env.user_pool;
        if pool.existing.is_some() {
            config.user_pool.existing.clone_from(&pool.existing);
            config.user_pool.client_id.clone_from(&pool.client_id);
        } else if pool.client_id.is_some() {
            config.user_pool.client_id.clone_from(&pool.client_id);
        }
        if let Some(v) = pool.self_sign_up {
            config.user_pool.self_sign_up = v;
        }
        if let Some(v) = pool.mfa {
            config.user_pool.mfa = v;
        }
        let validity = &mut config.user_pool.token_validity;
        validity.access = pool.token_validity.access.unwrap_or(validity.access);
        validity.id = pool.token_validity.id.unwrap_or(validity.id);
        validity.refresh = pool.token_validity.refresh.unwrap_or(validity.refresh);
        let admin = &env.admin_api;
        if admin.restrict_to_group.is_some() {
            config.admin_api.restrict_to_group.clone_from(&admin.restrict_to_group);
        }
        config.admin_api.token = admin.token.unwrap_or(config.admin_api.token);
        if let Some(v) = &admin.cors_origins {
            config.admin_api.cors_origins.clone_from(v);
        }
        if admin.actions.is_some() {
            config.admin_api.actions.clone_from(&admin.actions);
        }
        if let Some(v) = &admin.access {
            config.admin_api.access.clone_from(v);
        }
        let api = &env.api;
        config.api.rate_limit = api.rate_limit.unwrap_or(config.api.rate_limit);
        config.api.burst_limit = api.burst_limit.unwrap_or(config.api.burst_limit);
        config.api.access_logs = api.access_logs.unwrap_or(config.api.access_logs);
        config.api.tracing = api.tracing.unwrap_or(config.api.tracing);
        let lambda = &env.lambda;
        config.lambda.architecture = lambda.architecture.unwrap_or(config.lambda.architecture);
        config.lambda.memory_mb = lambda.memory_mb.unwrap_or(config.lambda.memory_mb);
        config.lambda.timeout_s = lambda.timeout_s.unwrap_or(config.lambda.timeout_s);
        config.lambda.log_retention_days = lambda.log_retention_days.unwrap_or(config.lambda.log_retention_days);
        if lambda.reserved_concurrency.is_some() {
            config.lambda.reserved_concurrency = lambda.reserved_concurrency;
        }
        config
    }

    /// The environment called `name`. `local` exists even when the file does not list it. Parsing checked what it
    /// sees (its adopted pool's region, the names derived for it), so nothing needs AWS to be refused.
    pub fn environment(&self, name: &str, path: &str) -> Result<Environment, ConfigError> {
        match self.environments.get(name) {
            Some(env) => Ok(env.clone()),
            None if name == LOCAL => Ok(Environment::default()),
            None => {
                let mut known: Vec<&str> = self.environments.keys().map(String::as_str).collect();
                if !known.contains(&LOCAL) {
                    known.insert(0, LOCAL);
                }
                Err(ConfigError::UnknownEnvironment {
                    path: path.to_owned(),
                    name: name.to_owned(),
                    known: known.join(", "),
                })
            }
        }
    }

    /// The actions the API serves: those the config lists, else every action that is on by default.
    pub fn enabled_actions(&self) -> Vec<&'static ::admin_api::actions::Action> {
        match &self.admin_api.actions {
            Some(names) => names.iter().filter_map(|n| ::admin_api::actions::Action::find(n)).collect(),
            None => ::admin_api::actions::ACTIONS.iter().filter(|a| a.default_enabled).collect(),
        }
    }

    /// The function's environment as this config sets it, for the template and the local deploy alike.
    pub fn function_env(&self) -> ::admin_api::config::FunctionEnv {
        ::admin_api::config::FunctionEnv {
            group: self.admin_api.restrict_to_group.clone(),
            cors_origins: self.admin_api.cors_origins.clone(),
            actions: self.enabled_actions().iter().map(|a| a.name.to_owned()).collect(),
            access_rules: self.admin_api.access.clone(),
            verify_caller: self.admin_api.verify_caller,
        }
    }

    /// The groups the admin API names: the restriction's, then those of the access rules, each once, in that order.
    pub fn administering_groups(&self) -> Vec<String> {
        let api = &self.admin_api;
        let mut groups: Vec<String> = api.restrict_to_group.iter().cloned().collect();
        for group in api.access.values().flatten() {
            if !groups.contains(group) {
                groups.push(group.clone());
            }
        }
        groups
    }

    /// The names of the resources of the environment `env_name` (`env` as [`Config::environment`] gives it).
    pub fn names(&self, env_name: &str, env: &Environment) -> crate::names::Names {
        crate::names::Names::new(&self.project, env_name, env.stack.as_deref())
    }

    /// Every group the pool must have: the listed ones, plus the administering group if it is not listed (it is
    /// created on the next deploy).
    pub fn effective_groups(&self) -> Vec<Group> {
        let mut groups = self.user_pool.groups.clone();
        if let Some(admin) = &self.admin_api.restrict_to_group
            && !groups.iter().any(|g| &g.name == admin)
        {
            groups.push(Group { name: admin.clone(), precedence: None, description: None });
        }
        groups
    }
}

/// Where the config is, for the errors that name a key of it.
struct Fault<'a> {
    path: &'a str,
}

impl Fault<'_> {
    /// `key` is at fault: `problem`, and what to write instead.
    fn at(&self, key: impl Into<String>, problem: impl Into<String>, help: impl Into<String>) -> ConfigError {
        ConfigError::Invalid { path: self.path.to_owned(), key: key.into(), problem: problem.into(), help: help.into() }
    }
}

/// The config a new project starts with: an `Admins` group, the API restricted to it, access tokens.
pub const DEFAULT_CONFIG: &str = r#"# Admin Queries: the admin API for your Cognito users and groups.
# `cargo xtask deploy` deploys the `local` environment (moto and a local API Gateway on this machine);
# `cargo xtask deploy --env dev` deploys to AWS.
project = "myapp"

[environments.local]                 # built in: moto + the local gateway on 127.0.0.1

[environments.dev]
region = "eu-west-1"
retain_user_pool = false             # ephemeral: teardown deletes everything

[environments.prod]
region = "eu-west-1"
retain_user_pool = true              # the pool survives teardown; Cognito deletion protection on
# An environment may set its own region and stack; its own pool settings ([environments.prod.user_pool]: existing
# and client_id to adopt a pool, self_sign_up, mfa, token_validity); admin API settings ([environments.prod.admin_api]:
# restrict_to_group, token, cors_origins, actions, access); rate_limit, burst_limit, access_logs and tracing
# ([environments.prod.api]); and function settings ([environments.prod.lambda]).

[user_pool]
username_attributes = []             # [] = sign in with a user name; or ["email"], ["phone_number"] (gets an SMS role)
groups = [{ name = "Admins", precedence = 1 }]
self_sign_up = true                  # anyone may sign up (Amplify's default); false = only administrators create users
mfa = "off"                          # off | optional | required (an authenticator app: TOTP)
token_validity = { access = "60m", id = "60m", refresh = "30d" }   # Cognito's defaults; access/id 5m-1d, refresh 60m-3650d

[admin_api]
restrict_to_group = "Admins"         # remove to let every signed-in user administer every user (then self_sign_up must
#                                    # be false, or allow_any_signed_in_user = true must say that anyone may)
token = "access"                     # access | id (for Hosted UI apps that send the ID token)
cors_origins = ["*"]                 # or your admin app's origins, e.g. ["https://admin.example.com"]
verify_caller = "always"             # always | mutations | off: confirm with Cognito, before every action (or only
#                                    # before changes), that the caller is still enabled, signed in and in the group
# actions = ["listUsers", "getUser", "createUser"]   # absent: Amplify's routes + updateUserAttributes; also
#                                    # createUser, deleteUser, resetUserPassword, setUserPassword,
#                                    # deleteUserAttributes, createGroup, deleteGroup, getGroup
# [admin_api.access]                 # per action, the groups that may call it (default: restrict_to_group)
# listUsers = ["Admins", "Support"]

[api]
rate_limit = 50                      # requests per second for the whole stage; more get 429
burst_limit = 100                    # requests at once above the rate
access_logs = false                  # true: a JSON line per request in CloudWatch; needs the account's API Gateway
#                                    # CloudWatch role once per account and region (see the README)
tracing = false                      # true: AWS X-Ray traces of the stage and the function

[lambda]
architecture = "arm64"               # arm64 | x86_64
memory_mb = 128
timeout_s = 25
log_retention_days = 30              # the function's logs and the access logs
# reserved_concurrency = 10          # instances reserved for the function, and its ceiling
"#;

#[cfg(test)]
mod tests;
