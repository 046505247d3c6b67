//! The REST API: one `/{proxy+}` resource, ANY behind the Cognito authorizer, OPTIONS by a mock integration; its
//! deployment and stage (with the optional access logs), and the permission to invoke the function.
//!
//! CORS follows `admin_api.cors_origins`, as the function's does ([`Cors`]): `*` or one origin is a static header
//! on the preflight and the gateway responses; with several, the preflight's response template echoes a listed
//! `Origin` (any other gets the first listed origin, which the browser refuses), and the gateway responses, which
//! can only map a request header, echo the request's `Origin`; both then say `Vary: Origin`.

use serde_json::{Map, Value, json};

use super::{ACCESS_LOG_FORMAT, ADMIN_SCOPE, ALLOW_HEADERS, Part, SKIP_LOG_KMS, checkov_skips, short_hash, skip};
use crate::config::TokenKind;

/// The API's own CORS (the preflight's and the gateway responses'), from the origins the function allows.
enum Cors<'a> {
    /// `*`, or the one origin: a static header.
    Static(&'a str),
    /// Several origins, none `*`.
    Listed(&'a [String]),
}

impl<'a> Cors<'a> {
    /// As the function reads `CORS_ORIGINS`: `*` anywhere allows any origin.
    fn of(origins: &'a [String]) -> Self {
        match origins {
            _ if origins.iter().any(|o| o == "*") => Self::Static("*"),
            [] => Self::Static("*"),
            [one] => Self::Static(one),
            _ => Self::Listed(origins),
        }
    }

    /// The static `Access-Control-Allow-Origin`: the origin, `*`, or the first listed one.
    fn static_origin(&self) -> String {
        match self {
            Self::Static(origin) => format!("'{origin}'"),
            Self::Listed(list) => format!("'{}'", list[0]),
        }
    }

    /// The preflight's response body template: with several origins, it overrides the static header with the
    /// request's `Origin` when that is one of them, exactly (`$context.responseOverride`, after the static
    /// mapping). Origins are single-quoted VTL literals, which interpolate nothing.
    fn preflight_template(&self) -> String {
        match self {
            Self::Static(_) => "{}".to_owned(),
            Self::Listed(list) => {
                let listed: Vec<String> =
                    list.iter().map(|o| format!("$origin == '{}'", o.replace('\'', "''"))).collect();
                format!(
                    "#set($origin = $input.params().header.get('Origin'))\n\
                     #if(\"$!origin\" == \"\")#set($origin = $input.params().header.get('origin'))#end\n\
                     #if({})\n\
                     #set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)\n\
                     #end\n\
                     {{}}",
                    listed.join(" || ")
                )
            }
        }
    }

    /// The gateway responses' `Access-Control-Allow-Origin`: static, or the request's `Origin` (API Gateway maps
    /// a header or a constant, nothing conditional).
    fn gateway_origin(&self) -> String {
        match self {
            Self::Static(_) => self.static_origin(),
            Self::Listed(_) => "method.request.header.Origin".to_owned(),
        }
    }
}

pub(super) fn api_and_stage(part: &Part, resources: &mut Map<String, Value>) {
    let (config, env_name, pool_arn) = (part.config, part.env_name, &part.pool_arn);
    let cors = Cors::of(&config.admin_api.cors_origins);
    let varies = matches!(cors, Cors::Listed(_));
    let mut api = Map::new();
    api.insert(
        "Api".into(),
        json!({
            "Type": "AWS::ApiGateway::RestApi",
            "Properties": {
                "Name": part.names.api,
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
    let mut options = json!({
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
                        "method.response.header.Access-Control-Allow-Origin": cors.static_origin(),
                        "method.response.header.Access-Control-Allow-Headers": ALLOW_HEADERS,
                        "method.response.header.Access-Control-Allow-Methods": "'DELETE,GET,HEAD,OPTIONS,PATCH,POST,PUT'",
                    },
                    "ResponseTemplates": { "application/json": cors.preflight_template() },
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
    });
    if varies {
        let properties = &mut options["Properties"];
        properties["Integration"]["IntegrationResponses"][0]["ResponseParameters"]["method.response.header.Vary"] =
            json!("'Origin'");
        properties["MethodResponses"][0]["ResponseParameters"]["method.response.header.Vary"] = json!(true);
    }
    api.insert("ProxyOptions".into(), options);
    for (id, kind) in [("GatewayResponseDefault4xx", "DEFAULT_4XX"), ("GatewayResponseDefault5xx", "DEFAULT_5XX")] {
        let mut parameters = json!({
            "gatewayresponse.header.Access-Control-Allow-Origin": cors.gateway_origin(),
            "gatewayresponse.header.Access-Control-Allow-Headers": ALLOW_HEADERS,
        });
        if varies {
            parameters["gatewayresponse.header.Vary"] = json!("'Origin'");
        }
        api.insert(
            id.into(),
            json!({
                "Type": "AWS::ApiGateway::GatewayResponse",
                "Properties": { "RestApiId": { "Ref": "Api" }, "ResponseType": kind, "ResponseParameters": parameters },
            }),
        );
    }
    // A new deployment exactly when the API's definition changes: its logical id carries a hash of it.
    // (A `Value` always serializes: its keys are strings.)
    let definition = Value::Object(api.clone()).to_string();
    let deployment = format!("Deployment{}", short_hash(definition.as_bytes()));
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
                    "LogGroupName": part.names.access_log_group,
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
}

/// The stack's outputs: what the outputs files need.
pub(super) fn outputs(part: &Part) -> Value {
    let (env_name, pool_id) = (part.env_name, &part.pool_id);
    json!({
        "Endpoint": {
            "Description": "The stage URL; clients append /listUsers and the like",
            "Value": { "Fn::Sub": format!("https://${{Api}}.execute-api.${{AWS::Region}}.${{AWS::URLSuffix}}/{env_name}") },
        },
        "UserPoolId": { "Value": pool_id },
        "UserPoolClientId": { "Value": part.client_id },
        "Region": { "Value": { "Ref": "AWS::Region" } },
        "FunctionName": { "Value": { "Ref": "Function" } },
    })
}
