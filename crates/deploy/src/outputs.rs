//! The files Amplify clients read to find the user pool and the API (see "Client configuration" in the contract):
//!
//! - `amplifyconfiguration.json`: Gen 1's JS keys (`aws_*`) and, in the same object, the native form that the
//!   Swift and Android libraries read (`auth.plugins.awsCognitoAuthPlugin`, `api.plugins.awsAPIPlugin`);
//! - `aws-exports.js`: the JS keys as a module;
//! - `amplify_outputs.json`: Gen 2's form, the API under `custom.API` as Gen 2's recipe puts it;
//! - `amplify-config.v6.json`: `aws-amplify` v6's own shape, which `Amplify.configure` takes as is. It is the only
//!   one that can carry a local Cognito endpoint (`Auth.Cognito.userPoolEndpoint`).
//!
//! They are pure functions of [`Outputs`]; `aws::rewrite_outputs` reads an AWS environment's from its stack (for
//! `cargo xtask outputs`: a fresh clone, a teammate), as a deploy does at its end.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use crate::config::{TokenKind, UsernameAttribute};

/// The name clients call the API by. `aws-amplify` looks it up by exactly this name.
pub const API_NAME: &str = "AdminQueries";

/// What the outputs describe.
#[derive(Debug, Clone)]
pub struct Outputs {
    pub region: String,
    pub user_pool_id: String,
    pub client_id: String,
    /// The stage URL, e.g. `https://abc.execute-api.eu-west-1.amazonaws.com/dev`.
    pub endpoint: String,
    /// A Cognito endpoint other than AWS's (the local environment's moto).
    pub cognito_endpoint: Option<String>,
    pub token: TokenKind,
    pub username_attributes: Vec<UsernameAttribute>,
    /// Groups and their precedence, for Gen 2's `auth.groups`.
    pub groups: Vec<(String, Option<i32>)>,
}

/// An output the stack should have and has not.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the stack {stack} has no output `{name}` (or an empty one)")]
pub struct MissingOutput {
    pub stack: String,
    pub name: &'static str,
}

impl Outputs {
    /// The outputs of an AWS environment, from its stack's outputs (`UserPoolId`, `UserPoolClientId`, `Endpoint`);
    /// an output that is missing or empty is an error, never an empty id in a file.
    pub fn from_stack(
        stack: &str,
        stack_outputs: &[(String, String)],
        region: &str,
        config: &crate::config::Config,
    ) -> Result<Self, MissingOutput> {
        let output = |name: &'static str| {
            stack_outputs
                .iter()
                .find(|(k, v)| k == name && !v.is_empty())
                .map(|(_, v)| v.clone())
                .ok_or_else(|| MissingOutput { stack: stack.to_owned(), name })
        };
        Ok(Self {
            region: region.to_owned(),
            user_pool_id: output("UserPoolId")?,
            client_id: output("UserPoolClientId")?,
            endpoint: output("Endpoint")?,
            cognito_endpoint: None,
            token: config.admin_api.token,
            username_attributes: config.user_pool.username_attributes.clone(),
            groups: config.effective_groups().into_iter().map(|g| (g.name, g.precedence)).collect(),
        })
    }

    /// The stage URL without a trailing slash: clients concatenate it with `/listUsers`.
    fn endpoint(&self) -> &str {
        self.endpoint.trim_end_matches('/')
    }

    /// moto does not verify SRP, so a local client signs in with USER_PASSWORD_AUTH; AWS gets SRP, the default.
    fn auth_flow(&self) -> &'static str {
        if self.cognito_endpoint.is_some() { "USER_PASSWORD_AUTH" } else { "USER_SRP_AUTH" }
    }

    fn attribute_names(&self, upper: bool) -> Vec<String> {
        self.username_attributes
            .iter()
            .map(|a| if upper { a.cognito_name().to_uppercase() } else { a.cognito_name().to_owned() })
            .collect()
    }

    /// Gen 1's JS keys.
    pub fn js_keys(&self) -> Value {
        let mut keys = json!({
            "aws_project_region": self.region,
            "aws_cognito_region": self.region,
            "aws_user_pools_id": self.user_pool_id,
            "aws_user_pools_web_client_id": self.client_id,
            "aws_cognito_username_attributes": self.attribute_names(true),
            "aws_cloud_logic_custom": [{ "name": API_NAME, "endpoint": self.endpoint(), "region": self.region }],
        });
        if let Some(endpoint) = &self.cognito_endpoint {
            // An extension key that Amplify ignores; an app merges it in with `Auth.Cognito.userPoolEndpoint`.
            keys["aws_user_pools_endpoint"] = json!(endpoint);
        }
        keys
    }

    /// The native form (Swift, Android). Access tokens go through Amplify's user-pool authorization; ID tokens
    /// need `NONE` plus an interceptor that sends the ID token, as Amplify documents for Hosted UI apps.
    pub fn native(&self) -> Value {
        let authorization_type = match self.token {
            TokenKind::Access => "AMAZON_COGNITO_USER_POOLS",
            TokenKind::Id => "NONE",
        };
        let mut user_pool =
            json!({ "PoolId": self.user_pool_id, "AppClientId": self.client_id, "Region": self.region });
        if let Some(endpoint) = &self.cognito_endpoint {
            user_pool["Endpoint"] = json!(endpoint);
        }
        json!({
            "UserAgent": "aws-amplify-cli/2.0",
            "Version": "1.0",
            "api": { "plugins": { "awsAPIPlugin": { API_NAME: {
                "endpointType": "REST",
                "endpoint": self.endpoint(),
                "region": self.region,
                "authorizationType": authorization_type,
            }}}},
            "auth": { "plugins": { "awsCognitoAuthPlugin": {
                "UserAgent": "aws-amplify-cli/0.1.0",
                "Version": "0.1.0",
                "IdentityManager": { "Default": {} },
                "CognitoUserPool": { "Default": user_pool },
                "Auth": { "Default": {
                    "authenticationFlowType": self.auth_flow(),
                    "usernameAttributes": self.attribute_names(true),
                    "signupAttributes": [],
                    "passwordProtectionSettings": { "passwordPolicyMinLength": 8, "passwordPolicyCharacters": [] },
                    "mfaConfiguration": "OFF",
                    "mfaTypes": [],
                    "verificationMechanisms": self.attribute_names(true),
                }},
            }}},
        })
    }

    /// `amplifyconfiguration.json`: the JS keys and the native form in one object; each reader ignores the other's.
    pub fn amplifyconfiguration(&self) -> Value {
        let mut merged = self.js_keys();
        if let (Some(target), Value::Object(native)) = (merged.as_object_mut(), self.native()) {
            target.extend(native);
        }
        merged
    }

    /// `amplify_outputs.json` (Gen 2).
    pub fn amplify_outputs(&self) -> Value {
        let groups: Vec<Value> = self
            .groups
            .iter()
            .map(|(name, precedence)| json!({ name: { "precedence": precedence.unwrap_or(0) } }))
            .collect();
        json!({
            "version": "1",
            "auth": {
                "aws_region": self.region,
                "user_pool_id": self.user_pool_id,
                "user_pool_client_id": self.client_id,
                "username_attributes": self.attribute_names(false),
                "standard_required_attributes": [],
                "user_verification_types": self.attribute_names(false),
                "groups": groups,
            },
            "custom": { "API": { API_NAME: { "endpoint": self.endpoint(), "region": self.region, "apiName": API_NAME } } },
        })
    }

    /// `aws-amplify` v6's own configuration shape.
    pub fn v6(&self) -> Value {
        let mut cognito = json!({ "userPoolId": self.user_pool_id, "userPoolClientId": self.client_id });
        if let Some(endpoint) = &self.cognito_endpoint {
            cognito["userPoolEndpoint"] = json!(endpoint);
        }
        let login = self.attribute_names(false);
        cognito["loginWith"] = json!({
            "username": login.is_empty(),
            "email": login.iter().any(|a| a == "email"),
            "phone": login.iter().any(|a| a == "phone_number"),
        });
        json!({ "Auth": { "Cognito": cognito }, "API": { "REST": { API_NAME: { "endpoint": self.endpoint(), "region": self.region } } } })
    }

    /// Every file, by name.
    pub fn files(&self) -> Vec<(&'static str, String)> {
        // A `Value` always serializes (its keys are strings): `{:#}` is `to_string_pretty`, without a `Result`.
        let pretty = |v: &Value| format!("{v:#}\n");
        let exports = format!(
            "// Written by `cargo xtask deploy`. Do not edit: the next deploy rewrites it.\nconst awsmobile = {:#};\n\nexport default awsmobile;\n",
            self.js_keys()
        );
        vec![
            ("amplifyconfiguration.json", pretty(&self.amplifyconfiguration())),
            ("aws-exports.js", exports),
            ("amplify_outputs.json", pretty(&self.amplify_outputs())),
            ("amplify-config.v6.json", pretty(&self.v6())),
        ]
    }

    /// Writes every file into `dir` and returns their paths.
    pub fn write(&self, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
        std::fs::create_dir_all(dir)?;
        self.files()
            .into_iter()
            .map(|(name, text)| {
                let path = dir.join(name);
                std::fs::write(&path, text)?;
                Ok(path)
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{Config, DEFAULT_CONFIG};

    #[test]
    fn a_missing_or_empty_stack_output_is_an_error_never_an_empty_id() {
        let config = Config::parse(DEFAULT_CONFIG, "admin-queries.toml").unwrap();
        let mut stack = vec![
            ("UserPoolId".to_owned(), "eu-west-1_abc".to_owned()),
            ("UserPoolClientId".to_owned(), String::new()),
            ("Endpoint".to_owned(), "https://x.execute-api.eu-west-1.amazonaws.com/dev".to_owned()),
        ];
        let err = Outputs::from_stack("s", &stack, "eu-west-1", &config).unwrap_err();
        assert_eq!(err, MissingOutput { stack: "s".into(), name: "UserPoolClientId" });
        stack[1].1 = "client".into();
        let outputs = Outputs::from_stack("s", &stack, "eu-west-1", &config).unwrap();
        assert_eq!((outputs.user_pool_id.as_str(), outputs.client_id.as_str()), ("eu-west-1_abc", "client"));
        stack.remove(2);
        assert_eq!(Outputs::from_stack("s", &stack, "eu-west-1", &config).unwrap_err().name, "Endpoint");
    }

    use super::*;

    fn sample(token: TokenKind, local: bool) -> Outputs {
        Outputs {
            region: "eu-west-1".into(),
            user_pool_id: "eu-west-1_Abc".into(),
            client_id: "client123".into(),
            endpoint: "https://x.execute-api.eu-west-1.amazonaws.com/dev/".into(),
            cognito_endpoint: local.then(|| "http://127.0.0.1:5000".to_owned()),
            token,
            username_attributes: vec![UsernameAttribute::Email],
            groups: vec![("Admins".into(), Some(1))],
        }
    }

    #[test]
    fn endpoint_has_no_trailing_slash_anywhere() {
        let outputs = sample(TokenKind::Access, false);
        for (name, text) in outputs.files() {
            assert!(!text.contains("/dev/\""), "{name} has a trailing slash");
            assert!(text.contains("amazonaws.com/dev\""), "{name} has the endpoint");
        }
    }

    #[test]
    fn js_keys_name_the_api_admin_queries() {
        let config = sample(TokenKind::Access, false).amplifyconfiguration();
        assert_eq!(config["aws_cloud_logic_custom"][0]["name"], "AdminQueries");
        assert_eq!(config["aws_user_pools_web_client_id"], "client123");
        assert!(config.get("aws_user_pools_endpoint").is_none());
        assert_eq!(config["api"]["plugins"]["awsAPIPlugin"]["AdminQueries"]["endpointType"], "REST");
    }

    #[test]
    fn authorization_type_follows_the_token_kind() {
        let access = sample(TokenKind::Access, false).native();
        let id = sample(TokenKind::Id, false).native();
        let kind = |v: &Value| v["api"]["plugins"]["awsAPIPlugin"]["AdminQueries"]["authorizationType"].clone();
        assert_eq!(kind(&access), "AMAZON_COGNITO_USER_POOLS");
        assert_eq!(kind(&id), "NONE");
    }

    #[test]
    fn local_outputs_carry_the_cognito_endpoint_and_password_auth() {
        let outputs = sample(TokenKind::Access, true);
        assert_eq!(outputs.v6()["Auth"]["Cognito"]["userPoolEndpoint"], "http://127.0.0.1:5000");
        assert_eq!(outputs.js_keys()["aws_user_pools_endpoint"], "http://127.0.0.1:5000");
        let native = outputs.native();
        assert_eq!(
            native["auth"]["plugins"]["awsCognitoAuthPlugin"]["Auth"]["Default"]["authenticationFlowType"],
            "USER_PASSWORD_AUTH"
        );
        assert_eq!(outputs.amplify_outputs()["custom"]["API"]["AdminQueries"]["apiName"], "AdminQueries");
    }
}
