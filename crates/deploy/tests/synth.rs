//! Synthesis against the committed golden templates in `templates/`, one per config variant. A drift fails; run
//! with `BLESS=1` to accept a deliberate change, and review the diff.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use deploy::config::Config;
use deploy::template::{Template, iam_actions, synthesize};
use serde_json::Value;

const BASE: &str = r#"project = "myapp"
[environments.dev]
region = "eu-west-1"
[environments.prod]
region = "eu-west-1"
retain_user_pool = true
[user_pool]
username_attributes = ["email"]
groups = [{ name = "Admins", precedence = 1 }, { name = "Editors", precedence = 2, description = "Edit content" }]
"#;

/// The variants: (golden file, extra config, environment).
const VARIANTS: &[(&str, &str, &str)] = &[
    ("restricted-access", "[admin_api]\nrestrict_to_group = \"Admins\"\n", "dev"),
    ("unrestricted", "[admin_api]\n", "dev"),
    ("hardened", HARDENED, "prod"),
    (
        "phone-sign-in",
        "[admin_api]\nrestrict_to_group = \"Admins\"\n[environments.dev.user_pool]\nmfa = \"optional\"\n",
        "dev",
    ),
    ("id-token", "[admin_api]\nrestrict_to_group = \"Admins\"\ntoken = \"id\"\n", "dev"),
    ("existing-pool", "[admin_api]\nrestrict_to_group = \"Admins\"\n", "dev"),
    ("existing-pool-and-client", ADOPTED_WITH_CLIENT, "dev"),
    (
        "retained",
        "[admin_api]\nrestrict_to_group = \"Admins\"\ncors_origins = [\"https://admin.example.com\"]\n",
        "prod",
    ),
    ("catalogue", CATALOGUE, "dev"),
    ("several-origins", SEVERAL_ORIGINS, "dev"),
];

/// Two admin apps on two origins: the preflight and the gateway responses answer each with its own origin.
const SEVERAL_ORIGINS: &str = "[admin_api]\nrestrict_to_group = \"Admins\"\ncors_origins = [\"https://admin.example.com\", \"https://support.example.com\"]\n";

/// An Amplify app's pool and its own web client, adopted by `dev` alone (`prod` keeps a pool of its own).
const ADOPTED_WITH_CLIENT: &str = r#"[admin_api]
restrict_to_group = "Admins"
[environments.dev.user_pool]
existing = "eu-west-1_AbCdEf123"
client_id = "4k7q2n9v1c8m3x5t6b0p2r7d1s"
"#;

/// Every action enabled, with access rules: the widest policy, and the OpenAPI document's variant.
const CATALOGUE: &str = "[admin_api]\nrestrict_to_group = \"Admins\"\nactions = [\"addUserToGroup\", \"removeUserFromGroup\", \"confirmUserSignUp\", \"disableUser\", \"enableUser\", \"getUser\", \"listUsers\", \"listGroups\", \"listGroupsForUser\", \"listUsersInGroup\", \"signUserOut\", \"updateUserAttributes\", \"createUser\", \"deleteUser\", \"resetUserPassword\", \"setUserPassword\", \"deleteUserAttributes\", \"createGroup\", \"deleteGroup\", \"getGroup\"]\n[admin_api.access]\nlistUsers = [\"Admins\", \"Editors\"]\ngetUser = [\"Admins\", \"Editors\"]\n";

/// Every per-environment setting away from its default, in `prod`: no self sign-up, TOTP required, short tokens,
/// tighter throttling, access logs, X-Ray and reserved concurrency.
const HARDENED: &str = r#"[admin_api]
restrict_to_group = "Admins"
[environments.prod.user_pool]
self_sign_up = false
mfa = "required"
token_validity = { access = "15m", id = "15m", refresh = "12h" }
[environments.prod.api]
rate_limit = 20
burst_limit = 40
access_logs = true
tracing = true
[environments.prod.lambda]
reserved_concurrency = 5
"#;

fn config(name: &str, extra: &str) -> Config {
    let mut text = BASE.to_owned();
    if name == "existing-pool" {
        text = text.replace("username_attributes = [\"email\"]", "existing = \"eu-west-1_AbCdEf123\"");
    }
    if name == "phone-sign-in" {
        text = text.replace("username_attributes = [\"email\"]", "username_attributes = [\"phone_number\"]");
    }
    if name == "unrestricted" {
        // No group restriction is accepted on a pool where nobody can sign themselves up.
        text = text.replace("[user_pool]\n", "[user_pool]\nself_sign_up = false\n");
    }
    text.push_str(extra);
    Config::parse(&text, name).unwrap()
}

fn synth(name: &str, extra: &str, env: &str) -> Template {
    let config = config(name, extra);
    let environment = config.environment(env, name).unwrap();
    synthesize(&config, env, &environment)
}

fn golden(name: &str) -> PathBuf {
    PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap()).join("../../templates").join(format!("{name}.yaml"))
}

#[test]
fn synthesis_matches_the_golden_templates() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut drifted = Vec::new();
    for (name, extra, env) in VARIANTS {
        let yaml = synth(name, extra, env).to_yaml().unwrap();
        let path = golden(name);
        if bless {
            std::fs::write(&path, &yaml).unwrap();
        } else if std::fs::read_to_string(&path).ok().as_deref() != Some(yaml.as_str()) {
            drifted.push(path.display().to_string());
        }
    }
    assert!(
        drifted.is_empty(),
        "synthesis drifted from {drifted:?}; if the change is deliberate, run `BLESS=1 cargo test -p deploy --test synth` and review the diff"
    );
}

#[test]
fn the_openapi_document_matches_its_golden_copy() {
    let config = config("catalogue", CATALOGUE);
    let text = serde_json::to_string_pretty(&deploy::openapi::document(&config)).unwrap() + "\n";
    let path = golden("openapi").with_extension("json");
    if std::env::var_os("BLESS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        text,
        "run `BLESS=1 cargo test -p deploy --test synth` after a deliberate change"
    );
}

#[test]
fn the_openapi_document_has_exactly_the_enabled_actions() {
    let narrow =
        config("narrow", "[admin_api]\nrestrict_to_group = \"Admins\"\nactions = [\"listUsers\", \"createUser\"]\n");
    let document = deploy::openapi::document(&narrow);
    let paths: Vec<&String> = document["paths"].as_object().unwrap().keys().collect();
    assert_eq!(paths, vec!["/listUsers", "/createUser"]);
    assert_eq!(
        document["paths"]["/createUser"]["post"]["requestBody"]["content"]["application/json"]["schema"]["required"],
        serde_json::json!(["username"])
    );
    assert_eq!(document["paths"]["/listUsers"]["get"]["parameters"][0]["name"], "limit");
}

#[test]
fn synthesis_is_deterministic() {
    for (name, extra, env) in VARIANTS {
        assert_eq!(synth(name, extra, env).to_yaml().unwrap(), synth(name, extra, env).to_yaml().unwrap(), "{name}");
    }
}

fn resources(t: &Template) -> &serde_json::Map<String, Value> {
    t.0["Resources"].as_object().unwrap()
}

fn deployment_id(t: &Template) -> String {
    resources(t).keys().find(|k| k.starts_with("Deployment")).unwrap().clone()
}

#[test]
fn the_deployment_id_changes_with_the_api_and_only_with_it() {
    let base = synth("restricted-access", "[admin_api]\nrestrict_to_group = \"Admins\"\n", "dev");
    let id_mode = synth("id-token", "[admin_api]\nrestrict_to_group = \"Admins\"\ntoken = \"id\"\n", "dev");
    assert_ne!(deployment_id(&base), deployment_id(&id_mode), "the method changed: a new deployment");
    let memory =
        synth("restricted-access", "[admin_api]\nrestrict_to_group = \"Admins\"\n[lambda]\nmemory_mb = 256\n", "dev");
    assert_eq!(deployment_id(&base), deployment_id(&memory), "only the function changed: no new deployment");
}

#[test]
fn the_pool_schema_is_byte_stable_across_unrelated_changes() {
    let base = synth("restricted-access", "[admin_api]\nrestrict_to_group = \"Admins\"\n", "dev");
    let other =
        synth("unrestricted", "[admin_api]\ncors_origins = [\"https://a.example\"]\n[lambda]\ntimeout_s = 10\n", "dev");
    let schema = |t: &Template| serde_json::to_string(&t.0["Resources"]["UserPool"]["Properties"]["Schema"]).unwrap();
    assert_eq!(schema(&base), schema(&other));
}

#[test]
fn retention_follows_the_environment() {
    let dev = synth("restricted-access", "[admin_api]\nrestrict_to_group = \"Admins\"\n", "dev");
    let prod = synth("retained", "[admin_api]\nrestrict_to_group = \"Admins\"\n", "prod");
    for (t, policy, protection) in [(&dev, "Delete", "INACTIVE"), (&prod, "Retain", "ACTIVE")] {
        for id in ["UserPool", "UserPoolClient", "GroupAdmins", "GroupEditors"] {
            assert_eq!(t.0["Resources"][id]["DeletionPolicy"], policy, "{id}");
            assert_eq!(t.0["Resources"][id]["UpdateReplacePolicy"], policy, "{id}");
        }
        assert_eq!(t.0["Resources"]["UserPool"]["Properties"]["DeletionProtection"], protection);
    }
}

#[test]
fn the_policy_grants_exactly_the_actions_of_the_table_on_the_one_pool() {
    for (name, extra, env) in VARIANTS {
        let config = config(name, extra);
        let t = synth(name, extra, env);
        let statements = &t.0["Resources"]["FunctionRole"]["Properties"]["Policies"][0]["PolicyDocument"]["Statement"];
        let cognito = &statements[0];
        let granted: Vec<&str> = cognito["Action"].as_array().unwrap().iter().map(|a| a.as_str().unwrap()).collect();
        assert_eq!(granted, iam_actions(&config), "{name}");
        // Exactly the enabled actions' own IAM actions and their checks', from the table.
        let mut expected: Vec<&str> = config
            .enabled_actions()
            .iter()
            .flat_map(|a| [a.iam_action].into_iter().chain(a.extra_iam.iter().copied()))
            .chain(admin_api::actions::CHECK_IAM.iter().copied())
            .collect();
        expected.sort_unstable();
        expected.dedup();
        assert_eq!(granted, expected, "{name}");
        let served = t.0["Resources"]["Function"]["Properties"]["Environment"]["Variables"]["ACTIONS"]
            .as_str()
            .unwrap()
            .to_owned();
        let enabled: Vec<&str> = config.enabled_actions().iter().map(|a| a.name).collect();
        assert_eq!(served, enabled.join(","), "{name}: the function serves what the policy allows");
        assert!(granted.iter().all(|a| a.starts_with("cognito-idp:") && !a.contains('*')), "{name}: {granted:?}");
        let resource = cognito["Resource"].to_string();
        assert!(resource.contains("UserPool") || resource.contains("eu-west-1_AbCdEf123"), "{name}: {resource}");
        let tracing = config.for_environment(&config.environment(env, name).unwrap()).api.tracing;
        assert_eq!(statements.as_array().unwrap().len(), 2 + usize::from(tracing), "{name}: nothing else is granted");
        if tracing {
            assert_eq!(
                statements[2]["Action"],
                serde_json::json!(["xray:PutTraceSegments", "xray:PutTelemetryRecords"])
            );
        }
    }
}

#[test]
fn access_mode_demands_the_scope_and_id_mode_none() {
    let access = synth("restricted-access", "[admin_api]\nrestrict_to_group = \"Admins\"\n", "dev");
    let id = synth("id-token", "[admin_api]\nrestrict_to_group = \"Admins\"\ntoken = \"id\"\n", "dev");
    assert_eq!(
        access.0["Resources"]["ProxyAny"]["Properties"]["AuthorizationScopes"],
        serde_json::json!(["aws.cognito.signin.user.admin"])
    );
    assert!(id.0["Resources"]["ProxyAny"]["Properties"].get("AuthorizationScopes").is_none());
}

#[test]
fn an_existing_pool_is_never_part_of_the_stack() {
    let t = synth("existing-pool", "[admin_api]\nrestrict_to_group = \"Admins\"\n", "dev");
    let types: Vec<&str> = resources(&t).values().map(|r| r["Type"].as_str().unwrap()).collect();
    assert!(!types.contains(&"AWS::Cognito::UserPool") && !types.contains(&"AWS::Cognito::UserPoolGroup"), "{types:?}");
    assert_eq!(t.0["Outputs"]["UserPoolId"]["Value"], "eu-west-1_AbCdEf123");
    // Without the app's own client id, the stack makes a client for the adopted pool.
    assert_eq!(t.0["Outputs"]["UserPoolClientId"]["Value"], serde_json::json!({ "Ref": "UserPoolClient" }));
    assert_eq!(t.0["Resources"]["UserPoolClient"]["Properties"]["UserPoolId"], "eu-west-1_AbCdEf123");
}

fn skipped_checks(t: &Template, id: &str) -> Vec<String> {
    t.0["Resources"][id]["Metadata"]["checkov"]["skip"]
        .as_array()
        .map(|skips| skips.iter().map(|s| s["id"].as_str().unwrap().to_owned()).collect())
        .unwrap_or_default()
}

#[test]
fn the_defaults_allow_self_sign_up_without_mfa_with_cognitos_token_lifetimes_and_throttle_the_stage() {
    let t = synth("restricted-access", "[admin_api]\nrestrict_to_group = \"Admins\"\n", "dev");
    let r = &t.0["Resources"];
    assert_eq!(r["UserPool"]["Properties"]["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"], false);
    assert_eq!(r["UserPool"]["Properties"]["MfaConfiguration"], "OFF");
    assert!(r["UserPool"]["Properties"].get("EnabledMfas").is_none());
    assert!(r["UserPool"]["Properties"].get("SmsConfiguration").is_none() && r.get("UserPoolSmsRole").is_none());
    let client = &r["UserPoolClient"]["Properties"];
    assert_eq!(
        (&client["AccessTokenValidity"], &client["IdTokenValidity"], &client["RefreshTokenValidity"]),
        (&60.into(), &60.into(), &30.into())
    );
    assert_eq!(
        client["TokenValidityUnits"],
        serde_json::json!({ "AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days" })
    );
    let stage = &r["Stage"]["Properties"];
    assert_eq!(
        stage["MethodSettings"],
        serde_json::json!([{ "ResourcePath": "/*", "HttpMethod": "*", "ThrottlingRateLimit": 50, "ThrottlingBurstLimit": 100 }])
    );
    assert!(stage.get("TracingEnabled").is_none() && stage.get("AccessLogSetting").is_none());
    assert!(r["Function"]["Properties"].get("TracingConfig").is_none());
    assert!(r["Function"]["Properties"].get("ReservedConcurrentExecutions").is_none());
    // The opt-in checks are skipped, with their reason, exactly while the option is off.
    assert_eq!(skipped_checks(&t, "Stage"), ["CKV_AWS_120", "CKV_AWS_73", "CKV_AWS_76"]);
    assert_eq!(skipped_checks(&t, "Function"), ["CKV_AWS_116", "CKV_AWS_117", "CKV_AWS_173", "CKV_AWS_115"]);
}

#[test]
fn an_environment_sets_its_own_pool_stage_and_function() {
    let config = config("hardened", HARDENED);
    let prod = synthesize(&config, "prod", &config.environment("prod", "t").unwrap());
    let dev = synthesize(&config, "dev", &config.environment("dev", "t").unwrap());
    let r = &prod.0["Resources"];
    let pool = &r["UserPool"]["Properties"];
    assert_eq!(pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"], true);
    assert_eq!(pool["MfaConfiguration"], "ON");
    assert_eq!(pool["EnabledMfas"], serde_json::json!(["SOFTWARE_TOKEN_MFA"]));
    let client = &r["UserPoolClient"]["Properties"];
    assert_eq!(
        (&client["AccessTokenValidity"], &client["IdTokenValidity"], &client["RefreshTokenValidity"]),
        (&15.into(), &15.into(), &720.into())
    );
    assert_eq!(client["TokenValidityUnits"]["RefreshToken"], "minutes", "12h is not a whole number of days");
    let stage = &r["Stage"]["Properties"];
    assert_eq!(stage["MethodSettings"][0]["ThrottlingRateLimit"], 20);
    assert_eq!(stage["MethodSettings"][0]["ThrottlingBurstLimit"], 40);
    assert_eq!(stage["TracingEnabled"], true);
    assert_eq!(
        stage["AccessLogSetting"]["DestinationArn"],
        serde_json::json!({ "Fn::GetAtt": ["ApiAccessLogGroup", "Arn"] })
    );
    let format = stage["AccessLogSetting"]["Format"].as_str().unwrap();
    let fields: serde_json::Value = serde_json::from_str(format).expect("one JSON object per request");
    assert!(fields.get("requestId").is_some() && fields.get("status").is_some(), "{format}");
    assert!(
        !format.to_lowercase().contains("authorization") && !format.contains("header"),
        "no token is logged: {format}"
    );
    assert_eq!(r["ApiAccessLogGroup"]["Properties"]["RetentionInDays"], 30);
    assert_eq!(r["Function"]["Properties"]["TracingConfig"]["Mode"], "Active");
    assert_eq!(r["Function"]["Properties"]["ReservedConcurrentExecutions"], 5);
    assert_eq!(skipped_checks(&prod, "Stage"), ["CKV_AWS_120"]);
    assert_eq!(skipped_checks(&prod, "Function"), ["CKV_AWS_116", "CKV_AWS_117", "CKV_AWS_173"]);
    // The other environment keeps the shared settings.
    let r = &dev.0["Resources"];
    assert_eq!(r["UserPool"]["Properties"]["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"], false);
    assert_eq!(r["UserPool"]["Properties"]["MfaConfiguration"], "OFF");
    assert_eq!(r["Stage"]["Properties"]["MethodSettings"][0]["ThrottlingRateLimit"], 50);
    assert!(r.get("ApiAccessLogGroup").is_none() && r["Function"]["Properties"].get("TracingConfig").is_none());
}

#[test]
fn phone_sign_in_gets_the_sms_role_cognito_needs() {
    let t = synth("phone-sign-in", "[admin_api]\nrestrict_to_group = \"Admins\"\n", "dev");
    let r = &t.0["Resources"];
    let pool = &r["UserPool"]["Properties"];
    assert_eq!(pool["UsernameAttributes"], serde_json::json!(["phone_number"]));
    assert_eq!(
        pool["SmsConfiguration"]["SnsCallerArn"],
        serde_json::json!({ "Fn::GetAtt": ["UserPoolSmsRole", "Arn"] })
    );
    let external_id = pool["SmsConfiguration"]["ExternalId"].as_str().unwrap();
    let role = &r["UserPoolSmsRole"]["Properties"];
    let trust = &role["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(trust["Principal"]["Service"], "cognito-idp.amazonaws.com");
    assert_eq!(trust["Condition"]["StringEquals"]["sts:ExternalId"], external_id, "only with this pool's external id");
    let statements = role["Policies"][0]["PolicyDocument"]["Statement"].as_array().unwrap();
    assert_eq!((&statements[0]["Effect"], &statements[0]["Action"]), (&"Allow".into(), &"sns:Publish".into()));
    assert_eq!(statements[1]["Effect"], "Deny", "SMS to phone numbers only, never to a topic");
}

#[test]
fn every_skipped_check_says_why() {
    for (name, extra, env) in VARIANTS {
        let t = synth(name, extra, env);
        for (id, resource) in resources(&t) {
            for skip in resource["Metadata"]["checkov"]["skip"].as_array().into_iter().flatten() {
                let id_ok = skip["id"].as_str().is_some_and(|s| s.starts_with("CKV_AWS_"));
                let comment = skip["comment"].as_str().unwrap_or_default();
                assert!(id_ok && comment.len() > 40, "{name}: {id}: {skip}");
            }
        }
    }
}

#[test]
fn several_origins_get_a_preflight_that_echoes_a_listed_origin_and_gateway_responses_that_echo_the_origin() {
    let t = synth("several-origins", SEVERAL_ORIGINS, "dev");
    let r = &t.0["Resources"];
    let options = &r["ProxyOptions"]["Properties"];
    assert_eq!((&options["HttpMethod"], &options["AuthorizationType"]), (&"OPTIONS".into(), &"NONE".into()));
    assert_eq!(options["Integration"]["Type"], "MOCK", "the preflight reaches no backend");
    let response = &options["Integration"]["IntegrationResponses"][0];
    let parameters = &response["ResponseParameters"];
    // The static header is the first origin (what an unlisted origin gets, and the browser refuses) ...
    assert_eq!(parameters["method.response.header.Access-Control-Allow-Origin"], "'https://admin.example.com'");
    assert_eq!(parameters["method.response.header.Vary"], "'Origin'");
    let headers = parameters["method.response.header.Access-Control-Allow-Headers"].as_str().unwrap();
    assert!(headers.contains("Authorization") && headers.contains("Content-Type"), "{headers}");
    assert!(parameters["method.response.header.Access-Control-Allow-Methods"].as_str().unwrap().contains("POST"));
    // ... which the template overrides with the request's Origin when it is exactly a listed one.
    let template = response["ResponseTemplates"]["application/json"].as_str().unwrap();
    assert!(
        template.contains("#if($origin == 'https://admin.example.com' || $origin == 'https://support.example.com')"),
        "{template}"
    );
    assert!(
        template.contains("#set($context.responseOverride.header.Access-Control-Allow-Origin = $origin)"),
        "{template}"
    );
    assert!(!template.contains(".matches("), "an exact comparison, never a regular expression: {template}");
    // Every header the integration response maps is declared by the method response.
    let declared = &options["MethodResponses"][0]["ResponseParameters"];
    for name in parameters.as_object().unwrap().keys() {
        assert_eq!(declared[name], true, "{name}");
    }
    // Gateway responses (the authorizer's 401 and 403, 413, 429, 5xx) can only map a request header: the Origin.
    for id in ["GatewayResponseDefault4xx", "GatewayResponseDefault5xx"] {
        let parameters = &r[id]["Properties"]["ResponseParameters"];
        assert_eq!(parameters["gatewayresponse.header.Access-Control-Allow-Origin"], "method.request.header.Origin");
        assert_eq!(parameters["gatewayresponse.header.Vary"], "'Origin'", "{id}");
        assert!(parameters["gatewayresponse.header.Access-Control-Allow-Headers"].is_string(), "{id}");
    }
    // Adding an origin changes the API: a new deployment.
    let one = synth("restricted-access", "[admin_api]\nrestrict_to_group = \"Admins\"\n", "dev");
    assert_ne!(deployment_id(&t), deployment_id(&one));
}

#[test]
fn one_origin_or_any_keeps_static_cors_headers() {
    let one = "[admin_api]\nrestrict_to_group = \"Admins\"\ncors_origins = [\"https://admin.example.com\"]\n";
    let with_any =
        "[admin_api]\nrestrict_to_group = \"Admins\"\ncors_origins = [\"https://admin.example.com\", \"*\"]\n";
    for (extra, origin) in [(one, "'https://admin.example.com'"), (with_any, "'*'")] {
        let t = synth("restricted-access", extra, "dev");
        let r = &t.0["Resources"];
        let response = &r["ProxyOptions"]["Properties"]["Integration"]["IntegrationResponses"][0];
        assert_eq!(response["ResponseParameters"]["method.response.header.Access-Control-Allow-Origin"], origin);
        assert!(response["ResponseParameters"].get("method.response.header.Vary").is_none(), "{extra}");
        assert_eq!(response["ResponseTemplates"]["application/json"], "{}");
        for id in ["GatewayResponseDefault4xx", "GatewayResponseDefault5xx"] {
            let parameters = &r[id]["Properties"]["ResponseParameters"];
            assert_eq!(parameters["gatewayresponse.header.Access-Control-Allow-Origin"], origin, "{extra}");
            assert!(parameters.get("gatewayresponse.header.Vary").is_none(), "{extra}");
        }
    }
}
