//! The checks that do not take a name at its word.
//!
//! - [`verify`]: before an action, Cognito confirms that the caller is still enabled, still signed in and still in
//!   the groups the action needs. API Gateway's authorizer checks only the token's signature and expiry, so without
//!   this a disabled, demoted or signed-out administrator keeps full access until the token expires.
//! - [`resolve`]: a target user named by an email, a phone number, a `preferred_username`, a `sub` or a case variant
//!   is resolved to its canonical user name and `sub` before a guard compares it with anyone.
//! - [`AdminGroup`]: the enabled members of the administering group, read before a change that could empty it and
//!   again after, so that two administrators acting on each other at once cannot leave it empty.

use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::types::AttributeType;

use crate::caller::{Caller, TokenUse};
use crate::config::AppState;
use crate::error::ApiError;

/// Why a caller whose token is still valid is refused.
const DISABLED: &str = "Unauthorized: this account is disabled";
const REVOKED: &str =
    "Unauthorized: this token is no longer valid (its user signed out, was signed out or was disabled): sign in again";
const GONE: &str = "Unauthorized: this token's user no longer exists";

/// A user as Cognito knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The canonical user name (in a pool that signs in by email or phone, the `sub`).
    pub username: String,
    pub sub: Option<String>,
    pub enabled: bool,
}

impl Identity {
    /// Whether this is the caller: the `sub` decides when both have one; else the canonical user name.
    pub fn is(&self, caller: &Caller) -> bool {
        match (&self.sub, &caller.sub) {
            (Some(mine), Some(theirs)) => mine == theirs,
            _ => caller.username.as_deref() == Some(self.username.as_str()),
        }
    }

    fn same_user(&self, other: &Self) -> bool {
        match (&self.sub, &other.sub) {
            (Some(a), Some(b)) => a == b,
            _ => self.username == other.username,
        }
    }
}

fn sub_of(attributes: &[AttributeType]) -> Option<String> {
    attributes.iter().find(|a| a.name() == "sub").and_then(|a| a.value()).map(str::to_owned)
}

/// Resolves `name` (a user name or any alias Cognito accepts for it) to the user it names.
pub async fn resolve(state: &AppState, name: &str) -> Result<Identity, ApiError> {
    let user = state.cognito.admin_get_user().user_pool_id(&state.config.user_pool_id).username(name).send().await?;
    Ok(Identity { username: user.username().to_owned(), sub: sub_of(user.user_attributes()), enabled: user.enabled() })
}

/// Every group `username` is in, from Cognito (all pages).
pub async fn groups_of(state: &AppState, username: &str) -> Result<Vec<String>, ApiError> {
    let mut groups = Vec::new();
    let mut pages = state
        .cognito
        .admin_list_groups_for_user()
        .user_pool_id(&state.config.user_pool_id)
        .username(username)
        .into_paginator()
        .send();
    while let Some(page) = pages.next().await {
        groups.extend(page?.groups().iter().filter_map(|g| g.group_name().map(str::to_owned)));
    }
    Ok(groups)
}

/// Confirms the caller with Cognito and answers the groups they are in now. `token` is the raw `Authorization`
/// value: for an access token, `GetUser` with it fails once the user is disabled or signed out (it needs no IAM
/// permission). An ID token cannot be checked for revocation by any Cognito API; `AdminGetUser` confirms that its
/// user still exists and is enabled. The two calls run at the same time. The token is passed on, never decoded and
/// never logged.
pub async fn verify(
    state: &AppState,
    caller: &Caller,
    token: Option<&str>,
    need_groups: bool,
) -> Result<Vec<String>, ApiError> {
    let username = caller.username.as_deref().ok_or(ApiError::Unauthorized)?;
    let identity = async {
        match (caller.token_use, token) {
            (Some(TokenUse::Access), Some(token)) => {
                let user = state.cognito.get_user().access_token(token).send().await.map_err(|e| {
                    match e.as_service_error().and_then(|s| s.code()) {
                        Some("NotAuthorizedException") => ApiError::Revoked(REVOKED),
                        Some("UserNotFoundException") => ApiError::Revoked(GONE),
                        _ => e.into(),
                    }
                })?;
                Ok(Identity {
                    username: user.username().to_owned(),
                    sub: sub_of(user.user_attributes()),
                    enabled: true,
                })
            }
            _ => resolve(state, username).await.map_err(|e| match e {
                e if is_user_not_found(&e) => ApiError::Revoked(GONE),
                other => other,
            }),
        }
    };
    let groups = async { if need_groups { groups_of(state, username).await.map(Some) } else { Ok(None) } };
    let (identity, groups) = tokio::join!(identity, groups);
    let identity = identity?;
    if !identity.is(caller) {
        // The name now belongs to another user (deleted and made again): the token's user is gone.
        return Err(ApiError::Revoked(GONE));
    }
    if !identity.enabled {
        return Err(ApiError::Revoked(DISABLED));
    }
    match groups {
        Ok(groups) => Ok(groups.unwrap_or_default()),
        Err(e) if is_user_not_found(&e) => Err(ApiError::Revoked(GONE)),
        Err(e) => Err(e),
    }
}

/// The administering group, for the last-administrator guard.
#[derive(Debug)]
pub struct AdminGroup<'a> {
    state: &'a AppState,
    name: &'a str,
}

impl<'a> AdminGroup<'a> {
    /// The administering group, if the API has one.
    pub fn of(state: &'a AppState) -> Option<Self> {
        state.config.admin_group.as_deref().map(|name| Self { state, name })
    }

    /// The group's enabled members now.
    pub async fn enabled_members(&self) -> Result<Vec<Identity>, ApiError> {
        let mut members = Vec::new();
        let mut pages = self
            .state
            .cognito
            .list_users_in_group()
            .user_pool_id(&self.state.config.user_pool_id)
            .group_name(self.name)
            .into_paginator()
            .send();
        while let Some(page) = pages.next().await {
            members.extend(page?.users().iter().filter(|u| u.enabled()).filter_map(|u| {
                Some(Identity { username: u.username()?.to_owned(), sub: sub_of(u.attributes()), enabled: true })
            }));
        }
        Ok(members)
    }

    /// Before a change: refuses it when `target` is the group's last enabled member. Answers whether `target` is
    /// an enabled member at all (only then can the change empty the group, and only then is it checked again).
    pub async fn before(&self, target: &Identity, what: &str) -> Result<bool, ApiError> {
        let members = self.enabled_members().await?;
        let is_member = members.iter().any(|m| m.same_user(target));
        if is_member && members.len() == 1 {
            return Err(self.conflict(target, what, ""));
        }
        Ok(is_member)
    }

    /// After a change that the guard let through: if the group has no enabled member left (another administrator
    /// changed the other members at the same moment), `undo` runs and the change is refused.
    pub async fn after<F>(&self, target: &Identity, what: &str, undo: F) -> Result<(), ApiError>
    where
        F: AsyncFnOnce() -> Result<(), ApiError>,
    {
        if !self.enabled_members().await?.is_empty() {
            return Ok(());
        }
        match undo().await {
            Ok(()) => Err(self.conflict(
                target,
                what,
                " (another change left it without an enabled member at the same moment, so this one was undone)",
            )),
            Err(e) => Err(ApiError::Internal(format!(
                "{} left {} without an enabled member and could not be undone: {e}",
                target.username, self.name
            ))),
        }
    }

    fn conflict(&self, target: &Identity, what: &str, why: &str) -> ApiError {
        ApiError::Conflict(format!(
            "{} is the last enabled member of {}, the group that administers this API, and cannot be {what}{why}: add another administrator first",
            target.username, self.name
        ))
    }
}

/// Whether `error` is Cognito's answer for a user that does not exist.
pub fn is_user_not_found(error: &ApiError) -> bool {
    matches!(error, ApiError::Cognito { code, .. } if code == "UserNotFoundException")
}
