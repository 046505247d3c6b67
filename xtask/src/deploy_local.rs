//! `cargo xtask deploy` for the local environment: moto, the pool, the `bootstrap` build, the gateway, the
//! outputs files. Every step is idempotent: a second deploy with no change restarts nothing.

use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, UNIX_EPOCH};

use deploy::config::{Config, TokenKind};
use deploy::outputs::Outputs;
use local_cloud::cognito::{GroupSpec, PoolSpec};
use local_cloud::moto::{MotoInstall, answers, free_port};
use local_cloud::processes;
use local_gateway::GatewayConfig;
use local_gateway::authorizer::{AuthorizerConfig, TokenMode};
use local_gateway::runtime_api::FunctionSpec;
use serde_json::{Value, json};

use crate::error::Error;
use crate::project::{self, progress};
use crate::state::{self, LocalState};
use crate::target::{LOCAL_REGION, local_client};

/// What `deploy` reports.
#[derive(Debug)]
pub struct Deployed {
    pub url: String,
    pub state: LocalState,
    pub changes: Vec<String>,
    pub outputs: Vec<PathBuf>,
}

pub fn username_attributes(config: &Config) -> Vec<String> {
    config.user_pool.username_attributes.iter().map(|a| a.cognito_name().to_owned()).collect()
}

/// How the local environment runs the function.
#[derive(Debug, Clone, Copy)]
pub struct Function {
    /// How many instances the gateway may run at once.
    pub instances: usize,
    /// Build `bootstrap` with the release profile, as it ships to Lambda, instead of the quick `local` profile.
    pub release: bool,
}

pub async fn deploy(env: &str, config: &Config, function: Function) -> Result<Deployed, Error> {
    let mut state = LocalState::load(env).unwrap_or_default();
    state.region = LOCAL_REGION.to_owned();
    let dir = project::env_dir(env);
    std::fs::create_dir_all(&dir)?;
    let mut changes = Vec::new();

    // 1. moto.
    let moto = match state.moto.clone().filter(|m| processes::is_alive(m.pid) && answers(m.port)) {
        Some(moto) => moto,
        None => {
            let install = MotoInstall::new(&project::tools_dir());
            install.ensure(&mut |line| progress(line))?;
            let (pid, port) = install.start_detached(&dir.join("moto.log"))?;
            changes.push(format!("started moto on 127.0.0.1:{port} (pid {pid})"));
            state::Process { pid, port }
        }
    };
    state.moto = Some(moto.clone());
    state.save(env)?;

    // 2. The user pool, its groups, the app client.
    let spec = PoolSpec {
        name: format!("{}-{env}", config.project),
        username_attributes: username_attributes(config),
        groups: config
            .effective_groups()
            .into_iter()
            .map(|g| GroupSpec { name: g.name, precedence: g.precedence, description: g.description })
            .collect(),
        client_name: format!("{}-{env}-app", config.project),
        self_sign_up: config.user_pool.self_sign_up,
        mfa: config.user_pool.mfa.cognito_name().to_owned(),
        token_validity_minutes: {
            let v = &config.user_pool.token_validity;
            [v.access, v.id, v.refresh].map(|d| i32::try_from(d.minutes).unwrap_or(i32::MAX))
        },
    };
    let cognito = local_client(&moto.endpoint());
    let pool = local_cloud::cognito::apply(&cognito, &moto.endpoint(), &spec).await?;
    changes.extend(pool.changes.iter().cloned());
    state.user_pool_id = Some(pool.pool_id.clone());
    state.client_id = Some(pool.client_id.clone());
    state.save(env)?;

    // 3. The function and the gateway, built for this machine.
    let binary = build_bootstrap(if function.release { "release" } else { "local" })?;
    let gateway_binary = build_gateway()?;

    // 4. The gateway, restarted only when what it runs changed.
    // Keep the port (and so the URL in the outputs files) unless something else took it.
    let port = match state.gateway.as_ref().map(|g| g.port) {
        Some(port) if gateway_alive(&state) || !answers(port) => port,
        _ => free_port()?,
    };
    let gateway = gateway_config(env, config, &moto.endpoint(), &pool, binary.clone(), port, function.instances);
    let fingerprint = fingerprint(&gateway, &[&binary, &gateway_binary])?;
    let unchanged = state.gateway.as_ref().is_some_and(|g| g.fingerprint == fingerprint) && gateway_alive(&state);
    if !unchanged {
        if let Some(old) = state.gateway.take() {
            processes::terminate_group(old.pid, Duration::from_secs(5));
        }
        let pid = start_gateway(env, &gateway, &gateway_binary)?;
        changes.push(format!("started the local gateway on 127.0.0.1:{port} (pid {pid})"));
        state.gateway = Some(state::Gateway { pid, port, stage: env.to_owned(), fingerprint });
        state.save(env)?;
    }
    let url = state.gateway.as_ref().map(state::Gateway::url).unwrap_or_default();

    // 5. The outputs files.
    let outputs = Outputs {
        region: LOCAL_REGION.to_owned(),
        user_pool_id: pool.pool_id.clone(),
        client_id: pool.client_id.clone(),
        endpoint: url.clone(),
        cognito_endpoint: Some(moto.endpoint()),
        token: config.admin_api.token,
        username_attributes: config.user_pool.username_attributes.clone(),
        groups: config.effective_groups().into_iter().map(|g| (g.name, g.precedence)).collect(),
    };
    let outputs = outputs.write(&project::outputs_dir(env))?;
    Ok(Deployed { url, state, changes, outputs })
}

fn gateway_alive(state: &LocalState) -> bool {
    state.gateway.as_ref().is_some_and(|g| processes::is_alive(g.pid) && answers(g.port))
}

/// Builds `bootstrap` for this machine, with the Lambda crate alone (`-p`) and its own profile (`local`, so that it
/// never competes with the workspace's test build for `target/debug`, or `release`).
fn build_bootstrap(profile: &str) -> Result<PathBuf, Error> {
    progress(&format!("Building bootstrap for this machine (cargo build -p admin-api --profile {profile}) ..."));
    project::run(project::cargo().args([
        "build",
        "--quiet",
        "-p",
        "admin-api",
        "--bin",
        "bootstrap",
        "--profile",
        profile,
    ]))?;
    Ok(project::target_dir().join(profile).join("bootstrap"))
}

/// Builds the local gateway's binary (`local-gateway`), always with the `local` profile, which optimises its
/// per-request path (see the root `Cargo.toml`).
fn build_gateway() -> Result<PathBuf, Error> {
    progress("Building the local gateway (cargo build -p local-gateway --profile local) ...");
    project::run(project::cargo().args([
        "build",
        "--quiet",
        "-p",
        "local-gateway",
        "--bin",
        "local-gateway",
        "--profile",
        "local",
    ]))?;
    Ok(project::target_dir().join("local").join("local-gateway"))
}

fn gateway_config(
    env: &str,
    config: &Config,
    moto: &str,
    pool: &local_cloud::cognito::AppliedPool,
    binary: PathBuf,
    port: u16,
    instances: usize,
) -> GatewayConfig {
    GatewayConfig {
        port,
        stage: env.to_owned(),
        api_id: format!("{}-{env}", config.project),
        authorizer: AuthorizerConfig {
            issuer: format!("https://cognito-idp.{LOCAL_REGION}.amazonaws.com/{}", pool.pool_id),
            jwks_url: format!("{moto}/{}/.well-known/jwks.json", pool.pool_id),
            token: match config.admin_api.token {
                TokenKind::Access => TokenMode::Access,
                TokenKind::Id => TokenMode::Id,
            },
            client_ids: pool.client_ids.clone(),
        },
        cors_origin: config.admin_api.cors_origins.first().cloned().unwrap_or_else(|| "*".to_owned()),
        function: FunctionSpec {
            binary,
            // The function's environment, as the template sets it in Lambda, plus the endpoint of moto.
            env: [("USERPOOL".to_owned(), pool.pool_id.clone())]
                .into_iter()
                .chain(config.function_environment())
                .chain([
                    ("AWS_ENDPOINT_URL".to_owned(), moto.to_owned()),
                    ("AWS_ACCESS_KEY_ID".to_owned(), "local".to_owned()),
                    ("AWS_SECRET_ACCESS_KEY".to_owned(), "local".to_owned()),
                ])
                .collect(),
            function_name: format!("{}-{env}-admin-queries", config.project),
            memory_mb: config.lambda.memory_mb,
            timeout: Duration::from_secs(u64::from(config.lambda.timeout_s)),
            region: LOCAL_REGION.to_owned(),
            log_file: Some(project::env_dir(env).join("function.log")),
        },
        instances,
    }
}

/// What the gateway runs: its config and the size and time of its binaries (the function's and its own).
fn fingerprint(gateway: &GatewayConfig, binaries: &[&PathBuf]) -> Result<String, Error> {
    let mut stamps = Vec::new();
    for binary in binaries {
        let meta = std::fs::metadata(binary)?;
        let modified = meta.modified()?.duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        stamps.push(json!({ "path": binary, "len": meta.len(), "modified": modified.to_string() }));
    }
    let value: Value = json!({ "gateway": gateway, "binaries": stamps });
    Ok(value.to_string())
}

/// Starts the `local-gateway` binary in the background and waits until it answers.
fn start_gateway(env: &str, gateway: &GatewayConfig, binary: &std::path::Path) -> Result<u32, Error> {
    let dir = project::env_dir(env);
    let config_path = dir.join("gateway.json");
    std::fs::write(&config_path, serde_json::to_string_pretty(gateway).map_err(std::io::Error::other)?)?;
    let log = dir.join("gateway.log");
    let pid = processes::spawn_detached(Command::new(binary).arg("--config").arg(&config_path), &log)?;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while std::time::Instant::now() < deadline {
        if !processes::is_alive(pid) {
            return Err(Error::Gateway { reason: "it exited".into(), log: log.display().to_string() });
        }
        if answers(gateway.port) {
            return Ok(pid);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    processes::terminate_group(pid, Duration::from_secs(2));
    Err(Error::Gateway { reason: "it did not answer within 30 s".into(), log: log.display().to_string() })
}

/// Stops what the local environment runs and removes its state and outputs. Returns what it stopped.
pub fn teardown(env: &str) -> Result<Vec<String>, Error> {
    let mut stopped = Vec::new();
    if let Some(state) = LocalState::load(env) {
        if let Some(gateway) = state.gateway
            && processes::terminate_group(gateway.pid, Duration::from_secs(5))
        {
            stopped.push(format!("stopped the local gateway (pid {})", gateway.pid));
        }
        if let Some(moto) = state.moto
            && processes::terminate_group(moto.pid, Duration::from_secs(5))
        {
            stopped.push(format!("stopped moto (pid {})", moto.pid));
        }
    }
    for dir in [project::env_dir(env), project::outputs_dir(env)] {
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
            stopped.push(format!("removed {}", dir.display()));
        }
    }
    Ok(stopped)
}
