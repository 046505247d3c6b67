//! The local environment, for running Admin Queries on this machine without an AWS account.
//!
//! - [`moto`]: installs the moto AWS emulator into a virtualenv and runs it on 127.0.0.1.
//! - [`runtime_api`]: a Lambda Runtime API that runs the very `bootstrap` binary that ships to Lambda.

pub mod moto;
pub mod runtime_api;
