//! Synthesis of the CloudFormation template from the config: a pure function (no AWS calls), so that the same
//! config always gives the same template and a committed golden copy can catch any drift.
//!
//! The template uses the long forms of the intrinsic functions (`Ref`, `Fn::Sub`, `Fn::GetAtt`), which survive
//! any YAML or JSON tooling.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::config::{Architecture, Config, Environment, TokenKind, UsernameAttribute};

/// The scope API Gateway demands of access tokens (Amplify's setting).
pub const ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";

/// Headers allowed by the preflight and the gateway responses.
const ALLOW_HEADERS: &str = "'Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token'";

/// Logical ids the deployer guards: replacing or removing these loses users.
pub const USER_POOL: &str = "UserPool";
pub const APP_CLIENT: &str = "UserPoolClient";
pub const GROUP_PREFIX: &str = "Group";

/// A synthesized template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template(pub Value);

impl Template {
    /// The template as YAML, for people and for CloudFormation.
    pub fn to_yaml(&self) -> String {
        serde_yaml_ng::to_string(&self.0).unwrap_or_default()
    }
}

fn short_hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().take(4).map(|b| format!("{b:02x}")).collect()
}

/// `Group<Name>`: the group's letters and digits, with a hash of the full name when anything was dropped, so that
/// two names never share an id.
pub fn group_logical_id(name: &str) -> String {
    let clean: String = name.chars().filter(char::is_ascii_alphanumeric).collect();
    if clean == name && !clean.is_empty() {
        format!("{GROUP_PREFIX}{clean}")
    } else {
        format!("{GROUP_PREFIX}{clean}{}", short_hash(name.as_bytes()))
    }
}

/// The Cognito IAM actions the function needs: exactly those of the enabled actions (and of their checks),
/// sorted, without repeats.
pub fn iam_actions(config: &Config) -> Vec<&'static str> {
    let mut actions: Vec<&str> = config
        .enabled_actions()
        .iter()
        .flat_map(|a| std::iter::once(a.iam_action).chain(a.extra_iam.iter().copied()))
        .collect();
    actions.sort_unstable();
    actions.dedup();
    actions
}

fn function_name(config: &Config, env_name: &str) -> String {
    format!("{}-{env_name}-admin-queries", config.project)
}

/// Synthesizes the template of environment `env_name`.
pub fn synthesize(config: &Config, env_name: &str, env: &Environment) -> Template {
    let mut resources = Map::new();
    let retain = env.retain_user_pool;
    let policy = if retain { "Retain" } else { "Delete" };
    let existing = config.user_pool.existing.as_deref();

    // The user pool, its groups and the app client.
    let pool_id = match existing {
        Some(id) => json!(id),
        None => json!({ "Ref": USER_POOL }),
    };
    let pool_arn = match existing {
        Some(id) => {
            json!({ "Fn::Sub": format!("arn:${{AWS::Partition}}:cognito-idp:${{AWS::Region}}:${{AWS::AccountId}}:userpool/{id}") })
        }
        None => json!({ "Fn::GetAtt": [USER_POOL, "Arn"] }),
    };
    if existing.is_none() {
        let email_sign_in = config.user_pool.username_attributes.contains(&UsernameAttribute::Email);
        let mut properties = json!({
            "UserPoolName": format!("{}-{env_name}", config.project),
            "DeletionProtection": if retain { "ACTIVE" } else { "INACTIVE" },
            "Policies": { "PasswordPolicy": {
                "MinimumLength": 8, "RequireLowercase": true, "RequireUppercase": true,
                "RequireNumbers": true, "RequireSymbols": true, "TemporaryPasswordValidityDays": 7,
            }},
            "AdminCreateUserConfig": { "AllowAdminCreateUserOnly": false },
            "AccountRecoverySetting": { "RecoveryMechanisms": [{ "Name": "verified_email", "Priority": 1 }] },
            // Byte-stable on every synthesis: Cognito refuses any change to Schema, even a reordering.
            "Schema": [{ "Name": "email", "AttributeDataType": "String", "Mutable": true, "Required": email_sign_in }],
        });
        if !config.user_pool.username_attributes.is_empty() {
            let attributes: Vec<&str> = config.user_pool.username_attributes.iter().map(|a| a.cognito_name()).collect();
            properties["UsernameAttributes"] = json!(attributes);
            properties["AutoVerifiedAttributes"] = json!(attributes);
        }
        properties["UsernameConfiguration"] = json!({ "CaseSensitive": false });
        resources.insert(
            USER_POOL.into(),
            json!({ "Type": "AWS::Cognito::UserPool", "DeletionPolicy": policy, "UpdateReplacePolicy": policy, "Properties": properties }),
        );
        for group in config.effective_groups() {
            let mut properties = json!({ "UserPoolId": pool_id, "GroupName": group.name });
            if let Some(precedence) = group.precedence {
                properties["Precedence"] = json!(precedence);
            }
            if let Some(description) = &group.description {
                properties["Description"] = json!(description);
            }
            resources.insert(
                group_logical_id(&group.name),
                json!({ "Type": "AWS::Cognito::UserPoolGroup", "DeletionPolicy": policy, "UpdateReplacePolicy": policy, "Properties": properties }),
            );
        }
    }
    resources.insert(
        APP_CLIENT.into(),
        json!({
            "Type": "AWS::Cognito::UserPoolClient",
            "DeletionPolicy": policy,
            "UpdateReplacePolicy": policy,
            "Properties": {
                "UserPoolId": pool_id,
                "ClientName": format!("{}-{env_name}-app", config.project),
                "GenerateSecret": false,
                "ExplicitAuthFlows": ["ALLOW_USER_SRP_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"],
                "PreventUserExistenceErrors": "ENABLED",
            },
        }),
    );

    // The function, its log group and its role.
    let name = function_name(config, env_name);
    resources.insert(
        "FunctionLogGroup".into(),
        json!({
            "Type": "AWS::Logs::LogGroup",
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
            "Properties": { "LogGroupName": format!("/aws/lambda/{name}"), "RetentionInDays": config.lambda.log_retention_days },
        }),
    );
    resources.insert(
        "FunctionRole".into(),
        json!({
            "Type": "AWS::IAM::Role",
            "Properties": {
                "AssumeRolePolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [{ "Effect": "Allow", "Principal": { "Service": "lambda.amazonaws.com" }, "Action": "sts:AssumeRole" }],
                },
                "Policies": [{
                    "PolicyName": "admin-queries",
                    "PolicyDocument": {
                        "Version": "2012-10-17",
                        "Statement": [
                            { "Sid": "CognitoActionsOfTheEnabledRoutes", "Effect": "Allow", "Action": iam_actions(config), "Resource": pool_arn },
                            { "Sid": "OwnLogGroup", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": { "Fn::GetAtt": ["FunctionLogGroup", "Arn"] } },
                        ],
                    },
                }],
            },
        }),
    );
    let mut variables = Map::new();
    variables.insert("USERPOOL".into(), pool_id.clone());
    for (name, value) in config.function_environment() {
        variables.insert(name, Value::String(value));
    }
    resources.insert(
        "Function".into(),
        json!({
            "Type": "AWS::Lambda::Function",
            "Properties": {
                "FunctionName": name,
                "Description": "Admin Queries: the admin API for the users and groups of the user pool",
                "Runtime": "provided.al2023",
                "Architectures": [match config.lambda.architecture { Architecture::Arm64 => "arm64", Architecture::X86_64 => "x86_64" }],
                "Handler": "bootstrap",
                "Code": { "S3Bucket": { "Ref": "CodeBucket" }, "S3Key": { "Ref": "CodeKey" } },
                "MemorySize": config.lambda.memory_mb,
                "Timeout": config.lambda.timeout_s,
                "Role": { "Fn::GetAtt": ["FunctionRole", "Arn"] },
                "LoggingConfig": { "LogGroup": { "Ref": "FunctionLogGroup" }, "LogFormat": "Text" },
                "Environment": { "Variables": variables },
            },
        }),
    );

    // The REST API: one `/{proxy+}` resource, ANY behind the Cognito authorizer, OPTIONS by a mock integration.
    let cors_origin = format!("'{}'", config.admin_api.cors_origins.first().map_or("*", String::as_str));
    let mut api = Map::new();
    api.insert(
        "Api".into(),
        json!({
            "Type": "AWS::ApiGateway::RestApi",
            "Properties": {
                "Name": format!("{}-{env_name}-AdminQueries", config.project),
                "Description": "Admin Queries",
                "EndpointConfiguration": { "Types": ["REGIONAL"] },
            },
        }),
    );
    api.insert("ProxyResource".into(), json!({
        "Type": "AWS::ApiGateway::Resource",
        "Properties": { "RestApiId": { "Ref": "Api" }, "ParentId": { "Fn::GetAtt": ["Api", "RootResourceId"] }, "PathPart": "{proxy+}" },
    }));
    api.insert(
        "Authorizer".into(),
        json!({
            "Type": "AWS::ApiGateway::Authorizer",
            "Properties": {
                "Name": "Cognito",
                "RestApiId": { "Ref": "Api" },
                "Type": "COGNITO_USER_POOLS",
                "IdentitySource": "method.request.header.Authorization",
                "ProviderARNs": [pool_arn],
            },
        }),
    );
    let mut any = json!({
        "Type": "AWS::ApiGateway::Method",
        "Properties": {
            "RestApiId": { "Ref": "Api" },
            "ResourceId": { "Ref": "ProxyResource" },
            "HttpMethod": "ANY",
            "AuthorizationType": "COGNITO_USER_POOLS",
            "AuthorizerId": { "Ref": "Authorizer" },
            "Integration": {
                "Type": "AWS_PROXY",
                "IntegrationHttpMethod": "POST",
                "Uri": { "Fn::Sub": "arn:${AWS::Partition}:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${Function.Arn}/invocations" },
            },
        },
    });
    if config.admin_api.token == TokenKind::Access {
        // With a scope, API Gateway demands an access token carrying it; without, an ID token.
        any["Properties"]["AuthorizationScopes"] = json!([ADMIN_SCOPE]);
    }
    api.insert("ProxyAny".into(), any);
    api.insert("ProxyOptions".into(), json!({
        "Type": "AWS::ApiGateway::Method",
        "Properties": {
            "RestApiId": { "Ref": "Api" },
            "ResourceId": { "Ref": "ProxyResource" },
            "HttpMethod": "OPTIONS",
            "AuthorizationType": "NONE",
            "Integration": {
                "Type": "MOCK",
                "RequestTemplates": { "application/json": "{\"statusCode\": 200}" },
                "IntegrationResponses": [{
                    "StatusCode": "200",
                    "ResponseParameters": {
                        "method.response.header.Access-Control-Allow-Origin": cors_origin,
                        "method.response.header.Access-Control-Allow-Headers": ALLOW_HEADERS,
                        "method.response.header.Access-Control-Allow-Methods": "'DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT'",
                    },
                    "ResponseTemplates": { "application/json": "{}" },
                }],
            },
            "MethodResponses": [{
                "StatusCode": "200",
                "ResponseParameters": {
                    "method.response.header.Access-Control-Allow-Origin": true,
                    "method.response.header.Access-Control-Allow-Headers": true,
                    "method.response.header.Access-Control-Allow-Methods": true,
                },
            }],
        },
    }));
    for (id, kind) in [("GatewayResponseDefault4xx", "DEFAULT_4XX"), ("GatewayResponseDefault5xx", "DEFAULT_5XX")] {
        api.insert(
            id.into(),
            json!({
                "Type": "AWS::ApiGateway::GatewayResponse",
                "Properties": {
                    "RestApiId": { "Ref": "Api" },
                    "ResponseType": kind,
                    "ResponseParameters": {
                        "gatewayresponse.header.Access-Control-Allow-Origin": cors_origin,
                        "gatewayresponse.header.Access-Control-Allow-Headers": ALLOW_HEADERS,
                    },
                },
            }),
        );
    }
    // A new deployment exactly when the API's definition changes: its logical id carries a hash of it.
    let definition = serde_json::to_vec(&api).unwrap_or_default();
    let deployment = format!("Deployment{}", short_hash(&definition));
    resources.extend(api);
    resources.insert(
        deployment.clone(),
        json!({
            "Type": "AWS::ApiGateway::Deployment",
            "DependsOn": ["ProxyAny", "ProxyOptions", "GatewayResponseDefault4xx", "GatewayResponseDefault5xx"],
            "Properties": { "RestApiId": { "Ref": "Api" }, "Description": "Admin Queries" },
        }),
    );
    resources.insert("Stage".into(), json!({
        "Type": "AWS::ApiGateway::Stage",
        "Properties": { "RestApiId": { "Ref": "Api" }, "DeploymentId": { "Ref": deployment }, "StageName": env_name },
    }));
    resources.insert("FunctionPermission".into(), json!({
        "Type": "AWS::Lambda::Permission",
        "Properties": {
            "Action": "lambda:InvokeFunction",
            "FunctionName": { "Fn::GetAtt": ["Function", "Arn"] },
            "Principal": "apigateway.amazonaws.com",
            "SourceArn": { "Fn::Sub": "arn:${AWS::Partition}:execute-api:${AWS::Region}:${AWS::AccountId}:${Api}/*/*/*" },
        },
    }));

    let outputs = json!({
        "Endpoint": {
            "Description": "The stage URL; clients append /listUsers and the like",
            "Value": { "Fn::Sub": format!("https://${{Api}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{env_name}") },
        },
        "UserPoolId": { "Value": pool_id },
        "UserPoolClientId": { "Value": { "Ref": APP_CLIENT } },
        "Region": { "Value": { "Ref": "AWS::Region" } },
        "FunctionName": { "Value": { "Ref": "Function" } },
    });
    Template(json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": format!("Admin Queries for {} ({env_name}): Cognito user pool, admin API and its function", config.project),
        "Parameters": {
            "CodeBucket": { "Type": "String", "Description": "The asset bucket holding the function's zip" },
            "CodeKey": { "Type": "String", "Description": "The zip's key: its sha256" },
        },
        "Resources": resources,
        "Outputs": outputs,
    }))
}
