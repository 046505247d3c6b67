//! `cargo xtask build-lambda`: the function's `bootstrap`, built in release mode for the size and start-up
//! profile in the workspace's `Cargo.toml`.

use std::path::PathBuf;

use crate::error::Error;
use crate::project;

#[derive(Debug, clap::Args)]
pub struct Args {}

/// Builds `bootstrap` for this machine and returns its path.
pub fn run(_args: &Args) -> Result<PathBuf, Error> {
    eprintln!("Building bootstrap (release, -p admin-api); a cold build takes several minutes ...");
    project::run(project::cargo().args(["build", "--release", "-p", "admin-api", "--bin", "bootstrap"]))?;
    let target_dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| project::root().join("target"), PathBuf::from);
    let binary = target_dir.join("release").join("bootstrap");
    let size = std::fs::metadata(&binary)?.len();
    eprintln!("Built {} ({:.1} MB, stripped)", binary.display(), size as f64 / 1_000_000.0);
    Ok(binary)
}
