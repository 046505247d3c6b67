//! `cargo xtask smoke`: a deployed environment answers every route as the contract says (`local_cloud::smoke`):
//! through the real endpoint with a real token, as a temporary admin, removing what it made whatever happened; it
//! fails on any mismatch. For CI, against AWS or `local`.

use serde_json::json;

use crate::cli::Common;
use crate::error::Error;
use crate::project::{self, progress};
use crate::reporter::Terminal;

pub async fn run(common: &Common) -> Result<(), Error> {
    let env = &common.env;
    let (config, _) = project::load(env)?;
    let place = project::place(env);
    let target = local_cloud::target::resolve_checked(&place).await?;
    let endpoint = local_cloud::target::endpoint(&place)?;
    let outcome = local_cloud::smoke::run(&config, &target, &endpoint, &mut Terminal::new()).await?;
    let (total, failures) = (outcome.checks, outcome.failures);
    if common.json {
        println!("{}", json!({ "environment": env, "checks": total, "failures": failures }));
    }
    if failures.is_empty() {
        progress(&format!("{total} passed, 0 failed"));
        Ok(())
    } else {
        Err(Error::SmokeFailed {
            report: format!(
                "{} passed, {} failed:\n  {}",
                total - failures.len(),
                failures.len(),
                failures.join("\n  ")
            ),
        })
    }
}
