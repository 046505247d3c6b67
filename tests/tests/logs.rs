//! `cargo xtask logs` and `cargo xtask outputs` on a local environment, through the real command line: a 200, a
//! 403 and a 401 through the gateway, the table and the JSON lines, a follow that sees a new request, the outputs
//! files written again identical, and both commands "not deployed" after teardown. Then an AWS environment on moto
//! (`AWS_ENDPOINT_URL`): its function's log group in CloudWatch Logs and its stack's outputs. Run with
//! `--nocapture` for the transcripts.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use e2e::{
    PASSWORD, ProjectConfig, REGION, http, moto_endpoint, project_with_two_groups, unique, workspace_binary,
    workspace_root, xtask, xtask_command, xtask_ok,
};
use serde_json::Value;

fn outputs(dir: &std::path::Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn logs_show_the_requests_and_outputs_come_back_identical() {
    let project = project_with_two_groups("logs");
    let deployed: Value = serde_json::from_str(&xtask_ok(&project, &["deploy", "--json"])).unwrap();
    let base = deployed["endpoint"].as_str().unwrap().to_owned();
    xtask_ok(&project, &["user", "create", "admin", "--group", "Admins", "--password", PASSWORD]);
    xtask_ok(&project, &["user", "create", "plain", "--password", PASSWORD]);
    let admin = xtask_ok(&project, &["token", "admin"]).trim().to_owned();
    let plain = xtask_ok(&project, &["token", "plain"]).trim().to_owned();

    assert_eq!(http("GET", &format!("{base}/getUser?username=plain"), Some(&admin), None).await.status, 200);
    assert_eq!(http("GET", &format!("{base}/listUsers"), Some(&plain), None).await.status, 403);
    assert_eq!(http("GET", &format!("{base}/listGroups"), None, None).await.status, 401);

    // The table: a row per request the function answered, the gateway's own lines (the 401) as they are.
    let table = xtask_ok(&project, &["logs"]);
    println!("$ cargo xtask logs\n{table}");
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("TIME") && lines[0].contains("STATUS  ACTION"), "{table}");
    let row = |status: &str, action: &str, caller: &str| {
        lines.iter().any(|l| {
            let cells: Vec<&str> = l.split_whitespace().collect();
            cells.len() >= 6 && cells[1] == status && cells[2] == action && cells[3] == caller && l.ends_with(" ms")
        })
    };
    assert!(row("200", "getUser", "admin"), "no 200 row for admin's getUser:\n{table}");
    assert!(row("403", "listUsers", "plain"), "no 403 row for plain's listUsers:\n{table}");
    let target = lines.iter().find(|l| l.contains(" getUser ")).unwrap().split_whitespace().nth(4);
    assert_eq!(target, Some("plain"), "the user acted on:\n{table}");
    assert!(lines.iter().any(|l| l.contains("path=/local/listGroups status=401")), "the gateway's 401:\n{table}");
    assert!(!lines.iter().any(|l| l.contains("path=/local/getUser status=200")), "a request shown twice:\n{table}");

    // --json: the function's lines unchanged, one JSON object each.
    let json = xtask_ok(&project, &["logs", "--json"]);
    println!("$ cargo xtask logs --json\n{json}");
    let requests: Vec<Value> = json.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let summary: Vec<(u64, &str, &str)> = requests
        .iter()
        .map(|r| (r["status"].as_u64().unwrap(), r["action"].as_str().unwrap(), r["caller_username"].as_str().unwrap()))
        .collect();
    assert_eq!(summary, [(200, "getUser", "admin"), (403, "listUsers", "plain")]);
    let function_log = std::fs::read_to_string(project.join(".admin-queries/local/function.log")).unwrap();
    assert_eq!(json, function_log, "the lines as the function wrote them");

    // --since: nothing in the last second after a pause.
    std::thread::sleep(Duration::from_millis(1500));
    let recent = xtask(&project, &["logs", "--since", "1s"]);
    assert!(recent.status.success() && recent.stdout.is_empty(), "{}", String::from_utf8_lossy(&recent.stdout));
    assert!(String::from_utf8_lossy(&recent.stderr).contains("No log lines"));

    // --follow prints a request made while it runs.
    let mut follow = Command::new(workspace_binary("xtask"))
        .args(["logs", "--follow", "--since", "1s"])
        .current_dir(workspace_root())
        .env("ADMIN_QUERIES_PROJECT_DIR", &project)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let (sender, receiver) = std::sync::mpsc::channel();
    let stdout = follow.stdout.take().unwrap();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if sender.send(line.unwrap()).is_err() {
                break;
            }
        }
    });
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(http("GET", &format!("{base}/listGroups"), Some(&admin), None).await.status, 200);
    let mut followed = Vec::new();
    while let Ok(line) = receiver.recv_timeout(Duration::from_secs(20)) {
        let done = line.contains("listGroups");
        followed.push(line);
        if done {
            break;
        }
    }
    follow.kill().unwrap();
    follow.wait().unwrap();
    println!("$ cargo xtask logs --follow --since 1s   (then GET /listGroups)\n{}", followed.join("\n"));
    assert!(followed.iter().any(|l| l.contains("  200     listGroups") && l.contains("admin")), "{followed:?}");

    // The outputs files, written again from the local state: identical.
    let dir = project.join("outputs/local");
    let before = outputs(&dir);
    assert_eq!(before.len(), 4);
    std::fs::remove_dir_all(&dir).unwrap();
    let written = xtask_ok(&project, &["outputs"]);
    println!("$ cargo xtask outputs\n{written}");
    assert_eq!(written.lines().count(), 4, "{written}");
    assert_eq!(outputs(&dir), before, "the same files, byte for byte");

    // Torn down: neither has anything to read.
    xtask_ok(&project, &["teardown"]);
    for command in [&["logs"][..], &["outputs"]] {
        let after = xtask(&project, command);
        assert_eq!(after.status.code(), Some(6), "{command:?}: {}", String::from_utf8_lossy(&after.stderr));
        assert!(String::from_utf8_lossy(&after.stderr).contains("help: run `cargo xtask deploy --env local` first"));
    }
}

/// `cargo xtask <args>` with the standard AWS chain pointed at moto.
fn on_moto(project: &std::path::Path, args: &[&str]) -> std::process::Output {
    let mut command = xtask_command(project, args);
    command
        .env("AWS_ENDPOINT_URL", moto_endpoint())
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE");
    command.output().unwrap()
}

fn ok(output: std::process::Output, what: &str) -> String {
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(output.status.success(), "{what}: {}\n{stdout}", String::from_utf8_lossy(&output.stderr));
    stdout
}

#[tokio::test]
async fn an_aws_environment_on_moto_through_the_cli() {
    let stack = unique("logs-aws");
    let project = ProjectConfig::new("logsaws").project_dir("logs-aws");
    let toml = project.join("admin-queries.toml");
    let text = std::fs::read_to_string(&toml).unwrap();
    std::fs::write(&toml, format!("{text}\n[environments.dev]\nregion = \"{REGION}\"\nstack = \"{stack}\"\n")).unwrap();
    for command in [&["logs", "--env", "dev"][..], &["outputs", "--env", "dev"]] {
        let before = on_moto(&project, command);
        assert_eq!(before.status.code(), Some(6), "{command:?}: {}", String::from_utf8_lossy(&before.stderr));
    }

    // The function's log group, as Lambda fills it.
    let sdk = test_support::moto_config(&moto_endpoint(), REGION);
    let logs = aws_sdk_cloudwatchlogs::Client::new(&sdk);
    let group = format!("/aws/lambda/{stack}-admin-queries");
    logs.create_log_group().log_group_name(&group).send().await.unwrap();
    logs.create_log_stream().log_group_name(&group).log_stream_name("s").send().await.unwrap();
    let now = deploy::logs::now_ms();
    let request = r#"{"level":"INFO","message":"request","request_id":"r1","method":"POST","path":"/addUserToGroup","action":"addUserToGroup","caller_sub":"s1","caller_username":"admin","target_user":"plain","target_group":"Editors","status":200,"latency_ms":21.3}"#;
    let events = [
        "START RequestId: r1 Version: $LATEST\n",
        request,
        "END RequestId: r1\n",
        "REPORT RequestId: r1\tDuration: 23.02 ms\tBilled Duration: 24 ms\tMemory Size: 256 MB\tMax Memory Used: 21 MB\n",
    ];
    let events = events.iter().enumerate().map(|(i, m)| {
        let time = now - 4_000 + i64::try_from(i).unwrap() * 10;
        aws_sdk_cloudwatchlogs::types::InputLogEvent::builder().timestamp(time).message(*m).build().unwrap()
    });
    let put = logs.put_log_events().log_group_name(&group).log_stream_name("s");
    put.set_log_events(Some(events.collect())).send().await.unwrap();

    let table = ok(on_moto(&project, &["logs", "--env", "dev"]), "logs --env dev");
    println!("$ cargo xtask logs --env dev   (moto)\n{table}");
    let lines: Vec<&str> = table.lines().collect();
    assert_eq!(lines.len(), 5, "{table}");
    assert!(lines[0].starts_with("TIME") && lines[1].starts_with("START RequestId: r1"), "{table}");
    let row: Vec<&str> = lines[2].split_whitespace().collect();
    assert_eq!(row[1..], ["200", "addUserToGroup", "admin", "plain,", "group", "Editors", "21.3", "ms"], "{table}");
    assert!(lines[4].starts_with("REPORT RequestId: r1"), "{table}");
    let json = ok(on_moto(&project, &["logs", "--env", "dev", "--json"]), "logs --json");
    assert_eq!(json.lines().nth(1), Some(request), "the lines unchanged: {json}");

    // The outputs files, from the stack's outputs.
    let template = "Resources:\n  Handle:\n    Type: AWS::CloudFormation::WaitConditionHandle\nOutputs:\n  UserPoolId:\n    Value: us-east-1_Moto12345\n  UserPoolClientId:\n    Value: client123\n  Endpoint:\n    Value: https://api1.execute-api.us-east-1.amazonaws.com/dev\n";
    let cloudformation = aws_sdk_cloudformation::Client::new(&sdk);
    cloudformation.create_stack().stack_name(&stack).template_body(template).send().await.unwrap();
    let written = ok(on_moto(&project, &["outputs", "--env", "dev", "--json"]), "outputs --env dev");
    println!("$ cargo xtask outputs --env dev --json   (moto)\n{written}");
    let written: serde_json::Value = serde_json::from_str(&written).unwrap();
    assert_eq!(written["files"].as_array().unwrap().len(), 4, "{written}");
    let config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(project.join("outputs/dev/amplifyconfiguration.json")).unwrap())
            .unwrap();
    assert_eq!(config["aws_user_pools_id"], "us-east-1_Moto12345");
    assert_eq!(config["aws_cloud_logic_custom"][0]["endpoint"], "https://api1.execute-api.us-east-1.amazonaws.com/dev");
    cloudformation.delete_stack().stack_name(&stack).send().await.unwrap();
}
