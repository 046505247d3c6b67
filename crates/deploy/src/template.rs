//! Synthesis of the CloudFormation template from the config: a pure function (no AWS calls), so that the same
//! config always gives the same template and a committed golden copy can catch any drift.
//!
//! The template uses the long forms of the intrinsic functions (`Ref`, `Fn::Sub`, `Fn::GetAtt`), which survive
//! any YAML or JSON tooling.

use serde_json::{Map, Value, json};
use sha2::{Digest, Sha256};

use crate::config::{Architecture, Config, Environment, Mfa, TokenKind, UsernameAttribute, Validity};

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
        quote_yaml11_booleans(&serde_yaml_ng::to_string(&self.0).unwrap_or_default())
    }
}

/// Quotes the plain scalars that YAML 1.1 reads as booleans (`ON`, `OFF`, `yes`, `n`, ...): the YAML emitter
/// writes them bare, as YAML 1.2 allows, but CloudFormation and cfn-lint would read `MfaConfiguration: OFF` as
/// `false`.
fn quote_yaml11_booleans(yaml: &str) -> String {
    const WORDS: [&str; 8] = ["y", "n", "yes", "no", "on", "off", "true", "false"];
    let is_bool_word = |v: &str| WORDS.contains(&v.to_ascii_lowercase().as_str()) && !matches!(v, "true" | "false");
    let mut out = String::with_capacity(yaml.len());
    for line in yaml.split_inclusive('\n') {
        let (body, newline) = line.strip_suffix('\n').map_or((line, ""), |b| (b, "\n"));
        let split = body.rfind(": ").map(|i| i + 2).or_else(|| {
            let trimmed = body.trim_start();
            trimmed.starts_with("- ").then(|| body.len() - trimmed.len() + 2)
        });
        match split {
            Some(at) if is_bool_word(&body[at..]) => {
                out.push_str(&format!("{}'{}'{newline}", &body[..at], &body[at..]))
            }
            _ => out.push_str(line),
        }
    }
    out
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
    admin_api::actions::iam_actions(config.enabled_actions())
}

fn function_name(config: &Config, env_name: &str) -> String {
    format!("{}-{env_name}-admin-queries", config.project)
}

/// A checkov check that does not apply to a resource, with the reason, for the resource's `Metadata`.
fn skip(id: &str, comment: &str) -> Value {
    json!({ "id": id, "comment": comment })
}

/// `Metadata` telling checkov which of its checks do not apply to the resource, and why.
fn checkov_skips(skips: Vec<Value>) -> Value {
    json!({ "checkov": { "skip": skips } })
}

const SKIP_LOG_KMS: (&str, &str) = (
    "CKV_AWS_158",
    "No secret is logged (never a token, nor the Authorization header), and CloudWatch Logs encrypts every log group at rest; a customer managed key would add cost and a key policy to keep, and protect nothing more",
);

/// A token lifetime as a number and Cognito's unit: minutes, or days when it is a whole number of days.
fn validity(v: Validity, whole_days: bool) -> (u32, &'static str) {
    if whole_days && v.minutes.is_multiple_of(24 * 60) {
        (v.minutes / (24 * 60), "days")
    } else {
        (v.minutes, "minutes")
    }
}

/// What the stage logs per request: who, what, the outcome, the latencies. Never a header, so never a token.
const ACCESS_LOG_FORMAT: &str = r#"{"requestId":"$context.requestId","requestTime":"$context.requestTime","ip":"$context.identity.sourceIp","caller":"$context.authorizer.claims.sub","method":"$context.httpMethod","path":"$context.path","status":"$context.status","responseLength":"$context.responseLength","latency":"$context.responseLatency","integrationLatency":"$context.integrationLatency","authorizerError":"$context.authorizer.error"}"#;

/// Synthesizes the template of environment `env_name`, with that environment's own settings.
pub fn synthesize(config: &Config, env_name: &str, env: &Environment) -> Template {
    let config = &config.for_environment(env);
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
            "AdminCreateUserConfig": { "AllowAdminCreateUserOnly": !config.user_pool.self_sign_up },
            "MfaConfiguration": config.user_pool.mfa.cognito_name(),
            "AccountRecoverySetting": { "RecoveryMechanisms": [{ "Name": "verified_email", "Priority": 1 }] },
            // Byte-stable on every synthesis: Cognito refuses any change to Schema, even a reordering.
            "Schema": [{ "Name": "email", "AttributeDataType": "String", "Mutable": true, "Required": email_sign_in }],
        });
        if config.user_pool.mfa != Mfa::Off {
            properties["EnabledMfas"] = json!(["SOFTWARE_TOKEN_MFA"]);
        }
        if !config.user_pool.username_attributes.is_empty() {
            let attributes: Vec<&str> = config.user_pool.username_attributes.iter().map(|a| a.cognito_name()).collect();
            properties["UsernameAttributes"] = json!(attributes);
            properties["AutoVerifiedAttributes"] = json!(attributes);
        }
        if config.user_pool.username_attributes.contains(&UsernameAttribute::PhoneNumber) {
            // Cognito verifies phone numbers by SMS, through Amazon SNS, with a role it assumes (as Amplify does).
            let external_id = format!("{}-{env_name}-cognito-sms", config.project);
            properties["SmsConfiguration"] =
                json!({ "SnsCallerArn": { "Fn::GetAtt": [SMS_ROLE, "Arn"] }, "ExternalId": external_id });
            resources.insert(SMS_ROLE.into(), sms_role(&external_id));
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
    let lifetimes = &config.user_pool.token_validity;
    let (access, id, refresh) =
        (validity(lifetimes.access, false), validity(lifetimes.id, false), validity(lifetimes.refresh, true));
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
                "AccessTokenValidity": access.0,
                "IdTokenValidity": id.0,
                "RefreshTokenValidity": refresh.0,
                "TokenValidityUnits": { "AccessToken": access.1, "IdToken": id.1, "RefreshToken": refresh.1 },
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
            "Metadata": checkov_skips(vec![skip(SKIP_LOG_KMS.0, SKIP_LOG_KMS.1)]),
            "Properties": { "LogGroupName": format!("/aws/lambda/{name}"), "RetentionInDays": config.lambda.log_retention_days },
        }),
    );
    let mut statements = vec![
        json!({ "Sid": "CognitoActionsOfTheEnabledRoutes", "Effect": "Allow", "Action": iam_actions(config), "Resource": pool_arn }),
        json!({ "Sid": "OwnLogGroup", "Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": { "Fn::GetAtt": ["FunctionLogGroup", "Arn"] } }),
    ];
    if config.api.tracing {
        // X-Ray's write actions take no resource: "*" is the only value they accept.
        statements.push(json!({ "Sid": "XRayTraces", "Effect": "Allow", "Action": ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "Resource": "*" }));
    }
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
                    "PolicyDocument": { "Version": "2012-10-17", "Statement": statements },
                }],
            },
        }),
    );
    let mut variables = Map::new();
    variables.insert("USERPOOL".into(), pool_id.clone());
    for (name, value) in config.function_environment() {
        variables.insert(name, Value::String(value));
    }
    let mut function_skips = vec![
        skip(
            "CKV_AWS_116",
            "API Gateway invokes the function synchronously and returns its errors to the caller; a dead-letter queue only receives failed asynchronous invocations",
        ),
        skip(
            "CKV_AWS_117",
            "The function calls only Cognito's public endpoint and holds no network-reachable resource; a VPC would add NAT or an interface endpoint and protect nothing",
        ),
        skip(
            "CKV_AWS_173",
            "The variables hold no secret (the pool id, the group, the CORS origins, the actions and access rules); Lambda encrypts them at rest with its own key",
        ),
    ];
    if config.lambda.reserved_concurrency.is_none() {
        function_skips.push(skip("CKV_AWS_115", "Reserved concurrency is opt-in (lambda.reserved_concurrency): reserving takes instances from every other function of the account. The stage's throttling (api.rate_limit, api.burst_limit) bounds the invocations"));
    }
    resources.insert(
        "Function".into(),
        json!({
            "Type": "AWS::Lambda::Function",
            "Metadata": checkov_skips(function_skips),
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
    if config.api.tracing {
        resources["Function"]["Properties"]["TracingConfig"] = json!({ "Mode": "Active" });
    }
    if let Some(reserved) = config.lambda.reserved_concurrency {
        resources["Function"]["Properties"]["ReservedConcurrentExecutions"] = json!(reserved);
    }

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
        "Metadata": checkov_skips(vec![skip("CKV_AWS_59", "The CORS preflight must be answered without credentials, as browsers send it; it is a mock integration that reaches no backend")]),
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
    let mut stage_skips = vec![skip(
        "CKV_AWS_120",
        "Every response depends on the caller and on the pool's current state: a cache would serve one administrator's answers to another, and stale users after a change",
    )];
    let mut stage = json!({
        "RestApiId": { "Ref": "Api" },
        "DeploymentId": { "Ref": deployment },
        "StageName": env_name,
        "MethodSettings": [{
            "ResourcePath": "/*",
            "HttpMethod": "*",
            "ThrottlingRateLimit": config.api.rate_limit,
            "ThrottlingBurstLimit": config.api.burst_limit,
        }],
    });
    if config.api.tracing {
        stage["TracingEnabled"] = json!(true);
    } else {
        stage_skips.push(skip("CKV_AWS_73", "X-Ray tracing is opt-in (api.tracing): it is billed per trace"));
    }
    if config.api.access_logs {
        resources.insert(
            "ApiAccessLogGroup".into(),
            json!({
                "Type": "AWS::Logs::LogGroup",
                "DeletionPolicy": "Delete",
                "UpdateReplacePolicy": "Delete",
                "Metadata": checkov_skips(vec![skip(SKIP_LOG_KMS.0, SKIP_LOG_KMS.1)]),
                "Properties": {
                    "LogGroupName": format!("/aws/apigateway/{}-{env_name}-admin-queries/access", config.project),
                    "RetentionInDays": config.lambda.log_retention_days,
                },
            }),
        );
        stage["AccessLogSetting"] =
            json!({ "DestinationArn": { "Fn::GetAtt": ["ApiAccessLogGroup", "Arn"] }, "Format": ACCESS_LOG_FORMAT });
    } else {
        stage_skips.push(skip("CKV_AWS_76", "Access logging is opt-in (api.access_logs): it needs the account-level API Gateway CloudWatch role, which this stack does not own"));
    }
    resources.insert(
        "Stage".into(),
        json!({ "Type": "AWS::ApiGateway::Stage", "Metadata": checkov_skips(stage_skips), "Properties": stage }),
    );
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

/// The logical id of the role Cognito assumes to send SMS.
pub const SMS_ROLE: &str = "UserPoolSmsRole";

/// The role Cognito assumes to send SMS through SNS (phone number verification): trusted by Cognito only, for this
/// account and with this pool's external id; allowed to publish SMS to phone numbers, never to a topic.
fn sms_role(external_id: &str) -> Value {
    json!({
        "Type": "AWS::IAM::Role",
        "Metadata": checkov_skips(vec![skip("CKV_AWS_111", "Cognito publishes SMS straight to phone numbers, which have no ARN: \"*\" is the only resource sns:Publish takes for them, and the Deny statement refuses every topic")]),
        "Properties": {
            "Description": "Cognito sends the user pool's SMS (phone number verification) through SNS with this role",
            "AssumeRolePolicyDocument": {
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Principal": { "Service": "cognito-idp.amazonaws.com" },
                    "Action": "sts:AssumeRole",
                    "Condition": {
                        "StringEquals": { "sts:ExternalId": external_id, "aws:SourceAccount": { "Ref": "AWS::AccountId" } },
                    },
                }],
            },
            "Policies": [{
                "PolicyName": "cognito-sms",
                "PolicyDocument": {
                    "Version": "2012-10-17",
                    "Statement": [
                        // SMS to a phone number has no resource ARN: "*" is the only value for it.
                        { "Sid": "SmsToPhoneNumbers", "Effect": "Allow", "Action": "sns:Publish", "Resource": "*" },
                        { "Sid": "NoTopics", "Effect": "Deny", "Action": "sns:Publish", "Resource": { "Fn::Sub": "arn:${AWS::Partition}:sns:*:*:*" } },
                    ],
                },
            }],
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_11_booleans_are_quoted_and_nothing_else_changes() {
        let t = Template(
            json!({ "MfaConfiguration": "OFF", "Other": "ON", "List": ["yes", "Admins"], "Real": true, "Text": "off the record" }),
        );
        let yaml = t.to_yaml();
        assert!(
            yaml.contains("MfaConfiguration: 'OFF'") && yaml.contains("Other: 'ON'") && yaml.contains("- 'yes'"),
            "{yaml}"
        );
        assert!(
            yaml.contains("- Admins") && yaml.contains("Real: true") && yaml.contains("Text: off the record"),
            "{yaml}"
        );
        let back: Value = serde_yaml_ng::from_str(&yaml).unwrap();
        assert_eq!(back, t.0);
    }
}
