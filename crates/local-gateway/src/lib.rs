//! A local API Gateway REST API, so that the admin API runs on this machine exactly as it runs on AWS.
//!
//! - [`authorizer`]: API Gateway's Cognito user-pool authorizer: JWKS, signature, `exp`, `iss`, `token_use`,
//!   scope, client.
//! - [`event`]: the REST proxy event API Gateway sends the function.
//! - [`runtime_api`]: a Lambda Runtime API that runs the real `bootstrap`, N instances at a time.
//! - [`server`]: the HTTP front: `/{stage}/{proxy+}`, preflight, gateway responses with CORS, 502/504.
//! - [`static_site`]: a static site with a configuration file and a Content-Security-Policy (the admin console).
//! - [`console`]: the admin console's Content-Security-Policy, from the environment's configuration.
//! - [`client`]: a small HTTP(S) client for calling a deployed API.
//!
//! The binary (`local-gateway --config <file>`) runs the gateway in its own process.

pub mod authorizer;
pub mod client;
pub mod console;
pub mod event;
pub mod runtime_api;
pub mod server;
pub mod static_site;

pub use server::{GatewayConfig, serve};
