//! Tearing an environment down; a deployed one's stack state, and its outputs files written again from it.

use std::path::{Path, PathBuf};

use aws_sdk_cognitoidentityprovider::types::DeletionProtectionType;

use crate::cloudformation::{Deleted, Deployer};
use crate::config::{Config, Environment};
use crate::report::Reporter;

use super::{Clients, Error, failed, identity, io};

/// One teardown.
#[derive(Debug, Clone)]
pub struct TeardownOptions<'a> {
    pub config: &'a Config,
    pub env_name: &'a str,
    pub env: &'a Environment,
    /// The outputs files' folder, removed.
    pub outputs_dir: PathBuf,
    /// Delete a pool the environment retains, with its users.
    pub delete_user_pool: bool,
}

/// What a teardown did.
#[derive(Debug, Clone)]
pub struct TornDown {
    pub stack: String,
    /// What happened, for a person, in order.
    pub notes: Vec<String>,
}

/// A deployed stack: its name, its status and its outputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StackState {
    pub stack: String,
    /// CloudFormation's status, e.g. `UPDATE_COMPLETE`.
    pub status: String,
    pub outputs: Vec<(String, String)>,
}

/// The environment's stack as CloudFormation has it; `None` when there is no stack.
pub async fn status(
    config: &Config,
    env_name: &str,
    env: &Environment,
    aws: &Clients,
) -> Result<Option<StackState>, Error> {
    identity(aws).await?;
    let stack = config.names(env_name, env).stack;
    let deployer = Deployer::new(aws.cloudformation.clone(), &stack);
    let Some(status) = deployer.status().await? else { return Ok(None) };
    let outputs = deployer.outputs().await?;
    Ok(Some(StackState { stack, status, outputs }))
}

/// Deletes the stack (retaining what cannot be deleted), and a retained pool only when asked; removes the outputs
/// files.
pub async fn teardown(
    options: &TeardownOptions<'_>,
    aws: &Clients,
    report: &mut dyn Reporter,
) -> Result<TornDown, Error> {
    let (config, env) = (options.config, options.env);
    identity(aws).await?;
    let stack = config.names(options.env_name, env).stack;
    let deployer = Deployer::new(aws.cloudformation.clone(), &stack);
    // No outputs (no stack, or a stack without them): no pool to speak of.
    let pool_id =
        deployer.outputs().await.ok().and_then(|o| o.into_iter().find(|(k, _)| k == "UserPoolId").map(|(_, v)| v));
    let deleted = deployer.delete(&mut report.deployer()).await?;
    let mut notes = Vec::new();
    match &deleted {
        Deleted::NothingToDelete => notes.push(format!("Nothing to tear down: there is no stack {stack}")),
        Deleted::Deleted { retained } => {
            notes.push(format!("Deleted the stack {stack}"));
            if !retained.is_empty() {
                notes.push(format!("These resources could not be deleted and were retained: {}", retained.join(", ")));
            }
        }
    }
    // An adopted pool is never deleted, whatever the environment retains.
    let adopted = config.user_pool.existing.is_some();
    if let (Some(pool), true, false) = (pool_id.as_deref(), env.retain_user_pool, adopted) {
        if options.delete_user_pool {
            let cognito = &aws.cognito;
            cognito
                .update_user_pool()
                .user_pool_id(pool)
                .deletion_protection(DeletionProtectionType::Inactive)
                .send()
                .await
                .map_err(failed("turning deletion protection off"))?;
            cognito.delete_user_pool().user_pool_id(pool).send().await.map_err(failed("deleting the user pool"))?;
            notes.push(format!("Deleted the retained user pool {pool} (--delete-user-pool)"));
        } else {
            notes.push(format!("The user pool {pool} remains (this environment retains it), with its users; --delete-user-pool deletes it"));
        }
    }
    if options.outputs_dir.exists() {
        std::fs::remove_dir_all(&options.outputs_dir).map_err(io(&options.outputs_dir))?;
    }
    Ok(TornDown { stack, notes })
}

/// The outputs files of a deployed AWS environment, written again.
#[derive(Debug, Clone)]
pub struct Rewritten {
    pub stack: String,
    pub outputs: crate::outputs::Outputs,
    pub files: Vec<PathBuf>,
}

/// Stack statuses with no deployment behind them: a change set never executed, a first create rolled back, a
/// deleted stack.
const NOT_DEPLOYED: [&str; 3] = ["REVIEW_IN_PROGRESS", "ROLLBACK_COMPLETE", "DELETE_COMPLETE"];

/// Writes the outputs files of the AWS environment `env_name` into `dir` from its stack's outputs (DescribeStacks),
/// deploying nothing; the credentials are checked first (one STS call). `None` when the environment has no stack
/// (or one that never deployed).
pub async fn rewrite_outputs(
    config: &Config,
    env_name: &str,
    env: &Environment,
    aws: &Clients,
    dir: &Path,
) -> Result<Option<Rewritten>, Error> {
    let Some(StackState { stack, status, outputs }) = status(config, env_name, env, aws).await? else {
        return Ok(None);
    };
    if NOT_DEPLOYED.contains(&status.as_str()) {
        return Ok(None);
    }
    let outputs = crate::outputs::Outputs::from_stack(&stack, &outputs, env.region(), config)?;
    let files = outputs.write(dir).map_err(io(dir))?;
    Ok(Some(Rewritten { stack, outputs, files }))
}
