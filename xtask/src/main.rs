//! `cargo xtask`: the project's command line. Each subcommand is one module; this file parses and dispatches.

mod error;
mod lambda;
mod project;
mod test;

use std::process::ExitCode;

use clap::{Parser, Subcommand};


/// Admin Queries for Cognito, without the Amplify CLI.
#[derive(Debug, Parser)]
#[command(name = "cargo xtask", bin_name = "cargo xtask", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run every test: installs and starts moto (the local AWS emulator) unless MOTO_ENDPOINT points at one.
    ///
    /// Arguments after `--` go to `cargo test`, e.g. `cargo xtask test -- -p admin-api listUsers`.
    Test(test::Args),
    /// Build the Lambda's `bootstrap` binary in release mode (`-p admin-api` only) and report its size.
    BuildLambda(lambda::Args),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Test(args) => test::run(&args),
        Command::BuildLambda(args) => lambda::run(&args).map(|_| ()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::from(error.exit_code())
        }
    }
}
