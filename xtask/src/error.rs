//! The one error type of the command line. Each kind has its own exit code, and each message says what to do.

use deploy::config::ConfigError;
use deploy::failure::Failure;
use local_cloud::cognito::ApplyError;
use local_cloud::moto::MotoError;

/// Every exit code of the command line and what it means: `Error::exit_code` answers one of these, the README's
/// table lists exactly these (a test holds the two together).
pub const EXIT_CODES: &[(u8, &str)] = &[
    (0, "success"),
    (1, "a build, the tests, the smoke test or a benchmark failed"),
    (2, "bad arguments, or a change the command refuses (update-auth)"),
    (3, "missing tooling (Python, moto, Node.js or the npm packages, zig)"),
    (4, "I/O"),
    (5, "invalid config"),
    (6, "environment not deployed"),
    (7, "AWS (Cognito, CloudFormation, S3) or the gateway failed"),
    (8, "refused: the deployment would destroy data (replace or remove the user pool, a group or the app client)"),
];

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("the smoke test failed: {report}")]
    SmokeFailed { report: String },
    /// The smoke run could not make its calls (its users, its sign-in, its HTTP client).
    #[error(transparent)]
    Smoke(#[from] local_cloud::smoke::SmokeError),
    /// The test run, the benchmarks, Node.js, the console's build.
    #[error(transparent)]
    Workbench(#[from] workbench::Error),
    #[error(transparent)]
    Moto(#[from] MotoError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("the `{env}` environment is not deployed")]
    NotDeployed { env: String },
    /// Bad arguments, or input that cannot be used as given.
    #[error("{message}")]
    Usage { message: String },
    #[error(transparent)]
    Apply(#[from] ApplyError),
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
    /// update-auth's and add-auth's flags or headless request.
    #[error(transparent)]
    Auth(#[from] deploy::auth::AuthError),
    /// An auth change the editor refuses, or whose result is not a valid config.
    #[error(transparent)]
    Edit(#[from] deploy::edit::EditError),
    /// An Amplify project that cannot be imported, or a pool that could not be read from AWS.
    #[error(transparent)]
    Import(#[from] deploy::import::ImportError),
    /// Reading an environment's log lines.
    #[error(transparent)]
    Logs(#[from] deploy::logs::LogsError),
}

impl Error {
    pub fn usage(message: impl Into<String>) -> Self {
        Self::Usage { message: message.into() }
    }

    /// The kind of failure, as the library that failed says.
    pub fn failure(&self) -> Failure {
        match self {
            Self::SmokeFailed { .. } => Failure::Failed,
            Self::Usage { .. } => Failure::Refused,
            Self::Moto(_) => Failure::Tooling,
            Self::Io(_) => Failure::Io,
            Self::Config(_) => Failure::Config,
            Self::NotDeployed { .. } => Failure::NotDeployed,
            Self::Apply(_) => Failure::Remote,
            Self::Auth(e) => e.failure(),
            Self::Edit(e) => e.failure(),
            Self::Local(e) => e.failure(),
            Self::Target(e) => e.failure(),
            Self::Smoke(e) => e.failure(),
            Self::Users(e) => e.failure(),
            Self::Build(e) => e.failure(),
            Self::Workbench(e) => e.failure(),
            Self::Deploy(e) => e.failure(),
            Self::Import(e) => e.failure(),
            Self::Logs(e) => e.failure(),
        }
    }

    /// The exit code: one of [`EXIT_CODES`].
    pub fn exit_code(&self) -> u8 {
        match self.failure() {
            Failure::Failed => 1,
            Failure::Refused => 2,
            Failure::Tooling => 3,
            Failure::Io => 4,
            Failure::Config => 5,
            Failure::NotDeployed => 6,
            Failure::Remote => 7,
            Failure::DestroysData => 8,
        }
    }

    /// What to do about it, in one line: the `help:` line of the message where it has one, else the kind's own.
    pub fn help(&self) -> String {
        if let Some((_, help)) = self.to_string().split_once("\nhelp: ") {
            return help.to_owned();
        }
        match self {
            Self::SmokeFailed { .. } => {
                "each failed call is listed with what it answered; `cargo xtask status` names the function's log".into()
            }
            Self::Workbench(e) => e.help(),
            Self::NotDeployed { env } => format!("run `cargo xtask deploy --env {env}` first"),
            Self::Auth(e) => e.help().to_owned(),
            Self::Build(e) => e.help().to_owned(),
            Self::Deploy(e) => e.help(),
            Self::Import(e) => e.help(),
            Self::Logs(e) => e.help(),
            Self::Local(e) => e.help(),
            Self::Target(e) => e.help(),
            Self::Users(e) => e.help().to_owned(),
            Self::Smoke(e) => e.help(),
            Self::Io(_) => "check that the path exists and can be read and written".into(),
            Self::Moto(_) => "install Python 3 with venv, check that PyPI is reachable, then run this again".into(),
            Self::Config(_) => "correct admin-queries.toml as said; the README's config section lists every key".into(),
            Self::Usage { .. } | Self::Edit(_) => "`cargo xtask <command> --help` shows what each command takes".into(),
            Self::Apply(_) => "run `cargo xtask teardown`, then deploy again".into(),
        }
    }

    /// The message without its `help:` line, which [`Error::help`] answers.
    pub fn message(&self) -> String {
        let message = self.to_string();
        match message.split_once("\nhelp: ") {
            Some((before, _)) => before.to_owned(),
            None => message,
        }
    }
}

/// The exit codes as `--help` lists them.
pub fn exit_codes_help() -> String {
    let lines: Vec<String> = EXIT_CODES.iter().map(|(code, meaning)| format!("  {code}  {meaning}")).collect();
    format!("Exit codes:\n{}", lines.join("\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_kind_of_failure_has_its_own_listed_code() {
        let kinds = [
            (Error::Workbench(workbench::Error::TestsFailed), 1),
            (Error::usage("bad"), 2),
            (Error::Workbench(workbench::Error::Tooling { message: "no npm".into() }), 3),
            (Error::Io(std::io::Error::other("disk")), 4),
            (Error::Edit(deploy::edit::EditError::Invalid(ConfigError::Missing { path: "x".into() })), 5),
            (Error::NotDeployed { env: "dev".into() }, 6),
            (Error::Workbench(workbench::Error::Aws { message: "the function failed".into() }), 7),
            (
                Error::Deploy(deploy::aws::Error::DestroysData {
                    what: "replace the pool".into(),
                    details: String::new(),
                }),
                8,
            ),
        ];
        let listed: Vec<u8> = EXIT_CODES.iter().map(|(code, _)| *code).filter(|code| *code > 0).collect();
        assert_eq!(kinds.iter().map(|(_, code)| *code).collect::<Vec<_>>(), listed);
        for (error, code) in kinds {
            assert_eq!(error.exit_code(), code, "{error}");
        }
    }

    #[test]
    fn every_error_says_what_to_do() {
        let errors = [
            Error::NotDeployed { env: "dev".into() },
            Error::Deploy(deploy::aws::Error::DestroysData { what: "replace the pool".into(), details: String::new() }),
            Error::Workbench(workbench::Error::TestsFailed),
            Error::usage("nothing to change\nhelp: pass flags"),
        ];
        for error in errors {
            assert!(!error.help().is_empty(), "{error}: no help");
            assert!(!error.message().contains("help:"), "{error}: the help is printed once, on its own line");
        }
        let inline = Error::usage("nothing to change\nhelp: pass flags");
        assert_eq!((inline.message().as_str(), inline.help().as_str()), ("nothing to change", "pass flags"));
    }
}
