//! The API's description as an OpenAPI 3.1 document, generated from the same action table as the router and the
//! IAM policy: paths, parameters, request bodies, responses and errors, and the Cognito security scheme.

use admin_api::actions::{Action, Input, Kind, Shape, Verb};
use serde_json::{Map, Value, json};

use crate::config::{Config, TokenKind};

fn input_schema(input: &Input) -> Value {
    match input.kind {
        Kind::Text | Kind::Token => json!({ "type": "string", "minLength": 1 }),
        Kind::Limit => json!({ "type": "integer", "minimum": 0, "maximum": 60, "default": 25 }),
        Kind::Bool => json!({ "type": "boolean" }),
        Kind::Number => json!({ "type": "integer", "minimum": 0 }),
        Kind::Names => json!({ "type": "array", "items": { "type": "string" } }),
        Kind::Attributes => json!({ "type": "array", "items": { "$ref": "#/components/schemas/Attribute" } }),
    }
}

fn shape_ref(shape: Shape) -> Value {
    let name = match shape {
        Shape::Message => "Message",
        Shape::User => "User",
        Shape::UserPage => "UserPage",
        Shape::Group => "Group",
        Shape::GroupPage => "GroupPage",
        Shape::GroupSummaryPage => "GroupSummaryPage",
        Shape::CreatedUser => "CreatedUser",
    };
    json!({ "$ref": format!("#/components/schemas/{name}") })
}

fn error(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } } })
}

fn operation(action: &Action) -> Value {
    let mut op = json!({
        "operationId": action.name,
        "summary": action.summary,
        "x-iam-action": action.iam_action,
        "responses": {
            "200": { "description": "Success", "content": { "application/json": { "schema": shape_ref(action.response) } } },
            "400": error("A missing or invalid input, or Cognito refused the request (`code` names its exception)"),
            "401": error("No valid token"),
            "403": error("The caller is not in a group that may call this action"),
            "409": error("The request would lock the administrators out"),
            "413": error("The body is too large"),
            "429": error("Cognito is throttling; retry after the Retry-After header's seconds"),
            "500": error("An internal error; the body carries the request id"),
        },
    });
    match action.verb {
        Verb::Get => {
            let parameters: Vec<Value> = action
                .inputs
                .iter()
                .map(|i| json!({ "name": i.name, "in": "query", "required": i.required, "schema": input_schema(i) }))
                .collect();
            op["parameters"] = json!(parameters);
        }
        Verb::Post => {
            let properties: Map<String, Value> =
                action.inputs.iter().map(|i| (i.name.to_owned(), input_schema(i))).collect();
            let required: Vec<&str> = action.inputs.iter().filter(|i| i.required).map(|i| i.name).collect();
            let schema = json!({ "type": "object", "properties": properties, "required": required });
            op["requestBody"] = json!({
                "required": !required.is_empty(),
                "content": { "application/json": { "schema": schema }, "application/x-www-form-urlencoded": { "schema": schema } },
            });
        }
    }
    op
}

/// The document for the actions `config` enables.
pub fn document(config: &Config) -> Value {
    let mut paths = Map::new();
    for action in config.enabled_actions() {
        let method = match action.verb {
            Verb::Get => "get",
            Verb::Post => "post",
        };
        paths.insert(format!("/{}", action.name), json!({ method: operation(action) }));
    }
    let token = match config.admin_api.token {
        TokenKind::Access => "a Cognito access token with the scope aws.cognito.signin.user.admin",
        TokenKind::Id => "a Cognito ID token",
    };
    let attribute = json!({ "type": "object", "properties": { "Name": { "type": "string" }, "Value": { "type": "string" } }, "required": ["Name"] });
    let user = json!({ "type": "object", "properties": {
        "Username": { "type": "string" },
        "Attributes": { "type": "array", "items": { "$ref": "#/components/schemas/Attribute" } },
        "UserCreateDate": { "type": "string", "format": "date-time" },
        "UserLastModifiedDate": { "type": "string", "format": "date-time" },
        "Enabled": { "type": "boolean" },
        "UserStatus": { "type": "string" },
        "MFAOptions": { "type": "array", "items": { "type": "object" } },
    }});
    let mut get_user = user.clone();
    get_user["properties"]["UserAttributes"] = get_user["properties"]["Attributes"].take();
    if let Some(properties) = get_user["properties"].as_object_mut() {
        properties.remove("Attributes");
    }
    let group = json!({ "type": "object", "properties": {
        "GroupName": { "type": "string" }, "UserPoolId": { "type": "string" }, "Description": { "type": "string" },
        "RoleArn": { "type": "string" }, "Precedence": { "type": "integer" },
        "LastModifiedDate": { "type": "string", "format": "date-time" }, "CreationDate": { "type": "string", "format": "date-time" },
    }});
    let page = |items: &str, schema: &str| {
        json!({ "type": "object", "properties": {
        items: { "type": "array", "items": { "$ref": format!("#/components/schemas/{schema}") } },
        "NextToken": { "type": "string", "description": "Pass it as `token` for the next page; absent on the last page" },
    }, "required": [items] })
    };
    json!({
        "openapi": "3.1.0",
        "info": {
            "title": format!("{} Admin Queries", config.project),
            "version": "1",
            "description": "The admin API for the users and groups of the Cognito user pool, compatible with Amplify's Admin Queries.",
        },
        "security": [{ "cognito": [] }],
        "paths": paths,
        "components": {
            "securitySchemes": { "cognito": {
                "type": "apiKey",
                "in": "header",
                "name": "Authorization",
                "description": format!("{token}, raw or after `Bearer `, verified by API Gateway's Cognito user-pool authorizer"),
            }},
            "schemas": {
                "Message": { "type": "object", "properties": { "message": { "type": "string" } }, "required": ["message"] },
                "Error": { "type": "object", "properties": {
                    "message": { "type": "string" }, "code": { "type": "string" }, "requestId": { "type": "string" },
                }, "required": ["message"] },
                "Attribute": attribute,
                "ListedUser": user,
                "User": get_user,
                "CreatedUser": { "type": "object", "properties": { "message": { "type": "string" }, "User": { "$ref": "#/components/schemas/ListedUser" } } },
                "UserPage": page("Users", "ListedUser"),
                "Group": group,
                "GroupPage": page("Groups", "Group"),
                "GroupSummary": { "type": "object", "properties": { "GroupName": { "type": "string" }, "Description": { "type": "string" } } },
                "GroupSummaryPage": page("Groups", "GroupSummary"),
            },
        },
    })
}
