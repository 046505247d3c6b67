//! The AWS pipeline's decisions with the SDK's own mocks (aws-smithy-mocks), for what moto cannot answer over plain
//! HTTP: the plan shown and deleted, nobody to ask, a refusal to destroy data, an output missing, a deployment
//! that writes its outputs files. Every call goes through the real clients and `deploy::aws`'s real logic.
#![allow(clippy::unwrap_used)]

use aws_sdk_cloudformation::error::ErrorMetadata;
use aws_sdk_cloudformation::operation::create_change_set::CreateChangeSetOutput;
use aws_sdk_cloudformation::operation::delete_change_set::DeleteChangeSetOutput;
use aws_sdk_cloudformation::operation::describe_change_set::DescribeChangeSetOutput;
use aws_sdk_cloudformation::operation::describe_stack_events::DescribeStackEventsOutput;
use aws_sdk_cloudformation::operation::describe_stacks::{DescribeStacksError, DescribeStacksOutput};
use aws_sdk_cloudformation::operation::execute_change_set::ExecuteChangeSetOutput;
use aws_sdk_cloudformation::types::{
    Change, ChangeAction, ChangeSetStatus, Output, Replacement, ResourceChange, ResourceStatus, Stack, StackEvent,
    StackStatus,
};
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use aws_smithy_types::DateTime;
use deploy::aws::{self, Clients, Deployment, Execute};
use deploy::config::Config;
use deploy::report::{Answer, Recorder};

mod common;
use common::{artifact, options};

const STACK: &str = "shop-dev";

fn config() -> Config {
    Config::parse("project = \"shop\"\n[environments.dev]\nregion = \"eu-west-1\"\n", "admin-queries.toml").unwrap()
}

/// STS and S3 that answer as an account whose bucket and zip are there already, a function that is ready and runs
/// the zip; `cfn` for CloudFormation.
fn clients(cfn: aws_sdk_cloudformation::Client) -> Clients {
    let ready = mock!(aws_sdk_lambda::Client::get_function_configuration).then_output(|| {
        aws_sdk_lambda::operation::get_function_configuration::GetFunctionConfigurationOutput::builder()
            .state(aws_sdk_lambda::types::State::Active)
            .last_update_status(aws_sdk_lambda::types::LastUpdateStatus::Successful)
            .code_sha256(deploy::hotswap::code_sha256(&deploy::package::sha256_hex(b"zip")))
            .build()
    });
    common::mocked_clients("111122223333", cfn, mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&ready]))
}

fn no_stack() -> DescribeStacksError {
    common::no_stack(STACK)
}

fn change(id: &str, kind: &str, action: ChangeAction, replacement: Option<Replacement>) -> Change {
    let mut rc = ResourceChange::builder().action(action).logical_resource_id(id).resource_type(kind);
    if let Some(r) = replacement {
        rc = rc.replacement(r);
    }
    Change::builder().resource_change(rc.build()).build()
}

fn described(changes: Vec<Change>) -> DescribeChangeSetOutput {
    DescribeChangeSetOutput::builder().status(ChangeSetStatus::CreateComplete).set_changes(Some(changes)).build()
}

fn stack_with_outputs(outputs: &[(&str, &str)]) -> DescribeStacksOutput {
    let mut stack = Stack::builder().stack_name(STACK).stack_status(StackStatus::CreateComplete);
    for (key, value) in outputs {
        stack = stack.outputs(Output::builder().output_key(*key).output_value(*value).build());
    }
    DescribeStacksOutput::builder().stacks(stack.creation_time(DateTime::from_secs(1)).build()).build()
}

fn created() -> DescribeStackEventsOutput {
    let event = StackEvent::builder()
        .stack_id("arn:aws:cloudformation:eu-west-1:1:stack/shop-dev/1")
        .stack_name(STACK)
        .event_id("event-1")
        .logical_resource_id(STACK)
        .resource_type("AWS::CloudFormation::Stack")
        .resource_status(ResourceStatus::CreateComplete)
        .timestamp(DateTime::from_secs(1_000))
        .build();
    DescribeStackEventsOutput::builder().stack_events(event).build()
}

#[tokio::test]
async fn a_plan_is_shown_its_change_set_deleted_and_nobody_to_ask_is_an_error() {
    let (config, dir) = (config(), test_support::temp_dir("aws-mocked-plan"));
    let env = config.environment("dev", "admin-queries.toml").unwrap();
    for (execute, answer) in
        [(Execute::PlanOnly, Answer::Yes), (Execute::Ask, Answer::CannotAsk), (Execute::Ask, Answer::No)]
    {
        let describe = mock!(aws_sdk_cloudformation::Client::describe_stacks).then_error(no_stack);
        let create = mock!(aws_sdk_cloudformation::Client::create_change_set)
            .then_output(|| CreateChangeSetOutput::builder().id("cs").build());
        let describe_set = mock!(aws_sdk_cloudformation::Client::describe_change_set)
            .then_output(|| described(vec![change("UserPool", "AWS::Cognito::UserPool", ChangeAction::Add, None)]));
        let delete_set = mock!(aws_sdk_cloudformation::Client::delete_change_set)
            .then_output(|| DeleteChangeSetOutput::builder().build());
        let execute_set = mock!(aws_sdk_cloudformation::Client::execute_change_set)
            .then_output(|| ExecuteChangeSetOutput::builder().build());
        let cfn = mock_client!(
            aws_sdk_cloudformation,
            RuleMode::MatchAny,
            [&describe, &create, &describe_set, &delete_set, &execute_set]
        );
        let mut report = Recorder::new(answer);
        let result =
            aws::deploy_artifact(&options(&config, &env, &dir, execute), &artifact(&dir), &clients(cfn), &mut report)
                .await;
        let said = report.said.join("\n");
        assert!(said.contains("step: The function is unchanged; not uploaded again"), "{said}");
        assert!(said.contains(&format!("Plan for {STACK} (eu-west-1)")) && said.contains("Add     UserPool"), "{said}");
        assert_eq!(delete_set.num_calls(), 1, "the change set is deleted");
        assert_eq!(execute_set.num_calls(), 0, "nothing is executed");
        match (execute, answer) {
            (Execute::PlanOnly, _) => {
                assert!(matches!(result, Ok(Deployment::Planned)), "{result:?}");
                assert!(!said.contains("confirm:"), "a plan asks nothing: {said}");
            }
            (_, Answer::CannotAsk) => assert!(matches!(result, Err(aws::Error::NoConfirmation)), "{result:?}"),
            _ => assert!(matches!(result, Ok(Deployment::Declined)), "{result:?}"),
        }
    }
    assert!(!dir.join("outputs").exists(), "no outputs without a deployment");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn replacing_the_pool_is_refused_as_destroying_data() {
    let (config, dir) = (config(), test_support::temp_dir("aws-mocked-refused"));
    let env = config.environment("dev", "admin-queries.toml").unwrap();
    let describe = mock!(aws_sdk_cloudformation::Client::describe_stacks).then_output(|| stack_with_outputs(&[]));
    let create = mock!(aws_sdk_cloudformation::Client::create_change_set)
        .then_output(|| CreateChangeSetOutput::builder().id("cs").build());
    let describe_set = mock!(aws_sdk_cloudformation::Client::describe_change_set).then_output(|| {
        described(vec![change("UserPool", "AWS::Cognito::UserPool", ChangeAction::Modify, Some(Replacement::True))])
    });
    let delete_set = mock!(aws_sdk_cloudformation::Client::delete_change_set)
        .then_output(|| DeleteChangeSetOutput::builder().build());
    let cfn =
        mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&describe, &create, &describe_set, &delete_set]);
    let mut report = Recorder::new(Answer::Yes);
    let err =
        aws::deploy_artifact(&options(&config, &env, &dir, Execute::Yes), &artifact(&dir), &clients(cfn), &mut report)
            .await
            .unwrap_err();
    assert!(matches!(err, aws::Error::DestroysData { .. }), "{err:?}");
    assert!(err.to_string().contains("refusing to deploy: this change would replace UserPool"), "{err}");
    assert_eq!(
        err.help(),
        "if losing them is really intended, deploy again with --replace-user-pool-and-lose-its-users"
    );
    assert_eq!(delete_set.num_calls(), 1);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_deployment_writes_its_outputs_and_an_output_missing_is_an_error() {
    let (config, dir) = (config(), test_support::temp_dir("aws-mocked-deployed"));
    let env = config.environment("dev", "admin-queries.toml").unwrap();
    let complete: &[(&str, &str)] = &[
        ("UserPoolId", "eu-west-1_abc"),
        ("UserPoolClientId", "client123"),
        ("Endpoint", "https://api.execute-api.eu-west-1.amazonaws.com/dev"),
        ("FunctionName", "shop-dev-admin-queries"),
    ];
    for outputs in [&complete[..2], complete] {
        let describe = mock!(aws_sdk_cloudformation::Client::describe_stacks)
            .sequence()
            .error(no_stack)
            .output(move || stack_with_outputs(outputs))
            .build();
        let create = mock!(aws_sdk_cloudformation::Client::create_change_set)
            .then_output(|| CreateChangeSetOutput::builder().id("cs").build());
        let describe_set = mock!(aws_sdk_cloudformation::Client::describe_change_set)
            .then_output(|| described(vec![change("UserPool", "AWS::Cognito::UserPool", ChangeAction::Add, None)]));
        let execute_set = mock!(aws_sdk_cloudformation::Client::execute_change_set)
            .then_output(|| ExecuteChangeSetOutput::builder().build());
        // Before the change, the new stack has no events; then its root's terminal one.
        let events = mock!(aws_sdk_cloudformation::Client::describe_stack_events)
            .sequence()
            .error(|| {
                aws_sdk_cloudformation::operation::describe_stack_events::DescribeStackEventsError::generic(
                    ErrorMetadata::builder().code("ValidationError").message("Stack does not exist").build(),
                )
            })
            .output(created)
            .build();
        let cfn = mock_client!(
            aws_sdk_cloudformation,
            RuleMode::MatchAny,
            [&describe, &create, &describe_set, &execute_set, &events]
        );
        let mut report = Recorder::new(Answer::Yes);
        let result = aws::deploy_artifact(
            &options(&config, &env, &dir, Execute::Ask),
            &artifact(&dir),
            &clients(cfn),
            &mut report,
        )
        .await;
        assert_eq!(execute_set.num_calls(), 1);
        if outputs.len() < 4 {
            let err = result.unwrap_err();
            let aws::Error::MissingOutput(missing) = &err else { panic!("{err:?}") };
            assert_eq!((missing.stack.as_str(), missing.name), (STACK, "Endpoint"));
            assert!(!dir.join("outputs").exists(), "no file with an empty endpoint");
        } else {
            let Ok(Deployment::Deployed(deployed)) = result else { panic!("{result:?}") };
            assert_eq!(deployed.outputs.user_pool_id, "eu-west-1_abc");
            assert_eq!(deployed.files.len(), 4);
            assert_eq!(deployed.function, "shop-dev-admin-queries", "the function was waited for");
            let written = std::fs::read_to_string(dir.join("outputs/amplifyconfiguration.json")).unwrap();
            assert!(written.contains("client123") && written.contains("eu-west-1_abc"), "{written}");
        }
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The credentials are checked with one STS call before anything is built: a refusal, or an STS that cannot be
/// reached, is one line that names the region and the credentials tried, with a `help:` line, never the SDK's
/// nested rendering.
#[tokio::test]
async fn bad_credentials_fail_fast_before_the_build_in_one_line() {
    let refused = mock!(aws_sdk_sts::Client::get_caller_identity).then_error(|| {
        aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError::generic(
            aws_sdk_sts::error::ErrorMetadata::builder()
                .code("InvalidClientTokenId")
                .message("The security token included in the request is invalid.")
                .build(),
        )
    });
    let unreachable = aws_sdk_sts::Client::from_conf(
        aws_sdk_sts::Config::builder()
            .behavior_version(aws_sdk_sts::config::BehaviorVersion::latest())
            .region(aws_sdk_sts::config::Region::new("eu-west-1"))
            .endpoint_url("http://127.0.0.1:9")
            .credentials_provider(aws_sdk_sts::config::Credentials::new("a", "b", None, None, "test"))
            .build(),
    );
    let cases = [
        (mock_client!(aws_sdk_sts, RuleMode::MatchAny, [&refused]), "InvalidClientTokenId: The security token"),
        (unreachable, "eu-west-1"),
    ];
    for (sts, expected) in cases {
        let mut clients = clients(mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, []));
        clients.sts = sts;
        let config = config();
        let env = config.environment("dev", "admin-queries.toml").unwrap();
        let dir = test_support::temp_dir("credentials");
        let mut report = Recorder::new(Answer::Yes);
        // The workspace in `options` holds no crate: had the build run first, this would be a build error.
        let err = aws::deploy(&options(&config, &env, &dir, Execute::Yes), &clients, &mut report).await.unwrap_err();
        let text = err.to_string();
        println!("{text}");
        assert!(matches!(err, aws::Error::Credentials { .. }), "{err:?}");
        assert!(text.contains(expected), "{text}");
        let (message, help) = text.split_once("\nhelp: ").unwrap();
        assert!(!message.contains('\n') && message.len() < 300 && !message.contains("{ "), "one line: {message}");
        assert!(help.contains("AWS_PROFILE"), "{help}");
        assert!(report.said.is_empty(), "nothing was built or said: {:?}", report.said);
        assert_eq!(err.failure(), deploy::failure::Failure::Remote);
    }
}
