//! `cargo xtask user create` and `cargo xtask token`: the same commands for the local environment and for AWS.

use aws_sdk_cognitoidentityprovider::types::AttributeType;
use local_cloud::target::{Target, resolve};
use local_cloud::users::{self, Remembered};
use serde_json::json;

use crate::cli::Common;
use crate::error::Error;
use crate::project::{self, progress};

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
    pub common: Common,
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
    pub common: Common,
}

pub async fn create(args: &CreateArgs) -> Result<(), Error> {
    let env = &args.common.env;
    let target = resolve(&project::place(env)).await?;
    let (password, generated) = match &args.password {
        Some(p) => (p.clone(), false),
        None => (users::generate_password()?, true),
    };
    let mut attributes = Vec::new();
    if let Some(email) = &args.email {
        let attribute = |name: &str, value: &str| AttributeType::builder().name(name).value(value).build();
        attributes.push(attribute("email", email).map_err(|e| Error::usage(e.to_string()))?);
        attributes.push(attribute("email_verified", "true").map_err(|e| Error::usage(e.to_string()))?);
    }
    users::create_confirmed(&target.cognito, &target.user_pool_id, &args.username, &password, &args.groups, attributes)
        .await?;
    if target.is_local {
        Remembered::new(&project::env_dir(env)).remember(&args.username, &password)?;
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
    let target: Target = resolve(&project::place(env)).await?;
    let password = match &args.password {
        Some(p) => p.clone(),
        None if target.is_local => Remembered::new(&project::env_dir(env)).password(&args.username).ok_or_else(|| {
            Error::usage(format!(
                "no password known for {}\nhelp: pass --password, or create the user with `cargo xtask user create {}`",
                args.username, args.username
            ))
        })?,
        None => {
            return Err(Error::usage(
                "a password is needed\nhelp: pass --password or set ADMIN_QUERIES_PASSWORD",
            ));
        }
    };
    let tokens = users::sign_in(&target.cognito, &target.client_id, &args.username, &password).await?;
    let token =
        if args.id { tokens.id_token.clone().ok_or(users::UserError::NoToken)? } else { tokens.access_token.clone() };
    if args.common.json {
        println!(
            "{}",
            json!({ "accessToken": tokens.access_token, "idToken": tokens.id_token, "expiresIn": tokens.expires_in })
        );
    } else {
        println!("{token}");
    }
    Ok(())
}
