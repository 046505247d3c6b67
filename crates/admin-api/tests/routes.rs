//! Every route's success body, against data on moto.
#![allow(clippy::unwrap_used)]

mod support;

use std::collections::BTreeSet;

use serde_json::json;
use support::{Event, Pool, TokenKind};

const ADMIN: &[&str] = &["Admins"];

#[tokio::test]
async fn add_user_to_group_adds_and_says_so() {
    let pool = Pool::new().await;
    pool.user("bob", &[]).await;
    let reply = pool
        .send(
            Event::post("/addUserToGroup")
                .caller("admin", ADMIN)
                .json(json!({"username": "bob", "groupname": "Editors"})),
        )
        .await;
    assert_eq!(reply.assert_ok(), &json!({"message": "Success adding bob to Editors"}));
    assert_eq!(pool.groups_of("bob").await, vec!["Editors"]);
}

#[tokio::test]
async fn form_encoded_bodies_work_like_json() {
    let pool = Pool::new().await;
    pool.user("bob", &[]).await;
    let event = Event::post("/addUserToGroup")
        .caller("admin", ADMIN)
        .header("Content-Type", "application/x-www-form-urlencoded")
        .raw_body("username=bob&groupname=Editors");
    assert_eq!(pool.send(event).await.assert_ok(), &json!({"message": "Success adding bob to Editors"}));
    assert_eq!(pool.groups_of("bob").await, vec!["Editors"]);
}

#[tokio::test]
async fn remove_user_from_group_removes() {
    let pool = Pool::new().await;
    pool.user("bob", &["Editors"]).await;
    let reply = pool
        .send(
            Event::post("/removeUserFromGroup")
                .caller("admin", ADMIN)
                .json(json!({"username": "bob", "groupname": "Editors"})),
        )
        .await;
    assert_eq!(reply.assert_ok(), &json!({"message": "Removed bob from Editors"}));
    assert!(pool.groups_of("bob").await.is_empty());
}

#[tokio::test]
async fn confirm_user_sign_up_confirms() {
    let pool = Pool::new().await;
    let client = pool.cognito.create_user_pool_client().user_pool_id(&pool.id).client_name("web").send().await.unwrap();
    let client_id = client.user_pool_client().unwrap().client_id().unwrap().to_owned();
    pool.cognito.sign_up().client_id(client_id).username("carol").password("Passw0rd!-long").send().await.unwrap();
    let status = |pool: &Pool| {
        let (cognito, id) = (pool.cognito.clone(), pool.id.clone());
        async move {
            let user = cognito.admin_get_user().user_pool_id(id).username("carol").send().await.unwrap();
            user.user_status().unwrap().as_str().to_owned()
        }
    };
    assert_eq!(status(&pool).await, "UNCONFIRMED");
    let reply =
        pool.send(Event::post("/confirmUserSignUp").caller("admin", ADMIN).json(json!({"username": "carol"}))).await;
    assert_eq!(reply.assert_ok(), &json!({"message": "Confirmed carol registration"}));
    assert_eq!(status(&pool).await, "CONFIRMED");
}

#[tokio::test]
async fn disable_then_enable_user() {
    let pool = Pool::new().await;
    pool.user("bob", &[]).await;
    let enabled = |pool: &Pool| {
        let (cognito, id) = (pool.cognito.clone(), pool.id.clone());
        async move { cognito.admin_get_user().user_pool_id(id).username("bob").send().await.unwrap().enabled() }
    };
    let reply = pool.send(Event::post("/disableUser").caller("admin", ADMIN).json(json!({"username": "bob"}))).await;
    assert_eq!(reply.assert_ok(), &json!({"message": "Disabled bob"}));
    assert!(!enabled(&pool).await);
    let reply = pool.send(Event::post("/enableUser").caller("admin", ADMIN).json(json!({"username": "bob"}))).await;
    assert_eq!(reply.assert_ok(), &json!({"message": "Enabled bob"}));
    assert!(enabled(&pool).await);
}

#[tokio::test]
async fn get_user_returns_cognito_shape() {
    let pool = Pool::new().await;
    pool.user("bob", &[]).await;
    let reply = pool.send(Event::get("/getUser").caller("admin", ADMIN).query(&[("username", "bob")])).await;
    let body = reply.assert_ok();
    assert_eq!(body["Username"], "bob");
    assert_eq!(body["Enabled"], true);
    assert_eq!(body["UserStatus"], "FORCE_CHANGE_PASSWORD");
    let attributes = body["UserAttributes"].as_array().unwrap();
    assert!(attributes.contains(&json!({"Name": "email", "Value": "bob@example.com"})), "{attributes:?}");
    assert_iso_millis(&body["UserCreateDate"]);
    assert_iso_millis(&body["UserLastModifiedDate"]);
    assert!(body.get("$metadata").is_none());
    assert!(body.as_object().unwrap().values().all(|v| !v.is_null()), "no member is null: {body}");
}

fn assert_iso_millis(value: &serde_json::Value) {
    let text = value.as_str().unwrap_or_else(|| panic!("not a string: {value}"));
    // 2023-11-14T22:13:20.123Z
    assert_eq!(text.len(), 24, "{text}");
    assert!(text.ends_with('Z') && text.as_bytes()[10] == b'T' && text.as_bytes()[19] == b'.', "{text}");
}

#[tokio::test]
async fn list_users_pages_through_130_users() {
    let pool = Pool::new().await;
    let mut created = BTreeSet::new();
    for i in 0..131 {
        let name = format!("user{i:03}");
        pool.user(&name, &[]).await;
        created.insert(name);
    }
    let mut seen = BTreeSet::new();
    let mut token: Option<String> = None;
    let mut pages = 0;
    loop {
        let mut query = vec![("limit", "60".to_owned())];
        if let Some(t) = &token {
            query.push(("token", t.clone()));
        }
        let query: Vec<(&str, &str)> = query.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let reply = pool.send(Event::get("/listUsers").caller("admin", ADMIN).query(&query)).await;
        let body = reply.assert_ok();
        let users = body["Users"].as_array().unwrap();
        assert!(users.len() <= 60);
        for user in users {
            assert_iso_millis(&user["UserCreateDate"]);
            assert!(seen.insert(user["Username"].as_str().unwrap().to_owned()), "a user came twice");
        }
        assert!(body.get("PaginationToken").is_none(), "PaginationToken is renamed NextToken");
        pages += 1;
        match body.get("NextToken") {
            Some(next) => token = Some(next.as_str().unwrap().to_owned()),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, created);
}

#[tokio::test]
async fn list_users_defaults_to_25_and_0_means_cognitos_default() {
    let pool = Pool::new().await;
    for i in 0..30 {
        pool.user(&format!("u{i}"), &[]).await;
    }
    let body = pool.send(Event::get("/listUsers").caller("admin", ADMIN)).await.assert_ok().clone();
    assert_eq!(body["Users"].as_array().unwrap().len(), 25);
    assert!(body["NextToken"].is_string());
    let body = pool.send(Event::get("/listUsers").caller("admin", ADMIN).query(&[("limit", ""), ("token", "")])).await;
    assert_eq!(body.assert_ok()["Users"].as_array().unwrap().len(), 25, "empty limit and token are ignored");
    // aws-amplify v6 sends `token=undefined` for `queryParams: {token: nextToken}` on the first page.
    for absent in ["undefined", "null"] {
        let body = pool.send(Event::get("/listUsers").caller("admin", ADMIN).query(&[("token", absent)])).await;
        let first = body.assert_ok();
        assert_eq!(first["Users"].as_array().unwrap().len(), 25, "token={absent} is the first page");
        assert!(first["NextToken"].is_string());
    }
    let body = pool.send(Event::get("/listUsers").caller("admin", ADMIN).query(&[("limit", "0")])).await;
    assert!(body.assert_ok()["Users"].as_array().unwrap().len() >= 25, "0 sends no Limit");
}

#[tokio::test]
async fn list_groups_returns_every_field() {
    let pool = Pool::new().await;
    let reply = pool.send(Event::get("/listGroups").caller("admin", ADMIN)).await;
    let groups = reply.assert_ok()["Groups"].as_array().unwrap().clone();
    let admins = groups.iter().find(|g| g["GroupName"] == "Admins").unwrap();
    assert_eq!(admins["Precedence"], 1);
    assert_eq!(admins["UserPoolId"], pool.id.as_str());
    assert_iso_millis(&admins["CreationDate"]);
    assert_iso_millis(&admins["LastModifiedDate"]);
    assert_eq!(groups.len(), 2);
    assert!(reply.body.get("NextToken").is_none());
}

#[tokio::test]
async fn list_groups_pages_with_token() {
    let pool = Pool::new().await;
    for i in 0..5 {
        pool.cognito.create_group().user_pool_id(&pool.id).group_name(format!("g{i}")).send().await.unwrap();
    }
    let first = pool.send(Event::get("/listGroups").caller("admin", ADMIN).query(&[("limit", "4")])).await;
    let first = first.assert_ok().clone();
    assert_eq!(first["Groups"].as_array().unwrap().len(), 4);
    let token = first["NextToken"].as_str().unwrap();
    let second =
        pool.send(Event::get("/listGroups").caller("admin", ADMIN).query(&[("limit", "4"), ("token", token)])).await;
    let second = second.assert_ok();
    assert_eq!(second["Groups"].as_array().unwrap().len(), 3);
    assert!(second.get("NextToken").is_none());
}

#[tokio::test]
async fn list_groups_for_user_cuts_groups_down() {
    let pool = Pool::new().await;
    for (group, description) in [("Editors", "Edit content"), ("Admins", "Administer users")] {
        pool.cognito
            .update_group()
            .user_pool_id(&pool.id)
            .group_name(group)
            .description(description)
            .send()
            .await
            .unwrap();
    }
    pool.user("bob", &["Editors", "Admins"]).await;
    let reply = pool.send(Event::get("/listGroupsForUser").caller("admin", ADMIN).query(&[("username", "bob")])).await;
    let mut groups = reply.assert_ok()["Groups"].as_array().unwrap().clone();
    groups.sort_by_key(|g| g["GroupName"].as_str().unwrap().to_owned());
    assert_eq!(
        groups,
        vec![
            json!({"GroupName": "Admins", "Description": "Administer users"}),
            json!({"GroupName": "Editors", "Description": "Edit content"})
        ]
    );
}

#[tokio::test]
async fn list_users_in_group_lists_members_only() {
    let pool = Pool::new().await;
    pool.user("bob", &["Editors"]).await;
    pool.user("eve", &[]).await;
    let reply =
        pool.send(Event::get("/listUsersInGroup").caller("admin", ADMIN).query(&[("groupname", "Editors")])).await;
    let users = reply.assert_ok()["Users"].as_array().unwrap().clone();
    let names: Vec<&str> = users.iter().map(|u| u["Username"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["bob"]);
    assert_eq!(users[0]["Attributes"].as_array().map(Vec::is_empty), Some(false));
}

#[tokio::test]
async fn update_user_attributes_updates() {
    let pool = Pool::new().await;
    pool.user("bob", &[]).await;
    let event = Event::post("/updateUserAttributes")
        .caller("admin", ADMIN)
        .json(json!({"username": "bob", "attributes": [{"Name": "email", "Value": "robert@example.com"}]}));
    assert_eq!(pool.send(event).await.assert_ok(), &json!({"message": "Success updating bob attributes"}));
    let user = pool.cognito.admin_get_user().user_pool_id(&pool.id).username("bob").send().await.unwrap();
    let email = user.user_attributes().iter().find(|a| a.name() == "email").and_then(|a| a.value());
    assert_eq!(email, Some("robert@example.com"));
}

#[tokio::test]
async fn sign_user_out_with_access_token_signs_the_caller_out() {
    let pool = Pool::new().await;
    pool.user("bob", &[]).await;
    let bob = pool.signed_in("bob", TokenKind::Access).await;
    let access_token = bob.token.clone();
    assert!(pool.cognito.get_user().access_token(&access_token).send().await.is_ok());
    // bob is in no group: signUserOut is exempt from the group check.
    let reply = pool.send(bob.sends(Event::post("/signUserOut")).json(json!({"username": "bob"}))).await;
    assert_eq!(reply.assert_ok(), &json!({"message": "Signed out bob from all devices"}));
    assert!(pool.cognito.get_user().access_token(&access_token).send().await.is_err(), "the token was revoked");
}

#[tokio::test]
async fn sign_user_out_with_id_token_uses_cognito_username() {
    let pool = Pool::new().await;
    pool.user("bob", &[]).await;
    let access_token = pool.sign_in("bob").await.access;
    let bob = pool.signed_in("bob", TokenKind::Id).await;
    let reply = pool.send(bob.sends(Event::post("/signUserOut")).json(json!({"username": "bob"}))).await;
    assert_eq!(reply.assert_ok(), &json!({"message": "Signed out bob from all devices"}));
    assert!(pool.cognito.get_user().access_token(&access_token).send().await.is_err(), "the token was revoked");
}

#[tokio::test]
async fn no_group_restriction_lets_any_signed_in_user_administer() {
    let pool = Pool::with_group(None).await;
    pool.user("bob", &[]).await;
    let reply = pool.send(Event::get("/getUser").caller("someone", &[]).query(&[("username", "bob")])).await;
    assert_eq!(reply.assert_ok()["Username"], "bob");
}
