//! The router, built from [`ACTIONS`], and its middleware. Checks run in the contract's order: the authorizer
//! claims (401), the route (404/405), the group (403), then the inputs (400).

use std::borrow::Cow;
use std::time::Instant;

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodFilter, on};
use lambda_http::RequestExt;
use lambda_http::request::RequestContext;

use crate::actions::{Access, Action, Verb};
use crate::caller::Caller;
use crate::checks;
use crate::config::AppState;
use crate::error::{ApiError, FORBIDDEN_MESSAGE};
use crate::handlers::{self, Call, Handler};
use crate::input::{MAX_BODY_BYTES, Params};

/// The headers that Amplify's function allows, on every response.
const ALLOW_HEADERS: &str = "Origin, X-Requested-With, Content-Type, Accept";

/// The id of the request, for the log and for the body of a 500.
#[derive(Debug, Clone)]
struct RequestId(String);

/// What the request log says about a request, set by the inner layers on the response.
#[derive(Debug, Clone, Default)]
struct LogFields {
    action: Option<&'static str>,
    target_user: Option<String>,
    target_group: Option<String>,
}

/// Builds the API: one route per action of the table, a JSON 404 for unknown paths and a JSON 405 for wrong
/// methods, behind authentication, the request log and CORS.
pub fn router(state: AppState) -> Router {
    let mut router = Router::new();
    for action in state.config.actions.clone() {
        let filter = match action.verb {
            Verb::Get => MethodFilter::GET,
            Verb::Post => MethodFilter::POST,
        };
        let Some(handler) = handlers::of(action) else { continue };
        let route = on(filter, move |State(state): State<AppState>, caller: Caller, request: Request| {
            dispatch(action, handler, state, caller, request)
        })
        .fallback(move |request: Request| async move {
            let allow = match action.verb {
                Verb::Get => "GET",
                Verb::Post => "POST",
            };
            let error = ApiError::MethodNotAllowed {
                method: request.method().to_string(),
                path: request.uri().path().to_owned(),
                allow,
            };
            error.into_response_for(&request_id(&request))
        });
        router = router.route(&format!("/{}", action.name), route);
    }
    router
        .fallback(|request: Request| async move {
            let error =
                ApiError::NotFound { method: request.method().to_string(), path: request.uri().path().to_owned() };
            error.into_response_for(&request_id(&request))
        })
        .layer(middleware::from_fn(authenticate))
        .layer(middleware::from_fn_with_state(state.clone(), cors_and_log))
        .with_state(state)
}

/// Runs one action: the group check, the input checks, then the handler.
async fn dispatch(
    action: &'static Action,
    handler: Handler,
    state: AppState,
    caller: Caller,
    request: Request,
) -> Response {
    let request_id = request_id(&request);
    let (parts, body) = request.into_parts();
    let result = async {
        authorize(action, &state, &caller, bearer(&parts.headers)).await?;
        let params = match action.verb {
            Verb::Get => Params::from_query(parts.uri.query()),
            Verb::Post => Params::from_body(&parts.headers, &read_body(body).await?)?,
        };
        action.validate(&params)?;
        Ok(params)
    }
    .await;
    let fields = LogFields {
        action: Some(action.name),
        target_user: result.as_ref().ok().and_then(|p| p.str("username").ok().flatten().map(str::to_owned)),
        target_group: result.as_ref().ok().and_then(|p| p.str("groupname").ok().flatten().map(str::to_owned)),
    };
    let result = match result {
        Ok(params) => handler(Call::new(action, state, caller, params)).await,
        Err(e) => Err(e),
    };
    let mut response = match result {
        Ok(body) => axum::Json(body).into_response(),
        Err(error) => error.into_response_for(&request_id),
    };
    response.extensions_mut().insert(fields);
    response
}

/// The group check, and the caller's live verification where the config asks for it. Membership comes from
/// Cognito when the caller is verified live, and whenever the token's groups claim cannot be read with certainty.
async fn authorize(action: &Action, state: &AppState, caller: &Caller, token: Option<&str>) -> Result<(), ApiError> {
    let allowed = if action.access == Access::AdminGroup { state.config.allowed_groups(action) } else { None };
    let groups = if state.config.verify_caller.applies_to(action) {
        Cow::Owned(checks::verify(state, caller, token, allowed.is_some()).await?)
    } else if allowed.is_some() && !caller.groups_certain {
        let username = caller.username.as_deref().ok_or(ApiError::Unauthorized)?;
        Cow::Owned(
            checks::groups_of(state, username)
                .await
                .map_err(|e| if checks::is_user_not_found(&e) { ApiError::Forbidden(FORBIDDEN_MESSAGE) } else { e })?,
        )
    } else {
        Cow::Borrowed(caller.groups.as_slice())
    };
    match allowed {
        Some(allowed) if !allowed.iter().any(|a| groups.contains(a)) => Err(ApiError::Forbidden(FORBIDDEN_MESSAGE)),
        _ => Ok(()),
    }
}

/// The token the authorizer verified, as the client sent it in `Authorization` (with or without `Bearer `).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?.trim();
    let token = match value.split_once(' ') {
        Some((scheme, rest)) if scheme.eq_ignore_ascii_case("bearer") => rest.trim(),
        _ => value,
    };
    (!token.is_empty()).then_some(token)
}

async fn read_body(body: Body) -> Result<axum::body::Bytes, ApiError> {
    to_bytes(body, MAX_BODY_BYTES).await.map_err(|e| {
        let source = e.into_inner();
        if source.downcast_ref::<http_body_util::LengthLimitError>().is_some() {
            ApiError::PayloadTooLarge { limit: MAX_BODY_BYTES }
        } else {
            ApiError::bad_request(format!("Could not read the request body: {source}"))
        }
    })
}

/// Refuses requests without authorizer claims, and hands the caller to the inner layers.
async fn authenticate(mut request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    let caller = Caller::from_parts(&parts);
    request = Request::from_parts(parts, body);
    let Some(caller) = caller else {
        return ApiError::Unauthorized.into_response_for(&request_id(&request));
    };
    request.extensions_mut().insert(caller.clone());
    let mut response = next.run(request).await;
    response.extensions_mut().insert(caller);
    response
}

/// The outermost layer: writes one log line per request and puts the CORS headers on every response.
async fn cors_and_log(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id(&request);
    request.extensions_mut().insert(RequestId(id.clone()));
    let origin = request.headers().get(header::ORIGIN).and_then(|v| v.to_str().ok()).map(str::to_owned);
    let method = request.method().clone();
    let path = request.uri().path().to_owned();

    let mut response = next.run(request).await;

    let allow_origin = state.config.cors.allow_origin(origin.as_deref());
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(allow_origin) {
        headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
    }
    headers.insert(header::ACCESS_CONTROL_ALLOW_HEADERS, HeaderValue::from_static(ALLOW_HEADERS));
    if allow_origin != "*" {
        headers.insert(header::VARY, HeaderValue::from_static("Origin"));
    }

    let fields = response.extensions().get::<LogFields>().cloned().unwrap_or_default();
    let caller = response.extensions().get::<Caller>();
    tracing::info!(
        request_id = %id,
        method = %method,
        path = %path,
        action = fields.action,
        caller_sub = caller.and_then(|c| c.sub.as_deref()),
        caller_username = caller.and_then(|c| c.username.as_deref()),
        target_user = fields.target_user.as_deref(),
        target_group = fields.target_group.as_deref(),
        status = response.status().as_u16(),
        latency_ms = started.elapsed().as_secs_f64() * 1000.0,
        "request"
    );
    response
}

/// The Lambda request id when running in Lambda, else API Gateway's request id.
fn request_id(request: &Request) -> String {
    if let Some(RequestId(id)) = request.extensions().get::<RequestId>() {
        return id.clone();
    }
    if let Some(context) = request.lambda_context_ref() {
        return context.request_id.clone();
    }
    match request.request_context_ref() {
        Some(RequestContext::ApiGatewayV1(context)) => context.request_id.clone().unwrap_or_default(),
        _ => String::new(),
    }
}
