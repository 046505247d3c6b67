//! The CloudFormation deployer: always a change set with an explicit type, a plan before anything happens, a guard
//! that refuses to replace or remove the user pool, its groups or the app client, stack events streamed while a
//! change runs, and the standard recovery for stuck stacks where it is safe.

use std::collections::HashSet;
use std::time::Duration;

use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use aws_sdk_cloudformation::types::{
    Capability, ChangeAction, ChangeSetStatus, ChangeSetType, Parameter, RequiresRecreation, StackStatus,
};
use aws_smithy_types::DateTime;

use crate::template::{APP_CLIENT, GROUP_PREFIX, USER_POOL};

/// One row of the plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub action: String,
    pub logical_id: String,
    pub resource_type: String,
    /// `True`, `False` or `Conditional` for a modification; empty otherwise.
    pub replacement: String,
    /// The properties whose change forces (or may force) a replacement.
    pub recreating: Vec<String>,
}

impl Change {
    fn guards_users(&self) -> bool {
        self.resource_type.starts_with("AWS::Cognito::")
            && (self.logical_id == USER_POOL
                || self.logical_id == APP_CLIENT
                || self.logical_id.starts_with(GROUP_PREFIX))
    }

    /// Whether this change would lose the users of the pool (or a group's memberships, or the clients' config).
    pub fn is_destructive(&self) -> bool {
        self.guards_users()
            && (self.action == "Remove"
                || (self.action == "Modify" && matches!(self.replacement.as_str(), "True" | "Conditional")))
    }
}

/// The plan, as a table for a person.
pub fn plan_table(changes: &[Change]) -> String {
    let headers = ["Action", "Logical id", "Type", "Replacement"];
    let rows: Vec<[String; 4]> = changes
        .iter()
        .map(|c| {
            [
                c.action.clone(),
                c.logical_id.clone(),
                c.resource_type.clone(),
                if c.replacement.is_empty() { "-".into() } else { c.replacement.clone() },
            ]
        })
        .collect();
    let widths: Vec<usize> =
        (0..4).map(|i| rows.iter().map(|r| r[i].len()).chain([headers[i].len()]).max().unwrap_or(0)).collect();
    let line = |cells: [&str; 4]| {
        let text: Vec<String> = cells.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
        text.join("  ").trim_end().to_owned()
    };
    let mut out = vec![line(headers), line(["------", "----------", "----", "-----------"])];
    out.extend(rows.iter().map(|r| line([&r[0], &r[1], &r[2], &r[3]])));
    out.join("\n")
}

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

/// What the deployer reports while it works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// A line for a person.
    Line(String),
    /// Progress of a running change: resources finished, of the total.
    Progress { done: usize, total: usize },
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

const TERMINAL: &[&str] = &[
    "CREATE_COMPLETE",
    "CREATE_FAILED",
    "ROLLBACK_COMPLETE",
    "ROLLBACK_FAILED",
    "UPDATE_COMPLETE",
    "UPDATE_ROLLBACK_COMPLETE",
    "UPDATE_ROLLBACK_FAILED",
    "DELETE_COMPLETE",
    "DELETE_FAILED",
    "IMPORT_COMPLETE",
    "IMPORT_ROLLBACK_COMPLETE",
];

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

    /// Waits while an operation runs on the stack; returns the settled status.
    async fn settle(&self, report: &mut dyn FnMut(Report)) -> Result<Option<String>, DeployError> {
        let started = std::time::Instant::now();
        let mut said = false;
        loop {
            let status = self.status().await?;
            match &status {
                Some(s) if s.ends_with("_IN_PROGRESS") && s != StackStatus::ReviewInProgress.as_str() => {
                    if started.elapsed() > self.wait_for_busy {
                        return Err(DeployError::StillBusy {
                            stack: self.stack.clone(),
                            status: s.clone(),
                            waited: self.wait_for_busy,
                        });
                    }
                    if !said {
                        report(Report::Line(format!(
                            "The stack {} is {s}: waiting for that operation to finish",
                            self.stack
                        )));
                        said = true;
                    }
                    tokio::time::sleep(self.poll).await;
                }
                _ => return Ok(status),
            }
        }
    }

    /// Creates and describes a change set for `template`, refusing destructive changes unless `allow_destructive`.
    /// `retains_pool`: the environment keeps its pool, so a failed first create is not deleted automatically.
    pub async fn prepare(
        &self,
        template: &str,
        parameters: &[(&str, &str)],
        retains_pool: bool,
        allow_destructive: bool,
        report: &mut dyn FnMut(Report),
    ) -> Result<Prepared, DeployError> {
        let kind = match self.settle(report).await?.as_deref() {
            None | Some("REVIEW_IN_PROGRESS") => ChangeSetType::Create,
            Some("ROLLBACK_COMPLETE") if retains_pool => {
                return Err(DeployError::Stuck {
                    stack: self.stack.clone(),
                    status: "ROLLBACK_COMPLETE".into(),
                    help: "its first create failed and was rolled back. This environment retains its user pool, so it is not deleted automatically: check for a retained pool in the Cognito console, then delete the stack (`aws cloudformation delete-stack`) and deploy again".into(),
                });
            }
            Some("ROLLBACK_COMPLETE") => {
                report(Report::Line(format!(
                    "The stack {} is ROLLBACK_COMPLETE (a first create failed): deleting it to create it again",
                    self.stack
                )));
                match self.delete(report).await? {
                    Deleted::Deleted { retained } if !retained.is_empty() => {
                        return Err(DeployError::Stuck {
                            stack: self.stack.clone(),
                            status: "DELETE_FAILED".into(),
                            help: format!("these resources could not be deleted: {}", retained.join(", ")),
                        });
                    }
                    _ => ChangeSetType::Create,
                }
            }
            Some("UPDATE_ROLLBACK_FAILED") => {
                return Err(DeployError::Stuck {
                    stack: self.stack.clone(),
                    status: "UPDATE_ROLLBACK_FAILED".into(),
                    help: "an update failed and so did its rollback. Fix the cause the stack events show, then run `aws cloudformation continue-update-rollback --stack-name <stack>` (skipping resources that cannot roll back with --resources-to-skip), and deploy again".into(),
                });
            }
            Some(status @ ("DELETE_FAILED" | "ROLLBACK_FAILED" | "IMPORT_ROLLBACK_FAILED")) => {
                return Err(DeployError::Stuck {
                    stack: self.stack.clone(),
                    status: status.to_owned(),
                    help: "run `cargo xtask teardown` for this environment, then deploy again".into(),
                });
            }
            Some(_) => ChangeSetType::Update,
        };
        let name = format!("admin-queries-{}", DateTime::from(std::time::SystemTime::now()).secs());
        let mut create = self
            .cfn
            .create_change_set()
            .stack_name(&self.stack)
            .change_set_name(&name)
            .change_set_type(kind.clone())
            .template_body(template)
            .capabilities(Capability::CapabilityIam)
            .description("cargo xtask deploy");
        for (key, value) in parameters {
            create = create.parameters(Parameter::builder().parameter_key(*key).parameter_value(*value).build());
        }
        match create.send().await {
            Ok(_) => {}
            // The answer UpdateStack gives, which some endpoints give for an unchanged change set too.
            Err(e) if message_of(&e).is_some_and(|m| m.contains("No updates are to be performed")) => {
                return Ok(Prepared::NoChanges);
            }
            Err(e) => return Err(aws("CreateChangeSet")(e)),
        }
        report(Report::Line(format!("Created change set {name} ({})", kind.as_str())));

        // Wait for it to be described.
        let described = loop {
            let out = self
                .cfn
                .describe_change_set()
                .stack_name(&self.stack)
                .change_set_name(&name)
                .send()
                .await
                .map_err(aws("DescribeChangeSet"))?;
            match out.status() {
                Some(ChangeSetStatus::CreateComplete) => break out,
                Some(ChangeSetStatus::Failed) => {
                    let reason = out.status_reason().unwrap_or_default().to_owned();
                    self.delete_change_set(&name).await?;
                    if reason.contains("didn't contain changes") || reason.contains("No updates are to be performed") {
                        return Ok(Prepared::NoChanges);
                    }
                    return Err(DeployError::ChangeSetFailed(reason));
                }
                _ => tokio::time::sleep(self.poll).await,
            }
        };
        let mut changes = Vec::new();
        let mut page = Some(described);
        while let Some(out) = page.take() {
            for change in out.changes() {
                let Some(rc) = change.resource_change() else {
                    continue;
                };
                changes.push(Change {
                    action: rc.action().map(|a| a.as_str().to_owned()).unwrap_or_default(),
                    logical_id: rc.logical_resource_id().unwrap_or_default().to_owned(),
                    resource_type: rc.resource_type().unwrap_or_default().to_owned(),
                    replacement: if rc.action() == Some(&ChangeAction::Modify) {
                        rc.replacement().map(|r| r.as_str().to_owned()).unwrap_or_default()
                    } else {
                        String::new()
                    },
                    recreating: rc
                        .details()
                        .iter()
                        .filter_map(|d| d.target())
                        .filter(|t| {
                            matches!(
                                t.requires_recreation(),
                                Some(RequiresRecreation::Always | RequiresRecreation::Conditionally)
                            )
                        })
                        .filter_map(|t| t.name().map(str::to_owned))
                        .collect(),
                });
            }
            if let Some(token) = out.next_token() {
                let next = self
                    .cfn
                    .describe_change_set()
                    .stack_name(&self.stack)
                    .change_set_name(&name)
                    .next_token(token)
                    .send()
                    .await
                    .map_err(aws("DescribeChangeSet"))?;
                page = Some(next);
            }
        }
        if changes.is_empty() {
            self.delete_change_set(&name).await?;
            return Ok(Prepared::NoChanges);
        }
        let destructive: Vec<&Change> = changes.iter().filter(|c| c.is_destructive()).collect();
        if !destructive.is_empty() && !allow_destructive {
            self.delete_change_set(&name).await?;
            let what = if destructive.iter().any(|c| c.action == "Remove") { "remove" } else { "replace" };
            let details = destructive
                .iter()
                .map(|c| {
                    let cause = if c.recreating.is_empty() {
                        String::new()
                    } else {
                        format!(" (a change to {} forces it)", c.recreating.join(", "))
                    };
                    format!(
                        "  {} {} ({}), replacement: {}{cause}",
                        c.action,
                        c.logical_id,
                        c.resource_type,
                        if c.replacement.is_empty() { "-" } else { &c.replacement }
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            let noun = destructive.iter().map(|c| c.logical_id.as_str()).collect::<Vec<_>>().join(", ");
            return Err(DeployError::Destructive { what: format!("{what} {noun}"), details });
        }
        Ok(Prepared::Changes { change_set: name, changes })
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

    async fn latest_event_time(&self) -> Result<Option<DateTime>, DeployError> {
        match self.cfn.describe_stack_events().stack_name(&self.stack).send().await {
            Ok(out) => Ok(out.stack_events().first().and_then(|e| e.timestamp().copied())),
            Err(_) => Ok(None),
        }
    }

    /// Streams the stack's events after `since` until the root stack's terminal event. Returns the terminal status
    /// and the first failure (`<logical id> (<type>): <reason>`).
    pub async fn follow(
        &self,
        since: Option<DateTime>,
        total: usize,
        report: &mut dyn FnMut(Report),
    ) -> Result<(String, Option<String>), DeployError> {
        let mut seen: HashSet<String> = HashSet::new();
        let mut done: HashSet<String> = HashSet::new();
        let mut first_failure = None;
        let started = std::time::Instant::now();
        loop {
            if started.elapsed() > self.max_operation {
                let status = self.status().await?.unwrap_or_else(|| "gone".to_owned());
                return Err(DeployError::StillBusy { stack: self.stack.clone(), status, waited: self.max_operation });
            }
            let out = match self.cfn.describe_stack_events().stack_name(&self.stack).send().await {
                Ok(out) => out,
                // Once a deletion completes, the stack's name no longer resolves.
                Err(e) if is_missing(&e) => return Ok(("DELETE_COMPLETE".to_owned(), first_failure)),
                Err(e) => return Err(aws("DescribeStackEvents")(e)),
            };
            let mut fresh: Vec<_> = out
                .stack_events()
                .iter()
                .filter(|e| {
                    since.is_none_or(|since| {
                        e.timestamp().is_some_and(|t| {
                            t.secs() > since.secs()
                                || (t.secs() == since.secs() && t.subsec_nanos() > since.subsec_nanos())
                        })
                    })
                })
                .filter(|e| e.event_id().is_some_and(|id| !seen.contains(id)))
                .cloned()
                .collect();
            fresh.reverse();
            for event in fresh {
                seen.insert(event.event_id().unwrap_or_default().to_owned());
                let id = event.logical_resource_id().unwrap_or_default();
                let kind = event.resource_type().unwrap_or_default();
                let status = event.resource_status().map(|s| s.as_str()).unwrap_or_default();
                let reason = event.resource_status_reason().unwrap_or_default();
                let is_root = kind == "AWS::CloudFormation::Stack" && id == self.stack;
                report(Report::Line(format!(
                    "{status:<24} {id} ({kind}){}",
                    if reason.is_empty() { String::new() } else { format!(": {reason}") }
                )));
                if status.ends_with("_FAILED") && !is_root && first_failure.is_none() && !reason.contains("cancelled") {
                    first_failure = Some(format!("{id} ({kind}): {reason}"));
                }
                if !is_root && status.ends_with("_COMPLETE") && done.insert(id.to_owned()) {
                    report(Report::Progress { done: done.len().min(total), total });
                }
                if is_root && TERMINAL.contains(&status) {
                    return Ok((status.to_owned(), first_failure));
                }
            }
            tokio::time::sleep(self.poll).await;
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
            Err(DeployError::Failed { status, first_failure: failure.unwrap_or_default() })
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
