//! The `listUsers` filter: Cognito's filter string built from structured inputs.

use crate::actions::SEARCHABLE;
use crate::error::ApiError;
use crate::input::Params;

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
}
