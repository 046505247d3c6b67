//! `cargo xtask smoke`: a deployed environment answers every route as the contract says. It creates a temporary
//! admin (in every group the access rules name) and a temporary target user, runs the plan that
//! `deploy::smoke::plan` builds from the enabled actions (a disabled action must answer 404) through the real
//! endpoint with a real token, removes what it made whatever happened, and fails on any mismatch. For CI, against
//! AWS or `local`.

use std::time::Duration;

use deploy::smoke::{self, Check};
use local_gateway::client::{HttpClient, Request};
use serde_json::{Value, json};

use crate::cli::Common;
use crate::error::Error;
use crate::project::{self, progress};
use local_cloud::users;

/// The endpoint of a deployed environment, from its outputs file.
fn endpoint(env: &str) -> Result<String, Error> {
    let path = project::outputs_dir(env).join("amplifyconfiguration.json");
    let text = std::fs::read_to_string(&path).map_err(|_| Error::NotDeployed { env: env.to_owned() })?;
    let config: Value = serde_json::from_str(&text).map_err(|e| Error::usage(format!("{}: {e}", path.display())))?;
    config["aws_cloud_logic_custom"][0]["endpoint"]
        .as_str()
        .map(str::to_owned)
        .ok_or(Error::NotDeployed { env: env.to_owned() })
}

/// An HTTP(S) client for calling an environment's endpoint.
pub fn client() -> Result<HttpClient, Error> {
    HttpClient::new().map_err(|e| Error::usage(e.to_string()))
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
    let target = local_cloud::target::resolve(&project::place(env)).await?;
    let base = match env.as_str() {
        deploy::config::LOCAL => local_cloud::state::LocalState::load(&project::env_dir(env))
            .and_then(|s| s.gateway.map(|g| g.url()))
            .ok_or(Error::NotDeployed { env: env.clone() })?,
        _ => endpoint(env)?,
    };
    let suffix = users::generate_password()?
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
    let password = users::generate_password()?;
    let admin_groups = smoke::admin_groups(&config);
    let new_group = format!("smoke-{suffix}");

    progress(&format!("Smoke test of `{env}` at {base}, as the temporary user {admin_login}"));
    let mut created = Vec::new();
    let mut made = None;
    let outcome = async {
        let admin = users::create_confirmed(
            &target.cognito,
            &target.user_pool_id,
            &admin_login,
            &password,
            &admin_groups,
            vec![],
        )
        .await?;
        created.push(admin.clone());
        let subject =
            users::create_confirmed(&target.cognito, &target.user_pool_id, &subject_login, &password, &[], vec![])
                .await?;
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
        let tokens = auth.authentication_result().ok_or_else(|| Error::aws("Cognito gave no tokens"))?;
        let token = match config.admin_api.token {
            deploy::config::TokenKind::Access => tokens.access_token(),
            deploy::config::TokenKind::Id => tokens.id_token(),
        }
        .unwrap_or_default()
        .to_owned();
        let names = smoke::Names {
            admin: admin.clone(),
            subject: subject.clone(),
            created: name("made"),
            new_group: new_group.clone(),
            password: password.clone(),
        };
        made = Some(names.created.clone());
        let checks = smoke::plan(&config, &names);
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

    // Whatever happened, the temporary users and group go (createUser's user and createGroup's group too, when a
    // call failed before deleting them or the delete is disabled).
    for user in created.iter().chain(&made) {
        let _ = target.cognito.admin_delete_user().user_pool_id(&target.user_pool_id).username(user).send().await;
    }
    let _ = target.cognito.delete_group().user_pool_id(&target.user_pool_id).group_name(&new_group).send().await;
    progress(&format!("Removed the temporary users {admin_login} and {subject_login}"));
    let (total, failures) = outcome?;
    if common.json {
        println!("{}", json!({ "environment": env, "checks": total, "failures": failures }));
    }
    if failures.is_empty() {
        progress(&format!("{total} passed, 0 failed"));
        Ok(())
    } else {
        Err(Error::SmokeFailed {
            report: format!(
                "{} passed, {} failed:\n  {}",
                total - failures.len(),
                failures.len(),
                failures.join("\n  ")
            ),
        })
    }
}
