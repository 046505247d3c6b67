//! The AWS pipeline without the command line, against moto (STS, S3, CloudFormation): the function uploaded once,
//! the plan shown and its change set deleted, no execution without an answer, outputs that must be there, and a
//! teardown with nothing to delete.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use deploy::aws::{self, Execute, TeardownOptions};
use deploy::config::{Architecture, Config};
use deploy::lambda::Artifact;
use deploy::report::{Answer, Recorder};

mod common;
use common::options;

fn config(stack: &str) -> Config {
    let text = format!(
        "project = \"aqtest\"\n[environments.dev]\nregion = \"{}\"\nstack = \"{stack}\"\nretain_user_pool = false\n",
        test_support::REGION
    );
    Config::parse(&text, "admin-queries.toml").unwrap()
}

fn artifact(dir: &std::path::Path) -> Artifact {
    std::fs::create_dir_all(dir).unwrap();
    let zip = dir.join("bootstrap.zip");
    let bytes = format!("not really a zip {}", dir.display()).into_bytes();
    std::fs::write(&zip, &bytes).unwrap();
    Artifact {
        architecture: Architecture::Arm64,
        zip,
        sha256: deploy::package::sha256_hex(&bytes),
        zip_bytes: bytes.len(),
        binary_bytes: 0,
        max_glibc: None,
    }
}

/// The clients for moto; S3 by path, as moto at an address needs.
fn moto() -> aws::Clients {
    let config = test_support::moto_config(&test_support::moto_endpoint(), test_support::REGION);
    let mut clients = aws::Clients::new(&config);
    clients.s3 =
        aws_sdk_s3::Client::from_conf(aws_sdk_s3::config::Builder::from(&config).force_path_style(true).build());
    clients
}

fn scratch(name: &str) -> PathBuf {
    std::env::temp_dir().join(test_support::unique(name))
}

#[tokio::test]
async fn the_bucket_is_made_hardened_before_the_upload_which_its_policy_refuses_without_tls() {
    // moto evaluates the asset bucket's TLS-only policy, and is reached over plain HTTP here: the pipeline gets as
    // far as the upload, which the bucket it hardened refuses. Nothing else happens, and the error is typed.
    let sdk = moto();
    let stack = test_support::unique("aws-upload");
    let config = config(&stack);
    let env = config.environment("dev", "admin-queries.toml").unwrap();
    let dir = scratch("aws-upload");
    let artifact = artifact(&dir);
    let mut report = Recorder::new(Answer::Yes);
    let err = aws::deploy_artifact(&options(&config, &env, &dir, Execute::Yes), &artifact, &sdk, &mut report)
        .await
        .unwrap_err();
    let aws::Error::Assets(refused) = &err else { panic!("{err:?}") };
    assert_eq!(refused.operation, "PutObject", "{err}");
    assert_eq!(refused.bucket, deploy::assets::bucket_name("123456789012", test_support::REGION));
    assert!(!err.help().is_empty());
    let policy = sdk.s3.get_bucket_policy().bucket(&refused.bucket).send().await.unwrap();
    assert!(policy.policy().unwrap().contains("aws:SecureTransport"), "hardened before the upload");
    assert!(!report.said.iter().any(|l| l.starts_with("block:") || l.starts_with("confirm:")), "{:?}", report.said);
    assert!(!dir.join("outputs").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[tokio::test]
async fn a_teardown_with_no_stack_says_so_and_removes_the_outputs() {
    let sdk = moto();
    let stack = test_support::unique("aws-teardown");
    let config = config(&stack);
    let env = config.environment("dev", "admin-queries.toml").unwrap();
    let dir = scratch("aws-teardown");
    std::fs::create_dir_all(dir.join("outputs")).unwrap();
    std::fs::write(dir.join("outputs/amplifyconfiguration.json"), "{}").unwrap();
    let options = TeardownOptions {
        config: &config,
        env_name: "dev",
        env: &env,
        outputs_dir: dir.join("outputs"),
        delete_user_pool: false,
    };
    let done = aws::teardown(&options, &sdk, &mut Recorder::new(Answer::No)).await.unwrap();
    assert_eq!(done.stack, stack);
    assert_eq!(done.notes, vec![format!("Nothing to tear down: there is no stack {stack}")]);
    assert!(!dir.join("outputs").exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_guards_refusal_is_its_own_error_and_every_error_says_what_to_do() {
    let refused = aws::Error::from(deploy::cloudformation::DeployError::Destructive {
        what: "replace UserPool".into(),
        details: "  Modify UserPool (AWS::Cognito::UserPool), replacement: True".into(),
    });
    assert!(matches!(refused, aws::Error::DestroysData { .. }), "{refused:?}");
    assert!(refused.to_string().starts_with("refusing to deploy: this change would replace UserPool"), "{refused}");
    assert!(refused.help().contains("--replace-user-pool-and-lose-its-users"));
    let failed = aws::Error::from(deploy::cloudformation::DeployError::ChangeSetFailed("bad".into()));
    assert!(matches!(failed, aws::Error::Deployer(_)), "{failed:?}");
    for error in [
        refused,
        failed,
        aws::Error::NoConfirmation,
        aws::Error::Credentials {
            region: "eu-west-1".into(),
            tried: "the default profile".into(),
            reason: "none".into(),
        },
        aws::Error::MissingOutput(deploy::outputs::MissingOutput { stack: "s".into(), name: "UserPoolId" }),
        aws::Error::Cognito { action: "deleting the user pool", message: "denied".into() },
        aws::Error::Build(deploy::lambda::BuildError::NoZig),
    ] {
        assert!(!error.help().is_empty(), "{error}");
    }
}
