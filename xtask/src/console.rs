//! `cargo xtask console`: the reference admin console (`clients/console`, built with Vite), served on this machine
//! with the environment's `amplifyconfiguration.json` beside its `index.html`. The console reads that file at run
//! time, so the same build works for any environment, local or AWS.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::get;
use tower_http::services::ServeDir;

use crate::Common;
use crate::error::Error;
use crate::project::{self, progress};

/// The file the console reads its configuration from.
const CONFIG_FILE: &str = "amplifyconfiguration.json";

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The port to serve on, on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 5173)]
    port: u16,
    /// Serve the console as it was last built (clients/console/dist) instead of building it first.
    #[arg(long)]
    no_build: bool,
    #[command(flatten)]
    common: Common,
}

/// The JavaScript side of the repository: the admin console and the client compatibility suites.
pub fn clients_dir() -> PathBuf {
    project::root().join("clients")
}

/// Installs the Node packages of `clients/` (`npm ci`) when they are missing or older than the lock file.
pub fn ensure_node_packages() -> Result<(), Error> {
    let dir = clients_dir();
    let modified = |path: &Path| std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let installed = modified(&dir.join("node_modules/.package-lock.json"));
    let locked = modified(&dir.join("package-lock.json")).unwrap_or(SystemTime::UNIX_EPOCH);
    if installed.is_some_and(|installed| installed >= locked) {
        return Ok(());
    }
    progress("Installing the Node packages of clients/ (npm ci) ...");
    let mut npm = std::process::Command::new("npm");
    npm.args(["ci", "--no-audit", "--no-fund", "--loglevel=error"]).current_dir(&dir).stdout(std::io::stderr());
    match npm.status() {
        Ok(status) if status.success() => Ok(()),
        Ok(status) => Err(Error::CommandFailed { command: project::render(&npm), status: status.to_string() }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(Error::Tooling(
            "npm was not found: the admin console and the client tests need Node.js 20.19 or newer with npm\n\
             help: install Node.js (https://nodejs.org or your system's packages), then run this again"
                .into(),
        )),
        Err(e) => Err(e.into()),
    }
}

pub fn run(args: &Args) -> Result<(), Error> {
    let env = &args.common.env;
    project::load(env)?; // an environment the config does not name is an error that says so
    let outputs = project::outputs_dir(env);
    if !outputs.join(CONFIG_FILE).is_file() {
        return Err(Error::NotDeployed { env: env.clone() });
    }
    let dist = clients_dir().join("console/dist");
    if !args.no_build {
        ensure_node_packages()?;
        progress("Building the console (npm run build:console) ...");
        project::run(
            // Vite's report is progress: stderr, so that stdout has only the result.
            std::process::Command::new("npm")
                .args(["run", "--silent", "build:console"])
                .current_dir(clients_dir())
                .stdout(std::io::stderr()),
        )?;
    }
    if !dist.join("index.html").is_file() {
        return Err(Error::Usage(format!(
            "{} has no built console\nhelp: run `cargo xtask console` without --no-build",
            dist.display()
        )));
    }
    crate::runtime()?.block_on(serve(args, dist, outputs.join(CONFIG_FILE)))
}

async fn serve(args: &Args, dist: PathBuf, config: PathBuf) -> Result<(), Error> {
    // The configuration is read on each request, so a new deploy shows on the next page load.
    let app = Router::new()
        .route(
            &format!("/{CONFIG_FILE}"),
            get(move || async move {
                match tokio::fs::read(&config).await {
                    Ok(bytes) => {
                        ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")], bytes)
                            .into_response()
                    }
                    Err(_) => {
                        (StatusCode::NOT_FOUND, "the environment's outputs are gone: deploy it again").into_response()
                    }
                }
            }),
        )
        .fallback_service(ServeDir::new(dist));
    let listener =
        tokio::net::TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, args.port))).await.map_err(|e| {
            Error::Usage(format!(
                "cannot listen on 127.0.0.1:{}: {e}\nhelp: pick another port with --port (0 for any free one)",
                args.port
            ))
        })?;
    let url = format!("http://{}/", listener.local_addr()?);
    if args.common.json {
        println!("{}", serde_json::json!({ "environment": args.common.env, "url": url }));
    } else {
        println!("Admin console for `{}`: {url}", args.common.env);
        progress("Sign in as a member of the administering group. Ctrl-C stops the server.");
    }
    use std::io::Write as _;
    std::io::stdout().flush()?;
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    Ok(())
}
