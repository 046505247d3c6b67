//! `[user_pool]`: how users sign in, the groups, self sign-up, MFA and the token lifetimes; and their checks.

use serde::{Deserialize, Serialize};

use super::{ConfigError, Fault};

/// How users sign in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UsernameAttribute {
    Email,
    PhoneNumber,
}

impl UsernameAttribute {
    /// Cognito's name of the attribute.
    pub fn cognito_name(self) -> &'static str {
        match self {
            Self::Email => "email",
            Self::PhoneNumber => "phone_number",
        }
    }
}

/// The user pool and its groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UserPool {
    /// Sign in with these instead of a user name. Empty: a user name.
    #[serde(default)]
    pub username_attributes: Vec<UsernameAttribute>,
    /// Adopt this existing pool instead of creating one; it is never modified. Its id starts with its region,
    /// which must be the region of every environment on AWS that adopts it.
    pub existing: Option<String>,
    /// The app's own app client of the adopted pool, used instead of creating one. Only with `existing`.
    pub client_id: Option<String>,
    #[serde(default = "default_groups")]
    pub groups: Vec<Group>,
    /// Whether anyone may create an account through the app client (Cognito's `SignUp`). `false`: only
    /// administrators create users (`AllowAdminCreateUserOnly`). Default `true`, as Amplify does.
    #[serde(default = "yes")]
    pub self_sign_up: bool,
    /// Multi-factor authentication with an authenticator app (TOTP).
    #[serde(default)]
    pub mfa: Mfa,
    /// How long the app client's tokens last.
    #[serde(default)]
    pub token_validity: TokenValidity,
}

impl Default for UserPool {
    fn default() -> Self {
        Self {
            username_attributes: Vec::new(),
            existing: None,
            client_id: None,
            groups: default_groups(),
            self_sign_up: true,
            mfa: Mfa::Off,
            token_validity: TokenValidity::default(),
        }
    }
}

fn yes() -> bool {
    true
}

/// Multi-factor authentication: TOTP (an authenticator app), which needs no SMS.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mfa {
    #[default]
    Off,
    /// Users may add an authenticator app; those who did must use it.
    Optional,
    /// Every user must set up an authenticator app at the first sign-in, and use it at every sign-in.
    Required,
}

impl Mfa {
    /// Cognito's `MfaConfiguration`.
    pub fn cognito_name(self) -> &'static str {
        match self {
            Self::Off => "OFF",
            Self::Optional => "OPTIONAL",
            Self::Required => "ON",
        }
    }
}

/// A token lifetime, written `"<n>m"`, `"<n>h"` or `"<n>d"` (minutes, hours, days); held in minutes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Validity {
    pub minutes: u32,
}

impl Validity {
    pub const fn minutes(minutes: u32) -> Self {
        Self { minutes }
    }

    pub const fn days(days: u32) -> Self {
        Self { minutes: days * MINUTES_PER_DAY }
    }
}

const MINUTES_PER_DAY: u32 = 24 * 60;

impl TryFrom<String> for Validity {
    type Error = String;

    fn try_from(text: String) -> Result<Self, String> {
        let bad =
            || format!("{text:?} is not a duration: write minutes, hours or days, e.g. \"15m\", \"1h\" or \"30d\"");
        let unit = text.chars().last().ok_or_else(bad)?;
        let factor = match unit {
            'm' => 1,
            'h' => 60,
            'd' => MINUTES_PER_DAY,
            _ => return Err(bad()),
        };
        let number = &text[..text.len() - 1];
        if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
            return Err(bad());
        }
        let n: u32 = number.parse().map_err(|_| bad())?;
        n.checked_mul(factor).map(Self::minutes).ok_or_else(bad)
    }
}

impl From<Validity> for String {
    fn from(v: Validity) -> Self {
        v.to_string()
    }
}

impl std::fmt::Display for Validity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.minutes > 0 && self.minutes.is_multiple_of(MINUTES_PER_DAY) {
            write!(f, "{}d", self.minutes / MINUTES_PER_DAY)
        } else if self.minutes > 0 && self.minutes.is_multiple_of(60) {
            write!(f, "{}h", self.minutes / 60)
        } else {
            write!(f, "{}m", self.minutes)
        }
    }
}

/// The app client's token lifetimes. The defaults are Cognito's: access and ID tokens 60 minutes, refresh tokens
/// 30 days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenValidity {
    #[serde(default = "default_short_validity")]
    pub access: Validity,
    #[serde(default = "default_short_validity")]
    pub id: Validity,
    #[serde(default = "default_refresh_validity")]
    pub refresh: Validity,
}

impl Default for TokenValidity {
    fn default() -> Self {
        Self { access: default_short_validity(), id: default_short_validity(), refresh: default_refresh_validity() }
    }
}

pub(super) fn default_short_validity() -> Validity {
    Validity::minutes(60)
}

pub(super) fn default_refresh_validity() -> Validity {
    Validity::days(30)
}

/// Cognito's bounds: access and ID tokens 5 minutes to 1 day; refresh tokens 60 minutes to 10 years.
pub const SHORT_VALIDITY: (Validity, Validity) = (Validity::minutes(5), Validity::days(1));
pub const REFRESH_VALIDITY: (Validity, Validity) = (Validity::minutes(60), Validity::days(3650));

fn default_groups() -> Vec<Group> {
    vec![Group { name: "Admins".to_owned(), precedence: Some(1), description: None }]
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub name: String,
    /// Lower wins when a user is in several groups.
    pub precedence: Option<i32>,
    pub description: Option<String>,
}

/// Checks the pool settings no environment overrides: the sign-in attributes and the groups. (The adopted pool and
/// the overridable settings are checked per environment: see `environments`.)
pub(super) fn validate(pool: &UserPool, fault: &Fault) -> Result<(), ConfigError> {
    let mut seen = std::collections::BTreeSet::new();
    for attribute in &pool.username_attributes {
        if !seen.insert(attribute) {
            return Err(fault.at(
                "user_pool.username_attributes",
                format!("lists {attribute:?} twice"),
                "list each of \"email\" and \"phone_number\" at most once",
            ));
        }
    }
    let mut names = std::collections::BTreeSet::new();
    for (i, group) in pool.groups.iter().enumerate() {
        let key = format!("user_pool.groups[{i}]");
        if group.name.is_empty() || group.name.chars().count() > 128 || group.name.chars().any(char::is_whitespace) {
            return Err(fault.at(
                format!("{key}.name"),
                format!("is {:?}, which Cognito refuses as a group name", group.name),
                "use 1 to 128 characters without spaces, e.g. name = \"Admins\"",
            ));
        }
        if !names.insert(group.name.as_str()) {
            return Err(fault.at(
                format!("{key}.name"),
                format!("repeats the group {:?}", group.name),
                "list each group once",
            ));
        }
        if group.precedence.is_some_and(|p| p < 0) {
            return Err(fault.at(format!("{key}.precedence"), "is negative", "use 0 or more; lower wins"));
        }
    }
    Ok(())
}
