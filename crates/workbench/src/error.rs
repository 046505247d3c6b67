//! The workbench's errors; the command line turns each into its exit code.

/// What went wrong while running the workspace's own machinery.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A command we ran failed; it has said why on its own output.
    #[error("`{command}` failed ({status})")]
    CommandFailed { command: String, status: String },
    #[error("tests failed")]
    TestsFailed,
    #[error("the benchmark failed: {reason}")]
    Bench { reason: String },
    /// A tool is missing or could not be installed (Node.js, the npm packages of `clients/`, oha).
    #[error("{message}")]
    Tooling { message: String },
    /// The function, the gateway or moto failed while being measured.
    #[error("{message}")]
    Aws { message: String },
    #[error("{} has no built console", dist.display())]
    NotBuilt { dist: std::path::PathBuf },
    #[error("cannot listen on 127.0.0.1:{port}: {source}")]
    Listen { port: u16, source: std::io::Error },
    #[error(transparent)]
    Moto(#[from] local_cloud::moto::MotoError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    pub(crate) fn tooling(message: impl Into<String>) -> Self {
        Self::Tooling { message: message.into() }
    }

    pub(crate) fn bench(reason: impl Into<String>) -> Self {
        Self::Bench { reason: reason.into() }
    }

    pub(crate) fn aws(message: impl Into<String>) -> Self {
        Self::Aws { message: message.into() }
    }

    /// A Cognito call that failed, with the SDK's own description of it.
    pub(crate) fn cognito<E: std::error::Error + Send + Sync + 'static, R: std::fmt::Debug>(
        call: &str,
        error: aws_sdk_cognitoidentityprovider::error::SdkError<E, R>,
    ) -> Self {
        use aws_sdk_cognitoidentityprovider::error::DisplayErrorContext;
        Self::aws(format!("{call}: {}", DisplayErrorContext(&error)))
    }

    pub fn failure(&self) -> deploy::failure::Failure {
        use deploy::failure::Failure;
        match self {
            Self::CommandFailed { .. } | Self::TestsFailed | Self::Bench { .. } => Failure::Failed,
            Self::NotBuilt { .. } | Self::Listen { .. } => Failure::Refused,
            Self::Tooling { .. } | Self::Moto(_) => Failure::Tooling,
            Self::Io(_) => Failure::Io,
            Self::Aws { .. } => Failure::Remote,
        }
    }

    /// What to do about it, in one line.
    pub fn help(&self) -> String {
        if let Some((_, help)) = self.to_string().split_once("\nhelp: ") {
            return help.to_owned();
        }
        match self {
            Self::CommandFailed { .. } => "its own output above says why; fix that, then run this again".into(),
            Self::TestsFailed => {
                "the failing tests are named above; `cargo xtask test -- -p <crate> <test>` runs one".into()
            }
            Self::Bench { .. } => "run the bench again with `--skip-micro` to narrow it down".into(),
            Self::Tooling { .. } => "install what the message names, then run this again".into(),
            Self::Aws { .. } => "the function's log and moto's log are in target/bench/".into(),
            Self::Listen { .. } => "pick another port with --port (0 for any free one)".into(),
            Self::NotBuilt { .. } => "build it first: `cargo xtask console` builds it before serving".into(),
            Self::Moto(_) => "install Python 3 with venv, check that PyPI is reachable, then run this again".into(),
            Self::Io(_) => "check that the path exists and can be read and written".into(),
        }
    }
}
