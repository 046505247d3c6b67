//! Every error the API answers, and the one place where each becomes a response.

use aws_sdk_cognitoidentityprovider::error::{ProvideErrorMetadata, SdkError};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::shapes::ErrorBody;

/// The message Amplify answers when the caller is not in the administering group.
pub const FORBIDDEN_MESSAGE: &str = "User does not have permissions to perform administrative tasks";

/// Cognito exceptions that mean "slow down" rather than "your request is wrong".
const THROTTLING_CODES: &[&str] = &["TooManyRequestsException", "LimitExceededException", "ThrottlingException"];

/// An error answered to the client. Everything but [`ApiError::Internal`] is the client's to fix.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("Unauthorized")]
    Unauthorized,
    /// The token is valid, but Cognito says its user is disabled, signed out or gone.
    #[error("{0}")]
    Revoked(&'static str),
    #[error("{0}")]
    Forbidden(&'static str),
    #[error("{0}")]
    BadRequest(String),
    #[error("Not found: {method} {path}")]
    NotFound { method: String, path: String },
    #[error("Method {method} is not allowed on {path}; use {allow}")]
    MethodNotAllowed { method: String, path: String, allow: &'static str },
    /// The request would lock administrators out.
    #[error("{0}")]
    Conflict(String),
    #[error("Request body is larger than {limit} bytes")]
    PayloadTooLarge { limit: usize },
    /// Cognito refused the request: a 400 (or 429 when throttled) with Cognito's own message and exception name.
    #[error("{message}")]
    Cognito { status: StatusCode, code: String, message: String },
    /// Anything else. The details go to the log only; the client gets a generic message and the request id.
    #[error("Internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::BadRequest(message.into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::Unauthorized | Self::Revoked(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::NotFound { .. } => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            Self::PayloadTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            Self::Conflict(_) => StatusCode::CONFLICT,
            Self::Cognito { status, .. } => *status,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Renders the error. `request_id` goes into the body of a 500 so that a user can quote it to an operator.
    pub fn into_response_for(self, request_id: &str) -> Response {
        let status = self.status();
        let body = match &self {
            Self::Internal(detail) => {
                tracing::error!(request_id, error = %detail, "internal error");
                ErrorBody { message: "Internal error".to_owned(), code: None, request_id: Some(request_id.to_owned()) }
            }
            Self::Cognito { code, message, .. } => {
                ErrorBody { message: message.clone(), code: Some(code.clone()), request_id: None }
            }
            other => ErrorBody { message: other.to_string(), code: None, request_id: None },
        };
        let mut response = (status, axum::Json(body)).into_response();
        let headers = response.headers_mut();
        match &self {
            Self::MethodNotAllowed { allow, .. } => {
                headers.insert(header::ALLOW, HeaderValue::from_static(allow));
            }
            Self::Cognito { status, .. } if *status == StatusCode::TOO_MANY_REQUESTS => {
                headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            }
            _ => {}
        }
        response
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.into_response_for("unknown")
    }
}

impl<E, R> From<SdkError<E, R>> for ApiError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    fn from(err: SdkError<E, R>) -> Self {
        let SdkError::ServiceError(service) = &err else {
            // Dispatch failures, time-outs and unreadable responses: not the caller's fault, nothing to show them.
            return Self::Internal(format!("{}", aws_smithy_types::error::display::DisplayErrorContext(&err)));
        };
        let code = service.err().code().unwrap_or("Unknown").to_owned();
        let message = service.err().message().unwrap_or(&code).to_owned();
        if THROTTLING_CODES.contains(&code.as_str()) {
            Self::Cognito { status: StatusCode::TOO_MANY_REQUESTS, code, message }
        } else if code == "InternalErrorException" || code == "Unknown" {
            Self::Internal(format!("Cognito {code}: {message}"))
        } else {
            Self::Cognito { status: StatusCode::BAD_REQUEST, code, message }
        }
    }
}
