//! Support for the end-to-end tests in `tests/`: where the built binaries are, the command line, HTTP, and moto
//! (from `test-support`, with unique names, projects' configs and the function spec).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Read;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_cognitoidentityprovider::Client;

pub use test_support::{ProjectConfig, REGION, cognito, moto_endpoint, temp_dir, unique};

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

/// A user pool on moto with an `Admins` group and a user `bob`; returns its id.
pub async fn pool_with_bob(cognito: &Client) -> String {
    let pool = cognito.create_user_pool().pool_name(unique("e2e")).send().await;
    let pool = pool.unwrap_or_else(|e| panic!("could not create a pool on moto at {}: {e:?}", moto_endpoint()));
    let id = pool.user_pool().unwrap().id().unwrap().to_owned();
    cognito.create_group().user_pool_id(&id).group_name("Admins").send().await.unwrap();
    cognito.admin_create_user().user_pool_id(&id).username("bob").send().await.unwrap();
    id
}

/// A password that meets Cognito's default policy, for the users the tests create.
pub const PASSWORD: &str = "Correct-Horse-9-battery";

/// A project directory of its own for an end-to-end test: `admin-queries.toml` with the `Admins` and `Editors`
/// groups, the API restricted to `Admins`, access tokens and any origin.
pub fn project_with_two_groups(name: &str) -> PathBuf {
    ProjectConfig::new(name).group("Editors", 2).token("access").any_origin().project_dir(name)
}

/// The workspace root.
pub fn workspace_root() -> PathBuf {
    // At run time (cargo sets it for the tests it runs), not baked in, so that a moved checkout tests itself.
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map_or_else(|| PathBuf::from("tests"), PathBuf::from);
    manifest_dir.parent().unwrap().to_owned()
}

/// The real command line, `cargo xtask <args>`, for the project in `project_dir`.
pub fn xtask_command(project_dir: &std::path::Path, args: &[&str]) -> std::process::Command {
    let mut command = std::process::Command::new(env!("CARGO"));
    command
        .current_dir(workspace_root())
        .args(["run", "--quiet", "--package", "xtask", "--bin", "xtask", "--"])
        .args(args)
        .env("ADMIN_QUERIES_PROJECT_DIR", project_dir)
        .env_remove("ADMIN_QUERIES_PASSWORD");
    command
}

/// Runs `cargo xtask <args>` for the project in `project_dir`.
pub fn xtask(project_dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    xtask_command(project_dir, args).output().expect("cargo runs")
}

/// Runs `cargo xtask <args>` and returns its stdout, failing the test with its stderr when it fails.
pub fn xtask_ok(project_dir: &std::path::Path, args: &[&str]) -> String {
    let output = xtask(project_dir, args);
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "cargo xtask {} failed ({}):\n{}\n{stdout}",
        args.join(" "),
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: serde_json::Value,
}

/// One HTTP request over loopback.
pub async fn http(method: &str, url: &str, authorization: Option<&str>, body: Option<serde_json::Value>) -> Answer {
    use http_body_util::{BodyExt, Full};
    let client = hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new())
        .build_http::<Full<bytes::Bytes>>();
    let mut request = http::Request::builder().method(method).uri(url).header("origin", "http://localhost:5173");
    if let Some(token) = authorization {
        request = request.header("authorization", token);
    }
    let body = match body {
        Some(json) => {
            request = request.header("content-type", "application/json");
            Full::new(bytes::Bytes::from(json.to_string()))
        }
        None => Full::new(bytes::Bytes::new()),
    };
    let response = client.request(request.body(body).unwrap()).await.unwrap_or_else(|e| panic!("{method} {url}: {e}"));
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let body = if bytes.is_empty() {
        serde_json::Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("{method} {url}: not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))
    };
    Answer { status, headers, body }
}

/// Runs `cargo xtask <args>` with `stdin` as its standard input.
pub fn xtask_with_stdin(project_dir: &std::path::Path, args: &[&str], stdin: &str) -> std::process::Output {
    use std::io::Write;
    let mut child = xtask_command(project_dir, args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("cargo runs");
    child.stdin.take().unwrap().write_all(stdin.as_bytes()).unwrap();
    child.wait_with_output().unwrap()
}

/// The longest an npm script may run before the test fails instead of hanging.
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(600);

fn clients() -> PathBuf {
    workspace_root().join("clients")
}

/// Runs an npm script of `clients/` and returns its output; fails the test with all of it when the script fails or
/// runs longer than [`SCRIPT_TIMEOUT`].
pub fn npm_run(script: &str, env: &[(&str, &str)]) -> String {
    assert!(
        clients().join("node_modules/aws-amplify").is_dir(),
        "clients/node_modules is missing: run the tests with `cargo xtask test`, which installs it (npm ci, with the \
         system's Node.js 20.19+ or one it installs)"
    );
    let mut child = Command::new("npm")
        .args(["run", "--silent", script])
        .current_dir(clients())
        .envs(env.iter().copied())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("npm runs (run the tests with `cargo xtask test`: it puts Node.js with npm on PATH)");
    let drain = |mut pipe: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = pipe.read_to_string(&mut text);
            text
        })
    };
    let stdout = drain(Box::new(child.stdout.take().unwrap()));
    let stderr = drain(Box::new(child.stderr.take().unwrap()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if started.elapsed() > SCRIPT_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    let text = format!("{}{}", stdout.join().unwrap(), stderr.join().unwrap());
    match status {
        Some(status) => assert!(status.success(), "npm run {script} failed ({status}):\n{text}"),
        None => panic!("npm run {script} ran longer than {SCRIPT_TIMEOUT:?} and was stopped:\n{text}"),
    }
    text
}

/// The node test runner's summary, e.g. `tests 108, pass 108, fail 0, cancelled 0, skipped 0`.
fn summary(output: &str) -> String {
    output
        .lines()
        .filter_map(|l| l.strip_prefix("# ").or_else(|| l.strip_prefix("ℹ ")))
        .filter(|l| ["tests ", "pass ", "fail ", "cancelled ", "skipped "].iter().any(|p| l.starts_with(p)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn count(summary: &str, what: &str) -> usize {
    summary
        .split(", ")
        .find_map(|part| part.strip_prefix(what)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no `{what}` in the test runner's summary `{summary}`"))
}

/// Every test ran and passed: none failed, was cancelled (a failed hook) or was skipped.
pub fn assert_all_passed(what: &str, output: &str, at_least: usize) -> String {
    let summary = summary(output);
    assert_eq!(count(&summary, "fail "), 0, "{what}: {output}");
    assert_eq!(count(&summary, "cancelled "), 0, "{what}: {output}");
    assert_eq!(count(&summary, "skipped "), 0, "{what}: nothing may be skipped: {output}");
    assert!(count(&summary, "pass ") >= at_least, "{what}: expected at least {at_least} tests: {output}");
    summary
}
