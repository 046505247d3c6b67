//! The CloudFormation deployer: always a change set with an explicit type, a plan before anything happens, a guard
//! that refuses to replace or remove the user pool, its groups or the app client, stack events streamed while a
//! change runs, and the standard recovery for stuck stacks where it is safe.
//!
//! - [`plan`]: the change set, described as the plan; the guard.
//! - [`states`]: the stack's states: waiting for a running operation, recovering or refusing the stuck ones.
//! - [`events`]: the stack's events, followed to the root stack's terminal event.

use std::time::Duration;

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

mod events;
mod plan;
mod states;

pub use events::Report;
pub use plan::{Change, plan_table};

#[derive(Debug, thiserror::Error)]
pub enum DeployError {
    #[error("CloudFormation {operation} failed: {message}")]
    Aws { operation: &'static str, message: String },
    #[error(
        "refusing to deploy: this change would {what}, and with it every user of the pool\n{details}\nThe change set was deleted; nothing was changed.\nhelp: if losing them is really intended, deploy again with --replace-user-pool-and-lose-its-users"
    )]
    Destructive { what: String, details: String },
    #[error("the change set failed: {0}")]
    ChangeSetFailed(String),
    #[error("the stack {stack} is {status}: {help}")]
    Stuck { stack: String, status: String, help: String },
    #[error(
        "the deployment failed and CloudFormation rolled it back ({status}); the first failure: {first_failure}{}",
        failure_help(first_failure)
    )]
    Failed { status: String, first_failure: String },
    #[error("the stack {stack} is still {status} after {waited:?}; wait for it, then run this again")]
    StillBusy { stack: String, status: String, waited: Duration },
}

impl DeployError {
    /// What to do about it, in one line.
    pub fn help(&self) -> String {
        match self {
            Self::Aws { .. } => {
                "check that the credentials may use CloudFormation in this region; the message is AWS's".into()
            }
            Self::Destructive { .. } => {
                "if losing them is really intended, deploy again with --replace-user-pool-and-lose-its-users".into()
            }
            Self::ChangeSetFailed(_) => "the reason is CloudFormation's: fix what it names, then deploy again".into(),
            Self::Stuck { help, .. } => help.clone(),
            Self::Failed { first_failure, .. } => match failure_help(first_failure).strip_prefix("\nhelp: ") {
                Some(help) => help.to_owned(),
                None => "fix the first failure (the stack events above show it), then deploy again".into(),
            },
            Self::StillBusy { .. } => "wait for the stack's operation to finish, then run this again".into(),
        }
    }
}

/// What to do about the failures a setting of the config can cause, as a `help:` line.
pub fn failure_help(failure: &str) -> String {
    let help = if failure.contains("CloudWatch Logs role ARN must be set in account settings") {
        "api.access_logs needs API Gateway's CloudWatch role, set once per account and region (it is not part of \
         this stack, since one role serves every API of the account): create a role that apigateway.amazonaws.com \
         may assume, with the managed policy AmazonAPIGatewayPushToCloudWatchLogs, then `aws apigateway \
         update-account --patch-operations op=replace,path=/cloudwatchRoleArn,value=<role ARN>`; or set \
         api.access_logs = false"
    } else if failure.contains("ReservedConcurrentExecutions") || failure.contains("UnreservedConcurrentExecution") {
        "lambda.reserved_concurrency takes instances from the account's pool, which must keep a minimum unreserved: \
         reserve fewer, ask AWS for a higher concurrency quota, or remove the key"
    } else {
        return String::new();
    };
    format!("\nhelp: {help}")
}

fn aws<E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static, R: std::fmt::Debug>(
    operation: &'static str,
) -> impl Fn(SdkError<E, R>) -> DeployError {
    move |e| DeployError::Aws { operation, message: DisplayErrorContext(&e).to_string() }
}

fn message_of<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> Option<&str> {
    error.as_service_error().and_then(ProvideErrorMetadata::message)
}

/// CloudFormation's answer for a stack name that does not resolve.
fn is_missing<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> bool {
    message_of(error).is_some_and(|m| m.contains("does not exist"))
}

/// A prepared change set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Prepared {
    NoChanges,
    Changes { change_set: String, changes: Vec<Change> },
}

/// What a deletion did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Deleted {
    NothingToDelete,
    Deleted { retained: Vec<String> },
}

/// Talks to CloudFormation for one stack.
#[derive(Debug, Clone)]
pub struct Deployer {
    cfn: Client,
    stack: String,
    /// How often to poll; short in tests.
    pub poll: Duration,
    /// How long to wait for an operation that was already running.
    pub wait_for_busy: Duration,
    /// How long a change or a deletion may take before the deployer stops following it.
    pub max_operation: Duration,
}

impl Deployer {
    pub fn new(cfn: Client, stack: impl Into<String>) -> Self {
        Self {
            cfn,
            stack: stack.into(),
            poll: Duration::from_secs(3),
            wait_for_busy: Duration::from_secs(600),
            max_operation: Duration::from_secs(3600),
        }
    }

    /// The stack's status, `None` when there is no such stack.
    pub async fn status(&self) -> Result<Option<String>, DeployError> {
        match self.cfn.describe_stacks().stack_name(&self.stack).send().await {
            Ok(out) => Ok(out.stacks().first().and_then(|s| s.stack_status()).map(|s| s.as_str().to_owned())),
            Err(e) if is_missing(&e) => Ok(None),
            Err(e) => Err(aws("DescribeStacks")(e)),
        }
    }

    /// The stack's outputs.
    pub async fn outputs(&self) -> Result<Vec<(String, String)>, DeployError> {
        let out = self.cfn.describe_stacks().stack_name(&self.stack).send().await.map_err(aws("DescribeStacks"))?;
        let stack = out.stacks().first();
        Ok(stack
            .map(|s| {
                s.outputs()
                    .iter()
                    .filter_map(|o| Some((o.output_key()?.to_owned(), o.output_value()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default())
    }

    pub async fn delete_change_set(&self, name: &str) -> Result<(), DeployError> {
        self.cfn
            .delete_change_set()
            .stack_name(&self.stack)
            .change_set_name(name)
            .send()
            .await
            .map_err(aws("DeleteChangeSet"))?;
        Ok(())
    }

    /// Executes a prepared change set and follows it to the end.
    pub async fn execute(
        &self,
        change_set: &str,
        total: usize,
        report: &mut dyn FnMut(Report),
    ) -> Result<(), DeployError> {
        let since = self.latest_event_time().await?;
        self.cfn
            .execute_change_set()
            .stack_name(&self.stack)
            .change_set_name(change_set)
            .send()
            .await
            .map_err(aws("ExecuteChangeSet"))?;
        let (status, first_failure) = self.follow(since, total, report).await?;
        if matches!(status.as_str(), "CREATE_COMPLETE" | "UPDATE_COMPLETE" | "IMPORT_COMPLETE") {
            Ok(())
        } else {
            Err(DeployError::Failed {
                status,
                first_failure: first_failure.unwrap_or_else(|| "no resource reported a reason".into()),
            })
        }
    }

    /// Deletes the stack. Resources that fail to delete are retained on a second attempt and named.
    pub async fn delete(&self, report: &mut dyn FnMut(Report)) -> Result<Deleted, DeployError> {
        if self.settle(report).await?.is_none() {
            return Ok(Deleted::NothingToDelete);
        }
        let since = self.latest_event_time().await?;
        self.cfn.delete_stack().stack_name(&self.stack).send().await.map_err(aws("DeleteStack"))?;
        let (status, _) = self.follow(since, 0, report).await?;
        if status != "DELETE_FAILED" {
            return Ok(Deleted::Deleted { retained: Vec::new() });
        }
        // Retry, keeping what could not be deleted.
        let events = self
            .cfn
            .describe_stack_events()
            .stack_name(&self.stack)
            .send()
            .await
            .map_err(aws("DescribeStackEvents"))?;
        let mut failed: Vec<String> = events
            .stack_events()
            .iter()
            .filter(|e| {
                e.resource_status().map(|s| s.as_str()) == Some("DELETE_FAILED")
                    && e.logical_resource_id() != Some(self.stack.as_str())
            })
            .filter_map(|e| e.logical_resource_id().map(str::to_owned))
            .collect();
        failed.sort();
        failed.dedup();
        report(Report::Line(format!("Deleting again, retaining what could not be deleted: {}", failed.join(", "))));
        let since = self.latest_event_time().await?;
        self.cfn
            .delete_stack()
            .stack_name(&self.stack)
            .set_retain_resources(Some(failed.clone()))
            .send()
            .await
            .map_err(aws("DeleteStack"))?;
        let (status, failure) = self.follow(since, 0, report).await?;
        if status == "DELETE_COMPLETE" {
            Ok(Deleted::Deleted { retained: failed })
        } else {
            Err(DeployError::Failed {
                status,
                first_failure: failure.unwrap_or_else(|| "no resource reported a reason".into()),
            })
        }
    }
}

#[cfg(test)]
mod help_tests {
    use super::*;

    #[test]
    fn a_failure_a_setting_causes_says_what_to_do() {
        let err = DeployError::Failed {
            status: "UPDATE_ROLLBACK_COMPLETE".into(),
            first_failure: "Stage (AWS::ApiGateway::Stage): CloudWatch Logs role ARN must be set in account settings to enable logging (Service: ApiGateway, Status Code: 400)".into(),
        };
        let text = err.to_string();
        assert!(text.contains("help: api.access_logs needs API Gateway's CloudWatch role"), "{text}");
        assert!(text.contains("AmazonAPIGatewayPushToCloudWatchLogs") && text.contains("cloudwatchRoleArn"), "{text}");
        let other =
            DeployError::Failed { status: "ROLLBACK_COMPLETE".into(), first_failure: "Function: bad zip".into() };
        assert!(!other.to_string().contains("help:"));
    }
}
