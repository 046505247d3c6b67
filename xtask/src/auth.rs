//! `cargo xtask add-auth` and `cargo xtask update-auth`: Amplify's auth walkthrough without its traps. Interactive
//! on a terminal, fully scriptable with flags (`--yes` takes every default) or a JSON request on stdin
//! (`--headless`). Every change is shown as a diff of `admin-queries.toml`; the file is edited in place, keeping a
//! person's comments and layout; changes Cognito cannot make in place are refused before anything is written.

use std::io::{IsTerminal, Read};

use deploy::config::{Config, DEFAULT_CONFIG, FILE_NAME, LOCAL, TokenKind, UsernameAttribute};
use deploy::edit::{Change, apply};
use dialoguer::{Confirm, Input, Select};
use serde_json::Value;

use crate::cli::Common;
use crate::error::Error;
use crate::project::{self, progress};

#[derive(Debug, Clone, clap::Args)]
pub struct AuthFlags {
    /// Restrict the admin API to this group (created on the next deploy if it does not exist).
    #[arg(long, value_name = "GROUP", conflicts_with = "no_restriction")]
    pub restrict_to: Option<String>,
    /// Let every signed-in user administer every user (the API is still created). On a pool anyone can sign up
    /// to, add --self-sign-up off or --allow-any-signed-in-user.
    #[arg(long)]
    pub no_restriction: bool,
    /// Whether anyone may sign up to the pool (`on`, Amplify's default) or only administrators create users (`off`).
    #[arg(long, value_parser = ["on", "off"])]
    pub self_sign_up: Option<String>,
    /// Say that every signed-in user may administer every user even where anyone can sign up.
    #[arg(long)]
    pub allow_any_signed_in_user: bool,
    /// The token the API accepts: `access` (Amplify's default) or `id` (Hosted UI apps).
    #[arg(long, value_parser = ["access", "id"])]
    pub token: Option<String>,
    /// An origin browsers may call from; repeat for several, `*` for any.
    #[arg(long = "cors", value_name = "ORIGIN")]
    pub cors: Vec<String>,
    /// Add a group, with an optional precedence: `Editors` or `Editors:2`. Repeat for several.
    #[arg(long = "add-group", value_name = "NAME[:PRECEDENCE]")]
    pub add_groups: Vec<String>,
    /// Remove a group. Asks (or needs --yes) when it has members.
    #[arg(long = "remove-group", value_name = "NAME")]
    pub remove_groups: Vec<String>,
    /// Set a group's precedence (lower wins): `Editors=3`. Repeat to reorder.
    #[arg(long = "precedence", value_name = "NAME=PRECEDENCE")]
    pub precedence: Vec<String>,
    /// Serve an action, e.g. createUser. Repeat for several.
    #[arg(long = "enable-action", value_name = "ACTION")]
    pub enable_actions: Vec<String>,
    /// Stop serving an action (it answers 404 and leaves the IAM policy). Repeat for several.
    #[arg(long = "disable-action", value_name = "ACTION")]
    pub disable_actions: Vec<String>,
    /// How users sign in: `username`, `email` or `phone`. Fixed once a pool exists.
    #[arg(long, value_parser = ["username", "email", "phone"])]
    pub sign_in: Option<String>,
}

#[derive(Debug, clap::Args)]
pub struct UpdateArgs {
    #[command(flatten)]
    pub flags: AuthFlags,
    /// Read the change as JSON on stdin (see the README for its shape).
    #[arg(long)]
    pub headless: bool,
    /// Accept every default and confirm every question.
    #[arg(long)]
    pub yes: bool,
    /// Deploy the environment after writing the config.
    #[arg(long)]
    pub deploy: bool,
    #[command(flatten)]
    pub common: Common,
}

#[derive(Debug, clap::Args)]
pub struct AddArgs {
    #[command(flatten)]
    pub flags: AuthFlags,
    /// The project's name (names the stacks): lowercase letters, digits and `-`.
    #[arg(long)]
    pub project: Option<String>,
    /// Write the default configuration without asking (an `Admins` group, the API restricted to it, access tokens).
    #[arg(long)]
    pub yes: bool,
    /// Overwrite an existing admin-queries.toml.
    #[arg(long)]
    pub force: bool,
    #[command(flatten)]
    pub common: Common,
}

fn sign_in(value: &str) -> Vec<UsernameAttribute> {
    match value {
        "email" => vec![UsernameAttribute::Email],
        "phone" => vec![UsernameAttribute::PhoneNumber],
        _ => Vec::new(),
    }
}

fn token(value: &str) -> TokenKind {
    if value == "id" { TokenKind::Id } else { TokenKind::Access }
}

/// The changes the flags ask for, in a fixed order: groups first, so that a restriction can name a new group.
pub fn changes_from_flags(flags: &AuthFlags) -> Result<Vec<Change>, Error> {
    let mut changes = Vec::new();
    if let Some(value) = &flags.sign_in {
        changes.push(Change::UsernameAttributes(sign_in(value)));
    }
    for spec in &flags.add_groups {
        let (name, precedence) = match spec.split_once(':') {
            Some((name, p)) => (
                name,
                Some(p.parse::<i32>().map_err(|_| {
                    Error::Usage(format!("--add-group {spec}: the precedence must be a number, e.g. Editors:2"))
                })?),
            ),
            None => (spec.as_str(), None),
        };
        changes.push(Change::AddGroup { name: name.to_owned(), precedence });
    }
    for spec in &flags.precedence {
        let (name, p) = spec
            .split_once('=')
            .ok_or_else(|| Error::Usage(format!("--precedence {spec}: write NAME=NUMBER, e.g. Editors=3")))?;
        let precedence =
            p.parse().map_err(|_| Error::Usage(format!("--precedence {spec}: the precedence must be a number")))?;
        changes.push(Change::Precedence { name: name.to_owned(), precedence });
    }
    if let Some(group) = &flags.restrict_to {
        changes.push(Change::Restrict(Some(group.clone())));
    }
    if flags.no_restriction {
        changes.push(Change::Restrict(None));
    }
    if let Some(value) = &flags.self_sign_up {
        changes.push(Change::SelfSignUp(value == "on"));
    }
    if flags.allow_any_signed_in_user {
        changes.push(Change::AllowAnySignedInUser(true));
    }
    if let Some(kind) = &flags.token {
        changes.push(Change::Token(token(kind)));
    }
    if !flags.cors.is_empty() {
        changes.push(Change::Cors(flags.cors.clone()));
    }
    for name in &flags.remove_groups {
        changes.push(Change::RemoveGroup(name.clone()));
    }
    changes.extend(flags.enable_actions.iter().cloned().map(Change::EnableAction));
    changes.extend(flags.disable_actions.iter().cloned().map(Change::DisableAction));
    Ok(changes)
}

/// A headless request, close to Amplify's headless `update auth`:
/// `{"version": 1, "serviceModification": {"serviceName": "Cognito", "userPoolConfiguration": {"userPoolGroups":
/// [{"groupName": "Admins", "precedence": 1}], "adminQueries": {"permissions": {"restrictAccess": true,
/// "groupName": "Admins"}, "tokenKind": "access", "corsOrigins": ["*"]}}}}`. The groups listed are the groups
/// wanted: missing ones are added, others removed.
pub fn changes_from_headless(request: &Value, current: &Config) -> Result<Vec<Change>, Error> {
    let bad = |what: &str| Error::Usage(format!("headless request: {what}"));
    let modification = &request["serviceModification"];
    if modification["serviceName"] != "Cognito" {
        return Err(bad("serviceModification.serviceName must be \"Cognito\""));
    }
    let pool = &modification["userPoolConfiguration"];
    let mut changes = Vec::new();
    if let Some(method) = pool.get("signinMethod").and_then(Value::as_str) {
        let attributes = match method {
            "USERNAME" => vec![],
            "EMAIL" => vec![UsernameAttribute::Email],
            "PHONE_NUMBER" => vec![UsernameAttribute::PhoneNumber],
            other => return Err(bad(&format!("signinMethod {other:?} is not USERNAME, EMAIL or PHONE_NUMBER"))),
        };
        changes.push(Change::UsernameAttributes(attributes));
    }
    let mut wanted_groups = Vec::new();
    if let Some(groups) = pool.get("userPoolGroups") {
        let groups = groups.as_array().ok_or_else(|| bad("userPoolGroups must be a list"))?;
        for group in groups {
            let name = group["groupName"].as_str().ok_or_else(|| bad("each group needs a groupName"))?;
            let precedence = group.get("precedence").and_then(Value::as_i64).and_then(|p| i32::try_from(p).ok());
            wanted_groups.push(name.to_owned());
            match current.user_pool.groups.iter().find(|g| g.name == name) {
                None => changes.push(Change::AddGroup { name: name.to_owned(), precedence }),
                Some(g) => {
                    if let Some(p) = precedence.filter(|p| Some(*p) != g.precedence) {
                        changes.push(Change::Precedence { name: name.to_owned(), precedence: p });
                    }
                }
            }
        }
    }
    let admin = &pool["adminQueries"];
    match admin["permissions"]["restrictAccess"].as_bool() {
        Some(true) => {
            let group =
                admin["permissions"]["groupName"].as_str().ok_or_else(|| bad("restrictAccess needs a groupName"))?;
            changes.push(Change::Restrict(Some(group.to_owned())));
        }
        Some(false) => changes.push(Change::Restrict(None)),
        None => {}
    }
    if let Some(on) = pool.get("selfSignUp").and_then(Value::as_bool) {
        changes.push(Change::SelfSignUp(on));
    }
    if admin["permissions"]["allowAnySignedInUser"].as_bool() == Some(true) {
        changes.push(Change::AllowAnySignedInUser(true));
    }
    if let Some(kind) = admin.get("tokenKind").and_then(Value::as_str) {
        changes.push(Change::Token(token(kind)));
    }
    if let Some(origins) = admin.get("corsOrigins").and_then(Value::as_array) {
        changes.push(Change::Cors(origins.iter().filter_map(Value::as_str).map(str::to_owned).collect()));
    }
    if pool.get("userPoolGroups").is_some() {
        for group in &current.user_pool.groups {
            if !wanted_groups.contains(&group.name) {
                changes.push(Change::RemoveGroup(group.name.clone()));
            }
        }
    }
    Ok(changes)
}

fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

fn prompt_error(e: dialoguer::Error) -> Error {
    Error::Usage(format!("the prompt failed: {e}"))
}

/// The `update-auth` menu.
fn ask_update(current: &Config) -> Result<Vec<Change>, Error> {
    let choices = [
        "Create or update the admin queries API (group restriction)",
        "Add a group",
        "Remove a group",
        "Reorder the groups (precedence)",
        "Change the token kind",
        "Change the CORS origins",
        "Enable or disable actions",
    ];
    let choice = Select::new()
        .with_prompt("What do you want to do?")
        .items(choices)
        .default(0)
        .interact()
        .map_err(prompt_error)?;
    let groups: Vec<String> = current.user_pool.groups.iter().map(|g| g.name.clone()).collect();
    Ok(match choice {
        0 => {
            let restrict = Confirm::new()
                .with_prompt("Restrict access to the admin queries API to a specific group?")
                .default(current.admin_api.restrict_to_group.is_some())
                .interact()
                .map_err(prompt_error)?;
            if restrict {
                vec![Change::Restrict(Some(ask_group(&groups, current.admin_api.restrict_to_group.as_deref())?))]
            } else {
                match ask_open_door(current)? {
                    Some(mut more) => {
                        more.insert(0, Change::Restrict(None));
                        more
                    }
                    None => Vec::new(),
                }
            }
        }
        1 => {
            let name: String =
                Input::new().with_prompt("Name of the new group").interact_text().map_err(prompt_error)?;
            let next = current.user_pool.groups.iter().filter_map(|g| g.precedence).max().map_or(1, |p| p + 1);
            let precedence: i32 = Input::new()
                .with_prompt("Its precedence (lower wins)")
                .default(next)
                .interact_text()
                .map_err(prompt_error)?;
            vec![Change::AddGroup { name, precedence: Some(precedence) }]
        }
        2 => {
            let index =
                Select::new().with_prompt("Which group?").items(&groups).default(0).interact().map_err(prompt_error)?;
            vec![Change::RemoveGroup(groups[index].clone())]
        }
        3 => {
            let mut changes = Vec::new();
            for (i, group) in current.user_pool.groups.iter().enumerate() {
                let default = group.precedence.unwrap_or(i32::try_from(i).unwrap_or(0) + 1);
                let precedence: i32 = Input::new()
                    .with_prompt(format!("Precedence of {}", group.name))
                    .default(default)
                    .interact_text()
                    .map_err(prompt_error)?;
                if Some(precedence) != group.precedence {
                    changes.push(Change::Precedence { name: group.name.clone(), precedence });
                }
            }
            changes
        }
        4 => {
            let kinds = ["access token (Amplify's default)", "ID token (Hosted UI apps)"];
            let default = usize::from(current.admin_api.token == TokenKind::Id);
            let kind = Select::new()
                .with_prompt("Which token does the API accept?")
                .items(kinds)
                .default(default)
                .interact()
                .map_err(prompt_error)?;
            vec![Change::Token(if kind == 1 { TokenKind::Id } else { TokenKind::Access })]
        }
        6 => {
            let all: Vec<&str> = admin_api::actions::ACTIONS.iter().map(|a| a.name).collect();
            let enabled: Vec<bool> =
                all.iter().map(|n| current.enabled_actions().iter().any(|a| a.name == *n)).collect();
            let chosen = dialoguer::MultiSelect::new()
                .with_prompt("Which actions does the API serve? (space toggles, enter confirms)")
                .items(&all)
                .defaults(&enabled)
                .interact()
                .map_err(prompt_error)?;
            all.iter()
                .enumerate()
                .filter(|(i, _)| chosen.contains(i) != enabled[*i])
                .map(|(i, name)| {
                    if chosen.contains(&i) {
                        Change::EnableAction((*name).to_owned())
                    } else {
                        Change::DisableAction((*name).to_owned())
                    }
                })
                .collect()
        }
        _ => {
            let origins: String = Input::new()
                .with_prompt("Origins, comma-separated (* for any)")
                .default(current.admin_api.cors_origins.join(","))
                .interact_text()
                .map_err(prompt_error)?;
            vec![Change::Cors(origins.split(',').map(|o| o.trim().to_owned()).filter(|o| !o.is_empty()).collect())]
        }
    })
}

/// Whether some environment's pool lets anyone sign up (`self_sign_up`, the shared value or an environment's).
fn anyone_can_sign_up(config: &Config) -> bool {
    config.user_pool.self_sign_up || config.environments.values().any(|e| e.user_pool.self_sign_up == Some(true))
}

/// Lifting the group restriction on a pool anyone can sign up to would let anyone administer every user: explain
/// it, and ask which way through. `None`: keep the restriction. `Some(changes)`: what to change with the lift.
fn ask_open_door(current: &Config) -> Result<Option<Vec<Change>>, Error> {
    if !anyone_can_sign_up(current) || current.admin_api.allow_any_signed_in_user {
        return Ok(Some(Vec::new()));
    }
    progress(
        "Without a group restriction, EVERY signed-in user can list, change, disable and delete EVERY user. This \
         pool lets anyone sign up (user_pool.self_sign_up), so anyone who signs up could.",
    );
    let ways = [
        "Turn self sign-up off: only administrators create users (recommended)",
        "Let every signed-in user administer anyway, including those who sign themselves up",
        "Keep the group restriction",
    ];
    let way = Select::new()
        .with_prompt("How should users get an account?")
        .items(ways)
        .default(0)
        .interact()
        .map_err(prompt_error)?;
    Ok(match way {
        0 => Some(vec![Change::SelfSignUp(false)]),
        1 => Some(vec![Change::AllowAnySignedInUser(true)]),
        _ => None,
    })
}

/// Choose a group from the list, or type a new one.
fn ask_group(groups: &[String], current: Option<&str>) -> Result<String, Error> {
    let mut items: Vec<String> = groups.to_vec();
    items.push("Another group (type its name)".to_owned());
    let default = current.and_then(|c| groups.iter().position(|g| g == c)).unwrap_or(0);
    let index = Select::new()
        .with_prompt("Which group may administer?")
        .items(&items)
        .default(default)
        .interact()
        .map_err(prompt_error)?;
    if index < groups.len() {
        Ok(groups[index].clone())
    } else {
        Input::new().with_prompt("Group name").interact_text().map_err(prompt_error)
    }
}

/// Prints the change to the file as a unified diff.
fn show_diff(before: &str, after: &str) {
    let diff = similar::TextDiff::from_lines(before, after);
    eprintln!("{}", diff.unified_diff().context_radius(2).header(FILE_NAME, FILE_NAME));
}

/// How many users the environment's pool has in `group`, when the environment is reachable.
async fn members(env: &str, group: &str) -> Option<usize> {
    let target = crate::target::resolve(env).await.ok()?;
    let out = target
        .cognito
        .list_users_in_group()
        .user_pool_id(&target.user_pool_id)
        .group_name(group)
        .limit(60)
        .send()
        .await
        .ok()?;
    Some(out.users().len())
}

/// `deploy_now` deploys the environment when the user asks for it (its `bool`: ask before executing a plan).
pub async fn update(
    args: &UpdateArgs,
    deploy_now: impl AsyncFnOnce(&Common, bool) -> Result<(), Error>,
) -> Result<(), Error> {
    let path = project::project_dir().join(FILE_NAME);
    let shown = path.display().to_string();
    let before = std::fs::read_to_string(&path)
        .map_err(|_| Error::Config(deploy::config::ConfigError::Missing { path: shown.clone() }))?;
    let current = Config::parse(&before, &shown)?;
    let asking = !args.yes && !args.headless && interactive();
    let mut changes = if args.headless {
        let mut text = String::new();
        std::io::stdin().read_to_string(&mut text)?;
        let request: Value =
            serde_json::from_str(&text).map_err(|e| Error::Usage(format!("headless request: not JSON: {e}")))?;
        changes_from_headless(&request, &current)?
    } else {
        changes_from_flags(&args.flags)?
    };
    if changes.is_empty() {
        if asking {
            changes = ask_update(&current)?;
            if changes.is_empty() {
                progress("Nothing was written");
                return Ok(());
            }
        } else {
            return Err(Error::Usage("nothing to change\nhelp: pass flags such as --restrict-to Admins or --add-group Editors:2 (see --help), or run it on a terminal to be asked".into()));
        }
    } else if asking
        && changes.contains(&Change::Restrict(None))
        && !changes.iter().any(|c| matches!(c, Change::SelfSignUp(_) | Change::AllowAnySignedInUser(_)))
    {
        // --no-restriction on a terminal: ask the way through instead of refusing.
        match ask_open_door(&current)? {
            Some(more) => changes.extend(more),
            None => {
                progress("Nothing was written");
                return Ok(());
            }
        }
    }
    let edited = apply(&before, &shown, &changes).map_err(|e| Error::Usage(e.to_string()))?;
    // Removing a group that has users: say how many, and ask.
    for change in &changes {
        if let Change::RemoveGroup(group) = change
            && let Some(count) = members(&args.common.env, group).await.filter(|n| *n > 0)
        {
            let question = format!(
                "The group `{group}` has {count}{} users in `{}`. Remove it?",
                if count == 60 { "+" } else { "" },
                args.common.env
            );
            let ok = if args.yes {
                true
            } else if asking {
                Confirm::new().with_prompt(question).default(false).interact().map_err(prompt_error)?
            } else {
                return Err(Error::Usage(format!("{question}\nhelp: pass --yes to remove it")));
            };
            if !ok {
                progress("Nothing was written");
                return Ok(());
            }
        }
    }
    if edited.text == before {
        progress("No change: the config already says that");
        return Ok(());
    }
    show_diff(&before, &edited.text);
    for note in &edited.notes {
        progress(note);
    }
    if asking
        && !Confirm::new().with_prompt(format!("Write {FILE_NAME}?")).default(true).interact().map_err(prompt_error)?
    {
        progress("Nothing was written");
        return Ok(());
    }
    std::fs::write(&path, &edited.text)?;
    progress(&format!("Wrote {shown}"));
    offer_deploy(&args.common, args.deploy, asking, deploy_now).await
}

async fn offer_deploy(
    common: &Common,
    deploy: bool,
    asking: bool,
    deploy_now: impl AsyncFnOnce(&Common, bool) -> Result<(), Error>,
) -> Result<(), Error> {
    let go = deploy
        || (asking
            && Confirm::new()
                .with_prompt(format!("Deploy `{}` now?", common.env))
                .default(false)
                .interact()
                .map_err(prompt_error)?);
    if go {
        return deploy_now(common, asking).await;
    }
    let env = if common.env == LOCAL { String::new() } else { format!(" --env {}", common.env) };
    progress(&format!("Next: cargo xtask deploy{env}"));
    Ok(())
}

/// `deploy_now` as for [`update`].
pub async fn add(
    args: &AddArgs,
    deploy_now: impl AsyncFnOnce(&Common, bool) -> Result<(), Error>,
) -> Result<(), Error> {
    let path = project::project_dir().join(FILE_NAME);
    if path.exists() && !args.force {
        return Err(Error::Usage(format!(
            "{} exists already\nhelp: change it with `cargo xtask update-auth`, or pass --force to start over",
            path.display()
        )));
    }
    let asking = !args.yes && interactive();
    let mut text = DEFAULT_CONFIG.to_owned();
    let project = match &args.project {
        Some(name) => name.clone(),
        None if asking => Input::new()
            .with_prompt("Project name (names the stacks)")
            .default("myapp".to_owned())
            .interact_text()
            .map_err(prompt_error)?,
        None => "myapp".to_owned(),
    };
    text = text.replacen("project = \"myapp\"", &format!("project = {}", toml_edit::Value::from(project.as_str())), 1);
    let mut changes = changes_from_flags(&args.flags)?;
    if let Some(value) = &args.flags.sign_in {
        // A new pool may sign in however it likes: set it instead of refusing a change.
        changes.retain(|c| !matches!(c, Change::UsernameAttributes(_)));
        let attributes = match value.as_str() {
            "email" => "[\"email\"]",
            "phone" => "[\"phone_number\"]",
            _ => "[]",
        };
        text = text.replacen("username_attributes = []", &format!("username_attributes = {attributes}"), 1);
    }
    if asking && changes.is_empty() && args.flags.sign_in.is_none() {
        let how = Select::new()
            .with_prompt("Do you want to use the default authentication and security configuration?")
            .items([
                "Default configuration (an Admins group; the admin API restricted to it; access tokens)",
                "Manual configuration",
            ])
            .default(0)
            .interact()
            .map_err(prompt_error)?;
        if how == 1 {
            let api = Confirm::new()
                .with_prompt("Do you want to add an admin queries API (the admin API for your users and groups)?")
                .default(true)
                .interact()
                .map_err(prompt_error)?;
            if !api {
                progress(
                    "Admin Queries is that API, so there is nothing for this tool to deploy without it. Nothing was written",
                );
                return Ok(());
            }
            let ways = ["Username", "Email", "Phone number"];
            let way = Select::new()
                .with_prompt("How do you want users to be able to sign in?")
                .items(ways)
                .default(0)
                .interact()
                .map_err(prompt_error)?;
            let attributes = ["[]", "[\"email\"]", "[\"phone_number\"]"][way];
            text = text.replacen("username_attributes = []", &format!("username_attributes = {attributes}"), 1);
            let groups: String = Input::new()
                .with_prompt("User pool groups, in order of precedence (comma-separated)")
                .default("Admins".to_owned())
                .interact_text()
                .map_err(prompt_error)?;
            let names: Vec<String> = groups.split(',').map(|g| g.trim().to_owned()).filter(|g| !g.is_empty()).collect();
            for (i, name) in names.iter().enumerate() {
                let precedence = i32::try_from(i).unwrap_or(0) + 1;
                if name == "Admins" {
                    changes.push(Change::Precedence { name: name.clone(), precedence });
                } else {
                    changes.push(Change::AddGroup { name: name.clone(), precedence: Some(precedence) });
                }
            }
            let restrict = Confirm::new()
                .with_prompt("Restrict access to the admin queries API to a specific group?")
                .default(true)
                .interact()
                .map_err(prompt_error)?;
            if restrict {
                changes.push(Change::Restrict(Some(ask_group(&names, names.first().map(String::as_str))?)));
            } else {
                let current = Config::parse(&text, FILE_NAME)?;
                match ask_open_door(&current)? {
                    Some(more) => {
                        changes.push(Change::Restrict(None));
                        changes.extend(more);
                    }
                    None => changes.push(Change::Restrict(Some(ask_group(&names, names.first().map(String::as_str))?))),
                }
            }
            if !names.iter().any(|n| n == "Admins") {
                changes.push(Change::RemoveGroup("Admins".to_owned()));
            }
            let kinds = ["Access token (Amplify's default)", "ID token (Hosted UI apps)"];
            let kind = Select::new()
                .with_prompt("Which token will clients send?")
                .items(kinds)
                .default(0)
                .interact()
                .map_err(prompt_error)?;
            changes.push(Change::Token(if kind == 1 { TokenKind::Id } else { TokenKind::Access }));
            let origins: String = Input::new()
                .with_prompt("CORS origins, comma-separated (* for any)")
                .default("*".to_owned())
                .interact_text()
                .map_err(prompt_error)?;
            changes.push(Change::Cors(
                origins.split(',').map(|o| o.trim().to_owned()).filter(|o| !o.is_empty()).collect(),
            ));
        }
    }
    let shown = path.display().to_string();
    let edited = apply(&text, &shown, &changes).map_err(|e| Error::Usage(e.to_string()))?;
    show_diff("", &edited.text);
    for note in &edited.notes {
        progress(note);
    }
    std::fs::write(&path, &edited.text)?;
    progress(&format!("Wrote {shown}"));
    offer_deploy(&args.common, false, asking, deploy_now).await
}
