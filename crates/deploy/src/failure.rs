//! What kind of failure an error is. Every library error answers [`Failure`] for itself; the command line turns
//! each kind into its exit code (the README's table), so an error keeps its meaning from where it happens to the
//! exit status.

/// The kind of a failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Failure {
    /// A build, the tests, the smoke test or a benchmark failed.
    Failed,
    /// Bad arguments, or a change that is refused as asked.
    Refused,
    /// A tool is missing or could not be installed.
    Tooling,
    /// Reading or writing a file.
    Io,
    /// The config is not valid.
    Config,
    /// The environment is not deployed.
    NotDeployed,
    /// AWS (or moto), the function or the gateway failed.
    Remote,
    /// Refused: the change would destroy data (the user pool, a group, the app client).
    DestroysData,
}
