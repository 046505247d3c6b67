//! `local-gateway --config <file>`: the local API Gateway in the foreground, with the configuration `cargo xtask
//! deploy` writes. `deploy` runs it in the background; SIGTERM (as `teardown` sends) or Ctrl-C stops it and the
//! function instances it runs.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use local_gateway::GatewayConfig;

/// The local API Gateway REST API: a Cognito user-pool authorizer in front of the real `bootstrap`.
#[derive(Debug, Parser)]
#[command(name = "local-gateway", version)]
struct Args {
    /// The gateway's configuration (JSON), as `cargo xtask deploy` writes it.
    #[arg(long)]
    config: PathBuf,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let config = match std::fs::read_to_string(&args.config)
        .map_err(|e| e.to_string())
        .and_then(|text| serde_json::from_str::<GatewayConfig>(&text).map_err(|e| e.to_string()))
    {
        Ok(config) => config,
        Err(e) => {
            eprintln!("error: {}: {e}", args.config.display());
            return ExitCode::from(2);
        }
    };
    tracing_subscriber::fmt().with_ansi(false).with_writer(std::io::stderr).init();
    let served = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().and_then(|rt| {
        rt.block_on(async move {
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
        })
    });
    match served {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(4)
        }
    }
}
