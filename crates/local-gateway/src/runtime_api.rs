//! A Lambda Runtime API (`/2018-06-01/runtime/...`), so that the local environment runs the very `bootstrap`
//! binary that ships to Lambda. Each instance is one process with its own Runtime API endpoint, serving one
//! invocation at a time, as in Lambda. A pool keeps up to N instances; one that crashes or times out is killed
//! and a fresh one takes its place on the next invocation.

use std::collections::HashMap;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::net::TcpListener;
use tokio::process::{Child, Command};
use tokio::sync::{Semaphore, mpsc, oneshot};
use tokio::task::JoinHandle;

const PREFIX: &str = "/2018-06-01/runtime";

/// What to run, and how.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FunctionSpec {
    /// The `bootstrap` executable.
    pub binary: PathBuf,
    /// The function's environment (as the template sets it), on top of the variables Lambda itself sets.
    pub env: Vec<(String, String)>,
    pub function_name: String,
    pub memory_mb: u32,
    pub timeout: Duration,
    pub region: String,
    /// Where the function's stdout and stderr go (appended); `None` inherits this process's.
    pub log_file: Option<PathBuf>,
}

impl FunctionSpec {
    /// The environment Lambda gives a `provided.al2023` function, plus the function's own.
    fn environment(&self, runtime_api: &str) -> Vec<(String, String)> {
        let mut env = vec![
            ("AWS_LAMBDA_RUNTIME_API".to_owned(), runtime_api.to_owned()),
            ("AWS_LAMBDA_FUNCTION_NAME".to_owned(), self.function_name.clone()),
            ("AWS_LAMBDA_FUNCTION_MEMORY_SIZE".to_owned(), self.memory_mb.to_string()),
            ("AWS_LAMBDA_FUNCTION_VERSION".to_owned(), "$LATEST".to_owned()),
            ("AWS_LAMBDA_LOG_GROUP_NAME".to_owned(), format!("/aws/lambda/{}", self.function_name)),
            ("AWS_LAMBDA_LOG_STREAM_NAME".to_owned(), "local".to_owned()),
            ("AWS_REGION".to_owned(), self.region.clone()),
            ("AWS_DEFAULT_REGION".to_owned(), self.region.clone()),
            ("LAMBDA_TASK_ROOT".to_owned(), "/var/task".to_owned()),
            ("TZ".to_owned(), ":UTC".to_owned()),
        ];
        if let Ok(path) = std::env::var("PATH") {
            env.push(("PATH".to_owned(), path));
        }
        env.extend(self.env.iter().cloned());
        env
    }

    fn function_arn(&self) -> String {
        format!("arn:aws:lambda:{}:000000000000:function:{}", self.region, self.function_name)
    }
}

/// Why an invocation produced no response. API Gateway answers the first two with 502 and the third with 504.
#[derive(Debug, thiserror::Error)]
pub enum InvokeError {
    #[error("the function exited before responding ({0})")]
    Crashed(String),
    #[error("the function reported an error: {0}")]
    FunctionError(String),
    #[error("the function did not respond within {0:?}")]
    TimedOut(Duration),
    #[error("could not start the function: {0}")]
    Start(std::io::Error),
}

enum Outcome {
    Response(Bytes),
    Error(Bytes),
}

struct Invocation {
    id: String,
    event: Vec<u8>,
    deadline_ms: u128,
    reply: oneshot::Sender<Outcome>,
}

struct Shared {
    queue: tokio::sync::Mutex<mpsc::Receiver<Invocation>>,
    pending: Mutex<HashMap<String, oneshot::Sender<Outcome>>>,
    init_error: Mutex<Option<String>>,
    function_arn: String,
}

/// One running function process with its own Runtime API endpoint.
#[derive(Debug)]
pub struct Instance {
    child: Child,
    server: JoinHandle<()>,
    queue: mpsc::Sender<Invocation>,
    shared: Arc<SharedHandle>,
    timeout: Duration,
}

/// Keeps `Shared` out of `Debug`.
struct SharedHandle(Arc<Shared>);

impl std::fmt::Debug for SharedHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Shared")
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
        self.server.abort();
    }
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

fn request_id() -> String {
    let n = NEXT_ID.fetch_add(1, Ordering::Relaxed);
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("{:08x}-{:04x}-4000-8000-{:012x}", nanos, std::process::id() & 0xffff, n)
}

fn now_ms() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis()).unwrap_or(0)
}

impl Instance {
    /// Starts the Runtime API endpoint and the function process.
    pub async fn start(spec: &FunctionSpec) -> Result<Self, InvokeError> {
        let listener = TcpListener::bind(("127.0.0.1", 0)).await.map_err(InvokeError::Start)?;
        let addr = listener.local_addr().map_err(InvokeError::Start)?;
        let (queue, receiver) = mpsc::channel(1);
        let shared = Arc::new(Shared {
            queue: tokio::sync::Mutex::new(receiver),
            pending: Mutex::new(HashMap::new()),
            init_error: Mutex::new(None),
            function_arn: spec.function_arn(),
        });
        let app = routes(shared.clone());
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        let (stdout, stderr) = match &spec.log_file {
            Some(path) => {
                let file =
                    std::fs::OpenOptions::new().create(true).append(true).open(path).map_err(InvokeError::Start)?;
                (Stdio::from(file.try_clone().map_err(InvokeError::Start)?), Stdio::from(file))
            }
            None => (Stdio::inherit(), Stdio::inherit()),
        };
        let child = Command::new(&spec.binary)
            .env_clear()
            .envs(spec.environment(&addr.to_string()))
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .kill_on_drop(true)
            .spawn()
            .map_err(InvokeError::Start)?;
        Ok(Self { child, server, queue, shared: Arc::new(SharedHandle(shared)), timeout: spec.timeout })
    }

    /// The process id of the function.
    pub fn pid(&self) -> Option<u32> {
        self.child.id()
    }

    /// Sends one event and waits for the function's response, its death, or the time-out.
    pub async fn invoke(&mut self, event: &Value) -> Result<Value, InvokeError> {
        let (reply, outcome) = oneshot::channel();
        let invocation = Invocation {
            id: request_id(),
            event: serde_json::to_vec(event).unwrap_or_default(),
            deadline_ms: now_ms() + self.timeout.as_millis(),
            reply,
        };
        if self.queue.send(invocation).await.is_err() {
            return Err(InvokeError::Crashed("its Runtime API endpoint is gone".to_owned()));
        }
        let timeout = self.timeout;
        tokio::select! {
            outcome = outcome => match outcome {
                Ok(Outcome::Response(body)) => serde_json::from_slice(&body)
                    .map_err(|e| InvokeError::FunctionError(format!("the response is not JSON: {e}"))),
                Ok(Outcome::Error(body)) => Err(InvokeError::FunctionError(String::from_utf8_lossy(&body).into_owned())),
                Err(_) => Err(InvokeError::Crashed("the invocation was dropped".to_owned())),
            },
            status = self.child.wait() => {
                let init = self.shared.0.init_error.lock().map(|e| e.clone()).unwrap_or_default();
                let status = status.map(|s| s.to_string()).unwrap_or_else(|e| e.to_string());
                Err(InvokeError::Crashed(match init {
                    Some(init) => format!("{status}; init error: {init}"),
                    None => status,
                }))
            }
            () = tokio::time::sleep(timeout) => Err(InvokeError::TimedOut(timeout)),
        }
    }
}

fn routes(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(&format!("{PREFIX}/invocation/next"), get(next))
        .route(&format!("{PREFIX}/invocation/{{id}}/response"), post(respond))
        .route(&format!("{PREFIX}/invocation/{{id}}/error"), post(fail))
        .route(&format!("{PREFIX}/init/error"), post(init_error))
        .with_state(shared)
}

async fn next(State(shared): State<Arc<Shared>>) -> Response {
    let Some(invocation) = shared.queue.lock().await.recv().await else {
        return StatusCode::GONE.into_response();
    };
    if let Ok(mut pending) = shared.pending.lock() {
        pending.insert(invocation.id.clone(), invocation.reply);
    }
    let mut headers = HeaderMap::new();
    let mut set = |name: &'static str, value: String| {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.insert(name, value);
        }
    };
    set("lambda-runtime-aws-request-id", invocation.id);
    set("lambda-runtime-deadline-ms", invocation.deadline_ms.to_string());
    set("lambda-runtime-invoked-function-arn", shared.function_arn.clone());
    set("lambda-runtime-trace-id", format!("Root=1-{:08x}-000000000000000000000000;Sampled=0", now_ms() / 1000));
    set("content-type", "application/json".to_owned());
    (StatusCode::OK, headers, invocation.event).into_response()
}

fn finish(shared: &Shared, id: &str, outcome: Outcome) -> StatusCode {
    let reply = shared.pending.lock().ok().and_then(|mut pending| pending.remove(id));
    match reply {
        Some(reply) => {
            let _ = reply.send(outcome);
            StatusCode::ACCEPTED
        }
        None => StatusCode::BAD_REQUEST,
    }
}

async fn respond(State(shared): State<Arc<Shared>>, Path(id): Path<String>, body: Bytes) -> StatusCode {
    finish(&shared, &id, Outcome::Response(body))
}

async fn fail(State(shared): State<Arc<Shared>>, Path(id): Path<String>, body: Bytes) -> StatusCode {
    finish(&shared, &id, Outcome::Error(body))
}

async fn init_error(State(shared): State<Arc<Shared>>, body: Bytes) -> StatusCode {
    if let Ok(mut init) = shared.init_error.lock() {
        *init = Some(String::from_utf8_lossy(&body).into_owned());
    }
    StatusCode::ACCEPTED
}

/// Up to `size` instances of one function. An invocation takes an idle instance or starts one; an instance that
/// crashed or timed out is dropped (killed) and replaced on demand.
#[derive(Debug)]
pub struct FunctionPool {
    spec: FunctionSpec,
    idle: tokio::sync::Mutex<Vec<Instance>>,
    slots: Semaphore,
}

impl FunctionPool {
    pub fn new(spec: FunctionSpec, size: usize) -> Self {
        Self { spec, idle: tokio::sync::Mutex::new(Vec::new()), slots: Semaphore::new(size.max(1)) }
    }

    /// Starts one instance ahead of the first request, so that a broken binary shows at start-up.
    pub async fn warm_up(&self) -> Result<(), InvokeError> {
        let instance = Instance::start(&self.spec).await?;
        self.idle.lock().await.push(instance);
        Ok(())
    }

    pub async fn invoke(&self, event: &Value) -> Result<Value, InvokeError> {
        let _slot = self.slots.acquire().await.map_err(|_| InvokeError::Crashed("the pool is closed".to_owned()))?;
        let instance = self.idle.lock().await.pop();
        let mut instance = match instance {
            Some(instance) => instance,
            None => Instance::start(&self.spec).await?,
        };
        let result = instance.invoke(event).await;
        match &result {
            Ok(_) | Err(InvokeError::FunctionError(_)) => self.idle.lock().await.push(instance),
            Err(_) => drop(instance),
        }
        result
    }

    /// The process ids of the idle instances.
    pub async fn pids(&self) -> Vec<u32> {
        self.idle.lock().await.iter().filter_map(Instance::pid).collect()
    }
}
