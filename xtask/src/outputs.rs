//! `cargo xtask outputs`: the outputs files written again from the deployed environment, deploying nothing: from
//! the stack's outputs on AWS (`deploy::outputs`), from the local state locally (`local_cloud::env`).

use serde_json::json;

use crate::cli::{Common, runtime};
use crate::error::Error;
use crate::project::{self, progress};

pub fn run(common: &Common) -> Result<(), Error> {
    let env = &common.env;
    let (config, environment) = project::load(env)?;
    let dir = project::outputs_dir(env);
    let files = if env == deploy::config::LOCAL {
        local_cloud::env::rewrite_outputs(&project::place(env), &config)?
    } else {
        let rewrite = async {
            let aws = deploy::aws::Clients::for_region(environment.region()).await;
            deploy::aws::rewrite_outputs(&config, env, &environment, &aws, &dir).await
        };
        runtime()?.block_on(rewrite)?.map(|rewritten| rewritten.files)
    };
    let files = files.ok_or_else(|| Error::NotDeployed { env: env.clone() })?;
    if common.json {
        println!("{}", json!({ "environment": env, "files": files }));
    } else {
        progress(&format!("Wrote the outputs files of `{env}` from the deployed environment"));
        for file in files {
            println!("{}", file.display());
        }
    }
    Ok(())
}
