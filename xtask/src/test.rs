//! `cargo xtask test`: every test of the workspace, with moto running and the Node packages of `clients/` installed.

use local_cloud::moto::{MotoInstall, answers};

use crate::error::Error;
use crate::project;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Arguments for `cargo test`.
    #[arg(last = true)]
    cargo_args: Vec<String>,
}

pub fn run(args: &Args) -> Result<(), Error> {
    // The client tests (aws-amplify in Node, the console in Chromium) need the Node packages of clients/. Without
    // npm the other tests still run, and the client test fails saying what to install.
    match crate::console::ensure_node_packages() {
        Err(Error::Tooling(why)) => eprintln!("warning: {why}"),
        other => other?,
    }
    // Use a moto someone else started (CI does), or start our own for the duration of the tests.
    let external = std::env::var("MOTO_ENDPOINT").ok().filter(|url| {
        let port = url.rsplit(':').next().and_then(|p| p.trim_end_matches('/').parse::<u16>().ok());
        port.is_some_and(answers)
    });
    let mut own = None;
    let endpoint = match external {
        Some(url) => {
            eprintln!("Using moto at {url}");
            url
        }
        None => {
            let install = MotoInstall::new(&project::tools_dir());
            std::fs::create_dir_all(project::tools_dir())?;
            install.ensure(&mut |line| eprintln!("{line}"))?;
            let moto = install.start(&project::tools_dir().join("moto-test.log"))?;
            eprintln!("Started moto at {} (pid {}) for the tests", moto.endpoint(), moto.pid);
            let endpoint = moto.endpoint();
            own = Some(moto);
            endpoint
        }
    };
    let mut cargo = project::cargo();
    cargo.args(["test", "--workspace", "--all-targets"]).args(&args.cargo_args).env("MOTO_ENDPOINT", &endpoint);
    let status = cargo.status();
    if let Some(mut moto) = own {
        moto.stop();
        eprintln!("Stopped moto");
    }
    if status?.success() { Ok(()) } else { Err(Error::TestsFailed) }
}
