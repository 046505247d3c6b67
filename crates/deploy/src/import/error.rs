//! Why an import stopped. Every error names the file (and, for a value, its JSON key) or the stack at fault; nothing
//! is written when there is one.

use std::path::PathBuf;

use crate::config::ConfigError;
use crate::failure::Failure;

/// An Amplify project that cannot be imported as it is, or a pool that could not be read from AWS.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(
        "{} holds no Amplify project: neither amplify/backend/backend-config.json (Gen 1) nor \
         amplify_outputs.json (Gen 2)",
        path.display()
    )]
    NotAmplify { path: PathBuf },
    #[error("{} holds a Gen 2 backend (amplify/) but no amplify_outputs.json", path.display())]
    NoGen2Outputs { path: PathBuf },
    #[error("{} was not found", path.display())]
    MissingFile { path: PathBuf },
    #[error("{} could not be read: {source}", path.display())]
    Unreadable { path: PathBuf, source: std::io::Error },
    #[error("{} is not valid JSON: {message} (line {line}, column {column})", path.display())]
    Malformed { path: PathBuf, line: usize, column: usize, message: String },
    #[error("{}: `{key}` is missing: {expected}", path.display())]
    MissingKey { path: PathBuf, key: String, expected: String },
    #[error("{}: `{key}` {problem}", path.display())]
    BadValue { path: PathBuf, key: String, problem: String },
    #[error(
        "{}: the project has no Cognito user pool (no `{key}` entry with \"service\": \"Cognito\")",
        path.display()
    )]
    NoUserPool { path: PathBuf, key: String },
    #[error(
        "{}: the project has no Admin Queries (no `{key}`, and the auth resource sets no `adminQueryGroup`)",
        path.display()
    )]
    NoAdminQueries { path: PathBuf, key: String },
    #[error("{}: there is no environment `{env}` (the file's keys: {known})", path.display())]
    UnknownEnvironment { path: PathBuf, env: String, known: String },
    #[error("{} exists already; nothing was written", path.display())]
    Exists { path: PathBuf },
    /// The config the project would give is not valid (a name too long, a region the config refuses, ...).
    #[error("the imported config would not be valid: {source}")]
    Invalid { source: ConfigError },
    /// The credentials were refused before any stack was read (`--aws`).
    #[error(transparent)]
    Credentials(Box<crate::aws::Error>),
    #[error("{operation} on the stack {stack} (environment `{env}`): {message}")]
    Aws { env: String, stack: String, operation: &'static str, message: String },
    #[error("the stack {stack} (environment `{env}`) has no nested auth stack `{logical_id}`")]
    NoAuthStack { env: String, stack: String, logical_id: String },
    #[error("the auth stack {stack} (environment `{env}`) has no output `{output}`")]
    MissingOutput { env: String, stack: String, output: &'static str },
}

impl ImportError {
    /// The kind of failure: bad input is the project's or the arguments', AWS's failures are remote.
    pub fn failure(&self) -> Failure {
        match self {
            Self::NotAmplify { .. }
            | Self::NoGen2Outputs { .. }
            | Self::NoUserPool { .. }
            | Self::NoAdminQueries { .. }
            | Self::UnknownEnvironment { .. }
            | Self::Exists { .. } => Failure::Refused,
            Self::MissingFile { .. } | Self::Malformed { .. } | Self::MissingKey { .. } | Self::BadValue { .. } => {
                Failure::Config
            }
            Self::Invalid { .. } => Failure::Config,
            Self::Unreadable { .. } => Failure::Io,
            Self::Credentials(e) => e.failure(),
            Self::Aws { .. } | Self::NoAuthStack { .. } | Self::MissingOutput { .. } => Failure::Remote,
        }
    }

    /// What to do about it, in one line.
    pub fn help(&self) -> String {
        let help = match self {
            Self::NotAmplify { .. } => {
                "pass the folder that holds the Amplify project's `amplify/` folder (Gen 1) or its \
                 amplify_outputs.json (Gen 2): cargo xtask import-amplify <PATH>"
            }
            Self::NoGen2Outputs { .. } => {
                "write it with `npx ampx generate outputs --branch <branch> --app-id <app id>` (or run \
                 `npx ampx sandbox` once), then import again"
            }
            Self::MissingFile { .. } => {
                "run the import on the whole Amplify project as committed (`amplify pull` restores missing files)"
            }
            Self::Unreadable { .. } => "check that the file can be read",
            Self::Malformed { .. } => {
                "fix the JSON at that line and column (the Amplify CLI writes it; `amplify pull` restores it)"
            }
            Self::MissingKey { .. } | Self::BadValue { .. } => {
                "correct the key as said (the Amplify CLI writes it; `amplify pull` restores it), then import again"
            }
            Self::NoUserPool { .. } => "only a project with a Cognito user pool (`amplify add auth`) can be imported",
            Self::NoAdminQueries { .. } => {
                "this project has no Admin Queries API to replace; start a config with `cargo xtask add-auth`"
            }
            Self::UnknownEnvironment { known, .. } => {
                return format!("pass one of the project's environments with --env: {known}");
            }
            Self::Exists { .. } => "compare it with the diff above, then pass --force to replace it",
            Self::Invalid { source } => match source.to_string().split_once("\nhelp: ") {
                Some((_, help)) => return help.to_owned(),
                None => "write the config by hand (the README's config section lists every key)",
            },
            Self::Credentials(e) => return e.help(),
            Self::Aws { .. } => {
                "check the credentials (AWS_PROFILE, `aws configure`, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY) \
                 and that they may read CloudFormation stacks in that region; or write the pool's ids into \
                 admin-queries.toml yourself"
            }
            Self::NoAuthStack { .. } | Self::MissingOutput { .. } => {
                "the environment may never have been pushed (`amplify push`); or write its pool's ids into \
                 admin-queries.toml yourself (the Cognito console shows them)"
            }
        };
        help.to_owned()
    }
}
