//! The checks that must hold under attack, against moto with real users and real tokens: guards that meet aliases,
//! the last-administrator guard under concurrency, live verification of the caller, and groups claims that cannot
//! be spoofed by group names.
#![allow(clippy::unwrap_used)]

mod support;

use serde_json::json;
use support::{Event, Pool, TokenKind};

const CATALOGUE: &str =
    "listUsers,getUser,disableUser,enableUser,addUserToGroup,removeUserFromGroup,deleteUser,signUserOut";

async fn is_enabled(pool: &Pool, username: &str) -> bool {
    pool.cognito.admin_get_user().user_pool_id(&pool.id).username(username).send().await.unwrap().enabled()
}

async fn enabled_admins(pool: &Pool) -> usize {
    let out = pool.cognito.list_users_in_group().user_pool_id(&pool.id).group_name("Admins").send().await.unwrap();
    out.users().iter().filter(|u| u.enabled()).count()
}

async fn sub_of(pool: &Pool, username: &str) -> String {
    let user = pool.cognito.admin_get_user().user_pool_id(&pool.id).username(username).send().await.unwrap();
    user.user_attributes().iter().find(|a| a.name() == "sub").unwrap().value().unwrap().to_owned()
}

#[tokio::test]
async fn on_a_pool_that_signs_in_by_email_the_guards_meet_the_email_and_the_sub() {
    let pool = Pool::signing_in_by_email(&[("VERIFY_CALLER", "always"), ("ACTIONS", CATALOGUE)]).await;
    pool.user("boss@example.com", &["Admins"]).await;
    pool.user("deputy@example.com", &["Admins"]).await;
    let boss = pool.signed_in("boss@example.com", TokenKind::Access).await;
    assert_ne!(boss.username, "boss@example.com", "in such a pool the user name is the sub");

    for name in ["boss@example.com", boss.sub.as_str()] {
        for route in ["/disableUser", "/deleteUser"] {
            let reply = pool.send(boss.sends(Event::post(route)).json(json!({ "username": name }))).await;
            assert_eq!(reply.status, 409, "{route} of oneself as {name}: {}", reply.body);
        }
    }
    assert!(is_enabled(&pool, "boss@example.com").await, "boss is still enabled");

    // With the deputy gone, boss is the last administrator, and may not leave the group by any name.
    pool.cognito
        .admin_remove_user_from_group()
        .user_pool_id(&pool.id)
        .username("deputy@example.com")
        .group_name("Admins")
        .send()
        .await
        .unwrap();
    for name in ["boss@example.com", boss.sub.as_str()] {
        let reply = pool
            .send(
                boss.sends(Event::post("/removeUserFromGroup"))
                    .json(json!({ "username": name, "groupname": "Admins" })),
            )
            .await;
        assert_eq!(reply.status, 409, "removing the last admin as {name}: {}", reply.body);
        assert!(reply.body["message"].as_str().unwrap().contains("last enabled member of Admins"), "{}", reply.body);
    }
    assert_eq!(pool.groups_of("boss@example.com").await, vec!["Admins"]);

    // The deputy, by email, is somebody else: the guards let that through.
    let reply =
        pool.send(boss.sends(Event::post("/disableUser")).json(json!({ "username": "deputy@example.com" }))).await;
    assert_eq!(reply.status, 200, "{}", reply.body);
    assert!(!is_enabled(&pool, "deputy@example.com").await);
}

#[tokio::test]
async fn on_a_pool_with_an_email_alias_no_name_of_the_caller_passes_the_guards() {
    let pool = Pool::with_email_alias(&[("VERIFY_CALLER", "always"), ("ACTIONS", CATALOGUE)]).await;
    pool.user("alice", &["Admins"]).await;
    pool.user("bob", &["Admins"]).await;
    let alice = pool.signed_in("alice", TokenKind::Access).await;
    // Every name that Cognito may resolve to alice: her user name, her email alias, her sub, a case variant. Where
    // the pool resolves it, the guard sees alice (409); where it does not, Cognito answers that no such user exists
    // (400). Either way alice stays enabled and in Admins.
    for name in ["alice", "alice@example.com", alice.sub.as_str(), "ALICE", "Alice@Example.com"] {
        for route in ["/disableUser", "/deleteUser"] {
            let reply = pool.send(alice.sends(Event::post(route)).json(json!({ "username": name }))).await;
            assert!(matches!(reply.status.as_u16(), 409 | 400), "{route} as {name}: {} {}", reply.status, reply.body);
        }
        assert!(is_enabled(&pool, "alice").await, "alice is still enabled after {name}");
    }
    let by_name = pool.send(alice.sends(Event::post("/disableUser")).json(json!({ "username": "alice" }))).await;
    assert_eq!(by_name.status, 409, "{}", by_name.body);
    assert_eq!(pool.groups_of("alice").await, vec!["Admins"]);
}

/// Two administrators, each acting on the other at the same moment, twenty times over: the group always keeps an
/// enabled member, whichever of the two requests wins.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_admins_disabling_or_removing_each_other_at_once_never_empty_the_group() {
    let pool = Pool::new_with(&[("VERIFY_CALLER", "always"), ("ACTIONS", CATALOGUE)]).await;
    pool.user("ann", &["Admins"]).await;
    pool.user("ben", &["Admins"]).await;
    let ann = pool.signed_in("ann", TokenKind::Access).await;
    let ben = pool.signed_in("ben", TokenKind::Access).await;
    let mut outcomes = std::collections::BTreeMap::new();
    for (route, trials) in [("/disableUser", 20), ("/removeUserFromGroup", 20)] {
        for trial in 0..trials {
            let body = |name: &str| json!({ "username": name, "groupname": "Admins" });
            let (a, b) = tokio::join!(
                pool.send(ann.sends(Event::post(route)).json(body("ben"))),
                pool.send(ben.sends(Event::post(route)).json(body("ann"))),
            );
            for reply in [&a, &b] {
                assert!(matches!(reply.status.as_u16(), 200 | 401 | 403 | 409), "{route}: {}", reply.body);
            }
            *outcomes.entry((route, a.status.as_u16(), b.status.as_u16())).or_insert(0) += 1;
            assert!(enabled_admins(&pool).await >= 1, "{route}, trial {trial}: Admins has no enabled member");
            assert!(a.status != 200 || b.status != 200, "{route}, trial {trial}: both changes went through");
            // Put both back for the next trial.
            for name in ["ann", "ben"] {
                pool.cognito.admin_enable_user().user_pool_id(&pool.id).username(name).send().await.unwrap();
                let add = pool.cognito.admin_add_user_to_group().user_pool_id(&pool.id).group_name("Admins");
                add.username(name).send().await.unwrap();
            }
        }
    }
    eprintln!("outcomes (route, ann's status, ben's status): {outcomes:?}");
}

#[tokio::test]
async fn a_disabled_admin_is_refused_at_once_as_the_setting_says() {
    for (verify, read, write) in [("always", 401, 401), ("mutations", 200, 401), ("off", 200, 200)] {
        let pool = Pool::new_with(&[("VERIFY_CALLER", verify), ("ACTIONS", CATALOGUE)]).await;
        pool.user("eve", &["Admins"]).await;
        pool.user("root", &["Admins"]).await;
        pool.user("victim", &[]).await;
        let eve = pool.signed_in("eve", TokenKind::Access).await;
        assert_eq!(pool.send(eve.sends(Event::get("/listUsers"))).await.status, 200, "{verify}: before");
        pool.cognito.admin_disable_user().user_pool_id(&pool.id).username("eve").send().await.unwrap();
        let reply = pool.send(eve.sends(Event::get("/listUsers"))).await;
        assert_eq!(reply.status, read, "{verify}: a read by a disabled admin: {}", reply.body);
        let reply = pool.send(eve.sends(Event::post("/disableUser")).json(json!({"username": "victim"}))).await;
        assert_eq!(reply.status, write, "{verify}: a change by a disabled admin: {}", reply.body);
        if write == 401 {
            // An access token is checked with GetUser, which answers the same for a disabled and a signed-out user.
            assert!(reply.message().starts_with("Unauthorized: this token is no longer valid"), "{}", reply.body);
            assert!(is_enabled(&pool, "victim").await);
        }
    }
}

#[tokio::test]
async fn a_demoted_admin_cannot_act_nor_add_himself_back() {
    let pool = Pool::new_with(&[("VERIFY_CALLER", "always"), ("ACTIONS", CATALOGUE)]).await;
    pool.user("dan", &["Admins"]).await;
    pool.user("root", &["Admins"]).await;
    let dan = pool.signed_in("dan", TokenKind::Access).await;
    assert_eq!(dan.claims["cognito:groups"], "Admins");
    pool.cognito
        .admin_remove_user_from_group()
        .user_pool_id(&pool.id)
        .username("dan")
        .group_name("Admins")
        .send()
        .await
        .unwrap();
    // His token still says Admins.
    let reply = pool
        .send(dan.sends(Event::post("/addUserToGroup")).json(json!({"username": "dan", "groupname": "Admins"})))
        .await;
    reply.assert_error(403, "User does not have permissions to perform administrative tasks");
    assert!(pool.groups_of("dan").await.is_empty());
    pool.send(dan.sends(Event::get("/listUsers"))).await.assert_error(403, support::FORBIDDEN);
}

#[tokio::test]
async fn a_signed_out_admin_is_refused_at_once() {
    let pool = Pool::new_with(&[("VERIFY_CALLER", "always"), ("ACTIONS", CATALOGUE)]).await;
    pool.user("sam", &["Admins"]).await;
    let sam = pool.signed_in("sam", TokenKind::Access).await;
    assert_eq!(pool.send(sam.sends(Event::get("/listUsers"))).await.status, 200);
    pool.cognito.admin_user_global_sign_out().user_pool_id(&pool.id).username("sam").send().await.unwrap();
    let reply = pool.send(sam.sends(Event::get("/listUsers"))).await;
    assert_eq!(reply.status, 401, "{}", reply.body);
    assert!(reply.message().contains("signed out"), "{}", reply.body);
}

#[tokio::test]
async fn id_token_callers_are_verified_through_their_user() {
    let pool = Pool::new_with(&[("VERIFY_CALLER", "always"), ("ACTIONS", CATALOGUE)]).await;
    pool.user("ida", &["Admins"]).await;
    let ida = pool.signed_in("ida", TokenKind::Id).await;
    assert_eq!(pool.send(ida.sends(Event::get("/listUsers"))).await.status, 200);
    pool.cognito.admin_disable_user().user_pool_id(&pool.id).username("ida").send().await.unwrap();
    pool.send(ida.sends(Event::get("/listUsers"))).await.assert_error(401, "Unauthorized: this account is disabled");

    // A user deleted and made again under the same name is not the token's user.
    pool.cognito.admin_delete_user().user_pool_id(&pool.id).username("ida").send().await.unwrap();
    pool.user("ida", &["Admins"]).await;
    assert_ne!(sub_of(&pool, "ida").await, ida.sub);
    let reply = pool.send(ida.sends(Event::get("/listUsers"))).await;
    reply.assert_error(401, "Unauthorized: this token's user no longer exists");
}

#[tokio::test]
async fn group_names_with_separators_never_grant_the_administering_group() {
    for verify in ["off", "always"] {
        let pool = Pool::new_with(&[("VERIFY_CALLER", verify), ("ACTIONS", CATALOGUE)]).await;
        for name in ["Ops,Admins", "[Admins]", "Admins Team"] {
            pool.cognito.create_group().user_pool_id(&pool.id).group_name(name).send().await.unwrap();
        }
        pool.user("mallory", &["Ops,Admins", "[Admins]", "Admins Team"]).await;
        let mallory = pool.signed_in("mallory", TokenKind::Access).await;
        // The claim as a REST authorizer flattens it, and each group alone.
        for claim in ["Ops,Admins,[Admins],Admins Team", "Ops,Admins", "[Admins]", "Admins Team"] {
            let mut caller = mallory.clone();
            caller.claims["cognito:groups"] = json!(claim);
            let reply = pool.send(caller.sends(Event::get("/listUsers"))).await;
            reply.assert_error(403, support::FORBIDDEN);
        }
        // A real member of Admins whose other group has a separator in its name still gets in.
        pool.user("carol", &["Admins", "Ops,Admins"]).await;
        let carol = pool.signed_in("carol", TokenKind::Access).await;
        assert_eq!(pool.send(carol.sends(Event::get("/listUsers"))).await.status, 200, "{verify}");
    }
}

#[tokio::test]
async fn sign_user_out_accepts_the_callers_alias_only() {
    let pool = Pool::signing_in_by_email(&[("VERIFY_CALLER", "always"), ("ACTIONS", CATALOGUE)]).await;
    pool.user("una@example.com", &[]).await;
    pool.user("other@example.com", &[]).await;
    let una = pool.signed_in("una@example.com", TokenKind::Access).await;
    for name in ["other@example.com", "nobody@example.com", "null"] {
        let reply = pool.send(una.sends(Event::post("/signUserOut")).json(json!({ "username": name }))).await;
        reply.assert_error(400, "only the user can sign themselves out");
    }
    let reply = pool.send(una.sends(Event::post("/signUserOut")).json(json!({ "username": "una@example.com" }))).await;
    reply.assert_ok();
    assert!(pool.cognito.get_user().access_token(&una.token).send().await.is_err(), "the token was revoked");
}
