//! Where things are: the workspace root, the config, the state and outputs directories, cargo.

use std::path::PathBuf;
use std::process::Command;

use deploy::config::{Config, Environment};

use crate::error::Error;

/// The workspace root, wherever the command is run from.
pub fn root() -> PathBuf {
    let manifest_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().map(PathBuf::from).unwrap_or(manifest_dir)
}

/// Tools installed for the workspace (moto, zig, cargo-zigbuild), shared by every project directory:
/// `.admin-queries/`, or `ADMIN_QUERIES_TOOLS_DIR` (CI keeps them in its cache folder).
pub fn tools_dir() -> PathBuf {
    std::env::var_os("ADMIN_QUERIES_TOOLS_DIR").map_or_else(|| root().join(".admin-queries"), PathBuf::from)
}

/// The directory with `admin-queries.toml`, the state and the outputs: the workspace root, unless
/// `ADMIN_QUERIES_PROJECT_DIR` names another (the end-to-end tests use a directory of their own).
pub fn project_dir() -> PathBuf {
    std::env::var_os("ADMIN_QUERIES_PROJECT_DIR").map_or_else(root, PathBuf::from)
}

/// The state of one environment (pids, ports, logs): `<project>/.admin-queries/<env>/`, git-ignored.
pub fn env_dir(env: &str) -> PathBuf {
    project_dir().join(".admin-queries").join(env)
}

/// The outputs files of one environment: `<project>/outputs/<env>/`.
pub fn outputs_dir(env: &str) -> PathBuf {
    project_dir().join("outputs").join(env)
}

/// The project's config, validated, and the environment `env` of it.
pub fn load(env: &str) -> Result<(Config, Environment), Error> {
    let path = project_dir().join(deploy::config::FILE_NAME);
    let config = Config::load(&path)?;
    let environment = config.environment(env, &path.display().to_string())?;
    Ok((config, environment))
}

/// The cargo that runs us.
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root());
    command
}

/// The target directory cargo builds into.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), |dir| root().join(dir))
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

/// Progress for a person, on stderr; the results a program reads go to stdout.
pub fn progress(message: &str) {
    eprintln!("• {message}");
}

/// The JavaScript side of the repository: the admin console and the client compatibility suites.
pub fn clients_dir() -> PathBuf {
    root().join("clients")
}
