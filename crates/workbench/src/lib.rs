//! The workspace's own machinery, which the command line drives: where the workspace and its folders are
//! ([`workspace`]), Node.js and the Node packages of `clients/` ([`node`]), the admin console's build ([`console`]), the test run with moto ([`test_run`]), and
//! the benchmarks ([`bench`]). Progress goes through [`deploy::report::Reporter`].

pub mod bench;
pub mod console;
mod error;
pub mod node;
pub mod test_run;
pub mod workspace;

pub use error::Error;
