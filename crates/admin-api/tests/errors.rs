//! The contract's error table: every refusal is JSON with CORS headers, in the documented order of checks.
#![allow(clippy::unwrap_used)]

mod support;

use admin_api::{AppState, Config, router};
use serde_json::json;
use support::{Event, Pool, access_claims, id_claims, send};

const ADMIN: &[&str] = &["Admins"];
const FORBIDDEN: &str = "User does not have permissions to perform administrative tasks";

#[tokio::test]
async fn event_without_authorizer_claims_is_401() {
    let pool = Pool::new().await;
    let reply = pool.send(Event::get("/listUsers").without_authorizer()).await;
    reply.assert_error(401, "Unauthorized");
    let reply = pool.send(Event::get("/listUsers").claims(json!({}))).await;
    reply.assert_error(401, "Unauthorized");
}

#[tokio::test]
async fn claims_are_checked_before_the_route() {
    let pool = Pool::new().await;
    pool.send(Event::get("/noSuchAction").without_authorizer()).await.assert_error(401, "Unauthorized");
}

#[tokio::test]
async fn unknown_path_is_json_404() {
    let pool = Pool::new().await;
    let reply = pool.send(Event::get("/noSuchAction").caller("admin", ADMIN)).await;
    reply.assert_error(404, "Not found: GET /noSuchAction");
}

#[tokio::test]
async fn wrong_method_is_json_405_with_allow() {
    let pool = Pool::new().await;
    let reply = pool.send(Event::get("/addUserToGroup").caller("admin", ADMIN)).await;
    reply.assert_error(405, "Method GET is not allowed on /addUserToGroup; use POST");
    assert_eq!(reply.headers["allow"], "POST");
    let reply = pool.send(Event::method("DELETE", "/listUsers").caller("admin", ADMIN)).await;
    assert_eq!(reply.status, 405);
    assert_eq!(reply.headers["allow"], "GET");
}

#[tokio::test]
async fn caller_in_no_group_gets_403() {
    let pool = Pool::new().await;
    pool.send(Event::get("/listUsers").caller("bob", &[])).await.assert_error(403, FORBIDDEN);
}

#[tokio::test]
async fn caller_in_other_groups_only_gets_403_not_500() {
    let pool = Pool::new().await;
    pool.send(Event::get("/listUsers").caller("bob", &["Editors", "Viewers"])).await.assert_error(403, FORBIDDEN);
}

#[tokio::test]
async fn group_is_checked_before_inputs() {
    let pool = Pool::new().await;
    let reply = pool.send(Event::post("/addUserToGroup").caller("bob", &["Editors"]).json(json!({}))).await;
    reply.assert_error(403, FORBIDDEN);
}

#[tokio::test]
async fn all_three_groups_shapes_are_understood() {
    // A flattened claim with separators is read again from Cognito (a group may be named `Ops,Admins`), so the
    // callers are real users whose groups agree with their claims.
    let pool = Pool::new().await;
    pool.user("admin", &["Editors", "Admins"]).await;
    pool.user("editor", &["Editors"]).await;
    for groups in [json!("Editors,Admins"), json!("[Editors Admins]"), json!(["Editors", "Admins"])] {
        let mut claims = access_claims("admin", &[]);
        claims["cognito:groups"] = groups.clone();
        let reply = pool.send(Event::get("/listGroups").claims(claims)).await;
        assert_eq!(reply.status, 200, "groups as {groups}: {}", reply.body);
    }
    for groups in [json!("Editors,Viewers"), json!("[Editors Viewers]"), json!(["Editors", "AdminsNot"])] {
        let mut claims = access_claims("editor", &[]);
        claims["cognito:groups"] = groups;
        pool.send(Event::get("/listGroups").claims(claims)).await.assert_error(403, FORBIDDEN);
    }
}

#[tokio::test]
async fn missing_inputs_use_amplifys_messages() {
    let pool = Pool::new().await;
    let cases = [
        (Event::post("/addUserToGroup").json(json!({"username": "bob"})), "username and groupname are required"),
        (
            Event::post("/addUserToGroup").json(json!({"groupname": "Admins", "username": null})),
            "username and groupname are required",
        ),
        (
            Event::post("/removeUserFromGroup").json(json!({"username": "", "groupname": "x"})),
            "username and groupname are required",
        ),
        (Event::post("/confirmUserSignUp").json(json!({})), "username is required"),
        (Event::post("/disableUser"), "username is required"),
        (Event::post("/enableUser").json(json!({"username": ""})), "username is required"),
        (Event::get("/getUser"), "username is required"),
        (Event::get("/listGroupsForUser").query(&[("username", "")]), "username is required"),
        (Event::get("/listUsersInGroup"), "groupname is required"),
        (Event::post("/updateUserAttributes").json(json!({"username": "bob"})), "username and attributes are required"),
        (
            Event::post("/updateUserAttributes").json(json!({"username": "bob", "attributes": []})),
            "username and attributes are required",
        ),
    ];
    for (event, message) in cases {
        let path = event.0["path"].clone();
        let reply = pool.send(event.caller("admin", ADMIN)).await;
        assert_eq!(reply.status, 400, "{path}: {}", reply.body);
        reply.assert_error(400, message);
    }
}

#[tokio::test]
async fn sign_user_out_without_username_is_400() {
    let pool = Pool::new().await;
    for claims in [access_claims("bob", &[]), id_claims("bob", &[])] {
        let reply = pool.send(Event::post("/signUserOut").claims(claims).json(json!({}))).await;
        reply.assert_error(400, "username is required");
    }
}

#[tokio::test]
async fn sign_user_out_refuses_other_users_and_null() {
    let pool = Pool::new().await;
    pool.user("bob", &[]).await;
    let only_self = "only the user can sign themselves out";
    // Another user, with an access token and with an ID token, even for an admin.
    for claims in [access_claims("eve", ADMIN), id_claims("eve", &[])] {
        let reply = pool.send(Event::post("/signUserOut").claims(claims).json(json!({"username": "bob"}))).await;
        reply.assert_error(400, only_self);
    }
    // The string "null" never passes, even when the claim says "null" too.
    let reply = pool
        .send(Event::post("/signUserOut").claims(access_claims("null", &[])).json(json!({"username": "null"})))
        .await;
    reply.assert_error(400, only_self);
    // An access token whose claims lack `username` (the ID token's `cognito:username` does not count for it).
    let mut claims = access_claims("bob", &[]);
    claims.as_object_mut().unwrap().remove("username");
    claims["cognito:username"] = json!("bob");
    let reply = pool.send(Event::post("/signUserOut").claims(claims).json(json!({"username": "bob"}))).await;
    reply.assert_error(400, only_self);
}

#[tokio::test]
async fn wrong_json_types_are_400_naming_the_field() {
    let pool = Pool::new().await;
    let cases = [
        (json!({"username": 5, "groupname": "Admins"}), "username"),
        (json!({"username": "bob", "groupname": ["Admins"]}), "groupname"),
        (json!({"username": {"a": 1}, "groupname": "Admins"}), "username"),
    ];
    for (body, field) in cases {
        let reply = pool.send(Event::post("/addUserToGroup").caller("admin", ADMIN).json(body)).await;
        assert_eq!(reply.status, 400);
        assert!(reply.message().contains(field), "{}", reply.message());
        reply.assert_json_with_cors();
    }
    let reply = pool
        .send(
            Event::post("/updateUserAttributes")
                .caller("admin", ADMIN)
                .json(json!({"username": "bob", "attributes": [{"Name": 1}]})),
        )
        .await;
    assert_eq!(reply.status, 400);
    assert!(reply.message().contains("attributes"), "{}", reply.message());
}

#[tokio::test]
async fn repeated_query_parameter_is_400_naming_it() {
    let pool = Pool::new().await;
    let mut event = Event::get("/getUser").caller("admin", ADMIN);
    event.0["multiValueQueryStringParameters"] = json!({"username": ["a", "b"]});
    event.0["queryStringParameters"] = json!({"username": "b"});
    pool.send(event).await.assert_error(400, "username must be a string");
}

#[tokio::test]
async fn malformed_json_is_400_with_cors() {
    let pool = Pool::new().await;
    let event = Event::post("/disableUser")
        .caller("admin", ADMIN)
        .header("Content-Type", "application/json")
        .raw_body("{\"username\":");
    let reply = pool.send(event).await;
    assert_eq!(reply.status, 400);
    assert!(reply.message().starts_with("Request body is not valid JSON"), "{}", reply.message());
    reply.assert_json_with_cors();
}

#[tokio::test]
async fn bad_limit_is_400() {
    let pool = Pool::new().await;
    for limit in ["61", "-1", "ten", "2.5"] {
        let reply = pool.send(Event::get("/listUsers").caller("admin", ADMIN).query(&[("limit", limit)])).await;
        reply.assert_error(400, "limit must be an integer between 0 and 60");
    }
}

#[tokio::test]
async fn oversized_body_is_413() {
    let pool = Pool::new().await;
    let huge = "x".repeat(100 * 1024);
    let reply = pool.send(Event::post("/disableUser").caller("admin", ADMIN).json(json!({"username": huge}))).await;
    reply.assert_error(413, "Request body is larger than 65536 bytes");
}

#[tokio::test]
async fn cognito_client_errors_are_400_with_code() {
    let pool = Pool::new().await;
    let reply = pool.send(Event::get("/getUser").caller("admin", ADMIN).query(&[("username", "ghost")])).await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_eq!(reply.body["code"], "UserNotFoundException");
    assert!(!reply.message().is_empty());
    reply.assert_json_with_cors();

    pool.user("bob", &[]).await;
    let reply = pool
        .send(
            Event::post("/addUserToGroup")
                .caller("admin", ADMIN)
                .json(json!({"username": "bob", "groupname": "NoSuchGroup"})),
        )
        .await;
    assert_eq!(reply.status, 400, "{}", reply.body);
    assert_eq!(reply.body["code"], "ResourceNotFoundException");
}

/// A router whose Cognito client gets `status` and `body` for every call: the AWS SDK's own test connector, for
/// the answers moto never gives.
fn router_with_cognito_answer(status: u16, code: &'static str) -> axum::Router {
    let http = aws_smithy_http_client::test_util::infallible_client_fn(move |_request| {
        http::Response::builder()
            .status(status)
            .header("x-amzn-errortype", code)
            .header("content-type", "application/x-amz-json-1.1")
            .body(format!("{{\"__type\":\"{code}\",\"message\":\"Rate exceeded\"}}"))
            .unwrap()
    });
    let config = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(aws_sdk_cognitoidentityprovider::config::BehaviorVersion::latest())
        .region(aws_sdk_cognitoidentityprovider::config::Region::new("us-east-1"))
        .credentials_provider(aws_sdk_cognitoidentityprovider::config::Credentials::new("a", "b", None, None, "t"))
        .http_client(http)
        .retry_config(aws_sdk_cognitoidentityprovider::config::retry::RetryConfig::disabled())
        .build();
    let cognito = aws_sdk_cognitoidentityprovider::Client::from_conf(config);
    let config = Config::from_lookup(|n| (n == "USERPOOL").then(|| "us-east-1_Xmpl0Pool".to_owned())).unwrap();
    router(AppState::new(config, cognito))
}

#[tokio::test]
async fn cognito_throttling_is_429_with_retry_after() {
    for code in ["TooManyRequestsException", "LimitExceededException"] {
        let router = router_with_cognito_answer(400, code);
        let reply = send(&router, Event::get("/listUsers").caller("admin", &[])).await;
        reply.assert_error(429, "Rate exceeded");
        assert_eq!(reply.body["code"], code);
        assert_eq!(reply.headers["retry-after"], "1");
    }
}

#[tokio::test]
async fn cognito_internal_error_is_generic_500_with_request_id() {
    let router = router_with_cognito_answer(500, "InternalErrorException");
    let reply = send(&router, Event::get("/listUsers").caller("admin", &[])).await;
    reply.assert_error(500, "Internal error");
    assert_eq!(reply.body["requestId"], "deef4878-7910-11e6-8f14-25afc3e9ae33");
    assert!(!reply.body.to_string().contains("Rate exceeded"), "details stay in the log");
}

#[tokio::test]
async fn unreachable_cognito_is_generic_500() {
    // Nothing listens on port 9 of loopback: the SDK's dispatch fails.
    let cognito = support::cognito_client("http://127.0.0.1:9");
    let config = Config::from_lookup(|n| (n == "USERPOOL").then(|| "us-east-1_Xmpl0Pool".to_owned())).unwrap();
    let router = router(AppState::new(config, cognito));
    let reply = send(&router, Event::get("/listUsers").caller("admin", &[])).await;
    reply.assert_error(500, "Internal error");
    assert!(reply.body["requestId"].is_string());
}

#[tokio::test]
async fn cors_origin_follows_configuration() {
    let cognito = support::cognito_client("http://127.0.0.1:9");
    let env = |n: &str| match n {
        "USERPOOL" => Some("us-east-1_Xmpl0Pool".to_owned()),
        "CORS_ORIGINS" => Some("https://admin.example.com,https://other.example.com".to_owned()),
        _ => None,
    };
    let router = router(AppState::new(Config::from_lookup(env).unwrap(), cognito));
    let reply = send(&router, Event::get("/nowhere").without_authorizer()).await;
    assert_eq!(reply.headers["access-control-allow-origin"], "https://admin.example.com");
    assert_eq!(reply.headers["vary"], "Origin");
    let reply =
        send(&router, Event::get("/nowhere").without_authorizer().header("Origin", "https://other.example.com")).await;
    assert_eq!(reply.headers["access-control-allow-origin"], "https://other.example.com");
    let pool = Pool::new().await;
    let reply = pool.send(Event::get("/nowhere").without_authorizer()).await;
    assert_eq!(reply.headers["access-control-allow-origin"], "*");
}
