//! The OpenAPI document states the function's own input rules (from `admin_api::input`) and the responses it
//! really gives: each response shape is checked here against a body the function renders.
#![allow(clippy::unwrap_used)]

use admin_api::actions::ACTIONS;
use admin_api::input::{DEFAULT_LIMIT, MAX_LIMIT, NAME_RULE, Params, TOKEN_RULE};
use deploy::config::Config;
use serde_json::{Value, json};

fn document() -> Value {
    let text = test_support::ProjectConfig::new("myapp").actions(ACTIONS.iter().map(|a| a.name)).to_toml();
    deploy::openapi::document(&Config::parse(&text, "admin-queries.toml").unwrap())
}

/// The schema of input `name` of `action`: a query parameter, or a property of the JSON body.
fn input(document: &Value, action: &str, name: &str) -> Value {
    let path = &document["paths"][format!("/{action}")];
    if let Some(get) = path.get("get") {
        let parameter = get["parameters"].as_array().unwrap().iter().find(|p| p["name"] == name).unwrap();
        return parameter["schema"].clone();
    }
    path["post"]["requestBody"]["content"]["application/json"]["schema"]["properties"][name].clone()
}

#[test]
fn user_and_group_names_carry_cognitos_pattern_and_length() {
    let document = document();
    let rule =
        json!({ "type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+$" });
    for (action, name) in [
        ("getUser", "username"),
        ("addUserToGroup", "username"),
        ("addUserToGroup", "groupname"),
        ("listUsersInGroup", "groupname"),
        ("createUser", "username"),
        ("createGroup", "groupname"),
        ("deleteGroup", "groupname"),
    ] {
        assert_eq!(input(&document, action, name), rule, "{action} {name}");
    }
    assert_eq!(NAME_RULE.pattern, rule["pattern"]);
}

#[test]
fn limit_and_token_bounds_are_the_functions() {
    let document = document();
    for action in ["listUsers", "listGroups", "listGroupsForUser", "listUsersInGroup"] {
        let limit = input(&document, action, "limit");
        assert_eq!(limit, json!({ "type": "integer", "minimum": 0, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT }));
        let token = input(&document, action, "token");
        assert_eq!(token["maxLength"], json!(TOKEN_RULE.max_chars), "{action}");
        assert_eq!(token["pattern"], "^\\S+$");
    }
    // What the document allows, the function accepts, and one past each bound it refuses.
    for (query, ok) in [("limit=0", true), ("limit=60", true), ("limit=61", false), ("limit=-1", false)] {
        assert_eq!(Params::from_query(Some(query)).limit().is_ok(), ok, "{query}");
    }
    let longest = format!("token={}", "t".repeat(TOKEN_RULE.max_chars));
    assert!(Params::from_query(Some(&longest)).token().is_ok());
    let longer = format!("token={}", "t".repeat(TOKEN_RULE.max_chars + 1));
    assert!(Params::from_query(Some(&longer)).token().is_err());
}

#[test]
fn the_list_users_filter_is_enumerated() {
    let document = document();
    assert_eq!(input(&document, "listUsers", "filterAttribute")["enum"], json!(admin_api::actions::SEARCHABLE));
    assert_eq!(input(&document, "listUsers", "filterType")["enum"], json!(["=", "^="]));
}

#[test]
fn required_lists_need_an_item_and_forms_carry_no_list_of_objects() {
    let document = document();
    assert_eq!(input(&document, "updateUserAttributes", "attributes")["minItems"], 1);
    assert_eq!(input(&document, "deleteUserAttributes", "attributeNames")["minItems"], 1);
    assert!(input(&document, "createUser", "attributes").get("minItems").is_none());
    let content = |action: &str| document["paths"][format!("/{action}")]["post"]["requestBody"]["content"].clone();
    assert!(content("updateUserAttributes").get("application/x-www-form-urlencoded").is_none());
    let form = &content("createUser")["application/x-www-form-urlencoded"]["schema"];
    assert!(form["properties"].get("attributes").is_none() && form["properties"].get("username").is_some());
}

#[test]
fn every_operation_documents_the_errors_as_the_function_renders_them() {
    let document = document();
    let error = &document["components"]["schemas"]["Error"];
    assert_eq!(error["additionalProperties"], false);
    assert_eq!(error["required"], json!(["message"]));
    for (path, item) in document["paths"].as_object().unwrap() {
        let operation = item.as_object().unwrap().values().next().unwrap();
        for status in ["400", "401", "403", "409", "413", "429", "500"] {
            let schema = &operation["responses"][status]["content"]["application/json"]["schema"];
            assert_eq!(schema["$ref"], "#/components/schemas/Error", "{path} {status}");
        }
        assert_eq!(operation["responses"]["429"]["headers"]["Retry-After"]["required"], true, "{path}");
    }
}

/// The members of `value` (an object) and of its first item of every array, as paths.
fn members(value: &Value, prefix: &str, out: &mut Vec<String>) {
    if let Some(object) = value.as_object() {
        for (key, member) in object {
            let path = format!("{prefix}{key}");
            out.push(path.clone());
            match member {
                Value::Array(items) if !items.is_empty() => members(&items[0], &format!("{path}[]."), out),
                Value::Object(_) => members(member, &format!("{path}."), out),
                _ => {}
            }
        }
    }
}

/// The same paths, as the document's schema describes them.
fn documented(schemas: &Value, schema: &Value, prefix: &str, out: &mut Vec<String>) {
    let schema = match schema.get("$ref").and_then(Value::as_str) {
        Some(reference) => &schemas[reference.trim_start_matches("#/components/schemas/")],
        None => schema,
    };
    assert_eq!(schema["additionalProperties"], false, "{prefix}: {schema}");
    for (key, member) in schema["properties"].as_object().unwrap() {
        let path = format!("{prefix}{key}");
        out.push(path.clone());
        let member = match member.get("$ref") {
            Some(_) => documented_target(schemas, member),
            None => member.clone(),
        };
        if member["type"] == "array"
            && (member["items"].get("properties").is_some() || member["items"].get("$ref").is_some())
        {
            documented(schemas, &member["items"], &format!("{path}[]."), out);
        } else if member["type"] == "object" {
            documented(schemas, &member, &format!("{path}."), out);
        }
    }
}

fn documented_target(schemas: &Value, schema: &Value) -> Value {
    let reference = schema["$ref"].as_str().unwrap();
    schemas[reference.trim_start_matches("#/components/schemas/")].clone()
}

#[test]
fn response_shapes_hold_exactly_the_members_the_function_writes() {
    use admin_api::shapes::{Attribute, GetUser, Group, GroupPage, GroupSummary, MfaOption, User, UserPage};
    let document = document();
    let schemas = &document["components"]["schemas"];
    let attribute = || vec![Attribute { name: "email".into(), value: Some("a@example.com".into()) }];
    let mfa =
        || Some(vec![MfaOption { delivery_medium: Some("SMS".into()), attribute_name: Some("phone_number".into()) }]);
    let time = || Some("2026-12-01T10:00:00.000Z".to_owned());
    let user = || User {
        username: Some("alice".into()),
        attributes: Some(attribute()),
        user_create_date: time(),
        user_last_modified_date: time(),
        enabled: true,
        user_status: Some("CONFIRMED".into()),
        mfa_options: mfa(),
    };
    let group = || Group {
        group_name: Some("Admins".into()),
        user_pool_id: Some("pool".into()),
        description: Some("d".into()),
        role_arn: Some("arn".into()),
        precedence: Some(1),
        last_modified_date: time(),
        creation_date: time(),
    };
    let get_user = GetUser {
        username: "alice".into(),
        user_attributes: Some(attribute()),
        user_create_date: time(),
        user_last_modified_date: time(),
        enabled: true,
        user_status: Some("CONFIRMED".into()),
        mfa_options: mfa(),
        preferred_mfa_setting: Some("SOFTWARE_TOKEN_MFA".into()),
        user_mfa_setting_list: Some(vec!["SOFTWARE_TOKEN_MFA".into()]),
    };
    let summary = GroupSummary { group_name: Some("Admins".into()), description: Some("d".into()) };
    let cases: Vec<(&str, Value)> = vec![
        ("User", serde_json::to_value(get_user).unwrap()),
        ("ListedUser", serde_json::to_value(user()).unwrap()),
        ("UserPage", serde_json::to_value(UserPage { users: vec![user()], next_token: Some("t".into()) }).unwrap()),
        ("Group", serde_json::to_value(group()).unwrap()),
        ("GroupPage", serde_json::to_value(GroupPage { groups: vec![group()], next_token: Some("t".into()) }).unwrap()),
        (
            "GroupSummaryPage",
            serde_json::to_value(GroupPage { groups: vec![summary], next_token: Some("t".into()) }).unwrap(),
        ),
        ("CreatedUser", json!({ "message": "Created alice", "User": serde_json::to_value(user()).unwrap() })),
    ];
    for (name, rendered) in cases {
        let (mut written, mut described) = (Vec::new(), Vec::new());
        members(&rendered, "", &mut written);
        documented(schemas, &json!({ "$ref": format!("#/components/schemas/{name}") }), "", &mut described);
        written.sort();
        described.sort();
        assert_eq!(written, described, "{name}");
    }
}
