//! The handlers of the actions in [`crate::actions::ACTIONS`], and what they receive.

mod filter;
mod groups;
mod guards;
mod users;

use std::future::Future;
use std::pin::Pin;

use serde::Serialize;
use serde_json::{Value, json};

use crate::actions::Action;
use crate::caller::Caller;
use crate::config::AppState;
use crate::error::ApiError;
use crate::input::Params;

pub use filter::filter;

/// What a handler receives: the shared state, the verified caller and the validated inputs.
#[derive(Debug)]
pub struct Call {
    pub state: AppState,
    pub caller: Caller,
    pub params: Params,
    action: &'static Action,
}

impl Call {
    pub fn new(action: &'static Action, state: AppState, caller: Caller, params: Params) -> Self {
        Self { state, caller, params, action }
    }

    /// A required text input; missing gives the action's "... required" message.
    pub fn text(&self, name: &str) -> Result<&str, ApiError> {
        self.params.str(name)?.ok_or_else(|| self.missing())
    }

    pub(crate) fn missing(&self) -> ApiError {
        ApiError::bad_request(self.action.missing_message)
    }

    pub(crate) fn pool(&self) -> &str {
        &self.state.config.user_pool_id
    }
}

/// The future a handler returns.
pub type Reply = Pin<Box<dyn Future<Output = Result<Value, ApiError>> + Send>>;
/// A handler: a plain function.
pub type Handler = fn(Call) -> Reply;

/// The handler of `action`; `None` only for a name outside the table (a test holds every entry to one).
pub fn of(action: &Action) -> Option<Handler> {
    let handler: Handler = match action.name {
        "addUserToGroup" => |call| Box::pin(groups::add_user_to_group(call)),
        "removeUserFromGroup" => |call| Box::pin(groups::remove_user_from_group(call)),
        "confirmUserSignUp" => |call| Box::pin(users::confirm_user_sign_up(call)),
        "disableUser" => |call| Box::pin(users::disable_user(call)),
        "enableUser" => |call| Box::pin(users::enable_user(call)),
        "getUser" => |call| Box::pin(users::get_user(call)),
        "listUsers" => |call| Box::pin(users::list_users(call)),
        "listGroups" => |call| Box::pin(groups::list_groups(call)),
        "listGroupsForUser" => |call| Box::pin(groups::list_groups_for_user(call)),
        "listUsersInGroup" => |call| Box::pin(groups::list_users_in_group(call)),
        "signUserOut" => |call| Box::pin(users::sign_user_out(call)),
        "updateUserAttributes" => |call| Box::pin(users::update_user_attributes(call)),
        "createUser" => |call| Box::pin(users::create_user(call)),
        "deleteUser" => |call| Box::pin(users::delete_user(call)),
        "resetUserPassword" => |call| Box::pin(users::reset_user_password(call)),
        "setUserPassword" => |call| Box::pin(users::set_user_password(call)),
        "deleteUserAttributes" => |call| Box::pin(users::delete_user_attributes(call)),
        "createGroup" => |call| Box::pin(groups::create_group(call)),
        "deleteGroup" => |call| Box::pin(groups::delete_group(call)),
        "getGroup" => |call| Box::pin(groups::get_group(call)),
        _ => return None,
    };
    Some(handler)
}

pub(crate) fn message(text: String) -> Value {
    json!(crate::shapes::Message { message: text })
}

pub(crate) fn to_json(value: impl Serialize) -> Result<Value, ApiError> {
    serde_json::to_value(value).map_err(|e| ApiError::Internal(format!("serialising the response: {e}")))
}

#[cfg(test)]
mod tests {
    use crate::actions::ACTIONS;

    #[test]
    fn every_action_has_a_handler() {
        for action in ACTIONS {
            assert!(super::of(action).is_some(), "{} has no handler", action.name);
        }
    }
}
