//! `cargo xtask smoke`: a deployed environment answers every route as the contract says. It creates a temporary
//! admin and a temporary target user, calls every route through the real endpoint with a real token, removes both
//! users whatever happened, and fails on any mismatch. For CI, against AWS or `local`.

use std::time::Duration;

use local_gateway::client::{HttpClient, Request};
use serde_json::{Value, json};

use crate::Common;
use crate::error::Error;
use crate::project::{self, progress};
use crate::target::resolve;

/// One call and what it must answer.
struct Check {
    method: &'static str,
    path: String,
    body: Option<Value>,
    status: &'static [u16],
    /// A JSON pointer and the value it must hold.
    expect: Option<(&'static str, Value)>,
}

fn check(
    method: &'static str,
    path: String,
    body: Option<Value>,
    status: &'static [u16],
    expect: Option<(&'static str, Value)>,
) -> Check {
    Check { method, path, body, status, expect }
}

/// The endpoint of a deployed environment, from its outputs file.
fn endpoint(env: &str) -> Result<String, Error> {
    let path = project::outputs_dir(env).join("amplifyconfiguration.json");
    let text = std::fs::read_to_string(&path).map_err(|_| Error::NotDeployed { env: env.to_owned() })?;
    let config: Value = serde_json::from_str(&text).map_err(|e| Error::Usage(format!("{}: {e}", path.display())))?;
    config["aws_cloud_logic_custom"][0]["endpoint"]
        .as_str()
        .map(str::to_owned)
        .ok_or(Error::NotDeployed { env: env.to_owned() })
}

/// An HTTP(S) client for calling an environment's endpoint.
pub fn client() -> Result<HttpClient, Error> {
    HttpClient::new().map_err(|e| Error::Usage(e.to_string()))
}

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

pub async fn run(common: &Common) -> Result<(), Error> {
    let env = &common.env;
    let (config, _) = project::load(env)?;
    let target = resolve(env).await?;
    let base = match env.as_str() {
        deploy::config::LOCAL => crate::state::LocalState::load(env)
            .and_then(|s| s.gateway.map(|g| g.url()))
            .ok_or(Error::NotDeployed { env: env.clone() })?,
        _ => endpoint(env)?,
    };
    let suffix = crate::user::generate_password()?
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .take(8)
        .collect::<String>()
        .to_lowercase();
    // Names the pool accepts: an email address where users sign in with one.
    let email = config.user_pool.username_attributes.contains(&deploy::config::UsernameAttribute::Email);
    let name = |role: &str| {
        if email { format!("smoke-{role}-{suffix}@example.invalid") } else { format!("smoke-{role}-{suffix}") }
    };
    let (admin_login, subject_login) = (name("admin"), name("user"));
    let password = crate::user::generate_password()?;
    let admin_groups: Vec<String> = config.admin_api.restrict_to_group.iter().cloned().collect();
    let group = config.effective_groups().first().map(|g| g.name.clone()).unwrap_or_else(|| "Admins".into());

    progress(&format!("Smoke test of `{env}` at {base}, as the temporary user {admin_login}"));
    let mut created = Vec::new();
    let outcome = async {
        let admin = crate::user::create_confirmed(&target, &admin_login, &password, &admin_groups, Vec::new()).await?;
        created.push(admin.clone());
        let subject = crate::user::create_confirmed(&target, &subject_login, &password, &[], Vec::new()).await?;
        created.push(subject.clone());
        let auth = target
            .cognito
            .initiate_auth()
            .client_id(&target.client_id)
            .auth_flow(aws_sdk_cognitoidentityprovider::types::AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", &admin_login)
            .auth_parameters("PASSWORD", &password)
            .send()
            .await
            .map_err(|e| crate::error::cognito("signing the smoke-test user in", e))?;
        let tokens = auth.authentication_result().ok_or_else(|| Error::Aws("Cognito gave no tokens".into()))?;
        let token = match config.admin_api.token {
            deploy::config::TokenKind::Access => tokens.access_token(),
            deploy::config::TokenKind::Id => tokens.id_token(),
        }
        .unwrap_or_default()
        .to_owned();
        let s = &subject;
        let checks = vec![
            check("GET", "/listUsers?limit=60".into(), None, &[200], None),
            check("GET", "/listGroups".into(), None, &[200], None),
            check("GET", format!("/getUser?username={s}"), None, &[200], Some(("/Username", json!(s)))),
            check(
                "POST",
                "/addUserToGroup".into(),
                Some(json!({"username": s, "groupname": group})),
                &[200],
                Some(("/message", json!(format!("Success adding {s} to {group}")))),
            ),
            check("GET", format!("/listUsersInGroup?groupname={group}&limit=60"), None, &[200], None),
            check(
                "GET",
                format!("/listGroupsForUser?username={s}"),
                None,
                &[200],
                Some(("/Groups/0/GroupName", json!(group))),
            ),
            check(
                "POST",
                "/removeUserFromGroup".into(),
                Some(json!({"username": s, "groupname": group})),
                &[200],
                Some(("/message", json!(format!("Removed {s} from {group}")))),
            ),
            check(
                "POST",
                "/updateUserAttributes".into(),
                Some(json!({"username": s, "attributes": [{"Name": "name", "Value": "Smoke Test"}]})),
                &[200],
                None,
            ),
            check(
                "POST",
                "/disableUser".into(),
                Some(json!({"username": s})),
                &[200],
                Some(("/message", json!(format!("Disabled {s}")))),
            ),
            check(
                "POST",
                "/enableUser".into(),
                Some(json!({"username": s})),
                &[200],
                Some(("/message", json!(format!("Enabled {s}")))),
            ),
            // The user is already confirmed: Cognito refuses that with a 400 (some emulators accept it).
            check("POST", "/confirmUserSignUp".into(), Some(json!({"username": s})), &[200, 400], None),
            check(
                "GET",
                "/getUser?username=smoke-no-such-user".into(),
                None,
                &[400],
                Some(("/code", json!("UserNotFoundException"))),
            ),
            check("GET", "/noSuchRoute".into(), None, &[404], None),
            check(
                "POST",
                "/signUserOut".into(),
                Some(json!({"username": admin})),
                &[200],
                Some(("/message", json!(format!("Signed out {admin} from all devices")))),
            ),
        ];
        let client = client()?;
        let mut failures = Vec::new();
        for c in &checks {
            let result = call(&client, &base, &token, c).await;
            let verdict = match &result {
                Err(e) => Err(e.clone()),
                Ok((status, _)) if !c.status.contains(status) => {
                    Err(format!("status {status}, expected {:?}", c.status))
                }
                Ok((_, body)) => match &c.expect {
                    Some((pointer, want)) if body.pointer(pointer) != Some(want) => {
                        Err(format!("{pointer} is {:?}, expected {want}", body.pointer(pointer)))
                    }
                    _ => Ok(()),
                },
            };
            match verdict {
                Ok(()) => progress(&format!("ok    {} {}", c.method, c.path)),
                Err(why) => {
                    progress(&format!("FAIL  {} {}: {why}", c.method, c.path));
                    failures.push(format!("{} {}: {why}", c.method, c.path));
                }
            }
        }
        Ok::<_, Error>((checks.len(), failures))
    }
    .await;

    // Whatever happened, the temporary users go.
    for user in &created {
        let _ = target.cognito.admin_delete_user().user_pool_id(&target.user_pool_id).username(user).send().await;
    }
    progress(&format!("Removed the temporary users {admin_login} and {subject_login}"));
    let (total, failures) = outcome?;
    if common.json {
        println!("{}", json!({ "environment": env, "checks": total, "failures": failures }));
    }
    if failures.is_empty() {
        progress(&format!("{total} passed, 0 failed"));
        Ok(())
    } else {
        Err(Error::SmokeFailed(format!(
            "{} passed, {} failed:\n  {}",
            total - failures.len(),
            failures.len(),
            failures.join("\n  ")
        )))
    }
}
