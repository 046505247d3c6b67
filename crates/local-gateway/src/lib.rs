//! A local API Gateway REST API, so that the admin API runs on this machine exactly as it runs on AWS.
//!
//! - [`authorizer`]: API Gateway's Cognito user-pool authorizer: JWKS, signature, `exp`, `iss`, `token_use`,
//!   scope, client.
//! - [`event`]: the REST proxy event API Gateway sends the function.
//! - [`runtime_api`]: a Lambda Runtime API that runs the real `bootstrap`, N instances at a time.
//! - [`server`]: the HTTP front: `/{stage}/{proxy+}`, preflight, gateway responses with CORS, 502/504.

pub mod authorizer;
pub mod event;
pub mod runtime_api;
pub mod server;

pub use server::{GatewayConfig, serve};
