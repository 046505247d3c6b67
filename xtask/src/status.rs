//! `cargo xtask status`: what runs for an environment and where.

use local_cloud::moto::answers;
use local_cloud::processes::is_alive;
use serde_json::json;

use crate::Common;
use crate::error::Error;
use crate::project;
use crate::state::LocalState;

pub fn run(common: &Common) -> Result<(), Error> {
    let env = &common.env;
    if env != deploy::config::LOCAL {
        return crate::runtime()?.block_on(aws(common));
    }
    let Some(state) = LocalState::load(env) else {
        if common.json {
            println!("{}", json!({ "environment": env, "deployed": false }));
            return Ok(());
        }
        return Err(Error::NotDeployed { env: env.clone() });
    };
    let moto_up = state.moto.as_ref().is_some_and(|m| is_alive(m.pid) && answers(m.port));
    let gateway_up = state.gateway.as_ref().is_some_and(|g| is_alive(g.pid) && answers(g.port));
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
    let stack = crate::deploy_aws::stack_name(&config, env, &environment);
    let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(environment.region().to_owned()))
        .load()
        .await;
    let deployer = deploy::cloudformation::Deployer::new(aws_sdk_cloudformation::Client::new(&sdk), &stack);
    let status = deployer.status().await.map_err(|e| Error::Aws(e.to_string()))?;
    let Some(status) = status else {
        if common.json {
            println!("{}", json!({ "environment": env, "stack": stack, "deployed": false }));
            return Ok(());
        }
        return Err(Error::NotDeployed { env: env.clone() });
    };
    let outputs = deployer.outputs().await.map_err(|e| Error::Aws(e.to_string()))?;
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
