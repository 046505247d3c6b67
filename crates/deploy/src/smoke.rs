//! The smoke test's plan: the calls that prove a deployed environment answers its contract, built from the config's
//! enabled actions and access rules (never from a list of its own). Every enabled action is called once as the
//! contract says; every disabled one must answer 404. Pure: the command line runs the plan and cleans up.

use admin_api::actions::{ACTIONS, Verb};
use serde_json::{Value, json};

use crate::config::Config;

/// The names a smoke run uses: made up by the caller, so that they are unique and fit the pool (emails where users
/// sign in with one).
#[derive(Debug, Clone)]
pub struct Names {
    /// The temporary administrator who makes the calls (their user name as the token carries it is not needed).
    pub admin: String,
    /// A temporary user the calls act on.
    pub subject: String,
    /// A user `createUser` makes and `deleteUser` removes.
    pub created: String,
    /// A group `createGroup` makes and `deleteGroup` removes.
    pub new_group: String,
    /// A password that meets the pool's policy.
    pub password: String,
}

/// One call and what it must answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    /// The action called, or the route for a call outside the table.
    pub action: String,
    pub method: &'static str,
    pub path: String,
    pub body: Option<Value>,
    /// The statuses that pass.
    pub status: &'static [u16],
    /// A JSON pointer into the answer and the value it must hold.
    pub expect: Option<(&'static str, Value)>,
}

/// A group that exists for the membership calls: the first of the config's groups.
pub fn member_group(config: &Config) -> String {
    config.effective_groups().first().map_or_else(|| "Admins".to_owned(), |g| g.name.clone())
}

fn is_enabled(config: &Config, name: &str) -> bool {
    config.enabled_actions().iter().any(|a| a.name == name)
}

fn query(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap_or_default()
}

/// The call of `action` with what it must answer, in the order the plan makes them.
fn call(config: &Config, names: &Names, action: &str) -> Option<Check> {
    let (s, group, admin) = (names.subject.as_str(), member_group(config), names.admin.as_str());
    let get = |path: String, status, expect| Check {
        action: action.to_owned(),
        method: "GET",
        path: format!("/{action}{path}"),
        body: None,
        status,
        expect,
    };
    let post = |body: Value, status, expect| Check {
        action: action.to_owned(),
        method: "POST",
        path: format!("/{action}"),
        body: Some(body),
        status,
        expect,
    };
    let message = |text: String| Some(("/message", json!(text)));
    Some(match action {
        "listUsers" => get(format!("?{}", query(&[("limit", "60")])), &[200], None),
        "listGroups" => get(String::new(), &[200], None),
        "getUser" => get(format!("?{}", query(&[("username", s)])), &[200], Some(("/Username", json!(s)))),
        "getGroup" => get(format!("?{}", query(&[("groupname", &group)])), &[200], Some(("/GroupName", json!(group)))),
        "addUserToGroup" => {
            post(json!({"username": s, "groupname": group}), &[200], message(format!("Success adding {s} to {group}")))
        }
        "listUsersInGroup" => get(format!("?{}", query(&[("groupname", &group), ("limit", "60")])), &[200], None),
        "listGroupsForUser" => {
            let added = is_enabled(config, "addUserToGroup");
            let expect = added.then(|| ("/Groups/0/GroupName", json!(group)));
            get(format!("?{}", query(&[("username", s)])), &[200], expect)
        }
        "removeUserFromGroup" => {
            post(json!({"username": s, "groupname": group}), &[200], message(format!("Removed {s} from {group}")))
        }
        "updateUserAttributes" => post(
            json!({"username": s, "attributes": [{"Name": "name", "Value": "Smoke Test"}]}),
            &[200],
            message(format!("Success updating {s} attributes")),
        ),
        "deleteUserAttributes" => post(
            json!({"username": s, "attributeNames": ["name"]}),
            &[200],
            message(format!("Deleted attributes of {s}")),
        ),
        // Cognito sends the code to a verified email or phone; a user without one is refused with a 400.
        "resetUserPassword" => post(json!({"username": s}), &[200, 400], None),
        "setUserPassword" => post(
            json!({"username": s, "password": names.password, "permanent": true}),
            &[200],
            message(format!("Set a permanent password for {s}")),
        ),
        "disableUser" => post(json!({"username": s}), &[200], message(format!("Disabled {s}"))),
        "enableUser" => post(json!({"username": s}), &[200], message(format!("Enabled {s}"))),
        // The user is already confirmed: Cognito refuses that with a 400 (some emulators accept it).
        "confirmUserSignUp" => post(json!({"username": s}), &[200, 400], None),
        "createUser" => {
            let created = &names.created;
            post(
                json!({"username": created, "suppressInvitation": true}),
                &[200],
                message(format!("Created {created}")),
            )
        }
        "deleteUser" => {
            let created = &names.created;
            post(json!({"username": created}), &[200], message(format!("Deleted {created}")))
        }
        "createGroup" => {
            post(json!({"groupname": names.new_group}), &[200], Some(("/GroupName", json!(names.new_group))))
        }
        "deleteGroup" => {
            let new_group = &names.new_group;
            post(json!({"groupname": new_group}), &[200], message(format!("Deleted {new_group}")))
        }
        // Last: it revokes the administrator's token.
        "signUserOut" => {
            post(json!({"username": admin}), &[200], message(format!("Signed out {admin} from all devices")))
        }
        _ => return None,
    })
}

/// The order of the calls: reads, then changes that later calls depend on (createUser before deleteUser), and the
/// sign-out last.
const ORDER: &[&str] = &[
    "listUsers",
    "listGroups",
    "getUser",
    "getGroup",
    "addUserToGroup",
    "listUsersInGroup",
    "listGroupsForUser",
    "removeUserFromGroup",
    "updateUserAttributes",
    "deleteUserAttributes",
    "resetUserPassword",
    "setUserPassword",
    "disableUser",
    "enableUser",
    "confirmUserSignUp",
    "createUser",
    "deleteUser",
    "createGroup",
    "deleteGroup",
    "signUserOut",
];

/// The plan for `config`: each enabled action's call, a 404 for each disabled one, Cognito's own 400 through the
/// API, and a 404 for a route that does not exist.
pub fn plan(config: &Config, names: &Names) -> Vec<Check> {
    let mut checks = Vec::new();
    for name in ORDER {
        if !is_enabled(config, name) {
            let verb = ACTIONS.iter().find(|a| a.name == *name).map_or(Verb::Get, |a| a.verb);
            let method = if verb == Verb::Get { "GET" } else { "POST" };
            let body = (verb == Verb::Post).then(|| json!({}));
            checks.push(Check {
                action: (*name).to_owned(),
                method,
                path: format!("/{name}"),
                body,
                status: &[404],
                expect: None,
            });
        } else if let Some(check) = call(config, names, name) {
            checks.push(check);
        }
    }
    // The sign-out revokes the administrator's token: the calls below go before it.
    let sign_out = if is_enabled(config, "signUserOut") { checks.pop() } else { None };
    if is_enabled(config, "getUser") {
        checks.push(Check {
            action: "getUser".to_owned(),
            method: "GET",
            path: format!("/getUser?{}", query(&[("username", "smoke-no-such-user")])),
            body: None,
            status: &[400],
            expect: Some(("/code", json!("UserNotFoundException"))),
        });
    }
    checks.push(Check {
        action: "/noSuchRoute".to_owned(),
        method: "GET",
        path: "/noSuchRoute".to_owned(),
        body: None,
        status: &[404],
        expect: None,
    });
    checks.extend(sign_out);
    checks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(extra: &str) -> Config {
        Config::parse(&format!("project = \"a\"\n{extra}"), "admin-queries.toml").unwrap()
    }

    fn names() -> Names {
        Names {
            admin: "smoke-admin".into(),
            subject: "smoke-user".into(),
            created: "smoke-made".into(),
            new_group: "SmokeGroup".into(),
            password: "Pass-word-1".into(),
        }
    }

    #[test]
    fn every_action_of_the_table_has_its_call() {
        for action in ACTIONS {
            assert!(ORDER.contains(&action.name), "{} is not in the smoke plan's order", action.name);
            assert!(call(&config(""), &names(), action.name).is_some(), "{} has no smoke call", action.name);
        }
        assert_eq!(ORDER.len(), ACTIONS.len());
    }

    #[test]
    fn the_plan_follows_the_enabled_actions() {
        let all: Vec<&str> = ACTIONS.iter().map(|a| a.name).collect();
        let everything = config(&format!("[admin_api]\nrestrict_to_group = \"Admins\"\nactions = {all:?}\n"));
        let plan = plan(&everything, &names());
        assert!(plan.iter().all(|c| c.status != [404] || c.action == "/noSuchRoute"), "nothing answers 404");
        assert_eq!(plan.last().unwrap().action, "signUserOut", "the sign-out comes last");

        let without = config("[admin_api]\nrestrict_to_group = \"Admins\"\nactions = [\"listUsers\", \"getUser\"]\n");
        let plan = super::plan(&without, &names());
        let confirm = plan.iter().find(|c| c.action == "confirmUserSignUp").unwrap();
        assert_eq!((confirm.method, confirm.status), ("POST", &[404][..]), "a disabled action must answer 404");
        let list = plan.iter().find(|c| c.action == "listUsers").unwrap();
        assert_eq!(list.status, &[200]);
        assert_eq!(plan.last().unwrap().action, "/noSuchRoute");
    }

    #[test]
    fn the_administrator_joins_the_groups_of_the_access_rules() {
        let rules = config(
            "[user_pool]\ngroups = [{ name = \"Admins\" }, { name = \"Support\" }]\n[admin_api]\nrestrict_to_group = \"Admins\"\n\
             [admin_api.access]\nlistUsers = [\"Support\"]\n",
        );
        assert_eq!(rules.administering_groups(), vec!["Admins".to_owned(), "Support".to_owned()]);
    }
}
