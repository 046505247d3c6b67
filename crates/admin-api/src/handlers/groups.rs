//! The handlers of the actions on groups and memberships.

use serde_json::Value;

use super::guards::guard_last_admin;
use super::{Call, message, to_json};
use crate::checks;
use crate::error::ApiError;
use crate::shapes;

pub(crate) async fn add_user_to_group(call: Call) -> Result<Value, ApiError> {
    let (username, groupname) = (call.text("username")?, call.text("groupname")?);
    let cognito = &call.state.cognito;
    cognito.admin_add_user_to_group().user_pool_id(call.pool()).username(username).group_name(groupname).send().await?;
    Ok(message(format!("Success adding {username} to {groupname}")))
}

pub(crate) async fn remove_user_from_group(call: Call) -> Result<Value, ApiError> {
    let (username, groupname) = (call.text("username")?, call.text("groupname")?);
    let cognito = &call.state.cognito;
    let remove = |name: &str| {
        cognito.admin_remove_user_from_group().user_pool_id(call.pool()).username(name).group_name(groupname).send()
    };
    if call.state.config.admin_group.as_deref() != Some(groupname) {
        remove(username).await?;
        return Ok(message(format!("Removed {username} from {groupname}")));
    }
    let target = checks::resolve(&call.state, username).await?;
    let guarded = guard_last_admin(&call, &target, "removed from it").await?;
    remove(&target.username).await?;
    if let Some(group) = guarded {
        group
            .after(&target, "removed from it", async || {
                let add = cognito.admin_add_user_to_group().user_pool_id(call.pool()).group_name(groupname);
                add.username(&target.username).send().await?;
                Ok(())
            })
            .await?;
    }
    Ok(message(format!("Removed {username} from {groupname}")))
}

pub(crate) async fn list_groups(call: Call) -> Result<Value, ApiError> {
    let page = call
        .state
        .cognito
        .list_groups()
        .user_pool_id(call.pool())
        .set_limit(call.params.limit()?)
        .set_next_token(call.params.token()?)
        .send()
        .await?;
    to_json(shapes::GroupPage {
        groups: page.groups().iter().map(shapes::Group::from).collect(),
        next_token: page.next_token().map(str::to_owned),
    })
}

pub(crate) async fn list_groups_for_user(call: Call) -> Result<Value, ApiError> {
    let username = call.text("username")?;
    let page = call
        .state
        .cognito
        .admin_list_groups_for_user()
        .user_pool_id(call.pool())
        .username(username)
        .set_limit(call.params.limit()?)
        .set_next_token(call.params.token()?)
        .send()
        .await?;
    to_json(shapes::GroupPage {
        groups: page.groups().iter().map(shapes::GroupSummary::from).collect(),
        next_token: page.next_token().map(str::to_owned),
    })
}

pub(crate) async fn list_users_in_group(call: Call) -> Result<Value, ApiError> {
    let groupname = call.text("groupname")?;
    let page = call
        .state
        .cognito
        .list_users_in_group()
        .user_pool_id(call.pool())
        .group_name(groupname)
        .set_limit(call.params.limit()?)
        .set_next_token(call.params.token()?)
        .send()
        .await?;
    to_json(shapes::UserPage {
        users: page.users().iter().map(shapes::User::from).collect(),
        next_token: page.next_token().map(str::to_owned),
    })
}

pub(crate) async fn create_group(call: Call) -> Result<Value, ApiError> {
    let groupname = call.text("groupname")?;
    let created = call
        .state
        .cognito
        .create_group()
        .user_pool_id(call.pool())
        .group_name(groupname)
        .set_description(call.params.str("description")?.map(str::to_owned))
        .set_precedence(call.params.number("precedence")?)
        .send()
        .await?;
    to_json(created.group().map(shapes::Group::from))
}

pub(crate) async fn delete_group(call: Call) -> Result<Value, ApiError> {
    let groupname = call.text("groupname")?;
    if call.state.config.admin_group.as_deref() == Some(groupname) {
        return Err(ApiError::Conflict(format!("{groupname} administers this API and cannot be deleted")));
    }
    call.state.cognito.delete_group().user_pool_id(call.pool()).group_name(groupname).send().await?;
    Ok(message(format!("Deleted {groupname}")))
}

pub(crate) async fn get_group(call: Call) -> Result<Value, ApiError> {
    let groupname = call.text("groupname")?;
    let group = call.state.cognito.get_group().user_pool_id(call.pool()).group_name(groupname).send().await?;
    to_json(group.group().map(shapes::Group::from))
}
