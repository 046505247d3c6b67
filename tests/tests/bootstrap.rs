//! The real `bootstrap` binary, run as Lambda runs it: through the Runtime API, with the function's environment,
//! answering API Gateway REST proxy events with Cognito on moto.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use e2e::{cognito, pool_with_bob, temp_dir, workspace_binary};
use local_gateway::runtime_api::{FunctionPool, FunctionSpec, InvokeError};
use serde_json::{Value, json};
use test_support::bootstrap_on_moto;

const SAMPLE_TOKEN: &str = "eyJraWQiOiJLTzRVMWZs.eyJzdWIiOiI3YzQ.SIGNATURE-OF-A-REAL-TOKEN";

fn spec(pool_id: &str, log: &std::path::Path) -> FunctionSpec {
    FunctionSpec {
        function_name: "admin-queries-e2e".into(),
        log_file: Some(log.to_owned()),
        ..bootstrap_on_moto(workspace_binary("bootstrap"), pool_id)
    }
}

/// The sample event for `GET /dev/listUsers`, from a caller in `groups`.
fn list_users_event(groups: &str) -> Value {
    test_support::sample_event_for(groups)
}

#[tokio::test]
async fn bootstrap_serves_rest_events_through_the_runtime_api() {
    let cognito = cognito();
    let pool_id = pool_with_bob(&cognito).await;
    let dir = temp_dir("bootstrap");
    let log = dir.join("function.log");
    let function = FunctionPool::new(spec(&pool_id, &log), 1);

    let response = function.invoke(&list_users_event("Admins")).await.unwrap();
    assert_eq!(response["statusCode"], 200, "{response}");
    let body: Value = serde_json::from_str(response["body"].as_str().unwrap()).unwrap();
    assert_eq!(body["Users"][0]["Username"], "bob", "{body}");
    let headers = &response["multiValueHeaders"];
    assert_eq!(headers["access-control-allow-origin"], json!(["*"]), "{response}");
    assert_eq!(headers["content-type"], json!(["application/json"]), "{response}");

    // The same instance answers the next one: a caller outside the group.
    let pid = function.pids().await;
    let response = function.invoke(&list_users_event("Editors")).await.unwrap();
    assert_eq!(response["statusCode"], 403, "{response}");
    assert_eq!(function.pids().await, pid, "one warm instance serves both");

    drop(function);
    let logged = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<Value> = logged.lines().filter_map(|l| serde_json::from_str(l).ok()).collect();
    let statuses: Vec<&Value> = lines.iter().filter(|l| l["message"] == "request").map(|l| &l["status"]).collect();
    assert_eq!(statuses, vec![&json!(200), &json!(403)], "{logged}");
    assert!(!logged.contains(SAMPLE_TOKEN), "the function logged the token: {logged}");
    assert!(!logged.contains("SIGNATURE-OF-A-REAL-TOKEN"), "the function logged part of the token: {logged}");
}

#[tokio::test]
async fn bad_configuration_fails_at_init_not_per_request() {
    let dir = temp_dir("bootstrap-init");
    let log = dir.join("function.log");
    let function = FunctionPool::new(spec("not a pool id", &log), 1);
    let err = function.invoke(&list_users_event("Admins")).await.unwrap_err();
    assert!(matches!(err, InvokeError::Crashed(_)), "{err}");
    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(logged.contains("USERPOOL is `not a pool id`"), "the init error says what is wrong: {logged}");
}

#[tokio::test]
async fn a_killed_instance_is_replaced() {
    let cognito = cognito();
    let pool_id = pool_with_bob(&cognito).await;
    let log = temp_dir("bootstrap-kill").join("function.log");
    let function = FunctionPool::new(spec(&pool_id, &log), 1);
    function.warm_up().await.unwrap();
    let pid = function.pids().await[0];
    std::process::Command::new("kill").arg("-9").arg(pid.to_string()).status().unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;

    let err = function.invoke(&list_users_event("Admins")).await.unwrap_err();
    assert!(matches!(err, InvokeError::Crashed(_)), "{err}");
    let response = function.invoke(&list_users_event("Admins")).await.unwrap();
    assert_eq!(response["statusCode"], 200, "a new instance took its place: {response}");
    assert_ne!(function.pids().await, vec![pid]);
}
