//! What every subcommand shares: the options every environment command takes, the runtime async commands run on,
//! and the diff of the config a command is about to write. (Progress goes through `project::progress` and
//! `reporter::Terminal`.)

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

/// Prints, on stderr, the change from `before` to `after` as a unified diff of `admin-queries.toml`, the new side
/// labelled `after_label`.
pub fn show_diff(before: &str, after: &str, after_label: &str) {
    let diff = similar::TextDiff::from_lines(before, after);
    eprintln!("{}", diff.unified_diff().context_radius(2).header(deploy::config::FILE_NAME, after_label));
}
