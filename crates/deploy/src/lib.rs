//! The engine behind `cargo xtask`: everything that is not argument parsing or printing.
//!
//! - [`auth`]: the change logic of `add-auth` / `update-auth`: flags and headless requests become edits.
//! - [`aws`]: deploying an environment to AWS (build, upload, synth, plan, execute, outputs) and tearing it down.
//! - [`lambda`]: building and zipping `bootstrap` for Lambda (zig, cargo-zigbuild).
//! - [`hotswap`]: `deploy --hotswap` (a code-only change straight to Lambda) and the wait for the function to be ready.
//! - [`logs`]: the function's log lines (CloudWatch Logs on AWS), its request lines read and shown as a table.
//! - [`failure`]: the kind of every error, which the command line turns into an exit code.
//! - [`report`]: the [`report::Reporter`] the long operations report to, and ask through.
//! - [`adopt`]: an adopted user pool: never changed; its client and the groups the config needs, checked first.
//! - [`assets`]: the hardened asset bucket and the upload of the function's zip.
//! - [`cloudformation`]: the deployer: change sets, the plan, the guard for the user pool, events, teardown.
//! - [`config`]: `admin-queries.toml`, parsed and validated.
//! - [`import`]: an Amplify project's auth and Admin Queries settings as a config adopting its pools (`import-amplify`).
//! - [`template`]: the CloudFormation template, synthesized from the config (pure).
//! - [`package`]: checks of the built `bootstrap` and its deterministic zip.
//! - [`names`]: the names of an environment's resources (stack, pool, function, log groups, API).
//! - [`edit`]: format-preserving edits of the config, refusing what Cognito cannot change in place.
//! - [`openapi`]: the OpenAPI 3.1 description, from the same action table.
//! - [`smoke`]: the smoke test's plan, from the enabled actions and the access rules.
//! - [`outputs`]: the files Amplify clients read (`amplifyconfiguration.json`, `amplify_outputs.json`, ...).

pub mod adopt;
pub mod assets;
pub mod auth;
pub mod aws;
pub mod cloudformation;
pub mod config;
pub mod edit;
pub mod failure;
pub mod hotswap;
pub mod import;
pub mod lambda;
pub mod logs;
pub mod names;
pub mod openapi;
pub mod outputs;
pub mod package;
pub mod report;
pub mod smoke;
pub mod template;
