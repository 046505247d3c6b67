//! schemathesis against a deployed local environment: the OpenAPI document of every action, generated requests
//! (valid and invalid) with an admin's token through the local gateway, and every response checked against the
//! document. No server error and no response that the document does not describe.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use e2e::{PASSWORD, ProjectConfig, http, workspace_root, xtask, xtask_ok};
use serde_json::{Value, json};

/// The schemathesis the test installs from PyPI, pinned.
const SCHEMATHESIS_VERSION: &str = "4.32.5";
/// Test cases per operation in the fuzzing phase; the coverage phase adds its own. With every action enabled this
/// gives well over 1,000 cases in about a minute on two cores.
const MAX_EXAMPLES: u32 = 20;
/// The admin whose token schemathesis sends: a name that generated data never hits, so that no generated call
/// disables, deletes or signs out the caller (the function refuses to lock out the last admin in any case).
const ADMIN: &str = "schemathesis-admin-q7v";
/// The checks that must pass on every response.
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
    response_schema_conformance,response_headers_conformance";

fn tools_dir() -> PathBuf {
    std::env::var_os("ADMIN_QUERIES_TOOLS_DIR").map_or_else(|| workspace_root().join(".admin-queries"), PathBuf::from)
}

/// schemathesis in a virtualenv of the tools dir, installed on first use; returns its executable.
fn ensure_schemathesis() -> PathBuf {
    let venv = tools_dir().join("schemathesis");
    let marker = venv.join("installed-version");
    let executable = venv.join("bin/schemathesis");
    if std::fs::read_to_string(&marker).is_ok_and(|v| v.trim() == SCHEMATHESIS_VERSION) && executable.exists() {
        eprintln!("Using schemathesis {SCHEMATHESIS_VERSION} in {}", venv.display());
        return executable;
    }
    eprintln!("Installing schemathesis=={SCHEMATHESIS_VERSION} from PyPI into {} (once)", venv.display());
    std::fs::create_dir_all(tools_dir()).unwrap();
    let run = |command: &mut Command, what: &str| {
        let output = command.output().unwrap_or_else(|e| panic!("{what}: {e} (Python 3 with venv is required)"));
        assert!(output.status.success(), "{what} failed:\n{}", String::from_utf8_lossy(&output.stderr));
    };
    run(Command::new("python3").args(["-m", "venv", "--clear"]).arg(&venv), "python3 -m venv");
    run(
        Command::new(venv.join("bin/pip")).args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            &format!("schemathesis=={SCHEMATHESIS_VERSION}"),
        ]),
        "pip install schemathesis",
    );
    std::fs::write(&marker, SCHEMATHESIS_VERSION).unwrap();
    executable
}

/// Tears the environment down however the test ends.
struct Deployed(PathBuf);

impl Drop for Deployed {
    fn drop(&mut self) {
        let _ = xtask(&self.0, &["teardown"]);
    }
}

/// A project with every action of the table enabled, restricted to `Admins`, with access tokens.
fn project_with_every_action() -> PathBuf {
    let actions = admin_api::actions::ACTIONS.iter().map(|a| a.name);
    let config = ProjectConfig::new("st").group("Editors", 2).token("access").any_origin().actions(actions);
    config.project_dir("e2e-schemathesis")
}

/// Runs `command`, killing it after `limit`; returns whether it succeeded.
fn run_with_limit(command: &mut Command, limit: Duration) -> bool {
    let mut child = command.spawn().unwrap();
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.success();
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            panic!("schemathesis ran longer than {limit:?} and was stopped");
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

fn tail(path: &Path, lines: usize) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[tokio::test(flavor = "multi_thread")]
async fn schemathesis_finds_no_server_error_and_no_undocumented_response() {
    let schemathesis = ensure_schemathesis();
    let project = project_with_every_action();
    let deployed: Value = serde_json::from_str(&xtask_ok(&project, &["deploy", "--json"])).unwrap();
    let _teardown = Deployed(project.clone());
    let base = deployed["endpoint"].as_str().unwrap().to_owned();
    xtask_ok(&project, &["user", "create", ADMIN, "--group", "Admins", "--password", PASSWORD]);
    let token = xtask_ok(&project, &["token", ADMIN]).trim().to_owned();

    // The document of this environment's actions, served at the gateway's URL.
    let mut document: Value = serde_json::from_str(&xtask_ok(&project, &["synth", "--openapi"])).unwrap();
    assert_eq!(
        document["paths"].as_object().unwrap().len(),
        admin_api::actions::ACTIONS.len(),
        "every action is in the document"
    );
    document["servers"] = json!([{ "url": base }]);
    let schema = project.join("openapi.json");
    std::fs::write(&schema, serde_json::to_string_pretty(&document).unwrap()).unwrap();

    // signUserOut runs on its own, last: schemathesis reuses the user names it reads in responses, so it signs the
    // admin out sooner or later, and every later request would stop at the 401.
    let everything_else =
        run_schemathesis(&schemathesis, &project, &schema, &base, &token, "main", "--exclude-operation-id");
    let answer = http("GET", &format!("{base}/listUsers?limit=1"), Some(&token), None).await;
    assert_eq!(answer.status, 200, "the admin is still an admin after the run: {}", answer.body);
    let sign_out =
        run_schemathesis(&schemathesis, &project, &schema, &base, &token, "signUserOut", "--include-operation-id");
    let tested =
        everything_else["operations"]["tested"].as_u64().unwrap() + sign_out["operations"]["tested"].as_u64().unwrap();
    assert_eq!(tested, admin_api::actions::ACTIONS.len() as u64, "every operation was tested");
    let cases = everything_else["test_cases"]["generated"].as_u64().unwrap()
        + sign_out["test_cases"]["generated"].as_u64().unwrap();
    eprintln!("schemathesis: {cases} generated cases in all, 0 failures");
    assert!(cases >= 1000, "only {cases} generated cases");
}

/// Runs schemathesis on the operations that `filter` (`--include-operation-id` or `--exclude-operation-id`)
/// selects with `signUserOut`; asserts that it passed and returns its JSON report.
fn run_schemathesis(
    schemathesis: &Path,
    project: &Path,
    schema: &Path,
    base: &str,
    token: &str,
    label: &str,
    filter: &str,
) -> Value {
    let reports = project.join(format!("schemathesis-{label}"));
    let log = reports.join("output.log");
    let report = reports.join("report.json");
    std::fs::create_dir_all(&reports).unwrap();
    let mut command = Command::new(schemathesis);
    command
        .current_dir(project)
        .arg("run")
        .arg(schema)
        .args(["--url", base, "--header", &format!("Authorization: {token}"), "--checks", CHECKS])
        .args([filter, "signUserOut"])
        .args(["--phases", "examples,coverage,fuzzing", "--mode", "all"])
        .args(["--max-examples", &MAX_EXAMPLES.to_string(), "--seed", "20261201", "--generation-deterministic"])
        // One worker: CPython 3.11's parser is not safe under hypothesis's threads ("AST constructor recursion
        // depth mismatch"), and one worker keeps the run repeatable.
        .args(["--workers", "1", "--request-timeout", "30", "--no-color", "--report", "json,ndjson"])
        .arg("--report-dir")
        .arg(&reports)
        .arg("--report-json-path")
        .arg(&report)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&log).unwrap())
        .stderr(Stdio::inherit());
    eprintln!("Running schemathesis ({label}) against {base}; output and reports in {}", reports.display());
    let started = Instant::now();
    let passed = run_with_limit(&mut command, Duration::from_secs(600));
    let summary: Value = serde_json::from_str(
        &std::fs::read_to_string(&report)
            .unwrap_or_else(|e| panic!("no report from schemathesis ({e}):\n{}", tail(&log, 80))),
    )
    .unwrap();
    eprintln!(
        "schemathesis ({label}): {} cases on {} operations in {:.0} s, failures: {}, errors: {}",
        summary["test_cases"]["generated"],
        summary["operations"]["tested"],
        started.elapsed().as_secs_f64(),
        summary["failures"],
        summary["errors"]
    );
    assert!(passed && summary["failures"] == json!([]) && summary["errors"] == json!([]), "{}", tail(&log, 150));
    summary
}
