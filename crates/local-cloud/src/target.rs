//! The Cognito of an environment: the client to call it with, its user pool and app client. The local environment
//! is moto (found through the local state); any other environment is AWS, found through the outputs file its
//! deploy wrote, with credentials from the standard AWS chain.

use aws_config::{BehaviorVersion, Region};
use aws_sdk_cognitoidentityprovider::Client;
use deploy::config::LOCAL;
use serde_json::Value;

use crate::cognito::local_client;
use crate::env::Place;
use crate::state::LocalState;

#[derive(Debug, Clone)]
pub struct Target {
    pub cognito: Client,
    pub user_pool_id: String,
    pub client_id: String,
    /// The local environment (moto), whose users are throwaway.
    pub is_local: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum TargetError {
    #[error("the `{env}` environment is not deployed\nhelp: run `cargo xtask deploy --env {env}` first")]
    NotDeployed { env: String },
    #[error("{} is not valid JSON: {message}", path.display())]
    BadOutputs { path: std::path::PathBuf, message: String },
    /// An AWS environment's credentials, refused before any call to its Cognito.
    #[error(transparent)]
    Credentials(Box<deploy::aws::Error>),
}

impl TargetError {
    pub fn failure(&self) -> deploy::failure::Failure {
        match self {
            Self::NotDeployed { .. } => deploy::failure::Failure::NotDeployed,
            Self::BadOutputs { .. } => deploy::failure::Failure::Refused,
            Self::Credentials(e) => e.failure(),
        }
    }
}

impl TargetError {
    /// What to do about it, in one line.
    pub fn help(&self) -> String {
        match self {
            Self::NotDeployed { env } => format!("run `cargo xtask deploy --env {env}` first"),
            Self::BadOutputs { .. } => "deploy the environment again, which writes its outputs files anew".into(),
            Self::Credentials(e) => e.help(),
        }
    }
}

/// The base URL (with the stage) of the admin API of the deployed environment that `place` names: the gateway's for
/// the local environment, else the endpoint in the outputs file its deploy wrote.
pub fn endpoint(place: &Place) -> Result<String, TargetError> {
    let not_deployed = || TargetError::NotDeployed { env: place.env.clone() };
    if place.env == LOCAL {
        return LocalState::load(&place.state_dir).and_then(|s| s.gateway.map(|g| g.url())).ok_or_else(not_deployed);
    }
    let path = place.outputs_dir.join("amplifyconfiguration.json");
    let text = std::fs::read_to_string(&path).map_err(|_| not_deployed())?;
    let config: Value =
        serde_json::from_str(&text).map_err(|e| TargetError::BadOutputs { path, message: e.to_string() })?;
    config["aws_cloud_logic_custom"][0]["endpoint"].as_str().map(str::to_owned).ok_or_else(not_deployed)
}

impl Target {
    /// How many users are in `group`, counted up to 60 (one page); `None` when the pool cannot be read.
    pub async fn members(&self, group: &str) -> Option<usize> {
        let page = self.cognito.list_users_in_group().user_pool_id(&self.user_pool_id).group_name(group).limit(60);
        Some(page.send().await.ok()?.users().len())
    }
}

/// [`resolve`], then, for an AWS environment, the credentials checked with one STS call, so that a command fails at
/// once with one line that says what was tried, before any call to the pool.
pub async fn resolve_checked(place: &Place) -> Result<Target, TargetError> {
    let target = resolve(place).await?;
    if !target.is_local {
        let region = target.cognito.config().region().map(ToString::to_string).unwrap_or_default();
        let clients = deploy::aws::Clients::for_region(&region).await;
        deploy::aws::identity(&clients).await.map_err(|e| TargetError::Credentials(Box::new(e)))?;
    }
    Ok(target)
}

/// Resolves the deployed environment that `place` names.
pub async fn resolve(place: &Place) -> Result<Target, TargetError> {
    let env = &place.env;
    let not_deployed = || TargetError::NotDeployed { env: env.clone() };
    if env == LOCAL {
        let state = LocalState::load(&place.state_dir).ok_or_else(not_deployed)?;
        let moto = state.moto.as_ref().filter(|m| crate::moto::answers(m.port)).ok_or_else(not_deployed)?;
        return Ok(Target {
            cognito: local_client(&moto.endpoint()),
            user_pool_id: state.user_pool_id.ok_or_else(not_deployed)?,
            client_id: state.client_id.ok_or_else(not_deployed)?,
            is_local: true,
        });
    }
    let path = place.outputs_dir.join("amplify_outputs.json");
    let text = std::fs::read_to_string(&path).map_err(|_| not_deployed())?;
    let outputs: Value =
        serde_json::from_str(&text).map_err(|e| TargetError::BadOutputs { path, message: e.to_string() })?;
    let field = |name: &str| outputs["auth"][name].as_str().map(str::to_owned).ok_or_else(not_deployed);
    let region = field("aws_region")?;
    let sdk = aws_config::defaults(BehaviorVersion::latest()).region(Region::new(region)).load().await;
    Ok(Target {
        cognito: Client::new(&sdk),
        user_pool_id: field("user_pool_id")?,
        client_id: field("user_pool_client_id")?,
        is_local: false,
    })
}
