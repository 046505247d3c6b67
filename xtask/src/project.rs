//! Where an environment's things are: its config, its state and outputs directories (the workspace's own folders
//! are `workbench::workspace`'s).

use std::path::PathBuf;

use deploy::config::{Architecture, Config, Environment};
use deploy::lambda::BuildOptions;

use crate::error::Error;
pub use workbench::workspace::{project_dir, root, target_dir, tools_dir};

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

/// Building for `architecture` in this workspace, with its tools directory and cargo.
pub fn build_options(architecture: Architecture) -> BuildOptions {
    BuildOptions {
        architecture,
        workspace: root(),
        tools_dir: tools_dir(),
        target_dir: target_dir(),
        cargo: std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
        profile: deploy::lambda::Profile::Release,
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

/// Progress for a person, on stderr; the results a program reads go to stdout.
pub fn progress(message: &str) {
    eprintln!("• {message}");
}
