//! `cargo xtask synth`: the CloudFormation template of an environment, on stdout. Pure: no AWS call.

use deploy::template::synthesize;

use crate::Common;
use crate::error::Error;
use crate::project;

pub fn run(common: &Common) -> Result<(), Error> {
    let (config, environment) = project::load(&common.env)?;
    let template = synthesize(&config, &common.env, &environment);
    if common.json {
        println!("{}", serde_json::to_string_pretty(&template.0).map_err(std::io::Error::other)?);
    } else {
        print!("{}", template.to_yaml());
    }
    Ok(())
}
