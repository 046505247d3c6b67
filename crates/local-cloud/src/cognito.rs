//! Applies a user pool, its groups and an app client to a Cognito endpoint through the Cognito API, idempotently:
//! found by name, created when missing, updated when different, never duplicated. The local environment uses it
//! on moto (whose CloudFormation skips Cognito resources); it is plain Cognito API, nothing emulator-specific.

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_cognitoidentityprovider::error::{DisplayErrorContext, SdkError};
use aws_sdk_cognitoidentityprovider::types::{
    AdminCreateUserConfigType, ExplicitAuthFlowsType, GroupType, SoftwareTokenMfaConfigType, TimeUnitsType,
    TokenValidityUnitsType, UserPoolMfaType, UsernameAttributeType,
};

/// The local environment's region.
pub const LOCAL_REGION: &str = "us-east-1";

/// A Cognito client for a moto at `endpoint`: the local environment's, or the tests'. moto takes any credentials;
/// these name themselves.
pub fn local_client(endpoint: &str) -> Client {
    let config = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(LOCAL_REGION))
        .endpoint_url(endpoint)
        .credentials_provider(Credentials::new("local", "local", None, None, "admin-queries-local"))
        .build();
    Client::from_conf(config)
}

/// What the pool must look like.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolSpec {
    pub name: String,
    /// `email` and/or `phone_number`; empty: sign in with a user name.
    pub username_attributes: Vec<String>,
    pub groups: Vec<GroupSpec>,
    pub client_name: String,
    /// Whether anyone may sign up; `false`: only administrators create users (`AllowAdminCreateUserOnly`).
    pub self_sign_up: bool,
    /// Cognito's `MfaConfiguration`: `OFF`, `OPTIONAL` or `ON`; TOTP is the factor whenever it is not `OFF`.
    pub mfa: String,
    /// The app client's token lifetimes, in minutes: access, ID, refresh.
    pub token_validity_minutes: [i32; 3],
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSpec {
    pub name: String,
    pub precedence: Option<i32>,
    pub description: Option<String>,
}

/// The pool as it now is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppliedPool {
    pub pool_id: String,
    /// The client this tool manages.
    pub client_id: String,
    /// Every client of the pool (the authorizer accepts tokens from any of them, as API Gateway does).
    pub client_ids: Vec<String>,
    /// What changed, in words; empty when nothing did.
    pub changes: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum ApplyError {
    /// The adopted pool lacks what the config needs, or could not be read.
    #[error(transparent)]
    Adopt(#[from] deploy::adopt::AdoptError),
    #[error("the config adopts no pool (user_pool.existing)")]
    NotAdopting,
    #[error("Cognito at {endpoint} refused {operation}: {message}")]
    Cognito { endpoint: String, operation: &'static str, message: String },
    #[error(
        "the user pool `{pool}` signs users in with {existing}, but the config asks for {wanted}; Cognito cannot \
         change this on an existing pool\nhelp: for the local environment, run `cargo xtask teardown` and deploy again"
    )]
    Immutable { pool: String, existing: String, wanted: String },
    #[error(
        "the user pool `{pool}` {has} self sign-up, but the config asks for it {wanted}; the local pool takes it at \
         creation only (moto's UpdateUserPool would forget how users sign in; a pool in AWS changes in place)\n\
         help: for the local environment, run `cargo xtask teardown` and deploy again"
    )]
    SelfSignUpChanged { pool: String, has: &'static str, wanted: &'static str },
}

/// The auth flows of the managed client: SRP (Amplify's default), password (the CLI, and clients of moto, which
/// does not verify SRP), and refresh.
const AUTH_FLOWS: [ExplicitAuthFlowsType; 3] = [
    ExplicitAuthFlowsType::AllowUserSrpAuth,
    ExplicitAuthFlowsType::AllowUserPasswordAuth,
    ExplicitAuthFlowsType::AllowRefreshTokenAuth,
];

fn describe(attributes: &[String]) -> String {
    if attributes.is_empty() { "a user name".to_owned() } else { attributes.join(" or ") }
}

fn refused<E, R>(endpoint: &str, operation: &'static str) -> impl Fn(SdkError<E, R>) -> ApplyError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    let endpoint = endpoint.to_owned();
    move |e| ApplyError::Cognito { endpoint: endpoint.clone(), operation, message: DisplayErrorContext(&e).to_string() }
}

/// Applies `spec`. `endpoint` only names the endpoint in errors.
pub async fn apply(cognito: &Client, endpoint: &str, spec: &PoolSpec) -> Result<AppliedPool, ApplyError> {
    let mut changes = Vec::new();

    // The pool, by name.
    let mut pool_id = None;
    let mut pages = cognito.list_user_pools().max_results(60).into_paginator().send();
    while let Some(page) = pages.next().await {
        let page = page.map_err(refused(endpoint, "ListUserPools"))?;
        if let Some(found) = page.user_pools().iter().find(|p| p.name() == Some(spec.name.as_str())) {
            pool_id = found.id().map(str::to_owned);
            break;
        }
    }
    let pool_id = match pool_id {
        Some(id) => {
            let described = cognito
                .describe_user_pool()
                .user_pool_id(&id)
                .send()
                .await
                .map_err(refused(endpoint, "DescribeUserPool"))?;
            let existing: Vec<String> = described
                .user_pool()
                .map(|p| p.username_attributes().iter().map(|a| a.as_str().to_owned()).collect())
                .unwrap_or_default();
            let (mut a, mut b) = (existing.clone(), spec.username_attributes.clone());
            a.sort();
            b.sort();
            if a != b {
                return Err(ApplyError::Immutable {
                    pool: spec.name.clone(),
                    existing: describe(&existing),
                    wanted: describe(&spec.username_attributes),
                });
            }
            id
        }
        None => {
            let created = cognito
                .create_user_pool()
                .pool_name(&spec.name)
                .set_username_attributes(Some(
                    spec.username_attributes.iter().map(|a| UsernameAttributeType::from(a.as_str())).collect(),
                ))
                .admin_create_user_config(admin_create_user_config(spec))
                .send()
                .await
                .map_err(refused(endpoint, "CreateUserPool"))?;
            let id = created.user_pool().and_then(|p| p.id()).unwrap_or_default().to_owned();
            changes.push(format!("created user pool {} ({id})", spec.name));
            id
        }
    };

    // Self sign-up (set at creation) and MFA, as the template sets them on the pool in AWS.
    let described = cognito
        .describe_user_pool()
        .user_pool_id(&pool_id)
        .send()
        .await
        .map_err(refused(endpoint, "DescribeUserPool"))?;
    let admin_only = described
        .user_pool()
        .and_then(|p| p.admin_create_user_config())
        .map(AdminCreateUserConfigType::allow_admin_create_user_only)
        .unwrap_or(false);
    if admin_only == spec.self_sign_up {
        return Err(ApplyError::SelfSignUpChanged {
            pool: spec.name.clone(),
            has: if admin_only { "does not allow" } else { "allows" },
            wanted: if spec.self_sign_up { "on" } else { "off" },
        });
    }
    let mfa = cognito
        .get_user_pool_mfa_config()
        .user_pool_id(&pool_id)
        .send()
        .await
        .map_err(refused(endpoint, "GetUserPoolMfaConfig"))?;
    let wanted_mfa = UserPoolMfaType::from(spec.mfa.as_str());
    let totp = mfa.software_token_mfa_configuration().is_some_and(SoftwareTokenMfaConfigType::enabled);
    let mfa_differs = mfa.mfa_configuration().unwrap_or(&UserPoolMfaType::Off) != &wanted_mfa
        || (wanted_mfa != UserPoolMfaType::Off && !totp);
    if mfa_differs {
        // TOTP first: Cognito refuses MFA without a factor.
        cognito
            .set_user_pool_mfa_config()
            .user_pool_id(&pool_id)
            .software_token_mfa_configuration(
                SoftwareTokenMfaConfigType::builder().enabled(wanted_mfa != UserPoolMfaType::Off).build(),
            )
            .mfa_configuration(wanted_mfa.clone())
            .send()
            .await
            .map_err(refused(endpoint, "SetUserPoolMfaConfig"))?;
        changes.push(format!("set MFA to {} on user pool {}", spec.mfa, spec.name));
    }

    // The groups: created or updated; groups the config does not list are left alone.
    let mut existing: Vec<GroupType> = Vec::new();
    let mut pages = cognito.list_groups().user_pool_id(&pool_id).into_paginator().send();
    while let Some(page) = pages.next().await {
        existing.extend(page.map_err(refused(endpoint, "ListGroups"))?.groups().iter().cloned());
    }
    for group in &spec.groups {
        match existing.iter().find(|g| g.group_name() == Some(group.name.as_str())) {
            None => {
                cognito
                    .create_group()
                    .user_pool_id(&pool_id)
                    .group_name(&group.name)
                    .set_precedence(group.precedence)
                    .set_description(group.description.clone())
                    .send()
                    .await
                    .map_err(refused(endpoint, "CreateGroup"))?;
                changes.push(format!("created group {}", group.name));
            }
            Some(found) => {
                let description = found.description().filter(|d| !d.is_empty()).map(str::to_owned);
                if found.precedence() != group.precedence || description != group.description {
                    cognito
                        .update_group()
                        .user_pool_id(&pool_id)
                        .group_name(&group.name)
                        .set_precedence(group.precedence)
                        .set_description(group.description.clone())
                        .send()
                        .await
                        .map_err(refused(endpoint, "UpdateGroup"))?;
                    changes.push(format!("updated group {}", group.name));
                }
            }
        }
    }

    let (client_id, client_ids) = client(cognito, endpoint, &pool_id, spec, &mut changes).await?;
    Ok(AppliedPool { pool_id, client_id, client_ids, changes })
}

/// The managed app client of `pool_id`, by name: created, or updated to the spec's auth flows and token lifetimes.
/// Returns its id and the ids of every client of the pool.
async fn client(
    cognito: &Client,
    endpoint: &str,
    pool_id: &str,
    spec: &PoolSpec,
    changes: &mut Vec<String>,
) -> Result<(String, Vec<String>), ApplyError> {
    let mut clients = Vec::new();
    let mut pages = cognito.list_user_pool_clients().user_pool_id(pool_id).max_results(60).into_paginator().send();
    while let Some(page) = pages.next().await {
        clients.extend(page.map_err(refused(endpoint, "ListUserPoolClients"))?.user_pool_clients().iter().cloned());
    }
    let mut client_ids: Vec<String> = clients.iter().filter_map(|c| c.client_id().map(str::to_owned)).collect();
    let client_id =
        match clients.iter().find(|c| c.client_name() == Some(spec.client_name.as_str())).and_then(|c| c.client_id()) {
            Some(id) => {
                let described = cognito
                    .describe_user_pool_client()
                    .user_pool_id(pool_id)
                    .client_id(id)
                    .send()
                    .await
                    .map_err(refused(endpoint, "DescribeUserPoolClient"))?;
                let client = described.user_pool_client();
                let flows = client.map(|c| c.explicit_auth_flows().to_vec()).unwrap_or_default();
                let flows_differ = !AUTH_FLOWS.iter().all(|f| flows.contains(f));
                let lifetimes = client.map(|c| {
                    let units = c.token_validity_units();
                    [
                        (c.access_token_validity(), units.and_then(TokenValidityUnitsType::access_token)),
                        (c.id_token_validity(), units.and_then(TokenValidityUnitsType::id_token)),
                        (Some(c.refresh_token_validity()), units.and_then(TokenValidityUnitsType::refresh_token)),
                    ]
                });
                let validity_differs = lifetimes.is_none_or(|l| {
                    l.iter()
                        .zip(spec.token_validity_minutes)
                        .any(|((value, unit), wanted)| *value != Some(wanted) || *unit != Some(&TimeUnitsType::Minutes))
                });
                if flows_differ || validity_differs {
                    // UpdateUserPoolClient resets what it is not given: give it everything this tool manages.
                    let [access, id_token, refresh] = spec.token_validity_minutes;
                    cognito
                        .update_user_pool_client()
                        .user_pool_id(pool_id)
                        .client_id(id)
                        .client_name(&spec.client_name)
                        .set_explicit_auth_flows(Some(AUTH_FLOWS.to_vec()))
                        .access_token_validity(access)
                        .id_token_validity(id_token)
                        .refresh_token_validity(refresh)
                        .token_validity_units(validity_units())
                        .send()
                        .await
                        .map_err(refused(endpoint, "UpdateUserPoolClient"))?;
                    if flows_differ {
                        changes.push(format!("updated the auth flows of app client {}", spec.client_name));
                    }
                    if validity_differs {
                        changes.push(format!("updated the token lifetimes of app client {}", spec.client_name));
                    }
                }
                id.to_owned()
            }
            None => {
                let created = cognito
                    .create_user_pool_client()
                    .user_pool_id(pool_id)
                    .client_name(&spec.client_name)
                    .generate_secret(false)
                    .set_explicit_auth_flows(Some(AUTH_FLOWS.to_vec()))
                    .access_token_validity(spec.token_validity_minutes[0])
                    .id_token_validity(spec.token_validity_minutes[1])
                    .refresh_token_validity(spec.token_validity_minutes[2])
                    .token_validity_units(validity_units())
                    .send()
                    .await
                    .map_err(refused(endpoint, "CreateUserPoolClient"))?;
                let id = created.user_pool_client().and_then(|c| c.client_id()).unwrap_or_default().to_owned();
                client_ids.push(id.clone());
                changes.push(format!("created app client {} ({id})", spec.client_name));
                id
            }
        };
    Ok((client_id, client_ids))
}

/// Adopts the existing pool of `config` (`user_pool.existing`) as `deploy::adopt` says: the pool, its groups and
/// its clients are left as they are; missing groups refuse, or are created when `create_missing_groups`; a client
/// is made (by the spec's name) only when the config names none of the pool's own.
pub async fn adopt(
    cognito: &Client,
    endpoint: &str,
    config: &deploy::config::Config,
    spec: &PoolSpec,
    create_missing_groups: bool,
) -> Result<AppliedPool, ApplyError> {
    let adoption = deploy::adopt::inspect(cognito, config).await?.ok_or(ApplyError::NotAdopting)?;
    adoption.check(create_missing_groups)?;
    let mut changes = Vec::new();
    if create_missing_groups {
        changes.extend(adoption.create_missing_groups(cognito, config).await?);
    }
    let (client_id, client_ids) = match &adoption.own_client {
        Some(own) => (own.clone(), adoption.client_ids.clone()),
        None => client(cognito, endpoint, &adoption.pool_id, spec, &mut changes).await?,
    };
    Ok(AppliedPool { pool_id: adoption.pool_id, client_id, client_ids, changes })
}

fn admin_create_user_config(spec: &PoolSpec) -> AdminCreateUserConfigType {
    AdminCreateUserConfigType::builder().allow_admin_create_user_only(!spec.self_sign_up).build()
}

/// Every lifetime of the managed client in minutes.
fn validity_units() -> TokenValidityUnitsType {
    TokenValidityUnitsType::builder()
        .access_token(TimeUnitsType::Minutes)
        .id_token(TimeUnitsType::Minutes)
        .refresh_token(TimeUnitsType::Minutes)
        .build()
}
