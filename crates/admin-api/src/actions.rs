//! The table of actions. Each entry is one route of the API: its path, method, inputs, the Cognito IAM action it
//! needs, who may call it, and its handler. The router is built from this table, and so are the IAM policy and the
//! API description: adding an action is one entry here and one handler below.

use std::future::Future;
use std::pin::Pin;

use aws_sdk_cognitoidentityprovider::types::AttributeType;
use serde::Serialize;
use serde_json::{Value, json};

use crate::caller::Caller;
use crate::config::AppState;
use crate::error::ApiError;
use crate::input::Params;
use crate::shapes;

/// The HTTP method of an action. GET actions read the query string, POST actions the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Get,
    Post,
}

/// Who may call an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Members of the administering group (everyone signed in when the API has no group restriction).
    AdminGroup,
    /// Any signed-in user, on themselves only.
    SelfOnly,
}

/// The type of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A non-empty string.
    Text,
    /// A list of `{"Name", "Value"}` attributes.
    Attributes,
    /// A page size, 0..=60.
    Limit,
    /// A pagination token.
    Token,
}

/// One named input of an action.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Input {
    pub name: &'static str,
    pub kind: Kind,
    pub required: bool,
}

const fn required(name: &'static str, kind: Kind) -> Input {
    Input { name, kind, required: true }
}

const USERNAME: Input = required("username", Kind::Text);
const GROUPNAME: Input = required("groupname", Kind::Text);
const LIMIT: Input = Input { name: "limit", kind: Kind::Limit, required: false };
const TOKEN: Input = Input { name: "token", kind: Kind::Token, required: false };

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

    fn missing(&self) -> ApiError {
        ApiError::bad_request(self.action.missing_message)
    }

    fn pool(&self) -> &str {
        &self.state.config.user_pool_id
    }
}

/// The future a handler returns.
pub type Reply = Pin<Box<dyn Future<Output = Result<Value, ApiError>> + Send>>;
/// A handler: a plain function, so that the table is a `static`.
pub type Handler = fn(Call) -> Reply;

/// One route of the API.
#[derive(Debug)]
pub struct Action {
    /// The action's name, which is also its path (`/listUsers`).
    pub name: &'static str,
    pub verb: Verb,
    pub inputs: &'static [Input],
    /// The 400 message when a required input is missing (Amplify's wording).
    pub missing_message: &'static str,
    /// The Cognito IAM action the handler calls, e.g. `cognito-idp:AdminAddUserToGroup`.
    pub iam_action: &'static str,
    pub access: Access,
    pub handler: Handler,
}

impl Action {
    /// Validates every input against the table before the handler runs, so that a bad request never reaches
    /// Cognito.
    pub fn validate(&self, params: &Params) -> Result<(), ApiError> {
        let missing = || ApiError::bad_request(self.missing_message);
        for input in self.inputs {
            let present = match input.kind {
                Kind::Text => params.str(input.name)?.is_some(),
                Kind::Attributes => params.attributes(input.name)?.is_some(),
                Kind::Limit => params.limit().map(|_| true)?,
                Kind::Token => params.token().map(|_| true)?,
            };
            if input.required && !present {
                return Err(missing());
            }
        }
        Ok(())
    }

    /// Looks an action up by name.
    pub fn find(name: &str) -> Option<&'static Action> {
        ACTIONS.iter().find(|a| a.name == name)
    }
}

/// Every action the API serves: Amplify's eleven routes, and updateUserAttributes from its documentation.
pub static ACTIONS: &[Action] = &[
    Action {
        name: "addUserToGroup",
        verb: Verb::Post,
        inputs: &[USERNAME, GROUPNAME],
        missing_message: "username and groupname are required",
        iam_action: "cognito-idp:AdminAddUserToGroup",
        access: Access::AdminGroup,
        handler: |call| Box::pin(add_user_to_group(call)),
    },
    Action {
        name: "removeUserFromGroup",
        verb: Verb::Post,
        inputs: &[USERNAME, GROUPNAME],
        missing_message: "username and groupname are required",
        iam_action: "cognito-idp:AdminRemoveUserFromGroup",
        access: Access::AdminGroup,
        handler: |call| Box::pin(remove_user_from_group(call)),
    },
    Action {
        name: "confirmUserSignUp",
        verb: Verb::Post,
        inputs: &[USERNAME],
        missing_message: "username is required",
        iam_action: "cognito-idp:AdminConfirmSignUp",
        access: Access::AdminGroup,
        handler: |call| Box::pin(confirm_user_sign_up(call)),
    },
    Action {
        name: "disableUser",
        verb: Verb::Post,
        inputs: &[USERNAME],
        missing_message: "username is required",
        iam_action: "cognito-idp:AdminDisableUser",
        access: Access::AdminGroup,
        handler: |call| Box::pin(disable_user(call)),
    },
    Action {
        name: "enableUser",
        verb: Verb::Post,
        inputs: &[USERNAME],
        missing_message: "username is required",
        iam_action: "cognito-idp:AdminEnableUser",
        access: Access::AdminGroup,
        handler: |call| Box::pin(enable_user(call)),
    },
    Action {
        name: "getUser",
        verb: Verb::Get,
        inputs: &[USERNAME],
        missing_message: "username is required",
        iam_action: "cognito-idp:AdminGetUser",
        access: Access::AdminGroup,
        handler: |call| Box::pin(get_user(call)),
    },
    Action {
        name: "listUsers",
        verb: Verb::Get,
        inputs: &[LIMIT, TOKEN],
        missing_message: "",
        iam_action: "cognito-idp:ListUsers",
        access: Access::AdminGroup,
        handler: |call| Box::pin(list_users(call)),
    },
    Action {
        name: "listGroups",
        verb: Verb::Get,
        inputs: &[LIMIT, TOKEN],
        missing_message: "",
        iam_action: "cognito-idp:ListGroups",
        access: Access::AdminGroup,
        handler: |call| Box::pin(list_groups(call)),
    },
    Action {
        name: "listGroupsForUser",
        verb: Verb::Get,
        inputs: &[USERNAME, LIMIT, TOKEN],
        missing_message: "username is required",
        iam_action: "cognito-idp:AdminListGroupsForUser",
        access: Access::AdminGroup,
        handler: |call| Box::pin(list_groups_for_user(call)),
    },
    Action {
        name: "listUsersInGroup",
        verb: Verb::Get,
        inputs: &[GROUPNAME, LIMIT, TOKEN],
        missing_message: "groupname is required",
        iam_action: "cognito-idp:ListUsersInGroup",
        access: Access::AdminGroup,
        handler: |call| Box::pin(list_users_in_group(call)),
    },
    Action {
        name: "signUserOut",
        verb: Verb::Post,
        inputs: &[USERNAME],
        missing_message: "username is required",
        iam_action: "cognito-idp:AdminUserGlobalSignOut",
        access: Access::SelfOnly,
        handler: |call| Box::pin(sign_user_out(call)),
    },
    Action {
        name: "updateUserAttributes",
        verb: Verb::Post,
        inputs: &[USERNAME, required("attributes", Kind::Attributes)],
        missing_message: "username and attributes are required",
        iam_action: "cognito-idp:AdminUpdateUserAttributes",
        access: Access::AdminGroup,
        handler: |call| Box::pin(update_user_attributes(call)),
    },
];

fn message(text: String) -> Value {
    json!({ "message": text })
}

fn to_json(value: impl Serialize) -> Result<Value, ApiError> {
    serde_json::to_value(value).map_err(|e| ApiError::Internal(format!("serialising the response: {e}")))
}

async fn add_user_to_group(call: Call) -> Result<Value, ApiError> {
    let (username, groupname) = (call.text("username")?, call.text("groupname")?);
    let cognito = &call.state.cognito;
    cognito.admin_add_user_to_group().user_pool_id(call.pool()).username(username).group_name(groupname).send().await?;
    Ok(message(format!("Success adding {username} to {groupname}")))
}

async fn remove_user_from_group(call: Call) -> Result<Value, ApiError> {
    let (username, groupname) = (call.text("username")?, call.text("groupname")?);
    let cognito = &call.state.cognito;
    cognito
        .admin_remove_user_from_group()
        .user_pool_id(call.pool())
        .username(username)
        .group_name(groupname)
        .send()
        .await?;
    Ok(message(format!("Removed {username} from {groupname}")))
}

async fn confirm_user_sign_up(call: Call) -> Result<Value, ApiError> {
    let username = call.text("username")?;
    call.state.cognito.admin_confirm_sign_up().user_pool_id(call.pool()).username(username).send().await?;
    Ok(message(format!("Confirmed {username} registration")))
}

async fn disable_user(call: Call) -> Result<Value, ApiError> {
    let username = call.text("username")?;
    call.state.cognito.admin_disable_user().user_pool_id(call.pool()).username(username).send().await?;
    Ok(message(format!("Disabled {username}")))
}

async fn enable_user(call: Call) -> Result<Value, ApiError> {
    let username = call.text("username")?;
    call.state.cognito.admin_enable_user().user_pool_id(call.pool()).username(username).send().await?;
    Ok(message(format!("Enabled {username}")))
}

async fn get_user(call: Call) -> Result<Value, ApiError> {
    let username = call.text("username")?;
    let user = call.state.cognito.admin_get_user().user_pool_id(call.pool()).username(username).send().await?;
    to_json(shapes::GetUser::from(&user))
}

async fn list_users(call: Call) -> Result<Value, ApiError> {
    let page = call
        .state
        .cognito
        .list_users()
        .user_pool_id(call.pool())
        .set_limit(call.params.limit()?)
        .set_pagination_token(call.params.token()?)
        .send()
        .await?;
    to_json(shapes::UserPage {
        users: page.users().iter().map(shapes::User::from).collect(),
        next_token: page.pagination_token().map(str::to_owned),
    })
}

async fn list_groups(call: Call) -> Result<Value, ApiError> {
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

async fn list_groups_for_user(call: Call) -> Result<Value, ApiError> {
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

async fn list_users_in_group(call: Call) -> Result<Value, ApiError> {
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

/// Signs the caller out of every device. Exempt from the group check, so it only ever acts on the caller: the body
/// `username` must equal the caller's user name, and neither may be missing or the string "null".
async fn sign_user_out(call: Call) -> Result<Value, ApiError> {
    let username = call.text("username")?;
    let is_self = matches!(call.caller.username.as_deref(), Some(own) if own == username && own != "null");
    if !is_self {
        return Err(ApiError::bad_request("only the user can sign themselves out"));
    }
    call.state.cognito.admin_user_global_sign_out().user_pool_id(call.pool()).username(username).send().await?;
    Ok(message(format!("Signed out {username} from all devices")))
}

async fn update_user_attributes(call: Call) -> Result<Value, ApiError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_iam_actions_are_cognito() {
        for (i, a) in ACTIONS.iter().enumerate() {
            assert!(ACTIONS[i + 1..].iter().all(|b| b.name != a.name), "duplicate action {}", a.name);
            assert!(a.iam_action.starts_with("cognito-idp:"), "{}", a.name);
            let has_required = a.inputs.iter().any(|i| i.required);
            assert_eq!(has_required, !a.missing_message.is_empty(), "{}: missing_message", a.name);
        }
        assert_eq!(ACTIONS.len(), 12);
    }
}
