//! `import-amplify` without the command line: each fixture of `tests/fixtures/amplify/` (FORMATS.md describes them)
//! gives exactly its snapshot (`tests/snapshots/import-*.toml`; `UPDATE_SNAPSHOTS=1` rewrites them), a valid config,
//! the report of what cannot be carried, and each bad input a clear error naming the file and the key. The pools of
//! environments not on disk come from CloudFormation, here through the SDK's mocks.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use admin_api::actions::{ACTIONS, Verb};
use aws_sdk_cloudformation::Client;
use aws_sdk_cloudformation::error::ErrorMetadata;
use aws_sdk_cloudformation::operation::describe_stacks::DescribeStacksOutput;
use aws_sdk_cloudformation::operation::list_stack_resources::ListStackResourcesOutput;
use aws_sdk_cloudformation::types::{Output, Stack, StackResourceSummary, StackStatus};
use aws_smithy_mocks::{RuleMode, mock, mock_client};
use aws_smithy_types::DateTime;
use deploy::config::{Config, FILE_NAME, TokenKind, UsernameAttribute};
use deploy::failure::Failure;
use deploy::import::{self, ImportError, Imported, NoteKind, Pending, Restriction};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap()).join("../../tests/fixtures/amplify").join(name)
}

/// The text must equal the snapshot `name`.
fn assert_snapshot(name: &str, text: &str) {
    let path = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").unwrap()).join("tests/snapshots").join(name);
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, text).unwrap();
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(text, expected, "{name} differs from the import's text (UPDATE_SNAPSHOTS=1 rewrites it)");
}

fn imported(name: &str) -> Imported {
    import::read(&fixture(name), None).unwrap().render().unwrap()
}

/// The config as `deploy` reads it, each environment found.
fn parsed(imported: &Imported) -> Config {
    let config = Config::parse(&imported.text, FILE_NAME).unwrap();
    for env in &imported.environments {
        config.environment(env, FILE_NAME).unwrap();
    }
    config
}

fn adopted(config: &Config, env: &str) -> (Option<String>, Option<String>) {
    let pool = &config.environments[env].user_pool;
    (pool.existing.clone(), pool.client_id.clone())
}

fn kinds(imported: &Imported) -> Vec<NoteKind> {
    imported.notes.iter().map(|n| n.kind).collect()
}

/// A copy of the fixture `name` to change.
fn copy(name: &str) -> PathBuf {
    let dir = test_support::temp_dir("import").join(name);
    test_support::copy_dir(&fixture(name), &dir);
    dir
}

fn edit(path: &Path, change: impl FnOnce(String) -> String) {
    let text = std::fs::read_to_string(path).unwrap();
    let changed = change(text.clone());
    assert_ne!(text, changed, "the edit of {} changed nothing", path.display());
    std::fs::write(path, changed).unwrap();
}

#[test]
fn gen1_with_user_name_sign_in_and_two_environments() {
    let imported = imported("gen1-cli-inputs");
    assert_snapshot("import-gen1-cli-inputs.toml", &imported.text);
    let config = parsed(&imported);
    assert_eq!(config.project, "adminportal");
    assert!(config.user_pool.username_attributes.is_empty(), "user name sign-in");
    let groups: Vec<_> = config.user_pool.groups.iter().map(|g| (g.name.as_str(), g.precedence)).collect();
    assert_eq!(groups, [("Admins", Some(1)), ("Editors", Some(2))]);
    assert_eq!(config.admin_api.restrict_to_group.as_deref(), Some("Admins"));
    assert_eq!(config.admin_api.token, TokenKind::Access);
    assert_eq!(imported.environments, ["dev", "prod"]);
    assert_eq!(config.environments["dev"].region.as_deref(), Some("us-east-1"));
    let dev = (Some("us-east-1_AbCdEf123".to_owned()), Some("4k7q2n9v1c8m3x5t6b0p2r7d1s".to_owned()));
    assert_eq!(adopted(&config, "dev"), dev, "the environment pushed last adopts its pool and web client");
    assert!(imported.text.contains("# amplify/backend/amplify-meta.json: auth.adminportal4f2c9a1b.output.UserPoolId"));
    assert!(config.environments["dev"].stack.is_none(), "never Amplify's root stack");
}

#[test]
fn an_environment_not_on_disk_is_written_with_a_placeholder_and_reported() {
    let imported = imported("gen1-cli-inputs");
    let config = parsed(&imported);
    assert_eq!(config.environments["prod"].region.as_deref(), Some("us-west-2"));
    assert_eq!(adopted(&config, "prod"), (None, None), "commented out, so the file parses");
    let pending = Pending {
        env: "prod".into(),
        region: "us-west-2".into(),
        stack: Some("amplify-adminportal-prod-c8f02".into()),
    };
    assert_eq!(imported.pending, [pending]);
    for line in ["# [environments.prod.user_pool]", "# existing = \"us-west-2_...\"", "--aws", "new, empty pool"] {
        assert!(imported.text.contains(line), "the placeholder says {line:?}:\n{}", imported.text);
    }
}

#[test]
fn gen1_parameters_with_email_sign_in_a_support_group_and_a_hosted_ui() {
    let imported = imported("gen1-parameters");
    assert_snapshot("import-gen1-parameters.toml", &imported.text);
    let config = parsed(&imported);
    assert_eq!(config.project, "notesapp");
    assert_eq!(config.user_pool.username_attributes, [UsernameAttribute::Email]);
    assert_eq!(config.admin_api.restrict_to_group.as_deref(), Some("Support"));
    assert_eq!(config.admin_api.token, TokenKind::Id, "a Hosted UI app holds ID tokens");
    let staging = (Some("eu-west-1_Zx7Rb2QpL".to_owned()), Some("6p1s9d3f7g2h8j4k0l5q1w3e9r".to_owned()));
    assert_eq!(adopted(&config, "staging"), staging);
    assert!(imported.pending.is_empty());
}

#[test]
fn gen2_outputs_become_one_environment_restricted_to_the_first_group() {
    let imported = imported("gen2");
    assert_snapshot("import-gen2.toml", &imported.text);
    let config = parsed(&imported);
    assert_eq!(imported.environments, [import::GEN2_ENVIRONMENT]);
    assert_eq!(config.admin_api.restrict_to_group.as_deref(), Some("Admins"), "the lowest precedence");
    assert_eq!(config.user_pool.username_attributes, [UsernameAttribute::Email]);
    let main = (Some("us-east-2_Kq4Tn8WzB".to_owned()), Some("3vj8q5m2n7b4k1x9c6z0a2s5d8".to_owned()));
    assert_eq!(adopted(&config, "main"), main);
    assert_eq!(kinds(&imported), [NoteKind::Restriction], "the guess is reported");

    let named = import::read(&fixture("gen2"), Some("prod")).unwrap().render().unwrap();
    assert_eq!(named.environments, ["prod"], "--env names it");
}

#[test]
fn gen2_without_groups_is_restricted_to_admins_and_says_to_create_it() {
    let dir = copy("gen2");
    let path = dir.join("amplify_outputs.json");
    let mut outputs: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    outputs["auth"].as_object_mut().unwrap().remove("groups");
    std::fs::write(&path, outputs.to_string()).unwrap();
    let imported = import::read(&dir, None).unwrap().render().unwrap();
    let config = parsed(&imported);
    assert_eq!(config.admin_api.restrict_to_group.as_deref(), Some("Admins"));
    assert!(config.user_pool.groups.is_empty());
    let note = imported.notes.iter().find(|n| n.kind == NoteKind::MissingGroup).unwrap();
    assert!(note.instead.contains("--create-missing-groups"), "{note:?}");
}

#[test]
fn the_report_names_what_cannot_be_carried_with_what_to_do() {
    let cli_inputs = imported("gen1-cli-inputs");
    assert_eq!(kinds(&cli_inputs), [NoteKind::CustomRoute, NoteKind::CustomRoute, NoteKind::AmplifyApi]);
    let (delete, export) = (&cli_inputs.notes[0], &cli_inputs.notes[1]);
    assert!(delete.what.ends_with("src/app.js adds the route POST /deleteUser"), "{delete:?}");
    assert!(delete.instead.contains("--enable-action deleteUser"), "an action of ours, off by default: {delete:?}");
    assert!(export.what.contains("GET /exportUsers") && export.instead.contains("no such action"), "{export:?}");
    assert!(cli_inputs.notes[2].what.contains("https://x8k2m4p7qa.execute-api.us-east-1.amazonaws.com/dev"));

    let parameters = imported("gen1-parameters");
    assert_eq!(kinds(&parameters), [NoteKind::OtherApi, NoteKind::Triggers, NoteKind::AmplifyApi]);
    assert!(parameters.notes[0].what.contains("api.notesapi"), "{:?}", parameters.notes[0]);
    let triggers = &parameters.notes[1].what;
    assert!(triggers.contains("PreSignup (email-filter-allowlist)"), "{triggers}");
    assert!(triggers.contains("notesappb7e2d4f0PreSignup"), "the trigger's function: {triggers}");
    assert!(parameters.notes.iter().all(|n| !n.instead.is_empty()));
}

#[test]
fn a_stock_route_removed_from_app_js_is_reported_with_the_flag_that_keeps_it_off() {
    let dir = copy("gen1-cli-inputs");
    let app = dir.join("amplify/backend/function/AdminQueries9c1e57d2/src/app.js");
    edit(&app, |t| t.lines().filter(|l| !l.contains("'/confirmUserSignUp'")).collect::<Vec<_>>().join("\n"));
    let imported = import::read(&dir, None).unwrap().render().unwrap();
    let removed = imported.notes.iter().find(|n| n.kind == NoteKind::RemovedRoute).unwrap();
    assert!(removed.what.ends_with("no longer serves /confirmUserSignUp"), "{removed:?}");
    assert!(removed.instead.contains("--disable-action confirmUserSignUp"), "{removed:?}");
}

#[test]
fn routes_are_read_in_any_quotes_and_the_stock_ones_are_our_default_actions() {
    let text = "app.all('*', check);\napp.get(\"/getUser\", f);\napp.post( `/mine`, g);\napp.use(express.json());";
    let found: Vec<(String, String)> = import::routes(text);
    assert_eq!(found, [("get".into(), "getUser".into()), ("post".into(), "mine".into())]);
    for (verb, name) in import::STOCK_ROUTES {
        let action = ACTIONS.iter().find(|a| a.name == *name).unwrap();
        assert!(action.verb == *verb && action.default_enabled, "{name}: Amplify's route is a default action here");
    }
    assert!(!import::STOCK_ROUTES.iter().any(|(v, n)| *v == Verb::Get && *n == "updateUserAttributes"));
}

#[test]
fn no_admin_group_is_carried_as_it_was_and_reported() {
    let dir = copy("gen1-cli-inputs");
    let settings = dir.join("amplify/backend/auth/adminportal4f2c9a1b/cli-inputs.json");
    edit(&settings, |t| t.replace("    \"adminQueryGroup\": \"Admins\",\n", ""));
    let plan = import::read(&dir, None).unwrap();
    assert_eq!(plan.restriction.value, Restriction::AnySignedInUser);
    let imported = plan.render().unwrap();
    let config = parsed(&imported);
    assert!(config.admin_api.restrict_to_group.is_none() && config.admin_api.allow_any_signed_in_user);
    assert!(imported.notes.iter().any(|n| n.kind == NoteKind::Restriction && n.instead.contains("--restrict-to")));
}

// --aws: the pools of the environments not on disk, from CloudFormation.

const PROD_ROOT: &str = "amplify-adminportal-prod-c8f02";
const PROD_AUTH: &str = "arn:aws:cloudformation:us-west-2:123456789012:stack/\
                         amplify-adminportal-prod-c8f02-authadminportal4f2c9a1b-1X2Y3Z/9a8b7c6d";

fn nested(logical_id: &str, physical_id: &str) -> StackResourceSummary {
    StackResourceSummary::builder()
        .logical_resource_id(logical_id)
        .physical_resource_id(physical_id)
        .resource_type("AWS::CloudFormation::Stack")
        .resource_status(aws_sdk_cloudformation::types::ResourceStatus::UpdateComplete)
        .last_updated_timestamp(DateTime::from_secs(1))
        .build()
}

fn auth_stack(outputs: &[(&str, &str)]) -> DescribeStacksOutput {
    let mut stack = Stack::builder()
        .stack_name(PROD_AUTH)
        .stack_status(StackStatus::UpdateComplete)
        .creation_time(DateTime::from_secs(1));
    for (key, value) in outputs {
        stack = stack.outputs(Output::builder().output_key(*key).output_value(*value).build());
    }
    DescribeStacksOutput::builder().stacks(stack.build()).build()
}

fn prod_outputs() -> DescribeStacksOutput {
    auth_stack(&[
        ("UserPoolId", "us-west-2_Pr0dP00l9"),
        ("AppClientID", "native"),
        ("AppClientIDWeb", "7w3b9c1l2i3e4n5t6i7d8x9y0z"),
    ])
}

#[tokio::test]
async fn aws_reads_the_pool_of_each_environment_not_on_disk_from_its_root_stack() {
    // Two pages: the groups' stack (not the pool's) first, then the auth stack.
    let list = mock!(Client::list_stack_resources)
        .match_requests(|r| r.stack_name() == Some(PROD_ROOT))
        .sequence()
        .output(|| {
            let groups = nested("authuserPoolGroups", "arn:aws:cloudformation:us-west-2:1:stack/groups/1");
            ListStackResourcesOutput::builder().stack_resource_summaries(groups).next_token("page-2").build()
        })
        .output(|| {
            let api = nested("apiAdminQueries", "arn:aws:cloudformation:us-west-2:1:stack/api/1");
            let auth = nested("authadminportal4f2c9a1b", PROD_AUTH);
            ListStackResourcesOutput::builder().stack_resource_summaries(api).stack_resource_summaries(auth).build()
        })
        .build();
    let describe =
        mock!(Client::describe_stacks).match_requests(|r| r.stack_name() == Some(PROD_AUTH)).then_output(prod_outputs);
    let client = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&list, &describe]);

    let mut plan = import::read(&fixture("gen1-cli-inputs"), None).unwrap();
    let mut regions = Vec::new();
    let filled = plan
        .fetch_pools_with(|region| {
            regions.push(region.to_owned());
            client.clone()
        })
        .await
        .unwrap();
    assert_eq!(filled, ["prod"], "dev's pool is on disk: only prod is asked for");
    assert_eq!(regions, ["us-west-2"], "each environment in its own region");
    assert_eq!((list.num_calls(), describe.num_calls()), (2, 1));
    let imported = plan.render().unwrap();
    assert_snapshot("import-gen1-cli-inputs-aws.toml", &imported.text);
    assert!(imported.pending.is_empty());
    let config = parsed(&imported);
    let prod = (Some("us-west-2_Pr0dP00l9".to_owned()), Some("7w3b9c1l2i3e4n5t6i7d8x9y0z".to_owned()));
    assert_eq!(adopted(&config, "prod"), prod, "the web client, not the native one");
}

#[tokio::test]
async fn aws_failures_name_the_stack_and_are_remote() {
    let only_groups = mock!(Client::list_stack_resources).then_output(|| {
        let groups = nested("authuserPoolGroups", "arn:aws:cloudformation:us-west-2:1:stack/groups/1");
        ListStackResourcesOutput::builder().stack_resource_summaries(groups).build()
    });
    let client = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&only_groups]);
    let err = import::pool_from_stack(&client, "prod", PROD_ROOT, "adminportal4f2c9a1b").await.unwrap_err();
    assert!(
        matches!(&err, ImportError::NoAuthStack { logical_id, .. } if logical_id == "authadminportal4f2c9a1b"),
        "{err}"
    );
    assert_eq!(err.failure(), Failure::Remote);

    let list = mock!(Client::list_stack_resources).then_output(|| {
        ListStackResourcesOutput::builder()
            .stack_resource_summaries(nested("authadminportal4f2c9a1b", PROD_AUTH))
            .build()
    });
    let describe = mock!(Client::describe_stacks).then_output(|| auth_stack(&[("UserPoolId", "us-west-2_Pr0dP00l9")]));
    let client = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&list, &describe]);
    let err = import::pool_from_stack(&client, "prod", PROD_ROOT, "adminportal4f2c9a1b").await.unwrap_err();
    assert!(matches!(err, ImportError::MissingOutput { output: "AppClientIDWeb", .. }), "{err}");

    let denied = mock!(Client::list_stack_resources).then_error(|| {
        let meta = ErrorMetadata::builder()
            .code("AccessDenied")
            .message("not authorized: cloudformation:ListStackResources")
            .build();
        aws_sdk_cloudformation::operation::list_stack_resources::ListStackResourcesError::generic(meta)
    });
    let client = mock_client!(aws_sdk_cloudformation, RuleMode::MatchAny, [&denied]);
    let err = import::pool_from_stack(&client, "prod", PROD_ROOT, "adminportal4f2c9a1b").await.unwrap_err();
    let message = err.to_string();
    assert!(message.contains(PROD_ROOT) && message.contains("not authorized"), "{message}");
    assert_eq!(err.failure(), Failure::Remote);
    assert!(err.help().contains("credentials"), "{}", err.help());
}

// Bad input: an error naming the file and the key, before anything could be written.

#[test]
fn a_folder_without_an_amplify_project_is_refused() {
    let dir = test_support::temp_dir("import-empty");
    let err = import::read(&dir, None).unwrap_err();
    assert!(matches!(&err, ImportError::NotAmplify { path } if path == &dir), "{err}");
    assert_eq!(err.failure(), Failure::Refused);
    assert!(err.to_string().contains("amplify_outputs.json") && err.help().contains("amplify/"), "{err}");

    std::fs::create_dir_all(dir.join("amplify/auth")).unwrap();
    let err = import::read(&dir, None).unwrap_err();
    assert!(matches!(err, ImportError::NoGen2Outputs { .. }), "a Gen 2 backend without its outputs: {err}");
    assert!(err.help().contains("ampx generate outputs"), "{}", err.help());
}

#[test]
fn a_project_without_admin_queries_is_refused_naming_the_file_and_key() {
    let dir = copy("gen1-parameters");
    let backend = dir.join("amplify/backend/backend-config.json");
    let mut config: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&backend).unwrap()).unwrap();
    config["api"].as_object_mut().unwrap().remove("AdminQueries");
    std::fs::write(&backend, config.to_string()).unwrap();
    edit(&dir.join("amplify/backend/auth/notesappb7e2d4f0/parameters.json"), |t| {
        t.replace("  \"adminQueryGroup\": \"Support\",\n", "")
    });
    let err = import::read(&dir, None).unwrap_err();
    assert!(
        matches!(&err, ImportError::NoAdminQueries { path, key } if path == &backend && key == "api.AdminQueries"),
        "{err}"
    );
    assert_eq!(err.failure(), Failure::Refused);
}

#[test]
fn malformed_json_names_the_file_line_and_column() {
    let dir = copy("gen1-cli-inputs");
    let tpi = dir.join("amplify/team-provider-info.json");
    edit(&tpi, |t| t.replacen("\"Region\": \"us-east-1\",", "\"Region\": \"us-east-1\"", 1));
    let err = import::read(&dir, None).unwrap_err();
    let ImportError::Malformed { path, line, column, .. } = &err else { panic!("{err}") };
    assert_eq!((path, *line, *column), (&tpi, 8, 7), "{err}");
    assert!(err.to_string().contains("team-provider-info.json is not valid JSON"), "{err}");
    assert_eq!(err.failure(), Failure::Config);
}

#[test]
fn a_missing_or_wrong_key_is_named() {
    let dir = copy("gen1-cli-inputs");
    let tpi = dir.join("amplify/team-provider-info.json");
    edit(&tpi, |t| t.replacen("\"Region\": \"us-west-2\",", "", 1));
    let err = import::read(&dir, None).unwrap_err();
    assert!(
        matches!(&err, ImportError::MissingKey { path, key, .. }
            if path == &tpi && key == "prod.awscloudformation.Region"),
        "{err}"
    );

    let dir = copy("gen1-parameters");
    let settings = dir.join("amplify/backend/auth/notesappb7e2d4f0/parameters.json");
    edit(&settings, |t| {
        t.replace("\"usernameAttributes\": [\n    \"email\"", "\"usernameAttributes\": [\n    \"nickname\"")
    });
    let err = import::read(&dir, None).unwrap_err();
    assert!(
        matches!(&err, ImportError::BadValue { path, key, .. } if path == &settings && key == "usernameAttributes"),
        "{err}"
    );
    assert!(err.to_string().contains("\"nickname\""), "{err}");

    let err = import::read(&fixture("gen1-cli-inputs"), Some("test")).unwrap_err();
    assert!(
        matches!(&err, ImportError::UnknownEnvironment { env, known, .. } if env == "test" && known == "dev, prod"),
        "{err}"
    );
    assert_eq!(err.failure(), Failure::Refused);
}

#[test]
fn project_names_are_made_valid() {
    assert_eq!(import::project_name("My App_2"), "my-app-2");
    assert_eq!(import::project_name("2fast"), "app-2fast");
    assert_eq!(import::project_name(&"x".repeat(50)).len(), 40);
}
