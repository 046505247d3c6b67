//! Real clients against the local environment, through the real command line:
//! - `aws-amplify` v6 in Node (`clients/node-tests`): configured from the outputs files deploy wrote, signed in
//!   through `aws-amplify/auth` against moto, every route through `aws-amplify/api`'s `get` and `post`; with access
//!   tokens, then again after `update-auth --token id`;
//! - the reference admin console (`clients/console`), served by `cargo xtask console` and driven in headless
//!   Chromium (`clients/browser-tests`). Its screenshots go to `<target dir>/e2e-artifacts/console/` (`.ci/run`
//!   copies them into `ci-artifacts/`).
//!
//! `cargo xtask test` provides Node.js (the system's, or a pinned one it installs, first on PATH) and the Node
//! packages (`npm ci`); the browser test drives a system Chromium or the one `@sparticuz/chromium` ships.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

use e2e::{PASSWORD, assert_all_passed, npm_run, project_with_two_groups, xtask, xtask_command, xtask_ok};
use serde_json::Value;

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
    Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().to_owned()
}

/// Starts `cargo xtask console` on a free port, owned by `deployed` from the start, and returns the URL it printed.
fn start_console(deployed: &mut Deployed) -> String {
    let mut command = xtask_command(&deployed.project, &["console", "--port", "0", "--json"]);
    let child = deployed.console.insert(command.stdout(Stdio::piped()).spawn().unwrap());
    let stdout = child.stdout.take().unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = sender.send(line);
    });
    let line = receiver
        .recv_timeout(Duration::from_secs(300))
        .expect("`cargo xtask console` printed its URL within 5 minutes (it builds the console first)");
    let started: Value = serde_json::from_str(&line)
        .unwrap_or_else(|e| panic!("`cargo xtask console --json` printed {line:?} ({e}); its stderr says why"));
    started["url"].as_str().unwrap().to_owned()
}

#[test]
fn aws_amplify_and_the_admin_console_work_unchanged() {
    let project = project_with_two_groups("clients");
    let mut deployed = Deployed { project: project.clone(), console: None };
    xtask_ok(&project, &["deploy"]);
    xtask_ok(&project, &["user", "create", "alice", "--group", "Admins", "--password", PASSWORD]);
    for user in std::iter::once("bob").chain(OTHERS) {
        xtask_ok(&project, &["user", "create", user, "--password", PASSWORD]);
    }
    let outputs = project.join("outputs/local");
    let others = OTHERS.join(",");
    let mut env = vec![
        ("AQ_PASSWORD", PASSWORD),
        ("AQ_ADMIN_USER", "alice"),
        ("AQ_USER", "bob"),
        ("AQ_OTHER_USERS", others.as_str()),
        ("AQ_CORS_ORIGIN", "*"),
        ("AQ_OUTPUTS_DIR", outputs.to_str().unwrap()),
    ];

    // aws-amplify v6 in Node, configured from the outputs files, with access tokens.
    let node = npm_run("test:node", &[env.as_slice(), &[("AQ_TOKEN_KIND", "access")]].concat());
    println!("Node suite, access tokens: {}", assert_all_passed("the Node suite", &node, 100));

    // The console, built and served by `cargo xtask console`, in headless Chromium.
    let url = start_console(&mut deployed);
    let artifacts = target_dir().join("e2e-artifacts/console");
    let _ = std::fs::remove_dir_all(&artifacts);
    let browser_env = [("CONSOLE_URL", url.as_str()), ("AQ_ARTIFACTS_DIR", artifacts.to_str().unwrap())];
    let browser = npm_run("test:browser", &[env.as_slice(), &browser_env].concat());
    let browser_summary = assert_all_passed("the browser test", &browser, 2);
    let shots = std::fs::read_dir(&artifacts)
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().extension() == Some("png".as_ref()))
        .count();
    println!("Browser test: {browser_summary}; {shots} screenshots in {}", artifacts.display());
    assert!(shots >= 12, "a screenshot of each step, found {shots} in {}", artifacts.display());

    // The same Node suite after switching the API to ID tokens: the outputs files follow.
    xtask_ok(&project, &["update-auth", "--token", "id", "--yes"]);
    xtask_ok(&project, &["deploy"]);
    env.push(("AQ_TOKEN_KIND", "id"));
    let node = npm_run("test:node", &env);
    println!("Node suite, ID tokens: {}", assert_all_passed("the Node suite with ID tokens", &node, 100));
    drop(deployed);
}
