//! `[api]`: the REST API's stage: throttling, access logs, tracing. Its checks are per environment (see
//! `environments`), since an environment may set its own.

use serde::{Deserialize, Serialize};

/// The REST API's stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Api {
    /// Steady-state requests per second the stage lets through (every method); more get 429.
    #[serde(default = "default_rate_limit")]
    pub rate_limit: u32,
    /// Requests the stage lets through at once above the rate.
    #[serde(default = "default_burst_limit")]
    pub burst_limit: u32,
    /// One JSON line per request in a CloudWatch log group. Needs the account's API Gateway CloudWatch role.
    #[serde(default)]
    pub access_logs: bool,
    /// AWS X-Ray traces of the stage and the function.
    #[serde(default)]
    pub tracing: bool,
}

impl Default for Api {
    fn default() -> Self {
        Self {
            rate_limit: default_rate_limit(),
            burst_limit: default_burst_limit(),
            access_logs: false,
            tracing: false,
        }
    }
}

pub(super) fn default_rate_limit() -> u32 {
    50
}

pub(super) fn default_burst_limit() -> u32 {
    100
}

/// API Gateway's default account-level throttling in most regions: a stage cannot go beyond it.
pub(super) const ACCOUNT_RATE_LIMIT: u32 = 10_000;
pub(super) const ACCOUNT_BURST_LIMIT: u32 = 5_000;
