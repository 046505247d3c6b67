//! What the caller's live verification costs (`cargo bench -p admin-api --bench verify`, with MOTO_ENDPOINT set):
//! the same `listUsers` of one user by a real, signed-in administrator, through the router, with `VERIFY_CALLER`
//! off and always. `always` adds `GetUser` (with the caller's access token) and `AdminListGroupsForUser`, made at
//! the same time, before the action. Prints one JSON line per setting with the p50 and p99 in milliseconds and the
//! Cognito calls per request. The figures are moto's on loopback; on AWS each call is a Cognito round trip. Under
//! `cargo test` it runs a few iterations so that it cannot rot.
#![allow(clippy::unwrap_used, missing_docs)]

use std::time::{Duration, Instant};

use admin_api::{AppState, Config, router};
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ExplicitAuthFlowsType, MessageActionType};
use lambda_http::tower::ServiceExt;

const PASSWORD: &str = "Passw0rd!-long";

/// A pool with an administrator, signed in: the pool id and the event their `listUsers` request makes.
async fn setup(cognito: &Client) -> (String, serde_json::Value) {
    let pool = cognito.create_user_pool().pool_name("verify-bench").send().await.unwrap();
    let pool = pool.user_pool().unwrap().id().unwrap().to_owned();
    cognito.create_group().user_pool_id(&pool).group_name("Admins").send().await.unwrap();
    let create = cognito.admin_create_user().user_pool_id(&pool).username("admin");
    create.message_action(MessageActionType::Suppress).send().await.unwrap();
    let add = cognito.admin_add_user_to_group().user_pool_id(&pool).group_name("Admins");
    add.username("admin").send().await.unwrap();
    let set = cognito.admin_set_user_password().user_pool_id(&pool).username("admin");
    set.password(PASSWORD).permanent(true).send().await.unwrap();
    let client = cognito
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("bench")
        .explicit_auth_flows(ExplicitAuthFlowsType::AllowAdminUserPasswordAuth)
        .send()
        .await
        .unwrap();
    let client_id = client.user_pool_client().unwrap().client_id().unwrap().to_owned();
    let auth = cognito
        .admin_initiate_auth()
        .user_pool_id(&pool)
        .client_id(&client_id)
        .auth_flow(AuthFlowType::AdminUserPasswordAuth)
        .auth_parameters("USERNAME", "admin")
        .auth_parameters("PASSWORD", PASSWORD)
        .send()
        .await
        .unwrap();
    let token = auth.authentication_result().unwrap().access_token().unwrap().to_owned();
    let user = cognito.admin_get_user().user_pool_id(&pool).username("admin").send().await.unwrap();
    let sub = user.user_attributes().iter().find(|a| a.name() == "sub").unwrap().value().unwrap().to_owned();

    let mut event = test_support::sample_event();
    event["httpMethod"] = "GET".into();
    event["path"] = "/listUsers".into();
    event["queryStringParameters"] = serde_json::json!({"limit": "1"});
    event["multiValueQueryStringParameters"] = serde_json::json!({"limit": ["1"]});
    event["headers"]["Authorization"] = token.clone().into();
    event["multiValueHeaders"]["Authorization"] = serde_json::json!([token]);
    let claims = &mut event["requestContext"]["authorizer"]["claims"];
    claims["sub"] = sub.into();
    claims["username"] = "admin".into();
    claims["token_use"] = "access".into();
    claims["cognito:groups"] = "Admins".into();
    (pool, event)
}

fn main() {
    let benchmarking = std::env::args().any(|a| a == "--bench");
    let (warmup, iterations) = if benchmarking { (50, 500) } else { (2, 5) };
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let cognito = test_support::cognito();
        let (pool, event) = setup(&cognito).await;
        let mut p50 = Vec::new();
        for (verify, calls) in [("off", 1), ("always", 3)] {
            let config = Config::from_lookup(|name| match name {
                "USERPOOL" => Some(pool.clone()),
                "GROUP" => Some("Admins".to_owned()),
                "VERIFY_CALLER" => Some(verify.to_owned()),
                _ => None,
            })
            .unwrap();
            let app = router(AppState::new(config, cognito.clone()));
            let mut samples = Vec::with_capacity(iterations);
            for i in 0..warmup + iterations {
                let request = lambda_http::request::from_str(&event.to_string()).unwrap();
                let started = Instant::now();
                let response = app.clone().oneshot(request.map(axum::body::Body::new)).await.unwrap();
                let elapsed = started.elapsed();
                assert_eq!(response.status(), 200, "{verify}");
                if i >= warmup {
                    samples.push(elapsed);
                }
            }
            samples.sort();
            let at = |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize];
            let ms = |d: Duration| d.as_secs_f64() * 1e3;
            p50.push(ms(at(0.5)));
            println!(
                "{}",
                serde_json::json!({
                    "bench": format!("list_users_verify_{verify}"),
                    "iterations": iterations,
                    "cognito_calls": calls,
                    "p50_ms": ms(at(0.50)),
                    "p99_ms": ms(at(0.99)),
                })
            );
        }
        println!("{}", serde_json::json!({"bench": "verify_added_p50_ms", "value": p50[1] - p50[0]}));
    });
}
