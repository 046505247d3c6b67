//! The project config, `admin-queries.toml`: environments, the user pool and its groups, the admin API, the
//! Lambda. Unknown keys are errors, and every error names the key and says what to write.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

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

/// How users sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UsernameAttribute {
    Email,
    PhoneNumber,
}

impl UsernameAttribute {
    /// Cognito's name of the attribute.
    pub fn cognito_name(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::PhoneNumber => "phone_number",
        }
    }
}

/// The user pool and its groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserPool {
    /// Sign in with these instead of a user name. Empty: a user name.
    #[serde(default)]
    pub username_attributes: Vec<UsernameAttribute>,
    /// Adopt this existing pool instead of creating one; it is never modified.
    pub existing: Option<String>,
    #[serde(default = "default_groups")]
    pub groups: Vec<Group>,
    /// Whether anyone may create an account through the app client (Cognito's `SignUp`). `false`: only
    /// administrators create users (`AllowAdminCreateUserOnly`). Default `true`, as Amplify does.
    #[serde(default = "yes")]
    pub self_sign_up: bool,
    /// Multi-factor authentication with an authenticator app (TOTP).
    #[serde(default)]
    pub mfa: Mfa,
    /// How long the app client's tokens last.
    #[serde(default)]
    pub token_validity: TokenValidity,
}

impl Default for UserPool {
    fn default() -> Self {
        Self {
            username_attributes: Vec::new(),
            existing: None,
            groups: default_groups(),
            self_sign_up: true,
            mfa: Mfa::Off,
            token_validity: TokenValidity::default(),
        }
    }
}

fn yes() -> bool {
    true
}

/// Multi-factor authentication: TOTP (an authenticator app), which needs no SMS.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mfa {
    #[default]
    Off,
    /// Users may add an authenticator app; those who did must use it.
    Optional,
    /// Every user must set up an authenticator app at the first sign-in, and use it at every sign-in.
    Required,
}

impl Mfa {
    /// Cognito's `MfaConfiguration`.
    pub fn cognito_name(self) -> &'static str {
        match self {
            Self::Off => "OFF",
            Self::Optional => "OPTIONAL",
            Self::Required => "ON",
        }
    }
}

/// A token lifetime, written `"<n>m"`, `"<n>h"` or `"<n>d"` (minutes, hours, days); held in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Validity {
    pub minutes: u32,
}

impl Validity {
    pub const fn minutes(minutes: u32) -> Self {
        Self { minutes }
    }

    pub const fn days(days: u32) -> Self {
        Self { minutes: days * MINUTES_PER_DAY }
    }
}

const MINUTES_PER_DAY: u32 = 24 * 60;

impl TryFrom<String> for Validity {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        let bad =
            || format!("{text:?} is not a duration: write minutes, hours or days, e.g. \"15m\", \"1h\" or \"30d\"");
        let unit = text.chars().last().ok_or_else(bad)?;
        let factor = match unit {
            'm' => 1,
            'h' => 60,
            'd' => MINUTES_PER_DAY,
            _ => return Err(bad()),
        };
        let number = &text[..text.len() - 1];
        if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let n: u32 = number.parse().map_err(|_| bad())?;
        n.checked_mul(factor).map(Self::minutes).ok_or_else(bad)
    }
}

impl From<Validity> for String {
    fn from(v: Validity) -> Self {
        v.to_string()
    }
}

impl std::fmt::Display for Validity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.minutes > 0 && self.minutes.is_multiple_of(MINUTES_PER_DAY) {
            write!(f, "{}d", self.minutes / MINUTES_PER_DAY)
        } else if self.minutes > 0 && self.minutes.is_multiple_of(60) {
            write!(f, "{}h", self.minutes / 60)
        } else {
            write!(f, "{}m", self.minutes)
        }
    }
}

/// The app client's token lifetimes. The defaults are Cognito's: access and ID tokens 60 minutes, refresh tokens
/// 30 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenValidity {
    #[serde(default = "default_short_validity")]
    pub access: Validity,
    #[serde(default = "default_short_validity")]
    pub id: Validity,
    #[serde(default = "default_refresh_validity")]
    pub refresh: Validity,
}

impl Default for TokenValidity {
    fn default() -> Self {
        Self { access: default_short_validity(), id: default_short_validity(), refresh: default_refresh_validity() }
    }
}

fn default_short_validity() -> Validity {
    Validity::minutes(60)
}

fn default_refresh_validity() -> Validity {
    Validity::days(30)
}

/// Cognito's bounds: access and ID tokens 5 minutes to 1 day; refresh tokens 60 minutes to 10 years.
pub const SHORT_VALIDITY: (Validity, Validity) = (Validity::minutes(5), Validity::days(1));
pub const REFRESH_VALIDITY: (Validity, Validity) = (Validity::minutes(60), Validity::days(3650));

fn default_groups() -> Vec<Group> {
    vec![Group { name: "Admins".to_owned(), precedence: Some(1), description: None }]
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub name: String,
    /// Lower wins when a user is in several groups.
    pub precedence: Option<i32>,
    pub description: Option<String>,
}

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

/// The REST API's stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Api {
    /// Steady-state requests per second the stage lets through (every method); more get 429.
    #[serde(default = "default_rate_limit")]
    pub rate_limit: u32,
    /// Requests the stage lets through at once above the rate.
    #[serde(default = "default_burst_limit")]
    pub burst_limit: u32,
    /// One JSON line per request in a CloudWatch log group. Needs the account's API Gateway CloudWatch role.
    #[serde(default)]
    pub access_logs: bool,
    /// AWS X-Ray traces of the stage and the function.
    #[serde(default)]
    pub tracing: bool,
}

impl Default for Api {
    fn default() -> Self {
        Self {
            rate_limit: default_rate_limit(),
            burst_limit: default_burst_limit(),
            access_logs: false,
            tracing: false,
        }
    }
}

fn default_rate_limit() -> u32 {
    50
}

fn default_burst_limit() -> u32 {
    100
}

/// API Gateway's default account-level throttling in most regions: a stage cannot go beyond it.
const ACCOUNT_RATE_LIMIT: u32 = 10_000;
const ACCOUNT_BURST_LIMIT: u32 = 5_000;

fn default_cors() -> Vec<String> {
    vec!["*".to_owned()]
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Architecture {
    #[default]
    Arm64,
    X86_64,
}

/// The function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lambda {
    #[serde(default)]
    pub architecture: Architecture,
    #[serde(default = "default_memory")]
    pub memory_mb: u32,
    #[serde(default = "default_timeout")]
    pub timeout_s: u32,
    /// How long CloudWatch keeps the function's logs (and the API's access logs).
    #[serde(default = "default_retention")]
    pub log_retention_days: u32,
    /// Instances of the function reserved for it, and its ceiling. Absent: it shares the account's pool.
    pub reserved_concurrency: Option<u32>,
}

impl Default for Lambda {
    fn default() -> Self {
        Self {
            architecture: Architecture::Arm64,
            memory_mb: default_memory(),
            timeout_s: default_timeout(),
            log_retention_days: default_retention(),
            reserved_concurrency: None,
        }
    }
}

fn default_memory() -> u32 {
    128
}

fn default_timeout() -> u32 {
    25
}

fn default_retention() -> u32 {
    30
}

/// The retention periods CloudWatch Logs accepts.
const RETENTION_DAYS: [u32; 22] =
    [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

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
        let invalid = |key: &str, problem: String, help: &str| ConfigError::Invalid {
            path: path.to_owned(),
            key: key.to_owned(),
            problem,
            help: help.to_owned(),
        };
        let name_ok = |s: &str| {
            !s.is_empty()
                && s.len() <= 40
                && s.starts_with(|c: char| c.is_ascii_lowercase())
                && s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        };
        if !name_ok(&self.project) {
            return Err(invalid(
                "project",
                format!("is {:?}, which cannot name stacks and resources", self.project),
                "use up to 40 lowercase letters, digits and `-`, starting with a letter, e.g. project = \"myapp\"",
            ));
        }
        for (name, env) in &self.environments {
            let key = format!("environments.{name}");
            if !name_ok(name) || name.len() > 20 {
                return Err(invalid(
                    &key,
                    "is not a usable environment name".into(),
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
                    return Err(invalid(
                        &format!("{key}.region"),
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
                    return Err(invalid(
                        &format!("{key}.stack"),
                        format!("is {stack:?}, which CloudFormation refuses"),
                        "use letters, digits and `-`, starting with a letter (at most 128)",
                    ));
                }
            }
        }
        let pool = &self.user_pool;
        let mut seen = std::collections::BTreeSet::new();
        for attribute in &pool.username_attributes {
            if !seen.insert(attribute) {
                return Err(invalid(
                    "user_pool.username_attributes",
                    format!("lists {attribute:?} twice"),
                    "list each of \"email\" and \"phone_number\" at most once",
                ));
            }
        }
        if let Some(existing) = &pool.existing {
            let ok = existing.split_once('_').is_some_and(|(r, id)| {
                !r.is_empty() && !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric())
            });
            if !ok {
                return Err(invalid(
                    "user_pool.existing",
                    format!("is {existing:?}, which is not a user pool id"),
                    "write the pool's id as the Cognito console shows it, e.g. \"eu-west-1_AbCdEf123\"",
                ));
            }
        }
        let mut names = std::collections::BTreeSet::new();
        for (i, group) in pool.groups.iter().enumerate() {
            let key = format!("user_pool.groups[{i}]");
            if group.name.is_empty() || group.name.chars().count() > 128 || group.name.chars().any(char::is_whitespace)
            {
                return Err(invalid(
                    &format!("{key}.name"),
                    format!("is {:?}, which Cognito refuses as a group name", group.name),
                    "use 1 to 128 characters without spaces, e.g. name = \"Admins\"",
                ));
            }
            if !names.insert(group.name.as_str()) {
                return Err(invalid(
                    &format!("{key}.name"),
                    format!("repeats the group {:?}", group.name),
                    "list each group once",
                ));
            }
            if group.precedence.is_some_and(|p| p < 0) {
                return Err(invalid(&format!("{key}.precedence"), "is negative".into(), "use 0 or more; lower wins"));
            }
        }
        let api = &self.admin_api;
        let known = || admin_api::actions::ACTIONS.iter().map(|a| a.name).collect::<Vec<_>>().join(", ");
        if let Some(actions) = &api.actions {
            if actions.is_empty() {
                return Err(invalid(
                    "admin_api.actions",
                    "is empty".into(),
                    "list the actions to serve, or remove the key for Amplify's routes",
                ));
            }
            for name in actions {
                if admin_api::actions::Action::find(name).is_none() {
                    return Err(invalid(
                        "admin_api.actions",
                        format!("has {name:?}, which is not an action"),
                        &format!("use the names of the actions: {}", known()),
                    ));
                }
            }
        }
        for (name, groups) in &api.access {
            let key = format!("admin_api.access.{name}");
            if !self.enabled_actions().iter().any(|a| a.name == name) {
                return Err(invalid(
                    &key,
                    "is a rule for an action the API does not serve".into(),
                    "add the action to admin_api.actions, or remove the rule",
                ));
            }
            if groups.is_empty() || groups.iter().any(|g| g.is_empty() || g.chars().any(char::is_whitespace)) {
                return Err(invalid(
                    &key,
                    "needs at least one group name".into(),
                    "write the groups that may call it, e.g. listUsers = [\"Admins\", \"Support\"]",
                ));
            }
        }
        if let Some(group) = &api.restrict_to_group
            && (group.is_empty() || group.chars().any(char::is_whitespace))
        {
            return Err(invalid(
                "admin_api.restrict_to_group",
                format!("is {group:?}, which is not a group name"),
                "name the group that may administer, e.g. \"Admins\", or remove the key to let every signed-in user administer",
            ));
        }
        if api.cors_origins.is_empty() {
            return Err(invalid(
                "admin_api.cors_origins",
                "is empty".into(),
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
                return Err(invalid(
                    "admin_api.cors_origins",
                    format!("has {origin:?}, which is not an origin"),
                    "write \"*\" or scheme://host[:port] without a path or trailing slash, e.g. \"https://admin.example.com\"",
                ));
            }
        }
        let lambda = &self.lambda;
        if !(128..=10240).contains(&lambda.memory_mb) {
            return Err(invalid(
                "lambda.memory_mb",
                format!("is {}", lambda.memory_mb),
                "Lambda allows 128 to 10240 MB; 128 is plenty for this function",
            ));
        }
        if !(1..=29).contains(&lambda.timeout_s) {
            return Err(invalid(
                "lambda.timeout_s",
                format!("is {}", lambda.timeout_s),
                "use 1 to 29 seconds: API Gateway gives up on an integration after 29",
            ));
        }
        if !RETENTION_DAYS.contains(&lambda.log_retention_days) {
            return Err(invalid(
                "lambda.log_retention_days",
                format!("is {}", lambda.log_retention_days),
                "use one of the periods CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653",
            ));
        }
        // The settings environments may override: the shared values, then each environment's own.
        self.validate_settings(path, None)?;
        let local = Environment::default();
        let implicit_local = (!self.environments.contains_key(LOCAL)).then_some((LOCAL, &local));
        for (name, env) in self.environments.iter().map(|(n, e)| (n.as_str(), e)).chain(implicit_local) {
            self.for_environment(env).validate_settings(path, Some((name, env)))?;
        }
        Ok(())
    }

    /// Checks the settings an environment may override, on the config as `env` sees it (`None`: the shared
    /// values, which every environment starts from). Errors name the key that set the value at fault.
    fn validate_settings(&self, path: &str, env: Option<(&str, &Environment)>) -> Result<(), ConfigError> {
        let invalid = |key: String, problem: String, help: String| ConfigError::Invalid {
            path: path.to_owned(),
            key,
            problem,
            help,
        };
        // `section.field`, or `environments.<name>.section.field` when the environment sets it.
        let key = |section: &str, field: &str, overridden: bool| match env {
            Some((name, _)) if overridden => format!("environments.{name}.{section}.{field}"),
            _ => format!("{section}.{field}"),
        };
        let overrides = env.map(|(_, e)| e.clone()).unwrap_or_default();
        let validity = &self.user_pool.token_validity;
        let wanted = &overrides.user_pool.token_validity;
        for (field, value, set, (low, high)) in [
            ("access", validity.access, wanted.access.is_some(), SHORT_VALIDITY),
            ("id", validity.id, wanted.id.is_some(), SHORT_VALIDITY),
            ("refresh", validity.refresh, wanted.refresh.is_some(), REFRESH_VALIDITY),
        ] {
            if value < low || value > high {
                return Err(invalid(
                    key("user_pool.token_validity", field, set),
                    format!("is \"{value}\", outside what Cognito accepts"),
                    format!(
                        "use from \"{low}\" to \"{high}\" (Cognito's default is \"{}\")",
                        if field == "refresh" { default_refresh_validity() } else { default_short_validity() }
                    ),
                ));
            }
        }
        let api = &self.api;
        if !(1..=ACCOUNT_RATE_LIMIT).contains(&api.rate_limit) {
            return Err(invalid(
                key("api", "rate_limit", overrides.api.rate_limit.is_some()),
                format!("is {}", api.rate_limit),
                format!(
                    "use 1 to {ACCOUNT_RATE_LIMIT} requests per second (API Gateway's account limit); the default, {}, is plenty for an admin API",
                    default_rate_limit()
                ),
            ));
        }
        if !(1..=ACCOUNT_BURST_LIMIT).contains(&api.burst_limit) {
            return Err(invalid(
                key("api", "burst_limit", overrides.api.burst_limit.is_some()),
                format!("is {}", api.burst_limit),
                format!(
                    "use 1 to {ACCOUNT_BURST_LIMIT} requests (API Gateway's account limit); the default is {}",
                    default_burst_limit()
                ),
            ));
        }
        if self.lambda.reserved_concurrency == Some(0) {
            return Err(invalid(
                key("lambda", "reserved_concurrency", overrides.lambda.reserved_concurrency.is_some()),
                "is 0, which stops the function from ever running".into(),
                "reserve 1 or more instances (e.g. 5), or remove the key to share the account's pool".into(),
            ));
        }
        // No open door: with no group restriction, every signed-in user administers every user, so nobody may be
        // able to sign themselves up, unless the config says that is wanted.
        if let Some((name, env)) = env {
            let api = &self.admin_api;
            let unguarded = api.restrict_to_group.is_none()
                && self.enabled_actions().iter().any(|a| !api.access.contains_key(a.name));
            if unguarded && self.user_pool.self_sign_up && !api.allow_any_signed_in_user {
                let sign_up_key = key("user_pool", "self_sign_up", env.user_pool.self_sign_up.is_some());
                let adopted = if self.user_pool.existing.is_some() {
                    " (the adopted pool is never modified: if it does not allow self sign-up, say so with user_pool.self_sign_up = false)"
                } else {
                    ""
                };
                return Err(invalid(
                    "admin_api.restrict_to_group".into(),
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

    /// The config as environment `env` sees it: the shared settings with the environment's own values in their
    /// place. Synthesis, the local deploy and the checks all read this.
    pub fn for_environment(&self, env: &Environment) -> Config {
        let mut config = self.clone();
        let pool = &env.user_pool;
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
        let api = &env.api;
        config.api.rate_limit = api.rate_limit.unwrap_or(config.api.rate_limit);
        config.api.burst_limit = api.burst_limit.unwrap_or(config.api.burst_limit);
        config.api.access_logs = api.access_logs.unwrap_or(config.api.access_logs);
        config.api.tracing = api.tracing.unwrap_or(config.api.tracing);
        if let Some(v) = env.lambda.reserved_concurrency {
            config.lambda.reserved_concurrency = Some(v);
        }
        config
    }

    /// The environment called `name`. `local` exists even when the file does not list it.
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
    pub fn enabled_actions(&self) -> Vec<&'static admin_api::actions::Action> {
        match &self.admin_api.actions {
            Some(names) => names.iter().filter_map(|n| admin_api::actions::Action::find(n)).collect(),
            None => admin_api::actions::ACTIONS.iter().filter(|a| a.default_enabled).collect(),
        }
    }

    /// The function's environment, as the template and the local gateway both set it (`USERPOOL` aside, which
    /// each knows in its own way).
    pub fn function_environment(&self) -> Vec<(String, String)> {
        let names: Vec<&str> = self.enabled_actions().iter().map(|a| a.name).collect();
        let mut env = vec![
            ("GROUP".to_owned(), self.admin_api.restrict_to_group.clone().unwrap_or_else(|| "NONE".to_owned())),
            ("CORS_ORIGINS".to_owned(), self.admin_api.cors_origins.join(",")),
            ("ACTIONS".to_owned(), names.join(",")),
            (admin_api::config::ENV_VERIFY_CALLER.to_owned(), self.admin_api.verify_caller.as_str().to_owned()),
            ("AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH".to_owned(), "true".to_owned()),
        ];
        if !self.admin_api.access.is_empty() {
            env.push(("ACCESS_RULES".to_owned(), serde_json::to_string(&self.admin_api.access).unwrap_or_default()));
        }
        env
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

impl Environment {
    pub fn region(&self) -> &str {
        self.region.as_deref().unwrap_or("us-east-1")
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
# An environment may set its own self_sign_up, mfa and token_validity ([environments.prod.user_pool]), rate_limit,
# burst_limit, access_logs and tracing ([environments.prod.api]) and reserved_concurrency ([environments.prod.lambda]).

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
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, "admin-queries.toml")
    }

    #[test]
    fn the_default_config_is_valid_and_restricted_to_admins() {
        let config = parse(DEFAULT_CONFIG).unwrap();
        assert_eq!(config.admin_api.restrict_to_group.as_deref(), Some("Admins"));
        assert_eq!(config.admin_api.token, TokenKind::Access);
        assert_eq!(config.user_pool.groups[0].name, "Admins");
        assert!(config.environments.contains_key("local"));
    }

    #[test]
    fn unknown_keys_are_errors_that_name_the_key() {
        let err = parse("project = \"a\"\n[admin_api]\nrestrict_to = \"Admins\"\n").unwrap_err().to_string();
        assert!(err.contains("restrict_to"), "{err}");
        assert!(err.contains("restrict_to_group"), "it lists the known keys: {err}");
    }

    #[test]
    fn bad_values_name_the_key_and_say_what_to_write() {
        let cases = [
            ("project = \"My App\"", "`project`"),
            ("project = \"a\"\n[lambda]\ntimeout_s = 30", "`lambda.timeout_s`"),
            ("project = \"a\"\n[lambda]\nmemory_mb = 64", "`lambda.memory_mb`"),
            ("project = \"a\"\n[admin_api]\ncors_origins = [\"admin.example.com/\"]", "`admin_api.cors_origins`"),
            ("project = \"a\"\n[environments.dev]\nregion = \"Ireland\"", "`environments.dev.region`"),
            (
                "project = \"a\"\n[user_pool]\ngroups = [{ name = \"A\" }, { name = \"A\" }]",
                "`user_pool.groups[1].name`",
            ),
            ("project = \"a\"\n[user_pool]\nexisting = \"abc\"", "`user_pool.existing`"),
        ];
        for (text, key) in cases {
            let err = parse(text).unwrap_err().to_string();
            assert!(err.contains(key), "{text}: {err}");
            assert!(err.contains("help: "), "{text}: {err}");
        }
        let err = parse("project = \"a\"\n[admin_api]\ntoken = \"jwt\"").unwrap_err().to_string();
        assert!(err.contains("token") && err.contains("access"), "{err}");
    }

    #[test]
    fn actions_and_access_rules_are_checked() {
        let config = parse("project = \"a\"\n[admin_api]\nrestrict_to_group = \"Admins\"\nactions = [\"listUsers\", \"createUser\"]\n[admin_api.access]\nlistUsers = [\"Admins\", \"Support\"]\n").unwrap();
        let env = config.function_environment();
        assert!(env.contains(&("ACTIONS".into(), "listUsers,createUser".into())), "{env:?}");
        assert!(env.contains(&("ACCESS_RULES".into(), r#"{"listUsers":["Admins","Support"]}"#.into())), "{env:?}");
        let err = parse("project = \"a\"\n[admin_api]\nactions = [\"dropTables\"]").unwrap_err().to_string();
        assert!(err.contains("`admin_api.actions`") && err.contains("createUser"), "{err}");
        let err = parse("project = \"a\"\n[admin_api.access]\ncreateUser = [\"Admins\"]").unwrap_err().to_string();
        assert!(err.contains("`admin_api.access.createUser`"), "{err}");
    }

    #[test]
    fn local_exists_without_being_listed_and_others_must_be() {
        let config = parse("project = \"a\"").unwrap();
        assert_eq!(config.environment("local", "f").unwrap().region(), "us-east-1");
        let err = config.environment("prod", "f").unwrap_err().to_string();
        assert!(err.contains("[environments.prod]"), "{err}");
    }

    #[test]
    fn an_open_door_is_refused_with_the_ways_through() {
        // No group restriction on a pool anyone can sign up to: refused, for the implicit `local` too.
        let err = parse("project = \"a\"\n[admin_api]\n").unwrap_err().to_string();
        assert!(err.contains("`admin_api.restrict_to_group` is absent") && err.contains("self sign-up"), "{err}");
        assert!(err.contains("help: ") && err.contains("user_pool.self_sign_up = false"), "{err}");
        assert!(err.contains("admin_api.allow_any_signed_in_user = true"), "{err}");
        // The ways through: no self sign-up, or saying so.
        let closed = parse("project = \"a\"\n[user_pool]\nself_sign_up = false\n[admin_api]\n").unwrap();
        assert!(!closed.user_pool.self_sign_up && closed.admin_api.restrict_to_group.is_none());
        let said = parse("project = \"a\"\n[admin_api]\nallow_any_signed_in_user = true\n").unwrap();
        assert!(said.user_pool.self_sign_up && said.admin_api.allow_any_signed_in_user);
        // Per environment: an environment that turns self sign-up back on is named.
        let text = "project = \"a\"\n[user_pool]\nself_sign_up = false\n[admin_api]\n[environments.dev.user_pool]\nself_sign_up = true\n";
        let err = parse(text).unwrap_err().to_string();
        assert!(err.contains("`dev`") && err.contains("environments.dev.user_pool.self_sign_up = false"), "{err}");
        // Every served action under an access rule is no open door.
        let ruled =
            "project = \"a\"\n[admin_api]\nactions = [\"listUsers\"]\n[admin_api.access]\nlistUsers = [\"Support\"]\n";
        assert!(parse(ruled).is_ok());
        // Self sign-up defaults on, as Amplify has it.
        assert!(parse(DEFAULT_CONFIG).unwrap().user_pool.self_sign_up);
    }

    #[test]
    fn environments_override_pool_stage_and_function_settings() {
        let text = r#"project = "a"
[user_pool]
mfa = "optional"
token_validity = { access = "30m" }
[api]
rate_limit = 10
[environments.prod]
region = "eu-west-1"
[environments.prod.user_pool]
self_sign_up = false
mfa = "required"
token_validity = { refresh = "7d" }
[environments.prod.api]
burst_limit = 20
access_logs = true
tracing = true
[environments.prod.lambda]
reserved_concurrency = 3
"#;
        let config = parse(text).unwrap();
        let prod = config.for_environment(&config.environment("prod", "t").unwrap());
        assert_eq!((prod.user_pool.self_sign_up, prod.user_pool.mfa), (false, Mfa::Required));
        let v = prod.user_pool.token_validity;
        assert_eq!((v.access, v.id, v.refresh), (Validity::minutes(30), Validity::minutes(60), Validity::days(7)));
        assert_eq!(
            (prod.api.rate_limit, prod.api.burst_limit, prod.api.access_logs, prod.api.tracing),
            (10, 20, true, true)
        );
        assert_eq!(prod.lambda.reserved_concurrency, Some(3));
        let local = config.for_environment(&config.environment("local", "t").unwrap());
        assert_eq!((local.user_pool.self_sign_up, local.user_pool.mfa), (true, Mfa::Optional));
        assert_eq!(
            (local.api.burst_limit, local.api.access_logs, local.lambda.reserved_concurrency),
            (100, false, None)
        );
        // Unknown keys in an environment's tables are refused, naming the key.
        for (bad, key) in [
            ("[environments.prod.user_pool]\nself_signup = false\n", "self_signup"),
            ("[environments.prod.api]\nthrottle = 1\n", "throttle"),
            ("[environments.prod.lambda]\nmemory_mb = 256\n", "memory_mb"),
            ("[environments.prod]\nmfa = \"on\"\n", "mfa"),
        ] {
            let err = parse(&format!("project = \"a\"\n{bad}")).unwrap_err().to_string();
            assert!(err.contains(key) && err.contains("unknown field"), "{bad}: {err}");
        }
    }

    #[test]
    fn pool_hardening_values_are_checked_against_cognitos_bounds() {
        let cases = [
            ("[user_pool]\ntoken_validity = { access = \"4m\" }", "`user_pool.token_validity.access`", "\"5m\""),
            ("[user_pool]\ntoken_validity = { id = \"2d\" }", "`user_pool.token_validity.id`", "\"1d\""),
            ("[user_pool]\ntoken_validity = { refresh = \"59m\" }", "`user_pool.token_validity.refresh`", "\"1h\""),
            (
                "[user_pool]\ntoken_validity = { refresh = \"3651d\" }",
                "`user_pool.token_validity.refresh`",
                "\"3650d\"",
            ),
            (
                "[environments.prod.user_pool]\ntoken_validity = { access = \"1441m\" }",
                "`environments.prod.user_pool.token_validity.access`",
                "\"1d\"",
            ),
            ("[api]\nrate_limit = 0", "`api.rate_limit`", "10000"),
            ("[environments.prod.api]\nburst_limit = 6000", "`environments.prod.api.burst_limit`", "5000"),
            ("[lambda]\nreserved_concurrency = 0", "`lambda.reserved_concurrency`", "remove the key"),
        ];
        for (text, key, says) in cases {
            let err = parse(&format!("project = \"a\"\n{text}")).unwrap_err().to_string();
            assert!(err.contains(key) && err.contains("help: ") && err.contains(says), "{text}: {err}");
        }
        for (text, says) in [
            ("[user_pool]\nmfa = \"sms\"", "off"),
            ("[user_pool]\ntoken_validity = { access = \"1 hour\" }", "\"15m\""),
            ("[user_pool]\ntoken_validity = { access = \"60\" }", "not a duration"),
        ] {
            let err = parse(&format!("project = \"a\"\n{text}")).unwrap_err().to_string();
            assert!(err.contains(says), "{text}: {err}");
        }
        let within =
            "project = \"a\"\n[user_pool]\ntoken_validity = { access = \"5m\", id = \"1d\", refresh = \"60m\" }";
        let v = parse(within).unwrap().user_pool.token_validity;
        assert_eq!(
            (v.access.to_string(), v.id.to_string(), v.refresh.to_string()),
            ("5m".into(), "1d".into(), "1h".into())
        );
    }

    #[test]
    fn the_stage_defaults_are_safe() {
        let config = parse(DEFAULT_CONFIG).unwrap();
        assert_eq!((config.api.rate_limit, config.api.burst_limit), (50, 100));
        assert!(!config.api.access_logs && !config.api.tracing && config.lambda.reserved_concurrency.is_none());
        assert_eq!(config.user_pool.mfa, Mfa::Off);
        let v = config.user_pool.token_validity;
        assert_eq!((v.access, v.id, v.refresh), (Validity::minutes(60), Validity::minutes(60), Validity::days(30)));
    }

    #[test]
    fn the_admin_group_is_created_when_not_listed() {
        let config =
            parse("project = \"a\"\n[user_pool]\ngroups = []\n[admin_api]\nrestrict_to_group = \"Ops\"").unwrap();
        let names: Vec<String> = config.effective_groups().into_iter().map(|g| g.name).collect();
        assert_eq!(names, vec!["Ops"]);
    }
}
