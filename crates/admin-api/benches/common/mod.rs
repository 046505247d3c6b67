//! What the benchmarks share: the function as Lambda runs it, minus the Runtime API's HTTP. An event goes in as
//! the JSON the Runtime API hands over, through `lambda_http`'s own adapter (event to request, the router,
//! response to the API Gateway proxy response), and comes out as the JSON posted back.
#![allow(dead_code, clippy::unwrap_used)]

use admin_api::{AppState, Config, logging, router};
use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};
use lambda_http::request::LambdaRequest;
use lambda_http::tower::ServiceExt;
use lambda_http::{Adapter, Context, LambdaEvent};

pub const SAMPLE_EVENT: &str = include_str!("../../tests/fixtures/apigw-rest-cognito-event.json");

/// The sample event with `cognito:groups` set to `groups`, as bytes.
pub fn event(groups: &str) -> Vec<u8> {
    let mut event: serde_json::Value = serde_json::from_str(SAMPLE_EVENT).unwrap();
    event["requestContext"]["authorizer"]["claims"]["cognito:groups"] = groups.into();
    serde_json::to_vec(&event).unwrap()
}

/// The router with the configuration a deployment gives it. The Cognito client points at a closed port: the
/// benchmarked requests are refused before any call.
pub fn app() -> axum::Router {
    let config = Config::from_lookup(|name| match name {
        "USERPOOL" => Some("us-east-1_Bench0Pool".to_owned()),
        "GROUP" => Some("Admins".to_owned()),
        // The framework's own overhead: the caller's live verification is measured by the `verify` bench.
        "VERIFY_CALLER" => Some("off".to_owned()),
        _ => None,
    })
    .unwrap();
    let sdk = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url("http://127.0.0.1:9")
        .credentials_provider(Credentials::new("bench", "bench", None, None, "bench"))
        .build();
    router(AppState::new(config, aws_sdk_cognitoidentityprovider::Client::from_conf(sdk)))
}

/// The request log is written as in Lambda (one JSON line per request), to a sink.
pub fn init_logging() {
    let _ = tracing::subscriber::set_global_default(logging::subscriber(std::io::sink));
}

/// One invocation: the event's JSON in, the proxy response's JSON out.
pub async fn invoke(app: &axum::Router, event: &[u8]) -> Vec<u8> {
    let payload: LambdaRequest = serde_json::from_slice(event).unwrap();
    let adapter: Adapter<'_, _, _> = Adapter::from(app.clone());
    let response = adapter.oneshot(LambdaEvent::new(payload, Context::default())).await.unwrap();
    serde_json::to_vec(&response).unwrap()
}
