//! What the AWS pipeline's tests share: the options of a deployment of `dev` that builds nothing of its own.
#![allow(dead_code)]

use std::path::Path;

use deploy::aws::{DeployOptions, Execute};
use deploy::config::{Architecture, Config, Environment};
use deploy::lambda::BuildOptions;

/// Deploying `dev` of `config`, with every folder under `dir`.
pub fn options<'a>(config: &'a Config, env: &'a Environment, dir: &Path, execute: Execute) -> DeployOptions<'a> {
    DeployOptions {
        config,
        env_name: "dev",
        env,
        build: BuildOptions {
            architecture: Architecture::Arm64,
            workspace: dir.to_owned(),
            tools_dir: dir.join("tools"),
            target_dir: dir.join("target"),
            cargo: "cargo".into(),
        },
        outputs_dir: dir.join("outputs"),
        execute,
        allow_destroying_data: false,
    }
}
