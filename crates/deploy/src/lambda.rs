//! The function's `bootstrap` for Lambda (`provided.al2023`), built with the Lambda crate alone (`-p admin-api`),
//! checked (architecture, glibc ≤ 2.34) and zipped deterministically.
//!
//! Cross-building needs only registry installs, which [`build`] does on first use and says so: the rustup target,
//! zig (the `ziglang` package from PyPI, in `<tools>/zig`) and `cargo-zigbuild` (from crates.io, in
//! `<tools>/cargo`). zig links against glibc 2.34 exactly, whatever the build machine has.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::config::Architecture;
use crate::package::{self, PackageError};
use crate::report::Reporter;

/// Where to build, and with what.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub architecture: Architecture,
    /// The workspace with the `admin-api` crate.
    pub workspace: PathBuf,
    /// Where zig and cargo-zigbuild are installed (`zig/`, `cargo/`).
    pub tools_dir: PathBuf,
    /// The target directory cargo builds into.
    pub target_dir: PathBuf,
    /// The cargo to build with (the one that runs us).
    pub cargo: OsString,
    /// The cargo profile: `release` for what ships, `hotswap` for quick iteration.
    pub profile: Profile,
}

/// The cargo profile `bootstrap` is built with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Profile {
    /// `[profile.release]`: fat LTO, one codegen unit, optimised for size; what full deploys ship.
    #[default]
    Release,
    /// `[profile.hotswap]`: release's settings with LTO only within each crate, 16 codegen units and incremental
    /// builds, so that a change in a handler rebuilds in seconds; what `deploy --hotswap` ships.
    Hotswap,
}

impl Profile {
    /// The profile's name, as cargo and its target folder spell it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Release => "release",
            Self::Hotswap => "hotswap",
        }
    }
}

/// A built and zipped function.
#[derive(Debug, Clone)]
pub struct Artifact {
    pub architecture: Architecture,
    pub zip: PathBuf,
    pub sha256: String,
    pub zip_bytes: usize,
    pub binary_bytes: usize,
    pub max_glibc: Option<(u32, u32)>,
}

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    /// A command we ran failed; it has said why on its own output.
    #[error("`{command}` failed ({status})")]
    CommandFailed { command: String, status: String },
    #[error("could not create a Python virtualenv for zig\nhelp: install python3 and python3-venv")]
    NoVirtualenv,
    #[error("the ziglang package installed no zig executable")]
    NoZig,
    #[error(transparent)]
    Package(#[from] PackageError),
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },
}

impl BuildError {
    pub fn failure(&self) -> crate::failure::Failure {
        use crate::failure::Failure;
        match self {
            Self::CommandFailed { .. } | Self::Package(_) => Failure::Failed,
            Self::NoVirtualenv | Self::NoZig => Failure::Tooling,
            Self::Io { .. } => Failure::Io,
        }
    }

    /// What to do about it.
    pub fn help(&self) -> &'static str {
        match self {
            Self::CommandFailed { .. } => "the command's own output above says why; fix that, then run this again",
            Self::NoVirtualenv => "install python3 and python3-venv",
            Self::NoZig => "remove the tools directory's `zig` folder and run this again, to install ziglang afresh",
            Self::Package(_) => "build with cargo-zigbuild and a `.2.34` glibc suffix on the target, as this does",
            Self::Io { .. } => "check that the path exists and can be read and written",
        }
    }
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BuildError + '_ {
    move |source| BuildError::Io { path: path.to_owned(), source }
}

/// The Rust target triple for Lambda on `architecture`.
pub fn triple(architecture: Architecture) -> &'static str {
    match architecture {
        Architecture::Arm64 => "aarch64-unknown-linux-gnu",
        Architecture::X86_64 => "x86_64-unknown-linux-gnu",
    }
}

/// Lambda's name for `architecture`.
pub fn name(architecture: Architecture) -> &'static str {
    match architecture {
        Architecture::Arm64 => "arm64",
        Architecture::X86_64 => "x86_64",
    }
}

/// Runs `command`, failing with its rendering when it exits non-zero.
fn run(command: &mut Command) -> Result<(), BuildError> {
    let program = PathBuf::from(command.get_program());
    let status = command.status().map_err(io(&program))?;
    if status.success() {
        Ok(())
    } else {
        Err(BuildError::CommandFailed { command: render(command), status: status.to_string() })
    }
}

fn render(command: &Command) -> String {
    let mut text = command.get_program().to_string_lossy().into_owned();
    for arg in command.get_args() {
        text.push(' ');
        text.push_str(&arg.to_string_lossy());
    }
    text
}

fn ensure_rust_target(triple: &str, report: &mut dyn Reporter) -> Result<(), BuildError> {
    let installed =
        Command::new("rustup").args(["target", "list", "--installed"]).output().map_err(io(Path::new("rustup")))?;
    if String::from_utf8_lossy(&installed.stdout).lines().any(|l| l.trim() == triple) {
        return Ok(());
    }
    report.step(&format!("Adding the Rust target {triple} (rustup target add) ..."));
    run(Command::new("rustup").args(["target", "add", triple]))
}

/// zig from PyPI in its own virtualenv; returns the `zig` executable.
fn ensure_zig(tools_dir: &Path, report: &mut dyn Reporter) -> Result<PathBuf, BuildError> {
    let venv = tools_dir.join("zig");
    let find = || -> Option<PathBuf> {
        let lib = std::fs::read_dir(venv.join("lib")).ok()?;
        lib.filter_map(Result::ok).map(|d| d.path().join("site-packages/ziglang/zig")).find(|p| p.exists())
    };
    if let Some(zig) = find() {
        return Ok(zig);
    }
    report.step(
        "Installing zig (the `ziglang` package from PyPI) into .admin-queries/zig, to link for Lambda's glibc ...",
    );
    if !venv.join("bin/pip").exists() {
        run(Command::new("python3").args(["-m", "venv"]).arg(&venv)).map_err(|_| BuildError::NoVirtualenv)?;
    }
    run(Command::new(venv.join("bin/pip")).args(["install", "--quiet", "--disable-pip-version-check", "ziglang"]))?;
    find().ok_or(BuildError::NoZig)
}

/// cargo-zigbuild from crates.io; returns its executable.
fn ensure_zigbuild(options: &BuildOptions, report: &mut dyn Reporter) -> Result<PathBuf, BuildError> {
    let root = options.tools_dir.join("cargo");
    let binary = root.join("bin/cargo-zigbuild");
    if binary.exists() {
        return Ok(binary);
    }
    report.step(
        "Installing cargo-zigbuild (cargo install --locked) into .admin-queries/cargo; this takes a minute or two ...",
    );
    run(Command::new(&options.cargo)
        .current_dir(&options.workspace)
        .args(["install", "--quiet", "--locked", "--root"])
        .arg(&root)
        .arg("cargo-zigbuild"))?;
    Ok(binary)
}

/// Where [`build`] writes the zip: `<target>/lambda/<arch>/bootstrap.zip` for release, and
/// `<target>/lambda/<arch>/hotswap/bootstrap.zip` for the hotswap profile, so that neither overwrites the other.
pub fn zip_path(options: &BuildOptions) -> PathBuf {
    let dir = options.target_dir.join("lambda").join(name(options.architecture));
    match options.profile {
        Profile::Release => dir.join("bootstrap.zip"),
        Profile::Hotswap => dir.join("hotswap").join("bootstrap.zip"),
    }
}

/// Builds, checks and zips `bootstrap` for the options' architecture with the options' profile, into
/// [`zip_path`].
pub fn build(options: &BuildOptions, report: &mut dyn Reporter) -> Result<Artifact, BuildError> {
    let architecture = options.architecture;
    let triple = triple(architecture);
    let profile = options.profile.name();
    ensure_rust_target(triple, report)?;
    let zig = ensure_zig(&options.tools_dir, report)?;
    let zigbuild = ensure_zigbuild(options, report)?;
    report.step(&format!(
        "Building bootstrap for {} ({profile} profile, -p admin-api, glibc 2.34){} ...",
        name(architecture),
        match options.profile {
            Profile::Release => "; a cold build takes several minutes",
            Profile::Hotswap => "",
        }
    ));
    run(Command::new(zigbuild)
        .current_dir(&options.workspace)
        .args(["zigbuild", "--profile", profile, "-p", "admin-api", "--bin", "bootstrap", "--target"])
        .arg(format!("{triple}.2.34"))
        .env("CARGO_ZIGBUILD_ZIG_PATH", &zig)
        .env("CARGO_ZIGBUILD_PYTHON_PATH", options.tools_dir.join("zig/bin/python"))
        .env("CARGO", &options.cargo))?;
    let binary_path = options.target_dir.join(triple).join(profile).join("bootstrap");
    let binary = std::fs::read(&binary_path).map_err(io(&binary_path))?;
    let checked = package::check(&binary, architecture)?;
    let zip = package::zip(&binary)?;
    let zip_path = zip_path(options);
    if let Some(dir) = zip_path.parent() {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
    }
    std::fs::write(&zip_path, &zip).map_err(io(&zip_path))?;
    Ok(Artifact {
        architecture,
        zip: zip_path,
        sha256: package::sha256_hex(&zip),
        zip_bytes: zip.len(),
        binary_bytes: binary.len(),
        max_glibc: checked.max_glibc,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Answer, Recorder};

    #[test]
    fn a_failing_command_is_named_with_its_status() {
        let err = run(Command::new("false").arg("--flag")).unwrap_err();
        assert!(matches!(&err, BuildError::CommandFailed { command, .. } if command == "false --flag"), "{err}");
        assert!(!err.help().is_empty());
    }

    #[test]
    fn a_missing_binary_is_an_io_error_naming_its_path() {
        let dir = std::env::temp_dir().join(format!("lambda-build-{}", std::process::id()));
        let tools = dir.join("tools");
        // A zig and a cargo-zigbuild that are there, and a cargo that builds nothing.
        std::fs::create_dir_all(tools.join("zig/lib/python3/site-packages/ziglang")).unwrap();
        std::fs::write(tools.join("zig/lib/python3/site-packages/ziglang/zig"), "").unwrap();
        std::fs::create_dir_all(tools.join("cargo/bin")).unwrap();
        let zigbuild = tools.join("cargo/bin/cargo-zigbuild");
        std::fs::write(&zigbuild, "#!/bin/sh\nexit 0\n").unwrap();
        let mut permissions = std::fs::metadata(&zigbuild).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
        std::fs::set_permissions(&zigbuild, permissions).unwrap();
        let options = BuildOptions {
            architecture: Architecture::X86_64,
            workspace: dir.clone(),
            tools_dir: tools,
            target_dir: dir.join("target"),
            cargo: "cargo".into(),
            profile: Profile::Release,
        };
        let mut recorder = Recorder::new(Answer::Yes);
        match build(&options, &mut recorder) {
            // Without rustup's x86_64 target on this machine, the build stops at adding it; either way, typed.
            Err(BuildError::Io { path, .. }) => assert!(path.ends_with("release/bootstrap"), "{}", path.display()),
            Err(BuildError::CommandFailed { command, .. }) => assert!(command.contains("rustup"), "{command}"),
            other => panic!("{other:?}"),
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_profiles_zips_do_not_collide() {
        let options = |profile| BuildOptions {
            architecture: Architecture::Arm64,
            workspace: "/w".into(),
            tools_dir: "/t".into(),
            target_dir: "/target".into(),
            cargo: "cargo".into(),
            profile,
        };
        assert_eq!(zip_path(&options(Profile::Release)), Path::new("/target/lambda/arm64/bootstrap.zip"));
        assert_eq!(zip_path(&options(Profile::Hotswap)), Path::new("/target/lambda/arm64/hotswap/bootstrap.zip"));
    }
}
