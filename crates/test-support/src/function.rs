//! The function's spec for `local_gateway`'s Runtime API.

use std::path::PathBuf;
use std::time::Duration;

use local_gateway::runtime_api::FunctionSpec;

/// A function running `binary` with an empty environment: 128 MB, 10 s, in [`crate::REGION`], logging to this
/// process's output. Change a field with `FunctionSpec { timeout, ..function_spec(binary) }`.
pub fn function_spec(binary: PathBuf) -> FunctionSpec {
    FunctionSpec {
        binary,
        env: Vec::new(),
        function_name: "test".into(),
        memory_mb: 128,
        timeout: Duration::from_secs(10),
        region: crate::REGION.into(),
        log_file: None,
    }
}

/// The `bootstrap` at `binary` serving `pool_id` on the tests' moto, restricted to `Admins`, with the environment
/// the template gives the function. Its callers are made-up claims (the sample event's), so the live verification
/// of callers is off.
pub fn bootstrap_on_moto(binary: PathBuf, pool_id: &str) -> FunctionSpec {
    let env = [
        ("USERPOOL", pool_id.to_owned()),
        ("GROUP", "Admins".to_owned()),
        ("VERIFY_CALLER", "off".to_owned()),
        ("AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH", "true".to_owned()),
        ("AWS_ENDPOINT_URL", crate::moto_endpoint()),
        ("AWS_ACCESS_KEY_ID", "testing".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "testing".to_owned()),
    ];
    FunctionSpec { env: env.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(), ..function_spec(binary) }
}
