//! The deployer against moto's CloudFormation, for what moto really does: create, describe the change set, update,
//! no change, outputs, delete. moto skips Cognito resources, so the template here uses types it implements; the
//! engine code is the same.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use aws_sdk_cloudformation::Client;
use deploy::cloudformation::{Deleted, Deployer, Prepared, Report, plan_table};

fn moto() -> Client {
    Client::new(&test_support::moto_config(&test_support::moto_endpoint(), test_support::REGION))
}

fn template(queues: &[&str]) -> String {
    let mut resources = String::new();
    let mut outputs = String::new();
    for q in queues {
        resources.push_str(&format!("  {q}:\n    Type: AWS::SQS::Queue\n    Properties:\n      QueueName: {{ 'Fn::Sub': '${{AWS::StackName}}-{q}' }}\n"));
        outputs.push_str(&format!("  {q}Url:\n    Value: {{ Ref: {q} }}\n"));
    }
    format!(
        "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Label:\n    Type: String\nResources:\n{resources}  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      DisplayName: {{ Ref: Label }}\nOutputs:\n{outputs}  TopicArn:\n    Value: {{ Ref: Topic }}\n"
    )
}

fn deployer(stack: &str) -> Deployer {
    let mut deployer = Deployer::new(moto(), stack);
    deployer.poll = Duration::from_millis(100);
    deployer
}

async fn deploy(deployer: &Deployer, template: &str, lines: &mut Vec<String>) -> Prepared {
    let mut report = |r: Report| {
        if let Report::Line(l) = r {
            lines.push(l);
        }
    };
    let prepared = deployer.prepare(template, &[("Label", "admin")], false, false, &mut report).await.unwrap();
    if let Prepared::Changes { change_set, changes } = &prepared {
        deployer.execute(change_set, changes.len(), &mut report).await.unwrap();
    }
    prepared
}

#[tokio::test]
async fn create_update_no_change_outputs_and_delete() {
    let stack = test_support::unique("deployer-test");
    let deployer = deployer(&stack);
    assert_eq!(deployer.status().await.unwrap(), None);
    let mut lines = Vec::new();

    // Create.
    let Prepared::Changes { changes, .. } = deploy(&deployer, &template(&["Jobs"]), &mut lines).await else {
        panic!("expected a create")
    };
    let mut added: Vec<(&str, &str, &str)> =
        changes.iter().map(|c| (c.action.as_str(), c.logical_id.as_str(), c.resource_type.as_str())).collect();
    added.sort();
    assert_eq!(added, vec![("Add", "Jobs", "AWS::SQS::Queue"), ("Add", "Topic", "AWS::SNS::Topic")]);
    let table = plan_table(&changes);
    assert!(table.lines().next().unwrap().starts_with("Action"), "{table}");
    assert_eq!(deployer.status().await.unwrap().as_deref(), Some("CREATE_COMPLETE"));

    // The same template again: no changes.
    assert_eq!(deploy(&deployer, &template(&["Jobs"]), &mut lines).await, Prepared::NoChanges);

    // Update: one more queue.
    let Prepared::Changes { changes, .. } = deploy(&deployer, &template(&["Jobs", "Mail"]), &mut lines).await else {
        panic!("expected an update")
    };
    assert!(changes.iter().any(|c| c.action == "Add" && c.logical_id == "Mail"), "{changes:?}");
    assert_eq!(deployer.status().await.unwrap().as_deref(), Some("UPDATE_COMPLETE"));
    assert!(lines.iter().any(|l| l.contains("UPDATE_COMPLETE")), "events were streamed: {lines:?}");

    // Delete, then nothing left to delete.
    assert_eq!(deployer.delete(&mut |_| {}).await.unwrap(), Deleted::Deleted { retained: Vec::new() });
    assert_eq!(deployer.status().await.unwrap(), None);
    assert_eq!(deployer.delete(&mut |_| {}).await.unwrap(), Deleted::NothingToDelete);
}

/// moto fills in a stack's outputs only for stacks made with CreateStack (not through change sets), so the
/// outputs are read from one made that way.
#[tokio::test]
async fn outputs_are_read_from_the_stack() {
    let stack = test_support::unique("outputs-test");
    let client = moto();
    client
        .create_stack()
        .stack_name(&stack)
        .template_body(template(&["Jobs"]))
        .parameters(
            aws_sdk_cloudformation::types::Parameter::builder().parameter_key("Label").parameter_value("x").build(),
        )
        .send()
        .await
        .unwrap();
    let deployer = deployer(&stack);
    let outputs = deployer.outputs().await.unwrap();
    assert!(outputs.iter().any(|(k, v)| k == "JobsUrl" && v.contains(&format!("{stack}-Jobs"))), "{outputs:?}");
    assert!(outputs.iter().any(|(k, v)| k == "TopicArn" && v.starts_with("arn:aws:sns:")), "{outputs:?}");
    deployer.delete(&mut |_| {}).await.unwrap();
}
