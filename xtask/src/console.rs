//! `cargo xtask console`: the reference admin console (`clients/console`, built with Vite), served on this machine
//! with the environment's `amplifyconfiguration.json` beside its `index.html`. The console reads that file at run
//! time, so the same build works for any environment, local or AWS.

use workbench::console::CONFIG_FILE;

use crate::cli::Common;
use crate::error::Error;
use crate::project::{self, progress};
use crate::reporter::Terminal;

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

pub fn run(args: &Args) -> Result<(), Error> {
    let env = &args.common.env;
    project::load(env)?; // an environment the config does not name is an error that says so
    let outputs = project::outputs_dir(env);
    if !outputs.join(CONFIG_FILE).is_file() {
        return Err(Error::NotDeployed { env: env.clone() });
    }
    let dist =
        if args.no_build { workbench::console::built() } else { workbench::console::build(&mut Terminal::new()) }?;
    let ready = |url: &str| {
        if args.common.json {
            println!("{}", serde_json::json!({ "environment": env, "url": url }));
        } else {
            println!("Admin console for `{env}`: {url}");
            progress("Sign in as a member of the administering group. Ctrl-C stops the server.");
        }
        std::io::Write::flush(&mut std::io::stdout())
    };
    let config = outputs.join(CONFIG_FILE);
    crate::cli::runtime()?.block_on(workbench::console::serve(args.port, dist, config, ready))?;
    Ok(())
}
