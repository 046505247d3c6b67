//! CORS as a browser meets it, with several listed origins: each listed origin gets a preflight that allows it, a
//! readable 401 from the authorizer and a readable 200 from the function; an unlisted origin is never allowed by
//! the preflight nor by the function. With one origin, or `*`, the headers stay static.
//!
//! The function here is a stand-in (this test binary, run as a Lambda through the Runtime API) that sets its CORS
//! headers as the real one does (`admin-api`'s own tests hold that): a listed `Origin` echoed, any other answered
//! with the first listed origin, `Vary: Origin`.
#![allow(clippy::unwrap_used)]

mod support;

use std::path::PathBuf;

use bytes::Bytes;
use http::HeaderMap;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use local_gateway::GatewayConfig;
use local_gateway::authorizer::TokenMode;
use local_gateway::runtime_api::FunctionSpec;
use local_gateway::server::Cors;
use serde_json::{Value, json};
use support::*;

const LISTED: [&str; 2] = ["https://admin.example.com", "https://support.example.com"];
const UNLISTED: &str = "https://evil.example";
/// Set in the stand-in function's environment: the test binary then serves invocations instead of testing.
const STAND_IN: &str = "AQ_STAND_IN_FUNCTION";

/// Not a test: the stand-in function, when the gateway runs this binary as one (`STAND_IN` set). Otherwise it
/// returns at once.
#[test]
fn stand_in_function() {
    if std::env::var_os(STAND_IN).is_none() {
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(serve_invocations());
    std::process::exit(0);
}

/// The Runtime API loop: next invocation, answer, until the gateway goes away.
async fn serve_invocations() {
    let api = std::env::var("AWS_LAMBDA_RUNTIME_API").unwrap();
    let origins: Vec<String> = std::env::var("CORS_ORIGINS").unwrap().split(',').map(str::to_owned).collect();
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    loop {
        let next = http::Request::get(format!("http://{api}/2018-06-01/runtime/invocation/next"))
            .body(Full::default())
            .unwrap();
        let Ok(response) = client.request(next).await else { return };
        let id = response.headers()["lambda-runtime-aws-request-id"].to_str().unwrap().to_owned();
        let event: Value = serde_json::from_slice(&response.into_body().collect().await.unwrap().to_bytes()).unwrap();
        let origin = event["headers"]
            .as_object()
            .and_then(|headers| headers.iter().find(|(name, _)| name.eq_ignore_ascii_case("origin")))
            .and_then(|(_, value)| value.as_str());
        let allow = origin.filter(|o| origins.iter().any(|listed| listed == o)).unwrap_or(origins[0].as_str());
        let reply = json!({
            "statusCode": 200,
            "headers": {
                "content-type": "application/json",
                "access-control-allow-origin": allow,
                "access-control-allow-headers": "Origin, X-Requested-With, Content-Type, Accept",
                "vary": "Origin",
            },
            "body": json!({ "Users": [], "origin": origin }).to_string(),
        });
        let answer = http::Request::post(format!("http://{api}/2018-06-01/runtime/invocation/{id}/response"))
            .body(Full::new(Bytes::from(reply.to_string())))
            .unwrap();
        if client.request(answer).await.is_err() {
            return;
        }
    }
}

/// Starts a gateway whose function is the stand-in, with `CORS_ORIGINS` as the template sets it; its base URL.
async fn gateway(cors_origins: &str) -> String {
    use std::os::unix::fs::PermissionsExt;
    let dir = test_support::temp_dir("gateway-cors");
    let binary: PathBuf = dir.join("function");
    let exe = std::env::current_exe().unwrap();
    let script =
        format!("#!/bin/sh\nexec '{}' --exact stand_in_function --nocapture --test-threads=1 -q\n", exe.display());
    std::fs::write(&binary, script).unwrap();
    std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).unwrap();
    let env = [(STAND_IN, "1"), ("CORS_ORIGINS", cors_origins)];
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = GatewayConfig {
        port,
        stage: "test".into(),
        api_id: "test".into(),
        authorizer: authorizer_config(serve_jwks().await, TokenMode::Access),
        cors_origin: cors_origins.split(',').next().unwrap().to_owned(),
        function: FunctionSpec {
            env: env.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect(),
            log_file: Some(dir.join("function.log")),
            ..test_support::function_spec(binary)
        },
        instances: 1,
    };
    start_gateway(config).await
}

struct Answer {
    status: u16,
    headers: HeaderMap,
    body: String,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).map(|v| v.to_str().unwrap())
    }

    fn allow_origin(&self) -> Option<&str> {
        self.header("access-control-allow-origin")
    }
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {:?} {}", self.status, self.headers, self.body)
    }
}

async fn send(method: &str, url: &str, headers: &[(&str, &str)]) -> Answer {
    let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
    let mut request = http::Request::builder().method(method).uri(url);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = client.request(request.body(Full::default()).unwrap()).await.unwrap();
    let (parts, body) = response.into_parts();
    let body = String::from_utf8(body.collect().await.unwrap().to_bytes().to_vec()).unwrap();
    Answer { status: parts.status.as_u16(), headers: parts.headers, body }
}

/// What a browser sends before a call with a token: `OPTIONS` with the method and headers it wants.
async fn preflight(url: &str, origin: &str) -> Answer {
    send(
        "OPTIONS",
        url,
        &[
            ("Origin", origin),
            ("Access-Control-Request-Method", "POST"),
            ("Access-Control-Request-Headers", "authorization,content-type"),
        ],
    )
    .await
}

/// Whether a browser on `origin` may go on after this preflight.
fn assert_preflight_allows(answer: &Answer, origin: &str) {
    assert!(matches!(answer.status, 200 | 204), "{origin}: {answer:?}");
    assert_eq!(answer.allow_origin(), Some(origin), "{answer:?}");
    let allowed = answer.header("access-control-allow-headers").unwrap_or_default().to_ascii_lowercase();
    assert!(allowed.split(',').any(|h| h.trim() == "authorization"), "{answer:?}");
    assert!(allowed.split(',').any(|h| h.trim() == "content-type"), "{answer:?}");
    let methods = answer.header("access-control-allow-methods").unwrap_or_default();
    assert!(methods.split(',').any(|m| m.trim() == "POST") && methods.contains("GET"), "{answer:?}");
}

#[tokio::test]
async fn every_listed_origin_gets_its_preflight_a_readable_401_and_a_readable_200() {
    let base = gateway(&LISTED.join(",")).await;
    let token = sign(&access_claims());
    for origin in LISTED {
        let answer = preflight(&format!("{base}/addUserToGroup"), origin).await;
        assert_preflight_allows(&answer, origin);
        assert_eq!(answer.header("vary"), Some("Origin"), "{answer:?}");

        // The authorizer's 401, without a token and with an expired one: a gateway response the browser can read.
        let expired = sign(&with(access_claims(), "exp", json!(now() - 1)));
        for auth in [None, Some(expired.as_str())] {
            let mut headers = vec![("Origin", origin)];
            headers.extend(auth.map(|t| ("Authorization", t)));
            let answer = send("GET", &format!("{base}/listUsers"), &headers).await;
            assert_eq!(answer.status, 401, "{answer:?}");
            assert_eq!(answer.allow_origin(), Some(origin), "{answer:?}");
            assert_eq!(answer.header("vary"), Some("Origin"), "{answer:?}");
            assert!(answer.body.contains("\"message\""), "{answer:?}");
        }

        // Through the function: its own headers, for this origin.
        let answer = send("GET", &format!("{base}/listUsers"), &[("Origin", origin), ("Authorization", &token)]).await;
        assert_eq!(answer.status, 200, "{answer:?}");
        assert_eq!(answer.allow_origin(), Some(origin), "{answer:?}");
        let body: Value = serde_json::from_str(&answer.body).unwrap();
        assert_eq!(body["origin"], origin, "the function sees the request's Origin");
    }
}

#[tokio::test]
async fn an_unlisted_origin_is_allowed_by_neither_the_preflight_nor_the_function() {
    let base = gateway(&LISTED.join(",")).await;
    let answer = preflight(&format!("{base}/addUserToGroup"), UNLISTED).await;
    assert_ne!(answer.allow_origin(), Some(UNLISTED), "{answer:?}");
    assert_eq!(answer.allow_origin(), Some(LISTED[0]), "the first listed origin, which the browser refuses");
    assert_eq!(answer.header("vary"), Some("Origin"), "{answer:?}");
    // Other spellings of a listed origin are other origins.
    for near in ["https://ADMIN.example.com", "https://admin.example.com/", "https://admin.example.com:443", "null"] {
        let answer = preflight(&format!("{base}/addUserToGroup"), near).await;
        assert_eq!(answer.allow_origin(), Some(LISTED[0]), "{near}: {answer:?}");
    }
    // A call that skips the preflight (a non-browser, or a token obtained elsewhere) still gets no allowance from
    // the function.
    let token = sign(&access_claims());
    let answer = send("GET", &format!("{base}/listUsers"), &[("Origin", UNLISTED), ("Authorization", &token)]).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    assert_eq!(answer.allow_origin(), Some(LISTED[0]), "{answer:?}");
}

#[tokio::test]
async fn gateway_responses_echo_the_request_origin_as_api_gateway_maps_it() {
    // API Gateway's gateway responses can only map a request header, not choose among origins: with several
    // origins they echo the request's `Origin`, listed or not (a fixed message, no credentials), and have no
    // `Access-Control-Allow-Origin` for a request without one. A browser on an unlisted origin never gets that
    // far with a token: its preflight fails first.
    let base = gateway(&LISTED.join(",")).await;
    let answer = send("GET", &format!("{base}/listUsers"), &[("Origin", UNLISTED)]).await;
    assert_eq!((answer.status, answer.allow_origin()), (401, Some(UNLISTED)), "{answer:?}");
    let answer = send("GET", &format!("{base}/listUsers"), &[]).await;
    assert_eq!((answer.status, answer.allow_origin()), (401, None), "{answer:?}");
    assert!(answer.header("access-control-allow-headers").is_some(), "{answer:?}");
    // Outside the stage: API Gateway's 403, with the same headers.
    let answer = send("GET", &base.replace("/test", "/other/listUsers"), &[("Origin", LISTED[1])]).await;
    assert_eq!((answer.status, answer.allow_origin()), (403, Some(LISTED[1])), "{answer:?}");
}

#[tokio::test]
async fn one_origin_or_any_keeps_a_static_header() {
    for (listed, expected) in [(LISTED[0], LISTED[0]), ("*", "*"), ("https://admin.example.com,*", "*")] {
        let base = gateway(listed).await;
        for origin in [LISTED[0], LISTED[1], UNLISTED] {
            let answer = preflight(&format!("{base}/addUserToGroup"), origin).await;
            assert_eq!(answer.allow_origin(), Some(expected), "{listed}, from {origin}: {answer:?}");
            assert_eq!(answer.header("vary"), None, "{answer:?}");
            let answer = send("GET", &format!("{base}/listUsers"), &[("Origin", origin)]).await;
            assert_eq!((answer.status, answer.allow_origin()), (401, Some(expected)), "{listed}: {answer:?}");
        }
        assert_preflight_allows(&preflight(&format!("{base}/listUsers"), expected).await, expected);
    }
}

#[test]
fn the_policy_follows_the_functions_list() {
    let fallback = "https://fallback.example";
    assert_eq!(Cors::from_list("", fallback), Cors::Static(fallback.into()));
    assert_eq!(Cors::from_list("*", fallback), Cors::Static("*".into()));
    assert_eq!(Cors::from_list("https://a.example", fallback), Cors::Static("https://a.example".into()));
    assert_eq!(Cors::from_list("https://a.example, *", fallback), Cors::Static("*".into()));
    assert_eq!(
        Cors::from_list("https://a.example, https://b.example", fallback),
        Cors::Listed(vec!["https://a.example".into(), "https://b.example".into()])
    );
}
