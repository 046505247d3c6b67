//! The HTTP front of the local gateway. It answers like an API Gateway REST API with one `/{proxy+}` resource:
//! `OPTIONS` by a mock integration (CORS preflight, no auth), `ANY` behind the Cognito authorizer and a Lambda
//! proxy integration, and DEFAULT_4XX / DEFAULT_5XX gateway responses that carry CORS headers.
//!
//! CORS follows the template ([`Cors`]): with one origin (or `*`) the preflight and the gateway responses carry it
//! as a static header; with several, the preflight echoes a listed `Origin` (else the first listed origin) and the
//! gateway responses echo the request's `Origin`, each with `Vary: Origin`. The function sets its own headers.

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
    /// The `Access-Control-Allow-Origin` of preflight and gateway responses when the function's environment names
    /// no origins. The origins themselves come from the function's `CORS_ORIGINS` (see [`GatewayConfig::cors`]).
    pub cors_origin: String,
    pub function: FunctionSpec,
    /// How many function instances may run at once.
    pub instances: usize,
}

/// The function's variable naming the origins browsers may call from (comma-separated, `*` for any), which the
/// template sets from the same `admin_api.cors_origins` as the API's own CORS.
pub const FUNCTION_CORS_ORIGINS: &str = "CORS_ORIGINS";

/// The API's own CORS (the preflight's and the gateway responses'), as the template sets it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cors {
    /// One origin, or `*`: a static `Access-Control-Allow-Origin`.
    Static(String),
    /// Several origins (never `*`). The preflight (a mock integration whose response template overrides the
    /// header) echoes a listed `Origin` and answers any other with the first listed origin; a gateway response can
    /// only map a request header, so it echoes the request's `Origin` whatever it is, and has none without one.
    Listed(Vec<String>),
}

impl Cors {
    /// The policy for `origins` as `CORS_ORIGINS` lists them: `*` anywhere, or a single origin, is static.
    pub fn from_list(origins: &str, fallback: &str) -> Self {
        let list: Vec<String> =
            origins.split(',').map(str::trim).filter(|o| !o.is_empty()).map(str::to_owned).collect();
        match list.as_slice() {
            [] => Self::Static(fallback.to_owned()),
            _ if list.iter().any(|o| o == "*") => Self::Static("*".to_owned()),
            [one] => Self::Static(one.clone()),
            _ => Self::Listed(list),
        }
    }

    /// The preflight's `Access-Control-Allow-Origin` for a request from `origin`.
    fn preflight_origin(&self, origin: Option<&HeaderValue>) -> Option<HeaderValue> {
        match self {
            Self::Static(value) => HeaderValue::from_str(value).ok(),
            Self::Listed(list) => origin
                .filter(|o| list.iter().any(|listed| listed.as_bytes() == o.as_bytes()))
                .cloned()
                .or_else(|| list.first().and_then(|first| HeaderValue::from_str(first).ok())),
        }
    }

    /// A gateway response's `Access-Control-Allow-Origin` for a request from `origin`.
    fn gateway_origin(&self, origin: Option<&HeaderValue>) -> Option<HeaderValue> {
        match self {
            Self::Static(value) => HeaderValue::from_str(value).ok(),
            Self::Listed(_) => origin.cloned(),
        }
    }
}

impl GatewayConfig {
    /// The API's CORS: from the function's `CORS_ORIGINS`, so that the gateway and the function never disagree on
    /// the origins; `cors_origin` when the function's environment has none.
    pub fn cors(&self) -> Cors {
        let listed = self.function.env.iter().rev().find(|(name, _)| name == FUNCTION_CORS_ORIGINS);
        Cors::from_list(listed.map_or("", |(_, value)| value.as_str()), &self.cors_origin)
    }
}

struct Gateway {
    config: GatewayConfig,
    cors: Cors,
    authorizer: Authorizer,
    function: FunctionPool,
}

/// Binds 127.0.0.1:`port` and serves until `shutdown` resolves. The first function instance starts before the
/// gateway accepts requests, so a broken binary shows at once.
pub async fn serve(config: GatewayConfig, shutdown: impl Future<Output = ()> + Send + 'static) -> std::io::Result<()> {
    let listener = TcpListener::bind(("127.0.0.1", config.port)).await?;
    let function = FunctionPool::new(config.function.clone(), config.instances);
    function.warm_up().await.map_err(std::io::Error::other)?;
    let gateway = Arc::new(Gateway {
        authorizer: Authorizer::new(config.authorizer.clone()),
        function,
        cors: config.cors(),
        config,
    });
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
    let refuse = |status, message| gateway_response(&gateway.cors, &parts.headers, status, message);
    // `/{stage}/{proxy+}`: anything else has no resource, and API Gateway answers 403.
    let stage_prefix = format!("/{}/", config.stage);
    let Some(rest) = parts.uri.path().strip_prefix(&stage_prefix).filter(|rest| !rest.is_empty()) else {
        return refuse(StatusCode::FORBIDDEN, "Missing Authentication Token");
    };
    let path = format!("/{rest}");

    if parts.method == Method::OPTIONS {
        return preflight(&gateway.cors, &parts.headers);
    }
    let claims = match gateway.authorizer.authorize_headers(&parts.headers).await {
        Ok(claims) => claims,
        Err(denied) => {
            tracing::info!(request_id = %id, reason = ?denied, "authorizer refused the token");
            return refuse(StatusCode::UNAUTHORIZED, denied.message());
        }
    };
    let body = match to_bytes(body, MAX_BODY_BYTES).await {
        Ok(body) => body,
        Err(_) => {
            return refuse(StatusCode::PAYLOAD_TOO_LARGE, "Request Too Long");
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
        Ok(reply) => proxy_response(&reply).unwrap_or_else(|| refuse(StatusCode::BAD_GATEWAY, "Internal server error")),
        Err(error) => {
            tracing::warn!(request_id = %id, %error, "the function failed");
            match error {
                InvokeError::TimedOut(_) => refuse(StatusCode::GATEWAY_TIMEOUT, "Endpoint request timed out"),
                _ => refuse(StatusCode::BAD_GATEWAY, "Internal server error"),
            }
        }
    }
}

/// The CORS headers of the gateway responses and the preflight: `allow_origin` (none when the policy gives none
/// for this request), the allowed headers, and `Vary: Origin` when the answer depends on the request's `Origin`.
fn add_cors(cors: &Cors, allow_origin: Option<HeaderValue>, headers: &mut HeaderMap) {
    if let Some(origin) = allow_origin {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    }
    headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(PREFLIGHT_ALLOW_HEADERS));
    if matches!(cors, Cors::Listed(_)) {
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    }
}

/// A response API Gateway makes itself (DEFAULT_4XX / DEFAULT_5XX), with CORS headers.
fn gateway_response(cors: &Cors, request: &HeaderMap, status: StatusCode, message: &str) -> Response {
    let mut response = (status, axum::Json(json!({ "message": message }))).into_response();
    add_cors(cors, cors.gateway_origin(request.get(header::ORIGIN)), response.headers_mut());
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
fn preflight(cors: &Cors, request: &HeaderMap) -> Response {
    let mut response = (StatusCode::OK, [(header::CONTENT_TYPE, "application/json")], "{}").into_response();
    add_cors(cors, cors.preflight_origin(request.get(header::ORIGIN)), response.headers_mut());
    response
        .headers_mut()
        .insert(header::ACCESS_CONTROL_ALLOW_METHODS, HeaderValue::from_static(PREFLIGHT_ALLOW_METHODS));
    response
}

/// Turns the function's proxy response into HTTP, its headers as the function set them; `None` for a malformed
/// one, which API Gateway answers with a 502.
fn proxy_response(reply: &Value) -> Option<Response> {
    let status = reply.get("statusCode").and_then(Value::as_u64).and_then(|s| StatusCode::from_u16(s as u16).ok())?;
    let body = match reply.get("body") {
        Some(Value::String(text)) if reply.get("isBase64Encoded") == Some(&Value::Bool(true)) => {
            Bytes::from(base64::engine::general_purpose::STANDARD.decode(text).ok()?)
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
    Some(response)
}
