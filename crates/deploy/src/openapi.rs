//! The API's description as an OpenAPI 3.1 document, generated from the same action table as the router and the
//! IAM policy: paths, parameters, request bodies, responses and errors, and the Cognito security scheme.

use admin_api::actions::{Action, Input, Kind, SEARCHABLE, Shape, Verb};
use admin_api::input::{DEFAULT_LIMIT, MAX_LIMIT, TOKEN_RULE, TextRule, text_rule};
use admin_api::shapes;
use schemars::Schema;
use schemars::generate::{SchemaGenerator, SchemaSettings};
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

/// The schema of what a 200 of `shape` answers: a reference to the shape's schema, generated from the struct the
/// function serialises (`admin_api::shapes`), so that the document cannot drift from the function.
fn shape_ref(generator: &mut SchemaGenerator, shape: Shape) -> Value {
    let schema = match shape {
        Shape::Message => generator.subschema_for::<shapes::Message>(),
        Shape::User => generator.subschema_for::<shapes::GetUser>(),
        Shape::UserPage => generator.subschema_for::<shapes::UserPage>(),
        Shape::Group => generator.subschema_for::<shapes::Group>(),
        Shape::GroupPage => generator.subschema_for::<shapes::GroupPage<shapes::Group>>(),
        Shape::GroupSummaryPage => generator.subschema_for::<shapes::GroupPage<shapes::GroupSummary>>(),
        Shape::CreatedUser => generator.subschema_for::<shapes::CreatedUser>(),
    };
    schema.to_value()
}

/// Schemas as OpenAPI 3.1 reads them (JSON Schema 2020-12) under `components/schemas`; an absent member is left
/// out, never `null` (every optional member of the shapes is skipped when `None`), and no object carries members
/// its struct does not have.
fn generator() -> SchemaGenerator {
    let mut settings = SchemaSettings::draft2020_12();
    settings.definitions_path = "/components/schemas".into();
    settings.meta_schema = None;
    settings.transforms.push(Box::new(|schema: &mut Schema| tighten(schema)));
    SchemaGenerator::new(settings)
}

/// Through the whole schema: `additionalProperties: false` on every object with properties, and no `null` where
/// an `Option` allowed one.
fn tighten(schema: &mut Schema) {
    if schema.get("properties").is_some() && schema.get("additionalProperties").is_none() {
        schema.insert("additionalProperties".to_owned(), Value::Bool(false));
    }
    if let Some(Value::Array(types)) = schema.get_mut("type") {
        types.retain(|t| t != "null");
        if let [only] = types.as_slice() {
            let only = only.clone();
            schema.insert("type".to_owned(), only);
        }
    }
    let any_of_null = schema.get("anyOf").and_then(Value::as_array).and_then(|options| match options.as_slice() {
        [kept, null] | [null, kept] if null.get("type").and_then(Value::as_str) == Some("null") => Some(kept.clone()),
        _ => None,
    });
    if let Some(Value::Object(kept)) = any_of_null {
        schema.remove("anyOf");
        for (key, value) in kept {
            schema.insert(key, value);
        }
    }
    schemars::transform::transform_subschemas(&mut tighten, schema);
}

/// Where the error body's schema is: every error response refers to it.
const ERROR_REF: &str = "#/components/schemas/Error";

fn error(description: &str) -> Value {
    json!({ "description": description, "content": { "application/json": { "schema": { "$ref": ERROR_REF } } } })
}

fn operation(generator: &mut SchemaGenerator, action: &Action) -> Value {
    let mut throttled = error("Cognito is throttling; retry after the Retry-After header's seconds");
    throttled["headers"] =
        json!({ "Retry-After": { "required": true, "schema": { "type": "string", "pattern": "^[0-9]+$" } } });
    let mut op = json!({
        "operationId": action.name,
        "summary": action.summary,
        "x-iam-action": action.iam_action,
        "responses": {
            "200": { "description": "Success", "content": { "application/json": { "schema": shape_ref(generator, action.response) } } },
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
    let mut generator = generator();
    // Every error response refers to ERROR_REF: the error body's schema, named `Error`.
    generator.subschema_for::<shapes::ErrorBody>();
    let mut paths = Map::new();
    for action in config.enabled_actions() {
        let method = match action.verb {
            Verb::Get => "get",
            Verb::Post => "post",
        };
        paths.insert(format!("/{}", action.name), json!({ method: operation(&mut generator, action) }));
    }
    let token = match config.admin_api.token {
        TokenKind::Access => "a Cognito access token with the scope aws.cognito.signin.user.admin",
        TokenKind::Id => "a Cognito ID token",
    };
    let attribute_input = json!({ "type": "object", "properties": {
        "Name": { "type": "string", "minLength": 1 }, "Value": { "type": "string" },
    }, "required": ["Name", "Value"] });
    let mut schemas: Map<String, Value> = generator.take_definitions(true).into_iter().collect();
    schemas.insert("AttributeInput".to_owned(), attribute_input);
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
            "schemas": schemas,
        },
    })
}
