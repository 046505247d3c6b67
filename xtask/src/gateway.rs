//! `cargo xtask serve-gateway`: the local gateway in the foreground. `deploy` runs it in the background; SIGTERM
//! (as `teardown` sends) stops it and the function instances it runs.

use std::path::PathBuf;

use local_gateway::GatewayConfig;

use crate::error::Error;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The gateway's configuration, as `deploy` writes it.
    #[arg(long)]
    config: PathBuf,
}

pub fn run(args: &Args) -> Result<(), Error> {
    let text = std::fs::read_to_string(&args.config)?;
    let config: GatewayConfig =
        serde_json::from_str(&text).map_err(|e| Error::Usage(format!("{}: {e}", args.config.display())))?;
    tracing_subscriber::fmt().with_ansi(false).with_writer(std::io::stderr).init();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
    runtime.block_on(async move {
        let shutdown = async {
            let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(term) => term,
                Err(_) => return std::future::pending().await,
            };
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
        };
        local_gateway::serve(config, shutdown).await
    })?;
    Ok(())
}
