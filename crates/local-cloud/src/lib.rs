//! The local environment's AWS side, for running Admin Queries on this machine without an AWS account.
//!
//! - [`cognito`]: applies the user pool, groups and app client through the Cognito API, idempotently.
//! - [`moto`]: installs the moto AWS emulator into a virtualenv and runs it on 127.0.0.1.
//! - [`processes`]: background processes that outlive the command that started them (moto, the gateway).
//! - [`env`]: the local environment as a whole: deploy, teardown, status; [`state`] is what it left running.
//! - [`logs`]: the function's and the gateway's log lines, a request line timed by the gateway's line for it.
//! - [`smoke`]: a smoke run of a deployed environment, local or AWS, through its endpoint.
//! - [`users`]: creating users and signing them in, for any environment's Cognito; [`target`] finds that Cognito.

pub mod cognito;
pub mod env;
pub mod logs;
pub mod moto;
pub mod processes;
pub mod smoke;
pub mod state;
pub mod target;
pub mod users;
