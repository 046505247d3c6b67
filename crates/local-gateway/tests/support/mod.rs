//! Shared by the gateway's tests: the test pool's keys, its JWKS served over HTTP, and tokens signed with them.
#![allow(dead_code, clippy::unwrap_used)]

use std::time::{SystemTime, UNIX_EPOCH};

use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use local_gateway::authorizer::{Authorizer, AuthorizerConfig, TokenMode};
use serde_json::{Value, json};

pub const POOL_KEY: &[u8] = include_bytes!("../fixtures/pool-key.pem");
pub const POOL_PUBLIC_KEY: &[u8] = include_bytes!("../fixtures/pool-key.pub.pem");
pub const OTHER_KEY: &[u8] = include_bytes!("../fixtures/other-key.pem");
pub const JWKS: &str = include_str!("../fixtures/pool-jwks.json");
pub const ISSUER: &str = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool";
pub const CLIENT: &str = "client-of-the-pool";

/// Serves the JWKS on 127.0.0.1 and returns its URL.
pub async fn serve_jwks() -> String {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route(
        "/us-east-1_TestPool/.well-known/jwks.json",
        axum::routing::get(|| async { ([("content-type", "application/json")], JWKS) }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}/us-east-1_TestPool/.well-known/jwks.json")
}

pub fn authorizer_config(jwks_url: String, token: TokenMode) -> AuthorizerConfig {
    AuthorizerConfig {
        issuer: ISSUER.to_owned(),
        jwks_url,
        token,
        client_ids: vec!["another-client".to_owned(), CLIENT.to_owned()],
    }
}

pub async fn authorizer(token: TokenMode) -> Authorizer {
    Authorizer::new(authorizer_config(serve_jwks().await, token))
}

pub fn now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs()
}

pub fn access_claims() -> Value {
    json!({
        "sub": "7d8ca528-4931-4254-9273-ea5ee853f271",
        "iss": ISSUER,
        "client_id": CLIENT,
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "auth_time": now(),
        "iat": now(),
        "exp": now() + 3600,
        "username": "alice",
        "cognito:groups": ["Admins"],
    })
}

pub fn id_claims() -> Value {
    json!({
        "sub": "7d8ca528-4931-4254-9273-ea5ee853f271",
        "iss": ISSUER,
        "aud": CLIENT,
        "token_use": "id",
        "auth_time": now(),
        "iat": now(),
        "exp": now() + 3600,
        "cognito:username": "alice",
    })
}

pub fn sign_with(claims: &Value, key: &[u8], kid: &str) -> String {
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_rsa_pem(key).unwrap()).unwrap()
}

pub fn sign(claims: &Value) -> String {
    sign_with(claims, POOL_KEY, "pool-kid-1")
}

pub fn with(mut claims: Value, name: &str, value: Value) -> Value {
    claims[name] = value;
    claims
}

pub fn without(mut claims: Value, name: &str) -> Value {
    claims.as_object_mut().unwrap().remove(name);
    claims
}

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

/// Starts the gateway with `config` in the background and returns its stage URL once it accepts connections.
pub async fn start_gateway(config: local_gateway::GatewayConfig) -> String {
    let (port, stage) = (config.port, config.stage.clone());
    tokio::spawn(local_gateway::serve(config, std::future::pending()));
    for _ in 0..250 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    format!("http://127.0.0.1:{port}/{stage}")
}
