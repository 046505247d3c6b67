//! The table of actions. Each entry is one route of the API: its path, method, inputs, the Cognito IAM action it
//! needs, who may call it, and what it answers. The router is built from this table (with the handlers of
//! [`crate::handlers`]), and so are the IAM policy and the API description: adding an action is one entry here and
//! one handler there. The table knows nothing of the function's state, so the configuration can name actions
//! without a circle.

use crate::error::ApiError;
use crate::input::Params;

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
        default_enabled: false,
        extra_iam: &[],
        response: Shape::Group,
        summary: "Gets a group",
    },
];

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
            assert!(a.extra_iam.iter().all(|i| i.starts_with("cognito-idp:")), "{}", a.name);
        }
        assert_eq!(ACTIONS.iter().filter(|a| a.default_enabled).count(), 12);
    }
}
