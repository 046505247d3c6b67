//! The Admin Queries Lambda.
//!
//! An axum [`Router`](axum::Router) that serves the wire contract of Amplify Gen 1's Admin Queries function on a
//! Cognito user pool. The router is built from one table of actions ([`actions::ACTIONS`]); the same table later
//! yields the IAM policy and the OpenAPI document.
//!
//! - [`config`]: the function's configuration, read once from its environment.
//! - [`caller`]: who is calling, from the API Gateway authorizer claims.
//! - [`actions`]: the table of actions.
//! - [`handlers`]: the actions' handlers (users, groups, the guards, the listUsers filter).
//! - [`checks`]: the live verification of the caller, and the guards' canonical identities.
//! - [`input`]: request parameters from the query string or the body.
//! - [`shapes`]: Cognito's outputs as the JSON that Amplify clients read.
//! - [`error`]: every error the API answers, and how it is rendered.
//! - [`router`]: the router and its middleware (authentication, CORS, the request log).
//! - [`logging`]: the JSON log format.

pub mod actions;
pub mod caller;
pub mod checks;
pub mod config;
pub mod error;
pub mod handlers;
pub mod input;
pub mod logging;
pub mod router;
pub mod shapes;

pub use config::{AppState, Config};
pub use router::router;
