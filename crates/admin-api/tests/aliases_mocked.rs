//! The guards on Cognito's answers that moto cannot give: a pool where `AdminGetUser` resolves an email alias, a
//! `preferred_username` or a case variant to the canonical user (moto resolves only the sign-in attribute). The
//! SDK's own mocking utilities (aws-smithy-mocks) answer; every call goes through the real client and the real router.
#![allow(clippy::unwrap_used)]

mod support;

use admin_api::{AppState, Config, router};
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::operation::admin_get_user::AdminGetUserOutput;
use aws_sdk_cognitoidentityprovider::operation::list_users_in_group::ListUsersInGroupOutput;
use aws_sdk_cognitoidentityprovider::types::{AttributeType, UserType};
use aws_smithy_mocks::{Rule, RuleMode, mock, mock_client};
use serde_json::json;
use support::{Event, access_claims, send};

const ALICE_NAMES: &[&str] = &["ALICE", "Alice@Example.com", "alice@example.com", "Al", "s-alice"];

fn attr(name: &str, value: &str) -> AttributeType {
    AttributeType::builder().name(name).value(value).build().unwrap()
}

/// `AdminGetUser` as a pool with an email alias, `preferred_username` and case-insensitive names answers for any of
/// alice's names.
fn resolves_alice() -> Rule {
    mock!(Client::admin_get_user)
        .match_requests(|r| r.username().is_some_and(|n| ALICE_NAMES.contains(&n) || n == "alice"))
        .then_output(|| {
            AdminGetUserOutput::builder()
                .username("alice")
                .user_attributes(attr("sub", "s-alice"))
                .user_attributes(attr("email", "alice@example.com"))
                .enabled(true)
                .build()
                .unwrap()
        })
}

fn member(name: &str, sub: &str, enabled: bool) -> UserType {
    UserType::builder().username(name).attributes(attr("sub", sub)).enabled(enabled).build()
}

fn app(client: Client) -> axum::Router {
    let config = Config::from_lookup(|name| match name {
        "USERPOOL" => Some("us-east-1_Mock0Pool".to_owned()),
        "GROUP" => Some("Admins".to_owned()),
        "ACTIONS" => Some("disableUser,deleteUser,removeUserFromGroup,signUserOut".to_owned()),
        "VERIFY_CALLER" => Some("off".to_owned()),
        _ => None,
    })
    .unwrap();
    router(AppState::new(config, client))
}

fn alice() -> serde_json::Value {
    let mut claims = access_claims("alice", &["Admins"]);
    claims["sub"] = json!("s-alice");
    claims
}

#[tokio::test]
async fn every_name_of_the_caller_meets_the_self_guards() {
    let get = resolves_alice();
    let members = mock!(Client::list_users_in_group).then_output(|| {
        ListUsersInGroupOutput::builder()
            .users(member("alice", "s-alice", true))
            .users(member("bob", "s-bob", true))
            .build()
    });
    let disable = mock!(Client::admin_disable_user).then_error(|| unreachable_call("AdminDisableUser"));
    let delete = mock!(Client::admin_delete_user).then_error(|| unreachable_call("AdminDeleteUser"));
    let client = mock_client!(aws_sdk_cognitoidentityprovider, RuleMode::MatchAny, [&get, &members, &disable, &delete]);
    let app = app(client);
    for name in ALICE_NAMES {
        for (route, verb) in [("/disableUser", "disable"), ("/deleteUser", "delete")] {
            let reply = send(&app, Event::post(route).claims(alice()).json(json!({ "username": name }))).await;
            reply.assert_error(409, &format!("You cannot {verb} yourself: ask another administrator"));
        }
    }
    assert_eq!(get.num_calls(), ALICE_NAMES.len() * 2, "every name was resolved");
    assert_eq!(disable.num_calls() + delete.num_calls(), 0, "nothing reached Cognito's change");
}

#[tokio::test]
async fn the_last_enabled_admin_cannot_leave_by_an_alias() {
    let get = resolves_alice();
    // bob is in Admins too, but disabled: alice is the last enabled member.
    let members = mock!(Client::list_users_in_group).then_output(|| {
        ListUsersInGroupOutput::builder()
            .users(member("alice", "s-alice", true))
            .users(member("bob", "s-bob", false))
            .build()
    });
    let remove =
        mock!(Client::admin_remove_user_from_group).then_error(|| unreachable_call("AdminRemoveUserFromGroup"));
    let client = mock_client!(aws_sdk_cognitoidentityprovider, RuleMode::MatchAny, [&get, &members, &remove]);
    let app = app(client);
    for name in ALICE_NAMES {
        let event =
            Event::post("/removeUserFromGroup").claims(alice()).json(json!({"username": name, "groupname": "Admins"}));
        let reply = send(&app, event).await;
        assert_eq!(reply.status, 409, "{name}: {}", reply.body);
        assert!(reply.message().starts_with("alice is the last enabled member of Admins"), "{}", reply.body);
    }
    assert_eq!(remove.num_calls(), 0);
}

#[tokio::test]
async fn sign_user_out_signs_out_the_caller_by_any_of_their_names() {
    let get = resolves_alice();
    let sign_out = mock!(Client::admin_user_global_sign_out)
        .then_output(|| aws_sdk_cognitoidentityprovider::operation::admin_user_global_sign_out::AdminUserGlobalSignOutOutput::builder().build());
    let client = mock_client!(aws_sdk_cognitoidentityprovider, RuleMode::MatchAny, [&get, &sign_out]);
    let app = app(client);
    let reply =
        send(&app, Event::post("/signUserOut").claims(alice()).json(json!({"username": "Alice@Example.com"}))).await;
    reply.assert_ok();
    assert_eq!(sign_out.num_calls(), 1);
}

fn unreachable_call<E>(operation: &str) -> E {
    panic!("{operation} must not be called: the guard should have refused first")
}
