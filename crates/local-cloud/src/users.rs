//! Users of a pool, for any environment's Cognito: creating one with a permanent password, signing in with a
//! password, a strong password, and the passwords remembered for the local environment's throwaway users.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::error::{DisplayErrorContext, SdkError};
use aws_sdk_cognitoidentityprovider::types::{AttributeType, AuthFlowType, MessageActionType};

use crate::target::Target;

#[derive(Debug, thiserror::Error)]
pub enum UserError {
    #[error("{what}: {message}")]
    Cognito { what: String, message: String },
    #[error(
        "Cognito asks {username} for {challenge} before it gives tokens\nhelp: set a permanent password with `cargo xtask user create`"
    )]
    Challenge { username: String, challenge: String },
    #[error("Cognito returned no token")]
    NoToken,
    #[error("no password known for {username}")]
    NoPassword { username: String },
    #[error("{attribute}: {message}")]
    BadAttribute { attribute: &'static str, message: String },
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

impl UserError {
    pub fn failure(&self) -> deploy::failure::Failure {
        match self {
            Self::Io(_) => deploy::failure::Failure::Io,
            Self::NoPassword { .. } | Self::BadAttribute { .. } => deploy::failure::Failure::Refused,
            _ => deploy::failure::Failure::Remote,
        }
    }
}

impl UserError {
    /// What to do about it, in one line.
    pub fn help(&self) -> &'static str {
        match self {
            Self::Cognito { .. } => "check the user name, the password and the groups against the pool",
            Self::Challenge { .. } => "set a permanent password with `cargo xtask user create`",
            Self::NoToken => "check that the app client allows the password flow (USER_PASSWORD_AUTH)",
            Self::NoPassword { .. } => {
                "pass --password or set ADMIN_QUERIES_PASSWORD (the local environment remembers the passwords of the users `cargo xtask user create` made)"
            }
            Self::BadAttribute { .. } => "check the value given for the attribute",
            Self::Io(_) => "check the permissions of the environment's directory",
        }
    }
}

fn cognito<E, R>(what: String) -> impl FnOnce(SdkError<E, R>) -> UserError
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug,
{
    move |e| UserError::Cognito { what, message: DisplayErrorContext(&e).to_string() }
}

/// A password that meets Cognito's default policy: 20 characters with lower, upper, digit and symbol.
pub fn generate_password() -> std::io::Result<String> {
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
    client: &Client,
    pool: &str,
    username: &str,
    password: &str,
    groups: &[String],
    attributes: Vec<AttributeType>,
) -> Result<String, UserError> {
    client
        .admin_create_user()
        .user_pool_id(pool)
        .username(username)
        .message_action(MessageActionType::Suppress)
        .set_user_attributes(if attributes.is_empty() { None } else { Some(attributes) })
        .send()
        .await
        .map_err(cognito(format!("creating {username}")))?;
    client
        .admin_set_user_password()
        .user_pool_id(pool)
        .username(username)
        .password(password)
        .permanent(true)
        .send()
        .await
        .map_err(cognito("setting the password".to_owned()))?;
    for group in groups {
        client
            .admin_add_user_to_group()
            .user_pool_id(pool)
            .username(username)
            .group_name(group)
            .send()
            .await
            .map_err(cognito(format!("adding {username} to {group}")))?;
    }
    let user = client.admin_get_user().user_pool_id(pool).username(username).send().await;
    Ok(user.map_err(cognito(format!("reading {username} back")))?.username().to_owned())
}

/// The tokens of a signed-in user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    pub access_token: String,
    pub id_token: Option<String>,
    pub expires_in: i32,
}

/// Signs `username` in with a password (`USER_PASSWORD_AUTH`) through the app client `client_id`.
pub async fn sign_in(client: &Client, client_id: &str, username: &str, password: &str) -> Result<Tokens, UserError> {
    let auth = client
        .initiate_auth()
        .client_id(client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .map_err(cognito(format!("signing in as {username}")))?;
    let Some(result) = auth.authentication_result() else {
        let challenge = auth.challenge_name().map(|c| c.as_str().to_owned()).unwrap_or_default();
        return Err(UserError::Challenge { username: username.to_owned(), challenge });
    };
    Ok(Tokens {
        access_token: result.access_token().ok_or(UserError::NoToken)?.to_owned(),
        id_token: result.id_token().map(str::to_owned),
        expires_in: result.expires_in(),
    })
}

/// A user to create in an environment's pool.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: String,
    /// The password; a strong one is generated when absent.
    pub password: Option<String>,
    pub groups: Vec<String>,
    /// An email address, set as verified.
    pub email: Option<String>,
}

/// The password a user was created with, and whether it was generated (then shown once).
#[derive(Debug, Clone)]
pub struct Created {
    pub password: String,
    pub generated: bool,
}

/// Creates `user` in the target's pool with a permanent password; in the local environment the password is
/// remembered in `state_dir`, so that [`token`] needs none.
pub async fn create(target: &Target, state_dir: &Path, user: &NewUser) -> Result<Created, UserError> {
    let (password, generated) = match &user.password {
        Some(password) => (password.clone(), false),
        None => (generate_password()?, true),
    };
    let mut attributes = Vec::new();
    if let Some(email) = &user.email {
        for (name, value) in [("email", email.as_str()), ("email_verified", "true")] {
            let attribute = AttributeType::builder().name(name).value(value).build();
            attributes
                .push(attribute.map_err(|e| UserError::BadAttribute { attribute: "email", message: e.to_string() })?);
        }
    }
    create_confirmed(&target.cognito, &target.user_pool_id, &user.username, &password, &user.groups, attributes)
        .await?;
    if target.is_local {
        Remembered::new(state_dir).remember(&user.username, &password)?;
    }
    Ok(Created { password, generated })
}

/// Signs `username` in with `password`, or in the local environment with the password remembered in `state_dir`.
pub async fn token(
    target: &Target,
    state_dir: &Path,
    username: &str,
    password: Option<&str>,
) -> Result<Tokens, UserError> {
    let remembered = || target.is_local.then(|| Remembered::new(state_dir).password(username)).flatten();
    let password = password
        .map(str::to_owned)
        .or_else(remembered)
        .ok_or_else(|| UserError::NoPassword { username: username.to_owned() })?;
    sign_in(&target.cognito, &target.client_id, username, &password).await
}

/// Passwords of local users, so that `token alice` works right after `user create alice`, kept in the local
/// environment's directory (`users.json`, readable by its owner only). Local only: moto's throwaway users; nothing
/// of an AWS environment is ever written down.
#[derive(Debug, Clone)]
pub struct Remembered {
    path: PathBuf,
}

impl Remembered {
    pub fn new(state_dir: &Path) -> Self {
        Self { path: state_dir.join("users.json") }
    }

    fn all(&self) -> BTreeMap<String, String> {
        std::fs::read_to_string(&self.path).ok().and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default()
    }

    /// The password remembered for `username`.
    pub fn password(&self, username: &str) -> Option<String> {
        self.all().remove(username)
    }

    pub fn remember(&self, username: &str, password: &str) -> std::io::Result<()> {
        use std::os::unix::fs::OpenOptionsExt;
        let mut users = self.all();
        users.insert(username.to_owned(), password.to_owned());
        let text = serde_json::to_string_pretty(&users).map_err(std::io::Error::other)?;
        let mut file =
            std::fs::OpenOptions::new().create(true).write(true).truncate(true).mode(0o600).open(&self.path)?;
        std::io::Write::write_all(&mut file, text.as_bytes())
    }
}
