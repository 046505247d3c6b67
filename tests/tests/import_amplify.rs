//! `import-amplify` through the real command line: it writes exactly the library's snapshot into the project (not
//! into the Amplify folder), prints the report, refuses to replace a config without --force (showing the diff), and
//! writes nothing on bad input, each with its exit code.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use e2e::{temp_dir, workspace_root, xtask, xtask_ok};
use serde_json::Value;

fn fixture(name: &str) -> String {
    workspace_root().join("tests/fixtures/amplify").join(name).display().to_string()
}

fn snapshot(name: &str) -> String {
    std::fs::read_to_string(workspace_root().join("crates/deploy/tests/snapshots").join(name)).unwrap()
}

fn config(dir: &Path) -> PathBuf {
    dir.join("admin-queries.toml")
}

#[test]
fn it_writes_the_config_prints_the_report_and_replaces_only_with_force() {
    let dir = temp_dir("import-amplify");
    let out = xtask_ok(&dir, &["import-amplify", &fixture("gen1-cli-inputs")]);
    assert_eq!(std::fs::read_to_string(config(&dir)).unwrap(), snapshot("import-gen1-cli-inputs.toml"));
    assert!(out.contains(": dev, prod"), "{out}");
    assert!(out.contains("prod (us-west-2): `cargo xtask import-amplify --aws`"), "the pending pool: {out}");
    assert!(out.contains("adds the route GET /exportUsers"), "the report: {out}");
    assert!(out.contains("Next: cargo xtask deploy --env dev --plan"), "{out}");

    // Another project over it: the diff, a refusal, nothing written.
    let refused = xtask(&dir, &["import-amplify", &fixture("gen1-parameters")]);
    assert_eq!(refused.status.code(), Some(2));
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("+restrict_to_group = \"Support\"") && said.contains("exists already"), "{said}");
    assert!(said.contains("--force"), "{said}");
    assert_eq!(std::fs::read_to_string(config(&dir)).unwrap(), snapshot("import-gen1-cli-inputs.toml"));

    let out = xtask_ok(&dir, &["import-amplify", &fixture("gen1-parameters"), "--force", "--json"]);
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["environments"], serde_json::json!(["staging"]));
    let kinds: Vec<&str> = report["notes"].as_array().unwrap().iter().map(|n| n["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["other_api", "triggers", "amplify_api"]);
    assert_eq!(std::fs::read_to_string(config(&dir)).unwrap(), snapshot("import-gen1-parameters.toml"));
}

#[test]
fn bad_input_writes_nothing_and_exits_with_its_code() {
    let dir = temp_dir("import-amplify-bad");
    let empty = temp_dir("not-amplify");
    let out = xtask(&dir, &["import-amplify", empty.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "not an Amplify project");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("holds no Amplify project") && said.contains("\nhelp: "), "{said}");

    let broken = temp_dir("broken-amplify");
    std::fs::write(broken.join("amplify_outputs.json"), "{\"auth\": {\"aws_region\": \"us-east-2\",}}").unwrap();
    let out = xtask(&dir, &["import-amplify", broken.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(5), "malformed JSON");
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(said.contains("amplify_outputs.json is not valid JSON") && said.contains("line 1, column"), "{said}");
    assert!(!config(&dir).exists(), "nothing written");
}
