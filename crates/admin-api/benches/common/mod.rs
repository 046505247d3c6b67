//! What the benchmarks share: the function as Lambda runs it, minus the Runtime API's HTTP. An event goes in as
//! the JSON the Runtime API hands over, through `lambda_http`'s own adapter (event to request, the router,
//! response to the API Gateway proxy response), and comes out as the JSON posted back.
#![allow(dead_code, clippy::unwrap_used)]

use admin_api::{AppState, Config, logging, router};
use lambda_http::request::LambdaRequest;
use lambda_http::tower::ServiceExt;
use lambda_http::{Adapter, Context, LambdaEvent};

/// The sample event with `cognito:groups` set to `groups`, as bytes.
pub fn event(groups: &str) -> Vec<u8> {
    serde_json::to_vec(&test_support::sample_event_for(groups)).unwrap()
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
    router(AppState::new(config, test_support::cognito_at("http://127.0.0.1:9")))
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
