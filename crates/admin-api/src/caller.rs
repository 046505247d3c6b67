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
        let groups = claims.get("cognito:groups").map(parse_groups).unwrap_or_default();
        Self { sub: text("sub"), username, token_use, groups }
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

    pub fn is_in_group(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g == group)
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
    fn username_claim_follows_token_use() {
        let access = json!({"token_use": "access", "username": "alice", "cognito:username": "mallory"});
        assert_eq!(Caller::from_claims(access.as_object().unwrap()).username.as_deref(), Some("alice"));
        let id = json!({"token_use": "id", "username": "mallory", "cognito:username": "alice"});
        assert_eq!(Caller::from_claims(id.as_object().unwrap()).username.as_deref(), Some("alice"));
        let id_without = json!({"token_use": "id", "username": "mallory"});
        assert_eq!(Caller::from_claims(id_without.as_object().unwrap()).username, None);
    }
}
