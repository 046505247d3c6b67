//! Adopting a pool an Amplify app made, against moto: what the config needs of it is read through the Cognito API,
//! a missing group refuses the deploy before anything else happens (no upload, no stack), and is created only when
//! asked; the pool, its clients and the other groups are left exactly as they were.
#![allow(clippy::unwrap_used)]

use aws_sdk_cognitoidentityprovider::Client;
use deploy::adopt::{self, AdoptError};
use deploy::aws::{self, Execute};
use deploy::config::Config;
use deploy::report::{Answer, Recorder};

mod common;

/// A pool as Amplify makes it: email sign-in, `Admins` and `Editors`, its web client.
async fn amplify_pool(cognito: &Client) -> (String, String) {
    let pool = cognito.create_user_pool().pool_name(test_support::unique("amplify-pool")).send().await.unwrap();
    let pool = pool.user_pool().unwrap().id().unwrap().to_owned();
    for (group, precedence) in [("Admins", 1), ("Editors", 2)] {
        cognito.create_group().user_pool_id(&pool).group_name(group).precedence(precedence).send().await.unwrap();
    }
    let client = cognito.create_user_pool_client().user_pool_id(&pool).client_name("app_clientWeb").send().await;
    (pool, client.unwrap().user_pool_client().unwrap().client_id().unwrap().to_owned())
}

fn config(pool: &str, client: Option<&str>, access: &str) -> Config {
    let client = client.map(|c| format!("client_id = \"{c}\"\n")).unwrap_or_default();
    let text = format!(
        "project = \"aqadopt\"\n[user_pool]\nself_sign_up = false\n[admin_api]\nrestrict_to_group = \"Admins\"\n{access}\n\
         [environments.dev]\nregion = \"{}\"\nstack = \"{}\"\n[environments.dev.user_pool]\nexisting = \"{pool}\"\n{client}",
        test_support::REGION,
        test_support::unique("aqadopt")
    );
    let config = Config::parse(&text, "admin-queries.toml").unwrap();
    let env = config.environment("dev", "admin-queries.toml").unwrap();
    config.for_environment(&env)
}

async fn groups(cognito: &Client, pool: &str) -> Vec<(String, Option<i32>)> {
    let listed = cognito.list_groups().user_pool_id(pool).send().await.unwrap();
    let mut groups: Vec<_> =
        listed.groups().iter().map(|g| (g.group_name().unwrap().to_owned(), g.precedence())).collect();
    groups.sort();
    groups
}

#[tokio::test]
async fn the_pool_its_client_and_the_groups_the_config_needs_are_read_not_changed() {
    let cognito = test_support::cognito();
    let (pool, client) = amplify_pool(&cognito).await;
    let before = groups(&cognito, &pool).await;

    let config = config(&pool, Some(&client), "[admin_api.access]\nlistUsers = [\"Admins\", \"Editors\"]");
    let adoption = adopt::inspect(&cognito, &config).await.unwrap().unwrap();
    assert_eq!(adoption.pool_id, pool);
    assert_eq!(adoption.own_client.as_deref(), Some(client.as_str()));
    assert_eq!(adoption.client_ids, std::slice::from_ref(&client));
    assert!(adoption.missing_groups.is_empty(), "{adoption:?}");
    adoption.check(false).unwrap();
    let plan = adoption.plan(false).join("\n");
    println!("The plan's lines for the adopted pool:\n{plan}");
    assert!(plan.contains(&format!("Adopt the user pool {pool}")), "{plan}");
    assert!(plan.contains(&format!("Use the app's own client {client}")), "{plan}");

    // Without the app's client id, the plan says that a client is made.
    let without = adopt::inspect(&cognito, &config_without_client(&pool)).await.unwrap().unwrap();
    assert!(without.plan(false).iter().any(|l| l.starts_with("Make a new app client")), "{:?}", without.plan(false));
    assert_eq!(groups(&cognito, &pool).await, before, "reading changes nothing");
}

fn config_without_client(pool: &str) -> Config {
    config(pool, None, "")
}

#[tokio::test]
async fn a_missing_group_refuses_the_deploy_before_any_upload_or_stack_and_is_created_only_when_asked() {
    let sdk = test_support::moto_config(&test_support::moto_endpoint(), test_support::REGION);
    let clients = aws::Clients::new(&sdk);
    let (pool, client) = amplify_pool(&clients.cognito).await;
    let config = config(&pool, Some(&client), "[admin_api.access]\nlistUsers = [\"Admins\", \"Support\"]");
    let env = config.environment("dev", "admin-queries.toml").unwrap();

    // The whole pipeline refuses, naming the group, before it uploads anything or makes a change set.
    let dir = std::env::temp_dir().join(test_support::unique("adopt-refused"));
    let artifact = deploy::lambda::Artifact {
        architecture: deploy::config::Architecture::Arm64,
        zip: dir.join("bootstrap.zip"),
        sha256: "0".repeat(64),
        zip_bytes: 0,
        binary_bytes: 0,
        max_glibc: None,
    };
    let options = common::options(&config, &env, &dir, Execute::Yes);
    let mut report = Recorder::new(Answer::Yes);
    let err = aws::deploy_artifact(&options, &artifact, &clients, &mut report).await.unwrap_err();
    let aws::Error::Adopt(AdoptError::MissingGroups { groups: missing, .. }) = &err else { panic!("{err:?}") };
    assert_eq!(missing, &["Support"]);
    assert!(err.to_string().contains("Support") && err.help().contains("--create-missing-groups"), "{err}");
    assert_eq!(err.failure(), deploy::failure::Failure::Refused);
    let stack = config.names("dev", &env).stack;
    assert!(clients.cloudformation.describe_stacks().stack_name(&stack).send().await.is_err(), "no stack");
    assert!(!report.said.iter().any(|l| l.contains("asset bucket") || l.contains("Uploaded")), "{:?}", report.said);

    // Asked, it plans the group and creates it through the Cognito API, with nothing else touched.
    let adoption = adopt::inspect(&clients.cognito, &config).await.unwrap().unwrap();
    adoption.check(true).unwrap();
    println!("With --create-missing-groups:\n{}", adoption.plan(true).join("\n"));
    assert!(adoption.plan(true).iter().any(|l| l.contains("Create the group Support")), "{:?}", adoption.plan(true));
    let done = adoption.create_missing_groups(&clients.cognito, &config).await.unwrap();
    assert_eq!(done.len(), 1, "{done:?}");
    let names: Vec<String> = groups(&clients.cognito, &pool).await.into_iter().map(|(name, _)| name).collect();
    assert_eq!(names, ["Admins", "Editors", "Support"]);
    assert!(adopt::inspect(&clients.cognito, &config).await.unwrap().unwrap().missing_groups.is_empty());
}

#[tokio::test]
async fn a_pool_or_client_that_does_not_exist_is_a_config_error_that_says_which() {
    let cognito = test_support::cognito();
    let missing_pool = format!("{}_NoSuchPool1", test_support::REGION);
    let err = adopt::inspect(&cognito, &config_without_client(&missing_pool)).await.unwrap_err();
    assert!(matches!(&err, AdoptError::NoPool { pool } if *pool == missing_pool), "{err:?}");
    assert_eq!(err.failure(), deploy::failure::Failure::Config);

    let (pool, _) = amplify_pool(&cognito).await;
    let err = adopt::inspect(&cognito, &config(&pool, Some("notaclientofthispool00000"), "")).await.unwrap_err();
    assert!(matches!(&err, AdoptError::NoClient { client, .. } if client == "notaclientofthispool00000"), "{err:?}");
    assert!(err.help().contains("AppClientIDWeb"), "{}", err.help());
}
