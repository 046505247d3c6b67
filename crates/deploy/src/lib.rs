//! The engine behind `cargo xtask`: everything that is not argument parsing or printing.
//!
//! - [`config`]: `admin-queries.toml`, parsed and validated.
//! - [`outputs`]: the files Amplify clients read (`amplifyconfiguration.json`, `amplify_outputs.json`, ...).

pub mod config;
pub mod outputs;
