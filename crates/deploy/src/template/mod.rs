//! Synthesis of the CloudFormation template from the config: a pure function (no AWS calls), so that the same
//! config always gives the same template and a committed golden copy can catch any drift.
//!
//! The template uses the long forms of the intrinsic functions (`Ref`, `Fn::Sub`, `Fn::GetAtt`), which survive
//! any YAML or JSON tooling.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::config::{Config, Environment, Validity};
use crate::names::Names;

mod api;
mod function;
mod pool;

pub use pool::SMS_ROLE;

/// The scope API Gateway demands of access tokens (Amplify's setting).
pub const ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";

/// Headers allowed by the preflight and the gateway responses.
const ALLOW_HEADERS: &str = "'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'";

/// Logical ids the deployer guards: replacing or removing these loses users.
pub const USER_POOL: &str = "UserPool";
pub const APP_CLIENT: &str = "UserPoolClient";
pub const GROUP_PREFIX: &str = "Group";

/// A template that could not be written out.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TemplateError {
    #[error("the template could not be written as YAML: {0}")]
    Yaml(String),
}

impl TemplateError {
    /// What to do about it.
    pub fn help(&self) -> &'static str {
        match self {
            Self::Yaml(_) => "this is a bug in the synthesis: report it with the config that caused it",
        }
    }
}

/// A synthesized template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template(pub Value);

impl Template {
    /// The template as YAML, for people and for CloudFormation.
    pub fn to_yaml(&self) -> Result<String, TemplateError> {
        let yaml = serde_yaml_ng::to_string(&self.0).map_err(|e| TemplateError::Yaml(e.to_string()))?;
        Ok(quote_yaml11_booleans(&yaml))
    }
}

/// Quotes the plain scalars that YAML 1.1 reads as booleans (`ON`, `OFF`, `yes`, `n`, ...): the YAML emitter
/// writes them bare, as YAML 1.2 allows, but CloudFormation and cfn-lint would read `MfaConfiguration: OFF` as
/// `false`.
fn quote_yaml11_booleans(yaml: &str) -> String {
    const WORDS: [&str; 8] = ["y", "n", "yes", "no", "on", "off", "true", "false"];
    let is_bool_word = |v: &str| WORDS.contains(&v.to_ascii_lowercase().as_str()) && !matches!(v, "true" | "false");
    let mut out = String::with_capacity(yaml.len());
    for line in yaml.split_inclusive('\n') {
        let (body, newline) = line.strip_suffix('\n').map_or((line, ""), |b| (b, "\n"));
        let split = body.rfind(": ").map(|i| i + 2).or_else(|| {
            let trimmed = body.trim_start();
            trimmed.starts_with("- ").then(|| body.len() - trimmed.len() + 2)
        });
        match split {
            Some(at) if is_bool_word(&body[at..]) => {
                out.push_str(&format!("{}'{}'{newline}", &body[..at], &body[at..]))
            }
            _ => out.push_str(line),
        }
    }
    out
}

fn short_hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

/// `Group<Name>`: the group's letters and digits, with a hash of the full name when anything was dropped, so that
/// two names never share an id.
pub fn group_logical_id(name: &str) -> String {
    let clean: String = name.chars().filter(char::is_ascii_alphanumeric).collect();
    if clean == name && !clean.is_empty() {
        format!("{GROUP_PREFIX}{clean}")
    } else {
        format!("{GROUP_PREFIX}{clean}{}", short_hash(name.as_bytes()))
    }
}

/// The Cognito IAM actions the function needs: exactly those of the enabled actions (and of their checks),
/// sorted, without repeats.
pub fn iam_actions(config: &Config) -> Vec<&'static str> {
    admin_api::actions::iam_actions(config.enabled_actions())
}

/// A checkov check that does not apply to a resource, with the reason, for the resource's `Metadata`.
fn skip(id: &str, comment: &str) -> Value {
    json!({ "id": id, "comment": comment })
}

/// `Metadata` telling checkov which of its checks do not apply to the resource, and why.
fn checkov_skips(skips: Vec<Value>) -> Value {
    json!({ "checkov": { "skip": skips } })
}

const SKIP_LOG_KMS: (&str, &str) = (
    "CKV_AWS_158",
    "No secret is logged (never a token, nor the Authorization header), and CloudWatch Logs encrypts every log group at rest; a customer managed key would add cost and a key policy to keep, and protect nothing more",
);

/// A token lifetime as a number and Cognito's unit: minutes, or days when it is a whole number of days.
fn validity(v: Validity, whole_days: bool) -> (u32, &'static str) {
    if whole_days && v.minutes.is_multiple_of(24 * 60) {
        (v.minutes / (24 * 60), "days")
    } else {
        (v.minutes, "minutes")
    }
}

/// What the stage logs per request: who, what, the outcome, the latencies. Never a header, so never a token.
const ACCESS_LOG_FORMAT: &str = r#"{"requestId":"$context.requestId","requestTime":"$context.requestTime","ip":"$context.identity.sourceIp","caller":"$context.authorizer.claims.sub","method":"$context.httpMethod","path":"$context.path","status":"$context.status","responseLength":"$context.responseLength","latency":"$context.responseLatency","integrationLatency":"$context.integrationLatency","authorizerError":"$context.authorizer.error"}"#;

/// What every part of the template needs: the config as the environment sees it, the names, the pool.
struct Part<'a> {
    config: &'a Config,
    env_name: &'a str,
    names: Names,
    /// `Retain` or `Delete`, for the pool, its groups and the client.
    policy: &'static str,
    retain: bool,
    /// The pool's id and ARN: the new pool's, or the adopted one's.
    pool_id: Value,
    pool_arn: Value,
    /// The app client's id: the new client's, or the adopted pool's own (`user_pool.client_id`).
    client_id: Value,
}

/// Synthesizes the template of environment `env_name`, with that environment's own settings: the pool, its groups
/// and the client ([`pool`]; none of them for an adopted pool, whose own client is used when `client_id` names it), the function and its role ([`function`]), the API and its stage, and the outputs
/// ([`api`]).
pub fn synthesize(config: &Config, env_name: &str, env: &Environment) -> Template {
    let names = config.names(env_name, env);
    let config = &config.for_environment(env);
    let retain = env.retain_user_pool;
    let existing = config.user_pool.existing.as_deref();
    let pool_id = match existing {
        Some(id) => json!(id),
        None => json!({ "Ref": USER_POOL }),
    };
    let pool_arn = match existing {
        Some(id) => {
            json!({ "Fn::Sub": format!("arn:${{AWS::Partition}}:cognito-idp:${{AWS::Region}}:${{AWS::AccountId}}:userpool/{id}") })
        }
        None => json!({ "Fn::GetAtt": [USER_POOL, "Arn"] }),
    };
    let client_id = match &config.user_pool.client_id {
        Some(id) => json!(id),
        None => json!({ "Ref": APP_CLIENT }),
    };
    let policy = if retain { "Retain" } else { "Delete" };
    let part = Part { config, env_name, names, policy, retain, pool_id, pool_arn, client_id };
    let mut resources = Map::new();
    pool::pool_and_groups(&part, &mut resources);
    pool::client(&part, &mut resources);
    function::function(&part, &mut resources);
    api::api_and_stage(&part, &mut resources);
    Template(json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": format!("Admin Queries for {} ({env_name}): Cognito user pool, admin API and its function", config.project),
        "Parameters": {
            "CodeBucket": { "Type": "String", "Description": "The asset bucket holding the function's zip" },
            "CodeKey": { "Type": "String", "Description": "The zip's key: its sha256" },
        },
        "Resources": resources,
        "Outputs": api::outputs(&part),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_11_booleans_are_quoted_and_nothing_else_changes() {
        let t = Template(
            json!({ "MfaConfiguration": "OFF", "Other": "ON", "List": ["yes", "Admins"], "Real": true, "Text": "off the record" }),
        );
        let yaml = t.to_yaml().unwrap();
        assert!(
            yaml.contains("MfaConfiguration: 'OFF'") && yaml.contains("Other: 'ON'") && yaml.contains("- 'yes'"),
            "{yaml}"
        );
        assert!(
            yaml.contains("- Admins") && yaml.contains("Real: true") && yaml.contains("Text: off the record"),
            "{yaml}"
        );
        let back: Value = serde_yaml_ng::from_str(&yaml).unwrap();
        assert_eq!(back, t.0);
    }
}
