//! The stack's states: waiting while an operation runs, the standard recovery for a failed first create, and what
//! to do about the states a deployment cannot start from.

use aws_sdk_cloudformation::types::{ChangeSetType, StackStatus};

use super::{Deleted, DeployError, Deployer, Report};

impl Deployer {
    /// Waits while an operation runs on the stack; returns the settled status.
    pub(super) async fn settle(&self, report: &mut dyn FnMut(Report)) -> Result<Option<String>, DeployError> {
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

    /// The change set's type for the stack as it is, after waiting for a running operation; the standard recovery
    /// for a first create that failed (unless the environment retains its pool); an error that says what to do for
    /// the stuck states.
    pub(super) async fn change_set_type(
        &self,
        retains_pool: bool,
        report: &mut dyn FnMut(Report),
    ) -> Result<ChangeSetType, DeployError> {
        Ok(match self.settle(report).await?.as_deref() {
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
        })
    }
}
