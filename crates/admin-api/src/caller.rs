//! Who is calling. The API Gateway Cognito authorizer has already verified the token; the function trusts only
//! the claims it passes in `requestContext.authorizer.claims` and never decodes a token itself.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use lambda_http::RequestExt;
use lambda_http::request::RequestContext;
use serde_json::{Map, Value};

use crate::error::ApiError;

/// The kind of token the authorizer verified (`token_use`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    Access,
    Id,
}

/// The verified caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Caller {
    /// The `sub` claim: the user's immutable id.
    pub sub: Option<String>,
    /// The user name: `username` in an access token, `cognito:username` in an ID token.
    pub username: Option<String>,
    pub token_use: Option<TokenUse>,
    /// The `cognito:groups` claim.
    pub groups: Vec<String>,
    /// Whether `groups` is exactly what Cognito put in the token. A claim flattened into a string cannot be split
    /// back with certainty once a group name holds a separator (Cognito allows `Ops,Admins` and `[Admins]` as
    /// names), so such a claim never grants anything by itself: membership is then read from Cognito.
    pub groups_certain: bool,
}

impl Caller {
    /// Reads the caller from the authorizer claims. Claim values are strings when API Gateway sends them; other
    /// JSON types are read too, since other integrations send them.
    pub fn from_claims(claims: &Map<String, Value>) -> Self {
        let text = |name: &str| match claims.get(name) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let token_use = match text("token_use").as_deref() {
            Some("access") => Some(TokenUse::Access),
            Some("id") => Some(TokenUse::Id),
            _ => None,
        };
        let username = match token_use {
            Some(TokenUse::Access) => text("username"),
            Some(TokenUse::Id) => text("cognito:username"),
            None => text("username").or_else(|| text("cognito:username")),
        };
        let groups_claim = claims.get("cognito:groups");
        let groups = groups_claim.map(parse_groups).unwrap_or_default();
        let groups_certain = groups_claim.is_none_or(is_unambiguous);
        Self { sub: text("sub"), username, token_use, groups, groups_certain }
    }

    /// Reads the caller from the request's API Gateway context; `None` when there are no authorizer claims.
    pub fn from_parts(parts: &Parts) -> Option<Self> {
        let Some(RequestContext::ApiGatewayV1(context)) = parts.extensions.request_context_ref() else {
            return None;
        };
        match context.authorizer.fields.get("claims")? {
            Value::Object(claims) if !claims.is_empty() => Some(Self::from_claims(claims)),
            // Some integrations pass the claims as a JSON-encoded string.
            Value::String(s) => match serde_json::from_str::<Value>(s).ok()? {
                Value::Object(claims) if !claims.is_empty() => Some(Self::from_claims(&claims)),
                _ => None,
            },
            _ => None,
        }
    }
}

/// Parses `cognito:groups` in the three shapes it arrives in: `Admins,Editors` (REST authorizer events),
/// `[Admins Editors]` (a Go-style rendering of a list), and a JSON array (as a value or as a string).
pub fn parse_groups(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => {
            items.iter().filter_map(Value::as_str).map(str::to_owned).filter(|g| !g.is_empty()).collect()
        }
        Value::String(s) => {
            let s = s.trim();
            if let Some(inner) = s.strip_prefix('[').and_then(|rest| rest.strip_suffix(']')) {
                if let Ok(Value::Array(items)) = serde_json::from_str::<Value>(s) {
                    return parse_groups(&Value::Array(items));
                }
                inner.split([' ', ',']).filter(|g| !g.is_empty()).map(str::to_owned).collect()
            } else {
                s.split(',').map(str::trim).filter(|g| !g.is_empty()).map(str::to_owned).collect()
            }
        }
        _ => Vec::new(),
    }
}

/// Characters that separate groups in the string renderings of `cognito:groups`, and that Cognito also allows
/// inside a group name.
const GROUP_SEPARATORS: &[char] = &[',', ' ', '[', ']', '"'];

/// A groups claim reads unambiguously when it is a JSON array of strings, or a string that holds no separator at
/// all (one group, named exactly so).
fn is_unambiguous(value: &Value) -> bool {
    match value {
        Value::Array(items) => items.iter().all(Value::is_string),
        Value::String(s) => !s.contains(GROUP_SEPARATORS),
        _ => false,
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        if let Some(caller) = parts.extensions.get::<Caller>() {
            return Ok(caller.clone());
        }
        Self::from_parts(parts).ok_or(ApiError::Unauthorized)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn groups(v: Value) -> Vec<String> {
        parse_groups(&v)
    }

    #[test]
    fn groups_in_all_three_shapes() {
        let want = vec!["Admins".to_owned(), "Editors".to_owned()];
        assert_eq!(groups(json!("Admins,Editors")), want);
        assert_eq!(groups(json!("[Admins Editors]")), want);
        assert_eq!(groups(json!(["Admins", "Editors"])), want);
        assert_eq!(groups(json!("[\"Admins\",\"Editors\"]")), want);
        assert_eq!(groups(json!("Admins")), vec!["Admins".to_owned()]);
        assert!(groups(json!("")).is_empty());
        assert!(groups(json!("[]")).is_empty());
    }

    #[test]
    fn flattened_claims_with_separators_are_not_certain() {
        let caller = |groups: Value| Caller::from_claims(json!({"cognito:groups": groups}).as_object().unwrap());
        assert!(caller(json!("Admins")).groups_certain);
        assert!(caller(json!(["Ops,Admins", "[Admins]"])).groups_certain, "a real array keeps names whole");
        for ambiguous in ["Ops,Admins", "[Admins]", "Admins,Editors", "[Admins Editors]", "\"Admins\""] {
            let c = caller(json!(ambiguous));
            assert!(!c.groups_certain, "{ambiguous}");
        }
        assert!(Caller::from_claims(json!({"sub": "x"}).as_object().unwrap()).groups_certain, "no claim, no groups");
    }

    #[test]
    fn username_claim_follows_token_use() {
        let access = json!({"token_use": "access", "username": "alice", "cognito:username": "mallory"});
        assert_eq!(Caller::from_claims(access.as_object().unwrap()).username.as_deref(), Some("alice"));
        let id = json!({"token_use": "id", "username": "mallory", "cognito:username": "alice"});
        assert_eq!(Caller::from_claims(id.as_object().unwrap()).username.as_deref(), Some("alice"));
        let id_without = json!({"token_use": "id", "username": "mallory"});
        assert_eq!(Caller::from_claims(id_without.as_object().unwrap()).username, None);
    }
}
