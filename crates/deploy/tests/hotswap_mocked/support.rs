//! What the hotswap tests share: the stack, the function and the mocks of CloudFormation and Lambda.
#![allow(dead_code)]

use aws_sdk_cloudformation::operation::create_change_set::CreateChangeSetOutput;
use aws_sdk_cloudformation::operation::describe_stacks::DescribeStacksOutput;
use aws_sdk_cloudformation::operation::get_template::GetTemplateOutput;
use aws_sdk_cloudformation::types::{Output, Parameter, Stack, StackStatus};
use aws_sdk_lambda::operation::get_function_configuration::GetFunctionConfigurationOutput;
use aws_sdk_lambda::operation::update_function_code::UpdateFunctionCodeOutput;
use aws_sdk_lambda::types::{LastUpdateStatus, State};
use aws_smithy_mocks::{Rule, mock};
use aws_smithy_types::DateTime;
use deploy::aws::Clients;
use deploy::config::Config;
use deploy::hotswap::{self};

pub const STACK: &str = "shop-dev";
pub const FUNCTION: &str = "shop-dev-admin-queries";
pub const ACCOUNT: &str = "111122223333";
pub const OLD_KEY: &str = "functions/0000.zip";

pub fn config() -> Config {
    Config::parse("project = \"shop\"\n[environments.dev]\nregion = \"eu-west-1\"\n", "admin-queries.toml").unwrap()
}

pub fn bucket() -> String {
    deploy::assets::bucket_name(ACCOUNT, "eu-west-1")
}

pub fn new_key() -> String {
    deploy::assets::zip_key(&deploy::package::sha256_hex(b"zip"))
}

/// Lambda's CodeSha256 of the new zip, and of the one before.
pub fn new_code() -> String {
    hotswap::code_sha256(&deploy::package::sha256_hex(b"zip"))
}
pub const OLD_CODE: &str = "b2xkIGNvZGU=";

/// What `deploy` synthesizes for `dev`.
pub fn template(config: &Config) -> String {
    let env = config.environment("dev", "admin-queries.toml").unwrap();
    deploy::template::synthesize(config, "dev", &env).to_yaml().unwrap()
}

/// The stack as the last full deploy left it: `status`, the parameters, and every output.
pub fn stack(status: StackStatus, code_bucket: &str, code_key: &str) -> DescribeStacksOutput {
    let mut stack = Stack::builder()
        .stack_name(STACK)
        .stack_status(status)
        .creation_time(DateTime::from_secs(1))
        .parameters(Parameter::builder().parameter_key("CodeBucket").parameter_value(code_bucket).build())
        .parameters(Parameter::builder().parameter_key("CodeKey").parameter_value(code_key).build());
    for (key, value) in [
        ("UserPoolId", "eu-west-1_abc"),
        ("UserPoolClientId", "client123"),
        ("Endpoint", "https://api.execute-api.eu-west-1.amazonaws.com/dev"),
        ("FunctionName", FUNCTION),
    ] {
        stack = stack.outputs(Output::builder().output_key(key).output_value(value).build());
    }
    DescribeStacksOutput::builder().stacks(stack.build()).build()
}

pub fn configuration(state: State, update: LastUpdateStatus, code: &str) -> GetFunctionConfigurationOutput {
    GetFunctionConfigurationOutput::builder()
        .function_name(FUNCTION)
        .state(state)
        .last_update_status(update)
        .code_sha256(code)
        .build()
}

/// STS and S3 as an account whose bucket and zip are there already; the given CloudFormation and Lambda.
pub fn clients(cfn: aws_sdk_cloudformation::Client, lambda: aws_sdk_lambda::Client) -> Clients {
    super::common::mocked_clients(ACCOUNT, cfn, lambda)
}

/// The deployed stack, settled, with `template` as its template and the new zip's bucket.
pub fn deployed(template: String) -> (Rule, Rule) {
    let bucket = bucket();
    let describe = mock!(aws_sdk_cloudformation::Client::describe_stacks)
        .then_output(move || stack(StackStatus::UpdateComplete, &bucket, OLD_KEY));
    let get_template = mock!(aws_sdk_cloudformation::Client::get_template)
        .then_output(move || GetTemplateOutput::builder().template_body(template.clone()).build());
    (describe, get_template)
}

/// The change set's calls, which a hotswap never makes.
pub fn change_set_rules() -> (Rule, Rule) {
    let create = mock!(aws_sdk_cloudformation::Client::create_change_set)
        .then_output(|| CreateChangeSetOutput::builder().id("cs").build());
    let execute = mock!(aws_sdk_cloudformation::Client::execute_change_set).then_output(|| {
        aws_sdk_cloudformation::operation::execute_change_set::ExecuteChangeSetOutput::builder().build()
    });
    (create, execute)
}

/// UpdateFunctionCode, answered only for the new zip in the asset bucket.
pub fn update_code() -> Rule {
    let (bucket, key) = (bucket(), new_key());
    mock!(aws_sdk_lambda::Client::update_function_code)
        .match_requests(move |r| {
            r.function_name() == Some(FUNCTION) && r.s3_bucket() == Some(bucket.as_str()) && r.s3_key() == Some(&key)
        })
        .then_output(|| UpdateFunctionCodeOutput::builder().function_name(FUNCTION).build())
}

pub use super::common::artifact;
