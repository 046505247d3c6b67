//! `cargo xtask user create` and `cargo xtask token`: the same commands for the local environment and for AWS.

use std::collections::BTreeMap;
use std::io::Read;

use aws_sdk_cognitoidentityprovider::types::{AttributeType, AuthFlowType, MessageActionType};
use serde_json::json;

use crate::error::{Error, cognito};
use crate::project::{self, progress};
use crate::target::{Target, resolve};

#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// The user name (or the email / phone number, in a pool that signs in with those).
    pub username: String,
    /// The password; a strong one is generated (and printed once) when absent.
    #[arg(long, env = "ADMIN_QUERIES_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// A group to add the user to; repeat for several.
    #[arg(long = "group", value_name = "GROUP")]
    pub groups: Vec<String>,
    /// The user's email address (set as verified).
    #[arg(long)]
    pub email: Option<String>,
    #[command(flatten)]
    pub common: crate::Common,
}

#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    /// The user to sign in as.
    pub username: String,
    /// The password. In the local environment, the one `user create` set is remembered.
    #[arg(long, env = "ADMIN_QUERIES_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// Print the ID token instead of the access token (for an API in ID-token mode).
    #[arg(long)]
    pub id: bool,
    #[command(flatten)]
    pub common: crate::Common,
}

/// Passwords of local users, so that `token alice` works right after `user create alice`. Local only: moto's
/// throwaway users; nothing of an AWS environment is ever written down.
fn remembered_path(env: &str) -> std::path::PathBuf {
    project::env_dir(env).join("users.json")
}

fn remembered(env: &str) -> BTreeMap<String, String> {
    std::fs::read_to_string(remembered_path(env)).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
}

fn remember(env: &str, username: &str, password: &str) -> Result<(), Error> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut users = remembered(env);
    users.insert(username.to_owned(), password.to_owned());
    let text = serde_json::to_string_pretty(&users).map_err(std::io::Error::other)?;
    let mut file =
        std::fs::OpenOptions::new().create(true).write(true).truncate(true).mode(0o600).open(remembered_path(env))?;
    std::io::Write::write_all(&mut file, text.as_bytes())?;
    Ok(())
}

/// A password that meets Cognito's default policy: 20 characters with lower, upper, digit and symbol.
pub fn generate_password() -> Result<String, Error> {
    const SETS: [&[u8]; 4] = [b"abcdefghijkmnopqrstuvwxyz", b"ABCDEFGHJKLMNPQRSTUVWXYZ", b"23456789", b"!#%+-=?@^_"];
    let mut random = [0u8; 20];
    std::fs::File::open("/dev/urandom")?.read_exact(&mut random)?;
    Ok(random
        .iter()
        .enumerate()
        .map(|(i, byte)| {
            let set = SETS[if i < 4 { i } else { usize::from(*byte) % 3 }];
            char::from(set[usize::from(*byte) % set.len()])
        })
        .collect())
}

/// Creates a user with a permanent password (no invitation is sent) and adds it to `groups`. Returns its canonical
/// user name: in a pool that signs in with email, the `sub`, which access tokens also carry as `username`.
pub async fn create_confirmed(
    target: &Target,
    username: &str,
    password: &str,
    groups: &[String],
    attributes: Vec<AttributeType>,
) -> Result<String, Error> {
    let (client, pool) = (&target.cognito, &target.user_pool_id);
    client
        .admin_create_user()
        .user_pool_id(pool)
        .username(username)
        .message_action(MessageActionType::Suppress)
        .set_user_attributes(if attributes.is_empty() { None } else { Some(attributes) })
        .send()
        .await
        .map_err(|e| cognito(&format!("creating {username}"), e))?;
    client
        .admin_set_user_password()
        .user_pool_id(pool)
        .username(username)
        .password(password)
        .permanent(true)
        .send()
        .await
        .map_err(|e| cognito("setting the password", e))?;
    for group in groups {
        client
            .admin_add_user_to_group()
            .user_pool_id(pool)
            .username(username)
            .group_name(group)
            .send()
            .await
            .map_err(|e| cognito(&format!("adding {username} to {group}"), e))?;
    }
    let user = client.admin_get_user().user_pool_id(pool).username(username).send().await;
    Ok(user.map_err(|e| cognito(&format!("reading {username} back"), e))?.username().to_owned())
}

pub async fn create(args: &CreateArgs) -> Result<(), Error> {
    let env = &args.common.env;
    let target = resolve(env).await?;
    let (password, generated) = match &args.password {
        Some(p) => (p.clone(), false),
        None => (generate_password()?, true),
    };
    let mut attributes = Vec::new();
    if let Some(email) = &args.email {
        let attribute = |name: &str, value: &str| AttributeType::builder().name(name).value(value).build();
        attributes.push(attribute("email", email).map_err(|e| Error::Usage(e.to_string()))?);
        attributes.push(attribute("email_verified", "true").map_err(|e| Error::Usage(e.to_string()))?);
    }
    create_confirmed(&target, &args.username, &password, &args.groups, attributes).await?;
    if target.is_local {
        remember(env, &args.username, &password)?;
    }
    if args.common.json {
        let mut out = json!({ "username": args.username, "groups": args.groups, "userPoolId": target.user_pool_id });
        if generated {
            out["password"] = json!(password);
        }
        println!("{out}");
    } else {
        let groups = if args.groups.is_empty() { String::new() } else { format!(" in {}", args.groups.join(", ")) };
        progress(&format!("Created {}{groups} in {} ({env})", args.username, target.user_pool_id));
        if generated {
            println!("password: {password}");
            if !target.is_local {
                progress("The password is shown once; store it now");
            }
        }
        progress(&format!(
            "Next: cargo xtask token {}{}",
            args.username,
            if env == "local" { String::new() } else { format!(" --env {env}") }
        ));
    }
    Ok(())
}

pub async fn token(args: &TokenArgs) -> Result<(), Error> {
    let env = &args.common.env;
    let target: Target = resolve(env).await?;
    let password = match &args.password {
        Some(p) => p.clone(),
        None if target.is_local => remembered(env).remove(&args.username).ok_or_else(|| {
            Error::Usage(format!(
                "no password known for {}\nhelp: pass --password, or create the user with `cargo xtask user create {}`",
                args.username, args.username
            ))
        })?,
        None => {
            return Err(Error::Usage(
                "a password is needed\nhelp: pass --password or set ADMIN_QUERIES_PASSWORD".into(),
            ));
        }
    };
    let auth = target
        .cognito
        .initiate_auth()
        .client_id(&target.client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", &args.username)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .map_err(|e| cognito(&format!("signing in as {}", args.username), e))?;
    let Some(result) = auth.authentication_result() else {
        let challenge = auth.challenge_name().map(|c| c.as_str().to_owned()).unwrap_or_default();
        return Err(Error::Aws(format!(
            "Cognito asks {} for {challenge} before it gives tokens\nhelp: set a permanent password with `cargo xtask user create`",
            args.username
        )));
    };
    let token = if args.id { result.id_token() } else { result.access_token() };
    let token = token.ok_or_else(|| Error::Aws("Cognito returned no token".into()))?;
    if args.common.json {
        println!(
            "{}",
            json!({ "accessToken": result.access_token(), "idToken": result.id_token(), "expiresIn": result.expires_in() })
        );
    } else {
        println!("{token}");
    }
    Ok(())
}
