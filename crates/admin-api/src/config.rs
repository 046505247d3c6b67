//! The function's configuration. It is read once, at start-up, from the environment that the template (or the
//! local gateway) gives the function; a bad value stops the function at init instead of serving with a guess.

use std::sync::Arc;

use aws_sdk_cognitoidentityprovider::Client;

/// Environment variable names. `USERPOOL` and `GROUP` keep the names of Amplify's function.
pub const ENV_USER_POOL: &str = "USERPOOL";
pub const ENV_GROUP: &str = "GROUP";
pub const ENV_CORS_ORIGINS: &str = "CORS_ORIGINS";

/// What the function needs to know besides the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The user pool that every action works on.
    pub user_pool_id: String,
    /// The group whose members may administer. `None`: any signed-in user may (Amplify's "No" answer).
    pub admin_group: Option<String>,
    /// Origins that browsers may call from.
    pub cors: CorsOrigins,
}

/// The `Access-Control-Allow-Origin` policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CorsOrigins {
    Any,
    List(Vec<String>),
}

impl CorsOrigins {
    /// The `Access-Control-Allow-Origin` value for a request from `origin`. An origin outside the list gets the
    /// first listed origin, which the browser then refuses, as it should.
    pub fn allow_origin<'a>(&'a self, origin: Option<&'a str>) -> &'a str {
        match self {
            Self::Any => "*",
            Self::List(list) => origin
                .filter(|o| list.iter().any(|allowed| allowed == o))
                .unwrap_or_else(|| list.first().map_or("null", String::as_str)),
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("{ENV_USER_POOL} is not set: set it to the id of the user pool to administer, e.g. eu-west-1_AbCdEf123")]
    MissingUserPool,
    #[error("{ENV_USER_POOL} is `{0}`, which is not a user pool id: expected <region>_<id>, e.g. eu-west-1_AbCdEf123")]
    BadUserPool(String),
    #[error(
        "{ENV_CORS_ORIGINS} has an empty origin: write `*` or a comma-separated list such as https://admin.example.com"
    )]
    BadCors,
}

impl Config {
    /// Reads the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the configuration through `lookup`, so that tests need not touch the process environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let user_pool_id = lookup(ENV_USER_POOL).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let user_pool_id = user_pool_id.ok_or(ConfigError::MissingUserPool)?;
        if !is_user_pool_id(&user_pool_id) {
            return Err(ConfigError::BadUserPool(user_pool_id));
        }
        let admin_group = lookup(ENV_GROUP).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty() && v != "NONE");
        let cors = match lookup(ENV_CORS_ORIGINS).map(|v| v.trim().to_owned()) {
            None => CorsOrigins::Any,
            Some(v) if v.is_empty() || v == "*" => CorsOrigins::Any,
            Some(v) => {
                let list: Vec<String> = v.split(',').map(|o| o.trim().to_owned()).collect();
                if list.iter().any(String::is_empty) {
                    return Err(ConfigError::BadCors);
                }
                if list.iter().any(|o| o == "*") { CorsOrigins::Any } else { CorsOrigins::List(list) }
            }
        };
        Ok(Self { user_pool_id, admin_group, cors })
    }
}

/// `<region>_<id>`, as Cognito names pools (its own pattern is `[\w-]+_[0-9a-zA-Z]+`).
fn is_user_pool_id(id: &str) -> bool {
    match id.split_once('_') {
        Some((region, rest)) => {
            !region.is_empty()
                && region.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !rest.is_empty()
                && rest.chars().all(|c| c.is_ascii_alphanumeric())
        }
        None => false,
    }
}

/// What every request shares: the configuration and the Cognito client, built once per process.
#[derive(Debug, Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub cognito: Client,
}

impl AppState {
    pub fn new(config: Config, cognito: Client) -> Self {
        Self { config: Arc::new(config), cognito }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        move |name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn group_none_means_no_restriction() {
        let config = Config::from_lookup(env(&[("USERPOOL", "us-east-1_abc"), ("GROUP", "NONE")])).unwrap();
        assert_eq!(config.admin_group, None);
        let config = Config::from_lookup(env(&[("USERPOOL", "us-east-1_abc")])).unwrap();
        assert_eq!(config.admin_group, None);
        let config = Config::from_lookup(env(&[("USERPOOL", "us-east-1_abc"), ("GROUP", "Admins")])).unwrap();
        assert_eq!(config.admin_group.as_deref(), Some("Admins"));
    }

    #[test]
    fn missing_or_malformed_pool_is_an_init_error() {
        assert_eq!(Config::from_lookup(env(&[])), Err(ConfigError::MissingUserPool));
        assert_eq!(
            Config::from_lookup(env(&[("USERPOOL", "not a pool")])),
            Err(ConfigError::BadUserPool("not a pool".into()))
        );
    }

    #[test]
    fn cors_list_echoes_listed_origins_only() {
        let config = Config::from_lookup(env(&[
            ("USERPOOL", "us-east-1_abc"),
            ("CORS_ORIGINS", "https://a.example, https://b.example"),
        ]))
        .unwrap();
        assert_eq!(config.cors.allow_origin(Some("https://b.example")), "https://b.example");
        assert_eq!(config.cors.allow_origin(Some("https://evil.example")), "https://a.example");
        assert_eq!(config.cors.allow_origin(None), "https://a.example");
        assert_eq!(CorsOrigins::Any.allow_origin(Some("https://x")), "*");
        assert_eq!(
            Config::from_lookup(env(&[("USERPOOL", "us-east-1_abc"), ("CORS_ORIGINS", "https://a,,")])),
            Err(ConfigError::BadCors)
        );
    }
}
