//! Real clients against the local environment, through the real command line:
//! - `aws-amplify` v6 in Node (`clients/node-tests`): configured from the outputs files deploy wrote, signed in
//!   through `aws-amplify/auth` against moto, every route through `aws-amplify/api`'s `get` and `post`;
//! - the reference admin console (`clients/console`), served by `cargo xtask console` and driven in headless
//!   Chromium (`clients/browser-tests`). Its screenshots go to `<target dir>/e2e-artifacts/console/`.
//!
//! `cargo xtask test` installs the Node packages (`npm ci`); CI installs Debian's `chromium`.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use e2e::{temp_dir, workspace_root, xtask, xtask_ok};
use serde_json::Value;

const CONFIG: &str = r#"project = "clients"

[user_pool]
groups = [{ name = "Admins", precedence = 1 }, { name = "Editors", precedence = 2 }]

[admin_api]
restrict_to_group = "Admins"
token = "access"
cors_origins = ["*"]
"#;

const PASSWORD: &str = "Correct-Horse-9-battery";
const OTHERS: [&str; 3] = ["carol", "dave", "erin"];

/// Tears the environment down however the test ends, and stops the console server.
struct Deployed {
    project: PathBuf,
    console: Option<Child>,
}

impl Drop for Deployed {
    fn drop(&mut self) {
        if let Some(mut console) = self.console.take() {
            let _ = console.kill();
            let _ = console.wait();
        }
        let _ = xtask(&self.project, &["teardown"]);
    }
}

/// The target directory this test was built in (CI keeps it outside the clone).
fn target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    // <target>/<profile>/deps/<test>
    exe.ancestors().nth(3).unwrap().to_owned()
}

fn clients() -> PathBuf {
    workspace_root().join("clients")
}

/// Runs an npm script of `clients/` and returns its output; fails the test with all of it when the script fails.
fn npm_run(script: &str, env: &[(&str, &str)]) -> String {
    assert!(
        clients().join("node_modules/aws-amplify").is_dir(),
        "clients/node_modules is missing: run the tests with `cargo xtask test`, which installs it (npm ci)"
    );
    let output = Command::new("npm")
        .args(["run", "--silent", script])
        .current_dir(clients())
        .envs(env.iter().copied())
        .output()
        .expect("npm runs (Node.js 20.19+ is needed)");
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "npm run {script} failed ({}):\n{text}", output.status);
    text
}

/// The node test runner's summary, e.g. `tests 52, pass 52, fail 0`.
fn summary(output: &str) -> String {
    output
        .lines()
        .filter_map(|l| l.strip_prefix("# ").or_else(|| l.strip_prefix("ℹ ")))
        .filter(|l| ["tests ", "pass ", "fail "].iter().any(|p| l.starts_with(p)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn count(summary: &str, what: &str) -> usize {
    summary
        .split(", ")
        .find_map(|part| part.strip_prefix(what)?.trim().parse().ok())
        .unwrap_or_else(|| panic!("no `{what}` in the test runner's summary `{summary}`"))
}

/// Starts `cargo xtask console` on a free port and returns it with the URL it printed.
fn start_console(project: &Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO"))
        .current_dir(workspace_root())
        .args(["run", "--quiet", "--package", "xtask", "--bin", "xtask", "--", "console", "--port", "0", "--json"])
        .env("ADMIN_QUERIES_PROJECT_DIR", project)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let started: Value = serde_json::from_str(&line)
        .unwrap_or_else(|e| panic!("`cargo xtask console --json` printed {line:?} ({e}); its stderr says why"));
    (child, started["url"].as_str().unwrap().to_owned())
}

#[test]
fn aws_amplify_and_the_admin_console_work_unchanged() {
    let project = temp_dir("clients");
    std::fs::write(project.join("admin-queries.toml"), CONFIG).unwrap();
    let mut deployed = Deployed { project: project.clone(), console: None };
    xtask_ok(&project, &["deploy"]);
    xtask_ok(&project, &["user", "create", "alice", "--group", "Admins", "--password", PASSWORD]);
    for user in std::iter::once("bob").chain(OTHERS) {
        xtask_ok(&project, &["user", "create", user, "--password", PASSWORD]);
    }
    let outputs = project.join("outputs/local");
    let others = OTHERS.join(",");
    let users = [
        ("AQ_PASSWORD", PASSWORD),
        ("AQ_ADMIN_USER", "alice"),
        ("AQ_USER", "bob"),
        ("AQ_OTHER_USERS", others.as_str()),
    ];

    // aws-amplify v6 in Node, configured from the outputs files.
    let mut env = users.to_vec();
    env.push(("AQ_OUTPUTS_DIR", outputs.to_str().unwrap()));
    let node = npm_run("test:node", &env);
    let node_summary = summary(&node);
    println!("Node suite: {node_summary}");
    assert_eq!(count(&node_summary, "fail "), 0, "{node}");
    assert!(count(&node_summary, "pass ") >= 40, "every route is covered: {node}");

    // The console, built and served by `cargo xtask console`, in headless Chromium.
    let (console, url) = start_console(&project);
    deployed.console = Some(console);
    let artifacts = target_dir().join("e2e-artifacts/console");
    let _ = std::fs::remove_dir_all(&artifacts);
    let mut env = users.to_vec();
    env.push(("CONSOLE_URL", url.as_str()));
    env.push(("AQ_ARTIFACTS_DIR", artifacts.to_str().unwrap()));
    let browser = npm_run("test:browser", &env);
    let browser_summary = summary(&browser);
    println!("Browser test: {browser_summary}; screenshots in {}", artifacts.display());
    assert_eq!(count(&browser_summary, "fail "), 0, "{browser}");
    let shots = std::fs::read_dir(&artifacts)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension() == Some("png".as_ref()))
        .count();
    assert!(shots >= 5, "a screenshot of each step, found {shots} in {}", artifacts.display());
    drop(deployed);
}
