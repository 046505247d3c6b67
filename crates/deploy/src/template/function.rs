//! The function, its log group and its role.

use serde_json::{Map, Value, json};

use super::{Part, SKIP_LOG_KMS, checkov_skips, iam_actions, skip};
use crate::config::Architecture;

pub(super) fn function(part: &Part, resources: &mut Map<String, Value>) {
    let (config, pool_id, pool_arn) = (part.config, &part.pool_id, &part.pool_arn);
    let name = &part.names.function;
    resources.insert(
        "FunctionLogGroup".into(),
        json!({
            "Type": "AWS::Logs::LogGroup",
            "DeletionPolicy": "Delete",
            "UpdateReplacePolicy": "Delete",
            "Metadata": checkov_skips(vec![skip(SKIP_LOG_KMS.0, SKIP_LOG_KMS.1)]),
            "Properties": { "LogGroupName": part.names.function_log_group, "RetentionInDays": config.lambda.log_retention_days },
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
    variables.insert(admin_api::config::ENV_USER_POOL.into(), pool_id.clone());
    for (name, value) in config.function_env().variables() {
        variables.insert(name.into(), Value::String(value));
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
}
