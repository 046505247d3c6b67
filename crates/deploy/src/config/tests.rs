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
        ("[environments.prod.lambda]\nmemory_mb = 256\n", "memory_mb"),
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
