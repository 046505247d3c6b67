//! The one error type of the command line. Each kind has its own exit code, and each message says what to do.

use deploy::config::ConfigError;
use local_cloud::cognito::ApplyError;
use local_cloud::moto::MotoError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A command we ran failed; it has said why on its own output.
    #[error("`{command}` failed ({status})")]
    CommandFailed { command: String, status: String },
    #[error("tests failed")]
    TestsFailed,
    #[error("the smoke test failed: {0}")]
    SmokeFailed(String),
    #[error("the benchmark failed: {0}")]
    BenchFailed(String),
    #[error(transparent)]
    Moto(#[from] MotoError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("the `{env}` environment is not deployed\nhelp: run `cargo xtask deploy --env {env}` first")]
    NotDeployed { env: String },
    #[error("{0}")]
    Usage(String),
    /// A tool the command needs is missing or could not be installed (Node.js, the npm packages of `clients/`).
    #[error("{0}")]
    Tooling(String),
    #[error(transparent)]
    Apply(#[from] ApplyError),
    #[error("{0}")]
    Aws(String),
    /// Deploying, tearing down or reading the local environment.
    #[error(transparent)]
    Local(#[from] local_cloud::env::EnvError),
    /// Finding an environment's Cognito.
    #[error(transparent)]
    Target(#[from] local_cloud::target::TargetError),
    /// Creating a user or signing one in.
    #[error(transparent)]
    Users(#[from] local_cloud::users::UserError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Build(#[from] deploy::lambda::BuildError),
    /// Deploying to AWS or tearing down; `DestroysData` is the guard's refusal (the pool, a group or the client).
    #[error(transparent)]
    Deploy(#[from] deploy::aws::Error),
}

impl Error {
    /// 0 success; 1 a build, the tests, the smoke test or a benchmark failed; 2 bad arguments (also clap's); 3 missing tooling (Python, moto, Node.js, npm packages);
    /// 4 I/O; 5 invalid config; 6 not deployed; 7 AWS (Cognito, CloudFormation, S3) or the gateway refused or failed.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::CommandFailed { .. } | Self::TestsFailed | Self::SmokeFailed(_) | Self::BenchFailed(_) => 1,
            Self::Usage(_) => 2,
            Self::Moto(_) | Self::Tooling(_) => 3,
            Self::Io(_) => 4,
            Self::Config(_) => 5,
            Self::NotDeployed { .. } => 6,
            Self::Apply(_) | Self::Aws(_) => 7,
            Self::Local(e) => local_exit_code(e),
            Self::Target(local_cloud::target::TargetError::NotDeployed { .. }) => 6,
            Self::Target(local_cloud::target::TargetError::BadOutputs { .. }) => 2,
            Self::Users(e) => match e {
                local_cloud::users::UserError::Io(_) => 4,
                _ => 7,
            },
            Self::Build(e) => build_exit_code(e),
            Self::Deploy(e) => deploy_exit_code(e),
        }
    }
}

fn local_exit_code(error: &local_cloud::env::EnvError) -> u8 {
    use local_cloud::env::EnvError;
    match error {
        EnvError::Build { .. } => 1,
        EnvError::Moto(_) => 3,
        EnvError::Io(_) => 4,
        EnvError::Apply(_) | EnvError::Gateway { .. } => 7,
    }
}

fn build_exit_code(error: &deploy::lambda::BuildError) -> u8 {
    use deploy::lambda::BuildError;
    match error {
        BuildError::CommandFailed { .. } => 1,
        BuildError::NoVirtualenv | BuildError::NoZig | BuildError::Package(_) => 2,
        BuildError::Io { .. } => 4,
    }
}

fn deploy_exit_code(error: &deploy::aws::Error) -> u8 {
    use deploy::aws::Error;
    match error {
        Error::Build(e) => build_exit_code(e),
        Error::Template(_) => 1,
        Error::NoConfirmation => 2,
        Error::Io { .. } => 4,
        Error::Credentials { .. }
        | Error::Assets(_)
        | Error::DestroysData { .. }
        | Error::Deployer(_)
        | Error::MissingOutput(_)
        | Error::Cognito { .. } => 7,
    }
}

/// Renders an AWS SDK error with its causes.
pub fn cognito<E: std::error::Error + Send + Sync + 'static, R: std::fmt::Debug>(
    what: &str,
    error: aws_sdk_cognitoidentityprovider::error::SdkError<E, R>,
) -> Error {
    Error::Aws(format!("{what}: {}", aws_sdk_cognitoidentityprovider::error::DisplayErrorContext(&error)))
}
