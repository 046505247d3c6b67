//! The deployer in the states moto cannot produce, with the AWS SDK's own mocking utilities (aws-smithy-mocks):
//! the SDK parses nothing here, but every call goes through the real client and the deployer's real logic.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::operation::create_change_set::CreateChangeSetOutput;
use aws_sdk_cloudformation::operation::delete_change_set::DeleteChangeSetOutput;
use aws_sdk_cloudformation::operation::delete_stack::DeleteStackOutput;
use aws_sdk_cloudformation::operation::describe_change_set::DescribeChangeSetOutput;
use aws_sdk_cloudformation::operation::describe_stack_events::DescribeStackEventsOutput;
use aws_sdk_cloudformation::operation::describe_stacks::{DescribeStacksError, DescribeStacksOutput};
use aws_sdk_cloudformation::operation::execute_change_set::ExecuteChangeSetOutput;
use aws_sdk_cloudformation::types::{
    Change, ChangeAction, ChangeSetStatus, ChangeSetType, Replacement, RequiresRecreation, ResourceChange,
    ResourceChangeDetail, ResourceStatus, ResourceTargetDefinition, Stack, StackEvent, StackStatus,
};
mod common;

use aws_smithy_mocks::{RuleMode, mock, mock_client};
use aws_smithy_types::DateTime;
use deploy::cloudformation::{Deleted, DeployError, Deployer, Prepared, Report};

const STACK: &str = "myapp-dev";

fn stack(status: StackStatus) -> DescribeStacksOutput {
    DescribeStacksOutput::builder()
        .stacks(Stack::builder().stack_name(STACK).stack_status(status).creation_time(DateTime::from_secs(1)).build())
        .build()
}

fn no_stack() -> DescribeStacksError {
    common::no_stack(STACK)
}

fn event(n: i64, id: &str, kind: &str, status: ResourceStatus, reason: &str) -> StackEvent {
    StackEvent::builder()
        .stack_id("arn:aws:cloudformation:eu-west-1:1:stack/myapp-dev/1")
        .stack_name(STACK)
        .event_id(format!("event-{n}"))
        .logical_resource_id(id)
        .resource_type(kind)
        .resource_status(status)
        .resource_status_reason(reason)
        .timestamp(DateTime::from_secs(1_000 + n))
        .build()
}

fn events(list: Vec<StackEvent>) -> DescribeStackEventsOutput {
    // CloudFormation lists the newest first.
    let mut list = list;
    list.reverse();
    DescribeStackEventsOutput::builder().set_stack_events(Some(list)).build()
}

fn pool_replacement() -> DescribeChangeSetOutput {
    let detail = ResourceChangeDetail::builder()
        .target(
            ResourceTargetDefinition::builder()
                .attribute(aws_sdk_cloudformation::types::ResourceAttribute::Properties)
                .name("UsernameAttributes")
                .requires_recreation(RequiresRecreation::Always)
                .build(),
        )
        .build();
    let change = |id: &str, kind: &str, replacement: Replacement| {
        Change::builder()
            .resource_change(
                ResourceChange::builder()
                    .action(ChangeAction::Modify)
                    .logical_resource_id(id)
                    .resource_type(kind)
                    .replacement(replacement)
                    .details(detail.clone())
                    .build(),
            )
            .build()
    };
    DescribeChangeSetOutput::builder()
        .status(ChangeSetStatus::CreateComplete)
        .changes(change("UserPool", "AWS::Cognito::UserPool", Replacement::True))
        .changes(change("Function", "AWS::Lambda::Function", Replacement::False))
        .build()
}

fn deployer(client: Client) -> Deployer {
    let mut deployer = Deployer::new(client, STACK);
    deployer.poll = Duration::from_millis(1);
    deployer.wait_for_busy = Duration::from_millis(50);
    deployer.max_operation = Duration::from_secs(5);
    deployer
}

fn quiet() -> impl FnMut(Report) {
    |_| {}
}

#[tokio::test]
async fn a_change_set_that_replaces_the_pool_is_refused_and_deleted() {
    let describe = mock!(Client::describe_stacks).then_output(|| stack(StackStatus::UpdateComplete));
    let create = mock!(Client::create_change_set)
        .match_requests(|r| r.change_set_type() == Some(&ChangeSetType::Update))
        .then_output(|| CreateChangeSetOutput::builder().id("cs").build());
    let describe_set = mock!(Client::describe_change_set).then_output(pool_replacement);
    let delete_set = mock!(Client::delete_change_set).then_output(|| DeleteChangeSetOutput::builder().build());
    let execute = mock!(Client::execute_change_set).then_output(|| ExecuteChangeSetOutput::builder().build());
    let client = mock_client!(
        aws_sdk_cloudformation,
        RuleMode::MatchAny,
        [&describe, &create, &describe_set, &delete_set, &execute]
    );

    let err = deployer(client).prepare("{}", &[], false, false, &mut quiet()).await.unwrap_err();
    let message = err.to_string();
    assert!(matches!(err, DeployError::Destructive { .. }), "{message}");
    assert!(message.contains("UserPool") && message.contains("AWS::Cognito::UserPool"), "{message}");
    assert!(message.contains("UsernameAttributes"), "names the property that forces it: {message}");
    assert!(message.contains("--replace-user-pool-and-lose-its-users"), "{message}");
    assert!(!message.contains("Function ("), "only the guarded resource is named: {message}");
    assert_eq!(delete_set.num_calls(), 1, "the refused change set is deleted");
    assert_eq!(execute.num_calls(), 0);
}

#[tokio::test]
async fn the_loud_override_lets_a_pool_replacement_through() {
    let describe = mock!(Client::describe_stacks).then_output(|| stack(StackStatus::UpdateComplete));
    let create = mock!(Client::create_change_set).then_output(|| CreateChangeSetOutput::builder().id("cs").build());
    let describe_set = mock!(Client::describe_change_set).then_output(pool_replacement);
    let client = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&describe, &create, &describe_set]);
    let prepared = deployer(client).prepare("{}", &[], false, true, &mut quiet()).await.unwrap();
    let Prepared::Changes { changes, .. } = prepared else { panic!("expected changes") };
    assert!(changes.iter().any(|c| c.logical_id == "UserPool" && c.replacement == "True"));
    let table = deploy::cloudformation::plan_table(&changes);
    eprintln!("{table}");
    assert!(table.lines().nth(2).unwrap().starts_with("Modify  UserPool    AWS::Cognito::UserPool  True"), "{table}");
}

#[tokio::test]
async fn an_empty_change_set_is_no_changes_and_is_deleted() {
    let describe = mock!(Client::describe_stacks).then_output(|| stack(StackStatus::UpdateComplete));
    let create = mock!(Client::create_change_set).then_output(|| CreateChangeSetOutput::builder().id("cs").build());
    let describe_set = mock!(Client::describe_change_set).then_output(|| {
        DescribeChangeSetOutput::builder()
            .status(ChangeSetStatus::Failed)
            .status_reason("The submitted information didn't contain changes. Submit different information to create a change set.")
            .build()
    });
    let delete_set = mock!(Client::delete_change_set).then_output(|| DeleteChangeSetOutput::builder().build());
    let client =
        mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&describe, &create, &describe_set, &delete_set]);
    let prepared = deployer(client).prepare("{}", &[], false, false, &mut quiet()).await.unwrap();
    assert_eq!(prepared, Prepared::NoChanges);
    assert_eq!(delete_set.num_calls(), 1);
}

#[tokio::test]
async fn a_missing_stack_is_created_with_an_explicit_type() {
    let describe = mock!(Client::describe_stacks).then_error(no_stack);
    let create = mock!(Client::create_change_set)
        .match_requests(|r| r.change_set_type() == Some(&ChangeSetType::Create))
        .then_output(|| CreateChangeSetOutput::builder().id("cs").build());
    let describe_set = mock!(Client::describe_change_set).then_output(|| {
        let add = ResourceChange::builder()
            .action(ChangeAction::Add)
            .logical_resource_id("UserPool")
            .resource_type("AWS::Cognito::UserPool")
            .build();
        DescribeChangeSetOutput::builder()
            .status(ChangeSetStatus::CreateComplete)
            .changes(Change::builder().resource_change(add).build())
            .build()
    });
    let client = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&describe, &create, &describe_set]);
    let prepared = deployer(client).prepare("{}", &[], true, false, &mut quiet()).await.unwrap();
    assert!(matches!(prepared, Prepared::Changes { .. }), "adding a pool is no danger");
    assert_eq!(create.num_calls(), 1, "CREATE was asked for explicitly");
}

#[tokio::test]
async fn rollback_complete_is_deleted_and_created_again() {
    let describe = mock!(Client::describe_stacks)
        .sequence()
        .output(|| stack(StackStatus::RollbackComplete))
        .times(2)
        .error(no_stack)
        .repeatedly()
        .build();
    let delete = mock!(Client::delete_stack).then_output(|| DeleteStackOutput::builder().build());
    let stack_events = mock!(Client::describe_stack_events)
        .sequence()
        .output(|| events(vec![event(0, STACK, "AWS::CloudFormation::Stack", ResourceStatus::RollbackComplete, "")]))
        .output(|| {
            events(vec![
                event(0, STACK, "AWS::CloudFormation::Stack", ResourceStatus::RollbackComplete, ""),
                event(1, STACK, "AWS::CloudFormation::Stack", ResourceStatus::DeleteComplete, ""),
            ])
        })
        .repeatedly()
        .build();
    let create = mock!(Client::create_change_set)
        .match_requests(|r| r.change_set_type() == Some(&ChangeSetType::Create))
        .then_output(|| CreateChangeSetOutput::builder().id("cs").build());
    let describe_set = mock!(Client::describe_change_set).then_output(|| {
        DescribeChangeSetOutput::builder()
            .status(ChangeSetStatus::Failed)
            .status_reason("The submitted information didn't contain changes.")
            .build()
    });
    let delete_set = mock!(Client::delete_change_set).then_output(|| DeleteChangeSetOutput::builder().build());
    let client = mock_client!(
        aws_sdk_cloudformation,
        RuleMode::MatchAny,
        [&describe, &delete, &stack_events, &create, &describe_set, &delete_set]
    );
    let mut lines = Vec::new();
    deployer(client).prepare("{}", &[], false, false, &mut |r| lines.push(r)).await.unwrap();
    assert_eq!(delete.num_calls(), 1, "the failed first create was deleted");
    assert_eq!(create.num_calls(), 1, "then created with ChangeSetType CREATE");
    assert!(lines.iter().any(|r| matches!(r, Report::Line(l) if l.contains("ROLLBACK_COMPLETE"))), "{lines:?}");
}

#[tokio::test]
async fn rollback_complete_with_a_retained_pool_is_explained_not_deleted() {
    let describe = mock!(Client::describe_stacks).then_output(|| stack(StackStatus::RollbackComplete));
    let delete = mock!(Client::delete_stack).then_output(|| DeleteStackOutput::builder().build());
    let client = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&describe, &delete]);
    let err = deployer(client).prepare("{}", &[], true, false, &mut quiet()).await.unwrap_err();
    assert!(matches!(&err, DeployError::Stuck { status, .. } if status == "ROLLBACK_COMPLETE"), "{err}");
    assert!(err.to_string().contains("retained pool"), "{err}");
    assert_eq!(delete.num_calls(), 0);
}

#[tokio::test]
async fn update_rollback_failed_explains_continue_update_rollback() {
    let describe = mock!(Client::describe_stacks).then_output(|| stack(StackStatus::UpdateRollbackFailed));
    let create = mock!(Client::create_change_set).then_output(|| CreateChangeSetOutput::builder().build());
    let client = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&describe, &create]);
    let err = deployer(client).prepare("{}", &[], false, false, &mut quiet()).await.unwrap_err();
    assert!(err.to_string().contains("continue-update-rollback"), "{err}");
    assert_eq!(create.num_calls(), 0, "nothing is attempted on a stuck stack");
}

#[tokio::test]
async fn an_operation_in_progress_is_waited_for_then_explained() {
    let describe = mock!(Client::describe_stacks).then_output(|| stack(StackStatus::UpdateInProgress));
    let client = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&describe]);
    let mut lines = Vec::new();
    let err = deployer(client).prepare("{}", &[], false, false, &mut |r| lines.push(r)).await.unwrap_err();
    assert!(matches!(&err, DeployError::StillBusy { status, .. } if status == "UPDATE_IN_PROGRESS"), "{err}");
    assert!(lines.iter().any(|r| matches!(r, Report::Line(l) if l.contains("waiting"))), "{lines:?}");
}

#[tokio::test]
async fn a_failed_change_names_the_first_failed_resource_and_its_reason() {
    let before = mock!(Client::describe_stack_events)
        .sequence()
        .output(|| events(vec![event(0, STACK, "AWS::CloudFormation::Stack", ResourceStatus::UpdateComplete, "")]))
        .output(|| {
            events(vec![
                event(0, STACK, "AWS::CloudFormation::Stack", ResourceStatus::UpdateComplete, ""),
                event(1, STACK, "AWS::CloudFormation::Stack", ResourceStatus::UpdateInProgress, "User Initiated"),
                event(
                    2,
                    "Function",
                    "AWS::Lambda::Function",
                    ResourceStatus::UpdateFailed,
                    "Resource handler returned message: \"Memory size 100 is invalid\"",
                ),
                event(3, "Api", "AWS::ApiGateway::RestApi", ResourceStatus::UpdateFailed, "Resource update cancelled"),
                event(4, STACK, "AWS::CloudFormation::Stack", ResourceStatus::UpdateRollbackComplete, ""),
            ])
        })
        .repeatedly()
        .build();
    let execute = mock!(Client::execute_change_set).then_output(|| ExecuteChangeSetOutput::builder().build());
    let client = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&before, &execute]);
    let mut lines = Vec::new();
    let err = deployer(client).execute("cs", 2, &mut |r| lines.push(r)).await.unwrap_err();
    let DeployError::Failed { status, first_failure } = &err else { panic!("{err}") };
    assert_eq!(status, "UPDATE_ROLLBACK_COMPLETE");
    assert!(
        first_failure.starts_with("Function (AWS::Lambda::Function)") && first_failure.contains("Memory size 100"),
        "{first_failure}"
    );
    let printed = lines.iter().filter(|r| matches!(r, Report::Line(_))).count();
    assert_eq!(printed, 4, "each new event once, none from before the change: {lines:?}");
}

#[tokio::test]
async fn delete_failed_is_retried_retaining_what_failed() {
    let describe = mock!(Client::describe_stacks).then_output(|| stack(StackStatus::UpdateComplete));
    let first_delete = mock!(Client::delete_stack)
        .match_requests(|r| r.retain_resources().is_empty())
        .then_output(|| DeleteStackOutput::builder().build());
    let retry = mock!(Client::delete_stack)
        .match_requests(|r| r.retain_resources() == ["GroupAdmins".to_owned()])
        .then_output(|| DeleteStackOutput::builder().build());
    let failed = vec![
        event(1, STACK, "AWS::CloudFormation::Stack", ResourceStatus::DeleteInProgress, ""),
        event(2, "GroupAdmins", "AWS::Cognito::UserPoolGroup", ResourceStatus::DeleteFailed, "Access denied"),
        event(3, STACK, "AWS::CloudFormation::Stack", ResourceStatus::DeleteFailed, ""),
    ];
    let mut done = failed.clone();
    done.push(event(4, STACK, "AWS::CloudFormation::Stack", ResourceStatus::DeleteComplete, ""));
    let stack_events = mock!(Client::describe_stack_events)
        .sequence()
        .output(|| events(Vec::new()))
        .output(move || events(failed.clone()))
        .times(3)
        .output(move || events(done.clone()))
        .repeatedly()
        .build();
    let client =
        mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&describe, &first_delete, &retry, &stack_events]);
    let deleted = deployer(client).delete(&mut quiet()).await.unwrap();
    assert_eq!(deleted, Deleted::Deleted { retained: vec!["GroupAdmins".to_owned()] });
    assert_eq!((first_delete.num_calls(), retry.num_calls()), (1, 1));
}

#[tokio::test]
async fn deleting_a_missing_stack_is_nothing_to_delete() {
    let describe = mock!(Client::describe_stacks).then_error(no_stack);
    let delete = mock!(Client::delete_stack).then_output(|| DeleteStackOutput::builder().build());
    let client = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&describe, &delete]);
    assert_eq!(deployer(client).delete(&mut quiet()).await.unwrap(), Deleted::NothingToDelete);
    assert_eq!(delete.num_calls(), 0);
}

#[tokio::test]
async fn events_that_never_finish_time_out_instead_of_hanging() {
    let stack_events = mock!(Client::describe_stack_events).then_output(|| {
        events(vec![event(0, STACK, "AWS::CloudFormation::Stack", ResourceStatus::UpdateInProgress, "")])
    });
    let execute = mock!(Client::execute_change_set).then_output(|| ExecuteChangeSetOutput::builder().build());
    let describe = mock!(Client::describe_stacks).then_output(|| stack(StackStatus::UpdateInProgress));
    let client = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&stack_events, &execute, &describe]);
    let mut deployer = deployer(client);
    deployer.max_operation = Duration::from_millis(100);
    let err = deployer.execute("cs", 1, &mut quiet()).await.unwrap_err();
    assert!(matches!(err, DeployError::StillBusy { .. }), "{err}");
}
