//! `cargo xtask build-lambda`: arguments, then `deploy::lambda::build`, then printing.

use std::path::Path;

use deploy::config::Architecture;
use deploy::lambda;
use serde_json::json;

use crate::error::Error;
use crate::project::{self, progress};
use crate::reporter::Terminal;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The architecture to build for; the config's `lambda.architecture` when absent (arm64 by default).
    #[arg(long, value_enum)]
    pub arch: Option<Arch>,
    /// The cargo profile: `release` (what full deploys ship) or `hotswap` (what `deploy --hotswap` ships: LTO within
    /// each crate only, incremental, rebuilt in seconds after a change in a handler).
    #[arg(long, value_enum, default_value_t = BuildProfile::Release)]
    pub profile: BuildProfile,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum BuildProfile {
    Release,
    Hotswap,
}

impl From<BuildProfile> for lambda::Profile {
    fn from(profile: BuildProfile) -> Self {
        match profile {
            BuildProfile::Release => lambda::Profile::Release,
            BuildProfile::Hotswap => lambda::Profile::Hotswap,
        }
    }
}

impl From<Arch> for Architecture {
    fn from(arch: Arch) -> Self {
        match arch {
            Arch::Arm64 => Architecture::Arm64,
            Arch::X86_64 => Architecture::X86_64,
        }
    }
}

fn mb(bytes: usize) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}

pub fn run(args: &Args) -> Result<(), Error> {
    let architecture = match args.arch {
        Some(arch) => arch.into(),
        // No config: the default architecture, as documented; an invalid one is an error, not a silent default.
        None => match project::load(deploy::config::LOCAL) {
            Ok((config, _)) => config.lambda.architecture,
            Err(Error::Config(deploy::config::ConfigError::Missing { .. })) => Architecture::default(),
            Err(e) => return Err(e),
        },
    };
    let options = lambda::BuildOptions { profile: args.profile.into(), ..project::build_options(architecture) };
    let artifact = lambda::build(&options, &mut Terminal::new())?;
    let glibc = artifact.max_glibc.map(|(a, b)| format!("{a}.{b}"));
    if args.json {
        let out = json!({
            "architecture": lambda::name(architecture),
            "profile": options.profile.name(),
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
            lambda::name(architecture),
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
