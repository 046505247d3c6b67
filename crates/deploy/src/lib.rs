//! The engine behind `cargo xtask`: everything that is not argument parsing or printing.
//!
//! - [`assets`]: the hardened asset bucket and the upload of the function's zip.
//! - [`cloudformation`]: the deployer: change sets, the plan, the guard for the user pool, events, teardown.
//! - [`config`]: `admin-queries.toml`, parsed and validated.
//! - [`template`]: the CloudFormation template, synthesized from the config (pure).
//! - [`package`]: checks of the built `bootstrap` and its deterministic zip.
//! - [`edit`]: format-preserving edits of the config, refusing what Cognito cannot change in place.
//! - [`openapi`]: the OpenAPI 3.1 description, from the same action table.
//! - [`outputs`]: the files Amplify clients read (`amplifyconfiguration.json`, `amplify_outputs.json`, ...).

pub mod assets;
pub mod cloudformation;
pub mod config;
pub mod edit;
pub mod openapi;
pub mod outputs;
pub mod package;
pub mod template;
