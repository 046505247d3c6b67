//! `cargo xtask outputs` for an AWS environment, without the command line: the outputs files written again from
//! the stack's outputs on moto, exactly as a deploy writes them; no stack is "not deployed".
#![allow(clippy::unwrap_used)]

use deploy::aws::{Clients, rewrite_outputs};
use deploy::config::Config;
use deploy::outputs::Outputs;

fn config(stack: &str) -> Config {
    let text = format!(
        "project = \"aqtest\"\n[environments.dev]\nregion = \"{}\"\nstack = \"{stack}\"\n",
        test_support::REGION
    );
    Config::parse(&text, "admin-queries.toml").unwrap()
}

fn clients() -> Clients {
    Clients::new(&test_support::moto_config(&test_support::moto_endpoint(), test_support::REGION))
}

/// A stack with the three outputs this tool's template has (moto fills in outputs for CreateStack only).
const TEMPLATE: &str = "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Handle:\n    Type: AWS::CloudFormation::WaitConditionHandle\nOutputs:\n  UserPoolId:\n    Value: us-east-1_AbCdEf123\n  UserPoolClientId:\n    Value: 4k7q2n9v1c8m3x5t6b0p2r7d1s\n  Endpoint:\n    Value: https://abc123.execute-api.us-east-1.amazonaws.com/dev\n";

#[tokio::test]
async fn the_files_come_back_from_the_stack_as_a_deploy_writes_them() {
    let stack = test_support::unique("outputs-again");
    let config = config(&stack);
    let env = config.environment("dev", "admin-queries.toml").unwrap();
    let aws = clients();
    aws.cloudformation.create_stack().stack_name(&stack).template_body(TEMPLATE).send().await.unwrap();
    let dir = test_support::temp_dir("outputs-again");

    let rewritten = rewrite_outputs(&config, "dev", &env, &aws, &dir).await.unwrap().unwrap();
    assert_eq!(rewritten.stack, stack);
    assert_eq!(rewritten.outputs.user_pool_id, "us-east-1_AbCdEf123");
    assert_eq!(rewritten.files.len(), 4);
    // What a deploy writes at its end: `Outputs::from_stack` of the same outputs.
    let stack_outputs = [
        ("UserPoolId", "us-east-1_AbCdEf123"),
        ("UserPoolClientId", "4k7q2n9v1c8m3x5t6b0p2r7d1s"),
        ("Endpoint", "https://abc123.execute-api.us-east-1.amazonaws.com/dev"),
    ]
    .map(|(k, v)| (k.to_owned(), v.to_owned()));
    let expected = Outputs::from_stack(&stack, &stack_outputs, test_support::REGION, &config).unwrap();
    for (name, text) in expected.files() {
        assert_eq!(std::fs::read_to_string(dir.join(name)).unwrap(), text, "{name}");
    }
    aws.cloudformation.delete_stack().stack_name(&stack).send().await.unwrap();
}

#[tokio::test]
async fn no_stack_is_not_deployed_and_writes_nothing() {
    let config = config(&test_support::unique("outputs-none"));
    let env = config.environment("dev", "admin-queries.toml").unwrap();
    let dir = test_support::temp_dir("outputs-none").join("outputs");
    assert!(rewrite_outputs(&config, "dev", &env, &clients(), &dir).await.unwrap().is_none());
    assert!(!dir.exists());
}
