//! What the deployer's and the AWS pipeline's tests share: CloudFormation's answer for a stack that does not
//! exist, and the options of a deployment of `dev` that builds nothing of its own.
#![allow(dead_code)]

use std::path::Path;

use aws_sdk_cloudformation::error::ErrorMetadata;
use aws_sdk_cloudformation::operation::describe_stacks::DescribeStacksError;
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
            profile: deploy::lambda::Profile::Release,
        },
        outputs_dir: dir.join("outputs"),
        execute,
        allow_destroying_data: false,
        create_missing_groups: false,
        hotswap: false,
    }
}

/// DescribeStacks' error for `stack` when it does not exist, as CloudFormation words it.
pub fn no_stack(stack: &str) -> DescribeStacksError {
    DescribeStacksError::generic(
        ErrorMetadata::builder()
            .code("ValidationError")
            .message(format!("Stack with id {stack} does not exist"))
            .build(),
    )
}
