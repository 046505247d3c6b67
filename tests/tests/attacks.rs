//! The attacks an admin API must hold against, end to end: a local environment on a pool that signs in by email,
//! real tokens from moto, every request over HTTP through the local gateway's authorizer to `bootstrap`.
#![allow(clippy::unwrap_used)]

use std::path::Path;

use e2e::{Answer, PASSWORD, ProjectConfig, http, xtask_ok};
use local_cloud::cognito::local_client as cognito;
use serde_json::{Value, json};

fn project(name: &str) -> std::path::PathBuf {
    let actions = [
        "listUsers",
        "getUser",
        "disableUser",
        "enableUser",
        "addUserToGroup",
        "removeUserFromGroup",
        "deleteUser",
        "signUserOut",
    ];
    ProjectConfig::new(name).sign_in_by_email().token("access").actions(actions).project_dir(name)
}

fn token(project: &Path, user: &str) -> String {
    xtask_ok(project, &["token", user]).trim().to_owned()
}

async fn post(base: &str, token: &str, path: &str, body: Value) -> Answer {
    http("POST", &format!("{base}{path}"), Some(token), Some(body)).await
}

#[tokio::test(flavor = "multi_thread")]
async fn aliases_races_revocation_and_group_names_hold_through_the_gateway() {
    let project = project("attacks");
    let deployed: Value = serde_json::from_str(&xtask_ok(&project, &["deploy", "--json"])).unwrap();
    let base = deployed["endpoint"].as_str().unwrap().to_owned();
    let cognito = cognito(deployed["cognitoEndpoint"].as_str().unwrap());
    let pool = deployed["userPoolId"].as_str().unwrap().to_owned();
    for name in ["ann@example.com", "ben@example.com", "eve@example.com", "dan@example.com"] {
        xtask_ok(&project, &["user", "create", name, "--group", "Admins", "--password", PASSWORD]);
    }
    let (ann, ben) = (token(&project, "ann@example.com"), token(&project, "ben@example.com"));
    let enabled_admins = async || {
        let out = cognito.list_users_in_group().user_pool_id(&pool).group_name("Admins").send().await.unwrap();
        out.users().iter().filter(|u| u.enabled()).count()
    };

    // Aliases: ann may not disable or delete herself by her email.
    for path in ["/disableUser", "/deleteUser"] {
        let a = post(&base, &ann, path, json!({"username": "ann@example.com"})).await;
        assert_eq!(a.status, 409, "{path} of oneself by email: {}", a.body);
    }

    // Revocation: eve disabled, dan demoted; both still hold valid tokens.
    let (eve, dan) = (token(&project, "eve@example.com"), token(&project, "dan@example.com"));
    cognito.admin_disable_user().user_pool_id(&pool).username("eve@example.com").send().await.unwrap();
    let a = http("GET", &format!("{base}/listUsers"), Some(&eve), None).await;
    assert_eq!(a.status, 401, "a disabled admin reads: {}", a.body);
    let remove = cognito.admin_remove_user_from_group().user_pool_id(&pool).group_name("Admins");
    remove.username("dan@example.com").send().await.unwrap();
    let a = post(&base, &dan, "/addUserToGroup", json!({"username": "dan@example.com", "groupname": "Admins"})).await;
    assert_eq!(a.status, 403, "a demoted admin adds himself back: {}", a.body);
    assert!(a.headers.contains_key("access-control-allow-origin"), "the 403 is readable by a browser");

    // Ambiguous group names: a group called `Ops,Admins` is not Admins.
    cognito.create_group().user_pool_id(&pool).group_name("Ops,Admins").send().await.unwrap();
    let add = cognito.admin_add_user_to_group().user_pool_id(&pool).group_name("Ops,Admins");
    add.username("dan@example.com").send().await.unwrap();
    let dan = token(&project, "dan@example.com");
    let a = http("GET", &format!("{base}/listUsers"), Some(&dan), None).await;
    assert_eq!(a.status, 403, "a member of `Ops,Admins`: {}", a.body);

    // Races: ann and ben disable each other at once; Admins always keeps an enabled member.
    for trial in 0..20 {
        let (a, b) = tokio::join!(
            post(&base, &ann, "/disableUser", json!({"username": "ben@example.com"})),
            post(&base, &ben, "/disableUser", json!({"username": "ann@example.com"})),
        );
        assert!(a.status != 200 || b.status != 200, "trial {trial}: both went through: {} {}", a.body, b.body);
        assert!(enabled_admins().await >= 1, "trial {trial}: Admins has no enabled member");
        for name in ["ann@example.com", "ben@example.com"] {
            cognito.admin_enable_user().user_pool_id(&pool).username(name).send().await.unwrap();
        }
    }

    // Sign-out: ann signs herself out by email, and her token stops working at once.
    let a = post(&base, &ann, "/signUserOut", json!({"username": "ann@example.com"})).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let a = http("GET", &format!("{base}/listUsers"), Some(&ann), None).await;
    assert_eq!(a.status, 401, "a signed-out admin: {}", a.body);

    xtask_ok(&project, &["teardown"]);
}
