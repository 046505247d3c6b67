//! `cargo xtask add-auth` and `cargo xtask update-auth`: Amplify's auth walkthrough without its traps. Interactive
//! on a terminal, fully scriptable with flags (`--yes` takes every default) or a JSON request on stdin
//! (`--headless`). Every change is shown as a diff of `admin-queries.toml`; the file is edited in place, keeping a
//! person's comments and layout; changes Cognito cannot make in place are refused before anything is written.

use std::io::{IsTerminal, Read};

use deploy::auth;
use deploy::config::{Config, FILE_NAME, LOCAL, TokenKind, UsernameAttribute};
use deploy::edit::{Change, apply};
use dialoguer::{Confirm, Input, Select};

use crate::cli::{Common, show_diff};
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

/// The flags, typed for the library.
fn flags(flags: &AuthFlags) -> auth::Flags {
    auth::Flags {
        restrict_to: flags.restrict_to.clone(),
        no_restriction: flags.no_restriction,
        self_sign_up: flags.self_sign_up.as_deref().map(|v| v == "on"),
        allow_any_signed_in_user: flags.allow_any_signed_in_user,
        token: flags.token.as_deref().map(auth::token),
        cors: flags.cors.clone(),
        add_groups: flags.add_groups.clone(),
        remove_groups: flags.remove_groups.clone(),
        precedence: flags.precedence.clone(),
        enable_actions: flags.enable_actions.clone(),
        disable_actions: flags.disable_actions.clone(),
        sign_in: flags.sign_in.as_deref().map(auth::sign_in),
    }
}

fn usage(e: impl std::fmt::Display) -> Error {
    Error::usage(e.to_string())
}

fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

fn prompt_error(e: dialoguer::Error) -> Error {
    Error::usage(format!("the prompt failed: {e}"))
}

/// Asks to pick one of `items`.
fn select<T: std::fmt::Display>(prompt: &str, items: &[T], default: usize) -> Result<usize, Error> {
    Select::new().with_prompt(prompt).items(items).default(default).interact().map_err(prompt_error)
}

/// Asks yes or no.
fn confirm(prompt: impl Into<String>, default: bool) -> Result<bool, Error> {
    Confirm::new().with_prompt(prompt).default(default).interact().map_err(prompt_error)
}

/// Asks for a value, offering `default`.
fn input<T>(prompt: impl Into<String>, default: Option<T>) -> Result<T, Error>
where
    T: Clone + ToString + std::str::FromStr,
    T::Err: ToString,
{
    let mut question = Input::new().with_prompt(prompt);
    if let Some(default) = default {
        question = question.default(default);
    }
    question.interact_text().map_err(prompt_error)
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
    let choice = select("What do you want to do?", &choices, 0)?;
    let groups: Vec<String> = current.user_pool.groups.iter().map(|g| g.name.clone()).collect();
    Ok(match choice {
        0 => {
            let restrict = confirm(
                "Restrict access to the admin queries API to a specific group?",
                current.admin_api.restrict_to_group.is_some(),
            )?;
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
            let name: String = input("Name of the new group", None)?;
            let next = current.user_pool.groups.iter().filter_map(|g| g.precedence).max().map_or(1, |p| p + 1);
            let precedence: i32 = input("Its precedence (lower wins)", Some(next))?;
            vec![Change::AddGroup { name, precedence: Some(precedence) }]
        }
        2 => {
            let index = select("Which group?", &groups, 0)?;
            vec![Change::RemoveGroup(groups[index].clone())]
        }
        3 => {
            let mut changes = Vec::new();
            for (i, group) in current.user_pool.groups.iter().enumerate() {
                let default = group.precedence.unwrap_or(i32::try_from(i).unwrap_or(0) + 1);
                let precedence: i32 = input(format!("Precedence of {}", group.name), Some(default))?;
                if Some(precedence) != group.precedence {
                    changes.push(Change::Precedence { name: group.name.clone(), precedence });
                }
            }
            changes
        }
        4 => {
            let kinds = ["access token (Amplify's default)", "ID token (Hosted UI apps)"];
            let default = usize::from(current.admin_api.token == TokenKind::Id);
            let kind = select("Which token does the API accept?", &kinds, default)?;
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
            auth::serve_only(current, &chosen.iter().map(|i| all[*i]).collect::<Vec<_>>())
        }
        _ => {
            let origins: String =
                input("Origins, comma-separated (* for any)", Some(current.admin_api.cors_origins.join(",")))?;
            vec![Change::Cors(auth::list(&origins))]
        }
    })
}

/// Lifting the group restriction on a pool anyone can sign up to would let anyone administer every user: explain
/// it, and ask which way through. `None`: keep the restriction. `Some(changes)`: what to change with the lift.
fn ask_open_door(current: &Config) -> Result<Option<Vec<Change>>, Error> {
    if !auth::anyone_can_sign_up(current) || current.admin_api.allow_any_signed_in_user {
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
    let way = select("How should users get an account?", &ways, 0)?;
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
    let index = select("Which group may administer?", &items, default)?;
    if index < groups.len() { Ok(groups[index].clone()) } else { input("Group name", None) }
}

/// How many users the environment's pool has in `group`, when the environment is reachable.
async fn members(env: &str, group: &str) -> Option<usize> {
    local_cloud::target::resolve(&project::place(env)).await.ok()?.members(group).await
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
        auth::changes_from_headless_text(&text, &current)?
    } else {
        auth::changes_from_flags(&flags(&args.flags))?
    };
    if changes.is_empty() {
        if asking {
            changes = ask_update(&current)?;
            if changes.is_empty() {
                progress("Nothing was written");
                return Ok(());
            }
        } else {
            return Err(Error::usage(
                "nothing to change\nhelp: pass flags such as --restrict-to Admins or --add-group Editors:2 (see --help), or run it on a terminal to be asked",
            ));
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
    let edited = apply(&before, &shown, &changes)?;
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
                confirm(question, false)?
            } else {
                return Err(Error::usage(format!("{question}\nhelp: pass --yes to remove it")));
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
    show_diff(&before, &edited.text, FILE_NAME);
    for note in &edited.notes {
        progress(note);
    }
    if asking && !confirm(format!("Write {FILE_NAME}?"), true)? {
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
    let go = deploy || (asking && confirm(format!("Deploy `{}` now?", common.env), false)?);
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
        return Err(Error::usage(format!(
            "{} exists already\nhelp: change it with `cargo xtask update-auth`, or pass --force to start over",
            path.display()
        )));
    }
    let asking = !args.yes && interactive();
    let project = match &args.project {
        Some(name) => name.clone(),
        None if asking => input("Project name (names the stacks)", Some("myapp".to_owned()))?,
        None => "myapp".to_owned(),
    };
    // A new pool may sign in however it likes: the library sets it instead of refusing a change.
    let mut sign_in = args.flags.sign_in.as_deref().map(auth::sign_in);
    let mut changes = auth::changes_from_flags(&flags(&args.flags))?;
    if asking && changes.is_empty() && sign_in.is_none() {
        let how = select(
            "Do you want to use the default authentication and security configuration?",
            &[
                "Default configuration (an Admins group; the admin API restricted to it; access tokens)",
                "Manual configuration",
            ],
            0,
        )?;
        if how == 1 {
            let api =
                confirm("Do you want to add an admin queries API (the admin API for your users and groups)?", true)?;
            if !api {
                progress(
                    "Admin Queries is that API, so there is nothing for this tool to deploy without it. Nothing was written",
                );
                return Ok(());
            }
            let ways = ["Username", "Email", "Phone number"];
            let way = select("How do you want users to be able to sign in?", &ways, 0)?;
            sign_in = Some(match way {
                1 => vec![UsernameAttribute::Email],
                2 => vec![UsernameAttribute::PhoneNumber],
                _ => Vec::new(),
            });
            let groups: String =
                input("User pool groups, in order of precedence (comma-separated)", Some("Admins".to_owned()))?;
            let names = auth::list(&groups);
            changes.extend(auth::groups_in_order(&names));
            let restrict = confirm("Restrict access to the admin queries API to a specific group?", true)?;
            if restrict {
                changes.push(Change::Restrict(Some(ask_group(&names, names.first().map(String::as_str))?)));
            } else {
                let text = auth::default_config(&project, sign_in.as_deref(), FILE_NAME)?;
                let current = Config::parse(&text, FILE_NAME)?;
                match ask_open_door(&current)? {
                    Some(more) => {
                        changes.push(Change::Restrict(None));
                        changes.extend(more);
                    }
                    None => changes.push(Change::Restrict(Some(ask_group(&names, names.first().map(String::as_str))?))),
                }
            }
            let kinds = ["Access token (Amplify's default)", "ID token (Hosted UI apps)"];
            let kind = select("Which token will clients send?", &kinds, 0)?;
            changes.push(Change::Token(if kind == 1 { TokenKind::Id } else { TokenKind::Access }));
            let origins: String = input("CORS origins, comma-separated (* for any)", Some("*".to_owned()))?;
            changes.push(Change::Cors(auth::list(&origins)));
        }
    }
    let shown = path.display().to_string();
    let edited = auth::new_config(&project, sign_in.as_deref(), &changes, &shown).map_err(usage)?;
    show_diff("", &edited.text, FILE_NAME);
    for note in &edited.notes {
        progress(note);
    }
    std::fs::write(&path, &edited.text)?;
    progress(&format!("Wrote {shown}"));
    offer_deploy(&args.common, false, asking, deploy_now).await
}
