//! The stack's events while a change or a deletion runs: deduplicated by id, reported as lines and progress, and
//! followed to the root stack's terminal event.

use std::collections::HashSet;

use aws_smithy_types::DateTime;

use super::{DeployError, Deployer, aws, is_missing};

/// What the deployer reports while it works.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Report {
    /// A line for a person.
    Line(String),
    /// Progress of a running change: resources finished, of the total.
    Progress { done: usize, total: usize },
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

impl Deployer {
    pub(super) async fn latest_event_time(&self) -> Result<Option<DateTime>, DeployError> {
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
}
