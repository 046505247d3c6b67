use super::*;

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::parse(text, "admin-queries.toml")
}

#[test]
fn the_default_config_is_valid_and_restricted_to_admins() {
    let config = parse(DEFAULT_CONFIG).unwrap();
    assert_eq!(config.admin_api.restrict_to_group.as_deref(), Some("Admins"));
    assert_eq!(config.admin_api.token, TokenKind::Access);
    assert_eq!(config.user_pool.groups[0].name, "Admins");
    assert!(config.environments.contains_key("local"));
}

#[test]
fn unknown_keys_are_errors_that_name_the_key() {
    let err = parse("project = \"a\"\n[admin_api]\nrestrict_to = \"Admins\"\n").unwrap_err().to_string();
    assert!(err.contains("restrict_to"), "{err}");
    assert!(err.contains("restrict_to_group"), "it lists the known keys: {err}");
}

#[test]
fn bad_values_name_the_key_and_say_what_to_write() {
    let cases = [
        ("project = \"My App\"", "`project`"),
        ("project = \"a\"\n[lambda]\ntimeout_s = 30", "`lambda.timeout_s`"),
        ("project = \"a\"\n[lambda]\nmemory_mb = 64", "`lambda.memory_mb`"),
        ("project = \"a\"\n[admin_api]\ncors_origins = [\"admin.example.com/\"]", "`admin_api.cors_origins`"),
        ("project = \"a\"\n[environments.dev]\nregion = \"Ireland\"", "`environments.dev.region`"),
        ("project = \"a\"\n[user_pool]\ngroups = [{ name = \"A\" }, { name = \"A\" }]", "`user_pool.groups[1].name`"),
        ("project = \"a\"\n[user_pool]\nexisting = \"abc\"", "`user_pool.existing`"),
    ];
    for (text, key) in cases {
        let err = parse(text).unwrap_err().to_string();
        assert!(err.contains(key), "{text}: {err}");
        assert!(err.contains("help: "), "{text}: {err}");
    }
    let err = parse("project = \"a\"\n[admin_api]\ntoken = \"jwt\"").unwrap_err().to_string();
    assert!(err.contains("token") && err.contains("access"), "{err}");
}

#[test]
fn actions_and_access_rules_are_checked() {
    let config = parse("project = \"a\"\n[admin_api]\nrestrict_to_group = \"Admins\"\nactions = [\"listUsers\", \"createUser\"]\n[admin_api.access]\nlistUsers = [\"Admins\", \"Support\"]\n").unwrap();
    let env = config.function_env().variables();
    assert!(env.contains(&("ACTIONS", "listUsers,createUser".into())), "{env:?}");
    assert!(env.contains(&("ACCESS_RULES", r#"{"listUsers":["Admins","Support"]}"#.into())), "{env:?}");
    let err = parse("project = \"a\"\n[admin_api]\nactions = [\"dropTables\"]").unwrap_err().to_string();
    assert!(err.contains("`admin_api.actions`") && err.contains("createUser"), "{err}");
    let err = parse("project = \"a\"\n[admin_api.access]\ncreateUser = [\"Admins\"]").unwrap_err().to_string();
    assert!(err.contains("`admin_api.access.createUser`"), "{err}");
}

#[test]
fn local_exists_without_being_listed_and_others_must_be() {
    let config = parse("project = \"a\"").unwrap();
    assert_eq!(config.environment("local", "f").unwrap().region(), "us-east-1");
    let err = config.environment("prod", "f").unwrap_err().to_string();
    assert!(err.contains("[environments.prod]"), "{err}");
}

#[test]
fn an_open_door_is_refused_with_the_ways_through() {
    // No group restriction on a pool anyone can sign up to: refused, for the implicit `local` too.
    let err = parse("project = \"a\"\n[admin_api]\n").unwrap_err().to_string();
    assert!(err.contains("`admin_api.restrict_to_group` is absent") && err.contains("self sign-up"), "{err}");
    assert!(err.contains("help: ") && err.contains("user_pool.self_sign_up = false"), "{err}");
    assert!(err.contains("admin_api.allow_any_signed_in_user = true"), "{err}");
    // The ways through: no self sign-up, or saying so.
    let closed = parse("project = \"a\"\n[user_pool]\nself_sign_up = false\n[admin_api]\n").unwrap();
    assert!(!closed.user_pool.self_sign_up && closed.admin_api.restrict_to_group.is_none());
    let said = parse("project = \"a\"\n[admin_api]\nallow_any_signed_in_user = true\n").unwrap();
    assert!(said.user_pool.self_sign_up && said.admin_api.allow_any_signed_in_user);
    // Per environment: an environment that turns self sign-up back on is named.
    let text = "project = \"a\"\n[user_pool]\nself_sign_up = false\n[admin_api]\n[environments.dev.user_pool]\nself_sign_up = true\n";
    let err = parse(text).unwrap_err().to_string();
    assert!(err.contains("`dev`") && err.contains("environments.dev.user_pool.self_sign_up = false"), "{err}");
    // Every served action under an access rule is no open door.
    let ruled =
        "project = \"a\"\n[admin_api]\nactions = [\"listUsers\"]\n[admin_api.access]\nlistUsers = [\"Support\"]\n";
    assert!(parse(ruled).is_ok());
    // Self sign-up defaults on, as Amplify has it.
    assert!(parse(DEFAULT_CONFIG).unwrap().user_pool.self_sign_up);
}

#[test]
fn environments_override_pool_stage_and_function_settings() {
    let text = r#"project = "a"
[user_pool]
mfa = "optional"
token_validity = { access = "30m" }
[api]
rate_limit = 10
[environments.prod]
region = "eu-west-1"
[environments.prod.user_pool]
self_sign_up = false
mfa = "required"
token_validity = { refresh = "7d" }
[environments.prod.api]
burst_limit = 20
access_logs = true
tracing = true
[environments.prod.lambda]
reserved_concurrency = 3
"#;
    let config = parse(text).unwrap();
    let prod = config.for_environment(&config.environment("prod", "t").unwrap());
    assert_eq!((prod.user_pool.self_sign_up, prod.user_pool.mfa), (false, Mfa::Required));
    let v = prod.user_pool.token_validity;
    assert_eq!((v.access, v.id, v.refresh), (Validity::minutes(30), Validity::minutes(60), Validity::days(7)));
    assert_eq!(
        (prod.api.rate_limit, prod.api.burst_limit, prod.api.access_logs, prod.api.tracing),
        (10, 20, true, true)
    );
    assert_eq!(prod.lambda.reserved_concurrency, Some(3));
    let local = config.for_environment(&config.environment("local", "t").unwrap());
    assert_eq!((local.user_pool.self_sign_up, local.user_pool.mfa), (true, Mfa::Optional));
    assert_eq!((local.api.burst_limit, local.api.access_logs, local.lambda.reserved_concurrency), (100, false, None));
    // Unknown keys in an environment's tables are refused, naming the key.
    for (bad, key) in [
        ("[environments.prod.user_pool]\nself_signup = false\n", "self_signup"),
        ("[environments.prod.api]\nthrottle = 1\n", "throttle"),
        ("[environments.prod.lambda]\nmemory = 256\n", "memory"),
        ("[environments.prod.admin_api]\nrestrict_to = \"Ops\"\n", "restrict_to"),
        ("[environments.prod.admin_api]\nverify_caller = \"off\"\n", "verify_caller"),
        ("[environments.prod.user_pool]\ngroups = []\n", "groups"),
        ("[environments.prod]\nmfa = \"on\"\n", "mfa"),
    ] {
        let err = parse(&format!("project = \"a\"\n{bad}")).unwrap_err().to_string();
        assert!(err.contains(key) && err.contains("unknown field"), "{bad}: {err}");
    }
}

#[test]
fn pool_hardening_values_are_checked_against_cognitos_bounds() {
    let cases = [
        ("[user_pool]\ntoken_validity = { access = \"4m\" }", "`user_pool.token_validity.access`", "\"5m\""),
        ("[user_pool]\ntoken_validity = { id = \"2d\" }", "`user_pool.token_validity.id`", "\"1d\""),
        ("[user_pool]\ntoken_validity = { refresh = \"59m\" }", "`user_pool.token_validity.refresh`", "\"1h\""),
        ("[user_pool]\ntoken_validity = { refresh = \"3651d\" }", "`user_pool.token_validity.refresh`", "\"3650d\""),
        (
            "[environments.prod.user_pool]\ntoken_validity = { access = \"1441m\" }",
            "`environments.prod.user_pool.token_validity.access`",
            "\"1d\"",
        ),
        ("[api]\nrate_limit = 0", "`api.rate_limit`", "10000"),
        ("[environments.prod.api]\nburst_limit = 6000", "`environments.prod.api.burst_limit`", "5000"),
        ("[lambda]\nreserved_concurrency = 0", "`lambda.reserved_concurrency`", "remove the key"),
    ];
    for (text, key, says) in cases {
        let err = parse(&format!("project = \"a\"\n{text}")).unwrap_err().to_string();
        assert!(err.contains(key) && err.contains("help: ") && err.contains(says), "{text}: {err}");
    }
    for (text, says) in [
        ("[user_pool]\nmfa = \"sms\"", "off"),
        ("[user_pool]\ntoken_validity = { access = \"1 hour\" }", "\"15m\""),
        ("[user_pool]\ntoken_validity = { access = \"60\" }", "not a duration"),
    ] {
        let err = parse(&format!("project = \"a\"\n{text}")).unwrap_err().to_string();
        assert!(err.contains(says), "{text}: {err}");
    }
    let within = "project = \"a\"\n[user_pool]\ntoken_validity = { access = \"5m\", id = \"1d\", refresh = \"60m\" }";
    let v = parse(within).unwrap().user_pool.token_validity;
    assert_eq!(
        (v.access.to_string(), v.id.to_string(), v.refresh.to_string()),
        ("5m".into(), "1d".into(), "1h".into())
    );
}

#[test]
fn the_stage_defaults_are_safe() {
    let config = parse(DEFAULT_CONFIG).unwrap();
    assert_eq!((config.api.rate_limit, config.api.burst_limit), (50, 100));
    assert!(!config.api.access_logs && !config.api.tracing && config.lambda.reserved_concurrency.is_none());
    assert_eq!(config.user_pool.mfa, Mfa::Off);
    let v = config.user_pool.token_validity;
    assert_eq!((v.access, v.id, v.refresh), (Validity::minutes(60), Validity::minutes(60), Validity::days(30)));
}

#[test]
fn the_admin_group_is_created_when_not_listed() {
    let config = parse("project = \"a\"\n[user_pool]\ngroups = []\n[admin_api]\nrestrict_to_group = \"Ops\"").unwrap();
    let names: Vec<String> = config.effective_groups().into_iter().map(|g| g.name).collect();
    assert_eq!(names, vec!["Ops"]);
}

/// Every setting an environment may set for itself, away from the shared value, in `prod`.
const OVERRIDING: &str = r#"project = "a"
[user_pool]
existing = "eu-west-1_Shared1"
client_id = "sharedclient1"
[admin_api]
restrict_to_group = "Admins"
[lambda]
reserved_concurrency = 2
[environments.dev]
region = "eu-west-1"
[environments.prod]
region = "eu-central-1"
stack = "a-production"
[environments.prod.user_pool]
existing = "eu-central-1_AbCdEf123"
client_id = "6q2v8m4k1j9h7g5f3d1s0a8p6o"
[environments.prod.admin_api]
restrict_to_group = "Ops"
token = "id"
cors_origins = ["https://admin.example.com"]
actions = ["listUsers", "createUser"]
access = { createUser = ["Ops", "Hr"] }
[environments.prod.lambda]
architecture = "x86_64"
memory_mb = 512
timeout_s = 10
log_retention_days = 365
reserved_concurrency = 7
"#;

fn seen_by(config: &Config, name: &str) -> Config {
    config.for_environment(&config.environment(name, "t").unwrap())
}

#[test]
fn an_environments_own_pool_and_app_client_win() {
    let config = parse(OVERRIDING).unwrap();
    let prod = seen_by(&config, "prod");
    assert_eq!(prod.user_pool.existing.as_deref(), Some("eu-central-1_AbCdEf123"));
    assert_eq!(prod.user_pool.client_id.as_deref(), Some("6q2v8m4k1j9h7g5f3d1s0a8p6o"));
    let dev = seen_by(&config, "dev");
    assert_eq!(
        (dev.user_pool.existing.as_deref(), dev.user_pool.client_id.as_deref()),
        (Some("eu-west-1_Shared1"), Some("sharedclient1"))
    );
    // A pool of its own comes without the shared pool's client; a client alone is the shared pool's.
    let text = OVERRIDING.replace("client_id = \"6q2v8m4k1j9h7g5f3d1s0a8p6o\"\n", "");
    let prod = seen_by(&parse(&text).unwrap(), "prod");
    assert_eq!((prod.user_pool.existing.as_deref(), prod.user_pool.client_id), (Some("eu-central-1_AbCdEf123"), None));
    let text = "project = \"a\"\n[user_pool]\nexisting = \"us-east-1_Shared1\"\n[environments.dev.user_pool]\nclient_id = \"devclient\"\n";
    let dev = seen_by(&parse(text).unwrap(), "dev");
    assert_eq!(
        (dev.user_pool.existing.as_deref(), dev.user_pool.client_id.as_deref()),
        (Some("us-east-1_Shared1"), Some("devclient"))
    );
}

#[test]
fn an_environments_own_admin_api_settings_win() {
    let config = parse(OVERRIDING).unwrap();
    let prod = seen_by(&config, "prod");
    let api = &prod.admin_api;
    assert_eq!((api.restrict_to_group.as_deref(), api.token), (Some("Ops"), TokenKind::Id));
    assert_eq!(api.cors_origins, vec!["https://admin.example.com".to_owned()]);
    assert_eq!(api.actions, Some(vec!["listUsers".to_owned(), "createUser".to_owned()]));
    assert_eq!(api.access, [("createUser".to_owned(), vec!["Ops".to_owned(), "Hr".to_owned()])].into());
    let groups: Vec<String> = prod.effective_groups().into_iter().map(|g| g.name).collect();
    assert_eq!(groups, vec!["Admins", "Ops"], "the environment's group is created");
    let env = prod.function_env().variables();
    assert!(env.contains(&("ACTIONS", "listUsers,createUser".into())), "{env:?}");
    let dev = seen_by(&config, "dev");
    assert_eq!((dev.admin_api.restrict_to_group.as_deref(), dev.admin_api.token), (Some("Admins"), TokenKind::Access));
    assert_eq!((dev.admin_api.cors_origins, dev.admin_api.actions), (vec!["*".to_owned()], None));
    assert!(dev.admin_api.access.is_empty());
}

#[test]
fn an_environments_own_function_settings_and_stack_win() {
    let config = parse(OVERRIDING).unwrap();
    let prod_env = config.environment("prod", "t").unwrap();
    let prod = config.for_environment(&prod_env);
    let l = &prod.lambda;
    assert_eq!(
        (l.architecture, l.memory_mb, l.timeout_s, l.log_retention_days, l.reserved_concurrency),
        (Architecture::X86_64, 512, 10, 365, Some(7))
    );
    assert_eq!((prod_env.region(), config.names("prod", &prod_env).stack.as_str()), ("eu-central-1", "a-production"));
    let l = seen_by(&config, "dev").lambda;
    assert_eq!(
        (l.architecture, l.memory_mb, l.timeout_s, l.log_retention_days, l.reserved_concurrency),
        (Architecture::Arm64, 128, 25, 30, Some(2))
    );
}

#[test]
fn an_environments_bad_values_name_its_keys() {
    let cases = [
        ("[environments.dev.lambda]\nmemory_mb = 64", "`environments.dev.lambda.memory_mb`"),
        ("[environments.dev.lambda]\ntimeout_s = 30", "`environments.dev.lambda.timeout_s`"),
        ("[environments.dev.lambda]\nlog_retention_days = 2", "`environments.dev.lambda.log_retention_days`"),
        ("[environments.dev.lambda]\nreserved_concurrency = 0", "`environments.dev.lambda.reserved_concurrency`"),
        ("[environments.dev.admin_api]\nrestrict_to_group = \"\"", "`environments.dev.admin_api.restrict_to_group`"),
        ("[environments.dev.admin_api]\ncors_origins = []", "`environments.dev.admin_api.cors_origins`"),
        ("[environments.dev.admin_api]\nactions = [\"dropTables\"]", "`environments.dev.admin_api.actions`"),
        (
            "[environments.dev.admin_api.access]\ncreateUser = [\"Admins\"]",
            "`environments.dev.admin_api.access.createUser`",
        ),
        ("[environments.dev.user_pool]\nexisting = \"abc\"", "`environments.dev.user_pool.existing`"),
        (
            "[user_pool]\nexisting = \"us-east-1_Abc\"\n[environments.dev.user_pool]\nclient_id = \"not-an-id\"",
            "`environments.dev.user_pool.client_id`",
        ),
        ("[user_pool]\nexisting = \"us-east-1_Abc\"\nclient_id = \"\"", "`user_pool.client_id`"),
    ];
    for (text, key) in cases {
        let err = parse(&format!("project = \"a\"\n{text}")).unwrap_err().to_string();
        assert!(err.contains(key) && err.contains("help: "), "{text}: {err}");
    }
    // The shared rule for an action only the environment drops names the environment's actions to fix.
    let text = "project = \"a\"\n[admin_api]\nactions = [\"listUsers\", \"createUser\"]\n[admin_api.access]\ncreateUser = [\"Admins\"]\n[environments.dev.admin_api]\nactions = [\"listUsers\"]\n";
    let err = parse(text).unwrap_err().to_string();
    assert!(
        err.contains("`admin_api.access.createUser`") && err.contains("environments.dev.admin_api.actions"),
        "{err}"
    );
    let long =
        format!("project = \"a\"\n[user_pool]\nexisting = \"us-east-1_Abc\"\nclient_id = \"{}\"", "a".repeat(129));
    assert!(parse(&long).unwrap_err().to_string().contains("`user_pool.client_id`"));
}

#[test]
fn an_app_client_without_its_pool_is_refused() {
    let err =
        parse("project = \"a\"\n[user_pool]\nclient_id = \"6q2v8m4k1j9h7g5f3d1s0a8p6o\"\n").unwrap_err().to_string();
    assert!(err.contains("`user_pool.client_id`") && err.contains("no existing pool"), "{err}");
    assert!(err.contains("help: set user_pool.existing = \"<pool id>\""), "{err}");
    let text = "project = \"a\"\n[environments.dev]\nregion = \"eu-west-1\"\n[environments.dev.user_pool]\nclient_id = \"abc123\"\n";
    let err = parse(text).unwrap_err().to_string();
    assert!(err.contains("`environments.dev.user_pool.client_id`"), "{err}");
    assert!(err.contains("help: set environments.dev.user_pool.existing = \"<pool id>\""), "{err}");
}

#[test]
fn a_pool_in_another_region_than_its_environment_is_refused() {
    let text = "project = \"a\"\n[environments.prod]\nregion = \"eu-west-1\"\n[environments.prod.user_pool]\nexisting = \"us-east-1_AbCdEf123\"\n";
    let err = parse(text).unwrap_err().to_string();
    assert!(err.contains("`environments.prod.user_pool.existing`") && err.contains("us-east-1"), "{err}");
    assert!(err.contains("help: set environments.prod.region = \"us-east-1\""), "{err}");
    // The shared pool, seen by an environment elsewhere; an environment without a region is in us-east-1.
    let text = "project = \"a\"\n[user_pool]\nexisting = \"eu-west-1_AbCdEf123\"\n[environments.dev]\nregion = \"eu-west-1\"\n[environments.ci]\n";
    let err = parse(text).unwrap_err().to_string();
    assert!(err.contains("`user_pool.existing`") && err.contains("`ci` deploys to us-east-1"), "{err}");
    assert!(
        err.contains("environments.ci.region = \"eu-west-1\"") && err.contains("environments.ci.user_pool.existing")
    );
    // The same region is accepted; `local` runs its own pool on this machine, so adopts none and is not checked.
    assert!(parse(&text.replace("[environments.ci]\n", "")).is_ok());
    assert!(parse(&text.replace("[environments.ci]\n", "[environments.local]\n")).is_ok());
}

#[test]
fn names_longer_than_aws_allows_are_refused_with_what_to_shorten() {
    let project = "p".repeat(40);
    let env = "e".repeat(20);
    let err = parse(&format!("project = \"{project}\"\n[environments.{env}]\n")).unwrap_err().to_string();
    assert!(err.contains(&format!("`environments.{env}`")) && err.contains("Lambda function name"), "{err}");
    assert!(err.contains("75 characters") && err.contains("64"), "{err}");
    assert!(err.contains("help: shorten `project`") && err.contains("at most 50"), "{err}");
    assert!(err.contains(&format!("environments.{env}.stack")), "{err}");
    // A stack of the environment's own is what to shorten then.
    let stack = format!("s{}", "x".repeat(50));
    let err = parse(&format!("project = \"a\"\n[environments.dev]\nstack = \"{stack}\"\n")).unwrap_err().to_string();
    assert!(
        err.contains("`environments.dev.stack`") && err.contains("help: shorten environments.dev.stack to at most 50")
    );
    assert!(parse(&format!("project = \"a\"\n[environments.dev]\nstack = \"{}\"\n", &stack[..50])).is_ok());
}

#[test]
fn two_stacks_of_one_environment_get_their_own_function_and_log_groups() {
    let main = parse("project = \"myapp\"\n[environments.dev]\n").unwrap();
    let pr = parse("project = \"myapp\"\n[environments.dev]\nstack = \"myapp-pr-42\"\n").unwrap();
    let names = |config: &Config| config.names("dev", &config.environment("dev", "t").unwrap());
    let (main, pr) = (names(&main), names(&pr));
    assert_eq!(
        (main.function.as_str(), pr.function.as_str()),
        ("myapp-dev-admin-queries", "myapp-pr-42-admin-queries")
    );
    assert_ne!(main.function_log_group, pr.function_log_group);
    assert_ne!(main.access_log_group, pr.access_log_group);
}
