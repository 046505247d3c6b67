//! `cargo xtask logs`: the function's log lines, its request lines as a table; from CloudWatch Logs for an AWS
//! environment (`deploy::logs`), from the gateway's and the function's log files locally (`local_cloud::logs`).

use std::io::Write;
use std::ops::ControlFlow;
use std::time::Duration;

use deploy::logs::{Line, Options, Sink, Source, table_header, table_row};

use crate::cli::{Common, runtime};
use crate::error::Error;
use crate::project::{self, progress};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How far back to start: a duration such as 10m, 90s, 2h or 1h30m.
    #[arg(long, default_value = deploy::logs::DEFAULT_SINCE, value_parser = deploy::logs::parse_since)]
    pub since: Duration,
    /// Then print new lines as they come, until Ctrl-C.
    #[arg(long)]
    pub follow: bool,
    #[command(flatten)]
    pub common: Common,
}

/// Prints the lines on stdout: request lines as rows under one header, other lines as they are; with `--json`,
/// the function's lines unchanged (one JSON object per request line) and not the local gateway's.
struct Printer {
    json: bool,
    printed: usize,
}

impl Sink for Printer {
    fn line(&mut self, line: &Line) -> ControlFlow<()> {
        let mut out = std::io::stdout().lock();
        let written = if self.json {
            if line.source != Source::Function {
                return ControlFlow::Continue(());
            }
            writeln!(out, "{}", line.text)
        } else if self.printed == 0 {
            writeln!(out, "{}\n{}", table_header(), table_row(line))
        } else {
            writeln!(out, "{}", table_row(line))
        };
        self.printed += 1;
        // A closed stdout (`| head`) ends the reading.
        if written.is_err() { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
    }
}

pub fn run(args: &Args) -> Result<(), Error> {
    let env = &args.common.env;
    let options = Options::since(args.since, args.follow);
    let mut printer = Printer { json: args.common.json, printed: 0 };
    if args.follow {
        progress(&format!("Following the `{env}` environment's logs; Ctrl-C stops"));
    }
    if env == deploy::config::LOCAL {
        local_cloud::logs::read(&project::place(env), &options, &mut printer)?;
    } else {
        let (config, environment) = project::load(env)?;
        runtime()?.block_on(deploy::logs::aws(&config, env, &environment, &options, &mut printer))?;
    }
    if printer.printed == 0 {
        progress(&format!(
            "No log lines in the `{env}` environment since {}",
            deploy::logs::format_time(options.start_ms)
        ));
    }
    Ok(())
}
