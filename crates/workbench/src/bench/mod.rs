//! The benchmarks (`cargo xtask bench`): the performance figures, measured the same way each time, against the budgets of
//! BENCHMARKS.md. Writes a markdown table (stdout and `target/bench/bench.md`) and JSON (`target/bench/bench.json`).
//! Budgets are reported, never asserted: these are benchmarks, not timed tests.
//!
//! - `function`: the release `bootstrap` under the local Lambda Runtime API: cold starts, warm round trips, peak RSS.
//! - `cargo bench -p admin-api`: the warm invocation's own overhead (p50/p99) and the criterion micro-benchmarks.
//! - the arm64 zip and `cargo xtask synth`.
//! - `local`: a local environment deployed by the real CLI: a no-change deploy, the gateway under load (oha), and
//!   paginating 10,000 users through the API against a direct SDK loop.

mod function;
mod local;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::Value;

use deploy::report::Reporter;

use crate::Error;
use crate::workspace as project;

/// What to measure, and how much.
#[derive(Debug, Clone)]
pub struct Options {
    /// How many cold starts to measure.
    pub cold: usize,
    /// How many warm invocations to time through the Runtime API.
    pub warm: usize,
    /// How long each load test runs, in seconds.
    pub load_seconds: u64,
    /// How many users the pagination benchmark lists.
    pub users: usize,
    /// Skip the criterion micro-benchmarks (their first build takes minutes).
    pub skip_micro: bool,
    /// Skip the local environment's rows (deploy, load, pagination).
    pub skip_local: bool,
}

/// One line of the report.
#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub metric: String,
    pub value: String,
    pub budget: String,
    /// `None` for a figure without a budget (context for another row).
    pub met: Option<bool>,
}

impl Row {
    fn new(metric: impl Into<String>, value: impl Into<String>, budget: &str, met: Option<bool>) -> Self {
        Self { metric: metric.into(), value: value.into(), budget: budget.to_owned(), met }
    }
}

/// Median, min and max in milliseconds.
pub fn summary(mut samples: Vec<Duration>) -> (f64, f64, f64) {
    samples.sort();
    let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
    (ms(&samples[samples.len() / 2]), ms(&samples[0]), ms(&samples[samples.len() - 1]))
}

/// The `p`-quantile of `samples`, in milliseconds.
pub fn percentile(samples: &[Duration], p: f64) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

/// `VmHWM` (peak) or `VmRSS` (now) of a process, in kB.
pub fn memory_kb(pid: u32, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find(|l| l.starts_with(field))?.split_whitespace().nth(1)?.parse().ok()
}

pub fn bench_dir() -> PathBuf {
    project::target_dir().join("bench")
}

/// Measures every row, then writes the report; `command_line` is the `cargo xtask` binary, whose `synth` is timed.
/// Returns the table (also written to `target/bench/bench.md`).
pub fn run(args: &Options, command_line: &std::path::Path, report: &mut dyn Reporter) -> Result<String, Error> {
    std::fs::create_dir_all(bench_dir())?;
    let mut rows = function::run(args, report)?;
    rows.extend(framework(report)?);
    if !args.skip_micro {
        rows.extend(micro(report)?);
    }
    rows.extend(artifacts(command_line, report)?);
    if !args.skip_local {
        rows.extend(local::run(args, report)?);
    }
    write_report(&rows, report)
}

/// The warm invocation's own overhead, from `cargo bench -p admin-api --bench warm` (release profile).
fn framework(report: &mut dyn Reporter) -> Result<Vec<Row>, Error> {
    report.step("Timing warm invocations in process (cargo bench -p admin-api --bench warm) ...");
    let output = project::cargo().args(["bench", "--quiet", "-p", "admin-api", "--bench", "warm"]).output()?;
    if !output.status.success() {
        return Err(Error::CommandFailed {
            command: "cargo bench -p admin-api --bench warm".into(),
            status: format!("{}: {}", output.status, String::from_utf8_lossy(&output.stderr)),
        });
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout.lines().rfind(|l| l.contains("\"warm_refused\"")).unwrap_or_default();
    let figures: Value =
        serde_json::from_str(line).map_err(|e| Error::bench(format!("the warm bench printed {line:?}: {e}")))?;
    let (p50, p99) = (
        figures["p50_us"].as_f64().unwrap_or(f64::NAN) / 1000.0,
        figures["p99_us"].as_f64().unwrap_or(f64::NAN) / 1000.0,
    );
    Ok(vec![Row::new(
        format!("warm invocation, framework overhead, refused request, p50 / p99 ({} in a row)", figures["iterations"]),
        format!("{p50:.3} ms / {p99:.3} ms"),
        "≤ 0.1 ms / ≤ 0.5 ms",
        Some(p50 <= 0.1 && p99 <= 0.5),
    )])
}

/// The criterion micro-benchmarks' medians, from `target/criterion/<name>/new/estimates.json`.
fn micro(report: &mut dyn Reporter) -> Result<Vec<Row>, Error> {
    report.step("Running the micro-benchmarks (cargo bench -p admin-api --bench hot_paths) ...");
    project::run(
        project::cargo()
            .args(["bench", "--quiet", "-p", "admin-api", "--bench", "hot_paths"])
            .stdout(std::io::stderr()),
    )?;
    let names = [
        ("claims", "the caller from the authorizer claims"),
        ("event_to_request", "the Runtime API's event JSON to an http::Request"),
        ("serialise_list_users_60", "a page of 60 users to JSON"),
        ("invoke_refused", "a whole refused invocation, JSON in to JSON out"),
    ];
    let mut rows = Vec::new();
    for (name, what) in names {
        let path = project::target_dir().join("criterion").join(name).join("new/estimates.json");
        let Ok(text) = std::fs::read_to_string(&path) else { continue };
        let estimates: Value = serde_json::from_str(&text).unwrap_or_default();
        let ns = estimates["median"]["point_estimate"].as_f64().unwrap_or(f64::NAN);
        let value = if ns >= 1000.0 { format!("{:.2} µs", ns / 1000.0) } else { format!("{ns:.0} ns") };
        rows.push(Row::new(format!("micro: `{name}`, {what} (criterion median)"), value, "—", None));
    }
    Ok(rows)
}

/// The arm64 zip (when built) and `cargo xtask synth`.
fn artifacts(command_line: &std::path::Path, report: &mut dyn Reporter) -> Result<Vec<Row>, Error> {
    let mut rows = Vec::new();
    let zip = project::target_dir().join("lambda/arm64/bootstrap.zip");
    match std::fs::metadata(&zip) {
        Ok(meta) => {
            let mb = meta.len() as f64 / 1_000_000.0;
            rows.push(Row::new("deployment zip, arm64", format!("{mb:.2} MB"), "≤ 3 MB", Some(mb <= 3.0)));
        }
        Err(_) => report.step("No arm64 zip: run `cargo xtask build-lambda --arch arm64` first for that row"),
    }
    let mut synth = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let out = std::process::Command::new(command_line)
            .args(["synth", "--env", "local"])
            .env("ADMIN_QUERIES_PROJECT_DIR", project::project_dir())
            .output()?;
        if out.status.success() {
            synth.push(started.elapsed());
        }
    }
    if !synth.is_empty() {
        let (median, min, max) = summary(synth);
        rows.push(Row::new(
            "`cargo xtask synth` (the binary, warm build, 20 runs)",
            format!("{median:.1} ms (min {min:.1}, max {max:.1})"),
            "≤ 50 ms",
            Some(median <= 50.0),
        ));
    }
    Ok(rows)
}

fn machine() -> String {
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines().find(|l| l.starts_with("model name")).map(|l| l.split(':').nth(1).unwrap_or("").trim().to_owned())
        })
        .unwrap_or_default();
    format!("{cpus} cores, {model}")
}

fn write_report(rows: &[Row], report: &mut dyn Reporter) -> Result<String, Error> {
    let mut markdown = format!("Machine: {}\n\n| metric | measured | budget | met |\n|---|---|---|---|\n", machine());
    for row in rows {
        let met = match row.met {
            Some(true) => "yes",
            Some(false) => "**no**",
            None => "—",
        };
        markdown.push_str(&format!("| {} | {} | {} | {met} |\n", row.metric, row.value, row.budget));
    }
    let json = serde_json::json!({ "machine": machine(), "rows": rows });
    std::fs::write(
        bench_dir().join("bench.json"),
        serde_json::to_string_pretty(&json).map_err(std::io::Error::other)?,
    )?;
    std::fs::write(bench_dir().join("bench.md"), &markdown)?;
    report.step(&format!("Written to {} and bench.json", bench_dir().join("bench.md").display()));
    Ok(markdown)
}

/// The runtime the async measurements run on.
fn runtime() -> Result<tokio::runtime::Runtime, Error> {
    Ok(tokio::runtime::Builder::new_current_thread().enable_all().build()?)
}
