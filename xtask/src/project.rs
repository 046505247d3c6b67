//! Where things are: the workspace root, its state directory, cargo.

use std::path::PathBuf;
use std::process::Command;

use crate::error::Error;

/// The workspace root, wherever the command is run from.
pub fn root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().map(PathBuf::from).unwrap_or(manifest_dir)
}

/// Local state (moto's virtualenv, pids, logs): `.admin-queries/`, git-ignored.
pub fn state_dir() -> PathBuf {
    root().join(".admin-queries")
}

/// The cargo that runs us.
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root());
    command
}

/// Runs `command`, failing with its rendering when it exits non-zero.
pub fn run(command: &mut Command) -> Result<(), Error> {
    let status = command.status()?;
    if status.success() {
        Ok(())
    } else {
        Err(Error::CommandFailed { command: render(command), status: status.to_string() })
    }
}

pub fn render(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}
