//! `cargo xtask deploy` and `teardown` for the local environment: `local_cloud::env` does the work; this prints
//! what it did.

use deploy::config::Config;
use local_cloud::env::DeployOptions;
use serde_json::json;

use crate::cli::Common;
use crate::error::Error;
use crate::project::{self, progress};
use crate::reporter::Terminal;

pub async fn deploy(
    common: &Common,
    config: &Config,
    instances: usize,
    release: bool,
    create_missing_groups: bool,
) -> Result<(), Error> {
    let env = &common.env;
    let started = std::time::Instant::now();
    let options = DeployOptions {
        tools_dir: project::tools_dir(),
        build: project::build(),
        instances,
        release,
        create_missing_groups,
    };
    let deployed = local_cloud::env::deploy(&project::place(env), config, &options, &mut Terminal::new()).await?;
    if common.json {
        let out = json!({
            "environment": env,
            "endpoint": deployed.endpoint,
            "userPoolId": deployed.user_pool_id,
            "clientId": deployed.client_id,
            "region": deployed.region,
            "cognitoEndpoint": deployed.cognito_endpoint,
            "changes": deployed.changes,
            "outputs": deployed.outputs,
        });
        println!("{out}");
        return Ok(());
    }
    if deployed.changes.is_empty() {
        progress("No changes: everything was already up to date");
    }
    for change in &deployed.changes {
        progress(change);
    }
    let group = config.admin_api.restrict_to_group.as_deref().unwrap_or("Admins");
    println!();
    println!("Deployed `{env}` in {:.1} s", started.elapsed().as_secs_f64());
    println!("  Admin API:  {}", deployed.endpoint);
    println!("  User pool:  {} (client {})", deployed.user_pool_id, deployed.client_id);
    println!("  Outputs:    {}", project::outputs_dir(env).display());
    println!();
    println!("Next:");
    println!("  cargo xtask user create alice --group {group}");
    println!("  cargo xtask token alice");
    println!("  curl -H \"Authorization: $(cargo xtask token alice)\" {}/listUsers", deployed.endpoint);
    Ok(())
}

pub fn teardown(common: &Common) -> Result<(), Error> {
    let stopped = local_cloud::env::teardown(&project::place(&common.env))?;
    if common.json {
        println!("{}", json!({ "environment": common.env, "stopped": stopped }));
    } else if stopped.is_empty() {
        progress(&format!("Nothing to tear down: `{}` was not deployed", common.env));
    } else {
        for line in &stopped {
            progress(line);
        }
        progress(&format!("Tore down `{}`", common.env));
    }
    Ok(())
}
