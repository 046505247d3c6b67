//! The action catalogue: actions off until enabled, access rules per action, the extra actions against moto,
//! the listUsers filter, and the guard rails against locking administrators out.
#![allow(clippy::unwrap_used)]

mod support;

use serde_json::json;
use support::{Event, Pool, TokenKind};

const ALL: &str = "addUserToGroup,removeUserFromGroup,confirmUserSignUp,disableUser,enableUser,getUser,listUsers,\
listGroups,listGroupsForUser,listUsersInGroup,signUserOut,updateUserAttributes,createUser,deleteUser,resetUserPassword,\
setUserPassword,deleteUserAttributes,createGroup,deleteGroup,getGroup";
const ADMIN: &[&str] = &["Admins"];

async fn pool() -> Pool {
    Pool::with_env(&[("GROUP", "Admins"), ("ACTIONS", ALL)]).await
}

#[tokio::test]
async fn extra_actions_are_off_until_enabled_and_disabled_ones_are_404() {
    let default = Pool::new().await;
    let reply = default.send(Event::post("/createUser").caller("admin", ADMIN).json(json!({"username": "x"}))).await;
    reply.assert_error(404, "Not found: POST /createUser");
    let narrow = Pool::with_env(&[("GROUP", "Admins"), ("ACTIONS", "listUsers")]).await;
    let reply = narrow.send(Event::post("/disableUser").caller("admin", ADMIN).json(json!({"username": "x"}))).await;
    assert_eq!(reply.status, 404, "a disabled Amplify route is absent too");
    assert_eq!(narrow.send(Event::get("/listUsers").caller("admin", ADMIN)).await.status, 200);
}

#[tokio::test]
async fn access_rules_let_support_read_but_not_disable() {
    let pool = Pool::with_env(&[
        ("GROUP", "Admins"),
        ("ACCESS_RULES", r#"{"listUsers":["Admins","Support"],"getUser":["Admins","Support"]}"#),
    ])
    .await;
    pool.user("bob", &[]).await;
    assert_eq!(pool.send(Event::get("/listUsers").caller("sue", &["Support"])).await.status, 200);
    assert_eq!(
        pool.send(Event::get("/getUser").caller("sue", &["Support"]).query(&[("username", "bob")])).await.status,
        200
    );
    let reply =
        pool.send(Event::post("/disableUser").caller("sue", &["Support"]).json(json!({"username": "bob"}))).await;
    reply.assert_error(403, "User does not have permissions to perform administrative tasks");
    assert_eq!(pool.send(Event::get("/listUsers").caller("admin", ADMIN)).await.status, 200, "Admins keep listUsers");
    let reply = pool.send(Event::get("/listUsers").caller("eve", &["Editors"])).await;
    assert_eq!(reply.status, 403);
}

#[tokio::test]
async fn create_user_with_attributes_and_a_temporary_password() {
    let pool = pool().await;
    let event = Event::post("/createUser").caller("admin", ADMIN).json(json!({
        "username": "carol",
        "attributes": [{"Name": "email", "Value": "carol@example.com"}],
        "temporaryPassword": "Temp-Passw0rd!",
        "suppressInvitation": true,
    }));
    let reply = pool.send(event).await;
    let body = reply.assert_ok();
    assert_eq!(body["message"], "Created carol");
    assert_eq!(body["User"]["Username"], "carol");
    assert_eq!(body["User"]["UserStatus"], "FORCE_CHANGE_PASSWORD");
    let user = pool.cognito.admin_get_user().user_pool_id(&pool.id).username("carol").send().await.unwrap();
    assert!(user.user_attributes().iter().any(|a| a.name() == "email" && a.value() == Some("carol@example.com")));
    let both = pool
        .send(
            Event::post("/createUser")
                .caller("admin", ADMIN)
                .json(json!({"username": "dan", "suppressInvitation": true, "resendInvitation": true})),
        )
        .await;
    both.assert_error(400, "suppressInvitation and resendInvitation cannot both be true");
    let wrong = pool
        .send(
            Event::post("/createUser")
                .caller("admin", ADMIN)
                .json(json!({"username": "dan", "suppressInvitation": "yes"})),
        )
        .await;
    wrong.assert_error(400, "suppressInvitation must be true or false");
}

#[tokio::test]
async fn set_and_reset_passwords_and_delete_attributes() {
    let pool = pool().await;
    pool.user("bob", &[]).await;
    let reply = pool
        .send(
            Event::post("/setUserPassword")
                .caller("admin", ADMIN)
                .json(json!({"username": "bob", "password": "Perm-Passw0rd!", "permanent": true})),
        )
        .await;
    assert_eq!(reply.assert_ok()["message"], "Set a permanent password for bob");
    let status = pool.cognito.admin_get_user().user_pool_id(&pool.id).username("bob").send().await.unwrap();
    assert_eq!(status.user_status().unwrap().as_str(), "CONFIRMED");
    let reply =
        pool.send(Event::post("/setUserPassword").caller("admin", ADMIN).json(json!({"username": "bob"}))).await;
    reply.assert_error(400, "username and password are required");

    // Cognito resets only a user it can send the code to: a verified email.
    let verified = support::attr("email_verified", "true");
    pool.cognito
        .admin_update_user_attributes()
        .user_pool_id(&pool.id)
        .username("bob")
        .user_attributes(verified)
        .send()
        .await
        .unwrap();
    let reply =
        pool.send(Event::post("/resetUserPassword").caller("admin", ADMIN).json(json!({"username": "bob"}))).await;
    assert_eq!(reply.assert_ok()["message"], "Reset the password of bob");
    let status = pool.cognito.admin_get_user().user_pool_id(&pool.id).username("bob").send().await.unwrap();
    assert_eq!(status.user_status().unwrap().as_str(), "RESET_REQUIRED");

    let reply = pool
        .send(
            Event::post("/deleteUserAttributes")
                .caller("admin", ADMIN)
                .json(json!({"username": "bob", "attributeNames": ["email"]})),
        )
        .await;
    assert_eq!(reply.assert_ok()["message"], "Deleted attributes of bob");
    let user = pool.cognito.admin_get_user().user_pool_id(&pool.id).username("bob").send().await.unwrap();
    assert!(!user.user_attributes().iter().any(|a| a.name() == "email"));
}

#[tokio::test]
async fn groups_are_created_read_and_deleted_but_never_the_admin_group() {
    let pool = pool().await;
    let reply = pool
        .send(
            Event::post("/createGroup")
                .caller("admin", ADMIN)
                .json(json!({"groupname": "Support", "description": "Help desk", "precedence": 5})),
        )
        .await;
    let created = reply.assert_ok();
    assert_eq!((created["GroupName"].as_str(), created["Precedence"].as_i64()), (Some("Support"), Some(5)));
    let reply = pool.send(Event::get("/getGroup").caller("admin", ADMIN).query(&[("groupname", "Support")])).await;
    assert_eq!(reply.assert_ok()["Description"], "Help desk");
    let reply =
        pool.send(Event::post("/deleteGroup").caller("admin", ADMIN).json(json!({"groupname": "Support"}))).await;
    assert_eq!(reply.assert_ok()["message"], "Deleted Support");
    let reply = pool.send(Event::get("/getGroup").caller("admin", ADMIN).query(&[("groupname", "Support")])).await;
    assert_eq!((reply.status.as_u16(), reply.body["code"].as_str()), (400, Some("ResourceNotFoundException")));
    let reply =
        pool.send(Event::post("/deleteGroup").caller("admin", ADMIN).json(json!({"groupname": "Admins"}))).await;
    reply.assert_error(409, "Admins administers this API and cannot be deleted");
}

#[tokio::test]
async fn no_one_can_disable_or_delete_themselves() {
    let pool = pool().await;
    pool.user("admin", ADMIN).await;
    pool.user("other", ADMIN).await;
    let admin = pool.signed_in("admin", TokenKind::Access).await;
    let other = pool.signed_in("other", TokenKind::Access).await;
    let reply = pool.send(admin.sends(Event::post("/disableUser")).json(json!({"username": "admin"}))).await;
    reply.assert_error(409, "You cannot disable yourself: ask another administrator");
    let reply = pool.send(admin.sends(Event::post("/deleteUser")).json(json!({"username": "admin"}))).await;
    reply.assert_error(409, "You cannot delete yourself: ask another administrator");
    let reply = pool.send(other.sends(Event::post("/deleteUser")).json(json!({"username": "admin"}))).await;
    assert_eq!(reply.assert_ok()["message"], "Deleted admin", "another administrator may");
}

#[tokio::test]
async fn the_last_administrator_cannot_be_removed_disabled_or_deleted() {
    let pool = pool().await;
    pool.user("last", ADMIN).await;
    let expected = |what: &str| {
        format!(
            "last is the last enabled member of Admins, the group that administers this API, and cannot be {what}: add another administrator first"
        )
    };
    // The caller here is an administrator by claims whose user is not in the pool (e.g. a break-glass token).
    let reply = pool
        .send(
            Event::post("/removeUserFromGroup")
                .caller("root", ADMIN)
                .json(json!({"username": "last", "groupname": "Admins"})),
        )
        .await;
    reply.assert_error(409, &expected("removed from it"));
    let reply = pool.send(Event::post("/disableUser").caller("root", ADMIN).json(json!({"username": "last"}))).await;
    reply.assert_error(409, &expected("disabled"));
    let reply = pool.send(Event::post("/deleteUser").caller("root", ADMIN).json(json!({"username": "last"}))).await;
    reply.assert_error(409, &expected("deleted"));
    // With a second administrator, the first may go.
    pool.user("second", ADMIN).await;
    let reply = pool
        .send(
            Event::post("/removeUserFromGroup")
                .caller("root", ADMIN)
                .json(json!({"username": "last", "groupname": "Admins"})),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.body);
}

#[tokio::test]
async fn list_users_filters_by_a_structured_filter() {
    let pool = pool().await;
    for name in ["alice", "alina", "bob"] {
        pool.user(name, &[]).await;
    }
    let names = |body: &serde_json::Value| {
        let mut names: Vec<String> =
            body["Users"].as_array().unwrap().iter().map(|u| u["Username"].as_str().unwrap().to_owned()).collect();
        names.sort();
        names
    };
    let reply = pool
        .send(
            Event::get("/listUsers")
                .caller("admin", ADMIN)
                .query(&[("filterAttribute", "email"), ("filterValue", "bob@example.com")]),
        )
        .await;
    assert_eq!(names(reply.assert_ok()), vec!["bob"]);
    let reply = pool
        .send(Event::get("/listUsers").caller("admin", ADMIN).query(&[
            ("filterAttribute", "username"),
            ("filterType", "^="),
            ("filterValue", "ali"),
        ]))
        .await;
    assert_eq!(names(reply.assert_ok()), vec!["alice", "alina"]);
    // An injection attempt is one literal value, which matches nobody.
    let reply = pool
        .send(
            Event::get("/listUsers")
                .caller("admin", ADMIN)
                .query(&[("filterAttribute", "username"), ("filterValue", "x\" or username ^= \"")]),
        )
        .await;
    assert_eq!(names(reply.assert_ok()), Vec::<String>::new());
    let reply = pool
        .send(
            Event::get("/listUsers")
                .caller("admin", ADMIN)
                .query(&[("filterAttribute", "custom:tier"), ("filterValue", "x")]),
        )
        .await;
    assert_eq!(reply.status, 400);
    assert!(reply.message().starts_with("filterAttribute must be one of"), "{}", reply.message());
}

#[tokio::test]
async fn list_users_returns_only_the_attributes_asked_for() {
    let pool = pool().await;
    pool.user("bob", &[]).await;
    let reply = pool.send(Event::get("/listUsers").caller("admin", ADMIN).query(&[("attributes", "email")])).await;
    let body = reply.assert_ok();
    let attributes = body["Users"][0]["Attributes"].as_array().unwrap();
    assert_eq!(attributes, &vec![json!({"Name": "email", "Value": "bob@example.com"})]);
}
