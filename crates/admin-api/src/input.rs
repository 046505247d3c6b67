//! Request parameters. GET actions read the query string and POST actions the body (JSON or form-encoded), as
//! Amplify's Express app does; both become one map of named values that handlers read with type checks.

use axum::http::{HeaderMap, header};
use serde_json::{Map, Value};

use crate::error::ApiError;

/// The largest body accepted. Admin requests are a few hundred bytes; API Gateway's own limit is 10 MB.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The page size sent to Cognito when the client gives none (Amplify's default).
pub const DEFAULT_LIMIT: i32 = 25;
/// The largest page Cognito serves.
pub const MAX_LIMIT: i32 = 60;

/// An attribute to set, `{"Name": ..., "Value": ...}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attribute {
    pub name: String,
    pub value: String,
}

/// The named inputs of one request.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Params(Map<String, Value>);

impl Params {
    /// Reads a query string. A repeated name becomes an array, which the type checks then refuse.
    pub fn from_query(query: Option<&str>) -> Self {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or("")).unwrap_or_default();
        Self::from_pairs(pairs)
    }

    fn from_pairs(pairs: Vec<(String, String)>) -> Self {
        let mut map = Map::new();
        for (name, value) in pairs {
            match map.get_mut(&name) {
                Some(Value::Array(values)) => values.push(Value::String(value)),
                Some(existing) => *existing = Value::Array(vec![existing.take(), Value::String(value)]),
                None => {
                    map.insert(name, Value::String(value));
                }
            }
        }
        Self(map)
    }

    /// Reads a body: form-encoded when the content type says so, JSON otherwise. An empty body has no inputs.
    pub fn from_body(headers: &HeaderMap, body: &[u8]) -> Result<Self, ApiError> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(Self::default());
        }
        let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
        if content_type.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded") {
            let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(body)
                .map_err(|e| ApiError::bad_request(format!("Request body is not valid form data: {e}")))?;
            return Ok(Self::from_pairs(pairs));
        }
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => Ok(Self(map)),
            Ok(_) => Err(ApiError::bad_request("Request body must be a JSON object")),
            Err(e) => Err(ApiError::bad_request(format!("Request body is not valid JSON: {e}"))),
        }
    }

    /// A string input. `null` and `""` count as missing; any other non-string is a 400 naming the field.
    pub fn str(&self, name: &str) -> Result<Option<&str>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(ApiError::bad_request(format!("{name} must be a string"))),
        }
    }

    /// Whether an input is present (not missing, `null` or `""`), whatever its type.
    pub fn is_present(&self, name: &str) -> bool {
        matches!(self.0.get(name), Some(v) if !v.is_null() && v != "")
    }

    /// The `limit` input: absent or empty → 25, 0 → `None` (Cognito's default), 1..=60 as given, anything else
    /// a 400.
    pub fn limit(&self) -> Result<Option<i32>, ApiError> {
        let invalid = || ApiError::bad_request(format!("limit must be an integer between 0 and {MAX_LIMIT}"));
        let limit = match self.0.get("limit") {
            None | Some(Value::Null) => return Ok(Some(DEFAULT_LIMIT)),
            Some(Value::String(s)) if s.trim().is_empty() => return Ok(Some(DEFAULT_LIMIT)),
            Some(Value::String(s)) => s.trim().parse::<i32>().map_err(|_| invalid())?,
            Some(Value::Number(n)) => n.as_i64().and_then(|n| i32::try_from(n).ok()).ok_or_else(invalid)?,
            Some(_) => return Err(invalid()),
        };
        match limit {
            0 => Ok(None),
            1..=MAX_LIMIT => Ok(Some(limit)),
            _ => Err(invalid()),
        }
    }

    /// A boolean input: JSON `true`/`false`, or the strings `"true"`/`"false"` (query strings and forms).
    pub fn bool(&self, name: &str) -> Result<Option<bool>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) if s == "true" => Ok(Some(true)),
            Some(Value::String(s)) if s == "false" => Ok(Some(false)),
            Some(_) => Err(ApiError::bad_request(format!("{name} must be true or false"))),
        }
    }

    /// A whole-number input.
    pub fn number(&self, name: &str) -> Result<Option<i32>, ApiError> {
        let invalid = || ApiError::bad_request(format!("{name} must be a whole number of 0 or more"));
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => s.trim().parse::<i32>().ok().filter(|n| *n >= 0).map(Some).ok_or_else(invalid),
            Some(Value::Number(n)) => {
                n.as_i64().and_then(|n| i32::try_from(n).ok()).filter(|n| *n >= 0).map(Some).ok_or_else(invalid)
            }
            Some(_) => Err(invalid()),
        }
    }

    /// A list of names: a JSON array of non-empty strings, or a comma-separated string.
    pub fn names(&self, name: &str) -> Result<Option<Vec<String>>, ApiError> {
        let invalid = || ApiError::bad_request(format!("{name} must be a list of names"));
        let names: Vec<String> = match self.0.get(name) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::String(s)) => {
                s.split(',').map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned).collect()
            }
            Some(Value::Array(items)) => items
                .iter()
                .map(|i| i.as_str().filter(|s| !s.is_empty()).map(str::to_owned).ok_or_else(invalid))
                .collect::<Result<_, _>>()?,
            Some(_) => return Err(invalid()),
        };
        Ok(if names.is_empty() { None } else { Some(names) })
    }

    /// The `token` input (a pagination token). An empty one is ignored, and so are `undefined` and `null`: what
    /// `aws-amplify` v6 puts in the URL for `queryParams: {token: nextToken}` on the first page, where Gen 1's
    /// client left the parameter out. Cognito's tokens are never these words.
    pub fn token(&self) -> Result<Option<String>, ApiError> {
        Ok(self.str("token")?.filter(|t| !matches!(*t, "undefined" | "null")).map(str::to_owned))
    }

    /// The `attributes` input: a list of `{"Name": string, "Value": string}`.
    pub fn attributes(&self, name: &str) -> Result<Option<Vec<Attribute>>, ApiError> {
        let invalid =
            || ApiError::bad_request(format!("{name} must be a list of {{\"Name\": string, \"Value\": string}}"));
        let items = match self.0.get(name) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::String(s)) if s.is_empty() => return Ok(None),
            Some(Value::Array(items)) if items.is_empty() => return Ok(None),
            Some(Value::Array(items)) => items,
            Some(_) => return Err(invalid()),
        };
        items
            .iter()
            .map(|item| {
                let name = item.get("Name").and_then(Value::as_str).filter(|n| !n.is_empty());
                let value = item.get("Value").and_then(Value::as_str);
                match (name, value) {
                    (Some(name), Some(value)) => Ok(Attribute { name: name.to_owned(), value: value.to_owned() }),
                    _ => Err(invalid()),
                }
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn json_params(v: Value) -> Params {
        Params::from_body(&HeaderMap::new(), v.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn limit_bounds() {
        assert_eq!(Params::from_query(None).limit().unwrap(), Some(25));
        assert_eq!(Params::from_query(Some("limit=")).limit().unwrap(), Some(25));
        assert_eq!(Params::from_query(Some("limit=0")).limit().unwrap(), None);
        assert_eq!(Params::from_query(Some("limit=60")).limit().unwrap(), Some(60));
        for bad in ["limit=61", "limit=-1", "limit=abc", "limit=1.5", "limit=1&limit=2"] {
            let err = Params::from_query(Some(bad)).limit().unwrap_err();
            assert_eq!(err.to_string(), "limit must be an integer between 0 and 60", "{bad}");
        }
    }

    #[test]
    fn null_and_empty_strings_are_missing() {
        let params = json_params(json!({"a": null, "b": "", "c": "x"}));
        assert_eq!(params.str("a").unwrap(), None);
        assert_eq!(params.str("b").unwrap(), None);
        assert_eq!(params.str("c").unwrap(), Some("x"));
        assert!(!params.is_present("b"));
    }

    #[test]
    fn wrong_type_names_the_field() {
        let params = json_params(json!({"username": 5, "groupname": ["a"]}));
        assert_eq!(params.str("username").unwrap_err().to_string(), "username must be a string");
        assert_eq!(params.str("groupname").unwrap_err().to_string(), "groupname must be a string");
    }

    #[test]
    fn form_bodies_are_read() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, "application/x-www-form-urlencoded; charset=utf-8".parse().unwrap());
        let params = Params::from_body(&headers, b"username=a%20b&groupname=Admins").unwrap();
        assert_eq!(params.str("username").unwrap(), Some("a b"));
    }

    #[test]
    fn malformed_json_and_non_objects_are_refused() {
        assert!(
            Params::from_body(&HeaderMap::new(), b"{\"username\":").unwrap_err().to_string().contains("not valid JSON")
        );
        assert!(Params::from_body(&HeaderMap::new(), b"[1]").unwrap_err().to_string().contains("JSON object"));
    }

    #[test]
    fn attributes_must_be_name_value_pairs() {
        let ok = json_params(json!({"attributes": [{"Name": "email", "Value": "a@b.c"}]}));
        assert_eq!(
            ok.attributes("attributes").unwrap(),
            Some(vec![Attribute { name: "email".into(), value: "a@b.c".into() }])
        );
        let bad = json_params(json!({"attributes": [{"Name": "email"}]}));
        assert!(bad.attributes("attributes").unwrap_err().to_string().starts_with("attributes must be"));
        let bad = json_params(json!({"attributes": "email"}));
        assert!(bad.attributes("attributes").is_err());
    }
}
