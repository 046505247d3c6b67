//! Cognito's outputs as the JSON that Amplify clients read: Cognito's own PascalCase member names, ISO-8601
//! timestamps with milliseconds (what the JavaScript SDK's `Date` serialises to), absent members omitted.

use aws_sdk_cognitoidentityprovider::operation::admin_get_user::AdminGetUserOutput;
use aws_sdk_cognitoidentityprovider::types::{AttributeType, GroupType, MfaOptionType, UserType};
use aws_smithy_types::DateTime;
use aws_smithy_types::date_time::Format;
use serde::Serialize;

/// `2023-11-14T22:13:20.123Z`.
pub fn iso8601_millis(time: &DateTime) -> String {
    let whole = DateTime::from_secs(time.secs()).fmt(Format::DateTime).unwrap_or_default();
    let millis = time.subsec_nanos() / 1_000_000;
    match whole.strip_suffix('Z') {
        Some(stem) => format!("{stem}.{millis:03}Z"),
        None => whole,
    }
}

fn time(t: Option<&DateTime>) -> Option<String> {
    t.map(iso8601_millis)
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct Attribute {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

fn attributes(list: Option<&Vec<AttributeType>>) -> Option<Vec<Attribute>> {
    list.map(|list| {
        list.iter().map(|a| Attribute { name: a.name().to_owned(), value: a.value().map(str::to_owned) }).collect()
    })
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct MfaOption {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_medium: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attribute_name: Option<String>,
}

fn mfa_options(list: Option<&Vec<MfaOptionType>>) -> Option<Vec<MfaOption>> {
    list.map(|list| {
        list.iter()
            .map(|o| MfaOption {
                delivery_medium: o.delivery_medium().map(|m| m.as_str().to_owned()),
                attribute_name: o.attribute_name().map(str::to_owned),
            })
            .collect()
    })
}

/// A user as ListUsers and ListUsersInGroup return it.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(rename = "ListedUser"))]
#[serde(rename_all = "PascalCase")]
pub struct User {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attributes: Option<Vec<Attribute>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(extend("format" = "date-time")))]
    pub user_create_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(extend("format" = "date-time")))]
    pub user_last_modified_date: Option<String>,
    pub enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_status: Option<String>,
    #[serde(rename = "MFAOptions", skip_serializing_if = "Option::is_none")]
    pub mfa_options: Option<Vec<MfaOption>>,
}

impl From<&UserType> for User {
    fn from(u: &UserType) -> Self {
        Self {
            username: u.username().map(str::to_owned),
            attributes: attributes(u.attributes.as_ref()),
            user_create_date: time(u.user_create_date()),
            user_last_modified_date: time(u.user_last_modified_date()),
            enabled: u.enabled(),
            user_status: u.user_status().map(|s| s.as_str().to_owned()),
            mfa_options: mfa_options(u.mfa_options.as_ref()),
        }
    }
}

/// The AdminGetUser output.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(rename = "User"))]
#[serde(rename_all = "PascalCase")]
pub struct GetUser {
    pub username: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_attributes: Option<Vec<Attribute>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(extend("format" = "date-time")))]
    pub user_create_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(extend("format" = "date-time")))]
    pub user_last_modified_date: Option<String>,
    pub enabled: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_status: Option<String>,
    #[serde(rename = "MFAOptions", skip_serializing_if = "Option::is_none")]
    pub mfa_options: Option<Vec<MfaOption>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub preferred_mfa_setting: Option<String>,
    #[serde(rename = "UserMFASettingList", skip_serializing_if = "Option::is_none")]
    pub user_mfa_setting_list: Option<Vec<String>>,
}

impl From<&AdminGetUserOutput> for GetUser {
    fn from(u: &AdminGetUserOutput) -> Self {
        Self {
            username: u.username().to_owned(),
            user_attributes: attributes(u.user_attributes.as_ref()),
            user_create_date: time(u.user_create_date()),
            user_last_modified_date: time(u.user_last_modified_date()),
            enabled: u.enabled(),
            user_status: u.user_status().map(|s| s.as_str().to_owned()),
            mfa_options: mfa_options(u.mfa_options.as_ref()),
            preferred_mfa_setting: u.preferred_mfa_setting().map(str::to_owned),
            user_mfa_setting_list: u.user_mfa_setting_list.clone(),
        }
    }
}

/// A group with every field, as ListGroups returns it.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct Group {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_pool_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub precedence: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(extend("format" = "date-time")))]
    pub last_modified_date: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "schema", schemars(extend("format" = "date-time")))]
    pub creation_date: Option<String>,
}

impl From<&GroupType> for Group {
    fn from(g: &GroupType) -> Self {
        Self {
            group_name: g.group_name().map(str::to_owned),
            user_pool_id: g.user_pool_id().map(str::to_owned),
            description: g.description().map(str::to_owned),
            role_arn: g.role_arn().map(str::to_owned),
            precedence: g.precedence(),
            last_modified_date: time(g.last_modified_date()),
            creation_date: time(g.creation_date()),
        }
    }
}

/// A group cut down to what Amplify's listGroupsForUser returns.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct GroupSummary {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

impl From<&GroupType> for GroupSummary {
    fn from(g: &GroupType) -> Self {
        Self { group_name: g.group_name().map(str::to_owned), description: g.description().map(str::to_owned) }
    }
}

/// `{"Users": [...], "NextToken": "..."}`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "PascalCase")]
pub struct UserPage {
    pub users: Vec<User>,
    /// Pass it as `token` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// `{"Groups": [...], "NextToken": "..."}`.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(rename = "{G}Page"))]
#[serde(rename_all = "PascalCase")]
pub struct GroupPage<G> {
    pub groups: Vec<G>,
    /// Pass it as `token` for the next page; absent on the last page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_token: Option<String>,
}

/// What an action that changes something answers: `{"message": "..."}`, in Amplify's wording.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Message {
    pub message: String,
}

/// What createUser answers: a message and the user as Cognito made them.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CreatedUser {
    pub message: String,
    #[serde(rename = "User")]
    pub user: User,
}

/// Every error's body: the message, Cognito's exception name when Cognito refused, and the request id of a 500.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema), schemars(rename = "Error"))]
pub struct ErrorBody {
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    #[serde(rename = "requestId", skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_have_milliseconds() {
        assert_eq!(
            iso8601_millis(&DateTime::from_secs_and_nanos(1_700_000_000, 123_456_789)),
            "2023-11-14T22:13:20.123Z"
        );
        assert_eq!(iso8601_millis(&DateTime::from_secs(1_700_000_000)), "2023-11-14T22:13:20.000Z");
    }

    #[test]
    fn absent_members_are_omitted() {
        let user = UserType::builder().username("alice").enabled(true).build();
        let json = serde_json::to_value(User::from(&user)).unwrap();
        assert_eq!(json, serde_json::json!({"Username": "alice", "Enabled": true}));
    }
}
