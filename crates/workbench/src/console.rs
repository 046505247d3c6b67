//! The reference admin console (`clients/console`, built with Vite into `clients/console/dist`).

use std::net::{Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use deploy::report::Reporter;
use local_gateway::static_site::{self, Site};

use crate::{Error, node, workspace};

/// The console as it was last built: its `dist` folder, which must hold an `index.html`.
pub fn built() -> Result<PathBuf, Error> {
    let dist = workspace::clients_dir().join("console/dist");
    if dist.join("index.html").is_file() { Ok(dist) } else { Err(Error::NotBuilt { dist }) }
}

/// Builds the console (`npm run build:console`, with Node.js and the Node packages installed first) and returns
/// its `dist` folder.
pub fn build(report: &mut dyn Reporter) -> Result<PathBuf, Error> {
    let node = node::ensure(report)?;
    node::ensure_node_packages(&node, report)?;
    report.step("Building the console (npm run build:console) ...");
    workspace::run(
        // Vite's report is progress: stderr, so that stdout has only the result.
        node.command("npm")
            .args(["run", "--silent", "build:console"])
            .current_dir(workspace::clients_dir())
            .stdout(std::io::stderr()),
    )?;
    built()
}

/// The file the console reads its configuration from, beside its `index.html`.
pub const CONFIG_FILE: &str = "amplifyconfiguration.json";

/// Serves the console in `dist` on 127.0.0.1:`port` (0: any free port), with `config` (an environment's
/// `amplifyconfiguration.json`) as its configuration file, until Ctrl-C. The configuration is read on each
/// request, so a new deploy shows on the next page load; so is the Content-Security-Policy that names its
/// endpoints, sent with every response. `ready` is told the URL once the server listens.
pub async fn serve(
    port: u16,
    dist: PathBuf,
    config: PathBuf,
    ready: impl FnOnce(&str) -> std::io::Result<()>,
) -> Result<(), Error> {
    let site = Site {
        dir: dist,
        config_route: format!("/{CONFIG_FILE}"),
        config_file: config,
        policy: local_gateway::console::content_security_policy,
    };
    let listener = tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
        .await
        .map_err(|source| Error::Listen { port, source })?;
    ready(&format!("http://{}/", listener.local_addr()?))?;
    static_site::serve(listener, site, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}
