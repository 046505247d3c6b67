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

/// What Cognito's API accepts in a text input: a length in characters and a set of characters. The function
/// refuses anything else with a 400 naming the input before it calls Cognito, and the OpenAPI document states the
/// same rule (`minLength`, `maxLength`, `pattern`), so that the document and the function agree.
#[derive(Debug, Clone, Copy)]
pub struct TextRule {
    pub min_chars: usize,
    pub max_chars: usize,
    /// The character set as an anchored ECMA-262 regular expression (the OpenAPI document's `pattern`).
    pub pattern: &'static str,
    /// The character set in words, for the 400's message.
    pub chars: &'static str,
    allowed: fn(char) -> bool,
}

impl TextRule {
    /// Whether `text` follows the rule.
    pub fn accepts(&self, text: &str) -> bool {
        let count = text.chars().count();
        (self.min_chars..=self.max_chars).contains(&count) && text.chars().all(self.allowed)
    }
}

/// Cognito's user names and group names: `[\p{L}\p{M}\p{S}\p{N}\p{P}]+`, 1 to 128 characters.
pub const NAME_RULE: TextRule = TextRule {
    min_chars: 1,
    max_chars: 128,
    pattern: r"^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$",
    chars: "letters, marks, symbols, digits and punctuation, without spaces or control characters",
    allowed: is_name_char,
};

/// Cognito's passwords (`Password`, `TemporaryPassword`): `[\S]+`, at most 256 characters.
pub const PASSWORD_RULE: TextRule = TextRule {
    min_chars: 1,
    max_chars: 256,
    pattern: r"^\S+$",
    chars: "characters other than spaces",
    allowed: is_not_space,
};

/// Pagination tokens: Cognito's `[\S]+`, and at most 4,096 characters. Cognito's own limit is 131,072, but a token
/// travels in the query string, and API Gateway refuses a URL longer than 8,192 characters; Cognito's tokens are a
/// few hundred.
pub const TOKEN_RULE: TextRule = TextRule {
    min_chars: 1,
    max_chars: 4096,
    pattern: r"^\S+$",
    chars: "characters other than spaces",
    allowed: is_not_space,
};

/// The rule of the text input `name`, if Cognito has one the function checks.
pub fn text_rule(name: &str) -> Option<&'static TextRule> {
    match name {
        "username" | "groupname" => Some(&NAME_RULE),
        "password" | "temporaryPassword" => Some(&PASSWORD_RULE),
        "token" => Some(&TOKEN_RULE),
        _ => None,
    }
}

fn is_not_space(c: char) -> bool {
    !c.is_whitespace()
}

/// Letters, marks, symbols, numbers and punctuation: every character but separators (Z), controls (Cc), format
/// characters (Cf), private use (Co) and noncharacters. Other unassigned code points are left to Cognito.
fn is_name_char(c: char) -> bool {
    let n = u32::from(c);
    let format = matches!(
        n,
        0xAD | 0x600..=0x605
            | 0x61C
            | 0x6DD
            | 0x70F
            | 0x890..=0x891
            | 0x8E2
            | 0x180E
            | 0x200B..=0x200F
            | 0x202A..=0x202E
            | 0x2060..=0x2064
            | 0x2066..=0x206F
            | 0xFEFF
            | 0xFFF9..=0xFFFB
            | 0x110BD
            | 0x110CD
            | 0x13430..=0x1343F
            | 0x1BCA0..=0x1BCA3
            | 0x1D173..=0x1D17A
            | 0xE0001
            | 0xE0020..=0xE007F
    );
    let private_use = matches!(n, 0xE000..=0xF8FF | 0xF_0000..=0xF_FFFD | 0x10_0000..=0x10_FFFD);
    let noncharacter = matches!(n, 0xFDD0..=0xFDEF) || n & 0xFFFE == 0xFFFE;
    !(c.is_whitespace() || c.is_control() || format || private_use || noncharacter)
}

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

    /// A string input. `null` and `""` count as missing; any other non-string, or a string that breaks the
    /// input's [`TextRule`], is a 400 naming the field.
    pub fn str(&self, name: &str) -> Result<Option<&str>, ApiError> {
        match self.0.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if s.is_empty() => Ok(None),
            Some(Value::String(s)) => match text_rule(name) {
                Some(rule) if !rule.accepts(s) => Err(ApiError::bad_request(format!(
                    "{name} must be {} to {} {}",
                    rule.min_chars, rule.max_chars, rule.chars
                ))),
                _ => Ok(Some(s)),
            },
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
        let params = Params::from_body(&headers, b"username=a%2Bb%C3%A9&groupname=Admins").unwrap();
        assert_eq!(params.str("username").unwrap(), Some("a+bé"));
    }

    #[test]
    fn user_and_group_names_follow_cognitos_rule() {
        let long = "é".repeat(128);
        for good in
            ["alice", "alice@example.com", "+33612345678", "Ops,Admins", "[Admins]", "名前", "e\u{301}", "€$", &long]
        {
            let params = json_params(json!({"username": good, "groupname": good}));
            assert_eq!(params.str("username").unwrap(), Some(good));
            assert_eq!(params.str("groupname").unwrap(), Some(good));
        }
        let too_long = "a".repeat(129);
        for bad in [
            "a b",
            " alice",
            "alice\n",
            "tab\there",
            "nb\u{a0}sp",
            "zw\u{200b}sp",
            "bom\u{feff}",
            "pua\u{e000}",
            "\u{fffe}",
            &too_long,
        ] {
            let params = json_params(json!({"username": bad, "groupname": bad}));
            let err = params.str("username").unwrap_err().to_string();
            assert_eq!(
                err,
                "username must be 1 to 128 letters, marks, symbols, digits and punctuation, without spaces or control \
                 characters",
                "{bad:?}"
            );
            assert!(params.str("groupname").unwrap_err().to_string().starts_with("groupname must be 1 to 128"));
        }
        // Other text inputs have no such rule.
        assert_eq!(json_params(json!({"filterValue": "a b"})).str("filterValue").unwrap(), Some("a b"));
    }

    #[test]
    fn passwords_and_tokens_have_no_spaces() {
        assert!(json_params(json!({"password": "a b"})).str("password").is_err());
        assert!(json_params(json!({"temporaryPassword": "x".repeat(257)})).str("temporaryPassword").is_err());
        assert_eq!(
            json_params(json!({"password": "Correct-Horse-9"})).str("password").unwrap(),
            Some("Correct-Horse-9")
        );
        assert_eq!(
            Params::from_query(Some("token=a%20b")).token().unwrap_err().to_string(),
            "token must be 1 to 4096 characters other than spaces"
        );
        assert_eq!(Params::from_query(Some("token=undefined")).token().unwrap(), None);
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
