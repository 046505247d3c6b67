//! Shared test support: a Cognito client on moto, a fresh user pool per test, and API Gateway REST proxy events
//! (built from a sample event) sent through the real router.
#![allow(dead_code, clippy::unwrap_used)]

use admin_api::{AppState, Config, router};
use aws_sdk_cognitoidentityprovider::Client;
use aws_sdk_cognitoidentityprovider::operation::create_user_pool::builders::CreateUserPoolFluentBuilder;
use aws_sdk_cognitoidentityprovider::types::{AliasAttributeType, UsernameAttributeType};
use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use serde_json::{Value, json};
use tower::ServiceExt;

pub use test_support::{cognito_at as cognito_client, moto_endpoint, unique};
pub const FORBIDDEN: &str = "User does not have permissions to perform administrative tasks";

/// A fresh user pool on moto with an `Admins` and an `Editors` group, and the router serving it.
pub struct Pool {
    pub cognito: Client,
    pub id: String,
    pub router: Router,
}

impl Pool {
    /// A pool whose API is restricted to `Admins`.
    pub async fn new() -> Self {
        Self::with_group(Some("Admins")).await
    }

    /// A pool whose API is restricted to `Admins`, with `env` in the function's environment.
    pub async fn new_with(env: &[(&str, &str)]) -> Self {
        Self::with_env(&[&[("GROUP", "Admins")], env].concat()).await
    }

    pub async fn with_group(group: Option<&str>) -> Self {
        let mut env = Vec::new();
        if let Some(group) = group {
            env.push(("GROUP", group));
        }
        Self::with_env(&env).await
    }

    /// A pool whose function environment has `env` (besides USERPOOL). Its callers are made-up claims with the
    /// sample event's token, so the live verification of callers is off unless `env` sets `VERIFY_CALLER`: the
    /// tests of that verification (tests/security.rs) sign real users in.
    pub async fn with_env(env: &[(&str, &str)]) -> Self {
        let cognito = cognito_client(&moto_endpoint());
        Self::create(cognito.create_user_pool(), env).await
    }

    /// A pool that signs in by email (its user names are `sub`s), restricted to `Admins`.
    pub async fn signing_in_by_email(env: &[(&str, &str)]) -> Self {
        let cognito = cognito_client(&moto_endpoint());
        let create = cognito.create_user_pool().username_attributes(UsernameAttributeType::Email);
        Self::create(create, &[&[("GROUP", "Admins")], env].concat()).await
    }

    /// A pool with user names and an email alias, restricted to `Admins`.
    pub async fn with_email_alias(env: &[(&str, &str)]) -> Self {
        let cognito = cognito_client(&moto_endpoint());
        let create = cognito.create_user_pool().alias_attributes(AliasAttributeType::Email);
        Self::create(create, &[&[("GROUP", "Admins")], env].concat()).await
    }

    async fn create(create: CreateUserPoolFluentBuilder, env: &[(&str, &str)]) -> Self {
        let mut env = env.to_vec();
        if !env.iter().any(|(k, _)| *k == "VERIFY_CALLER") {
            env.push(("VERIFY_CALLER", "off"));
        }
        let cognito = cognito_client(&moto_endpoint());
        let created = create.pool_name(unique("pool")).send().await.unwrap_or_else(|e| {
            panic!("could not create a user pool on moto at {}: {e:?}; is moto running?", moto_endpoint())
        });
        let id = created.user_pool().unwrap().id().unwrap().to_owned();
        for (name, precedence) in [("Admins", 1), ("Editors", 2)] {
            cognito.create_group().user_pool_id(&id).group_name(name).precedence(precedence).send().await.unwrap();
        }
        let lookup = |name: &str| match name {
            "USERPOOL" => Some(id.clone()),
            _ => env.iter().find(|(k, _)| *k == name).map(|(_, v)| (*v).to_owned()),
        };
        let config = Config::from_lookup(lookup).unwrap();
        let router = router(AppState::new(config, cognito.clone()));
        Self { cognito, id, router }
    }

    /// Creates a confirmed user in `groups`.
    pub async fn user(&self, name: &str, groups: &[&str]) {
        self.cognito
            .admin_create_user()
            .user_pool_id(&self.id)
            .username(name)
            .temporary_password("Passw0rd!-temp")
            .message_action(aws_sdk_cognitoidentityprovider::types::MessageActionType::Suppress)
            .user_attributes(attr("email", &format!("{name}@example.com")))
            .send()
            .await
            .unwrap();
        for group in groups {
            self.cognito
                .admin_add_user_to_group()
                .user_pool_id(&self.id)
                .username(name)
                .group_name(*group)
                .send()
                .await
                .unwrap();
        }
    }

    /// Signs `username` in on moto (with a permanent password set first) and returns their tokens.
    pub async fn sign_in(&self, username: &str) -> Tokens {
        use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ExplicitAuthFlowsType};
        let client = self
            .cognito
            .create_user_pool_client()
            .user_pool_id(&self.id)
            .client_name("cli")
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowAdminUserPasswordAuth)
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
            .send()
            .await
            .unwrap();
        let client_id = client.user_pool_client().unwrap().client_id().unwrap().to_owned();
        let set = self.cognito.admin_set_user_password().user_pool_id(&self.id).username(username);
        set.password("Passw0rd!-long").permanent(true).send().await.unwrap();
        let auth = self
            .cognito
            .admin_initiate_auth()
            .user_pool_id(&self.id)
            .client_id(&client_id)
            .auth_flow(AuthFlowType::AdminUserPasswordAuth)
            .auth_parameters("USERNAME", username)
            .auth_parameters("PASSWORD", "Passw0rd!-long")
            .send()
            .await
            .unwrap();
        let result = auth.authentication_result().unwrap();
        Tokens {
            access: result.access_token().unwrap().to_owned(),
            id: result.id_token().unwrap().to_owned(),
            client_id,
        }
    }

    /// A signed-in caller, as API Gateway's authorizer hands them to the function: their real `sub`, canonical
    /// user name and groups in the claims, and their token in `Authorization`.
    pub async fn signed_in(&self, username: &str, kind: TokenKind) -> Signed {
        let tokens = self.sign_in(username).await;
        let user = self.cognito.admin_get_user().user_pool_id(&self.id).username(username).send().await.unwrap();
        let sub = user.user_attributes().iter().find(|a| a.name() == "sub").unwrap().value().unwrap().to_owned();
        let canonical = user.username().to_owned();
        let groups = self.groups_of(username).await;
        let groups: Vec<&str> = groups.iter().map(String::as_str).collect();
        let (mut claims, token) = match kind {
            TokenKind::Access => (access_claims(&canonical, &groups), tokens.access),
            TokenKind::Id => (id_claims(&canonical, &groups), tokens.id),
        };
        claims["sub"] = json!(sub);
        Signed { claims, token, sub, username: canonical }
    }

    pub async fn groups_of(&self, name: &str) -> Vec<String> {
        let out = self.cognito.admin_list_groups_for_user().user_pool_id(&self.id).username(name).send().await.unwrap();
        out.groups().iter().filter_map(|g| g.group_name().map(str::to_owned)).collect()
    }

    pub async fn send(&self, event: Event) -> Reply {
        send(&self.router, event).await
    }
}

/// The tokens of a user signed in on moto.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub access: String,
    pub id: String,
    pub client_id: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenKind {
    Access,
    Id,
}

/// A caller with real claims and token.
#[derive(Debug, Clone)]
pub struct Signed {
    pub claims: Value,
    pub token: String,
    pub sub: String,
    /// The canonical user name (the `sub` in a pool that signs in by email).
    pub username: String,
}

impl Signed {
    /// `event` sent by this caller.
    pub fn sends(&self, event: Event) -> Event {
        event.claims(self.claims.clone()).header("Authorization", &self.token)
    }
}

pub fn attr(name: &str, value: &str) -> aws_sdk_cognitoidentityprovider::types::AttributeType {
    aws_sdk_cognitoidentityprovider::types::AttributeType::builder().name(name).value(value).build().unwrap()
}

/// An API Gateway REST proxy event, starting from the sample event.
#[derive(Debug, Clone)]
pub struct Event(pub Value);

impl Event {
    fn new(method: &str, path: &str) -> Self {
        let mut event = test_support::sample_event();
        event["httpMethod"] = json!(method);
        event["requestContext"]["httpMethod"] = json!(method);
        event["path"] = json!(path);
        event["requestContext"]["path"] = json!(format!("/dev{path}"));
        event["pathParameters"] = json!({ "proxy": path.trim_start_matches('/') });
        Self(event)
    }

    pub fn get(path: &str) -> Self {
        Self::new("GET", path)
    }

    pub fn post(path: &str) -> Self {
        Self::new("POST", path)
    }

    pub fn method(method: &str, path: &str) -> Self {
        Self::new(method, path)
    }

    /// Query parameters, in both the single- and multi-value members, as API Gateway sends them.
    pub fn query(mut self, pairs: &[(&str, &str)]) -> Self {
        let single: serde_json::Map<String, Value> = pairs.iter().map(|(k, v)| ((*k).to_owned(), json!(v))).collect();
        let multi: serde_json::Map<String, Value> = pairs.iter().map(|(k, v)| ((*k).to_owned(), json!([v]))).collect();
        self.0["queryStringParameters"] = Value::Object(single);
        self.0["multiValueQueryStringParameters"] = Value::Object(multi);
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.0["headers"][name] = json!(value);
        self.0["multiValueHeaders"][name] = json!([value]);
        self
    }

    /// A JSON body.
    pub fn json(self, body: Value) -> Self {
        self.header("Content-Type", "application/json").raw_body(&body.to_string())
    }

    pub fn raw_body(mut self, body: &str) -> Self {
        self.0["body"] = json!(body);
        self
    }

    /// The caller's claims, replacing the sample's.
    pub fn claims(mut self, claims: Value) -> Self {
        self.0["requestContext"]["authorizer"] = json!({ "claims": claims });
        self
    }

    /// An access-token caller in `groups` (comma-separated, as REST authorizer events carry them).
    pub fn caller(self, username: &str, groups: &[&str]) -> Self {
        self.claims(access_claims(username, groups))
    }

    pub fn without_authorizer(mut self) -> Self {
        self.0["requestContext"].as_object_mut().unwrap().remove("authorizer");
        self
    }
}

/// The claims API Gateway passes for an access token: every value a string.
pub fn access_claims(username: &str, groups: &[&str]) -> Value {
    let mut claims = json!({
        "sub": format!("sub-of-{username}"),
        "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Xmpl0Pool",
        "client_id": "6bdemo1s4pq9dnk2p9v3oqsd1",
        "token_use": "access",
        "scope": "aws.cognito.signin.user.admin",
        "auth_time": "1533244913",
        "exp": "Thu Aug 02 21:41:53 UTC 2018",
        "iat": "Thu Aug 02 20:41:53 UTC 2018",
        "username": username,
    });
    if !groups.is_empty() {
        claims["cognito:groups"] = json!(groups.join(","));
    }
    claims
}

/// The claims API Gateway passes for an ID token.
pub fn id_claims(username: &str, groups: &[&str]) -> Value {
    let mut claims = json!({
        "sub": format!("sub-of-{username}"),
        "iss": "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Xmpl0Pool",
        "aud": "6bdemo1s4pq9dnk2p9v3oqsd1",
        "token_use": "id",
        "email_verified": "true",
        "auth_time": "1533244913",
        "exp": "Thu Aug 02 21:41:53 UTC 2018",
        "iat": "Thu Aug 02 20:41:53 UTC 2018",
        "cognito:username": username,
        "email": format!("{username}@example.com"),
    });
    if !groups.is_empty() {
        claims["cognito:groups"] = json!(groups.join(","));
    }
    claims
}

/// What the router answered.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    pub fn message(&self) -> &str {
        self.body["message"].as_str().unwrap_or_else(|| panic!("no message in {}", self.body))
    }

    /// Asserts a status and an error message, and that the response is JSON with CORS headers.
    pub fn assert_error(&self, status: u16, message: &str) {
        assert_eq!(self.status.as_u16(), status, "body: {}", self.body);
        assert_eq!(self.message(), message);
        self.assert_json_with_cors();
    }

    pub fn assert_ok(&self) -> &Value {
        assert_eq!(self.status, StatusCode::OK, "body: {}", self.body);
        self.assert_json_with_cors();
        &self.body
    }

    pub fn assert_json_with_cors(&self) {
        assert_eq!(self.headers["content-type"], "application/json");
        assert!(self.headers.contains_key("access-control-allow-origin"), "no CORS headers: {:?}", self.headers);
        assert_eq!(self.headers["access-control-allow-headers"], "Origin, X-Requested-With, Content-Type, Accept");
    }
}

/// Converts the event with `lambda_http` exactly as the Lambda runtime does, and sends it through the router.
pub async fn send(router: &Router, event: Event) -> Reply {
    let request = lambda_http::request::from_str(&event.0.to_string()).expect("a valid API Gateway event");
    let response = router.clone().oneshot(request.map(axum::body::Body::new)).await.unwrap();
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|e| panic!("response body is not JSON ({e}): {}", String::from_utf8_lossy(&bytes)));
    Reply { status: parts.status, headers: parts.headers, body }
}
