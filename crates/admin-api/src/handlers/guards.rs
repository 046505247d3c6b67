//! The guards that keep administrators from locking everyone out: nobody disables or deletes themselves, and the
//! administering group keeps an enabled member. Both compare canonical identities ([`crate::checks`]).

use super::Call;
use crate::checks::{self, AdminGroup, Identity};
use crate::error::ApiError;

/// Resolves the target of a disable or a delete to its canonical identity, and refuses when it is the caller,
/// however the request named them (user name, email, phone number, `sub`, a case variant).
pub(crate) async fn target_other_than_caller(call: &Call, username: &str, verb: &str) -> Result<Identity, ApiError> {
    let target = checks::resolve(&call.state, username).await?;
    if target.is(&call.caller) {
        return Err(ApiError::Conflict(format!("You cannot {verb} yourself: ask another administrator")));
    }
    Ok(target)
}

/// The last-administrator guard before a change to `target`: the administering group, when `target` is one of
/// its enabled members (the change must then be checked again after it is made).
pub(crate) async fn guard_last_admin<'a>(
    call: &'a Call,
    target: &Identity,
    what: &str,
) -> Result<Option<AdminGroup<'a>>, ApiError> {
    let Some(group) = AdminGroup::of(&call.state) else { return Ok(None) };
    Ok(group.before(target, what).await?.then_some(group))
}

pub(crate) async fn enable(call: &Call, username: &str) -> Result<(), ApiError> {
    call.state.cognito.admin_enable_user().user_pool_id(call.pool()).username(username).send().await?;
    Ok(())
}
