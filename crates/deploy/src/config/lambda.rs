//! `[lambda]`: the function's architecture, memory, timeout, log retention and reserved concurrency; and their
//! checks.

use serde::{Deserialize, Serialize};

use super::environments::{Scope, key, overrides};
use super::{ConfigError, Fault};

/// The processor the function runs on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Architecture {
    /// Graviton (`arm64`): cheaper per millisecond.
    #[default]
    Arm64,
    /// Intel and AMD (`x86_64`).
    X86_64,
}

/// The function.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Lambda {
    /// The processor the function runs on (and is built for).
    #[serde(default)]
    pub architecture: Architecture,
    /// The function's memory, 128 to 10240 MB.
    #[serde(default = "default_memory")]
    pub memory_mb: u32,
    /// The function's timeout, 1 to 29 seconds (API Gateway gives up after 29).
    #[serde(default = "default_timeout")]
    pub timeout_s: u32,
    /// How long CloudWatch keeps the function's logs (and the API's access logs).
    #[serde(default = "default_retention")]
    pub log_retention_days: u32,
    /// Instances of the function reserved for it, and its ceiling. Absent: it shares the account's pool.
    pub reserved_concurrency: Option<u32>,
}

impl Default for Lambda {
    fn default() -> Self {
        Self {
            architecture: Architecture::Arm64,
            memory_mb: default_memory(),
            timeout_s: default_timeout(),
            log_retention_days: default_retention(),
            reserved_concurrency: None,
        }
    }
}

fn default_memory() -> u32 {
    128
}

fn default_timeout() -> u32 {
    25
}

fn default_retention() -> u32 {
    30
}

/// The retention periods CloudWatch Logs accepts.
const RETENTION_DAYS: [u32; 22] =
    [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

/// Checks the function settings of the config as the environment in `scope` sees it (`None`: the shared ones);
/// errors name the key that set the value at fault.
pub(super) fn validate(lambda: &Lambda, fault: &Fault, scope: Scope) -> Result<(), ConfigError> {
    let wanted = overrides(scope).lambda;
    if !(128..=10240).contains(&lambda.memory_mb) {
        return Err(fault.at(
            key(scope, "lambda.memory_mb", wanted.memory_mb.is_some()),
            format!("is {}", lambda.memory_mb),
            "Lambda allows 128 to 10240 MB; 128 is plenty for this function",
        ));
    }
    if !(1..=29).contains(&lambda.timeout_s) {
        return Err(fault.at(
            key(scope, "lambda.timeout_s", wanted.timeout_s.is_some()),
            format!("is {}", lambda.timeout_s),
            "use 1 to 29 seconds: API Gateway gives up on an integration after 29",
        ));
    }
    if !RETENTION_DAYS.contains(&lambda.log_retention_days) {
        return Err(fault.at(
            key(scope, "lambda.log_retention_days", wanted.log_retention_days.is_some()),
            format!("is {}", lambda.log_retention_days),
            "use one of the periods CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653",
        ));
    }
    Ok(())
}
