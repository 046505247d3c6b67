//! The local environment as a whole: `deploy` (moto, the pool, the `bootstrap` and gateway builds, the gateway,
//! the outputs files), `teardown` and `status`. Every step of `deploy` is idempotent: a second deploy with no
//! change restarts nothing.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, UNIX_EPOCH};

use deploy::config::{Config, TokenKind};
use deploy::outputs::Outputs;
use deploy::report::Reporter;
use local_gateway::GatewayConfig;
use local_gateway::authorizer::{AuthorizerConfig, TokenMode};
use local_gateway::runtime_api::FunctionSpec;
use serde_json::{Value, json};

use crate::cognito::{AppliedPool, ApplyError, GroupSpec, LOCAL_REGION, PoolSpec, local_client};
use crate::moto::{MotoError, MotoInstall, answers, free_port};
use crate::processes;
use crate::state::{self, LocalState};

/// Where an environment keeps its things.
#[derive(Debug, Clone)]
pub struct Place {
    /// The environment's name, which is also the gateway's stage.
    pub env: String,
    /// Its state, pids, logs and the gateway's config: `<project>/.admin-queries/<env>/`.
    pub state_dir: PathBuf,
    /// Its outputs files: `<project>/outputs/<env>/`.
    pub outputs_dir: PathBuf,
}

/// How to build the function and the gateway: the workspace's cargo.
#[derive(Debug, Clone)]
pub struct Build {
    /// The cargo to run.
    pub cargo: OsString,
    /// The workspace root, where cargo runs.
    pub workspace: PathBuf,
    /// The target directory cargo builds into.
    pub target_dir: PathBuf,
}

/// How `deploy` runs the local environment.
#[derive(Debug, Clone)]
pub struct DeployOptions {
    /// Where moto is installed (`<tools>/moto`).
    pub tools_dir: PathBuf,
    pub build: Build,
    /// How many function instances the gateway may run at once.
    pub instances: usize,
    /// Build `bootstrap` with the release profile, as it ships to Lambda, instead of the quick `local` profile.
    pub release: bool,
    /// With an adopted pool: create the groups the config names that it lacks (through the Cognito API).
    pub create_missing_groups: bool,
}

/// What `deploy` did, and where the environment answers.
#[derive(Debug, Clone)]
pub struct Deployed {
    /// The admin API: `http://127.0.0.1:<port>/<stage>`.
    pub endpoint: String,
    pub user_pool_id: String,
    pub client_id: String,
    pub region: String,
    /// moto's endpoint, which clients call for Cognito.
    pub cognito_endpoint: String,
    /// What changed, in words; empty when nothing did.
    pub changes: Vec<String>,
    /// The outputs files written.
    pub outputs: Vec<PathBuf>,
}

#[derive(Debug, thiserror::Error)]
pub enum EnvError {
    #[error(transparent)]
    Moto(#[from] MotoError),
    #[error(transparent)]
    Apply(#[from] ApplyError),
    /// A build failed; cargo has said why on its own output.
    #[error("`{command}` failed ({status})")]
    Build { command: String, status: String },
    #[error("the local gateway did not start: {reason}\nits log: {}", log.display())]
    Gateway { reason: String, log: PathBuf },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl EnvError {
    pub fn failure(&self) -> deploy::failure::Failure {
        use deploy::failure::Failure;
        match self {
            Self::Build { .. } => Failure::Failed,
            Self::Moto(_) => Failure::Tooling,
            Self::Io(_) => Failure::Io,
            Self::Apply(ApplyError::Adopt(e)) => e.failure(),
            Self::Apply(_) | Self::Gateway { .. } => Failure::Remote,
        }
    }
}

impl EnvError {
    /// What to do about it, in one line.
    pub fn help(&self) -> String {
        match self {
            Self::Moto(_) => "install Python 3 with venv, check that PyPI is reachable, then deploy again".into(),
            Self::Apply(ApplyError::Adopt(e)) => e.help(),
            Self::Apply(_) => "run `cargo xtask teardown`, then deploy again".into(),
            Self::Build { .. } => "fix what cargo reported above, then deploy again".into(),
            Self::Gateway { log, .. } => format!("read {}, then deploy again", log.display()),
            Self::Io(_) => "check the permissions and free space of the project directory".into(),
        }
    }
}

pub async fn deploy(
    place: &Place,
    config: &Config,
    options: &DeployOptions,
    report: &mut dyn Reporter,
) -> Result<Deployed, EnvError> {
    let dir = &place.state_dir;
    let mut state = LocalState::load(dir).unwrap_or_default();
    state.region = LOCAL_REGION.to_owned();
    std::fs::create_dir_all(dir)?;
    let mut changes = Vec::new();

    // 1. moto.
    let moto = match state.moto.clone().filter(|m| processes::is_alive(m.pid) && answers(m.port)) {
        Some(moto) => moto,
        None => {
            let install = MotoInstall::new(&options.tools_dir);
            install.ensure(&mut |line| report.step(line))?;
            let (pid, port) = install.start_detached(&dir.join("moto.log"))?;
            changes.push(format!("started moto on 127.0.0.1:{port} (pid {pid})"));
            state::Process { pid, port }
        }
    };
    state.moto = Some(moto.clone());
    state.save(dir)?;

    // 2. The user pool, its groups, the app client.
    let env = &place.env;
    // The local environment has no stack: its names are the pool's, the client's, the function's.
    let names = config.names(env, &deploy::config::Environment::default());
    let spec = PoolSpec {
        name: names.user_pool,
        username_attributes: config.user_pool.username_attributes.iter().map(|a| a.cognito_name().to_owned()).collect(),
        groups: config
            .effective_groups()
            .into_iter()
            .map(|g| GroupSpec { name: g.name, precedence: g.precedence, description: g.description })
            .collect(),
        client_name: names.app_client,
        self_sign_up: config.user_pool.self_sign_up,
        mfa: config.user_pool.mfa.cognito_name().to_owned(),
        token_validity_minutes: {
            let v = &config.user_pool.token_validity;
            [v.access, v.id, v.refresh].map(|d| i32::try_from(d.minutes).unwrap_or(i32::MAX))
        },
    };
    let cognito = local_client(&moto.endpoint());
    let pool = if config.user_pool.existing.is_some() {
        crate::cognito::adopt(&cognito, &moto.endpoint(), config, &spec, options.create_missing_groups).await?
    } else {
        crate::cognito::apply(&cognito, &moto.endpoint(), &spec).await?
    };
    changes.extend(pool.changes.iter().cloned());
    state.user_pool_id = Some(pool.pool_id.clone());
    state.client_id = Some(pool.client_id.clone());
    state.save(dir)?;

    // 3. The function and the gateway, built for this machine.
    let binary = build_bootstrap(&options.build, if options.release { "release" } else { "local" }, report)?;
    let gateway_binary = build_gateway(&options.build, report)?;

    // 4. The gateway, restarted only when what it runs changed.
    // Keep the port (and so the URL in the outputs files) unless something else took it.
    let port = match state.gateway.as_ref().map(|g| g.port) {
        Some(port) if gateway_alive(&state) || !answers(port) => port,
        _ => free_port()?,
    };
    let gateway = gateway_config(place, config, &moto.endpoint(), &pool, binary.clone(), port, options.instances);
    let fingerprint = fingerprint(&gateway, &[&binary, &gateway_binary])?;
    let unchanged = state.gateway.as_ref().is_some_and(|g| g.fingerprint == fingerprint) && gateway_alive(&state);
    let gateway = if unchanged {
        state.gateway.clone()
    } else {
        if let Some(old) = state.gateway.take() {
            processes::terminate_group(old.pid, Duration::from_secs(5));
        }
        let pid = start_gateway(dir, &gateway, &gateway_binary)?;
        changes.push(format!("started the local gateway on 127.0.0.1:{port} (pid {pid})"));
        state.gateway = Some(state::Gateway { pid, port, stage: env.clone(), fingerprint });
        state.save(dir)?;
        state.gateway.clone()
    };
    let endpoint = gateway.as_ref().map(state::Gateway::url).unwrap_or_default();

    // 5. The outputs files.
    let outputs = local_outputs(config, &pool.pool_id, &pool.client_id, &endpoint, &moto.endpoint());
    let outputs = outputs.write(&place.outputs_dir)?;
    Ok(Deployed {
        endpoint,
        user_pool_id: pool.pool_id,
        client_id: pool.client_id,
        region: LOCAL_REGION.to_owned(),
        cognito_endpoint: moto.endpoint(),
        changes,
        outputs,
    })
}

/// What the local environment's outputs files say: its pool and client, the gateway's URL (`endpoint`) and moto's.
pub fn local_outputs(config: &Config, user_pool_id: &str, client_id: &str, endpoint: &str, moto: &str) -> Outputs {
    Outputs {
        region: LOCAL_REGION.to_owned(),
        user_pool_id: user_pool_id.to_owned(),
        client_id: client_id.to_owned(),
        endpoint: endpoint.to_owned(),
        cognito_endpoint: Some(moto.to_owned()),
        token: config.admin_api.token,
        username_attributes: config.user_pool.username_attributes.clone(),
        groups: config.effective_groups().into_iter().map(|g| (g.name, g.precedence)).collect(),
    }
}

/// Writes the outputs files of the deployed local environment again, from its state (the pool, the client, the
/// gateway's and moto's ports) and `config`, as `deploy` does at its end, deploying and starting nothing. Returns
/// the files written; `None` when the environment is not deployed.
pub fn rewrite_outputs(place: &Place, config: &Config) -> Result<Option<Vec<PathBuf>>, EnvError> {
    let Some(state) = LocalState::load(&place.state_dir) else { return Ok(None) };
    let (Some(pool), Some(client), Some(gateway), Some(moto)) =
        (&state.user_pool_id, &state.client_id, &state.gateway, &state.moto)
    else {
        return Ok(None);
    };
    let outputs = local_outputs(config, pool, client, &gateway.url(), &moto.endpoint());
    Ok(Some(outputs.write(&place.outputs_dir)?))
}

fn gateway_alive(state: &LocalState) -> bool {
    state.gateway.as_ref().is_some_and(|g| processes::is_alive(g.pid) && answers(g.port))
}

/// Runs `cargo build --quiet -p <package> --bin <bin> --profile <profile>` in the workspace; returns the binary.
fn cargo_build(build: &Build, package: &str, bin: &str, profile: &str) -> Result<PathBuf, EnvError> {
    let mut command = Command::new(&build.cargo);
    command.current_dir(&build.workspace);
    command.args(["build", "--quiet", "-p", package, "--bin", bin, "--profile", profile]);
    let status = command.status()?;
    if !status.success() {
        let mut rendered = build.cargo.to_string_lossy().into_owned();
        for arg in command.get_args() {
            rendered.push(' ');
            rendered.push_str(&arg.to_string_lossy());
        }
        return Err(EnvError::Build { command: rendered, status: status.to_string() });
    }
    Ok(build.target_dir.join(profile).join(bin))
}

/// Builds `bootstrap` for this machine, with the Lambda crate alone (`-p`) and its own profile (`local`, so that it
/// never competes with the workspace's test build for `target/debug`, or `release`).
fn build_bootstrap(build: &Build, profile: &str, report: &mut dyn Reporter) -> Result<PathBuf, EnvError> {
    report.step(&format!("Building bootstrap for this machine (cargo build -p admin-api --profile {profile}) ..."));
    cargo_build(build, "admin-api", "bootstrap", profile)
}

/// Builds the local gateway's binary (`local-gateway`), always with the `local` profile, which optimises its
/// per-request path (see the root `Cargo.toml`).
fn build_gateway(build: &Build, report: &mut dyn Reporter) -> Result<PathBuf, EnvError> {
    report.step("Building the local gateway (cargo build -p local-gateway --profile local) ...");
    cargo_build(build, "local-gateway", "local-gateway", "local")
}

fn gateway_config(
    place: &Place,
    config: &Config,
    moto: &str,
    pool: &AppliedPool,
    binary: PathBuf,
    port: u16,
    instances: usize,
) -> GatewayConfig {
    let env = &place.env;
    let names = config.names(env, &deploy::config::Environment::default());
    GatewayConfig {
        port,
        stage: env.clone(),
        api_id: names.local_api_id,
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
            env: config
                .function_env()
                .with_pool(&pool.pool_id)
                .into_iter()
                .chain([
                    ("AWS_ENDPOINT_URL".to_owned(), moto.to_owned()),
                    ("AWS_ACCESS_KEY_ID".to_owned(), "local".to_owned()),
                    ("AWS_SECRET_ACCESS_KEY".to_owned(), "local".to_owned()),
                ])
                .collect(),
            function_name: names.function,
            memory_mb: config.lambda.memory_mb,
            timeout: Duration::from_secs(u64::from(config.lambda.timeout_s)),
            region: LOCAL_REGION.to_owned(),
            log_file: Some(place.state_dir.join("function.log")),
        },
        instances,
    }
}

/// What the gateway runs: its config and the size and time of its binaries (the function's and its own).
fn fingerprint(gateway: &GatewayConfig, binaries: &[&PathBuf]) -> Result<String, EnvError> {
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
fn start_gateway(dir: &Path, gateway: &GatewayConfig, binary: &Path) -> Result<u32, EnvError> {
    let config_path = dir.join("gateway.json");
    std::fs::write(&config_path, serde_json::to_string_pretty(gateway).map_err(std::io::Error::other)?)?;
    let log = dir.join("gateway.log");
    let pid = processes::spawn_detached(Command::new(binary).arg("--config").arg(&config_path), &log)?;
    let deadline = std::time::Instant::now() + Duration::from_secs(30);
    while std::time::Instant::now() < deadline {
        if !processes::is_alive(pid) {
            return Err(EnvError::Gateway { reason: "it exited".into(), log });
        }
        if answers(gateway.port) {
            return Ok(pid);
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    processes::terminate_group(pid, Duration::from_secs(2));
    Err(EnvError::Gateway { reason: "it did not answer within 30 s".into(), log })
}

/// Stops what the local environment runs and removes its state and outputs. Returns what it stopped, in words.
pub fn teardown(place: &Place) -> Result<Vec<String>, EnvError> {
    let mut stopped = Vec::new();
    if let Some(state) = LocalState::load(&place.state_dir) {
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
    for dir in [&place.state_dir, &place.outputs_dir] {
        if dir.exists() {
            std::fs::remove_dir_all(dir)?;
            stopped.push(format!("removed {}", dir.display()));
        }
    }
    Ok(stopped)
}

/// What runs for a deployed local environment.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    pub state: LocalState,
    /// moto is alive and answers.
    pub moto_running: bool,
    /// The gateway is alive and answers.
    pub gateway_running: bool,
}

/// The environment's state and whether what it started still runs; `None` when it is not deployed.
pub fn status(place: &Place) -> Option<Status> {
    let state = LocalState::load(&place.state_dir)?;
    let moto_running = state.moto.as_ref().is_some_and(|m| processes::is_alive(m.pid) && answers(m.port));
    Some(Status { moto_running, gateway_running: gateway_alive(&state), state })
}
