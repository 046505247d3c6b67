//! The gateway's HTTP front with functions that misbehave: a crash is a 502 and a time-out a 504, each with the
//! CORS headers of the gateway responses, and the next request gets a new instance.
#![allow(clippy::unwrap_used)]

mod support;

use std::path::PathBuf;
use std::time::Duration;

use local_gateway::GatewayConfig;
use local_gateway::authorizer::TokenMode;
use local_gateway::runtime_api::FunctionSpec;
use support::*;

/// A "function" that is a shell script: it never speaks the Runtime API, it only crashes or hangs.
fn script(name: &str, body: &str) -> PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let path = test_support::temp_dir("gateway-test").join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

/// Starts a gateway in this process for `binary`; returns its base URL.
async fn gateway(binary: PathBuf, timeout: Duration) -> String {
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let config = GatewayConfig {
        port,
        stage: "test".into(),
        api_id: "test".into(),
        authorizer: authorizer_config(serve_jwks().await, TokenMode::Access),
        cors_origin: "https://admin.example.com".into(),
        function: FunctionSpec { timeout, ..test_support::function_spec(binary) },
        instances: 1,
    };
    start_gateway(config).await
}

/// A raw HTTP/1.1 exchange: status line and the rest.
async fn get(url: &str, token: Option<&str>) -> (u16, String) {
    get_with_tokens(url, token.as_slice()).await
}

/// A raw HTTP/1.1 exchange with one `Authorization` header per token given.
async fn get_with_tokens(url: &str, tokens: &[&str]) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rest = url.strip_prefix("http://").unwrap();
    let (host, path) = rest.split_at(rest.find('/').unwrap());
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let auth: String = tokens.iter().map(|t| format!("Authorization: {t}\r\n")).collect();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\n{auth}Connection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).await.unwrap();
    let status = response[9..12].parse().unwrap();
    (status, response)
}

#[tokio::test]
async fn a_crashing_function_is_a_502_with_cors_and_is_replaced() {
    let base = gateway(script("crash", "exit 3"), Duration::from_secs(5)).await;
    let token = sign(&access_claims());
    for _ in 0..2 {
        let (status, response) = get(&format!("{base}/listUsers"), Some(&token)).await;
        assert_eq!(status, 502, "{response}");
        assert!(response.contains("{\"message\":\"Internal server error\"}"), "{response}");
        assert!(response.contains("access-control-allow-origin: https://admin.example.com"), "{response}");
    }
}

#[tokio::test]
async fn a_hanging_function_is_a_504() {
    let base = gateway(script("hang", "exec sleep 30"), Duration::from_millis(500)).await;
    let token = sign(&access_claims());
    let (status, response) = get(&format!("{base}/listUsers"), Some(&token)).await;
    assert_eq!(status, 504, "{response}");
    assert!(response.contains("Endpoint request timed out"), "{response}");
    assert!(response.contains("access-control-allow-origin"), "{response}");
}

#[tokio::test]
async fn the_authorizer_runs_before_the_function() {
    // The function would crash; a request without a valid token never reaches it.
    let base = gateway(script("crash", "exit 3"), Duration::from_secs(5)).await;
    let (status, response) = get(&format!("{base}/listUsers"), None).await;
    assert_eq!(status, 401, "{response}");
    assert!(response.contains("access-control-allow-origin: https://admin.example.com"), "{response}");
    let expired = sign(&with(access_claims(), "exp", serde_json::json!(now() - 1)));
    let (status, response) = get(&format!("{base}/listUsers"), Some(&expired)).await;
    assert_eq!(status, 401);
    assert!(response.contains("The incoming token has expired"), "{response}");
}

#[tokio::test]
async fn paths_outside_the_stage_have_no_resource() {
    let base = gateway(script("crash", "exit 3"), Duration::from_secs(5)).await;
    let token = sign(&access_claims());
    for path in [base.replace("/test", "/other/listUsers"), format!("{base}/"), base.clone()] {
        let (status, response) = get(&path, Some(&token)).await;
        assert_eq!(status, 403, "{path}: {response}");
        assert!(response.contains("Missing Authentication Token"), "{response}");
    }
}

#[tokio::test]
async fn a_repeated_authorization_header_is_a_401_with_cors() {
    // With one valid token the request reaches the function (which crashes: 502); with the header twice it does
    // not, even when both copies are the same valid token.
    let base = gateway(script("crash", "exit 3"), Duration::from_secs(5)).await;
    let token = sign(&access_claims());
    let (status, response) = get_with_tokens(&format!("{base}/listUsers"), &[&token]).await;
    assert_eq!(status, 502, "{response}");
    for tokens in [[token.as_str(), token.as_str()], [token.as_str(), "garbage"], ["garbage", token.as_str()]] {
        let (status, response) = get_with_tokens(&format!("{base}/listUsers"), &tokens).await;
        assert_eq!(status, 401, "{response}");
        assert!(response.contains("{\"message\":\"Unauthorized\"}"), "{response}");
        assert!(response.contains("access-control-allow-origin: https://admin.example.com"), "{response}");
        assert!(response.contains("x-amzn-errortype: UnauthorizedException"), "{response}");
    }
}

#[tokio::test]
async fn a_token_not_valid_yet_or_with_an_issuer_array_is_a_401_with_cors() {
    let base = gateway(script("crash", "exit 3"), Duration::from_secs(5)).await;
    let not_yet = sign(&with(access_claims(), "nbf", serde_json::json!(now() + 600)));
    let issuers = sign(&with(access_claims(), "iss", serde_json::json!([ISSUER])));
    for token in [not_yet, issuers] {
        let (status, response) = get(&format!("{base}/listUsers"), Some(&token)).await;
        assert_eq!(status, 401, "{response}");
        assert!(response.contains("{\"message\":\"Unauthorized\"}"), "{response}");
        assert!(response.contains("access-control-allow-origin: https://admin.example.com"), "{response}");
    }
}
