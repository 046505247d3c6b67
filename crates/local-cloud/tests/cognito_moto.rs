//! The pool, its groups and the app client applied to moto's Cognito through the Cognito API: self sign-up, MFA
//! and the token lifetimes as the template sets them in AWS, changed in place, and nothing done twice.
#![allow(clippy::unwrap_used)]

use aws_sdk_cognitoidentityprovider::types::{TimeUnitsType, UserPoolClientType, UserPoolMfaType};
use local_cloud::cognito::{GroupSpec, PoolSpec, apply, local_client};

async fn describe_client(
    cognito: &aws_sdk_cognitoidentityprovider::Client,
    pool: &str,
    client: &str,
) -> UserPoolClientType {
    let out = cognito.describe_user_pool_client().user_pool_id(pool).client_id(client).send().await.unwrap();
    out.user_pool_client().unwrap().clone()
}

/// The access, ID and refresh token lifetimes of an app client.
fn lifetimes(client: &UserPoolClientType) -> (Option<i32>, Option<i32>, i32) {
    (client.access_token_validity(), client.id_token_validity(), client.refresh_token_validity())
}

fn spec(name: &str, self_sign_up: bool, mfa: &str, minutes: [i32; 3]) -> PoolSpec {
    PoolSpec {
        name: name.to_owned(),
        username_attributes: vec!["email".to_owned()],
        groups: vec![GroupSpec { name: "Admins".to_owned(), precedence: Some(1), description: None }],
        client_name: format!("{name}-app"),
        self_sign_up,
        mfa: mfa.to_owned(),
        token_validity_minutes: minutes,
    }
}

#[tokio::test]
async fn self_sign_up_mfa_and_token_lifetimes_are_applied_and_changed_in_place() {
    let endpoint = test_support::moto_endpoint();
    let cognito = local_client(&endpoint);
    let name = test_support::unique("hardening");

    // Amplify's defaults: anyone may sign up, no MFA, Cognito's lifetimes.
    let open = apply(&cognito, &endpoint, &spec(&name, true, "OFF", [60, 60, 30 * 24 * 60])).await.unwrap();
    let same = apply(&cognito, &endpoint, &spec(&name, true, "OFF", [60, 60, 30 * 24 * 60])).await.unwrap();
    assert!(same.changes.is_empty(), "a second apply changes nothing: {:?}", same.changes);
    let pool = cognito.describe_user_pool().user_pool_id(&open.pool_id).send().await.unwrap();
    let admin_only = pool.user_pool().unwrap().admin_create_user_config().unwrap().allow_admin_create_user_only();
    assert!(!admin_only, "self sign-up is on");
    let client = describe_client(&cognito, &open.pool_id, &open.client_id).await;
    assert_eq!(lifetimes(&client), (Some(60), Some(60), 43_200));
    assert_eq!(client.token_validity_units().unwrap().refresh_token(), Some(&TimeUnitsType::Minutes));

    // Self sign-up is taken at creation: a change asks for a new local pool, and changes nothing.
    let err = apply(&cognito, &endpoint, &spec(&name, false, "ON", [15, 15, 720])).await.unwrap_err().to_string();
    assert!(err.contains("allows self sign-up") && err.contains("help: ") && err.contains("teardown"), "{err}");

    // TOTP required and short tokens change in place: the same pool and client.
    let hardened = apply(&cognito, &endpoint, &spec(&name, true, "ON", [15, 15, 720])).await.unwrap();
    assert_eq!((&hardened.pool_id, &hardened.client_id), (&open.pool_id, &open.client_id), "changed in place");
    let said = hardened.changes.join("; ");
    assert!(said.contains("MFA to ON") && said.contains("token lifetimes"), "{said}");
    let mfa = cognito.get_user_pool_mfa_config().user_pool_id(&open.pool_id).send().await.unwrap();
    assert_eq!(mfa.mfa_configuration(), Some(&UserPoolMfaType::On));
    assert!(mfa.software_token_mfa_configuration().unwrap().enabled(), "TOTP is the factor");
    assert_eq!(lifetimes(&describe_client(&cognito, &open.pool_id, &open.client_id).await), (Some(15), Some(15), 720));

    // Nothing changed: nothing done.
    let again = apply(&cognito, &endpoint, &spec(&name, true, "ON", [15, 15, 720])).await.unwrap();
    assert!(again.changes.is_empty(), "{:?}", again.changes);
    let pool = cognito.describe_user_pool().user_pool_id(&open.pool_id).send().await.unwrap();
    assert_eq!(pool.user_pool().unwrap().username_attributes().len(), 1, "sign-in by email kept");
}

#[tokio::test]
async fn a_pool_without_self_sign_up_is_made_so() {
    let endpoint = test_support::moto_endpoint();
    let cognito = local_client(&endpoint);
    let name = test_support::unique("admin-only");
    let applied = apply(&cognito, &endpoint, &spec(&name, false, "OPTIONAL", [5, 1440, 60])).await.unwrap();
    let pool = cognito.describe_user_pool().user_pool_id(&applied.pool_id).send().await.unwrap();
    assert!(pool.user_pool().unwrap().admin_create_user_config().unwrap().allow_admin_create_user_only());
    let mfa = cognito.get_user_pool_mfa_config().user_pool_id(&applied.pool_id).send().await.unwrap();
    assert_eq!(mfa.mfa_configuration(), Some(&UserPoolMfaType::Optional));
    let again = apply(&cognito, &endpoint, &spec(&name, false, "OPTIONAL", [5, 1440, 60])).await.unwrap();
    assert!(again.changes.is_empty(), "{:?}", again.changes);
}
