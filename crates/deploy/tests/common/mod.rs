//! What the deployer's and the AWS pipeline's tests share: CloudFormation's answer for a stack that does not
//! exist, and the options of a deployment of `dev` that builds nothing of its own.
#![allow(dead_code)]

use std::path::Path;

use aws_sdk_cloudformation::error::ErrorMetadata;
use aws_sdk_cloudformation::operation::describe_stacks::DescribeStacksError;
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use deploy::aws::{Clients, DeployOptions, Execute};
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

/// Clients for the account `account`, whose asset bucket and zip are there already (STS and S3 mocked), with
/// `cfn` for CloudFormation and `lambda` for Lambda.
pub fn mocked_clients(account: &str, cfn: aws_sdk_cloudformation::Client, lambda: aws_sdk_lambda::Client) -> Clients {
    let account = account.to_owned();
    let identity = mock!(aws_sdk_sts::Client::get_caller_identity).then_output(move || {
        aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityOutput::builder().account(account.clone()).build()
    });
    let sts = mock_client!(aws_sdk_sts, RuleMode::MatchAny, [&identity]);
    let head_bucket = mock!(aws_sdk_s3::Client::head_bucket)
        .then_output(|| aws_sdk_s3::operation::head_bucket::HeadBucketOutput::builder().build());
    let encryption = mock!(aws_sdk_s3::Client::put_bucket_encryption)
        .then_output(|| aws_sdk_s3::operation::put_bucket_encryption::PutBucketEncryptionOutput::builder().build());
    let block = mock!(aws_sdk_s3::Client::put_public_access_block)
        .then_output(|| aws_sdk_s3::operation::put_public_access_block::PutPublicAccessBlockOutput::builder().build());
    let policy = mock!(aws_sdk_s3::Client::put_bucket_policy)
        .then_output(|| aws_sdk_s3::operation::put_bucket_policy::PutBucketPolicyOutput::builder().build());
    let head_object = mock!(aws_sdk_s3::Client::head_object)
        .then_output(|| aws_sdk_s3::operation::head_object::HeadObjectOutput::builder().build());
    let s3 = mock_client!(aws_sdk_s3, RuleMode::MatchAny, [&head_bucket, &encryption, &block, &policy, &head_object]);
    let mut clients = Clients::new(&test_support::moto_config("http://127.0.0.1:9", "eu-west-1"));
    clients.sts = sts;
    clients.s3 = s3;
    clients.cloudformation = cfn;
    clients.lambda = lambda;
    clients
}

/// A build of the function for the mocked pipelines: a zip of three bytes, `zip`, in `dir`.
pub fn artifact(dir: &Path) -> deploy::lambda::Artifact {
    let zip = dir.join("bootstrap.zip");
    std::fs::write(&zip, b"zip").unwrap();
    deploy::lambda::Artifact {
        architecture: Architecture::Arm64,
        zip,
        sha256: deploy::package::sha256_hex(b"zip"),
        zip_bytes: 3,
        binary_bytes: 0,
        max_glibc: None,
    }
}
