//! `cargo xtask build-lambda`: the function's `bootstrap` for Lambda (`provided.al2023`), built with the Lambda
//! crate alone (`-p admin-api`), checked (architecture, glibc ≤ 2.34) and zipped deterministically.
//!
//! Cross-building needs only registry installs, which this does on first use and says so: the rustup target, zig
//! (the `ziglang` package from PyPI, in `.admin-queries/zig`) and `cargo-zigbuild` (from crates.io, in
//! `.admin-queries/cargo`). zig links against glibc 2.34 exactly, whatever the build machine has.

use std::path::{Path, PathBuf};
use std::process::Command;

use deploy::config::Architecture;
use deploy::package;
use serde_json::json;

use crate::error::Error;
use crate::project::{self, progress};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The architecture to build for; the config's `lambda.architecture` when absent (arm64 by default).
    #[arg(long, value_enum)]
    pub arch: Option<Arch>,
    /// Print the result as JSON on stdout.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Arch {
    Arm64,
    #[value(name = "x86_64")]
    X86_64,
}

impl From<Arch> for Architecture {
    fn from(arch: Arch) -> Self {
        match arch {
            Arch::Arm64 => Architecture::Arm64,
            Arch::X86_64 => Architecture::X86_64,
        }
    }
}

/// A built and zipped function.
#[derive(Debug, Clone)]
pub struct Artifact {
    pub zip: PathBuf,
    pub sha256: String,
    pub zip_bytes: usize,
    pub binary_bytes: usize,
    pub max_glibc: Option<(u32, u32)>,
}

fn triple(architecture: Architecture) -> &'static str {
    match architecture {
        Architecture::Arm64 => "aarch64-unknown-linux-gnu",
        Architecture::X86_64 => "x86_64-unknown-linux-gnu",
    }
}

fn name(architecture: Architecture) -> &'static str {
    match architecture {
        Architecture::Arm64 => "arm64",
        Architecture::X86_64 => "x86_64",
    }
}

fn ensure_rust_target(triple: &str) -> Result<(), Error> {
    let installed = Command::new("rustup").args(["target", "list", "--installed"]).output()?;
    if String::from_utf8_lossy(&installed.stdout).lines().any(|l| l.trim() == triple) {
        return Ok(());
    }
    progress(&format!("Adding the Rust target {triple} (rustup target add) ..."));
    project::run(Command::new("rustup").args(["target", "add", triple]))
}

/// zig from PyPI in its own virtualenv; returns the `zig` executable.
fn ensure_zig() -> Result<PathBuf, Error> {
    let venv = project::tools_dir().join("zig");
    let find = || -> Option<PathBuf> {
        let lib = std::fs::read_dir(venv.join("lib")).ok()?;
        lib.filter_map(Result::ok).map(|d| d.path().join("site-packages/ziglang/zig")).find(|p| p.exists())
    };
    if let Some(zig) = find() {
        return Ok(zig);
    }
    progress(
        "Installing zig (the `ziglang` package from PyPI) into .admin-queries/zig, to link for Lambda's glibc ...",
    );
    if !venv.join("bin/pip").exists() {
        project::run(Command::new("python3").args(["-m", "venv"]).arg(&venv)).map_err(|_| {
            Error::Usage("could not create a Python virtualenv for zig\nhelp: install python3 and python3-venv".into())
        })?;
    }
    project::run(Command::new(venv.join("bin/pip")).args([
        "install",
        "--quiet",
        "--disable-pip-version-check",
        "ziglang",
    ]))?;
    find().ok_or_else(|| Error::Usage("the ziglang package installed no zig executable".into()))
}

/// cargo-zigbuild from crates.io; returns its executable.
fn ensure_zigbuild() -> Result<PathBuf, Error> {
    let root = project::tools_dir().join("cargo");
    let binary = root.join("bin/cargo-zigbuild");
    if binary.exists() {
        return Ok(binary);
    }
    progress(
        "Installing cargo-zigbuild (cargo install --locked) into .admin-queries/cargo; this takes a minute or two ...",
    );
    project::run(project::cargo().args(["install", "--quiet", "--locked", "--root"]).arg(&root).arg("cargo-zigbuild"))?;
    Ok(binary)
}

/// Builds, checks and zips `bootstrap` for `architecture`.
pub fn build(architecture: Architecture) -> Result<Artifact, Error> {
    let triple = triple(architecture);
    ensure_rust_target(triple)?;
    let zig = ensure_zig()?;
    let zigbuild = ensure_zigbuild()?;
    progress(&format!(
        "Building bootstrap for {} (release, -p admin-api, glibc 2.34); a cold build takes several minutes ...",
        name(architecture)
    ));
    let mut command = Command::new(zigbuild);
    command
        .current_dir(project::root())
        .args(["zigbuild", "--release", "-p", "admin-api", "--bin", "bootstrap", "--target"])
        .arg(format!("{triple}.2.34"))
        .env("CARGO_ZIGBUILD_ZIG_PATH", &zig)
        .env("CARGO_ZIGBUILD_PYTHON_PATH", project::tools_dir().join("zig/bin/python"))
        .env("CARGO", std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    project::run(&mut command)?;
    let binary_path = project::target_dir().join(triple).join("release").join("bootstrap");
    let binary = std::fs::read(&binary_path)?;
    let report = package::check(&binary, architecture).map_err(|e| Error::Usage(e.to_string()))?;
    let zip = package::zip(&binary).map_err(|e| Error::Usage(e.to_string()))?;
    let dir = project::target_dir().join("lambda").join(name(architecture));
    std::fs::create_dir_all(&dir)?;
    let zip_path = dir.join("bootstrap.zip");
    std::fs::write(&zip_path, &zip)?;
    Ok(Artifact {
        zip: zip_path,
        sha256: package::sha256_hex(&zip),
        zip_bytes: zip.len(),
        binary_bytes: binary.len(),
        max_glibc: report.max_glibc,
    })
}

fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

pub fn run(args: &Args) -> Result<(), Error> {
    let architecture = match args.arch {
        Some(arch) => arch.into(),
        None => project::load(deploy::config::LOCAL).map(|(config, _)| config.lambda.architecture).unwrap_or_default(),
    };
    let artifact = build(architecture)?;
    let glibc = artifact.max_glibc.map(|(a, b)| format!("{a}.{b}"));
    if args.json {
        let out = json!({
            "architecture": name(architecture),
            "zip": artifact.zip,
            "sha256": artifact.sha256,
            "zipBytes": artifact.zip_bytes,
            "binaryBytes": artifact.binary_bytes,
            "maxGlibc": glibc,
        });
        println!("{out}");
    } else {
        progress(&format!(
            "bootstrap for {}: {} stripped, glibc ≤ {}; zip {} ({}), sha256 {}",
            name(architecture),
            mb(artifact.binary_bytes),
            glibc.as_deref().unwrap_or("(static)"),
            display(&artifact.zip),
            mb(artifact.zip_bytes),
            artifact.sha256
        ));
    }
    Ok(())
}

fn display(path: &Path) -> String {
    path.strip_prefix(project::root()).unwrap_or(path).display().to_string()
}
