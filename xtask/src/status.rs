//! `cargo xtask status`: what runs for an environment and where.

use serde_json::json;

use crate::cli::{Common, runtime};
use crate::error::Error;
use crate::project;

pub fn run(common: &Common) -> Result<(), Error> {
    let env = &common.env;
    if env != deploy::config::LOCAL {
        return runtime()?.block_on(aws(common));
    }
    let Some(status) = local_cloud::env::status(&project::place(env)) else {
        if common.json {
            println!("{}", json!({ "environment": env, "deployed": false }));
            return Ok(());
        }
        return Err(Error::NotDeployed { env: env.clone() });
    };
    let (state, moto_up, gateway_up) = (&status.state, status.moto_running, status.gateway_running);
    if common.json {
        println!(
            "{}",
            json!({
                "environment": env,
                "deployed": true,
                "moto": state.moto.as_ref().map(|m| json!({ "pid": m.pid, "endpoint": m.endpoint(), "running": moto_up })),
                "gateway": state.gateway.as_ref().map(|g| json!({ "pid": g.pid, "endpoint": g.url(), "running": gateway_up })),
                "userPoolId": state.user_pool_id,
                "clientId": state.client_id,
                "region": state.region,
            })
        );
        return Ok(());
    }
    let up = |running: bool| {
        if running { "running" } else { "NOT RUNNING (run `cargo xtask deploy`)" }
    };
    println!("Environment `{env}`");
    if let Some(g) = &state.gateway {
        println!("  Admin API:  {}  pid {}  {}", g.url(), g.pid, up(gateway_up));
    }
    if let Some(m) = &state.moto {
        println!("  moto:       {}  pid {}  {}", m.endpoint(), m.pid, up(moto_up));
    }
    println!("  User pool:  {}", state.user_pool_id.as_deref().unwrap_or("-"));
    println!("  Client:     {}", state.client_id.as_deref().unwrap_or("-"));
    println!("  Logs:       {}", project::env_dir(env).display());
    Ok(())
}

/// An AWS environment: its stack's status and outputs.
async fn aws(common: &Common) -> Result<(), Error> {
    let env = &common.env;
    let (config, environment) = project::load(env)?;
    let aws = deploy::aws::Clients::for_region(environment.region()).await;
    let Some(state) = deploy::aws::status(&config, env, &environment, &aws).await? else {
        if common.json {
            let stack = config.names(env, &environment).stack;
            println!("{}", json!({ "environment": env, "stack": stack, "deployed": false }));
            return Ok(());
        }
        return Err(Error::NotDeployed { env: env.clone() });
    };
    let deploy::aws::StackState { stack, status, outputs } = state;
    if common.json {
        let outputs: serde_json::Map<String, serde_json::Value> =
            outputs.into_iter().map(|(k, v)| (k, json!(v))).collect();
        println!(
            "{}",
            json!({ "environment": env, "stack": stack, "deployed": true, "status": status, "outputs": outputs })
        );
        return Ok(());
    }
    println!("Environment `{env}`: stack {stack} ({}) is {status}", environment.region());
    for (key, value) in outputs {
        println!("  {key:<18} {value}");
    }
    Ok(())
}
