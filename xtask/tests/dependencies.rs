//! xtask is a command line: it serves and calls HTTP through `local-gateway`'s functions and runs the gateway as a
//! process of its own, so it depends on no HTTP server or client crate itself.
#![allow(clippy::unwrap_used)]

const HTTP_CRATES: [&str; 8] =
    ["axum", "hyper", "hyper-util", "hyper-rustls", "http-body-util", "tower-http", "bytes", "rustls"];

#[test]
fn xtask_depends_on_no_http_server_or_client_crate() {
    let manifest = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml")).unwrap();
    let manifest: toml_edit::DocumentMut = manifest.parse().unwrap();
    for table in ["dependencies", "dev-dependencies", "build-dependencies"] {
        let Some(deps) = manifest.get(table).and_then(|t| t.as_table_like()) else { continue };
        for name in HTTP_CRATES {
            assert!(!deps.contains_key(name), "xtask's [{table}] names {name}: call local-gateway's functions instead");
        }
    }
}
