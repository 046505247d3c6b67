//! A Gen 1 project (`amplify/`): the auth resource's settings (`cli-inputs.json`, or `parameters.json` before CLI
//! 6), the groups' precedence, every environment of `team-provider-info.json`, and the ids of the environment pushed
//! last (`amplify-meta.json`). FORMATS.md beside the fixtures (`tests/fixtures/amplify/`) describes each file.

use std::path::Path;

use serde_json::Value;

use super::json::{JsonFile, Sourced};
use super::{AdoptedPool, AmplifyEnvironment, Generation, ImportError, Note, NoteKind, Plan, Restriction};
use super::{function, project_name};
use crate::config::{Group, TokenKind, UsernameAttribute};

const BACKEND_CONFIG: &str = "amplify/backend/backend-config.json";
const TEAM_PROVIDER_INFO: &str = "amplify/team-provider-info.json";
const PRECEDENCE: &str = "amplify/backend/auth/userPoolGroups/user-pool-group-precedence.json";
/// Where the ids of the environment pushed last are: the backend's copy first, then the last push's snapshot.
const METAS: &[&str] = &["amplify/backend/amplify-meta.json", "amplify/#current-cloud-backend/amplify-meta.json"];

/// The auth resource's settings: `cli-inputs.json` (under `cognitoConfig`) or the older flat `parameters.json`.
struct Settings {
    file: JsonFile,
    prefix: &'static str,
}

impl Settings {
    fn read(root: &Path, auth: &str) -> Result<Self, ImportError> {
        let dir = format!("amplify/backend/auth/{auth}");
        if let Some(file) = JsonFile::read(root, &format!("{dir}/cli-inputs.json"))? {
            return Ok(Self { file, prefix: "cognitoConfig." });
        }
        match JsonFile::read(root, &format!("{dir}/parameters.json"))? {
            Some(file) => Ok(Self { file, prefix: "" }),
            None => Err(ImportError::MissingFile { path: root.join(format!("{dir}/cli-inputs.json")) }),
        }
    }

    fn key(&self, name: &str) -> String {
        format!("{}{name}", self.prefix)
    }

    fn from(&self, name: &str) -> String {
        self.file.from(&self.key(name))
    }
}

pub(super) fn read(root: &Path, only: Option<&str>) -> Result<Plan, ImportError> {
    let project_config = JsonFile::require(root, "amplify/.config/project-config.json")?;
    let name = project_config.str("projectName", "the Amplify project's name")?;
    let project = Sourced::new(project_name(&name.value), name.from);
    let backend = JsonFile::require(root, BACKEND_CONFIG)?;
    let auth = find_auth(&backend)?;
    let settings = Settings::read(root, &auth)?;

    let group_key = settings.key("adminQueryGroup");
    let admin_group = settings.file.opt_str(&group_key)?;
    if backend.get("api.AdminQueries").is_none() && admin_group.is_none() {
        return Err(ImportError::NoAdminQueries { path: backend.path.clone(), key: "api.AdminQueries".into() });
    }
    let mut notes = Vec::new();
    let restriction = match admin_group {
        Some(group) if group.value != "NONE" && !group.value.is_empty() => {
            Sourced::new(Restriction::Group(group.value), group.from)
        }
        _ => {
            notes.push(Note::new(
                NoteKind::Restriction,
                "Amplify let every signed-in user administer every user (no adminQueryGroup): imported as it \
                 was, with admin_api.allow_any_signed_in_user = true",
                "restrict the API to a group: cargo xtask update-auth --restrict-to Admins",
            ));
            Sourced::new(
                Restriction::AnySignedInUser,
                format!("{}: {group_key} is absent (every signed-in user administers)", settings.file.rel),
            )
        }
    };
    let username_attributes = sign_in(&settings)?;
    let aliases = settings.file.opt_strings(&settings.key("aliasAttributes"))?.unwrap_or_default();
    if !aliases.is_empty() {
        notes.push(Note::new(
            NoteKind::Aliases,
            format!("users may also sign in with their {} ({})", aliases.join(", "), settings.from("aliasAttributes")),
            "the adopted pool keeps its aliases and the API resolves a user named by any of them; the config \
             cannot describe aliases, so the local environment's pool signs in with the user name only",
        ));
    }
    let token = token(&settings)?;
    let groups = groups(root, &settings)?;
    if let Restriction::Group(name) = &restriction.value
        && !groups.value.iter().any(|g| &g.name == name)
    {
        notes.push(Note::new(
            NoteKind::MissingGroup,
            format!("the API is restricted to `{name}`, which is not among the pool's groups"),
            format!(
                "create it: `cargo xtask deploy --create-missing-groups`, or the Cognito console; then add its \
                 administrators to `{name}`"
            ),
        ));
    }

    let mut environments = environments(root, only)?;
    adopt_from_files(root, &auth, &mut environments)?;
    if let Some(dir) = function_dir(&backend) {
        notes.extend(function::notes(root, &dir));
    }
    notes.extend(other_apis(&backend));
    notes.extend(triggers(&backend, &settings, &auth)?);
    let urls: Vec<String> =
        environments.iter().filter_map(|e| e.api_url.as_ref().map(|url| format!("{}: {url}", e.name))).collect();
    let names: Vec<&str> = environments.iter().map(|e| e.name.as_str()).collect();
    let shown = if urls.is_empty() { String::new() } else { format!(" ({})", urls.join(", ")) };
    notes.push(Note::new(
        NoteKind::AmplifyApi,
        format!("Amplify's Admin Queries API and its function keep running in {}{shown}", names.join(", ")),
        "deploy each environment and check it (`cargo xtask deploy --env <name>`, then `cargo xtask smoke --env \
         <name>`), point the app at the new API (outputs/<name>/), and only then remove Amplify's: `amplify remove \
         api AdminQueries` and its function, then `amplify push`",
    ));
    Ok(Plan {
        generation: Generation::Gen1,
        project,
        username_attributes,
        groups,
        restriction,
        token,
        environments,
        auth_resource: Some(auth),
        notes,
    })
}

/// The key of `backend-config.json`'s `auth` whose service is Cognito (the CLI allows one).
fn find_auth(backend: &JsonFile) -> Result<String, ImportError> {
    let none = || ImportError::NoUserPool { path: backend.path.clone(), key: "auth".into() };
    let auth = backend.opt_object("auth")?.ok_or_else(none)?;
    auth.iter()
        .find(|(_, v)| v.get("service").and_then(Value::as_str) == Some("Cognito"))
        .map(|(k, _)| k.clone())
        .ok_or_else(none)
}

/// `usernameAttributes`: absent or empty is a user name; Amplify may write `["email, phone_number"]` as one string.
fn sign_in(settings: &Settings) -> Result<Sourced<Vec<UsernameAttribute>>, ImportError> {
    let key = settings.key("usernameAttributes");
    let Some(items) = settings.file.opt_strings(&key)? else {
        return Ok(Sourced::new(Vec::new(), format!("{}: {key} is absent (a user name)", settings.file.rel)));
    };
    let mut attributes = Vec::new();
    for part in items.iter().flat_map(|i| i.split(',')).map(str::trim).filter(|p| !p.is_empty()) {
        let attribute = match part {
            "email" => UsernameAttribute::Email,
            "phone_number" => UsernameAttribute::PhoneNumber,
            other => {
                return Err(settings.file.bad(&key, format!("has {other:?}: expected \"email\" or \"phone_number\"")));
            }
        };
        if !attributes.contains(&attribute) {
            attributes.push(attribute);
        }
    }
    let from = if attributes.is_empty() {
        format!("{} (empty: a user name)", settings.from("usernameAttributes"))
    } else {
        settings.from("usernameAttributes")
    };
    Ok(Sourced::new(attributes, from))
}

/// ID tokens when the app signs in through the Hosted UI (OAuth), else access tokens.
fn token(settings: &Settings) -> Result<Sourced<TokenKind>, ImportError> {
    let hosted = settings.file.flag(&settings.key("hostedUI"))?;
    let oauth = settings.file.opt_str(&settings.key("oAuthMetadata"))?.is_some_and(|m| m.value.trim() != "{}");
    Ok(if hosted || oauth {
        let key = if hosted { "hostedUI" } else { "oAuthMetadata" };
        Sourced::new(TokenKind::Id, format!("{} (a Hosted UI: the app holds ID tokens)", settings.from(key)))
    } else {
        Sourced::new(TokenKind::Access, format!("{} is false (no Hosted UI)", settings.from("hostedUI")))
    })
}

/// The groups and their precedence: `user-pool-group-precedence.json`, else `userPoolGroupList` in order.
fn groups(root: &Path, settings: &Settings) -> Result<Sourced<Vec<Group>>, ImportError> {
    let group = |name: String, precedence: Option<i32>| Group { name, precedence, description: None };
    if let Some(file) = JsonFile::read(root, PRECEDENCE)? {
        let Value::Array(items) = &file.value else { return Err(file.bad("", "is not a list of groups")) };
        let mut groups = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let key = format!("[{i}].groupName");
            let name =
                item.get("groupName").and_then(Value::as_str).ok_or_else(|| file.missing(&key, "the group's name"))?;
            let precedence =
                match item.get("precedence") {
                    None | Some(Value::Null) => None,
                    Some(p) => Some(p.as_i64().and_then(|p| i32::try_from(p).ok()).ok_or_else(|| {
                        file.bad(&format!("[{i}].precedence"), format!("is {p}, not a whole number"))
                    })?),
                };
            groups.push(group(name.to_owned(), precedence));
        }
        return Ok(Sourced::new(groups, file.rel));
    }
    let key = settings.key("userPoolGroupList");
    let names = settings.file.opt_strings(&key)?.unwrap_or_default();
    let groups = names.into_iter().zip(1..).map(|(name, p)| group(name, Some(p))).collect();
    Ok(Sourced::new(groups, format!("{} (precedence in list order)", settings.from("userPoolGroupList"))))
}

/// Every environment of `team-provider-info.json` (or only `only`), with its region and root stack.
fn environments(root: &Path, only: Option<&str>) -> Result<Vec<AmplifyEnvironment>, ImportError> {
    let tpi = JsonFile::require(root, TEAM_PROVIDER_INFO)?;
    let Value::Object(envs) = &tpi.value else { return Err(tpi.bad("", "is not an object of environments")) };
    if let Some(only) = only
        && !envs.contains_key(only)
    {
        let known = envs.keys().map(String::as_str).collect::<Vec<_>>().join(", ");
        return Err(ImportError::UnknownEnvironment { path: tpi.path.clone(), env: only.to_owned(), known });
    }
    let mut environments = Vec::new();
    for name in envs.keys().filter(|n| only.is_none_or(|o| o == n.as_str())) {
        let region = tpi.str(&format!("{name}.awscloudformation.Region"), "the environment's region")?;
        let stack = tpi.str(&format!("{name}.awscloudformation.StackName"), "the environment's root stack")?;
        let mut env =
            AmplifyEnvironment { name: name.clone(), region, root_stack: Some(stack.value), pool: None, api_url: None };
        adopt_imported(&tpi, &mut env)?;
        environments.push(env);
    }
    Ok(environments)
}

/// An imported pool (`amplify import auth`) keeps its ids per environment in `team-provider-info.json`.
fn adopt_imported(tpi: &JsonFile, env: &mut AmplifyEnvironment) -> Result<(), ImportError> {
    let Some(auth) = tpi.opt_object(&format!("{}.categories.auth", env.name))? else { return Ok(()) };
    for resource in auth.keys() {
        let base = format!("{}.categories.auth.{resource}", env.name);
        if let (Some(id), Some(client_id)) =
            (tpi.opt_str(&format!("{base}.userPoolId"))?, tpi.opt_str(&format!("{base}.webClientId"))?)
        {
            env.pool = Some(AdoptedPool { id, client_id });
        }
    }
    Ok(())
}

/// The pool, web client and API of the environment pushed last, from the `amplify-meta.json` files.
fn adopt_from_files(root: &Path, auth: &str, environments: &mut [AmplifyEnvironment]) -> Result<(), ImportError> {
    for rel in METAS {
        let Some(meta) = JsonFile::read(root, rel)? else { continue };
        let Some(stack) = meta.opt_str("providers.awscloudformation.StackName")? else { continue };
        let Some(env) = environments.iter_mut().find(|e| e.root_stack.as_deref() == Some(stack.value.as_str())) else {
            continue;
        };
        let output = format!("auth.{auth}.output");
        if env.pool.is_none()
            && let (Some(id), Some(client_id)) =
                (meta.opt_str(&format!("{output}.UserPoolId"))?, meta.opt_str(&format!("{output}.AppClientIDWeb"))?)
        {
            env.pool = Some(AdoptedPool { id, client_id });
        }
        if env.api_url.is_none() {
            env.api_url = meta.opt_str("api.AdminQueries.output.RootUrl")?.map(|u| u.value);
        }
    }
    Ok(())
}

/// The Admin Queries function's folder: the function the API depends on, else the one named `AdminQueries...`.
fn function_dir(backend: &JsonFile) -> Option<String> {
    let depended = backend.get("api.AdminQueries.dependsOn").and_then(Value::as_array).and_then(|deps| {
        deps.iter()
            .find(|d| d.get("category").and_then(Value::as_str) == Some("function"))
            .and_then(|d| d.get("resourceName").and_then(Value::as_str))
    });
    let named = || {
        backend
            .get("function")
            .and_then(Value::as_object)?
            .keys()
            .find(|k| k.starts_with("AdminQueries"))
            .map(String::as_str)
    };
    depended.or_else(named).map(|name| format!("amplify/backend/function/{name}"))
}

/// REST APIs other than Admin Queries, which stay with Amplify.
fn other_apis(backend: &JsonFile) -> Vec<Note> {
    let Some(apis) = backend.get("api").and_then(Value::as_object) else { return Vec::new() };
    apis.iter()
        .filter(|(name, api)| {
            name.as_str() != "AdminQueries" && api.get("service").and_then(Value::as_str) == Some("API Gateway")
        })
        .map(|(name, _)| {
            Note::new(
                NoteKind::OtherApi,
                format!("{}: api.{name} is another REST API, which this tool does not deploy", backend.rel),
                "keep it in the Amplify project (its backend stays until it is removed), or move it to a stack of \
                 your own before removing the Amplify backend",
            )
        })
        .collect()
}

/// The pool's Lambda triggers: the settings' `triggers` (an object, or a JSON string before CLI 6) and the
/// functions the auth resource depends on as triggers.
fn triggers(backend: &JsonFile, settings: &Settings, auth: &str) -> Result<Vec<Note>, ImportError> {
    let key = settings.key("triggers");
    let parsed;
    let value = match settings.file.get(&key) {
        Some(Value::String(text)) => {
            parsed = serde_json::from_str::<Value>(text)
                .map_err(|e| settings.file.bad(&key, format!("is not a JSON object in a string: {e}")))?;
            Some(&parsed)
        }
        other => other,
    };
    let mut kinds: Vec<String> = Vec::new();
    if let Some(Value::Object(map)) = value {
        for (kind, modules) in map {
            let modules: Vec<&str> =
                modules.as_array().map(|m| m.iter().filter_map(Value::as_str).collect()).unwrap_or_default();
            kinds.push(if modules.is_empty() { kind.clone() } else { format!("{kind} ({})", modules.join(", ")) });
        }
    }
    let functions: Vec<&str> = backend
        .get(&format!("auth.{auth}.dependsOn"))
        .and_then(Value::as_array)
        .map(|deps| {
            deps.iter()
                .filter(|d| d.get("triggerProvider").and_then(Value::as_str) == Some("Cognito"))
                .filter_map(|d| d.get("resourceName").and_then(Value::as_str))
                .collect()
        })
        .unwrap_or_default();
    if kinds.is_empty() && functions.is_empty() {
        return Ok(Vec::new());
    }
    let mut what = format!("the user pool has Lambda triggers ({})", settings.from("triggers"));
    if !kinds.is_empty() {
        what.push_str(&format!(": {}", kinds.join(", ")));
    }
    if !functions.is_empty() {
        what.push_str(&format!("; functions {}", functions.join(", ")));
    }
    Ok(vec![Note::new(
        NoteKind::Triggers,
        what,
        "the adopted pool keeps calling them, but they are functions of the Amplify backend: keep it while the \
         pool needs them, or move them to a stack of your own and attach them to the pool before removing it",
    )])
}
