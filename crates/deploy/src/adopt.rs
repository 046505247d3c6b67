//! An adopted user pool (`user_pool.existing`), for AWS and the local environment alike: it is never created,
//! modified, replaced or deleted, by the stack or by teardown, and neither are its groups or its app clients. What
//! the config needs of it is checked through the Cognito API before anything changes: that the pool and the app's
//! own client (`user_pool.client_id`) exist, and that the groups the config names (the restriction and the access
//! rules) are there. A missing group refuses the deploy, unless it is asked to create it: through the Cognito API,
//! never as a stack resource, so that the stack never owns anything of the pool.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};

use crate::config::Config;
use crate::failure::Failure;

/// The adopted pool as Cognito has it, against what the config needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Adoption {
    pub pool_id: String,
    /// The app's own client (`user_pool.client_id`); `None`: the deployment makes a client of its own.
    pub own_client: Option<String>,
    /// Every app client of the pool (the local gateway accepts tokens from any of them, as API Gateway does).
    pub client_ids: Vec<String>,
    /// The groups the config names that the pool lacks.
    pub missing_groups: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum AdoptError {
    #[error("the user pool {pool} (user_pool.existing) does not exist in this account and region")]
    NoPool { pool: String },
    #[error("the app client {client} (user_pool.client_id) is not a client of the user pool {pool}")]
    NoClient { pool: String, client: String },
    #[error(
        "the adopted user pool {pool} has no group {}, which the config names (admin_api.restrict_to_group or admin_api.access)",
        groups.join(", ")
    )]
    MissingGroups { pool: String, groups: Vec<String> },
    #[error("{action} on the adopted user pool failed: {message}")]
    Cognito { action: &'static str, message: String },
}

impl AdoptError {
    pub fn failure(&self) -> Failure {
        match self {
            Self::NoPool { .. } | Self::NoClient { .. } => Failure::Config,
            Self::MissingGroups { .. } => Failure::Refused,
            Self::Cognito { .. } => Failure::Remote,
        }
    }

    /// What to do about it, in one line.
    pub fn help(&self) -> String {
        match self {
            Self::NoPool { .. } => {
                "check the pool id and the environment's region (and for `local`, that the pool exists in its moto)".into()
            }
            Self::NoClient { .. } => {
                "use the web client id the app signs in with (amplify-meta.json: AppClientIDWeb), or remove user_pool.client_id to have a client made".into()
            }
            Self::MissingGroups { .. } => {
                "create the groups in the pool, or deploy with --create-missing-groups (created through the Cognito API, never by the stack)".into()
            }
            Self::Cognito { .. } => "check that the credentials may read the pool (cognito-idp:Describe*, List*)".into(),
        }
    }
}

fn failed<E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static, R: std::fmt::Debug>(
    action: &'static str,
) -> impl Fn(SdkError<E, R>) -> AdoptError {
    move |e| AdoptError::Cognito { action, message: DisplayErrorContext(&e).to_string() }
}

fn not_found<E: ProvideErrorMetadata, R>(error: &SdkError<E, R>) -> bool {
    error.as_service_error().and_then(ProvideErrorMetadata::code) == Some("ResourceNotFoundException")
}

/// Reads the adopted pool; `None` when the config adopts none.
pub async fn inspect(cognito: &Client, config: &Config) -> Result<Option<Adoption>, AdoptError> {
    let Some(pool) = config.user_pool.existing.clone() else { return Ok(None) };
    let described = cognito.describe_user_pool().user_pool_id(&pool).send().await;
    if let Err(e) = described {
        return Err(if not_found(&e) { AdoptError::NoPool { pool } } else { failed("DescribeUserPool")(e) });
    }
    let mut client_ids = Vec::new();
    let mut pages = cognito.list_user_pool_clients().user_pool_id(&pool).max_results(60).into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(failed("ListUserPoolClients"))?;
        client_ids.extend(page.user_pool_clients().iter().filter_map(|c| c.client_id().map(str::to_owned)));
    }
    let own_client = config.user_pool.client_id.clone();
    if let Some(client) = &own_client
        && !client_ids.contains(client)
    {
        return Err(AdoptError::NoClient { pool, client: client.clone() });
    }
    let mut existing = Vec::new();
    let mut pages = cognito.list_groups().user_pool_id(&pool).into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(failed("ListGroups"))?;
        existing.extend(page.groups().iter().filter_map(|g| g.group_name().map(str::to_owned)));
    }
    let missing_groups = config.administering_groups().into_iter().filter(|g| !existing.contains(g)).collect();
    Ok(Some(Adoption { pool_id: pool, own_client, client_ids, missing_groups }))
}

impl Adoption {
    /// What the deployment does with the pool, for the plan: one line each.
    pub fn plan(&self, create_missing_groups: bool) -> Vec<String> {
        let mut lines = vec![format!(
            "Adopt the user pool {}: never created, modified or deleted, by the stack or by teardown",
            self.pool_id
        )];
        lines.push(match &self.own_client {
            Some(client) => format!("Use the app's own client {client} (user_pool.client_id); no client is made"),
            None => "Make a new app client in the pool (no user_pool.client_id is given)".to_owned(),
        });
        if create_missing_groups {
            lines.extend(self.missing_groups.iter().map(|group| {
                format!("Create the group {group} in the pool through the Cognito API (--create-missing-groups)")
            }));
        }
        lines
    }

    /// Refuses a pool that lacks a group the config names, unless they are to be created.
    pub fn check(&self, create_missing_groups: bool) -> Result<(), AdoptError> {
        if self.missing_groups.is_empty() || create_missing_groups {
            Ok(())
        } else {
            Err(AdoptError::MissingGroups { pool: self.pool_id.clone(), groups: self.missing_groups.clone() })
        }
    }

    /// Creates the missing groups through the Cognito API, with the config's precedence and description; returns
    /// what it did, in words.
    pub async fn create_missing_groups(&self, cognito: &Client, config: &Config) -> Result<Vec<String>, AdoptError> {
        let mut done = Vec::new();
        for name in &self.missing_groups {
            let declared = config.user_pool.groups.iter().find(|g| &g.name == name);
            cognito
                .create_group()
                .user_pool_id(&self.pool_id)
                .group_name(name)
                .set_precedence(declared.and_then(|g| g.precedence))
                .set_description(declared.and_then(|g| g.description.clone()))
                .send()
                .await
                .map_err(failed("CreateGroup"))?;
            done.push(format!("created the group {name} in the adopted pool {}", self.pool_id));
        }
        Ok(done)
    }
}
