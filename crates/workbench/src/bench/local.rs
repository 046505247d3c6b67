//! A local environment deployed by the real CLI, in a project of its own (`target/bench/project`), with 4 function
//! instances of the release `bootstrap` (`deploy --release`): a no-change deploy, the gateway under load from oha, and 10,000 users listed page by page through
//! the API against a direct SDK loop on the same moto. Torn down at the end, whatever happens.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::MessageActionType;
use local_gateway::client::Request;
use serde_json::Value;

use deploy::report::Reporter;

use super::{Options, Row, bench_dir, memory_kb, runtime, summary};
use crate::Error;
use crate::workspace as project;

/// The load generator, pinned, installed with `cargo install` into the tools directory.
const OHA_VERSION: &str = "1.16.0";
/// Concurrent connections of each load test.
const CONNECTIONS: &str = "16";
const INSTANCES: &str = "4";
const PASSWORD: &str = "Bench-Password-9-correct";

const CONFIG: &str = r#"project = "bench"

[user_pool]
groups = [{ name = "Admins", precedence = 1 }]

[admin_api]
restrict_to_group = "Admins"
token = "access"
cors_origins = ["*"]
# The gateway and the function alone, as before the live check existed: with it, every request makes two more
# calls to moto, which answers one request at a time. Its cost is measured by `cargo bench -p admin-api --bench
# verify` (BENCHMARKS.md, "Live verification").
verify_caller = "off"
"#;

/// `cargo xtask <args>` for the benchmark's project, as a user runs it; returns stdout.
fn cli(project: &Path, args: &[&str]) -> Result<String, Error> {
    let mut command = project::cargo();
    command
        .args(["run", "--quiet", "--package", "xtask", "--bin", "xtask", "--"])
        .args(args)
        .env("ADMIN_QUERIES_PROJECT_DIR", project)
        .stdin(Stdio::null());
    let output = command.output()?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(Error::CommandFailed {
            command: format!("cargo xtask {}", args.join(" ")),
            status: format!("{}\n{}", output.status, String::from_utf8_lossy(&output.stderr)),
        })
    }
}

fn json(text: &str) -> Result<Value, Error> {
    serde_json::from_str(text.trim()).map_err(|e| Error::bench(format!("unexpected output {text:?}: {e}")))
}

pub fn run(args: &Options, report: &mut dyn Reporter) -> Result<Vec<Row>, Error> {
    let project = bench_dir().join("project");
    if project.join(".admin-queries/local/state.json").is_file() {
        let _ = cli(&project, &["teardown"]);
    }
    let _ = std::fs::remove_dir_all(&project);
    std::fs::create_dir_all(&project)?;
    std::fs::write(project.join("admin-queries.toml"), CONFIG)?;
    let oha = oha(report)?;
    // Torn down whatever happens, once the deploy has started.
    let measured = measure(args, &project, &oha, report);
    report.step("Tearing down the benchmark's local environment ...");
    if let Err(e) = cli(&project, &["teardown"]) {
        report.line(&format!("teardown failed: {e}"));
    }
    measured
}

fn measure(args: &Options, project: &Path, oha: &Path, report: &mut dyn Reporter) -> Result<Vec<Row>, Error> {
    report.step("Deploying the benchmark's local environment (cargo xtask deploy --instances 4 --release) ...");
    let deployed = json(&cli(project, &["deploy", "--instances", INSTANCES, "--release", "--json"])?)?;
    let mut rows = Vec::new();

    // A no-change deploy, as a user types it (cargo's own up-to-date checks included).
    let mut runs = Vec::new();
    for _ in 0..5 {
        let started = Instant::now();
        let again = json(&cli(project, &["deploy", "--instances", INSTANCES, "--release", "--json"])?)?;
        runs.push(started.elapsed());
        if again["changes"].as_array().is_some_and(|c| !c.is_empty()) {
            return Err(Error::bench(format!("a second deploy changed something: {}", again["changes"])));
        }
    }
    let (median, min, max) = summary(runs);
    rows.push(Row::new(
        "a no-change `cargo xtask deploy --env local --release` (warm build, 5 runs)",
        format!("{:.2} s (min {:.2}, max {:.2})", median / 1000.0, min / 1000.0, max / 1000.0),
        "≤ 2 s",
        Some(median <= 2000.0),
    ));

    let endpoint = deployed["endpoint"].as_str().unwrap_or_default().to_owned();
    let moto = deployed["cognitoEndpoint"].as_str().unwrap_or_default().to_owned();
    let pool = deployed["userPoolId"].as_str().unwrap_or_default().to_owned();
    cli(project, &["user", "create", "bench-admin", "--group", "Admins", "--password", PASSWORD])?;
    cli(project, &["user", "create", "bench-user", "--password", PASSWORD])?;
    let admin = cli(project, &["token", "bench-admin"])?.trim().to_owned();
    let user = cli(project, &["token", "bench-user"])?.trim().to_owned();
    let status = json(&cli(project, &["status", "--json"])?)?;
    let gateway = status["gateway"]["pid"].as_u64().and_then(|p| u32::try_from(p).ok()).unwrap_or_default();
    let cognito = local_cloud::cognito::local_client(&moto);
    let runtime = runtime()?;
    runtime.block_on(fill(&cognito, &pool, 25))?;

    // moto's own ceiling: ListUsers sent to it directly, for context.
    report.step("Load: moto alone, ListUsers of 25 users (10 s) ...");
    let body = format!(r#"{{"UserPoolId":"{pool}","Limit":25}}"#);
    let direct = load(
        oha,
        &[
            "-m",
            "POST",
            "-d",
            &body,
            "-H",
            "X-Amz-Target: AWSCognitoIdentityProviderService.ListUsers",
            "-H",
            "Content-Type: application/x-amz-json-1.1",
            "-H",
            "Authorization: AWS4-HMAC-SHA256 Credential=bench/20260101/us-east-1/cognito-idp/aws4_request, SignedHeaders=host, Signature=0",
        ],
        &format!("{moto}/"),
        10,
        None,
    )?;
    let seconds = args.load_seconds;
    report.step(&format!("Load: the gateway, listUsers of 25 users as an admin, 4 instances ({seconds} s) ..."));
    let list = load(
        oha,
        &["-H", &format!("Authorization: {admin}")],
        &format!("{endpoint}/listUsers?limit=25"),
        seconds,
        Some(gateway),
    )?;
    report.step(&format!(
        "Load: the gateway and the function alone (a refused request, no Cognito call) ({seconds} s) ..."
    ));
    let refused = load(
        oha,
        &["-H", &format!("Authorization: {user}")],
        &format!("{endpoint}/listUsers?limit=25"),
        seconds,
        Some(gateway),
    )?;
    let budget = "≥ 500 requests/s for 60 s, 0 errors, flat RSS";
    rows.push(Row::new(
        format!("the local gateway, listUsers with 25 users, 4 instances, {seconds} s, {CONNECTIONS} connections"),
        format!("{} (moto alone answers this ListUsers at {:.0} requests/s)", list.describe(200), direct.rps),
        budget,
        Some(list.meets(200, seconds)),
    ));
    rows.push(Row::new(
        format!(
            "the local gateway and the function without Cognito (a refused request, 403), 4 instances, {seconds} s"
        ),
        refused.describe(403),
        budget,
        Some(refused.meets(403, seconds)),
    ));

    // Pagination of many users: through the API against a direct SDK loop on the same moto.
    let users = args.users;
    report.step(&format!("Creating {users} users in moto (about a minute for 10,000) ..."));
    runtime.block_on(fill(&cognito, &pool, users))?;
    report.step("Listing every user page by page: the SDK directly, then through the API (3 runs each) ...");
    let (sdk, api, count) = runtime.block_on(paginate(&cognito, &pool, &endpoint, &admin))?;
    let (sdk_median, _, _) = summary(sdk);
    let (api_median, _, _) = summary(api);
    let ratio = api_median / sdk_median;
    rows.push(Row::new(
        format!("listUsers over {count} users, every page of 60 through the API, against a direct SDK loop"),
        format!("{ratio:.2}× ({:.2} s against {:.2} s, medians of 3)", api_median / 1000.0, sdk_median / 1000.0),
        "≤ 1.2×",
        Some(ratio <= 1.2),
    ));
    Ok(rows)
}

/// oha, pinned, in the tools directory; installed with `cargo install` the first time.
fn oha(report: &mut dyn Reporter) -> Result<PathBuf, Error> {
    let root = project::tools_dir().join("oha");
    let binary = root.join("bin/oha");
    let marker = root.join("installed-version");
    if binary.is_file() && std::fs::read_to_string(&marker).is_ok_and(|v| v.trim() == OHA_VERSION) {
        return Ok(binary);
    }
    report.step(&format!("Installing oha {OHA_VERSION}, the load generator (cargo install; a few minutes, once) ..."));
    let root_arg = root.display().to_string();
    project::run(project::cargo().args([
        "install",
        "--quiet",
        "--locked",
        "oha",
        "--version",
        OHA_VERSION,
        "--root",
        &root_arg,
    ]))?;
    std::fs::write(marker, OHA_VERSION)?;
    Ok(binary)
}

/// What one load test measured.
#[derive(Debug)]
struct Load {
    rps: f64,
    p99_ms: f64,
    statuses: Vec<(String, u64)>,
    errors: u64,
    /// RSS (MB) of the gateway and of its function instances together, at the first and last sample.
    gateway_mb: Option<(f64, f64)>,
    instances_mb: Option<(f64, f64)>,
}

impl Load {
    fn unexpected(&self, status: u16) -> u64 {
        let wanted = status.to_string();
        self.errors + self.statuses.iter().filter(|(s, _)| *s != wanted).map(|(_, n)| n).sum::<u64>()
    }

    fn flat(&self) -> bool {
        let flat = |(first, last): (f64, f64)| last <= first * 1.1 + 1.0;
        self.gateway_mb.is_some_and(flat) && self.instances_mb.is_some_and(flat)
    }

    fn meets(&self, status: u16, seconds: u64) -> bool {
        seconds >= 60 && self.rps >= 500.0 && self.unexpected(status) == 0 && self.flat()
    }

    fn describe(&self, status: u16) -> String {
        let rss = |m: Option<(f64, f64)>| m.map_or("?".to_owned(), |(a, b)| format!("{a:.1} → {b:.1} MB"));
        format!(
            "{:.0} requests/s, p99 {:.1} ms, {} errors (statuses {}), RSS gateway {}, 4 instances {}",
            self.rps,
            self.p99_ms,
            self.unexpected(status),
            self.statuses.iter().map(|(s, n)| format!("{s}: {n}")).collect::<Vec<_>>().join(", "),
            rss(self.gateway_mb),
            rss(self.instances_mb),
        )
    }
}

/// Runs oha for `seconds` against `url`; samples the RSS of the gateway's process group meanwhile.
fn load(oha: &Path, extra: &[&str], url: &str, seconds: u64, gateway: Option<u32>) -> Result<Load, Error> {
    let duration = format!("{seconds}s");
    let mut child = Command::new(oha)
        .args(["-z", &duration, "-c", CONNECTIONS, "-w", "--no-tui", "--output-format", "json"])
        .args(extra)
        .arg(url)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut samples: Vec<(f64, f64)> = Vec::new();
    let started = Instant::now();
    while child.try_wait()?.is_none() {
        std::thread::sleep(Duration::from_millis(500));
        if let Some(gateway) = gateway
            && started.elapsed() >= Duration::from_secs(5 * (samples.len() as u64 + 1))
        {
            let mb = |pid: u32| memory_kb(pid, "VmRSS:").unwrap_or(0) as f64 / 1024.0;
            let instances: f64 =
                local_cloud::processes::group_members(gateway).into_iter().filter(|&p| p != gateway).map(mb).sum();
            samples.push((mb(gateway), instances));
        }
    }
    let output = child.wait_with_output()?;
    if !output.status.success() {
        return Err(Error::CommandFailed {
            command: format!("oha {url}"),
            status: format!("{}: {}", output.status, String::from_utf8_lossy(&output.stderr)),
        });
    }
    let report = json(&String::from_utf8_lossy(&output.stdout))?;
    let count =
        |v: &Value| v.as_object().map(|m| m.iter().map(|(k, n)| (k.clone(), n.as_u64().unwrap_or(0))).collect());
    let statuses: Vec<(String, u64)> = count(&report["statusCodeDistribution"]).unwrap_or_default();
    let errors = count(&report["errorDistribution"]).unwrap_or_default().iter().map(|(_, n)| n).sum();
    let ends = |pick: fn(&(f64, f64)) -> f64| match (samples.first(), samples.last()) {
        (Some(first), Some(last)) => Some((pick(first), pick(last))),
        _ => None,
    };
    Ok(Load {
        rps: report["summary"]["requestsPerSec"].as_f64().unwrap_or(0.0),
        p99_ms: report["latencyPercentiles"]["p99"].as_f64().unwrap_or(f64::NAN) * 1000.0,
        statuses,
        errors,
        gateway_mb: ends(|s| s.0),
        instances_mb: ends(|s| s.1),
    })
}

/// Adds users named `bench-00000`... until the pool has `total`, 16 at a time.
async fn fill(cognito: &Client, pool: &str, total: usize) -> Result<(), Error> {
    let described = cognito.describe_user_pool().user_pool_id(pool).send().await;
    let existing = described
        .map_err(|e| Error::cognito("DescribeUserPool", e))?
        .user_pool()
        .map(|p| p.estimated_number_of_users())
        .unwrap_or(0);
    let missing = total.saturating_sub(usize::try_from(existing).unwrap_or(0));
    let mut tasks = tokio::task::JoinSet::new();
    for worker in 0..16 {
        let (cognito, pool) = (cognito.clone(), pool.to_owned());
        tasks.spawn(async move {
            for i in (worker..missing).step_by(16) {
                cognito
                    .admin_create_user()
                    .user_pool_id(&pool)
                    .username(format!("bench-{existing:05}-{i:05}"))
                    .message_action(MessageActionType::Suppress)
                    .send()
                    .await
                    .map_err(|e| Error::cognito("AdminCreateUser", e))?;
            }
            Ok::<(), Error>(())
        });
    }
    while let Some(done) = tasks.join_next().await {
        done.map_err(|e| Error::bench(format!("a user-creating task failed: {e}")))??;
    }
    Ok(())
}

/// Lists every user page by page, 3 times each way; returns both timings and the number of users.
async fn paginate(
    cognito: &Client,
    pool: &str,
    endpoint: &str,
    token: &str,
) -> Result<(Vec<Duration>, Vec<Duration>, usize), Error> {
    let http = local_gateway::client::HttpClient::new().map_err(|e| Error::aws(e.to_string()))?;
    let (mut sdk, mut api, mut counts) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..3 {
        let started = Instant::now();
        let (mut count, mut next) = (0, None::<String>);
        loop {
            let page = cognito
                .list_users()
                .user_pool_id(pool)
                .limit(60)
                .set_pagination_token(next.take())
                .send()
                .await
                .map_err(|e| Error::cognito("ListUsers", e))?;
            count += page.users().len();
            match page.pagination_token() {
                Some(token) if !token.is_empty() => next = Some(token.to_owned()),
                _ => break,
            }
        }
        sdk.push(started.elapsed());
        counts.push(count);

        let started = Instant::now();
        let (mut count, mut next) = (0, None::<String>);
        loop {
            let mut query = vec![("limit", "60".to_owned())];
            if let Some(token) = next.take() {
                query.push(("token", token));
            }
            let query = serde_urlencoded::to_string(&query).map_err(|e| Error::bench(e.to_string()))?;
            let url = format!("{endpoint}/listUsers?{query}");
            let response = http
                .send(Request::new("GET", &url).header("authorization", token))
                .await
                .map_err(|e| Error::aws(format!("calling listUsers through the gateway: {e}")))?;
            let (status, bytes) = (response.status, response.body);
            let page: Value = serde_json::from_slice(&bytes).unwrap_or_default();
            if !(200..300).contains(&status) {
                return Err(Error::aws(format!("listUsers answered {status}: {}", String::from_utf8_lossy(&bytes))));
            }
            count += page["Users"].as_array().map_or(0, Vec::len);
            match page["NextToken"].as_str() {
                Some(token) if !token.is_empty() => next = Some(token.to_owned()),
                _ => break,
            }
        }
        api.push(started.elapsed());
        counts.push(count);
    }
    if counts.iter().any(|&c| c != counts[0]) {
        return Err(Error::bench(format!("the listings disagree on the number of users: {counts:?}")));
    }
    Ok((sdk, api, counts[0]))
}
