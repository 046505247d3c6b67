//! The API Gateway REST proxy event (payload 1.0) for `/{stage}/{proxy+}`, as API Gateway builds it after a
//! Cognito authorizer: every claim a string, `cognito:groups` comma-separated, `exp`/`iat` as dates.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::http::{HeaderMap, Method};
use base64::Engine;
use serde_json::{Map, Value, json};

/// What the gateway knows of one request.
#[derive(Debug)]
pub struct RequestInfo<'a> {
    pub api_id: &'a str,
    pub stage: &'a str,
    pub method: &'a Method,
    /// The path after the stage, starting with `/`.
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    pub request_id: &'a str,
    pub source_ip: &'a str,
    pub host: &'a str,
}

/// API Gateway renders `exp` and `iat` like `Thu Aug 02 21:41:53 UTC 2018`.
fn claim_date(seconds: u64) -> String {
    // httpdate gives `Thu, 02 Aug 2018 21:41:53 GMT`; rearrange it.
    let http = httpdate::fmt_http_date(UNIX_EPOCH + Duration::from_secs(seconds));
    let parts: Vec<&str> = http.trim_end_matches(" GMT").split([' ', ',']).filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [weekday, day, month, year, time] => format!("{weekday} {month} {day} {time} UTC {year}"),
        _ => http,
    }
}

/// The claims as API Gateway passes them: strings only.
pub fn claims_as_strings(claims: &Map<String, Value>) -> Map<String, Value> {
    claims
        .iter()
        .map(|(name, value)| {
            let text = match (name.as_str(), value) {
                ("exp" | "iat", Value::Number(n)) => n.as_u64().map_or_else(|| n.to_string(), claim_date),
                ("cognito:groups", Value::Array(items)) => {
                    items.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(",")
                }
                (_, Value::String(s)) => s.clone(),
                (_, other) => other.to_string(),
            };
            (name.clone(), Value::String(text))
        })
        .collect()
}

fn header_maps(headers: &HeaderMap) -> (Map<String, Value>, Map<String, Value>) {
    let mut single = Map::new();
    let mut multi = Map::new();
    for name in headers.keys() {
        let values: Vec<Value> = headers
            .get_all(name)
            .iter()
            .map(|v| Value::String(String::from_utf8_lossy(v.as_bytes()).into_owned()))
            .collect();
        if let Some(last) = values.last() {
            single.insert(name.as_str().to_owned(), last.clone());
        }
        multi.insert(name.as_str().to_owned(), Value::Array(values));
    }
    (single, multi)
}

fn query_maps(query: Option<&str>) -> (Value, Value) {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or("")).unwrap_or_default();
    if pairs.is_empty() {
        return (Value::Null, Value::Null);
    }
    let mut single = Map::new();
    let mut multi: Map<String, Value> = Map::new();
    for (name, value) in pairs {
        single.insert(name.clone(), Value::String(value.clone()));
        match multi.get_mut(&name) {
            Some(Value::Array(values)) => values.push(Value::String(value)),
            _ => {
                multi.insert(name, json!([value]));
            }
        }
    }
    (Value::Object(single), Value::Object(multi))
}

/// Builds the event.
pub fn rest_event(request: &RequestInfo<'_>, claims: &Map<String, Value>) -> Value {
    let (headers, multi_headers) = header_maps(request.headers);
    let (query, multi_query) = query_maps(request.query);
    let (body, is_base64) = match std::str::from_utf8(request.body) {
        _ if request.body.is_empty() => (Value::Null, false),
        Ok(text) => (Value::String(text.to_owned()), false),
        Err(_) => (Value::String(base64::engine::general_purpose::STANDARD.encode(request.body)), true),
    };
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let user_agent = request.headers.get("user-agent").and_then(|v| v.to_str().ok()).unwrap_or("");
    json!({
        "resource": "/{proxy+}",
        "path": request.path,
        "httpMethod": request.method.as_str(),
        "headers": headers,
        "multiValueHeaders": multi_headers,
        "queryStringParameters": query,
        "multiValueQueryStringParameters": multi_query,
        "pathParameters": { "proxy": request.path.trim_start_matches('/') },
        "stageVariables": null,
        "requestContext": {
            "resourceId": "proxy0",
            "resourcePath": "/{proxy+}",
            "httpMethod": request.method.as_str(),
            "extendedRequestId": request.request_id,
            "requestTime": httpdate::fmt_http_date(SystemTime::now()),
            "path": format!("/{}{}", request.stage, request.path),
            "accountId": "000000000000",
            "protocol": "HTTP/1.1",
            "stage": request.stage,
            "domainPrefix": request.api_id,
            "requestTimeEpoch": now.as_millis() as u64,
            "requestId": request.request_id,
            "identity": { "sourceIp": request.source_ip, "userAgent": user_agent },
            "domainName": request.host,
            "apiId": request.api_id,
            "authorizer": { "claims": claims_as_strings(claims) },
        },
        "body": body,
        "isBase64Encoded": is_base64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_are_strings_like_api_gateways() {
        let claims = json!({"exp": 1533246113, "iat": 1533242513, "auth_time": 1533242513,
            "cognito:groups": ["Admins", "Editors"], "email_verified": true, "username": "bob"});
        let strings = claims_as_strings(claims.as_object().unwrap());
        assert_eq!(strings["exp"], "Thu Aug 02 21:41:53 UTC 2018");
        assert_eq!(strings["iat"], "Thu Aug 02 20:41:53 UTC 2018");
        assert_eq!(strings["auth_time"], "1533242513");
        assert_eq!(strings["cognito:groups"], "Admins,Editors");
        assert_eq!(strings["email_verified"], "true");
        assert_eq!(strings["username"], "bob");
    }

    #[test]
    fn query_strings_arrive_decoded_in_both_forms() {
        let (single, multi) = query_maps(Some("username=a%20b&tag=1&tag=2"));
        assert_eq!(single, json!({"username": "a b", "tag": "2"}));
        assert_eq!(multi, json!({"username": ["a b"], "tag": ["1", "2"]}));
        assert_eq!(query_maps(None), (Value::Null, Value::Null));
    }
}
