//! The local environment's deploy, teardown and status, without the command line: moto installed from the tools
//! directory, the real `bootstrap` and `local-gateway` builds, the gateway in its own process.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use deploy::config::{Config, LOCAL};
use deploy::report::{Answer, Recorder};
use local_cloud::env::{Build, DeployOptions, Place, deploy, status, teardown};
use local_cloud::processes::is_alive;
use local_cloud::target::{TargetError, resolve};
use local_cloud::users::{self, Remembered};
use test_support::ProjectConfig;

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).ancestors().nth(2).unwrap().to_owned()
}

fn options() -> DeployOptions {
    let root = workspace();
    let tools_dir =
        std::env::var_os("ADMIN_QUERIES_TOOLS_DIR").map_or_else(|| root.join(".admin-queries"), PathBuf::from);
    let target_dir = std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), |d| root.join(d));
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    DeployOptions {
        tools_dir,
        build: Build { cargo, workspace: root, target_dir },
        instances: 1,
        release: false,
        create_missing_groups: false,
    }
}

#[tokio::test]
async fn deploy_twice_changes_nothing_the_second_time_and_teardown_leaves_no_process() {
    let project = test_support::temp_dir("local-env");
    let place = Place {
        env: LOCAL.to_owned(),
        state_dir: project.join(".admin-queries").join(LOCAL),
        outputs_dir: project.join("outputs").join(LOCAL),
    };
    let text = ProjectConfig::new(&test_support::unique("env")).to_toml();
    let config = Config::parse(&text, "admin-queries.toml").unwrap();
    let options = options();
    assert_eq!(status(&place), None, "nothing is deployed yet");
    assert!(matches!(resolve(&place).await, Err(TargetError::NotDeployed { .. })));

    let mut report = Recorder::new(Answer::No);
    let first = deploy(&place, &config, &options, &mut report).await.unwrap();
    assert!(first.changes.iter().any(|c| c.starts_with("started moto")), "{:?}", first.changes);
    assert!(first.changes.iter().any(|c| c.starts_with("started the local gateway")), "{:?}", first.changes);
    assert!(report.said.iter().any(|s| s.starts_with("step: Building bootstrap")), "{:?}", report.said);
    assert!(
        first.endpoint.starts_with("http://127.0.0.1:") && first.endpoint.ends_with("/local"),
        "{}",
        first.endpoint
    );
    assert!(first.outputs.iter().all(|p| p.starts_with(&place.outputs_dir) && p.is_file()), "{:?}", first.outputs);

    let running = status(&place).unwrap();
    assert!(running.moto_running && running.gateway_running, "{running:?}");
    assert_eq!(running.state.user_pool_id.as_deref(), Some(first.user_pool_id.as_str()));
    assert_eq!(running.state.client_id.as_deref(), Some(first.client_id.as_str()));

    let second = deploy(&place, &config, &options, &mut Recorder::new(Answer::No)).await.unwrap();
    assert!(second.changes.is_empty(), "a second deploy changed {:?}", second.changes);
    assert_eq!(
        (&second.endpoint, &second.user_pool_id, &second.client_id),
        (&first.endpoint, &first.user_pool_id, &first.client_id)
    );
    assert_eq!(status(&place).unwrap().state, running.state, "nothing was restarted");

    // A user of the environment signs in through its app client.
    let target = resolve(&place).await.unwrap();
    assert!(target.is_local);
    assert_eq!((&target.user_pool_id, &target.client_id), (&first.user_pool_id, &first.client_id));
    let cognito = target.cognito;
    let password = users::generate_password().unwrap();
    let name = users::create_confirmed(&cognito, &first.user_pool_id, "alice", &password, &["Admins".into()], vec![])
        .await
        .unwrap();
    assert_eq!(name, "alice");
    let tokens = users::sign_in(&cognito, &first.client_id, "alice", &password).await.unwrap();
    assert!(!tokens.access_token.is_empty() && tokens.id_token.is_some());
    let refused = users::sign_in(&cognito, &first.client_id, "alice", "wrong-Password-1").await.unwrap_err();
    assert!(matches!(refused, users::UserError::Cognito { .. }), "{refused}");
    let remembered = Remembered::new(&place.state_dir);
    remembered.remember("alice", &password).unwrap();
    assert_eq!(remembered.password("alice"), Some(password));
    assert_eq!(remembered.password("bob"), None);

    let pids = [running.state.gateway.as_ref().unwrap().pid, running.state.moto.as_ref().unwrap().pid];
    let stopped = teardown(&place).unwrap();
    assert!(stopped.iter().any(|s| s.starts_with("stopped the local gateway")), "{stopped:?}");
    assert!(stopped.iter().any(|s| s.starts_with("stopped moto")), "{stopped:?}");
    for pid in pids {
        assert!(!is_alive(pid), "pid {pid} still runs after teardown");
    }
    assert!(!place.state_dir.exists() && !place.outputs_dir.exists());
    assert_eq!(status(&place), None, "torn down");
    assert!(teardown(&place).unwrap().is_empty(), "a second teardown has nothing to do");
    std::fs::remove_dir_all(&project).unwrap();
}

#[tokio::test]
async fn an_aws_environment_is_found_through_its_outputs_file() {
    let project = test_support::temp_dir("aws-target");
    let place = Place {
        env: "prod".to_owned(),
        state_dir: project.join(".admin-queries/prod"),
        outputs_dir: project.join("outputs/prod"),
    };
    assert!(matches!(resolve(&place).await, Err(TargetError::NotDeployed { env }) if env == "prod"));
    std::fs::create_dir_all(&place.outputs_dir).unwrap();
    let file = place.outputs_dir.join("amplify_outputs.json");
    std::fs::write(&file, "{ not json").unwrap();
    let bad = resolve(&place).await.unwrap_err();
    assert!(matches!(bad, TargetError::BadOutputs { .. }), "{bad}");
    let outputs = serde_json::json!({ "auth": {
        "aws_region": "eu-west-1", "user_pool_id": "eu-west-1_abc", "user_pool_client_id": "client123" } });
    std::fs::write(&file, outputs.to_string()).unwrap();
    let target = resolve(&place).await.unwrap();
    assert!(!target.is_local);
    assert_eq!((target.user_pool_id.as_str(), target.client_id.as_str()), ("eu-west-1_abc", "client123"));
    assert_eq!(target.cognito.config().region().map(ToString::to_string).as_deref(), Some("eu-west-1"));
    std::fs::remove_dir_all(&project).unwrap();
}
