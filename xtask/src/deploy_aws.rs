//! `cargo xtask deploy --env <aws env>` and `teardown`: the function built for Lambda and uploaded once, the
//! template synthesized, a change set planned and shown, the guard for the user pool, execution with progress,
//! and the outputs files. `teardown` deletes the stack and, only when asked, a retained pool.

use std::io::{IsTerminal, Write};

use aws_config::BehaviorVersion;
use aws_sdk_cloudformation::config::Region;
use deploy::assets;
use deploy::cloudformation::{Deleted, Deployer, Prepared, Report, plan_table};
use deploy::config::{Config, Environment};
use deploy::outputs::Outputs;
use deploy::template::synthesize;
use serde_json::json;

use crate::error::Error;
use crate::project::{self, progress};

#[derive(Debug, clap::Args)]
pub struct AwsDeployArgs {
    /// Show the plan and stop; nothing is changed (the change set is deleted).
    #[arg(long)]
    pub plan: bool,
    /// Execute without asking. Required when stdin is not a terminal (CI).
    #[arg(long)]
    pub yes: bool,
    /// Let a change replace or remove the user pool, a group or the app client. Replacing a pool deletes every
    /// user in it. Only for environments whose users do not matter.
    #[arg(long = "replace-user-pool-and-lose-its-users")]
    pub replace_user_pool: bool,
}

pub fn stack_name(config: &Config, env_name: &str, env: &Environment) -> String {
    env.stack.clone().unwrap_or_else(|| format!("{}-{env_name}", config.project))
}

fn reporter(total: &mut usize) -> impl FnMut(Report) + '_ {
    let tty = std::io::stderr().is_terminal();
    move |report| match report {
        Report::Line(line) => {
            if tty {
                eprint!("\r\x1b[2K");
            }
            eprintln!("  {line}");
        }
        Report::Progress { done, total: t } => {
            *total = t;
            if tty {
                eprint!("\r[{done}/{t}] resources done");
                let _ = std::io::stderr().flush();
            }
        }
    }
}

fn confirm(question: &str) -> Result<bool, Error> {
    eprint!("{question} [y/N] ");
    std::io::stderr().flush()?;
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}

async fn sdk(env: &Environment) -> aws_config::SdkConfig {
    aws_config::defaults(BehaviorVersion::latest()).region(Region::new(env.region().to_owned())).load().await
}

pub async fn deploy(
    env_name: &str,
    config: &Config,
    env: &Environment,
    args: &AwsDeployArgs,
    json_out: bool,
) -> Result<(), Error> {
    let aws_error = |e: &dyn std::fmt::Display| Error::Aws(e.to_string());
    let stack = stack_name(config, env_name, env);
    let region = env.region().to_owned();

    // The function, built and zipped for Lambda; then uploaded once.
    let artifact = crate::lambda::build(config.lambda.architecture)?;
    let sdk = sdk(env).await;
    let identity = aws_sdk_sts::Client::new(&sdk).get_caller_identity().send().await.map_err(|e| {
        Error::Aws(format!(
            "no usable AWS credentials ({})\nhelp: configure them the standard way (AWS_PROFILE, `aws configure`, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)",
            aws_sdk_sts::error::DisplayErrorContext(&e)
        ))
    })?;
    let account = identity.account().unwrap_or_default().to_owned();
    let s3 = aws_sdk_s3::Client::new(&sdk);
    let bucket = assets::bucket_name(&account, &region);
    if assets::ensure_bucket(&s3, &bucket, &account, &region).await.map_err(|e| aws_error(&e))? {
        progress(&format!("Created the asset bucket {bucket} (encrypted, public access blocked, TLS only)"));
    }
    let key = assets::zip_key(&artifact.sha256);
    let zip = std::fs::read(&artifact.zip)?;
    if assets::upload_once(&s3, &bucket, &account, &key, zip).await.map_err(|e| aws_error(&e))? {
        progress(&format!("Uploaded the function ({} bytes) to s3://{bucket}/{key}", artifact.zip_bytes));
    } else {
        progress("The function is unchanged; not uploaded again");
    }

    // The plan.
    let template = synthesize(config, env_name, env).to_yaml();
    let deployer = Deployer::new(aws_sdk_cloudformation::Client::new(&sdk), &stack);
    let mut total = 0;
    let prepared = deployer
        .prepare(
            &template,
            &[("CodeBucket", &bucket), ("CodeKey", &key)],
            env.retain_user_pool,
            args.replace_user_pool,
            &mut reporter(&mut total),
        )
        .await
        .map_err(|e| aws_error(&e))?;
    match prepared {
        Prepared::NoChanges => progress(&format!("No changes to the stack {stack}")),
        Prepared::Changes { change_set, changes } => {
            eprintln!("\nPlan for {stack} ({region}):\n{}\n", plan_table(&changes));
            let go = if args.plan {
                false
            } else if args.yes {
                true
            } else if std::io::stdin().is_terminal() {
                confirm("Execute this plan?")?
            } else {
                deployer.delete_change_set(&change_set).await.map_err(|e| aws_error(&e))?;
                return Err(Error::Usage("not executing without confirmation: stdin is not a terminal\nhelp: review the plan, then run again with --yes".into()));
            };
            if !go {
                deployer.delete_change_set(&change_set).await.map_err(|e| aws_error(&e))?;
                progress(if args.plan {
                    "Plan only: the change set was deleted, nothing changed"
                } else {
                    "Not executed: the change set was deleted"
                });
                return Ok(());
            }
            deployer.execute(&change_set, changes.len(), &mut reporter(&mut total)).await.map_err(|e| aws_error(&e))?;
            eprintln!();
        }
    }

    // The outputs files.
    let stack_outputs = deployer.outputs().await.map_err(|e| aws_error(&e))?;
    let output = |name: &str| stack_outputs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default();
    let outputs = Outputs {
        region: region.clone(),
        user_pool_id: output("UserPoolId"),
        client_id: output("UserPoolClientId"),
        endpoint: output("Endpoint"),
        cognito_endpoint: None,
        token: config.admin_api.token,
        username_attributes: config.user_pool.username_attributes.clone(),
        groups: config.effective_groups().into_iter().map(|g| (g.name, g.precedence)).collect(),
    };
    let files = outputs.write(&project::outputs_dir(env_name))?;
    if json_out {
        println!(
            "{}",
            json!({ "environment": env_name, "stack": stack, "endpoint": outputs.endpoint, "userPoolId": outputs.user_pool_id, "clientId": outputs.client_id, "region": region, "outputs": files })
        );
    } else {
        println!("Deployed `{env_name}` (stack {stack}, {region})");
        println!("  Admin API:  {}", outputs.endpoint);
        println!("  User pool:  {} (client {})", outputs.user_pool_id, outputs.client_id);
        println!("  Outputs:    {}", project::outputs_dir(env_name).display());
    }
    Ok(())
}

pub async fn teardown(
    env_name: &str,
    config: &Config,
    env: &Environment,
    delete_user_pool: bool,
    json_out: bool,
) -> Result<(), Error> {
    let stack = stack_name(config, env_name, env);
    let sdk = sdk(env).await;
    let deployer = Deployer::new(aws_sdk_cloudformation::Client::new(&sdk), &stack);
    let pool_id =
        deployer.outputs().await.ok().and_then(|o| o.into_iter().find(|(k, _)| k == "UserPoolId").map(|(_, v)| v));
    let mut total = 0;
    let deleted = deployer.delete(&mut reporter(&mut total)).await.map_err(|e| Error::Aws(e.to_string()))?;
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
    let adopted = config.user_pool.existing.is_some();
    if let (Some(pool), true, false) = (pool_id.as_deref(), env.retain_user_pool, adopted) {
        if delete_user_pool {
            let cognito = aws_sdk_cognitoidentityprovider::Client::new(&sdk);
            cognito
                .update_user_pool()
                .user_pool_id(pool)
                .deletion_protection(aws_sdk_cognitoidentityprovider::types::DeletionProtectionType::Inactive)
                .send()
                .await
                .map_err(|e| crate::error::cognito("turning deletion protection off", e))?;
            cognito
                .delete_user_pool()
                .user_pool_id(pool)
                .send()
                .await
                .map_err(|e| crate::error::cognito("deleting the user pool", e))?;
            notes.push(format!("Deleted the retained user pool {pool} (--delete-user-pool)"));
        } else {
            notes.push(format!("The user pool {pool} remains (this environment retains it), with its users; --delete-user-pool deletes it"));
        }
    }
    let dir = project::outputs_dir(env_name);
    if dir.exists() {
        std::fs::remove_dir_all(&dir)?;
    }
    if json_out {
        println!("{}", json!({ "environment": env_name, "stack": stack, "notes": notes }));
    } else {
        for note in notes {
            progress(&note);
        }
    }
    Ok(())
}
