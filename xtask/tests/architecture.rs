//! The architecture's invariants that a test can check, from the crates' own manifests and sources (ARCHITECTURE.md
//! lists them all):
//! - which workspace crate may depend on which: the Lambda on none, the engines only downwards, and the test
//!   support never from product code;
//! - no xtask subcommand module imports another one or `main.rs`.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// The workspace crates and the workspace crates each may depend on (normal dependencies).
const ALLOWED: &[(&str, &[&str])] = &[
    ("crates/admin-api", &[]),
    ("crates/local-gateway", &[]),
    ("crates/deploy", &["admin-api"]),
    ("crates/local-cloud", &["admin-api", "deploy", "local-gateway"]),
    ("crates/workbench", &["admin-api", "deploy", "local-cloud", "local-gateway"]),
    ("crates/test-support", &["admin-api", "deploy", "local-gateway", "local-cloud"]),
    ("xtask", &["admin-api", "deploy", "local-cloud", "workbench"]),
];

const WORKSPACE_CRATES: &[&str] =
    &["admin-api", "deploy", "local-cloud", "local-gateway", "test-support", "workbench", "xtask"];

fn root() -> PathBuf {
    PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap()).parent().unwrap().to_owned()
}

fn dependencies(manifest: &Path, table: &str) -> BTreeSet<String> {
    let text = std::fs::read_to_string(manifest).unwrap();
    let doc: toml_edit::DocumentMut = text.parse().unwrap();
    doc.get(table)
        .and_then(|t| t.as_table_like())
        .map(|deps| deps.iter().map(|(name, _)| name.to_owned()).collect())
        .unwrap_or_default()
}

#[test]
fn each_crate_depends_only_downwards() {
    let root = root();
    for (dir, allowed) in ALLOWED {
        let deps = dependencies(&root.join(dir).join("Cargo.toml"), "dependencies");
        for dep in deps.iter().filter(|d| WORKSPACE_CRATES.contains(&d.as_str())) {
            assert!(allowed.contains(&dep.as_str()), "{dir} depends on {dep}: ARCHITECTURE.md's layers forbid it");
        }
    }
}

#[test]
fn product_code_never_depends_on_the_test_support() {
    let root = root();
    for dir in
        ["crates/admin-api", "crates/deploy", "crates/local-cloud", "crates/local-gateway", "crates/workbench", "xtask"]
    {
        let deps = dependencies(&root.join(dir).join("Cargo.toml"), "dependencies");
        assert!(!deps.contains("test-support"), "{dir} has test-support as a normal dependency: a dev-dependency only");
    }
}

#[test]
fn no_subcommand_imports_another_or_main() {
    let src = root().join("xtask/src");
    // The modules that implement subcommands are those `main.rs` dispatches to; the others are shared pieces.
    let main = std::fs::read_to_string(src.join("main.rs")).unwrap();
    let modules: Vec<String> = main
        .lines()
        .filter_map(|l| l.trim().strip_prefix("mod ").and_then(|m| m.strip_suffix(';')).map(str::to_owned))
        .collect();
    let subcommands: Vec<&String> = modules
        .iter()
        .filter(|m| main.contains(&format!("{m}::run")) || main.contains(&format!("{m}::Args")))
        .collect();
    assert!(!subcommands.is_empty(), "no subcommand modules found in main.rs");
    // What main.rs itself defines (its argument types), which no subcommand may reach back up for.
    let main_items: Vec<String> = main
        .lines()
        .filter_map(|l| {
            let l = l.trim().trim_start_matches("pub ");
            ["struct ", "enum ", "fn "].iter().find_map(|k| l.strip_prefix(k)).map(|rest| {
                rest.split(|c: char| !c.is_alphanumeric() && c != '_').next().unwrap_or_default().to_owned()
            })
        })
        .filter(|name| !name.is_empty() && name != "main")
        .collect();
    for module in &subcommands {
        let single = src.join(format!("{module}.rs"));
        let files: Vec<PathBuf> = if single.is_file() {
            vec![single]
        } else {
            std::fs::read_dir(src.join(module.as_str())).unwrap().map(|e| e.unwrap().path()).collect()
        };
        for file in files {
            let text = std::fs::read_to_string(&file).unwrap();
            for other in subcommands.iter().filter(|o| o != &module) {
                for pattern in [format!("crate::{other}::"), format!("crate::{other}}}"), format!("crate::{other};")] {
                    assert!(
                        !text.contains(&pattern),
                        "{} (subcommand `{module}`) imports the subcommand `{other}`: move what they share to a module of its own",
                        file.display()
                    );
                }
            }
            for item in &main_items {
                assert!(
                    !text.contains(&format!("crate::{item}")),
                    "{} (subcommand `{module}`) imports `{item}` from main.rs: shared pieces live in a module of their own",
                    file.display()
                );
            }
        }
    }
}
