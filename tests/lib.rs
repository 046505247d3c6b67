//! Support for the end-to-end tests in `tests/`: where the built binaries are, and moto.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::config::{BehaviorVersion, Credentials, Region};

pub const REGION: &str = "us-east-1";

/// The moto endpoint, from `MOTO_ENDPOINT`. Tests fail (never skip) when it is missing.
pub fn moto_endpoint() -> String {
    std::env::var("MOTO_ENDPOINT").unwrap_or_else(|_| {
        panic!(
            "MOTO_ENDPOINT is not set: these tests call Cognito on moto. Run them with `cargo xtask test`, which \
             installs and starts moto, or start moto yourself and set MOTO_ENDPOINT=http://127.0.0.1:<port>"
        )
    })
}

pub fn cognito() -> Client {
    let config = aws_sdk_cognitoidentityprovider::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .endpoint_url(moto_endpoint())
        .credentials_provider(Credentials::new("testing", "testing", None, None, "tests"))
        .build();
    Client::from_conf(config)
}

/// A binary of the workspace, built by the same `cargo test --workspace` run (`target/<profile>/<name>`).
pub fn workspace_binary(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("the test's own path");
    // target/<profile>/deps/<test> → target/<profile>/<name>
    let path = exe.parent().and_then(|deps| deps.parent()).map(|dir| dir.join(name)).expect("a target directory");
    assert!(
        path.exists(),
        "{} is not built: run the tests with `cargo xtask test` (or `cargo test --workspace`), which builds it",
        path.display()
    );
    path
}

/// A fresh directory under the system temp dir.
pub fn temp_dir(prefix: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{prefix}-{}-{}", std::process::id(), unique()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

/// A user pool on moto with an `Admins` group and a user `bob`; returns its id.
pub async fn pool_with_bob(cognito: &Client) -> String {
    let pool = cognito.create_user_pool().pool_name(format!("e2e-{}-{}", std::process::id(), unique())).send().await;
    let pool = pool.unwrap_or_else(|e| panic!("could not create a pool on moto at {}: {e:?}", moto_endpoint()));
    let id = pool.user_pool().unwrap().id().unwrap().to_owned();
    cognito.create_group().user_pool_id(&id).group_name("Admins").send().await.unwrap();
    cognito.admin_create_user().user_pool_id(&id).username("bob").send().await.unwrap();
    id
}
