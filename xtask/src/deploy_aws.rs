//! `cargo xtask deploy --env <aws env>` and `teardown`: arguments, then `deploy::aws`, then printing.

use deploy::aws::{self, DeployOptions, Deployment, Execute, TeardownOptions};
use deploy::config::{Config, Environment};
use serde_json::json;

use crate::error::Error;
use crate::project::{self, progress};
use crate::reporter::Terminal;

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
    /// With an adopted pool (`user_pool.existing`): create the groups the config names that the pool lacks,
    /// through the Cognito API (never as stack resources). Without it, a missing group refuses the deploy.
    #[arg(long)]
    pub create_missing_groups: bool,
    /// For iterating on the function: build with the quick `hotswap` profile and, when only its code changed since
    /// the last full deploy, update the function's code directly (seconds) instead of through a change set. Anything
    /// else falls back to the change set, saying why. Leaves the stack's CodeKey naming the previous zip until the
    /// next full deploy.
    #[arg(long)]
    pub hotswap: bool,
}

pub async fn deploy(
    env_name: &str,
    config: &Config,
    env: &Environment,
    args: &AwsDeployArgs,
    json_out: bool,
) -> Result<(), Error> {
    let options = DeployOptions {
        config,
        env_name,
        env,
        build: project::build_options(config.lambda.architecture),
        outputs_dir: project::outputs_dir(env_name),
        execute: if args.plan {
            Execute::PlanOnly
        } else if args.yes {
            Execute::Yes
        } else {
            Execute::Ask
        },
        allow_destroying_data: args.replace_user_pool,
        create_missing_groups: args.create_missing_groups,
        hotswap: args.hotswap,
    };
    let clients = aws::Clients::for_region(env.region()).await;
    let Deployment::Deployed(deployed) = aws::deploy(&options, &clients, &mut Terminal::new()).await? else {
        return Ok(());
    };
    let (stack, region, outputs) = (&deployed.stack, &deployed.region, &deployed.outputs);
    let timings: serde_json::Map<String, serde_json::Value> =
        deployed.timings.0.iter().map(|(step, took)| ((*step).to_owned(), json!(took.as_secs_f64()))).collect();
    if json_out {
        println!(
            "{}",
            json!({ "environment": env_name, "stack": stack, "endpoint": outputs.endpoint, "userPoolId": outputs.user_pool_id, "clientId": outputs.client_id, "region": region, "outputs": deployed.files, "function": deployed.function, "hotswapped": deployed.hotswapped, "timings": timings })
        );
    } else {
        if deployed.hotswapped {
            println!(
                "Hotswapped `{env_name}`: the function {} runs the new code (stack {stack}, {region})",
                deployed.function
            );
        } else {
            println!("Deployed `{env_name}` (stack {stack}, {region})");
        }
        println!("  Admin API:  {}", outputs.endpoint);
        println!("  User pool:  {} (client {})", outputs.user_pool_id, outputs.client_id);
        println!("  Outputs:    {}", options.outputs_dir.display());
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
    let options =
        TeardownOptions { config, env_name, env, outputs_dir: project::outputs_dir(env_name), delete_user_pool };
    let clients = aws::Clients::for_region(env.region()).await;
    let torn_down = aws::teardown(&options, &clients, &mut Terminal::new()).await?;
    if json_out {
        println!("{}", json!({ "environment": env_name, "stack": torn_down.stack, "notes": torn_down.notes }));
    } else {
        for note in &torn_down.notes {
            progress(note);
        }
    }
    Ok(())
}
