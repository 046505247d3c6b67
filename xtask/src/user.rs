//! `cargo xtask user create` and `cargo xtask token`: the same commands for the local environment and for AWS.

use local_cloud::target::resolve_checked as resolve;
use local_cloud::users::{self, Created, NewUser};
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
    let user = NewUser {
        username: args.username.clone(),
        password: args.password.clone(),
        groups: args.groups.clone(),
        email: args.email.clone(),
    };
    let Created { password, generated } = users::create(&target, &project::env_dir(env), &user).await?;
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
        let env_flag = if env == "local" { String::new() } else { format!(" --env {env}") };
        progress(&format!("Next: cargo xtask token {}{env_flag}", args.username));
    }
    Ok(())
}

pub async fn token(args: &TokenArgs) -> Result<(), Error> {
    let env = &args.common.env;
    let target = resolve(&project::place(env)).await?;
    let tokens = users::token(&target, &project::env_dir(env), &args.username, args.password.as_deref()).await?;
    if args.common.json {
        println!(
            "{}",
            json!({ "accessToken": tokens.access_token, "idToken": tokens.id_token, "expiresIn": tokens.expires_in })
        );
    } else if args.id {
        println!("{}", tokens.id_token.ok_or(users::UserError::NoToken)?);
    } else {
        println!("{}", tokens.access_token);
    }
    Ok(())
}
