//! `cargo xtask import-amplify`: an Amplify project's auth and Admin Queries settings as `admin-queries.toml`. The
//! work is `deploy::import`'s; this parses the arguments, shows the diff, writes the file and prints the report.

use std::path::PathBuf;

use deploy::config::FILE_NAME;
use deploy::import::{self, Generation, ImportError, Imported};
use serde_json::json;

use crate::cli::show_diff;
use crate::error::Error;
use crate::project::{self, progress};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The Amplify project: the folder that holds `amplify/` (Gen 1), or a Gen 2 app's `amplify_outputs.json`.
    /// Default: this project's directory.
    #[arg(value_name = "PATH")]
    pub path: Option<PathBuf>,
    /// Gen 1: import only this Amplify environment. Gen 2: the name of the one environment (default `main`).
    #[arg(long, value_name = "NAME")]
    pub env: Option<String>,
    /// Read the pools of the environments the files do not hold from their Amplify root stacks (CloudFormation,
    /// with the standard AWS credentials).
    #[arg(long)]
    pub aws: bool,
    /// Replace an existing admin-queries.toml (the diff is shown either way).
    #[arg(long)]
    pub force: bool,
    /// Print the result as JSON on stdout (progress still goes to stderr).
    #[arg(long)]
    pub json: bool,
}

pub async fn run(args: &Args) -> Result<(), Error> {
    let root = args.path.clone().unwrap_or_else(project::project_dir);
    progress(&format!("Reading the Amplify project in {}", root.display()));
    let mut plan = import::read(&root, args.env.as_deref())?;
    let kind = match plan.generation {
        Generation::Gen1 => "Gen 1",
        Generation::Gen2 => "Gen 2",
    };
    let names: Vec<&str> = plan.environments.iter().map(|e| e.name.as_str()).collect();
    progress(&format!("Amplify {kind} project `{}`: {}", plan.project.value, names.join(", ")));
    if args.aws {
        let pending: Vec<String> = plan
            .pending()
            .iter()
            .map(|e| format!("{} ({}, {})", e.name, e.root_stack.as_deref().unwrap_or("-"), e.region.value))
            .collect();
        if pending.is_empty() {
            progress("Every environment's pool is in the files: nothing to read from AWS");
        } else {
            progress(&format!("Reading from CloudFormation the pools of {}", pending.join(", ")));
            plan.fetch_pools().await?;
        }
    }
    let imported = plan.render()?;

    let path = project::project_dir().join(FILE_NAME);
    match std::fs::read_to_string(&path) {
        Ok(before) if before == imported.text => progress(&format!("{} is already this config", path.display())),
        Ok(before) => {
            show_diff(&before, &imported.text, "imported");
            if !args.force {
                return Err(ImportError::Exists { path }.into());
            }
            std::fs::write(&path, &imported.text)?;
            progress(&format!("Replaced {}", path.display()));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            std::fs::write(&path, &imported.text)?;
            progress(&format!("Wrote {}", path.display()));
        }
        Err(e) => return Err(e.into()),
    }
    print_result(&path, &imported, args.json)
}

fn print_result(path: &std::path::Path, imported: &Imported, as_json: bool) -> Result<(), Error> {
    if as_json {
        let value = json!({
            "file": path.display().to_string(),
            "generation": imported.generation,
            "environments": imported.environments,
            "pending": imported.pending,
            "notes": imported.notes,
            "config": imported.text,
        });
        println!("{}", serde_json::to_string_pretty(&value).map_err(std::io::Error::other)?);
        return Ok(());
    }
    println!("{}: {}", path.display(), imported.environments.join(", "));
    if !imported.pending.is_empty() {
        println!("\nNo pool yet (deploying these would create new, empty pools):");
        for p in &imported.pending {
            let stack = p.stack.as_deref().map(|s| format!(" from the stack {s}")).unwrap_or_default();
            println!("  - {} ({}): `cargo xtask import-amplify --aws` reads it{stack}, or write", p.env, p.region);
            println!("    [environments.{}.user_pool] existing and client_id by hand", p.env);
        }
    }
    if !imported.notes.is_empty() {
        println!("\nNot carried over:");
        for note in &imported.notes {
            println!("  - {}\n    instead: {}", note.what, note.instead);
        }
    }
    let first = imported.environments.iter().find(|e| !imported.pending.iter().any(|p| p.env == e.as_str()));
    if let Some(env) = first {
        println!("\nNext: cargo xtask deploy --env {env} --plan");
    }
    Ok(())
}
