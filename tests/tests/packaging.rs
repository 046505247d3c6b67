//! The function's package for Lambda, built by the real command line: an aarch64 `bootstrap` for Amazon Linux 2023
//! in a deterministic zip.
#![allow(clippy::unwrap_used)]

use std::io::Read;

use deploy::config::Architecture;
use deploy::package::{MAX_GLIBC, check, sha256_hex};
use e2e::{workspace_root, xtask_ok};
use serde_json::Value;

#[test]
fn an_arm64_bootstrap_in_a_deterministic_zip() {
    let built: Value =
        serde_json::from_str(&xtask_ok(&workspace_root(), &["build-lambda", "--arch", "arm64", "--json"])).unwrap();
    let zip_path = built["zip"].as_str().unwrap();
    let zip = std::fs::read(zip_path).unwrap();
    assert_eq!(built["sha256"], sha256_hex(&zip).as_str());

    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(zip.clone())).unwrap();
    assert_eq!(archive.len(), 1, "one file");
    let mut file = archive.by_index(0).unwrap();
    assert_eq!(file.name(), "bootstrap", "at the root");
    assert_eq!(file.unix_mode().map(|m| m & 0o777), Some(0o755), "executable");
    let mut binary = Vec::new();
    file.read_to_end(&mut binary).unwrap();
    let report = check(&binary, Architecture::Arm64).unwrap();
    assert_eq!(report.machine, "arm64");
    assert!(report.max_glibc.is_none_or(|v| v <= MAX_GLIBC), "{report:?}");
    assert!(check(&binary, Architecture::X86_64).is_err(), "not an x86_64 binary");

    // The same code gives the same zip, byte for byte.
    let again: Value =
        serde_json::from_str(&xtask_ok(&workspace_root(), &["build-lambda", "--arch", "arm64", "--json"])).unwrap();
    assert_eq!(again["sha256"], built["sha256"]);
}
