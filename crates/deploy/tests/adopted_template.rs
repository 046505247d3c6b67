//! The template of an environment that adopts an Amplify app's pool and its own web client: no Cognito resource at
//! all, the outputs carry the app's client, and the function works on the adopted pool; another environment of the
//! same config keeps a pool of its own.
#![allow(clippy::unwrap_used)]

use deploy::config::Config;
use deploy::template::{Template, synthesize};

const CONFIG: &str = r#"project = "myapp"
[environments.dev]
region = "eu-west-1"
[environments.prod]
region = "eu-west-1"
[user_pool]
username_attributes = ["email"]
groups = [{ name = "Admins", precedence = 1 }]
[admin_api]
restrict_to_group = "Admins"
[environments.dev.user_pool]
existing = "eu-west-1_AbCdEf123"
client_id = "4k7q2n9v1c8m3x5t6b0p2r7d1s"
"#;

fn synth(env: &str) -> Template {
    let config = Config::parse(CONFIG, "admin-queries.toml").unwrap();
    synthesize(&config, env, &config.environment(env, "admin-queries.toml").unwrap())
}

#[test]
fn an_adopted_pool_with_its_own_client_has_no_cognito_resource_and_outputs_that_client() {
    let t = synth("dev");
    let resources = t.0["Resources"].as_object().unwrap();
    let cognito: Vec<&str> = resources
        .values()
        .filter_map(|r| r["Type"].as_str())
        .filter(|kind| kind.starts_with("AWS::Cognito::"))
        .collect();
    assert!(cognito.is_empty(), "{cognito:?}");
    assert_eq!(t.0["Outputs"]["UserPoolId"]["Value"], "eu-west-1_AbCdEf123");
    assert_eq!(t.0["Outputs"]["UserPoolClientId"]["Value"], "4k7q2n9v1c8m3x5t6b0p2r7d1s");
    let text = serde_json::to_string(&t.0).unwrap();
    assert!(text.contains("userpool/eu-west-1_AbCdEf123"), "the function's policy names the adopted pool");
    // prod, which adopts nothing, still has its own pool and client.
    let prod = synth("prod");
    let prod = prod.0["Resources"].as_object().unwrap();
    assert!(prod.contains_key("UserPool") && prod.contains_key("UserPoolClient"));
}
