//! The one error type of the command line. Each kind has its own exit code, and each message says what to do.

use deploy::config::ConfigError;
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
    /// A command we ran failed; it has said why on its own output.
    #[error("`{command}` failed ({status})")]
    CommandFailed { command: String, status: String },
    #[error("tests failed")]
    TestsFailed,
    #[error("the smoke test failed: {report}")]
    SmokeFailed { report: String },
    #[error("the benchmark failed: {reason}")]
    BenchFailed { reason: String },
    #[error(transparent)]
    Moto(#[from] MotoError),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("the `{env}` environment is not deployed")]
    NotDeployed { env: String },
    /// Bad arguments, or input that cannot be used as given.
    #[error("{message}")]
    Usage { message: String },
    /// A tool the command needs is missing or could not be installed (Node.js, the npm packages of `clients/`).
    #[error("{message}")]
    Tooling { message: String },
    #[error(transparent)]
    Apply(#[from] ApplyError),
    /// An AWS (or moto) call failed, or the function or the gateway did.
    #[error("{message}")]
    Aws { message: String },
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
}

impl Error {
    pub fn usage(message: impl Into<String>) -> Self {
        Self::Usage { message: message.into() }
    }

    pub fn tooling(message: impl Into<String>) -> Self {
        Self::Tooling { message: message.into() }
    }

    pub fn aws(message: impl Into<String>) -> Self {
        Self::Aws { message: message.into() }
    }

    pub fn bench(reason: impl Into<String>) -> Self {
        Self::BenchFailed { reason: reason.into() }
    }

    /// The exit code: one of [`EXIT_CODES`].
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::CommandFailed { .. } | Self::TestsFailed | Self::SmokeFailed { .. } | Self::BenchFailed { .. } => 1,
            Self::Usage { .. } | Self::Auth(_) => 2,
            Self::Moto(_) | Self::Tooling { .. } => 3,
            Self::Io(_) => 4,
            Self::Config(_) => 5,
            Self::NotDeployed { .. } => 6,
            Self::Apply(_) | Self::Aws { .. } => 7,
            Self::Edit(e) => edit_exit_code(e),
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

    /// What to do about it, in one line: the `help:` line of the message where it has one, else the kind's own.
    pub fn help(&self) -> String {
        if let Some((_, help)) = self.to_string().split_once("\nhelp: ") {
            return help.to_owned();
        }
        match self {
            Self::CommandFailed { .. } => "its own output above says why; fix that, then run this again".to_owned(),
            Self::TestsFailed => {
                "the failing tests are named above; `cargo xtask test -- -p <crate> <test>` runs one".into()
            }
            Self::SmokeFailed { .. } => {
                "each failed call is listed with what it answered; `cargo xtask status` names the function's log".into()
            }
            Self::BenchFailed { .. } => "run the bench again with `--skip-micro` to narrow it down".into(),
            Self::NotDeployed { env } => format!("run `cargo xtask deploy --env {env}` first"),
            Self::Auth(e) => e.help().to_owned(),
            Self::Build(e) => e.help().to_owned(),
            Self::Deploy(e) => e.help(),
            Self::Local(e) => e.help(),
            Self::Target(e) => e.help(),
            Self::Users(e) => e.help().to_owned(),
            Self::Io(_) => "check that the path exists and can be read and written".into(),
            Self::Aws { .. } => {
                "check the credentials and the region, or for `local` that moto runs (`cargo xtask status`)".into()
            }
            Self::Moto(_) => "install Python 3 with venv, check that PyPI is reachable, then run this again".into(),
            Self::Config(_) => "correct admin-queries.toml as said; the README's config section lists every key".into(),
            Self::Usage { .. } | Self::Edit(_) => "`cargo xtask <command> --help` shows what each command takes".into(),
            Self::Tooling { .. } => "install what the message names, then run this again".into(),
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

/// Refusals of the editor are bad requests (2); a result that is not a valid config is a config error (5).
fn edit_exit_code(error: &deploy::edit::EditError) -> u8 {
    match error {
        deploy::edit::EditError::Invalid(_) | deploy::edit::EditError::Syntax(_) => 5,
        _ => 2,
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
        BuildError::CommandFailed { .. } | BuildError::Package(_) => 1,
        BuildError::NoVirtualenv | BuildError::NoZig => 3,
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
        Error::DestroysData { .. } => 8,
        Error::Credentials { .. }
        | Error::Assets(_)
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
    Error::aws(format!("{what}: {}", aws_sdk_cognitoidentityprovider::error::DisplayErrorContext(&error)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The README's exit-code table, as (code, meaning) rows.
    fn readme_table() -> Vec<(u8, String)> {
        let root = std::path::PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap_or_default());
        let readme = std::fs::read_to_string(root.join("../README.md")).unwrap_or_default();
        let start =
            readme.find("| exit code | meaning |").unwrap_or_else(|| panic!("the README has no exit-code table"));
        readme[start..]
            .lines()
            .skip(2)
            .take_while(|l| l.starts_with('|'))
            .map(|l| {
                let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
                (cells[0].parse().unwrap_or(u8::MAX), cells[1].to_owned())
            })
            .collect()
    }

    #[test]
    fn the_readme_lists_exactly_the_exit_codes() {
        let code: Vec<(u8, String)> = EXIT_CODES.iter().map(|(c, m)| (*c, (*m).to_owned())).collect();
        assert_eq!(readme_table(), code);
    }

    #[test]
    fn each_kind_of_error_has_its_own_listed_code() {
        use deploy::edit::EditError;
        let config_error = ConfigError::Missing { path: "admin-queries.toml".into() };
        let cases: Vec<(Error, u8)> = vec![
            (Error::TestsFailed, 1),
            (Error::Build(deploy::lambda::BuildError::Package(deploy::package::PackageError::NotElf)), 1),
            (Error::usage("bad"), 2),
            (Error::Auth(deploy::auth::AuthError::PrecedenceShape { spec: "x".into() }), 2),
            (Error::Edit(EditError::GroupExists("Admins".into())), 2),
            (Error::tooling("no npm"), 3),
            (Error::Io(std::io::Error::other("disk")), 4),
            (Error::Config(config_error), 5),
            (Error::Edit(EditError::Invalid(ConfigError::Missing { path: "x".into() })), 5),
            (Error::NotDeployed { env: "dev".into() }, 6),
            (Error::aws("Cognito refused"), 7),
            (
                Error::Deploy(deploy::aws::Error::DestroysData {
                    what: "replace the pool".into(),
                    details: String::new(),
                }),
                8,
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(error.exit_code(), expected, "{error}");
            assert!(EXIT_CODES.iter().any(|(c, _)| *c == error.exit_code()), "{error}: an unlisted code");
        }
    }

    #[test]
    fn every_error_says_what_to_do() {
        let errors = [
            Error::NotDeployed { env: "dev".into() },
            Error::Deploy(deploy::aws::Error::DestroysData { what: "replace the pool".into(), details: String::new() }),
            Error::TestsFailed,
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
