//! Deploying an environment to AWS, and tearing it down: the function built for Lambda and uploaded once, the
//! template synthesized, a change set planned and shown, the guard for the user pool, execution with progress, and
//! the outputs files. Teardown deletes the stack and, only when asked, a retained pool.
//!
//! With `hotswap`, a change of the function's code alone skips the change set: see [`crate::hotswap`]. Every deploy
//! ends when the function is `Active` and its last update `Successful`, before the outputs files are written.
//!
//! The command line calls [`deploy`] and [`teardown`] with typed options and a [`Reporter`](crate::report::Reporter); it prints the result.

use std::path::{Path, PathBuf};

use aws_config::{BehaviorVersion, Region, SdkConfig};

use crate::adopt::AdoptError;
use crate::assets::AssetError;
use crate::cloudformation::DeployError;
use crate::failure::Failure;
use crate::hotswap::HotswapError;
use crate::lambda::BuildError;
use crate::outputs::MissingOutput;
use crate::template::TemplateError;

const CREDENTIALS_HELP: &str =
    "configure them the standard way (AWS_PROFILE, `aws configure`, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY)";
const CONFIRMATION_HELP: &str = "review the plan, then run again with --yes";
const DESTROYS_DATA_HELP: &str =
    "if losing them is really intended, deploy again with --replace-user-pool-and-lose-its-users";

/// Why a deployment or a teardown stopped.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Build(#[from] BuildError),
    #[error("no usable AWS credentials for {region} ({tried}): {reason}\nhelp: {CREDENTIALS_HELP}")]
    Credentials { region: String, tried: String, reason: String },
    #[error(transparent)]
    Assets(#[from] AssetError),
    #[error(transparent)]
    Template(#[from] TemplateError),
    /// Refused: the change set would replace or remove the user pool, a group or the app client, and with them the
    /// users (or their memberships, or the clients' settings). The change set was deleted; nothing changed.
    #[error(
        "refusing to deploy: this change would {what}, and with it every user of the pool\n{details}\nThe change set was deleted; nothing was changed.\nhelp: {DESTROYS_DATA_HELP}"
    )]
    DestroysData { what: String, details: String },
    #[error(transparent)]
    Deployer(DeployError),
    #[error("not executing without confirmation: stdin is not a terminal\nhelp: {CONFIRMATION_HELP}")]
    NoConfirmation,
    #[error(transparent)]
    MissingOutput(#[from] MissingOutput),
    /// Reading the stack for a hotswap, updating the function's code, or waiting for the function to be ready.
    #[error(transparent)]
    Hotswap(#[from] HotswapError),
    /// The adopted pool lacks what the config needs, or could not be read.
    #[error(transparent)]
    Adopt(#[from] AdoptError),
    #[error("{action}: {message}")]
    Cognito { action: &'static str, message: String },
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

impl From<DeployError> for Error {
    /// The guard's refusal is its own kind: nothing failed, the deployment would destroy data.
    fn from(error: DeployError) -> Self {
        match error {
            DeployError::Destructive { what, details } => Self::DestroysData { what, details },
            other => Self::Deployer(other),
        }
    }
}

impl Error {
    /// What to do about it, in one line.
    pub fn failure(&self) -> Failure {
        match self {
            Self::Build(e) => e.failure(),
            Self::Adopt(e) => e.failure(),
            Self::Template(_) => Failure::Failed,
            Self::NoConfirmation => Failure::Refused,
            Self::Io { .. } => Failure::Io,
            Self::DestroysData { .. } => Failure::DestroysData,
            Self::Credentials { .. }
            | Self::Assets(_)
            | Self::Deployer(_)
            | Self::MissingOutput(_)
            | Self::Hotswap(_)
            | Self::Cognito { .. } => Failure::Remote,
        }
    }

    pub fn help(&self) -> String {
        let help = match self {
            Self::Build(e) => e.help(),
            Self::Credentials { .. } => CREDENTIALS_HELP,
            Self::Assets(_) => "check that the credentials may use S3 in this account and region, then run this again",
            Self::Template(e) => e.help(),
            Self::DestroysData { .. } => DESTROYS_DATA_HELP,
            Self::Deployer(e) => return e.help(),
            Self::Adopt(e) => return e.help(),
            Self::NoConfirmation => CONFIRMATION_HELP,
            Self::MissingOutput(_) => {
                "the stack was not made by this tool's template, or its last change failed: run `cargo xtask deploy` again"
            }
            Self::Hotswap(e) => e.help(),
            Self::Cognito { .. } => "check that the credentials may use Cognito in this account and region",
            Self::Io { .. } => "check that the path exists and can be written",
        };
        help.to_owned()
    }
}

fn failed<E: std::error::Error + Send + Sync + 'static, R: std::fmt::Debug>(
    action: &'static str,
) -> impl Fn(aws_sdk_cognitoidentityprovider::error::SdkError<E, R>) -> Error {
    move |e| Error::Cognito {
        action,
        message: aws_sdk_cognitoidentityprovider::error::DisplayErrorContext(&e).to_string(),
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
    move |source| Error::Io { path: path.to_owned(), source }
}

/// The AWS clients a deployment uses.
#[derive(Debug, Clone)]
pub struct Clients {
    pub sts: aws_sdk_sts::Client,
    pub s3: aws_sdk_s3::Client,
    pub cloudformation: aws_sdk_cloudformation::Client,
    pub cognito: aws_sdk_cognitoidentityprovider::Client,
    pub lambda: aws_sdk_lambda::Client,
}

impl Clients {
    pub fn new(sdk: &SdkConfig) -> Self {
        Self {
            sts: aws_sdk_sts::Client::new(sdk),
            s3: aws_sdk_s3::Client::new(sdk),
            cloudformation: aws_sdk_cloudformation::Client::new(sdk),
            cognito: aws_sdk_cognitoidentityprovider::Client::new(sdk),
            lambda: aws_sdk_lambda::Client::new(sdk),
        }
    }

    /// The clients for `region`, with credentials found the standard way.
    pub async fn for_region(region: &str) -> Self {
        Self::new(&aws_config::defaults(BehaviorVersion::latest()).region(Region::new(region.to_owned())).load().await)
    }
}

/// Whom the credentials belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    pub account: String,
    pub arn: String,
}

/// Which credentials the standard chain tries, for a person: the profile AWS_PROFILE names, the access key in the
/// environment, or the default chain.
fn credentials_tried() -> String {
    match (std::env::var("AWS_PROFILE"), std::env::var("AWS_ACCESS_KEY_ID")) {
        (Ok(profile), _) if !profile.is_empty() => format!("profile `{profile}` from AWS_PROFILE"),
        (_, Ok(_)) => "the access key in AWS_ACCESS_KEY_ID".to_owned(),
        _ => "the default profile and the standard chain".to_owned(),
    }
}

/// What went wrong, in one line: the service's code and message, or the innermost cause (no credentials found, an
/// endpoint that cannot be reached), never the SDK's nested debug rendering.
fn one_line<E, R>(error: &aws_sdk_sts::error::SdkError<E, R>) -> String
where
    E: aws_sdk_sts::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    if let Some(service) = error.as_service_error() {
        return format!("{}: {}", service.code().unwrap_or("error"), service.message().unwrap_or("no message"));
    }
    let mut cause: &dyn std::error::Error = error;
    while let Some(source) = cause.source() {
        cause = source;
    }
    cause.to_string().lines().next().unwrap_or_default().to_owned()
}

/// Checks the credentials and the region with one STS `GetCallerIdentity` call, before anything is built or
/// changed; every AWS command starts with it.
pub async fn identity(aws: &Clients) -> Result<Identity, Error> {
    let region = aws.sts.config().region().map(ToString::to_string).unwrap_or_else(|| "no region".into());
    let fail = |reason: String| Error::Credentials { region: region.clone(), tried: credentials_tried(), reason };
    let identity = aws.sts.get_caller_identity().send().await.map_err(|e| fail(one_line(&e)))?;
    Ok(Identity {
        account: identity.account().ok_or_else(|| fail("the caller identity names no account".into()))?.to_owned(),
        arn: identity.arn().unwrap_or_default().to_owned(),
    })
}

mod deploy;
mod teardown;

pub use deploy::*;
pub use teardown::*;
