//! The handlers of the actions on users.

use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};
use serde_json::Value;

use super::filter::filter;
use super::guards::{enable, guard_last_admin, target_other_than_caller};
use super::{Call, message, to_json};
use crate::checks;
use crate::error::ApiError;
use crate::shapes;

pub(crate) async fn confirm_user_sign_up(call: Call) -> Result<Value, ApiError> {
    let username = call.text("username")?;
    call.state.cognito.admin_confirm_sign_up().user_pool_id(call.pool()).username(username).send().await?;
    Ok(message(format!("Confirmed {username} registration")))
}

pub(crate) async fn disable_user(call: Call) -> Result<Value, ApiError> {
    let username = call.text("username")?;
    let target = target_other_than_caller(&call, username, "disable").await?;
    let guarded = guard_last_admin(&call, &target, "disabled").await?;
    call.state.cognito.admin_disable_user().user_pool_id(call.pool()).username(&target.username).send().await?;
    if let Some(group) = guarded {
        group.after(&target, "disabled", async || enable(&call, &target.username).await).await?;
    }
    Ok(message(format!("Disabled {username}")))
}

pub(crate) async fn enable_user(call: Call) -> Result<Value, ApiError> {
    let username = call.text("username")?;
    call.state.cognito.admin_enable_user().user_pool_id(call.pool()).username(username).send().await?;
    Ok(message(format!("Enabled {username}")))
}

pub(crate) async fn get_user(call: Call) -> Result<Value, ApiError> {
    let username = call.text("username")?;
    let user = call.state.cognito.admin_get_user().user_pool_id(call.pool()).username(username).send().await?;
    to_json(shapes::GetUser::from(&user))
}

pub(crate) async fn list_users(call: Call) -> Result<Value, ApiError> {
    let page = call
        .state
        .cognito
        .list_users()
        .user_pool_id(call.pool())
        .set_limit(call.params.limit()?)
        .set_pagination_token(call.params.token()?)
        .set_filter(filter(&call.params)?)
        .set_attributes_to_get(call.params.names("attributes")?)
        .send()
        .await?;
    to_json(shapes::UserPage {
        users: page.users().iter().map(shapes::User::from).collect(),
        next_token: page.pagination_token().map(str::to_owned),
    })
}

/// Signs the caller out of every device. Exempt from the group check, so it only ever acts on the caller: the body
/// `username` must name the caller (by user name or any alias Cognito accepts), and may not be the string "null".
/// Any other name gets the same answer, whether or not such a user exists.
pub(crate) async fn sign_user_out(call: Call) -> Result<Value, ApiError> {
    let username = call.text("username")?;
    let not_self = || ApiError::bad_request("only the user can sign themselves out");
    if username == "null" || call.caller.username.is_none() {
        return Err(not_self());
    }
    match checks::resolve(&call.state, username).await {
        Ok(target) if target.is(&call.caller) => {}
        Ok(_) => return Err(not_self()),
        Err(e) if checks::is_user_not_found(&e) => return Err(not_self()),
        Err(e) => return Err(e),
    }
    // Signed out under the name the request gave, which Cognito resolves to the same user.
    call.state.cognito.admin_user_global_sign_out().user_pool_id(call.pool()).username(username).send().await?;
    Ok(message(format!("Signed out {username} from all devices")))
}

pub(crate) async fn update_user_attributes(call: Call) -> Result<Value, ApiError> {
    let username = call.text("username")?;
    let attributes = call.params.attributes("attributes")?.ok_or_else(|| call.missing())?;
    let attributes = attributes
        .into_iter()
        .map(|a| AttributeType::builder().name(a.name).value(a.value).build())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ApiError::bad_request(format!("attributes: {e}")))?;
    call.state
        .cognito
        .admin_update_user_attributes()
        .user_pool_id(call.pool())
        .username(username)
        .set_user_attributes(Some(attributes))
        .send()
        .await?;
    Ok(message(format!("Success updating {username} attributes")))
}

pub(crate) async fn create_user(call: Call) -> Result<Value, ApiError> {
    let username = call.text("username")?;
    let attributes = call.params.attributes("attributes")?.unwrap_or_default();
    let attributes = attributes
        .into_iter()
        .map(|a| AttributeType::builder().name(a.name).value(a.value).build())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ApiError::bad_request(format!("attributes: {e}")))?;
    let action = match (call.params.bool("suppressInvitation")?, call.params.bool("resendInvitation")?) {
        (Some(true), Some(true)) => {
            return Err(ApiError::bad_request("suppressInvitation and resendInvitation cannot both be true"));
        }
        (Some(true), _) => Some(MessageActionType::Suppress),
        (_, Some(true)) => Some(MessageActionType::Resend),
        _ => None,
    };
    let created = call
        .state
        .cognito
        .admin_create_user()
        .user_pool_id(call.pool())
        .username(username)
        .set_user_attributes(if attributes.is_empty() { None } else { Some(attributes) })
        .set_temporary_password(call.params.str("temporaryPassword")?.map(str::to_owned))
        .set_message_action(action)
        .send()
        .await?;
    let user = created.user().map(shapes::User::from);
    let user = user.ok_or_else(|| ApiError::Internal("AdminCreateUser answered no user".to_owned()))?;
    to_json(shapes::CreatedUser { message: format!("Created {username}"), user })
}

/// Deletes a user. A member of the administering group is disabled first and the group checked again, since a
/// deletion cannot be undone: only when another enabled administrator remains is the user deleted.
pub(crate) async fn delete_user(call: Call) -> Result<Value, ApiError> {
    let username = call.text("username")?;
    let target = target_other_than_caller(&call, username, "delete").await?;
    let cognito = &call.state.cognito;
    if let Some(group) = guard_last_admin(&call, &target, "deleted").await? {
        cognito.admin_disable_user().user_pool_id(call.pool()).username(&target.username).send().await?;
        group.after(&target, "deleted", async || enable(&call, &target.username).await).await?;
    }
    cognito.admin_delete_user().user_pool_id(call.pool()).username(&target.username).send().await?;
    Ok(message(format!("Deleted {username}")))
}

pub(crate) async fn reset_user_password(call: Call) -> Result<Value, ApiError> {
    let username = call.text("username")?;
    call.state.cognito.admin_reset_user_password().user_pool_id(call.pool()).username(username).send().await?;
    Ok(message(format!("Reset the password of {username}")))
}

pub(crate) async fn set_user_password(call: Call) -> Result<Value, ApiError> {
    let (username, password) = (call.text("username")?, call.text("password")?);
    let permanent = call.params.bool("permanent")?.unwrap_or(false);
    call.state
        .cognito
        .admin_set_user_password()
        .user_pool_id(call.pool())
        .username(username)
        .password(password)
        .permanent(permanent)
        .send()
        .await?;
    let kind = if permanent { "permanent" } else { "temporary" };
    Ok(message(format!("Set a {kind} password for {username}")))
}

pub(crate) async fn delete_user_attributes(call: Call) -> Result<Value, ApiError> {
    let username = call.text("username")?;
    let names = call.params.names("attributeNames")?.ok_or_else(|| call.missing())?;
    call.state
        .cognito
        .admin_delete_user_attributes()
        .user_pool_id(call.pool())
        .username(username)
        .set_user_attribute_names(Some(names))
        .send()
        .await?;
    Ok(message(format!("Deleted attributes of {username}")))
}
