//! The API's description as an OpenAPI 3.1 document, generated from the same action table as the router and the
//! IAM policy: paths, parameters, request bodies, responses and errors, and the Cognito security scheme.

use admin_api::actions::{Action, Input, Kind, SEARCHABLE, Shape, Verb};
use admin_api::input::{DEFAULT_LIMIT, MAX_LIMIT, TOKEN_RULE, TextRule, text_rule};
use serde_json::{Map, Value, json};

use crate::config::{Config, TokenKind};

/// A string schema that states `rule`, exactly as the function checks it.
fn rule_schema(rule: &TextRule) -> Value {
    json!({ "type": "string", "minLength": rule.min_chars, "maxLength": rule.max_chars, "pattern": rule.pattern })
}

fn input_schema(input: &Input) -> Value {
    let mut schema = match (input.kind, input.name) {
        // The listUsers filter: the function refuses other attributes and types, and control characters.
        (Kind::Text, "filterAttribute") => json!({ "type": "string", "enum": SEARCHABLE }),
        (Kind::Text, "filterType") => json!({ "type": "string", "enum": ["=", "^="], "default": "=" }),
        (Kind::Text, "filterValue") => {
            json!({ "type": "string", "minLength": 1, "pattern": "^[^\\x00-\\x1f\\x7f-\\x9f]+$" })
        }
        (Kind::Text, name) => text_rule(name).map_or_else(|| json!({ "type": "string", "minLength": 1 }), rule_schema),
        (Kind::Token, _) => {
            let mut schema = rule_schema(&TOKEN_RULE);
            schema["description"] = json!("A page's `NextToken`, for the next page");
            schema
        }
        (Kind::Limit, _) => json!({ "type": "integer", "minimum": 0, "maximum": MAX_LIMIT, "default": DEFAULT_LIMIT }),
        (Kind::Bool, _) => json!({ "type": "boolean" }),
        (Kind::Number, _) => json!({ "type": "integer", "minimum": 0, "maximum": i32::MAX }),
        (Kind::Names, _) => json!({ "type": "array", "items": { "type": "string", "minLength": 1 } }),
        (Kind::Attributes, _) => {
            json!({ "type": "array", "items": { "$ref": "#/components/schemas/AttributeInput" } })
        }
    };
    // An empty list is no list: a required one needs an item.
    if input.required && matches!(input.kind, Kind::Names | Kind::Attributes) {
        schema["minItems"] = json!(1);
    }
    schema
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
    let mut throttled = error("Cognito is throttling; retry after the Retry-After header's seconds");
    throttled["headers"] =
        json!({ "Retry-After": { "required": true, "schema": { "type": "string", "pattern": "^[0-9]+$" } } });
    let mut op = json!({
        "operationId": action.name,
        "summary": action.summary,
        "x-iam-action": action.iam_action,
        "responses": {
            "200": { "description": "Success", "content": { "application/json": { "schema": shape_ref(action.response) } } },
            "400": error("A missing or invalid input, or Cognito refused the request (`code` names its exception)"),
            "401": error("No valid token (the authorizer), or Cognito says the caller is disabled, signed out or gone"),
            "403": error("The caller is not in a group that may call this action"),
            "409": error("The request would lock the administrators out"),
            "413": error("The body is too large"),
            "429": throttled,
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
            let body = |inputs: &mut dyn Iterator<Item = &Input>| {
                let inputs: Vec<&Input> = inputs.collect();
                let properties: Map<String, Value> =
                    inputs.iter().map(|i| (i.name.to_owned(), input_schema(i))).collect();
                let required: Vec<&str> = inputs.iter().filter(|i| i.required).map(|i| i.name).collect();
                json!({ "type": "object", "properties": properties, "required": required })
            };
            let required = action.inputs.iter().any(|i| i.required);
            let mut content = json!({ "application/json": { "schema": body(&mut action.inputs.iter()) } });
            // A form carries no list of objects: a form body is described without the attribute lists, and not
            // at all for an action that requires one.
            if !action.inputs.iter().any(|i| i.required && i.kind == Kind::Attributes) {
                let schema = body(&mut action.inputs.iter().filter(|i| i.kind != Kind::Attributes));
                content["application/x-www-form-urlencoded"] = json!({ "schema": schema });
            }
            op["requestBody"] = json!({ "required": required, "content": content });
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
    let attribute_input = json!({ "type": "object", "properties": {
        "Name": { "type": "string", "minLength": 1 }, "Value": { "type": "string" },
    }, "required": ["Name", "Value"] });
    let attribute = json!({ "type": "object", "properties": {
        "Name": { "type": "string" }, "Value": { "type": "string" },
    }, "required": ["Name"], "additionalProperties": false });
    let date = json!({ "type": "string", "format": "date-time" });
    let attributes = json!({ "type": "array", "items": { "$ref": "#/components/schemas/Attribute" } });
    let mfa_options = json!({ "type": "array", "items": { "type": "object", "properties": {
        "DeliveryMedium": { "type": "string" }, "AttributeName": { "type": "string" },
    }, "additionalProperties": false } });
    let user = json!({ "type": "object", "properties": {
        "Username": { "type": "string" },
        "Attributes": attributes,
        "UserCreateDate": date,
        "UserLastModifiedDate": date,
        "Enabled": { "type": "boolean" },
        "UserStatus": { "type": "string" },
        "MFAOptions": mfa_options,
    }, "required": ["Enabled"], "additionalProperties": false });
    let get_user = json!({ "type": "object", "properties": {
        "Username": { "type": "string" },
        "UserAttributes": attributes,
        "UserCreateDate": date,
        "UserLastModifiedDate": date,
        "Enabled": { "type": "boolean" },
        "UserStatus": { "type": "string" },
        "MFAOptions": mfa_options,
        "PreferredMfaSetting": { "type": "string" },
        "UserMFASettingList": { "type": "array", "items": { "type": "string" } },
    }, "required": ["Username", "Enabled"], "additionalProperties": false });
    let group = json!({ "type": "object", "properties": {
        "GroupName": { "type": "string" }, "UserPoolId": { "type": "string" }, "Description": { "type": "string" },
        "RoleArn": { "type": "string" }, "Precedence": { "type": "integer" },
        "LastModifiedDate": date, "CreationDate": date,
    }, "additionalProperties": false });
    let page = |items: &str, schema: &str| {
        json!({ "type": "object", "properties": {
        items: { "type": "array", "items": { "$ref": format!("#/components/schemas/{schema}") } },
        "NextToken": { "type": "string", "description": "Pass it as `token` for the next page; absent on the last page" },
    }, "required": [items], "additionalProperties": false })
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
                "Message": { "type": "object", "properties": { "message": { "type": "string" } }, "required": ["message"], "additionalProperties": false },
                "Error": { "type": "object", "properties": {
                    "message": { "type": "string" }, "code": { "type": "string" }, "requestId": { "type": "string" },
                }, "required": ["message"], "additionalProperties": false },
                "Attribute": attribute,
                "AttributeInput": attribute_input,
                "ListedUser": user,
                "User": get_user,
                "CreatedUser": { "type": "object", "properties": {
                    "message": { "type": "string" }, "User": { "$ref": "#/components/schemas/ListedUser" },
                }, "required": ["message", "User"], "additionalProperties": false },
                "UserPage": page("Users", "ListedUser"),
                "Group": group,
                "GroupPage": page("Groups", "Group"),
                "GroupSummary": { "type": "object", "properties": {
                    "GroupName": { "type": "string" }, "Description": { "type": "string" },
                }, "additionalProperties": false },
                "GroupSummaryPage": page("Groups", "GroupSummary"),
            },
        },
    })
}
