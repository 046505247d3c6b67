//! The table of actions. Each entry is one route of the API: its path, method, inputs, the Cognito IAM action it
//! needs, who may call it, and its handler. The router is built from this table, and so are the IAM policy and the
//! API description: adding an action is one entry here and one handler below.

use std::future::Future;
use std::pin::Pin;

use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};
use serde::Serialize;
use serde_json::{Value, json};

use crate::caller::Caller;
use crate::checks::{self, AdminGroup, Identity};
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
    /// `true` or `false`.
    Bool,
    /// A list of names: a JSON array of strings, or a comma-separated string.
    Names,
    /// A whole number.
    Number,
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

const fn optional(name: &'static str, kind: Kind) -> Input {
    Input { name, kind, required: false }
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
    /// Whether a config that lists no actions gets this one: Amplify's routes are on, the extra ones off.
    pub default_enabled: bool,
    /// Further IAM actions the handler's checks need (the lock-out guards read the administering group).
    pub extra_iam: &'static [&'static str],
    /// What a 200 answers, for the API description.
    pub response: Shape,
    /// One line for the API description.
    pub summary: &'static str,
}

/// The shape of a successful response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    Message,
    User,
    UserPage,
    Group,
    GroupPage,
    GroupSummaryPage,
    CreatedUser,
}

/// Actions are the same when their names are: the table holds each name once.
impl PartialEq for Action {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}

impl Eq for Action {}

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
                Kind::Bool => params.bool(input.name)?.is_some(),
                Kind::Names => params.names(input.name)?.is_some(),
                Kind::Number => params.number(input.name)?.is_some(),
            };
            if input.required && !present {
                return Err(missing());
            }
        }
        Ok(())
    }

    /// Whether the action changes something: every POST action does, no GET action does.
    pub fn mutates(&self) -> bool {
        self.verb == Verb::Post
    }

    /// Looks an action up by name.
    pub fn find(name: &str) -> Option<&'static Action> {
        ACTIONS.iter().find(|a| a.name == name)
    }
}

/// The IAM actions of the checks that every request may make, whatever its action: the caller's live
/// verification (is the caller still enabled, which groups is the caller in) and the resolution of a target user
/// to its canonical name and `sub` before a guard compares it. `GetUser` (the signed-out check of an access token)
/// is authorised by the token itself and needs no IAM permission.
pub const CHECK_IAM: &[&str] = &["cognito-idp:AdminGetUser", "cognito-idp:AdminListGroupsForUser"];

/// The Cognito IAM actions a function serving `actions` needs: those of the actions, of their guards, and of the
/// checks, sorted, without repeats.
pub fn iam_actions<'a>(actions: impl IntoIterator<Item = &'a Action>) -> Vec<&'static str> {
    let mut all: Vec<&'static str> = actions
        .into_iter()
        .flat_map(|a| std::iter::once(a.iam_action).chain(a.extra_iam.iter().copied()))
        .chain(CHECK_IAM.iter().copied())
        .collect();
    all.sort_unstable();
    all.dedup();
    all
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
        default_enabled: true,
        extra_iam: &[],
        response: Shape::Message,
        summary: "Adds a user to a group",
        handler: |call| Box::pin(add_user_to_group(call)),
    },
    Action {
        name: "removeUserFromGroup",
        verb: Verb::Post,
        inputs: &[USERNAME, GROUPNAME],
        missing_message: "username and groupname are required",
        iam_action: "cognito-idp:AdminRemoveUserFromGroup",
        access: Access::AdminGroup,
        default_enabled: true,
        extra_iam: &["cognito-idp:ListUsersInGroup", "cognito-idp:AdminAddUserToGroup"],
        response: Shape::Message,
        summary: "Removes a user from a group",
        handler: |call| Box::pin(remove_user_from_group(call)),
    },
    Action {
        name: "confirmUserSignUp",
        verb: Verb::Post,
        inputs: &[USERNAME],
        missing_message: "username is required",
        iam_action: "cognito-idp:AdminConfirmSignUp",
        access: Access::AdminGroup,
        default_enabled: true,
        extra_iam: &[],
        response: Shape::Message,
        summary: "Confirms a user's sign-up",
        handler: |call| Box::pin(confirm_user_sign_up(call)),
    },
    Action {
        name: "disableUser",
        verb: Verb::Post,
        inputs: &[USERNAME],
        missing_message: "username is required",
        iam_action: "cognito-idp:AdminDisableUser",
        access: Access::AdminGroup,
        default_enabled: true,
        extra_iam: &["cognito-idp:ListUsersInGroup", "cognito-idp:AdminEnableUser"],
        response: Shape::Message,
        summary: "Disables a user",
        handler: |call| Box::pin(disable_user(call)),
    },
    Action {
        name: "enableUser",
        verb: Verb::Post,
        inputs: &[USERNAME],
        missing_message: "username is required",
        iam_action: "cognito-idp:AdminEnableUser",
        access: Access::AdminGroup,
        default_enabled: true,
        extra_iam: &[],
        response: Shape::Message,
        summary: "Enables a user",
        handler: |call| Box::pin(enable_user(call)),
    },
    Action {
        name: "getUser",
        verb: Verb::Get,
        inputs: &[USERNAME],
        missing_message: "username is required",
        iam_action: "cognito-idp:AdminGetUser",
        access: Access::AdminGroup,
        default_enabled: true,
        extra_iam: &[],
        response: Shape::User,
        summary: "Gets a user",
        handler: |call| Box::pin(get_user(call)),
    },
    Action {
        name: "listUsers",
        verb: Verb::Get,
        inputs: &[
            LIMIT,
            TOKEN,
            optional("filterAttribute", Kind::Text),
            optional("filterType", Kind::Text),
            optional("filterValue", Kind::Text),
            optional("attributes", Kind::Names),
        ],
        missing_message: "",
        iam_action: "cognito-idp:ListUsers",
        access: Access::AdminGroup,
        default_enabled: true,
        extra_iam: &[],
        response: Shape::UserPage,
        summary: "Lists users, a page at a time",
        handler: |call| Box::pin(list_users(call)),
    },
    Action {
        name: "listGroups",
        verb: Verb::Get,
        inputs: &[LIMIT, TOKEN],
        missing_message: "",
        iam_action: "cognito-idp:ListGroups",
        access: Access::AdminGroup,
        default_enabled: true,
        extra_iam: &[],
        response: Shape::GroupPage,
        summary: "Lists groups, a page at a time",
        handler: |call| Box::pin(list_groups(call)),
    },
    Action {
        name: "listGroupsForUser",
        verb: Verb::Get,
        inputs: &[USERNAME, LIMIT, TOKEN],
        missing_message: "username is required",
        iam_action: "cognito-idp:AdminListGroupsForUser",
        access: Access::AdminGroup,
        default_enabled: true,
        extra_iam: &[],
        response: Shape::GroupSummaryPage,
        summary: "Lists a user's groups",
        handler: |call| Box::pin(list_groups_for_user(call)),
    },
    Action {
        name: "listUsersInGroup",
        verb: Verb::Get,
        inputs: &[GROUPNAME, LIMIT, TOKEN],
        missing_message: "groupname is required",
        iam_action: "cognito-idp:ListUsersInGroup",
        access: Access::AdminGroup,
        default_enabled: true,
        extra_iam: &[],
        response: Shape::UserPage,
        summary: "Lists the members of a group",
        handler: |call| Box::pin(list_users_in_group(call)),
    },
    Action {
        name: "signUserOut",
        verb: Verb::Post,
        inputs: &[USERNAME],
        missing_message: "username is required",
        iam_action: "cognito-idp:AdminUserGlobalSignOut",
        access: Access::SelfOnly,
        default_enabled: true,
        extra_iam: &[],
        response: Shape::Message,
        summary: "Signs the caller out of every device",
        handler: |call| Box::pin(sign_user_out(call)),
    },
    Action {
        name: "updateUserAttributes",
        verb: Verb::Post,
        inputs: &[USERNAME, required("attributes", Kind::Attributes)],
        missing_message: "username and attributes are required",
        iam_action: "cognito-idp:AdminUpdateUserAttributes",
        access: Access::AdminGroup,
        default_enabled: true,
        extra_iam: &[],
        response: Shape::Message,
        summary: "Updates a user's attributes",
        handler: |call| Box::pin(update_user_attributes(call)),
    },
    Action {
        name: "createUser",
        verb: Verb::Post,
        inputs: &[
            USERNAME,
            optional("attributes", Kind::Attributes),
            optional("temporaryPassword", Kind::Text),
            optional("suppressInvitation", Kind::Bool),
            optional("resendInvitation", Kind::Bool),
        ],
        missing_message: "username is required",
        iam_action: "cognito-idp:AdminCreateUser",
        access: Access::AdminGroup,
        handler: |call| Box::pin(create_user(call)),
        default_enabled: false,
        extra_iam: &[],
        response: Shape::CreatedUser,
        summary: "Creates a user, with a temporary password (given or generated) and an invitation (or none)",
    },
    Action {
        name: "deleteUser",
        verb: Verb::Post,
        inputs: &[USERNAME],
        missing_message: "username is required",
        iam_action: "cognito-idp:AdminDeleteUser",
        access: Access::AdminGroup,
        handler: |call| Box::pin(delete_user(call)),
        default_enabled: false,
        extra_iam: &["cognito-idp:ListUsersInGroup", "cognito-idp:AdminDisableUser", "cognito-idp:AdminEnableUser"],
        response: Shape::Message,
        summary: "Deletes a user",
    },
    Action {
        name: "resetUserPassword",
        verb: Verb::Post,
        inputs: &[USERNAME],
        missing_message: "username is required",
        iam_action: "cognito-idp:AdminResetUserPassword",
        access: Access::AdminGroup,
        handler: |call| Box::pin(reset_user_password(call)),
        default_enabled: false,
        extra_iam: &[],
        response: Shape::Message,
        summary: "Resets a user's password: the user must set a new one with a code Cognito sends",
    },
    Action {
        name: "setUserPassword",
        verb: Verb::Post,
        inputs: &[USERNAME, required("password", Kind::Text), optional("permanent", Kind::Bool)],
        missing_message: "username and password are required",
        iam_action: "cognito-idp:AdminSetUserPassword",
        access: Access::AdminGroup,
        handler: |call| Box::pin(set_user_password(call)),
        default_enabled: false,
        extra_iam: &[],
        response: Shape::Message,
        summary: "Sets a user's password, temporary (the default) or permanent",
    },
    Action {
        name: "deleteUserAttributes",
        verb: Verb::Post,
        inputs: &[USERNAME, required("attributeNames", Kind::Names)],
        missing_message: "username and attributeNames are required",
        iam_action: "cognito-idp:AdminDeleteUserAttributes",
        access: Access::AdminGroup,
        handler: |call| Box::pin(delete_user_attributes(call)),
        default_enabled: false,
        extra_iam: &[],
        response: Shape::Message,
        summary: "Deletes attributes of a user",
    },
    Action {
        name: "createGroup",
        verb: Verb::Post,
        inputs: &[GROUPNAME, optional("description", Kind::Text), optional("precedence", Kind::Number)],
        missing_message: "groupname is required",
        iam_action: "cognito-idp:CreateGroup",
        access: Access::AdminGroup,
        handler: |call| Box::pin(create_group(call)),
        default_enabled: false,
        extra_iam: &[],
        response: Shape::Group,
        summary: "Creates a group",
    },
    Action {
        name: "deleteGroup",
        verb: Verb::Post,
        inputs: &[GROUPNAME],
        missing_message: "groupname is required",
        iam_action: "cognito-idp:DeleteGroup",
        access: Access::AdminGroup,
        handler: |call| Box::pin(delete_group(call)),
        default_enabled: false,
        extra_iam: &[],
        response: Shape::Message,
        summary: "Deletes a group (never the one that administers this API)",
    },
    Action {
        name: "getGroup",
        verb: Verb::Get,
        inputs: &[GROUPNAME],
        missing_message: "groupname is required",
        iam_action: "cognito-idp:GetGroup",
        access: Access::AdminGroup,
        handler: |call| Box::pin(get_group(call)),
        default_enabled: false,
        extra_iam: &[],
        response: Shape::Group,
        summary: "Gets a group",
    },
];

/// Resolves the target of a disable or a delete to its canonical identity, and refuses when it is the caller,
/// however the request named them (user name, email, phone number, `sub`, a case variant).
async fn target_other_than_caller(call: &Call, username: &str, verb: &str) -> Result<Identity, ApiError> {
    let target = checks::resolve(&call.state, username).await?;
    if target.is(&call.caller) {
        return Err(ApiError::Conflict(format!("You cannot {verb} yourself: ask another administrator")));
    }
    Ok(target)
}

/// The last-administrator guard before a change to `target`: the administering group, when `target` is one of
/// its enabled members (the change must then be checked again after it is made).
async fn guard_last_admin<'a>(
    call: &'a Call,
    target: &Identity,
    what: &str,
) -> Result<Option<AdminGroup<'a>>, ApiError> {
    let Some(group) = AdminGroup::of(&call.state) else { return Ok(None) };
    Ok(group.before(target, what).await?.then_some(group))
}

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

async fn confirm_user_sign_up(call: Call) -> Result<Value, ApiError> {
    let username = call.text("username")?;
    call.state.cognito.admin_confirm_sign_up().user_pool_id(call.pool()).username(username).send().await?;
    Ok(message(format!("Confirmed {username} registration")))
}

async fn disable_user(call: Call) -> Result<Value, ApiError> {
    let username = call.text("username")?;
    let target = target_other_than_caller(&call, username, "disable").await?;
    let guarded = guard_last_admin(&call, &target, "disabled").await?;
    call.state.cognito.admin_disable_user().user_pool_id(call.pool()).username(&target.username).send().await?;
    if let Some(group) = guarded {
        group.after(&target, "disabled", async || enable(&call, &target.username).await).await?;
    }
    Ok(message(format!("Disabled {username}")))
}

async fn enable(call: &Call, username: &str) -> Result<(), ApiError> {
    call.state.cognito.admin_enable_user().user_pool_id(call.pool()).username(username).send().await?;
    Ok(())
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
        .set_filter(filter(&call.params)?)
        .set_attributes_to_get(call.params.names("attributes")?)
        .send()
        .await?;
    to_json(shapes::UserPage {
        users: page.users().iter().map(shapes::User::from).collect(),
        next_token: page.pagination_token().map(str::to_owned),
    })
}

/// The attributes ListUsers can filter on.
pub const SEARCHABLE: &[&str] = &[
    "username",
    "email",
    "phone_number",
    "name",
    "given_name",
    "family_name",
    "preferred_username",
    "cognito:user_status",
    "status",
    "sub",
];

/// Cognito's filter string from the structured form: an attribute from [`SEARCHABLE`], `=` or `^=`, and a value
/// that is quoted and escaped here, so that no value can change the filter's meaning.
pub fn filter(params: &Params) -> Result<Option<String>, ApiError> {
    let (attribute, kind, value) =
        (params.str("filterAttribute")?, params.str("filterType")?, params.str("filterValue")?);
    let (attribute, kind, value) = match (attribute, kind, value) {
        (None, None, None) => return Ok(None),
        (Some(a), k, Some(v)) => (a, k.unwrap_or("="), v),
        _ => {
            return Err(ApiError::bad_request(
                "a filter needs filterAttribute and filterValue (filterType is = or ^=)",
            ));
        }
    };
    if !SEARCHABLE.contains(&attribute) {
        return Err(ApiError::bad_request(format!("filterAttribute must be one of {}", SEARCHABLE.join(", "))));
    }
    if kind != "=" && kind != "^=" {
        return Err(ApiError::bad_request("filterType must be = (equals) or ^= (starts with)"));
    }
    if value.chars().any(char::is_control) {
        return Err(ApiError::bad_request("filterValue must not contain control characters"));
    }
    let escaped = value.replace('\\', "\\\\").replace('"', "\\\"");
    Ok(Some(format!("{attribute} {kind} \"{escaped}\"")))
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
/// `username` must name the caller (by user name or any alias Cognito accepts), and may not be the string "null".
/// Any other name gets the same answer, whether or not such a user exists.
async fn sign_user_out(call: Call) -> Result<Value, ApiError> {
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

async fn create_user(call: Call) -> Result<Value, ApiError> {
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
    Ok(json!({ "message": format!("Created {username}"), "User": to_json(user)? }))
}

/// Deletes a user. A member of the administering group is disabled first and the group checked again, since a
/// deletion cannot be undone: only when another enabled administrator remains is the user deleted.
async fn delete_user(call: Call) -> Result<Value, ApiError> {
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

async fn reset_user_password(call: Call) -> Result<Value, ApiError> {
    let username = call.text("username")?;
    call.state.cognito.admin_reset_user_password().user_pool_id(call.pool()).username(username).send().await?;
    Ok(message(format!("Reset the password of {username}")))
}

async fn set_user_password(call: Call) -> Result<Value, ApiError> {
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

async fn delete_user_attributes(call: Call) -> Result<Value, ApiError> {
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

async fn create_group(call: Call) -> Result<Value, ApiError> {
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

async fn delete_group(call: Call) -> Result<Value, ApiError> {
    let groupname = call.text("groupname")?;
    if call.state.config.admin_group.as_deref() == Some(groupname) {
        return Err(ApiError::Conflict(format!("{groupname} administers this API and cannot be deleted")));
    }
    call.state.cognito.delete_group().user_pool_id(call.pool()).group_name(groupname).send().await?;
    Ok(message(format!("Deleted {groupname}")))
}

async fn get_group(call: Call) -> Result<Value, ApiError> {
    let groupname = call.text("groupname")?;
    let group = call.state.cognito.get_group().user_pool_id(call.pool()).group_name(groupname).send().await?;
    to_json(group.group().map(shapes::Group::from))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Params {
        Params::from_query(Some(&serde_urlencoded::to_string(pairs).unwrap()))
    }

    #[test]
    fn filters_are_built_quoted_and_escaped() {
        let f = |pairs: &[(&str, &str)]| filter(&params(pairs));
        assert_eq!(f(&[]).unwrap(), None);
        assert_eq!(f(&[("filterAttribute", "email"), ("filterValue", "a@b.c")]).unwrap().unwrap(), "email = \"a@b.c\"");
        assert_eq!(
            f(&[("filterAttribute", "name"), ("filterType", "^="), ("filterValue", "Al")]).unwrap().unwrap(),
            "name ^= \"Al\""
        );
        // An attempt to close the quote and add a clause stays inside the value.
        let injected = f(&[("filterAttribute", "email"), ("filterValue", "x\" or username ^= \"")]).unwrap().unwrap();
        assert_eq!(injected, "email = \"x\\\" or username ^= \\\"\"");
        let backslash = f(&[("filterAttribute", "email"), ("filterValue", "a\\\"")]).unwrap().unwrap();
        assert_eq!(backslash, "email = \"a\\\\\\\"\"");
        for bad in [
            vec![("filterAttribute", "custom:role"), ("filterValue", "x")],
            vec![("filterAttribute", "email"), ("filterType", "!="), ("filterValue", "x")],
            vec![("filterValue", "x")],
            vec![("filterAttribute", "email"), ("filterValue", "a\nb")],
        ] {
            assert!(f(&bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn names_are_unique_and_iam_actions_are_cognito() {
        for (i, a) in ACTIONS.iter().enumerate() {
            assert!(ACTIONS[i + 1..].iter().all(|b| b.name != a.name), "duplicate action {}", a.name);
            assert!(a.iam_action.starts_with("cognito-idp:"), "{}", a.name);
            let has_required = a.inputs.iter().any(|i| i.required);
            assert_eq!(has_required, !a.missing_message.is_empty(), "{}: missing_message", a.name);
            assert!(a.extra_iam.iter().all(|i| i.starts_with("cognito-idp:")), "{}", a.name);
        }
        assert_eq!(ACTIONS.iter().filter(|a| a.default_enabled).count(), 12);
    }
}
