//! What every subcommand shares: the options every environment command takes, and the runtime async commands
//! run on. (Progress goes through `project::progress` and `reporter::Terminal`.)

use deploy::config::LOCAL;

use crate::error::Error;

/// Options every environment command takes.
#[derive(Debug, Clone, clap::Args)]
pub struct Common {
    /// The environment, from `admin-queries.toml`. `local` runs on this machine and needs no AWS account.
    #[arg(long, default_value = LOCAL, global = true)]
    pub env: String,
    /// Print the result as JSON on stdout (progress still goes to stderr).
    #[arg(long, global = true)]
    pub json: bool,
}

/// The runtime of the async commands: one thread is plenty for a command line.
pub fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    Ok(tokio::runtime::Builder::new_current_thread().enable_all().build()?)
}
