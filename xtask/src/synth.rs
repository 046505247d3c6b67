//! `cargo xtask synth`: the CloudFormation template of an environment (or the OpenAPI description), on stdout.
//! Pure: no AWS call.

use deploy::template::synthesize;

use crate::cli::Common;
use crate::error::Error;
use crate::project;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Print the API's OpenAPI 3.1 description (JSON) instead of the template.
    #[arg(long)]
    pub openapi: bool,
    #[command(flatten)]
    pub common: Common,
}

pub fn run(args: &Args) -> Result<(), Error> {
    let common = &args.common;
    let (config, environment) = project::load(&common.env)?;
    if args.openapi {
        println!(
            "{}",
            serde_json::to_string_pretty(&deploy::openapi::document(&config)).map_err(std::io::Error::other)?
        );
        return Ok(());
    }
    let template = synthesize(&config, &common.env, &environment);
    if common.json {
        println!("{}", serde_json::to_string_pretty(&template.0).map_err(std::io::Error::other)?);
    } else {
        print!("{}", template.to_yaml().map_err(deploy::aws::Error::from)?);
    }
    Ok(())
}
