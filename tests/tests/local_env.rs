//! The local environment end to end, through the real command line: deploy, users, real tokens from moto, every
//! route over HTTP through the local gateway's Cognito authorizer, then teardown with nothing left running.
#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ExplicitAuthFlowsType};
use e2e::{Answer, PASSWORD, http, project_with_two_groups, workspace_root, xtask, xtask_ok};
use local_cloud::cognito::local_client as cognito;
use local_cloud::processes::{group_members, is_alive};
use serde_json::{Value, json};

/// A token signed with moto's own key (so its signature is valid) with the claims given: for the expired case,
/// which moto never issues.
fn moto_signed(claims: &Value) -> String {
    let tools = std::env::var_os("ADMIN_QUERIES_TOOLS_DIR")
        .map_or_else(|| workspace_root().join(".admin-queries"), std::path::PathBuf::from);
    let python = tools.join("moto/bin/python");
    let script = "import json, sys\nfrom joserfc import jwk, jwt\nfrom moto.utilities.utils import load_resource\n\
        key = jwk.RSAKey.import_key(load_resource('cognitoidp/resources/jwks-private.json'))\n\
        print(jwt.encode({'kid': 'dummy', 'alg': 'RS256'}, json.loads(sys.argv[1]), key))";
    let out = Command::new(python).args(["-c", script, &claims.to_string()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

fn token(project: &Path, user: &str, extra: &[&str]) -> String {
    let mut args = vec!["token", user];
    args.extend_from_slice(extra);
    xtask_ok(project, &args).trim().to_owned()
}

fn assert_cors(answer: &Answer, what: &str) {
    assert!(
        answer.headers.contains_key("access-control-allow-origin"),
        "{what}: no CORS headers: {:?}",
        answer.headers
    );
}

async fn call(base: &str, token: &str, method: &str, path: &str, body: Option<Value>) -> Answer {
    let answer = http(method, &format!("{base}{path}"), Some(token), body).await;
    assert_cors(&answer, path);
    answer
}

#[tokio::test(flavor = "multi_thread")]
async fn deploy_call_every_route_and_tear_down() {
    let project = project_with_two_groups("e2e");

    // Deploy twice: the second changes nothing.
    let first: Value = serde_json::from_str(&xtask_ok(&project, &["deploy", "--json"])).unwrap();
    let second: Value = serde_json::from_str(&xtask_ok(&project, &["deploy", "--json"])).unwrap();
    assert_eq!(second["changes"], json!([]), "a second deploy changes nothing: {second}");
    assert_eq!(first["userPoolId"], second["userPoolId"]);
    assert_eq!(first["endpoint"], second["endpoint"]);
    let base = first["endpoint"].as_str().unwrap().to_owned();
    let moto = first["cognitoEndpoint"].as_str().unwrap().to_owned();
    let pool = first["userPoolId"].as_str().unwrap().to_owned();
    let cognito = cognito(&moto);
    let groups = cognito.list_groups().user_pool_id(&pool).send().await.unwrap();
    assert_eq!(groups.groups().len(), 2, "no duplicate groups");
    let pools = cognito.list_user_pools().max_results(60).send().await.unwrap();
    assert_eq!(pools.user_pools().iter().filter(|p| p.name() == Some("e2e-local")).count(), 1, "no duplicate pool");

    // The outputs files point at the gateway and at moto.
    let outputs: Value = serde_json::from_str(
        &std::fs::read_to_string(project.join("outputs/local/amplifyconfiguration.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(outputs["aws_cloud_logic_custom"][0]["endpoint"], base.as_str());
    assert_eq!(outputs["aws_user_pools_endpoint"], moto.as_str());
    let v6: Value =
        serde_json::from_str(&std::fs::read_to_string(project.join("outputs/local/amplify-config.v6.json")).unwrap())
            .unwrap();
    assert_eq!(v6["Auth"]["Cognito"]["userPoolEndpoint"], moto.as_str());

    // Users and real tokens, through the CLI.
    xtask_ok(&project, &["user", "create", "admin", "--group", "Admins", "--password", PASSWORD]);
    xtask_ok(&project, &["user", "create", "plain", "--password", PASSWORD]);
    let generated = xtask_ok(&project, &["user", "create", "carol", "--email", "carol@example.com"]);
    assert!(generated.starts_with("password: "), "a generated password is printed once: {generated}");
    let admin = token(&project, "admin", &[]);
    let plain = token(&project, "plain", &[]);
    let carol = token(&project, "carol", &[]);
    assert!(!carol.is_empty(), "the remembered generated password signs carol in");

    // Every route, as an admin, with the token raw and with `Bearer `.
    let bearer = format!("Bearer {admin}");
    let ok = |a: &Answer, what: &str| assert_eq!(a.status, 200, "{what}: {}", a.body);
    let a = call(&base, &admin, "POST", "/addUserToGroup", Some(json!({"username": "plain", "groupname": "Editors"})))
        .await;
    ok(&a, "addUserToGroup");
    assert_eq!(a.body["message"], "Success adding plain to Editors");
    let a = call(&base, &bearer, "GET", "/listUsersInGroup?groupname=Editors", None).await;
    ok(&a, "listUsersInGroup");
    assert_eq!(a.body["Users"][0]["Username"], "plain");
    let a = call(&base, &admin, "GET", "/listGroupsForUser?username=plain", None).await;
    ok(&a, "listGroupsForUser");
    assert_eq!(a.body["Groups"][0]["GroupName"], "Editors");
    let a = call(&base, &admin, "GET", "/getUser?username=carol", None).await;
    ok(&a, "getUser");
    assert!(
        a.body["UserAttributes"].as_array().unwrap().contains(&json!({"Name": "email", "Value": "carol@example.com"}))
    );
    let a = call(&base, &admin, "GET", "/listUsers?limit=2", None).await;
    ok(&a, "listUsers");
    assert_eq!(a.body["Users"].as_array().unwrap().len(), 2);
    let next = a.body["NextToken"].as_str().unwrap().to_owned();
    let path =
        format!("/listUsers?{}", serde_urlencoded::to_string([("limit", "2"), ("token", next.as_str())]).unwrap());
    let a = call(&base, &admin, "GET", &path, None).await;
    ok(&a, "listUsers page 2");
    assert_eq!(a.body["Users"].as_array().unwrap().len(), 1);
    assert!(a.body.get("NextToken").is_none());
    let a = call(&base, &admin, "GET", "/listGroups", None).await;
    ok(&a, "listGroups");
    assert_eq!(a.body["Groups"].as_array().unwrap().len(), 2);
    let a = call(
        &base,
        &admin,
        "POST",
        "/updateUserAttributes",
        Some(json!({"username": "carol", "attributes": [{"Name": "email", "Value": "c@example.com"}]})),
    )
    .await;
    ok(&a, "updateUserAttributes");
    let a = call(&base, &admin, "POST", "/disableUser", Some(json!({"username": "carol"}))).await;
    ok(&a, "disableUser");
    let a = call(&base, &admin, "POST", "/enableUser", Some(json!({"username": "carol"}))).await;
    ok(&a, "enableUser");
    let client_id = first["clientId"].as_str().unwrap();
    cognito.sign_up().client_id(client_id).username("dave").password(PASSWORD).send().await.unwrap();
    let a = call(&base, &admin, "POST", "/confirmUserSignUp", Some(json!({"username": "dave"}))).await;
    ok(&a, "confirmUserSignUp");
    assert_eq!(a.body["message"], "Confirmed dave registration");
    let a =
        call(&base, &admin, "POST", "/removeUserFromGroup", Some(json!({"username": "plain", "groupname": "Editors"})))
            .await;
    ok(&a, "removeUserFromGroup");
    let a = call(&base, &admin, "GET", "/getUser?username=ghost", None).await;
    assert_eq!((a.status, a.body["code"].as_str()), (400, Some("UserNotFoundException")));

    // A plain user: 403 on admin routes, but may sign themselves out.
    let a = call(&base, &plain, "GET", "/listUsers", None).await;
    assert_eq!(a.status, 403);
    assert_eq!(a.body["message"], "User does not have permissions to perform administrative tasks");
    let a = call(&base, &plain, "POST", "/signUserOut", Some(json!({"username": "admin"}))).await;
    assert_eq!((a.status, a.body["message"].as_str()), (400, Some("only the user can sign themselves out")));
    let a = call(&base, &plain, "POST", "/signUserOut", Some(json!({"username": "plain"}))).await;
    ok(&a, "signUserOut");

    // 401 for a missing, garbled, expired and wrong-pool token, and for an ID token in access mode.
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    let expired = moto_signed(&json!({
        "iss": format!("https://cognito-idp.us-east-1.amazonaws.com/{pool}"), "sub": "x", "client_id": client_id,
        "token_use": "access", "scope": "aws.cognito.signin.user.admin", "username": "admin",
        "cognito:groups": ["Admins"], "iat": now - 7200, "auth_time": now - 7200, "exp": now - 3600,
    }));
    let other_pool = {
        let created = cognito.create_user_pool().pool_name("e2e-other").send().await.unwrap();
        let other = created.user_pool().unwrap().id().unwrap().to_owned();
        let client = cognito
            .create_user_pool_client()
            .user_pool_id(&other)
            .client_name("other")
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowUserPasswordAuth)
            .send()
            .await
            .unwrap();
        let other_client = client.user_pool_client().unwrap().client_id().unwrap().to_owned();
        cognito.admin_create_user().user_pool_id(&other).username("admin").send().await.unwrap();
        cognito
            .admin_set_user_password()
            .user_pool_id(&other)
            .username("admin")
            .password(PASSWORD)
            .permanent(true)
            .send()
            .await
            .unwrap();
        let auth = cognito
            .initiate_auth()
            .client_id(other_client)
            .auth_flow(AuthFlowType::UserPasswordAuth)
            .auth_parameters("USERNAME", "admin")
            .auth_parameters("PASSWORD", PASSWORD)
            .send()
            .await
            .unwrap();
        auth.authentication_result().unwrap().access_token().unwrap().to_owned()
    };
    let id_token = token(&project, "admin", &["--id"]);
    let garbled = format!("{}x", &admin[..admin.len() - 1]);
    let cases: [(&str, Option<&str>, &str); 5] = [
        ("missing", None, "Unauthorized"),
        ("garbled", Some(&garbled), "Unauthorized"),
        ("expired", Some(&expired), "The incoming token has expired"),
        ("wrong pool", Some(&other_pool), "Unauthorized"),
        ("ID token in access mode", Some(&id_token), "Unauthorized"),
    ];
    for (what, token, message) in cases {
        let a = http("GET", &format!("{base}/listUsers"), token, None).await;
        assert_eq!((a.status, a.body["message"].as_str()), (401, Some(message)), "{what}");
        assert_cors(&a, what);
    }

    // Preflight needs no token; an unknown stage has no resource.
    let a = http("OPTIONS", &format!("{base}/listUsers"), None, None).await;
    assert_eq!(a.status, 200);
    assert_cors(&a, "preflight");
    let a = http("GET", &base.replace("/local", "/prod/listUsers"), Some(&admin), None).await;
    assert_eq!(a.status, 403);

    // The CI smoke test passes against it.
    let smoke = e2e::xtask(&project, &["smoke", "--json"]);
    assert!(smoke.status.success(), "smoke failed: {}", String::from_utf8_lossy(&smoke.stderr));
    let report: Value = serde_json::from_slice(&smoke.stdout).unwrap();
    assert_eq!(report["failures"], json!([]));
    assert!(report["checks"].as_u64().unwrap() >= 12, "{report}");

    // update-auth names how many users a group has before removing it, and asks (here: needs --yes).
    cognito.admin_add_user_to_group().user_pool_id(&pool).username("plain").group_name("Editors").send().await.unwrap();
    let refused = xtask(&project, &["update-auth", "--remove-group", "Editors"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("The group `Editors` has 1 users in `local`"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    assert!(
        std::fs::read_to_string(project.join("admin-queries.toml")).unwrap().contains("Editors"),
        "nothing was written"
    );
    xtask_ok(&project, &["update-auth", "--remove-group", "Editors", "--yes"]);
    assert!(!std::fs::read_to_string(project.join("admin-queries.toml")).unwrap().contains("Editors"));

    // Status, then teardown: nothing of ours is left running.
    let status: Value = serde_json::from_str(&xtask_ok(&project, &["status", "--json"])).unwrap();
    assert_eq!(status["gateway"]["running"], true);
    let gateway_pid = u32::try_from(status["gateway"]["pid"].as_u64().unwrap()).unwrap();
    let moto_pid = u32::try_from(status["moto"]["pid"].as_u64().unwrap()).unwrap();
    let mut ours = group_members(gateway_pid);
    assert!(ours.len() >= 2, "the gateway and at least one function instance: {ours:?}");
    ours.push(moto_pid);
    xtask_ok(&project, &["teardown"]);
    std::thread::sleep(std::time::Duration::from_millis(200));
    for pid in ours {
        assert!(!is_alive(pid), "process {pid} is still running after teardown");
    }
    assert!(!project.join(".admin-queries/local").exists(), "the local state is removed");
    let after = xtask(&project, &["status"]);
    assert_eq!(after.status.code(), Some(6), "status says not deployed");
}
