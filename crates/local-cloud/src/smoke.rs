//! A smoke run of a deployed environment, local or AWS: a temporary admin (in every group the access rules name)
//! and a temporary target user, the plan `deploy::smoke::plan` builds from the enabled actions (a disabled action
//! must answer 404), called through the real endpoint with a real token; whatever it made is removed whatever
//! happened.

use std::time::Duration;

use deploy::config::{Config, TokenKind, UsernameAttribute};
use deploy::report::Reporter;
use deploy::smoke::{self, Check};
use local_gateway::client::{HttpClient, Request};
use serde_json::Value;

use crate::target::Target;
use crate::users::{self, UserError};

/// What a smoke run found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// How many calls were made.
    pub checks: usize,
    /// `METHOD /path: why` of each call that did not answer as the contract says.
    pub failures: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum SmokeError {
    /// Creating the temporary users or signing in.
    #[error(transparent)]
    Users(#[from] UserError),
    #[error("no HTTP client: {message}")]
    Client { message: String },
}

impl SmokeError {
    pub fn failure(&self) -> deploy::failure::Failure {
        match self {
            Self::Users(e) => e.failure(),
            Self::Client { .. } => deploy::failure::Failure::Remote,
        }
    }

    /// What to do about it, in one line.
    pub fn help(&self) -> String {
        match self {
            Self::Users(e) => e.help().to_owned(),
            Self::Client { .. } => "check this machine's TLS roots and proxy settings".into(),
        }
    }
}

/// Runs the smoke plan against `endpoint` (the API's base URL, with its stage).
pub async fn run(
    config: &Config,
    target: &Target,
    endpoint: &str,
    report: &mut dyn Reporter,
) -> Result<Outcome, SmokeError> {
    let suffix: String = users::generate_password()
        .map_err(UserError::Io)?
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect::<String>();
    let suffix = suffix.to_lowercase();
    // Names the pool accepts: an email address where users sign in with one.
    let email = config.user_pool.username_attributes.contains(&UsernameAttribute::Email);
    let name = |role: &str| {
        if email { format!("smoke-{role}-{suffix}@example.invalid") } else { format!("smoke-{role}-{suffix}") }
    };
    let (admin_login, subject_login) = (name("admin"), name("user"));
    let password = users::generate_password().map_err(UserError::Io)?;
    let new_group = format!("smoke-{suffix}");
    let (cognito, pool) = (&target.cognito, target.user_pool_id.as_str());

    report.step(&format!("Smoke test at {endpoint}, as the temporary user {admin_login}"));
    let mut created = Vec::new();
    let mut made = None;
    let outcome = async {
        // Every group the API names, so that each enabled action is the temporary administrator's to call.
        let groups = config.administering_groups();
        let admin = users::create_confirmed(cognito, pool, &admin_login, &password, &groups, vec![]).await?;
        created.push(admin.clone());
        let subject = users::create_confirmed(cognito, pool, &subject_login, &password, &[], vec![]).await?;
        created.push(subject.clone());
        let tokens = users::sign_in(cognito, &target.client_id, &admin_login, &password).await?;
        let token = match config.admin_api.token {
            TokenKind::Access => tokens.access_token,
            TokenKind::Id => tokens.id_token.ok_or(UserError::NoToken)?,
        };
        let names = smoke::Names { admin, subject, created: name("made"), new_group: new_group.clone(), password };
        made = Some(names.created.clone());
        let checks = smoke::plan(config, &names);
        let client = HttpClient::new().map_err(|e| SmokeError::Client { message: e.to_string() })?;
        let mut failures = Vec::new();
        for check in &checks {
            let verdict =
                call(&client, endpoint, &token, check).await.and_then(|(status, body)| judge(check, status, &body));
            match verdict {
                Ok(()) => report.line(&format!("ok    {} {}", check.method, check.path)),
                Err(why) => {
                    report.line(&format!("FAIL  {} {}: {why}", check.method, check.path));
                    failures.push(format!("{} {}: {why}", check.method, check.path));
                }
            }
        }
        Ok::<_, SmokeError>(Outcome { checks: checks.len(), failures })
    }
    .await;

    // Whatever happened, the temporary users and group go (createUser's user and createGroup's group too, when a
    // call failed before deleting them or the delete is disabled).
    for user in created.iter().chain(&made) {
        let _ = cognito.admin_delete_user().user_pool_id(pool).username(user).send().await;
    }
    let _ = cognito.delete_group().user_pool_id(pool).group_name(&new_group).send().await;
    report.step(&format!("Removed the temporary users {admin_login} and {subject_login}"));
    outcome
}

/// One call, with CORS headers required on every answer.
async fn call(client: &HttpClient, base: &str, token: &str, check: &Check) -> Result<(u16, Value), String> {
    let url = format!("{base}{}", check.path);
    let mut request = Request::new(check.method, &url)
        .header("authorization", token)
        .header("origin", "https://smoke.invalid")
        .timeout(Duration::from_secs(30));
    if let Some(body) = &check.body {
        request = request.header("content-type", "application/json").body(body.to_string());
    }
    let response = client.send(request).await.map_err(|e| e.to_string())?;
    let status = response.status;
    if !response.headers.contains_key("access-control-allow-origin") {
        return Err(format!("{status} without CORS headers"));
    }
    let bytes = response.body;
    let body = serde_json::from_slice(&bytes)
        .map_err(|e| format!("{status}, not JSON ({e}): {}", String::from_utf8_lossy(&bytes)))?;
    Ok((status, body))
}

/// Whether an answer is the one the check expects.
fn judge(check: &Check, status: u16, body: &Value) -> Result<(), String> {
    if !check.status.contains(&status) {
        return Err(format!("status {status}, expected {:?}", check.status));
    }
    match &check.expect {
        Some((pointer, want)) if body.pointer(pointer) != Some(want) => {
            Err(format!("{pointer} is {:?}, expected {want}", body.pointer(pointer)))
        }
        _ => Ok(()),
    }
}
