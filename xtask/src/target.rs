//! The Cognito of an environment: the client to call it with, its user pool and app client. The local environment
//! is moto (found through the local state); any other environment is AWS, found through the outputs file its
//! deploy wrote, with credentials from the standard AWS chain.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Region};
use deploy::config::LOCAL;
use local_cloud::state::LocalState;
use serde_json::Value;

use crate::error::Error;
use crate::project;

use local_cloud::cognito::local_client;

#[derive(Debug, Clone)]
pub struct Target {
    pub cognito: Client,
    pub user_pool_id: String,
    pub client_id: String,
    pub is_local: bool,
}

/// Resolves the deployed environment `env`.
pub async fn resolve(env: &str) -> Result<Target, Error> {
    let not_deployed = || Error::NotDeployed { env: env.to_owned() };
    if env == LOCAL {
        let state = LocalState::load(&project::env_dir(env)).ok_or_else(not_deployed)?;
        let moto = state.moto.as_ref().filter(|m| local_cloud::moto::answers(m.port)).ok_or_else(not_deployed)?;
        return Ok(Target {
            cognito: local_client(&moto.endpoint()),
            user_pool_id: state.user_pool_id.ok_or_else(not_deployed)?,
            client_id: state.client_id.ok_or_else(not_deployed)?,
            is_local: true,
        });
    }
    let path = project::outputs_dir(env).join("amplify_outputs.json");
    let text = std::fs::read_to_string(&path).map_err(|_| not_deployed())?;
    let outputs: Value =
        serde_json::from_str(&text).map_err(|e| Error::Usage(format!("{} is not valid JSON: {e}", path.display())))?;
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
