//! `cargo xtask test`: every test of the workspace, with moto running, and Node.js and the Node packages of
//! `clients/` installed (`workbench::test_run`).

use crate::error::Error;
use crate::reporter::Terminal;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Arguments for `cargo test`. Without a package (`-p`) or a target (`--test`, `--lib`, ...) among them, every
    /// target of the workspace runs.
    #[arg(last = true)]
    cargo_args: Vec<String>,
}

pub fn run(args: &Args) -> Result<(), Error> {
    Ok(workbench::test_run::run(&args.cargo_args, &mut Terminal::new())?)
}
