//! The HTTP front of the local gateway. It answers like an API Gateway REST API with one `/{proxy+}` resource:
//! `OPTIONS` by a mock integration (CORS preflight, no auth), `ANY` behind the Cognito authorizer and a Lambda
//! proxy integration, and DEFAULT_4XX / DEFAULT_5XX gateway responses that carry CORS headers.

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tokio::net::TcpListener;

use crate::authorizer::{Authorizer, AuthorizerConfig};
use crate::event::{RequestInfo, rest_event};
use crate::runtime_api::{FunctionPool, FunctionSpec, InvokeError};

/// API Gateway's payload limit.
const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;
const PREFLIGHT_ALLOW_HEADERS: &str = "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token";
const PREFLIGHT_ALLOW_METHODS: &str = "DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT";

/// Everything the gateway needs; `deploy` writes it as JSON and the gateway process reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GatewayConfig {
    pub port: u16,
    /// The stage, i.e. the environment's name: URLs are `/<stage>/<action>`.
    pub stage: String,
    pub api_id: String,
    pub authorizer: AuthorizerConfig,
    /// The `Access-Control-Allow-Origin` of preflight and gateway responses.
    pub cors_origin: String,
    pub function: FunctionSpec,
    /// How many function instances may run at once.
    pub instances: usize,
}

struct Gateway {
    config: GatewayConfig,
    authorizer: Authorizer,
    function: FunctionPool,
}

/// Binds 127.0.0.1:`port` and serves until `shutdown` resolves. The first function instance starts before the
/// gateway accepts requests, so a broken binary shows at once.
pub async fn serve(config: GatewayConfig, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", config.port)).await?;
    let function = FunctionPool::new(config.function.clone(), config.instances);
    function.warm_up().await.map_err(std::io::Error::other)?;
    let gateway = Arc::new(Gateway { authorizer: Authorizer::new(config.authorizer.clone()), function, config });
    tracing::info!(addr = %listener.local_addr()?, "local gateway listening");
    let app = Router::new().fallback(handle).with_state(gateway);
    axum::serve(listener, app.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown)
        .await
}

static REQUESTS: AtomicU64 = AtomicU64::new(0);

fn request_id() -> String {
    let n = REQUESTS.fetch_add(1, Ordering::Relaxed);
    let t = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{:08x}-{:04x}-4{:03x}-a000-{:012x}", (t >> 32) as u32, (t >> 16) as u16, (t & 0xfff) as u16, n)
}

async fn handle(
    State(gateway): State<Arc<Gateway>>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response {
    let started = Instant::now();
    let id = request_id();
    let method = request.method().clone();
    let path = request.uri().path().to_owned();
    let mut response = route(&gateway, &id, peer, request).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HeaderName::from_static("x-amzn-requestid"), value);
    }
    tracing::info!(request_id = %id, %method, %path, status = response.status().as_u16(),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0, "request");
    response
}

async fn route(gateway: &Gateway, id: &str, peer: SocketAddr, request: Request) -> Response {
    let config = &gateway.config;
    let (parts, body) = request.into_parts();
    // `/{stage}/{proxy+}`: anything else has no resource, and API Gateway answers 403.
    let stage_prefix = format!("/{}/", config.stage);
    let Some(rest) = parts.uri.path().strip_prefix(&stage_prefix).filter(|rest| !rest.is_empty()) else {
        return gateway_response(config, StatusCode::FORBIDDEN, "Missing Authentication Token");
    };
    let path = format!("/{rest}");

    if parts.method == Method::OPTIONS {
        return preflight(config);
    }
    let claims = match gateway.authorizer.authorize_headers(&parts.headers).await {
        Ok(claims) => claims,
        Err(denied) => {
            tracing::info!(request_id = %id, reason = ?denied, "authorizer refused the token");
            return gateway_response(config, StatusCode::UNAUTHORIZED, denied.message());
        }
    };
    let body = match to_bytes(body, MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(_) => {
            return gateway_response(config, StatusCode::PAYLOAD_TOO_LARGE, "Request Too Long");
        }
    };
    let host = parts.headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("127.0.0.1");
    let info = RequestInfo {
        api_id: &config.api_id,
        stage: &config.stage,
        method: &parts.method,
        path: &path,
        query: parts.uri.query(),
        headers: &parts.headers,
        body: &body,
        request_id: id,
        source_ip: &peer.ip().to_string(),
        host,
    };
    let event = rest_event(&info, &claims);
    match gateway.function.invoke(&event).await {
        Ok(reply) => proxy_response(config, &reply),
        Err(error) => {
            tracing::warn!(request_id = %id, %error, "the function failed");
            match error {
                InvokeError::TimedOut(_) => {
                    gateway_response(config, StatusCode::GATEWAY_TIMEOUT, "Endpoint request timed out")
                }
                _ => gateway_response(config, StatusCode::BAD_GATEWAY, "Internal server error"),
            }
        }
    }
}

/// The CORS headers of the gateway responses and the preflight.
fn add_cors(config: &GatewayConfig, headers: &mut HeaderMap) {
    if let Ok(origin) = HeaderValue::from_str(&config.cors_origin) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(PREFLIGHT_ALLOW_HEADERS));
}

/// A response API Gateway makes itself (DEFAULT_4XX / DEFAULT_5XX), with CORS headers.
fn gateway_response(config: &GatewayConfig, status: StatusCode, message: &str) -> Response {
    let mut response = (status, axum::Json(json!({ "message": message }))).into_response();
    add_cors(config, response.headers_mut());
    response.headers_mut().insert(
        HeaderName::from_static("x-amzn-errortype"),
        HeaderValue::from_static(match status.as_u16() {
            401 => "UnauthorizedException",
            403 => "MissingAuthenticationTokenException",
            413 => "RequestTooLongException",
            _ => "InternalServerErrorException",
        }),
    );
    response
}

/// The mock integration for `OPTIONS`.
fn preflight(config: &GatewayConfig) -> Response {
    let mut response = (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], "{}").into_response();
    add_cors(config, response.headers_mut());
    response
        .headers_mut()
        .insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(PREFLIGHT_ALLOW_METHODS));
    response
}

/// Turns the function's proxy response into HTTP. A malformed one is a 502, as in API Gateway.
fn proxy_response(config: &GatewayConfig, reply: &Value) -> Response {
    let Some(status) =
        reply.get("statusCode").and_then(Value::as_u64).and_then(|s| StatusCode::from_u16(s as u16).ok())
    else {
        return gateway_response(config, StatusCode::BAD_GATEWAY, "Internal server error");
    };
    let body = match reply.get("body") {
        Some(Value::String(text)) if reply.get("isBase64Encoded") == Some(&Value::Bool(true)) => {
            match base64::engine::general_purpose::STANDARD.decode(text) {
                Ok(bytes) => Bytes::from(bytes),
                Err(_) => {
                    return gateway_response(config, StatusCode::BAD_GATEWAY, "Internal server error");
                }
            }
        }
        Some(Value::String(text)) => Bytes::from(text.clone()),
        _ => Bytes::new(),
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    if let Some(Value::Object(single)) = reply.get("headers") {
        for (name, value) in single {
            if let (Ok(name), Some(Ok(value))) =
                (HeaderName::try_from(name.as_str()), value.as_str().map(HeaderValue::from_str))
            {
                headers.insert(name, value);
            }
        }
    }
    if let Some(Value::Object(multi)) = reply.get("multiValueHeaders") {
        for (name, values) in multi {
            let Ok(name) = HeaderName::try_from(name.as_str()) else {
                continue;
            };
            headers.remove(&name);
            for value in values.as_array().into_iter().flatten().filter_map(Value::as_str) {
                if let Ok(value) = HeaderValue::from_str(value) {
                    headers.append(name.clone(), value);
                }
            }
        }
    }
    response
}
