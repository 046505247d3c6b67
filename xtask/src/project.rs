//! Where things are: the workspace root, the config, the state and outputs directories, cargo.

use std::path::{Path, PathBuf};
use std::process::Command;

use deploy::config::{Config, Environment};

use crate::error::Error;

/// The workspace root, found at run time, so that a checkout moved together with its `target/` works where it now
/// is: the `CARGO_MANIFEST_DIR` that `cargo xtask` (cargo run) sets for xtask, else the nearest folder above the
/// current one that holds this workspace.
pub fn root() -> PathBuf {
    let from_cargo = std::env::var_os("CARGO_MANIFEST_DIR")
        .map(PathBuf::from)
        .and_then(|xtask| xtask.parent().map(PathBuf::from))
        .filter(|dir| is_workspace_root(dir));
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    from_cargo.or_else(|| find_root(&cwd)).unwrap_or(cwd)
}

/// The nearest folder from `start` up that holds this workspace.
fn find_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find(|dir| is_workspace_root(dir)).map(Path::to_path_buf)
}

/// A folder with the workspace's manifest and the xtask crate.
fn is_workspace_root(dir: &Path) -> bool {
    dir.join("xtask/Cargo.toml").is_file()
        && std::fs::read_to_string(dir.join("Cargo.toml")).is_ok_and(|manifest| manifest.contains("[workspace]"))
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

/// Where the local environment `env` keeps its state and outputs.
pub fn place(env: &str) -> local_cloud::env::Place {
    local_cloud::env::Place { env: env.to_owned(), state_dir: env_dir(env), outputs_dir: outputs_dir(env) }
}

/// How the local environment builds its binaries: with the cargo that runs us, in the workspace.
pub fn build() -> local_cloud::env::Build {
    local_cloud::env::Build {
        cargo: std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
        workspace: root(),
        target_dir: target_dir(),
    }
}

/// The project's config, validated, as the environment `env` sees it, and that environment.
pub fn load(env: &str) -> Result<(Config, Environment), Error> {
    let path = project_dir().join(deploy::config::FILE_NAME);
    let config = Config::load(&path)?;
    let environment = config.environment(env, &path.display().to_string())?;
    // The settings as this environment has them (its own self sign-up, MFA, token lifetimes, stage, ...).
    Ok((config.for_environment(&environment), environment))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_is_found_from_any_folder_below_it_wherever_the_checkout_is() {
        let moved = std::env::temp_dir().join(format!("moved-checkout-{}", std::process::id()));
        let deep = moved.join("crates/admin-api/src");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::create_dir_all(moved.join("xtask")).unwrap();
        std::fs::write(moved.join("xtask/Cargo.toml"), "[package]\nname = \"xtask\"\n").unwrap();
        assert_eq!(find_root(&deep), None, "no workspace manifest yet");
        std::fs::write(moved.join("Cargo.toml"), "[workspace]\nmembers = [\"xtask\"]\n").unwrap();
        assert_eq!(find_root(&deep), Some(moved.clone()));
        assert_eq!(find_root(&moved), Some(moved.clone()));
        std::fs::remove_dir_all(&moved).unwrap();
    }

    #[test]
    fn cargo_names_the_root_at_run_time() {
        // `cargo test` sets CARGO_MANIFEST_DIR for the test process, as `cargo xtask` does for xtask.
        assert!(is_workspace_root(&root()), "{}", root().display());
    }
}
