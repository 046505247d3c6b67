//! `deploy --hotswap` with the SDK's own mocks (aws-smithy-mocks), for the states moto never shows (an update in
//! progress, a failed one, a function that never gets ready) and the decisions around them: a code-only change goes
//! straight to Lambda and explains its drift; anything else falls back to the change set, saying why; a full deploy
//! puts back code a hotswap left behind. Every call goes through the real clients and `deploy`'s real logic.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use aws_sdk_cloudformation::error::ErrorMetadata;
use aws_sdk_cloudformation::operation::create_change_set::{CreateChangeSetError, CreateChangeSetOutput};
use aws_sdk_cloudformation::operation::delete_change_set::DeleteChangeSetOutput;
use aws_sdk_cloudformation::operation::describe_change_set::DescribeChangeSetOutput;
use aws_sdk_cloudformation::operation::get_template::GetTemplateOutput;
use aws_sdk_cloudformation::types::{Change, ChangeAction, ChangeSetStatus, ResourceChange, StackStatus};
use aws_sdk_lambda::operation::get_function_configuration::GetFunctionConfigurationOutput;
use aws_sdk_lambda::types::{LastUpdateStatus, LastUpdateStatusReasonCode, State};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use deploy::aws::{self, Deployment, Execute};
use deploy::hotswap::{self, Check, Function, HotswapError};
use deploy::report::{Answer, Recorder};
use serde_json::Value;

#[path = "../common/mod.rs"]
mod common;
mod support;

use common::options;
use support::*;

#[tokio::test]
async fn a_code_only_change_updates_the_function_waits_for_it_and_explains_the_drift() {
    let (config, dir) = (config(), test_support::temp_dir("hotswap-mocked-pending"));
    let env = config.environment("dev", "admin-queries.toml").unwrap();
    let (describe, get_template) = deployed(template(&config));
    let (create, execute) = change_set_rules();
    let cfn = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&describe, &get_template, &create, &execute]);
    // Ready with the old code; then the update in progress (Lambda's answer right after UpdateFunctionCode); then
    // done.
    let states = mock!(aws_sdk_lambda::Client::get_function_configuration)
        .sequence()
        .output(|| configuration(State::Active, LastUpdateStatus::Successful, OLD_CODE))
        .output(|| configuration(State::Active, LastUpdateStatus::InProgress, &new_code()))
        .output(|| configuration(State::Active, LastUpdateStatus::Successful, &new_code()))
        .build();
    let update = update_code();
    let lambda = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&states, &update]);
    let mut options = options(&config, &env, &dir, Execute::Yes);
    options.hotswap = true;
    let mut report = Recorder::new(Answer::Yes);
    let result = aws::deploy_artifact(&options, &artifact(&dir), &clients(cfn, lambda), &mut report).await;
    let said = report.said.join("\n");
    println!("{said}");
    let Ok(Deployment::Deployed(deployed)) = result else { panic!("{result:?}\n{said}") };
    assert!(deployed.hotswapped);
    assert_eq!(deployed.function, FUNCTION);
    assert_eq!((update.num_calls(), states.num_calls()), (1, 3), "updated once, polled until Successful");
    assert_eq!((create.num_calls(), execute.num_calls()), (0, 0), "no change set");
    let steps: Vec<&str> = deployed.timings.0.iter().map(|(step, _)| *step).collect();
    assert_eq!(steps, ["upload", "check", "update", "wait"]);
    assert!(said.contains(&format!("update the code of {FUNCTION} to s3://{}/{}", bucket(), new_key())), "{said}");
    assert!(said.contains(&format!("(the stack names {OLD_KEY})")), "{said}");
    assert_eq!(said.matches(hotswap::DRIFT).count(), 1, "the drift is explained once: {said}");
    assert!(
        said.contains("Hotswap: only the function's code can differ from the last full deploy")
            && said.contains("(waited "),
        "{said}"
    );
    assert_eq!(deployed.files.len(), 4, "the outputs files are written");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_failed_update_is_an_error_naming_lambdas_reason() {
    let (config, dir) = (config(), test_support::temp_dir("hotswap-mocked-failed"));
    let env = config.environment("dev", "admin-queries.toml").unwrap();
    let (describe, get_template) = deployed(template(&config));
    let cfn = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&describe, &get_template]);
    let states = mock!(aws_sdk_lambda::Client::get_function_configuration)
        .sequence()
        .output(|| configuration(State::Active, LastUpdateStatus::Successful, OLD_CODE))
        .output(|| {
            GetFunctionConfigurationOutput::builder()
                .state(State::Active)
                .last_update_status(LastUpdateStatus::Failed)
                .last_update_status_reason("Unzipped size must be smaller than 262144000 bytes")
                .last_update_status_reason_code(LastUpdateStatusReasonCode::InvalidZipFileException)
                .build()
        })
        .build();
    let update = update_code();
    let lambda = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&states, &update]);
    let mut options = options(&config, &env, &dir, Execute::Yes);
    options.hotswap = true;
    let mut report = Recorder::new(Answer::Yes);
    let err = aws::deploy_artifact(&options, &artifact(&dir), &clients(cfn, lambda), &mut report).await.unwrap_err();
    let text = err.to_string();
    assert!(matches!(&err, aws::Error::Hotswap(HotswapError::UpdateFailed { .. })), "{err:?}");
    assert_eq!(
        text,
        format!(
            "the update of the function {FUNCTION} failed: Unzipped size must be smaller than 262144000 bytes (InvalidZipFileException)"
        )
    );
    assert!(err.help().contains("without --hotswap"), "{}", err.help());
    assert_eq!(err.failure(), deploy::failure::Failure::Remote);
    assert!(!dir.join("outputs").exists(), "no outputs files after a failed update");
    assert!(!report.said.join("\n").contains(hotswap::DRIFT));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_function_that_never_gets_ready_is_a_timeout_naming_its_state_and_an_idle_one_is_settled() {
    let states = mock!(aws_sdk_lambda::Client::get_function_configuration)
        .then_output(|| configuration(State::Active, LastUpdateStatus::InProgress, OLD_CODE));
    let lambda = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&states]);
    let mut function = Function::new(lambda, FUNCTION);
    function.poll = Duration::from_millis(20);
    function.max_wait = Duration::from_millis(300);
    let err = function.wait_ready().await.unwrap_err();
    assert!(
        matches!(&err, HotswapError::NotReady { state, last_update, .. } if state == "Active" && last_update == "InProgress"),
        "{err:?}"
    );
    assert!(err.to_string().starts_with(&format!("the function {FUNCTION} is still not ready after 0s")), "{err}");
    assert!(states.num_calls() >= 3, "polled until the time was up: {}", states.num_calls());

    // A function idle long enough to be Inactive is settled: only an invocation or an update activates it.
    let idle = mock!(aws_sdk_lambda::Client::get_function_configuration)
        .then_output(|| configuration(State::Inactive, LastUpdateStatus::Successful, OLD_CODE));
    let function = Function::new(mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&idle]), FUNCTION);
    let state = function.wait_ready().await.unwrap();
    assert_eq!((state.state.as_str(), idle.num_calls()), ("Inactive", 1));
    assert!(state.describe().starts_with("inactive"), "{}", state.describe());

    // A function that cannot run at all is an error at once, with Lambda's reason.
    let failed = mock!(aws_sdk_lambda::Client::get_function_configuration).then_output(|| {
        GetFunctionConfigurationOutput::builder()
            .state(State::Failed)
            .state_reason("The function's role cannot be assumed")
            .build()
    });
    let function = Function::new(mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&failed]), FUNCTION);
    let err = function.wait_ready().await.unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("the function {FUNCTION} is in the state Failed: The function's role cannot be assumed")
    );
    assert_eq!(failed.num_calls(), 1);
}

#[tokio::test]
async fn the_function_already_running_this_code_is_left_alone() {
    let (config, dir) = (config(), test_support::temp_dir("hotswap-mocked-same"));
    let env = config.environment("dev", "admin-queries.toml").unwrap();
    let (describe, get_template) = deployed(template(&config));
    let cfn = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&describe, &get_template]);
    let states = mock!(aws_sdk_lambda::Client::get_function_configuration)
        .then_output(|| configuration(State::Active, LastUpdateStatus::Successful, &new_code()));
    let update = update_code();
    let lambda = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&states, &update]);
    let mut options = options(&config, &env, &dir, Execute::Ask);
    options.hotswap = true;
    let mut report = Recorder::new(Answer::CannotAsk);
    let result = aws::deploy_artifact(&options, &artifact(&dir), &clients(cfn, lambda), &mut report).await;
    let said = report.said.join("\n");
    let Ok(Deployment::Deployed(deployed)) = result else { panic!("{result:?}") };
    assert!(!deployed.hotswapped);
    assert_eq!(update.num_calls(), 0);
    assert!(said.contains(&format!("The function {FUNCTION} already runs this code; nothing to update")), "{said}");
    assert!(!said.contains("confirm:") && !said.contains(hotswap::DRIFT), "nothing to ask, no drift: {said}");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_plan_only_hotswap_shows_the_update_and_changes_nothing() {
    let (config, dir) = (config(), test_support::temp_dir("hotswap-mocked-plan"));
    let env = config.environment("dev", "admin-queries.toml").unwrap();
    let (describe, get_template) = deployed(template(&config));
    let cfn = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&describe, &get_template]);
    let states = mock!(aws_sdk_lambda::Client::get_function_configuration)
        .then_output(|| configuration(State::Active, LastUpdateStatus::Successful, OLD_CODE));
    let update = update_code();
    let lambda = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&states, &update]);
    let mut options = options(&config, &env, &dir, Execute::PlanOnly);
    options.hotswap = true;
    let mut report = Recorder::new(Answer::Yes);
    let result = aws::deploy_artifact(&options, &artifact(&dir), &clients(cfn, lambda), &mut report).await;
    assert!(matches!(result, Ok(Deployment::Planned)), "{result:?}");
    assert_eq!(update.num_calls(), 0);
    let said = report.said.join("\n");
    assert!(said.contains("update the code of") && said.contains("Plan only: nothing changed"), "{said}");
    assert!(!dir.join("outputs").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every reason to fall back, as [`hotswap::check`] words it.
#[tokio::test]
async fn anything_but_the_code_needs_the_change_set_and_says_which_change() {
    let config = config();
    let synthesized = template(&config);
    let mut changed: Value = serde_yaml_ng::from_str(&synthesized).unwrap();
    changed["Resources"]["Function"]["Properties"]["MemorySize"] = Value::from(1024);
    let older_template = serde_yaml_ng::to_string(&changed).unwrap();
    let parameters = [("CodeBucket", "assets"), ("CodeKey", "functions/new.zip")];
    let status_of = |status: StackStatus, bucket: &'static str| {
        mock!(aws_sdk_cloudformation::Client::describe_stacks)
            .then_output(move || stack(status.clone(), bucket, OLD_KEY))
    };
    let cases: Vec<(Rule, String, &str)> = vec![
        (
            mock!(aws_sdk_cloudformation::Client::describe_stacks).then_error(|| common::no_stack(STACK)),
            synthesized.clone(),
            "there is no stack shop-dev yet: its first deploy creates it",
        ),
        (
            status_of(StackStatus::UpdateRollbackFailed, "assets"),
            synthesized.clone(),
            "the stack shop-dev is UPDATE_ROLLBACK_FAILED, not in a completed state that a code update can start from",
        ),
        (
            status_of(StackStatus::RollbackComplete, "assets"),
            synthesized.clone(),
            "the stack shop-dev is ROLLBACK_COMPLETE, not in a completed state that a code update can start from",
        ),
        (
            status_of(StackStatus::UpdateComplete, "other-bucket"),
            synthesized.clone(),
            "the parameter CodeBucket differs: the stack has `other-bucket`, this deploy `assets`",
        ),
        (
            status_of(StackStatus::UpdateComplete, "assets"),
            older_template,
            "the resource Function differs from the deployed one at Properties.MemorySize",
        ),
    ];
    for (describe, deployed_template, expected) in cases {
        let get_template = mock!(aws_sdk_cloudformation::Client::get_template)
            .then_output(move || GetTemplateOutput::builder().template_body(deployed_template.clone()).build());
        let cfn = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&describe, &get_template]);
        let check = hotswap::check(&cfn, STACK, &synthesized, &parameters).await.unwrap();
        assert_eq!(check, Check::ChangeSet(expected.to_owned()));
    }

    // The same template and parameters, CodeKey aside: the code alone, and the function the stack names.
    let describe = status_of(StackStatus::UpdateRollbackComplete, "assets");
    let body = synthesized.clone();
    let get_template = mock!(aws_sdk_cloudformation::Client::get_template)
        .then_output(move || GetTemplateOutput::builder().template_body(body.clone()).build());
    let cfn = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&describe, &get_template]);
    let check = hotswap::check(&cfn, STACK, &synthesized, &parameters).await.unwrap();
    assert_eq!(check, Check::Code { function: FUNCTION.to_owned(), stack_code_key: OLD_KEY.to_owned() });
}

/// The fallback is the whole pipeline's: the reason said, then the change set and its plan.
#[tokio::test]
async fn a_fallback_says_why_and_plans_a_change_set() {
    let (config, dir) = (config(), test_support::temp_dir("hotswap-mocked-fallback"));
    let env = config.environment("dev", "admin-queries.toml").unwrap();
    let mut changed: Value = serde_yaml_ng::from_str(&template(&config)).unwrap();
    changed["Resources"]["Function"]["Properties"]["Timeout"] = Value::from(3);
    let (describe, get_template) = deployed(serde_yaml_ng::to_string(&changed).unwrap());
    let create = mock!(aws_sdk_cloudformation::Client::create_change_set)
        .then_output(|| CreateChangeSetOutput::builder().id("cs").build());
    let describe_set = mock!(aws_sdk_cloudformation::Client::describe_change_set).then_output(|| {
        let change = ResourceChange::builder()
            .action(ChangeAction::Modify)
            .logical_resource_id("Function")
            .resource_type("AWS::Lambda::Function")
            .build();
        DescribeChangeSetOutput::builder()
            .status(ChangeSetStatus::CreateComplete)
            .changes(Change::builder().resource_change(change).build())
            .build()
    });
    let delete_set = mock!(aws_sdk_cloudformation::Client::delete_change_set)
        .then_output(|| DeleteChangeSetOutput::builder().build());
    let cfn = mock_client!(
        aws_sdk_cloudformation,
        RuleMode::MatchAny,
        [&describe, &get_template, &create, &describe_set, &delete_set]
    );
    let update = update_code();
    let lambda = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&update]);
    let mut options = options(&config, &env, &dir, Execute::PlanOnly);
    options.hotswap = true;
    let mut report = Recorder::new(Answer::Yes);
    let result = aws::deploy_artifact(&options, &artifact(&dir), &clients(cfn, lambda), &mut report).await;
    assert!(matches!(result, Ok(Deployment::Planned)), "{result:?}");
    let said = report.said.join("\n");
    assert!(
        said.contains(
            "No hotswap: the resource Function differs from the deployed one at Properties.Timeout; deploying this build through a change set"
        ),
        "{said}"
    );
    assert!(said.contains("Modify  Function"), "the change set's plan: {said}");
    assert_eq!((create.num_calls(), delete_set.num_calls(), update.num_calls()), (1, 1, 0));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A full deploy whose change set has nothing to change, while the function runs the code a hotswap gave it: the
/// code the stack names is put back directly, then the deploy waits for the function as every deploy does.
#[tokio::test]
async fn a_full_deploy_reconciles_code_a_hotswap_left_behind() {
    let (config, dir) = (config(), test_support::temp_dir("hotswap-mocked-reconcile"));
    let env = config.environment("dev", "admin-queries.toml").unwrap();
    let key = new_key();
    let bucket = bucket();
    let describe = mock!(aws_sdk_cloudformation::Client::describe_stacks)
        .then_output(move || stack(StackStatus::UpdateComplete, &bucket, &key));
    let create = mock!(aws_sdk_cloudformation::Client::create_change_set).then_error(|| {
        CreateChangeSetError::generic(
            ErrorMetadata::builder().code("ValidationError").message("No updates are to be performed.").build(),
        )
    });
    let cfn = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&describe, &create]);
    let states = mock!(aws_sdk_lambda::Client::get_function_configuration)
        .sequence()
        .output(|| configuration(State::Active, LastUpdateStatus::Successful, OLD_CODE))
        .output(|| configuration(State::Active, LastUpdateStatus::InProgress, &new_code()))
        .output(|| configuration(State::Active, LastUpdateStatus::Successful, &new_code()))
        .build();
    let update = update_code();
    let lambda = mock_client!(aws_sdk_lambda, RuleMode::MatchAny, [&states, &update]);
    let mut report = Recorder::new(Answer::Yes);
    let result = aws::deploy_artifact(
        &options(&config, &env, &dir, Execute::Yes),
        &artifact(&dir),
        &clients(cfn, lambda),
        &mut report,
    )
    .await;
    let said = report.said.join("\n");
    let Ok(Deployment::Deployed(deployed)) = result else { panic!("{result:?}\n{said}") };
    assert!(!deployed.hotswapped);
    assert_eq!((update.num_calls(), states.num_calls()), (1, 3));
    assert!(said.contains("runs other code than the stack names (left by --hotswap): updating it to"), "{said}");
    let steps: Vec<&str> = deployed.timings.0.iter().map(|(step, _)| *step).collect();
    assert_eq!(steps, ["upload", "plan", "wait"]);
    std::fs::remove_dir_all(&dir).unwrap();
}
