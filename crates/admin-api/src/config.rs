//! The function's configuration. It is read once, at start-up, from the environment that the template (or the
//! local gateway) gives the function; a bad value stops the function at init instead of serving with a guess.

use std::sync::Arc;

use std::collections::BTreeMap;

use aws_sdk_cognitoidentityprovider::Client;

use crate::actions::{ACTIONS, Action};

/// Environment variable names. `USERPOOL` and `GROUP` keep the names of Amplify's function.
pub const ENV_USER_POOL: &str = "USERPOOL";
pub const ENV_GROUP: &str = "GROUP";
pub const ENV_CORS_ORIGINS: &str = "CORS_ORIGINS";
pub const ENV_ACTIONS: &str = "ACTIONS";
pub const ENV_ACCESS_RULES: &str = "ACCESS_RULES";
pub const ENV_VERIFY_CALLER: &str = "VERIFY_CALLER";

/// When the function confirms with Cognito that the caller is still enabled, still signed in and still in an
/// allowed group, instead of trusting the token's claims until it expires (up to a day for ID and access tokens).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerifyCaller {
    /// Before every action: a disabled, demoted or signed-out caller loses read access at once too.
    #[default]
    Always,
    /// Before actions that change something (the POST actions) only.
    Mutations,
    /// Never: the claims are trusted until the token expires, as API Gateway's authorizer does.
    Off,
}

impl VerifyCaller {
    pub const ALL: [Self; 3] = [Self::Always, Self::Mutations, Self::Off];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Always => "always",
            Self::Mutations => "mutations",
            Self::Off => "off",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == text)
    }

    /// Whether a call to `action` is checked live.
    pub fn applies_to(self, action: &Action) -> bool {
        match self {
            Self::Always => true,
            Self::Mutations => action.mutates(),
            Self::Off => false,
        }
    }
}

impl std::fmt::Display for VerifyCaller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH`: `lambda_http` matches routes without the stage (`/listUsers`, not
/// `/dev/listUsers`), as the router expects.
pub const ENV_IGNORE_STAGE: &str = "AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH";

/// The function's environment as its deployers write it: the one place that knows the variables' names and how each
/// value is spelled. [`Config::from_lookup`] reads what [`FunctionEnv::variables`] writes. The pool id is apart,
/// since each deployer knows it in its own way (a CloudFormation reference, a pool on moto): `USERPOOL`
/// ([`ENV_USER_POOL`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionEnv {
    /// The administering group; `None`: any signed-in user.
    pub group: Option<String>,
    /// `*`, or the origins browsers may call from.
    pub cors_origins: Vec<String>,
    /// The actions served, by name.
    pub actions: Vec<String>,
    /// Per action, the groups that may call it.
    pub access_rules: BTreeMap<String, Vec<String>>,
    pub verify_caller: VerifyCaller,
}

impl FunctionEnv {
    /// The variables, besides `USERPOOL`, in a stable order.
    pub fn variables(&self) -> Vec<(&'static str, String)> {
        let mut vars = vec![
            (ENV_GROUP, self.group.clone().unwrap_or_else(|| "NONE".to_owned())),
            (ENV_CORS_ORIGINS, self.cors_origins.join(",")),
            (ENV_ACTIONS, self.actions.join(",")),
            (ENV_VERIFY_CALLER, self.verify_caller.as_str().to_owned()),
            (ENV_IGNORE_STAGE, "true".to_owned()),
        ];
        if !self.access_rules.is_empty() {
            // A map of strings to lists of strings always serialises.
            let rules = serde_json::to_string(&self.access_rules).unwrap_or_else(|_| unreachable!());
            vars.push((ENV_ACCESS_RULES, rules));
        }
        vars
    }

    /// Every variable, `USERPOOL` first, as owned pairs for a process or a template.
    pub fn with_pool(&self, user_pool_id: &str) -> Vec<(String, String)> {
        std::iter::once((ENV_USER_POOL, user_pool_id.to_owned()))
            .chain(self.variables())
            .map(|(k, v)| (k.to_owned(), v))
            .collect()
    }
}

/// What the function needs to know besides the request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The user pool that every action works on.
    pub user_pool_id: String,
    /// The group whose members may administer. `None`: any signed-in user may (Amplify's "No" answer).
    pub admin_group: Option<String>,
    /// Origins that browsers may call from.
    pub cors: CorsOrigins,
    /// The actions served; the others answer 404.
    pub actions: Vec<&'static Action>,
    /// Per action, the groups that may call it, instead of the administering group.
    pub rules: BTreeMap<&'static str, Vec<String>>,
    /// Which calls are checked live with Cognito.
    pub verify_caller: VerifyCaller,
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
    #[error("{ENV_ACTIONS} names `{0}`, which is not an action; known: {1}")]
    UnknownAction(String, String),
    #[error(
        "{ENV_ACCESS_RULES} is not valid: {0}; expected compact JSON such as {{\"listUsers\":[\"Admins\",\"Support\"]}}"
    )]
    BadRules(String),
    #[error("{ENV_VERIFY_CALLER} is `{0}`: expected always, mutations or off")]
    BadVerifyCaller(String),
}

impl Config {
    /// The groups that may call `action`: its own rule, else the administering group; `None` means every
    /// signed-in user.
    pub fn allowed_groups(&self, action: &Action) -> Option<&[String]> {
        self.rules.get(action.name).map(Vec::as_slice).or(self.admin_group.as_ref().map(std::slice::from_ref))
    }

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
        let actions = match lookup(ENV_ACTIONS).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) {
            None => ACTIONS.iter().filter(|a| a.default_enabled).collect(),
            Some(list) => list
                .split(',')
                .map(str::trim)
                .map(|name| {
                    Action::find(name).ok_or_else(|| {
                        let known: Vec<&str> = ACTIONS.iter().map(|a| a.name).collect();
                        ConfigError::UnknownAction(name.to_owned(), known.join(", "))
                    })
                })
                .collect::<Result<Vec<_>, _>>()?,
        };
        let mut rules = BTreeMap::new();
        if let Some(text) = lookup(ENV_ACCESS_RULES).filter(|v| !v.trim().is_empty()) {
            let parsed: BTreeMap<String, Vec<String>> =
                serde_json::from_str(&text).map_err(|e| ConfigError::BadRules(e.to_string()))?;
            for (name, groups) in parsed {
                let action = actions
                    .iter()
                    .find(|a| a.name == name)
                    .ok_or_else(|| ConfigError::BadRules(format!("`{name}` is not an enabled action")))?;
                if groups.is_empty() || groups.iter().any(|g| g.trim().is_empty()) {
                    return Err(ConfigError::BadRules(format!(
                        "`{name}` needs at least one group, and no empty names"
                    )));
                }
                rules.insert(action.name, groups);
            }
        }
        let verify_caller = match lookup(ENV_VERIFY_CALLER).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()) {
            None => VerifyCaller::default(),
            Some(v) => VerifyCaller::parse(&v).ok_or(ConfigError::BadVerifyCaller(v))?,
        };
        Ok(Self { user_pool_id, admin_group, cors, actions, rules, verify_caller })
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
    fn what_the_deployers_write_is_what_the_function_reads() {
        let written = FunctionEnv {
            group: Some("Admins".into()),
            cors_origins: vec!["https://a.example".into(), "https://b.example".into()],
            actions: vec!["listUsers".into(), "getUser".into()],
            access_rules: BTreeMap::from([("listUsers".to_owned(), vec!["Admins".to_owned(), "Support".to_owned()])]),
            verify_caller: VerifyCaller::Mutations,
        };
        let vars = written.with_pool("us-east-1_abc");
        let read = Config::from_lookup(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())).unwrap();
        assert_eq!(read.user_pool_id, "us-east-1_abc");
        assert_eq!(read.admin_group.as_deref(), Some("Admins"));
        assert_eq!(read.cors, CorsOrigins::List(written.cors_origins.clone()));
        assert_eq!(read.actions.iter().map(|a| a.name).collect::<Vec<_>>(), written.actions);
        assert_eq!(read.rules.get("listUsers"), written.access_rules.get("listUsers"));
        assert_eq!(read.verify_caller, VerifyCaller::Mutations);
        assert!(vars.contains(&(ENV_IGNORE_STAGE.to_owned(), "true".to_owned())));

        let open = FunctionEnv { group: None, cors_origins: vec!["*".into()], ..written };
        let vars = open.with_pool("us-east-1_abc");
        let read = Config::from_lookup(|name| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())).unwrap();
        assert_eq!((read.admin_group, read.cors), (None, CorsOrigins::Any));
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
    fn actions_and_rules_are_validated_at_start_up() {
        let config = Config::from_lookup(env(&[("USERPOOL", "us-east-1_abc")])).unwrap();
        assert_eq!(config.actions.len(), 12, "Amplify's routes and updateUserAttributes by default");
        let config = Config::from_lookup(env(&[
            ("USERPOOL", "us-east-1_abc"),
            ("GROUP", "Admins"),
            ("ACTIONS", "listUsers,getUser,disableUser"),
            ("ACCESS_RULES", r#"{"listUsers":["Admins","Support"]}"#),
        ]))
        .unwrap();
        let names: Vec<&str> = config.actions.iter().map(|a| a.name).collect();
        assert_eq!(names, vec!["listUsers", "getUser", "disableUser"]);
        let list = Action::find("listUsers").unwrap();
        let disable = Action::find("disableUser").unwrap();
        assert_eq!(config.allowed_groups(list), Some(&["Admins".to_owned(), "Support".to_owned()][..]));
        assert_eq!(config.allowed_groups(disable), Some(&["Admins".to_owned()][..]));
        let bad = |actions: &str, rules: &str| {
            Config::from_lookup(env(&[("USERPOOL", "us-east-1_abc"), ("ACTIONS", actions), ("ACCESS_RULES", rules)]))
        };
        assert!(
            matches!(bad("listUsers,dropTables", ""), Err(ConfigError::UnknownAction(name, _)) if name == "dropTables")
        );
        assert!(matches!(bad("listUsers", "{not json"), Err(ConfigError::BadRules(_))));
        assert!(
            matches!(bad("listUsers", r#"{"getUser":["Support"]}"#), Err(ConfigError::BadRules(_))),
            "a rule for a disabled action"
        );
        assert!(
            matches!(bad("listUsers", r#"{"listUsers":[]}"#), Err(ConfigError::BadRules(_))),
            "no group is no open door"
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
