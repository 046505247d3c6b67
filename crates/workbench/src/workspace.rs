//! Where the workspace is, found at run time, and the folders and the cargo the commands use.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::Error;

/// The workspace root, found at run time, so that a checkout moved together with its `target/` works where it now
/// is: the workspace above the `CARGO_MANIFEST_DIR` that `cargo xtask` (cargo run) sets, else the nearest folder
/// above the current one that holds this workspace.
pub fn root() -> PathBuf {
    let from_cargo = std::env::var_os("CARGO_MANIFEST_DIR").and_then(|dir| find_root(Path::new(&dir)));
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

/// Tools installed for the workspace (moto, Node.js, zig, cargo-zigbuild, oha), shared by every project directory:
/// `.admin-queries/`, or `ADMIN_QUERIES_TOOLS_DIR` (CI keeps them in its cache folder).
pub fn tools_dir() -> PathBuf {
    std::env::var_os("ADMIN_QUERIES_TOOLS_DIR").map_or_else(|| root().join(".admin-queries"), PathBuf::from)
}

/// The directory with `admin-queries.toml`, the state and the outputs: the workspace root, unless
/// `ADMIN_QUERIES_PROJECT_DIR` names another (the end-to-end tests use a directory of their own).
pub fn project_dir() -> PathBuf {
    std::env::var_os("ADMIN_QUERIES_PROJECT_DIR").map_or_else(root, PathBuf::from)
}

/// The cargo that runs us, in the workspace.
pub fn cargo() -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(root());
    command
}

/// The target directory cargo builds into.
pub fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root().join("target"), |dir| root().join(dir))
}

/// The JavaScript side of the repository: the admin console and the client compatibility suites.
pub fn clients_dir() -> PathBuf {
    root().join("clients")
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

/// A command as a person would type it.
pub fn render(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
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
        assert!(root().join("crates/workbench").is_dir());
    }
}
