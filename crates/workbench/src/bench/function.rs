//! The release `bootstrap` under the local Lambda Runtime API (`local_gateway::runtime_api`), against a moto
//! started for the run: cold starts (a request the group check refuses, and listUsers less moto's own time), warm
//! round trips through the Runtime API, and the peak RSS after them.

use std::time::{Duration, Instant};

use local_gateway::runtime_api::{FunctionSpec, Instance};
use serde_json::{Value, json};

use deploy::report::Reporter;

use super::{Options, Row, bench_dir, memory_kb, percentile, runtime, summary};
use crate::Error;
use crate::workspace as project;

const SAMPLE_EVENT: &str = include_str!("../../../test-support/fixtures/apigw-rest-cognito-event.json");

fn event(groups: &str) -> Value {
    let mut event: Value = serde_json::from_str(SAMPLE_EVENT).unwrap_or_default();
    event["requestContext"]["authorizer"]["claims"]["cognito:groups"] = json!(groups);
    event
}

pub fn run(args: &Options, report: &mut dyn Reporter) -> Result<Vec<Row>, Error> {
    report.step("Building the release bootstrap for this machine (cargo build --release -p admin-api) ...");
    project::run(project::cargo().args(["build", "--quiet", "--release", "-p", "admin-api", "--bin", "bootstrap"]))?;
    let binary = project::target_dir().join("release").join("bootstrap");
    let install = local_cloud::moto::MotoInstall::new(&project::tools_dir());
    install.ensure(&mut |line| report.line(line))?;
    let mut moto = install.start(&bench_dir().join("moto.log"))?;
    report.step("Measuring cold starts, warm round trips and memory under the Runtime API ...");
    let result = runtime()?.block_on(measure(args, &binary, &moto.endpoint()));
    moto.stop();
    result
}

async fn measure(args: &Options, binary: &std::path::Path, moto: &str) -> Result<Vec<Row>, Error> {
    let cognito = local_cloud::cognito::local_client(moto);
    let pool = cognito
        .create_user_pool()
        .pool_name("bench")
        .send()
        .await
        .map_err(|e| Error::cognito("creating the bench pool", e))?;
    let pool_id = pool.user_pool().and_then(|p| p.id()).unwrap_or_default().to_owned();
    for i in 0..25 {
        let _ = cognito.admin_create_user().user_pool_id(&pool_id).username(format!("user{i:02}")).send().await;
    }
    let spec = FunctionSpec {
        binary: binary.to_owned(),
        env: vec![
            ("USERPOOL".into(), pool_id.clone()),
            ("GROUP".into(), "Admins".into()),
            // Made-up callers: the live verification's cost is measured by `cargo bench -p admin-api --bench verify`.
            (admin_api::config::ENV_VERIFY_CALLER.into(), "off".into()),
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
        log_file: Some(bench_dir().join("function.log")),
    };
    let refused = event("Editors");
    let list = event("Admins");
    let failed = |e: local_gateway::runtime_api::InvokeError| {
        Error::aws(format!("the function failed under the Runtime API: {e}"))
    };

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
            .map_err(|e| Error::cognito("ListUsers", e))?;
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
    let rss = instance.pid().and_then(|pid| memory_kb(pid, "VmHWM:")).map(|kb| kb as f64 / 1024.0);

    let (r_med, r_min, r_max) = summary(cold_refused);
    let (l_med, l_min, l_max) = summary(cold_list);
    let (d_med, _, _) = summary(direct);
    let (p50, p99) = (percentile(&warm, 0.50), percentile(&warm, 0.99));
    let invocations = args.warm.max(200);
    let mut rows = vec![
        Row::new(
            format!("cold start, refused request (spawn → first response, {} runs)", args.cold),
            format!("{r_med:.1} ms (min {r_min:.1}, max {r_max:.1})"),
            "≤ 15 ms",
            Some(r_med <= 15.0),
        ),
        Row::new(
            "cold start, listUsers on moto, less moto's own time",
            format!(
                "{:.1} ms ({l_med:.1} ms; moto alone {d_med:.1} ms; min {l_min:.1}, max {l_max:.1})",
                l_med - d_med
            ),
            "≤ 15 ms",
            Some(l_med - d_med <= 15.0),
        ),
        Row::new(
            format!(
                "warm round trip through the Runtime API (two HTTP exchanges), refused request, p50 / p99 ({invocations} in a row)"
            ),
            format!("{p50:.3} ms / {p99:.3} ms"),
            "—",
            None,
        ),
    ];
    if let Some(mb) = rss {
        rows.push(Row::new(
            format!("peak RSS of bootstrap after {invocations} invocations"),
            format!("{mb:.1} MB"),
            "≤ 20 MB",
            Some(mb <= 20.0),
        ));
    }
    Ok(rows)
}
