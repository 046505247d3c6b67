//! Taking over an Amplify Gen 1 app, end to end, through the real command line:
//! 1. moto holds a pool as Amplify makes it: email sign-in, groups with members, the app's web client;
//! 2. `import-amplify` reads an Amplify project (a fixture, its ids those of that pool);
//! 3. the local environment adopts the pool with the imported keys, and deploys;
//! 4. the `aws-amplify` suite runs through the app's own client id;
//! 5. the pool, its users, groups, memberships and clients are then byte for byte what they were before (the
//!    suite's own users removed).
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::types::{AttributeType, ExplicitAuthFlowsType, MessageActionType};
use e2e::{PASSWORD, assert_all_passed, npm_run, workspace_root, xtask, xtask_ok};
use serde_json::Value;

/// The app's own users, as Amplify's sign-up left them: (email, groups).
const APP_USERS: [(&str, &[&str]); 3] =
    [("ann@example.com", &["Admins"]), ("sam@example.com", &["Support"]), ("una@example.com", &[])];
/// The suite's users, created for the run and removed after it.
const SUITE_USERS: [&str; 5] =
    ["alice@example.com", "bob@example.com", "carol@example.com", "dave@example.com", "erin@example.com"];

/// Tears the environment down however the test ends.
struct Deployed(PathBuf);

impl Drop for Deployed {
    fn drop(&mut self) {
        let _ = xtask(&self.0, &["teardown"]);
    }
}

/// A pool as Amplify Gen 1 makes it for email sign-in, with its groups, users and web client. Returns the pool id
/// and the web client id.
async fn amplify_pool(cognito: &Client) -> (String, String) {
    let pool = cognito
        .create_user_pool()
        .pool_name(e2e::unique("notesappb7e2d4f0_userpool_b7e2d4f0"))
        .username_attributes("email".into())
        .auto_verified_attributes("email".into())
        .send()
        .await
        .unwrap();
    let pool = pool.user_pool().unwrap().id().unwrap().to_owned();
    for (group, precedence) in [("Admins", 1), ("Support", 2)] {
        let description = format!("{group} of notesapp");
        let created = cognito.create_group().user_pool_id(&pool).group_name(group).precedence(precedence);
        created.description(description).send().await.unwrap();
    }
    for (email, groups) in APP_USERS {
        let email_attribute = AttributeType::builder().name("email").value(email).build().unwrap();
        let verified = AttributeType::builder().name("email_verified").value("true").build().unwrap();
        let user = cognito.admin_create_user().user_pool_id(&pool).username(email);
        let user = user.user_attributes(email_attribute).user_attributes(verified);
        user.message_action(MessageActionType::Suppress).send().await.unwrap();
        for group in groups {
            cognito
                .admin_add_user_to_group()
                .user_pool_id(&pool)
                .username(email)
                .group_name(*group)
                .send()
                .await
                .unwrap();
        }
    }
    let client = cognito
        .create_user_pool_client()
        .user_pool_id(&pool)
        .client_name("notesab7e2d4f0_app_clientWeb")
        .set_explicit_auth_flows(Some(vec![
            ExplicitAuthFlowsType::AllowUserSrpAuth,
            ExplicitAuthFlowsType::AllowUserPasswordAuth,
            ExplicitAuthFlowsType::AllowRefreshTokenAuth,
        ]))
        .refresh_token_validity(30)
        .send()
        .await
        .unwrap();
    (pool, client.user_pool_client().unwrap().client_id().unwrap().to_owned())
}

/// Everything of the pool an app depends on, rendered: the pool, each user, each group and its members, each client.
async fn snapshot(cognito: &Client, pool: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let described = cognito.describe_user_pool().user_pool_id(pool).send().await.unwrap();
    lines.push(format!("pool: {:?}", described.user_pool().unwrap()));
    let users = cognito.list_users().user_pool_id(pool).limit(60).send().await.unwrap();
    let mut users: Vec<String> = users.users().iter().map(|u| format!("user: {u:?}")).collect();
    users.sort();
    lines.extend(users);
    let groups = cognito.list_groups().user_pool_id(pool).send().await.unwrap();
    for group in groups.groups() {
        let name = group.group_name().unwrap();
        let members = cognito.list_users_in_group().user_pool_id(pool).group_name(name).send().await.unwrap();
        let mut members: Vec<&str> = members.users().iter().filter_map(|u| u.username()).collect();
        members.sort_unstable();
        lines.push(format!("group: {group:?} members: {members:?}"));
    }
    let clients = cognito.list_user_pool_clients().user_pool_id(pool).max_results(60).send().await.unwrap();
    for client in clients.user_pool_clients() {
        let id = client.client_id().unwrap();
        let described = cognito.describe_user_pool_client().user_pool_id(pool).client_id(id).send().await.unwrap();
        lines.push(format!("client: {:?}", described.user_pool_client().unwrap()));
    }
    lines
}

/// The fixture project, copied, with the pool and web client ids of `pool` and `client` where Amplify keeps them
/// (both `amplify-meta.json` files), and the region moto answers in.
fn amplify_project(pool: &str, client: &str) -> PathBuf {
    let fixture = workspace_root().join("tests/fixtures/amplify/gen1-parameters");
    let copy = e2e::temp_dir("amplify-app");
    test_support::copy_dir(&fixture, &copy);
    let amplify = copy.join("amplify");
    for meta in [amplify.join("backend/amplify-meta.json"), amplify.join("#current-cloud-backend/amplify-meta.json")] {
        let mut json: Value = serde_json::from_str(&std::fs::read_to_string(&meta).unwrap()).unwrap();
        for (_, auth) in json["auth"].as_object_mut().unwrap().iter_mut() {
            if let Some(output) = auth.get_mut("output").and_then(Value::as_object_mut)
                && output.contains_key("UserPoolId")
            {
                output.insert("UserPoolId".into(), pool.into());
                output.insert("AppClientIDWeb".into(), client.into());
            }
        }
        json["providers"]["awscloudformation"]["Region"] = e2e::REGION.into();
        std::fs::write(&meta, serde_json::to_string_pretty(&json).unwrap()).unwrap();
    }
    let providers = amplify.join("team-provider-info.json");
    let mut teams: Value = serde_json::from_str(&std::fs::read_to_string(&providers).unwrap()).unwrap();
    for (_, env) in teams.as_object_mut().unwrap().iter_mut() {
        env["awscloudformation"]["Region"] = e2e::REGION.into();
    }
    std::fs::write(&providers, serde_json::to_string_pretty(&teams).unwrap()).unwrap();
    copy
}

#[tokio::test(flavor = "multi_thread")]
async fn an_amplify_apps_pool_is_adopted_untouched_and_its_client_works_unchanged() {
    // The local environment's moto, with the app's pool in it.
    let project = e2e::temp_dir("cutover");
    std::fs::write(project.join("admin-queries.toml"), "project = \"cutover\"\n[user_pool]\nself_sign_up = false\n")
        .unwrap();
    let _deployed = Deployed(project.clone());
    let first: Value = serde_json::from_str(&xtask_ok(&project, &["deploy", "--json"])).unwrap();
    let cognito = local_cloud::cognito::local_client(first["cognitoEndpoint"].as_str().unwrap());
    let (pool, client) = amplify_pool(&cognito).await;
    let before = snapshot(&cognito, &pool).await;

    // Import the Amplify project, then adopt its pool in the local environment with the keys it wrote.
    let app = amplify_project(&pool, &client);
    let imported = xtask_ok(&project, &["import-amplify", app.to_str().unwrap(), "--force"]);
    println!("import-amplify:\n{imported}");
    let text = std::fs::read_to_string(project.join("admin-queries.toml")).unwrap();
    println!("admin-queries.toml:\n{text}");
    assert!(text.contains(&format!("existing = \"{pool}\"")) && text.contains(&format!("client_id = \"{client}\"")));
    let config = deploy::config::Config::parse(&text, "admin-queries.toml").unwrap();
    let group = config.admin_api.restrict_to_group.clone().unwrap();
    assert_eq!(group, "Support", "the Amplify project's own restriction group");
    let token = match config.admin_api.token {
        deploy::config::TokenKind::Id => "id",
        deploy::config::TokenKind::Access => "access",
    };
    assert_eq!(token, "id", "a Hosted UI app sends ID tokens");
    let adopted = format!("{text}\n[environments.local.user_pool]\nexisting = \"{pool}\"\nclient_id = \"{client}\"\n");
    std::fs::write(project.join("admin-queries.toml"), adopted).unwrap();
    let deployed: Value = serde_json::from_str(&xtask_ok(&project, &["deploy", "--json"])).unwrap();
    assert_eq!((deployed["userPoolId"].as_str(), deployed["clientId"].as_str()), (Some(&*pool), Some(&*client)));
    let outputs = project.join("outputs/local");
    let gen1: Value =
        serde_json::from_str(&std::fs::read_to_string(outputs.join("amplifyconfiguration.json")).unwrap()).unwrap();
    assert_eq!(gen1["aws_user_pools_web_client_id"], client.as_str(), "the frontend keeps its own client");
    assert_eq!(gen1["aws_cloud_logic_custom"][0]["name"], "AdminQueries", "the same API name");
    assert_eq!(snapshot(&cognito, &pool).await, before, "deploying changed nothing in the pool");

    // The aws-amplify suite, through the app's own client, as users of that pool.
    let (admin, user, others) = (SUITE_USERS[0], SUITE_USERS[1], SUITE_USERS[2..].join(","));
    xtask_ok(&project, &["user", "create", admin, "--group", &group, "--password", PASSWORD]);
    for name in &SUITE_USERS[1..] {
        xtask_ok(&project, &["user", "create", name, "--password", PASSWORD]);
    }
    let env = [
        ("AQ_PASSWORD", PASSWORD),
        ("AQ_ADMIN_USER", admin),
        ("AQ_USER", user),
        ("AQ_OTHER_USERS", others.as_str()),
        ("AQ_CORS_ORIGIN", "*"),
        ("AQ_OUTPUTS_DIR", outputs.to_str().unwrap()),
        ("AQ_TOKEN_KIND", token),
    ];
    let node = npm_run("test:node", &env);
    println!("Node suite on the adopted pool: {}", assert_all_passed("the Node suite", &node, 100));

    // The suite's users go; everything else is as it was.
    for name in SUITE_USERS {
        cognito.admin_delete_user().user_pool_id(&pool).username(name).send().await.unwrap();
    }
    let after = snapshot(&cognito, &pool).await;
    println!("before and after: {} lines each, identical: {}", before.len(), before == after);
    assert_eq!(after, before, "the pool, its users, groups, memberships and clients are what they were");
}
