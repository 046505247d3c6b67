//! What the tests and benches of the workspace share: moto's endpoint and SDK clients for it, unique names, the
//! sample API Gateway event, a project's `admin-queries.toml` and (feature `function`) the function's spec for the
//! local Runtime API.
//!
//! A dev-dependency only: product crates never depend on it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use aws_credential_types::Credentials;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_sdk_cognitoidentityprovider::config::BehaviorVersion;
use aws_types::SdkConfig;
use aws_types::region::Region;
use serde_json::Value;

mod config;
#[cfg(feature = "function")]
mod function;

pub use config::ProjectConfig;
#[cfg(feature = "function")]
pub use function::{bootstrap_on_moto, function_spec};

/// The region of the tests' moto (the local environment's too).
pub const REGION: &str = "us-east-1";

/// moto's endpoint, from `MOTO_ENDPOINT`. Tests fail (never skip) when it is missing.
pub fn moto_endpoint() -> String {
    std::env::var("MOTO_ENDPOINT").unwrap_or_else(|_| {
        panic!(
            "MOTO_ENDPOINT is not set: these tests call AWS on moto. Run them with `cargo xtask test`, which \
             installs and starts moto, or start moto yourself (`.admin-queries/moto/bin/moto_server -H 127.0.0.1 \
             -p 5000`) and set MOTO_ENDPOINT=http://127.0.0.1:5000"
        )
    })
}

/// The SDK configuration for moto at `endpoint` in `region`, with moto's dummy credentials: any service's client is
/// `aws_sdk_<service>::Client::new(&moto_config(...))`.
pub fn moto_config(endpoint: &str, region: &str) -> SdkConfig {
    SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(region.to_owned()))
        .endpoint_url(endpoint)
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "testing", "testing", None, None, "tests",
        )))
        .build()
}

/// A Cognito client for moto at `endpoint`.
pub fn cognito_at(endpoint: &str) -> aws_sdk_cognitoidentityprovider::Client {
    aws_sdk_cognitoidentityprovider::Client::new(&moto_config(endpoint, REGION))
}

/// A Cognito client for the tests' moto (`MOTO_ENDPOINT`).
pub fn cognito() -> aws_sdk_cognitoidentityprovider::Client {
    cognito_at(&moto_endpoint())
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A name no other test of this run has: `<prefix>-<process id>-<counter>`.
pub fn unique(prefix: &str) -> String {
    format!("{prefix}-{}-{}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A fresh directory under the system temp dir, named by [`unique`].
pub fn temp_dir(prefix: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(unique(prefix));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Copies the folder `from` into `to`, recursively (a fixture the test then changes).
pub fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A REST proxy event as API Gateway sends it with a Cognito authorizer: `GET /dev/listUsers` by `admin` in
/// `Admins`, with an access token.
pub const SAMPLE_EVENT: &str = include_str!("../fixtures/apigw-rest-cognito-event.json");

/// [`SAMPLE_EVENT`], parsed.
pub fn sample_event() -> Value {
    serde_json::from_str(SAMPLE_EVENT).expect("the sample event is JSON")
}

/// [`SAMPLE_EVENT`] with `cognito:groups` set to `groups` (comma-separated, as REST authorizer events carry them).
pub fn sample_event_for(groups: &str) -> Value {
    let mut event = sample_event();
    event["requestContext"]["authorizer"]["claims"]["cognito:groups"] = groups.into();
    event
}
