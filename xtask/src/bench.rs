//! `cargo xtask bench`: the performance figures, measured the same way each time, against the budgets of
//! BENCHMARKS.md (`workbench::bench`). Writes a markdown table (stdout and `target/bench/bench.md`) and JSON
//! (`target/bench/bench.json`). Budgets are reported, never asserted: these are benchmarks, not timed tests.

use crate::error::Error;
use crate::reporter::Terminal;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many cold starts to measure.
    #[arg(long, default_value_t = 15)]
    cold: usize,
    /// How many warm invocations to time through the Runtime API.
    #[arg(long, default_value_t = 1000)]
    warm: usize,
    /// How long each load test runs, in seconds.
    #[arg(long, default_value_t = 60, value_name = "SECONDS")]
    load_seconds: u64,
    /// How many users the pagination benchmark lists.
    #[arg(long, default_value_t = 10_000)]
    users: usize,
    /// Skip the criterion micro-benchmarks (their first build takes minutes).
    #[arg(long)]
    skip_micro: bool,
    /// Skip the local environment's rows (deploy, load, pagination).
    #[arg(long)]
    skip_local: bool,
}

pub fn run(args: &Args) -> Result<(), Error> {
    let options = workbench::bench::Options {
        cold: args.cold,
        warm: args.warm,
        load_seconds: args.load_seconds,
        users: args.users,
        skip_micro: args.skip_micro,
        skip_local: args.skip_local,
    };
    let table = workbench::bench::run(&options, &std::env::current_exe()?, &mut Terminal::new())?;
    print!("{table}");
    Ok(())
}
