//! The one error type of the command line, each kind with its own exit code.

use local_cloud::moto::MotoError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A command we ran failed; it has said why on its own output.
    #[error("`{command}` failed ({status})")]
    CommandFailed { command: String, status: String },
    /// The tests ran and some failed.
    #[error("tests failed")]
    TestsFailed,
    #[error(transparent)]
    Moto(#[from] MotoError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl Error {
    /// 1: tests or a build failed; 3: the machine lacks something (Python, moto); 4: I/O.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::CommandFailed { .. } | Self::TestsFailed => 1,
            Self::Moto(_) => 3,
            Self::Io(_) => 4,
        }
    }
}
