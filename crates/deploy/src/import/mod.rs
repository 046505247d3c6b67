//! `cargo xtask import-amplify`: an Amplify project's auth and Admin Queries settings, read from its files, as an
//! `admin-queries.toml` whose environments adopt the project's user pools.
//!
//! - Gen 1 (`amplify/backend/backend-config.json`, [`gen1`]): one environment per Amplify environment
//!   (`team-provider-info.json`), each adopting its pool and web app client; the groups, the group restriction, the
//!   token kind (ID tokens with a Hosted UI) and the project's name. The pool ids on disk are those of the
//!   environment pushed last (`amplify-meta.json`); the others are read from CloudFormation with
//!   [`Plan::fetch_pools`] ([`aws`]), or left as a commented placeholder.
//! - Gen 2 (`amplify_outputs.json`, [`gen2`]): the one environment the file describes, named [`GEN2_ENVIRONMENT`]
//!   unless told otherwise.
//!
//! [`read`] reads (no AWS call), [`Plan::render`] writes the config's text, each value with a comment naming the
//! file and key it came from, and checks it with [`crate::config::Config::parse`]. What an import cannot carry
//! (custom routes, other APIs, auth triggers, ...) comes back as [`Note`]s, each with what to do instead.

use std::path::Path;

use serde::Serialize;

use crate::config::{Group, TokenKind, UsernameAttribute};

mod aws;
mod error;
mod function;
mod gen1;
mod gen2;
mod json;
mod render;

pub use aws::pool_from_stack;
pub use error::ImportError;
pub use function::{STOCK_ROUTES, routes};
pub use json::Sourced;

/// The environment a Gen 2 app's `amplify_outputs.json` becomes, unless `--env` names another: Amplify Hosting's
/// default branch.
pub const GEN2_ENVIRONMENT: &str = "main";

/// Which Amplify wrote the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Generation {
    Gen1,
    Gen2,
}

/// Who may administer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Restriction {
    /// The members of this group (`admin_api.restrict_to_group`).
    Group(String),
    /// Every signed-in user, as the Amplify project had it (`admin_api.allow_any_signed_in_user = true`).
    AnySignedInUser,
}

/// What an import found: everything the config will say, each value with its origin.
#[derive(Debug, Clone)]
pub struct Plan {
    pub generation: Generation,
    pub project: Sourced<String>,
    pub username_attributes: Sourced<Vec<UsernameAttribute>>,
    pub groups: Sourced<Vec<Group>>,
    pub restriction: Sourced<Restriction>,
    pub token: Sourced<TokenKind>,
    pub environments: Vec<AmplifyEnvironment>,
    /// The Gen 1 auth resource (`amplify/backend/auth/<name>`), whose nested stack holds the pool.
    pub auth_resource: Option<String>,
    /// What the import cannot carry, each with what to do instead.
    pub notes: Vec<Note>,
}

/// One Amplify environment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmplifyEnvironment {
    pub name: String,
    pub region: Sourced<String>,
    /// Amplify's root stack (Gen 1), where [`Plan::fetch_pools`] looks for the pool.
    pub root_stack: Option<String>,
    /// The pool and web app client, when the files (or CloudFormation) hold them.
    pub pool: Option<AdoptedPool>,
    /// The URL of Amplify's Admin Queries API, when the files hold it.
    pub api_url: Option<String>,
}

/// The pool an environment adopts, and its web app client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdoptedPool {
    pub id: Sourced<String>,
    pub client_id: Sourced<String>,
}

/// Something the import cannot carry, and what to do instead.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    pub kind: NoteKind,
    pub what: String,
    pub instead: String,
}

impl Note {
    pub fn new(kind: NoteKind, what: impl Into<String>, instead: impl Into<String>) -> Self {
        Self { kind, what: what.into(), instead: instead.into() }
    }
}

/// What a [`Note`] is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// A route the app added to the Amplify function's `app.js`.
    CustomRoute,
    /// Stock routes the app removed from `app.js`.
    RemovedRoute,
    /// Other edits of the function's code.
    EditedFunction,
    /// A REST API other than Admin Queries.
    OtherApi,
    /// Lambda triggers of the user pool.
    Triggers,
    /// Sign-in with alias attributes, which the config does not describe.
    Aliases,
    /// Amplify's own Admin Queries API, which keeps running until it is removed.
    AmplifyApi,
    /// The group restriction was chosen by the import, or lifted as the project had it.
    Restriction,
    /// The restriction names a group the pool does not have.
    MissingGroup,
}

/// An environment whose pool the files do not hold: `--aws` reads it from `stack`, or the user writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pending {
    pub env: String,
    pub region: String,
    pub stack: Option<String>,
}

/// The config an import gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Imported {
    pub generation: Generation,
    /// The text of `admin-queries.toml`, valid.
    pub text: String,
    pub environments: Vec<String>,
    /// Environments written with a commented placeholder instead of their pool.
    pub pending: Vec<Pending>,
    pub notes: Vec<Note>,
}

/// Reads the Amplify project at `root` (the folder that holds `amplify/`, or a Gen 2 app's `amplify_outputs.json`).
/// `env` keeps one Gen 1 environment, or names the Gen 2 one. No AWS call is made.
pub fn read(root: &Path, env: Option<&str>) -> Result<Plan, ImportError> {
    let gen1 = [
        "amplify/backend/backend-config.json",
        "amplify/.config/project-config.json",
        "amplify/team-provider-info.json",
    ]
    .iter()
    .any(|rel| root.join(rel).is_file());
    if gen1 {
        return gen1::read(root, env);
    }
    if root.join(gen2::OUTPUTS).is_file() {
        return gen2::read(root, env.unwrap_or(GEN2_ENVIRONMENT));
    }
    if root.join("amplify").is_dir() {
        return Err(ImportError::NoGen2Outputs { path: root.join(gen2::OUTPUTS) });
    }
    Err(ImportError::NotAmplify { path: root.to_owned() })
}

impl Plan {
    /// The environments whose pool the files do not hold.
    pub fn pending(&self) -> Vec<&AmplifyEnvironment> {
        self.environments.iter().filter(|e| e.pool.is_none()).collect()
    }

    /// Reads the pools of the [`Plan::pending`] environments from their Amplify root stacks, with credentials found
    /// the standard way, each in its environment's region. Answers the environments it filled.
    pub async fn fetch_pools(&mut self) -> Result<Vec<String>, ImportError> {
        let sdk = aws_config::defaults(aws_config::BehaviorVersion::latest()).load().await;
        // The credentials first, in one STS call, with one line that says what was tried when they fail.
        if let Some(env) = self.pending().first() {
            let clients = crate::aws::Clients::for_region(&env.region.value).await;
            crate::aws::identity(&clients).await.map_err(|e| ImportError::Credentials(Box::new(e)))?;
        }
        self.fetch_pools_with(|region| {
            let config = aws_sdk_cloudformation::config::Builder::from(&sdk)
                .region(aws_config::Region::new(region.to_owned()))
                .build();
            aws_sdk_cloudformation::Client::from_conf(config)
        })
        .await
    }

    /// [`Plan::fetch_pools`] with the CloudFormation client `client_for` gives for a region.
    pub async fn fetch_pools_with(
        &mut self,
        mut client_for: impl FnMut(&str) -> aws_sdk_cloudformation::Client,
    ) -> Result<Vec<String>, ImportError> {
        let mut filled = Vec::new();
        let Some(auth) = self.auth_resource.clone() else { return Ok(filled) };
        for env in self.environments.iter_mut().filter(|e| e.pool.is_none()) {
            let Some(stack) = env.root_stack.clone() else { continue };
            let client = client_for(&env.region.value);
            env.pool = Some(pool_from_stack(&client, &env.name, &stack, &auth).await?);
            filled.push(env.name.clone());
        }
        Ok(filled)
    }

    /// The config's text, checked with [`crate::config::Config::parse`] and every environment's settings.
    pub fn render(&self) -> Result<Imported, ImportError> {
        render::render(self)
    }
}

/// [`read`], [`Plan::fetch_pools`] when `aws` (and a pool is missing), [`Plan::render`].
pub async fn import(root: &Path, env: Option<&str>, aws: bool) -> Result<Imported, ImportError> {
    let mut plan = read(root, env)?;
    if aws && !plan.pending().is_empty() {
        plan.fetch_pools().await?;
    }
    plan.render()
}

/// A project name the config accepts (`[a-z][a-z0-9-]{0,39}`): lowercase, other characters as `-`.
pub fn project_name(name: &str) -> String {
    let mut out: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    if !out.starts_with(|c: char| c.is_ascii_lowercase()) {
        out.insert_str(0, "app-");
    }
    out.truncate(40);
    out.trim_end_matches('-').to_owned()
}
