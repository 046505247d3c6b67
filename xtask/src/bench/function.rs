//! `cargo xtask bench`: the performance figures of the function, measured the same way each time and written to
//! `target/bench/bench.json` and as a markdown table on stdout. Budgets are reported, never asserted in tests.
//!
//! Measured here: cold start under the Lambda Runtime API (a request the group check refuses, and listUsers
//! against moto, less moto's own time), warm invocations, peak RSS after 200 invocations, the arm64 zip, and
//! `cargo xtask synth`. Not measured yet: the gateway under load, and paginating 10,000 users.

use std::time::{Duration, Instant};

use local_gateway::runtime_api::{FunctionSpec, Instance};
use serde_json::{Value, json};

use crate::error::Error;
use crate::project::{self, progress};

const SAMPLE_EVENT: &str = include_str!("../../crates/admin-api/tests/fixtures/apigw-rest-cognito-event.json");

#[derive(Debug, clap::Args)]
pub struct Args {
    /// How many cold starts to measure.
    #[arg(long, default_value_t = 15)]
    cold: usize,
    /// How many warm invocations to measure.
    #[arg(long, default_value_t = 1000)]
    warm: usize,
}

/// Median, min and max in milliseconds.
fn summary(mut samples: Vec<Duration>) -> (f64, f64, f64) {
    samples.sort();
    let ms = |d: &Duration| d.as_secs_f64() * 1000.0;
    (ms(&samples[samples.len() / 2]), ms(&samples[0]), ms(&samples[samples.len() - 1]))
}

fn percentile(samples: &[Duration], p: f64) -> f64 {
    let mut sorted = samples.to_vec();
    sorted.sort();
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index].as_secs_f64() * 1000.0
}

fn event(groups: &str) -> Value {
    let mut event: Value = serde_json::from_str(SAMPLE_EVENT).unwrap_or_default();
    event["requestContext"]["authorizer"]["claims"]["cognito:groups"] = json!(groups);
    event
}

fn peak_rss_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()
}

pub fn run(args: &Args) -> Result<(), Error> {
    progress("Building the release bootstrap for this machine (cargo build --release -p admin-api) ...");
    project::run(project::cargo().args(["build", "--quiet", "--release", "-p", "admin-api", "--bin", "bootstrap"]))?;
    let binary = project::target_dir().join("release").join("bootstrap");
    let install = local_cloud::moto::MotoInstall::new(&project::tools_dir());
    install.ensure(&mut |line| progress(line))?;
    std::fs::create_dir_all(project::target_dir().join("bench"))?;
    let mut moto = install.start(&project::target_dir().join("bench").join("moto.log"))?;
    let result = crate::runtime()?.block_on(measure(args, &binary, &moto.endpoint()));
    moto.stop();
    let rows = result?;

    // The zip and synth.
    let zip = project::target_dir().join("lambda/arm64/bootstrap.zip");
    let zip_mb = std::fs::metadata(&zip).map(|m| m.len() as f64 / 1_000_000.0).ok();
    let exe = std::env::current_exe()?;
    let mut synth = Vec::new();
    for _ in 0..20 {
        let started = Instant::now();
        let out = std::process::Command::new(&exe)
            .args(["synth", "--env", "local"])
            .env("ADMIN_QUERIES_PROJECT_DIR", project::project_dir())
            .output()?;
        if out.status.success() {
            synth.push(started.elapsed());
        }
    }
    let mut table = rows;
    if let Some(mb) = zip_mb {
        table.push(json!({ "metric": "deployment zip, arm64", "value": format!("{mb:.2} MB"), "budget": "≤ 3 MB", "met": mb <= 3.0 }));
    }
    if !synth.is_empty() {
        let (median, min, max) = summary(synth);
        table.push(json!({ "metric": "`cargo xtask synth` (the binary, warm build)", "value": format!("{median:.1} ms (min {min:.1}, max {max:.1})"), "budget": "≤ 50 ms", "met": median <= 50.0 }));
    }
    let report = json!({ "machine": machine(), "rows": table });
    std::fs::write(
        project::target_dir().join("bench").join("bench.json"),
        serde_json::to_string_pretty(&report).map_err(std::io::Error::other)?,
    )?;
    println!("| metric | measured | budget | met |\n|---|---|---|---|");
    for row in report["rows"].as_array().into_iter().flatten() {
        let met = if row["met"] == true { "yes" } else { "**no**" };
        println!(
            "| {} | {} | {} | {met} |",
            row["metric"].as_str().unwrap_or(""),
            row["value"].as_str().unwrap_or(""),
            row["budget"].as_str().unwrap_or("")
        );
    }
    Ok(())
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

async fn measure(args: &Args, binary: &std::path::Path, moto: &str) -> Result<Vec<Value>, Error> {
    let cognito = crate::target::local_client(moto);
    let pool = cognito
        .create_user_pool()
        .pool_name("bench")
        .send()
        .await
        .map_err(|e| crate::error::cognito("creating the bench pool", e))?;
    let pool_id = pool.user_pool().and_then(|p| p.id()).unwrap_or_default().to_owned();
    for i in 0..25 {
        let _ = cognito.admin_create_user().user_pool_id(&pool_id).username(format!("user{i:02}")).send().await;
    }
    let spec = FunctionSpec {
        binary: binary.to_owned(),
        env: vec![
            ("USERPOOL".into(), pool_id.clone()),
            ("GROUP".into(), "Admins".into()),
            ("AWS_LAMBDA_HTTP_IGNORE_STAGE_IN_PATH".into(), "true".into()),
            ("AWS_ENDPOINT_URL".into(), moto.to_owned()),
            ("AWS_ACCESS_KEY_ID".into(), "bench".into()),
            ("AWS_SECRET_ACCESS_KEY".into(), "bench".into()),
            ("RUST_LOG".into(), "warn".into()),
        ],
        function_name: "bench".into(),
        memory_mb: 128,
        timeout: Duration::from_secs(10),
        region: "us-east-1".into(),
        log_file: Some(project::target_dir().join("bench").join("function.log")),
    };
    let refused = event("Editors");
    let list = event("Admins");
    let failed = |e: local_gateway::runtime_api::InvokeError| Error::Usage(format!("the function failed: {e}"));

    // Cold starts: spawn, then the first response.
    let (mut cold_refused, mut cold_list) = (Vec::new(), Vec::new());
    for (samples, event) in [(&mut cold_refused, &refused), (&mut cold_list, &list)] {
        for _ in 0..args.cold {
            let started = Instant::now();
            let mut instance = Instance::start(&spec).await.map_err(failed)?;
            instance.invoke(event).await.map_err(failed)?;
            samples.push(started.elapsed());
        }
    }
    // moto's own time for the same ListUsers.
    let mut direct = Vec::new();
    for _ in 0..args.cold {
        let started = Instant::now();
        cognito
            .list_users()
            .user_pool_id(&pool_id)
            .limit(25)
            .send()
            .await
            .map_err(|e| crate::error::cognito("ListUsers", e))?;
        direct.push(started.elapsed());
    }
    // Warm invocations and peak RSS.
    let mut instance = Instance::start(&spec).await.map_err(failed)?;
    let mut warm = Vec::new();
    for i in 0..args.warm.max(200) {
        let started = Instant::now();
        instance.invoke(&refused).await.map_err(failed)?;
        if i > 0 {
            warm.push(started.elapsed());
        }
    }
    let rss = instance.pid().and_then(peak_rss_kb).map(|kb| kb as f64 / 1024.0);

    let (r_med, r_min, r_max) = summary(cold_refused);
    let (l_med, l_min, l_max) = summary(cold_list);
    let (d_med, _, _) = summary(direct);
    let (p50, p99) = (percentile(&warm, 0.50), percentile(&warm, 0.99));
    let mut rows = vec![
        json!({ "metric": "cold start, refused request (spawn → first response)", "value": format!("{r_med:.1} ms (min {r_min:.1}, max {r_max:.1})"), "budget": "≤ 15 ms", "met": r_med <= 15.0 }),
        json!({ "metric": "cold start, listUsers on moto, less moto's own time", "value": format!("{:.1} ms ({l_med:.1} ms; moto alone {d_med:.1} ms; min {l_min:.1}, max {l_max:.1})", l_med - d_med), "budget": "≤ 15 ms", "met": l_med - d_med <= 15.0 }),
        json!({ "metric": "warm invocation through the Runtime API, refused request, p50 / p99", "value": format!("{p50:.3} ms / {p99:.3} ms"), "budget": "≤ 0.1 ms / ≤ 0.5 ms (framework only)", "met": p50 <= 0.1 && p99 <= 0.5 }),
    ];
    if let Some(mb) = rss {
        rows.push(json!({ "metric": format!("peak RSS of bootstrap after {} invocations", args.warm.max(200)), "value": format!("{mb:.1} MB"), "budget": "≤ 20 MB", "met": mb <= 20.0 }));
    }
    Ok(rows)
}
