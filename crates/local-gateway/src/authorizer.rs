//! An emulation of API Gateway's Cognito user-pool authorizer. It verifies a token exactly as API Gateway does
//! before the function ever sees the request: one `Authorization` header, an RS256 signature by a key of the pool's
//! JWKS, `exp`, `nbf` when present, `iss` (a string, the pool's), then either an access token with the scope
//! `aws.cognito.signin.user.admin` from a client of the pool, or an ID token whose audience is a client of the pool.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use axum::http::{HeaderMap, header};
use http_body_util::{BodyExt, Empty};
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tokio::sync::RwLock;

/// The scope API Gateway demands when the method has it (Amplify's setting, for access tokens).
pub const ADMIN_SCOPE: &str = "aws.cognito.signin.user.admin";

/// How long a JWKS is trusted before it is fetched again, and the least time between fetches for unknown kids.
const JWKS_TTL: Duration = Duration::from_secs(3600);
const REFETCH_AFTER: Duration = Duration::from_secs(10);

/// Which token the API accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenMode {
    /// The method has the scope `aws.cognito.signin.user.admin`: access tokens only.
    Access,
    /// The method has no scope: ID tokens only.
    Id,
}

/// What the authorizer checks against.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthorizerConfig {
    /// `https://cognito-idp.<region>.amazonaws.com/<pool id>`.
    pub issuer: String,
    /// Where the pool's keys are served (`<cognito endpoint>/<pool id>/.well-known/jwks.json`).
    pub jwks_url: String,
    pub token: TokenMode,
    /// The app clients of the pool.
    pub client_ids: Vec<String>,
}

/// Why a request was refused. API Gateway answers both with 401.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Denied {
    #[error("Unauthorized")]
    Unauthorized(&'static str),
    #[error("The incoming token has expired")]
    Expired,
}

impl Denied {
    /// The body API Gateway sends.
    pub fn message(&self) -> &'static str {
        match self {
            Self::Unauthorized(_) => "Unauthorized",
            Self::Expired => "The incoming token has expired",
        }
    }
}

struct Keys {
    by_kid: HashMap<String, DecodingKey>,
    fetched: Instant,
}

/// The authorizer, with its cache of the pool's keys.
pub struct Authorizer {
    config: AuthorizerConfig,
    keys: RwLock<Option<Keys>>,
}

impl std::fmt::Debug for Authorizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Authorizer").field("config", &self.config).finish_non_exhaustive()
    }
}

impl Authorizer {
    pub fn new(config: AuthorizerConfig) -> Self {
        Self { config, keys: RwLock::new(None) }
    }

    /// Verifies the request's one `Authorization` header and returns the token's claims. A repeated header is
    /// refused rather than read by its first value: API Gateway answers 401 to it, and a proxy in front may read
    /// another copy than the authorizer does.
    pub async fn authorize_headers(&self, headers: &HeaderMap) -> Result<Map<String, Value>, Denied> {
        let mut values = headers.get_all(header::AUTHORIZATION).iter();
        let first = values.next();
        if values.next().is_some() {
            return Err(Denied::Unauthorized("repeated Authorization header"));
        }
        let value = match first {
            None => None,
            Some(value) => Some(value.to_str().map_err(|_| Denied::Unauthorized("Authorization is not text"))?),
        };
        self.authorize(value).await
    }

    /// Verifies the `Authorization` header value (a raw JWT, or `Bearer <jwt>`) and returns the token's claims.
    pub async fn authorize(&self, authorization: Option<&str>) -> Result<Map<String, Value>, Denied> {
        let token = authorization.map(str::trim).ok_or(Denied::Unauthorized("no Authorization header"))?;
        let token = match token.get(..7) {
            Some(prefix) if prefix.eq_ignore_ascii_case("bearer ") => token[7..].trim(),
            _ => token,
        };
        if token.is_empty() {
            return Err(Denied::Unauthorized("empty token"));
        }
        let header = jsonwebtoken::decode_header(token).map_err(|_| Denied::Unauthorized("not a JWT"))?;
        // Cognito signs with RS256 only; `none`, HS* (an HMAC keyed with the public key) and others are refused.
        if header.alg != Algorithm::RS256 {
            return Err(Denied::Unauthorized("algorithm is not RS256"));
        }
        let kid = header.kid.ok_or(Denied::Unauthorized("no kid"))?;
        let key = self.key(&kid).await?;

        let mut validation = Validation::new(Algorithm::RS256);
        validation.leeway = 0;
        validation.validate_exp = true;
        // A token that is not valid yet is refused, with no leeway, as `exp` is.
        validation.validate_nbf = true;
        validation.validate_aud = false;
        validation.set_required_spec_claims(&["exp", "iss"]);
        validation.set_issuer(&[&self.config.issuer]);
        let data =
            jsonwebtoken::decode::<Map<String, Value>>(token, &key, &validation).map_err(|e| match e.kind() {
                ErrorKind::ExpiredSignature => Denied::Expired,
                ErrorKind::InvalidIssuer => Denied::Unauthorized("wrong issuer"),
                ErrorKind::ImmatureSignature => Denied::Unauthorized("not valid yet (nbf)"),
                _ => Denied::Unauthorized("invalid signature or claims"),
            })?;
        let claims = data.claims;
        // The library also takes an array of issuers that contains the pool's; Cognito's `iss` is one string.
        if claims.get("iss").and_then(Value::as_str) != Some(self.config.issuer.as_str()) {
            return Err(Denied::Unauthorized("wrong issuer"));
        }
        let text = |name: &str| claims.get(name).and_then(Value::as_str);
        let is_client = |id: Option<&str>| id.is_some_and(|id| self.config.client_ids.iter().any(|c| c == id));
        match self.config.token {
            TokenMode::Access => {
                if text("token_use") != Some("access") {
                    return Err(Denied::Unauthorized("not an access token"));
                }
                if !text("scope").is_some_and(|s| s.split_whitespace().any(|s| s == ADMIN_SCOPE)) {
                    return Err(Denied::Unauthorized("scope missing"));
                }
                if !is_client(text("client_id")) {
                    return Err(Denied::Unauthorized("not a client of the pool"));
                }
            }
            TokenMode::Id => {
                if text("token_use") != Some("id") {
                    return Err(Denied::Unauthorized("not an ID token"));
                }
                let aud_ok = match claims.get("aud") {
                    Some(Value::String(aud)) => is_client(Some(aud)),
                    Some(Value::Array(auds)) => auds.iter().any(|a| is_client(a.as_str())),
                    _ => false,
                };
                if !aud_ok {
                    return Err(Denied::Unauthorized("audience is not a client of the pool"));
                }
            }
        }
        Ok(claims)
    }

    /// The key with `kid`, from the cache, or from a fresh JWKS (a new kid after a key rotation).
    async fn key(&self, kid: &str) -> Result<DecodingKey, Denied> {
        {
            let keys = self.keys.read().await;
            if let Some(keys) = keys.as_ref() {
                let fresh = keys.fetched.elapsed() < JWKS_TTL;
                match keys.by_kid.get(kid) {
                    Some(key) if fresh => return Ok(key.clone()),
                    None if keys.fetched.elapsed() < REFETCH_AFTER => {
                        return Err(Denied::Unauthorized("unknown kid"));
                    }
                    _ => {}
                }
            }
        }
        let mut keys = self.keys.write().await;
        let by_kid = match fetch_jwks(&self.config.jwks_url).await {
            Ok(set) => set
                .keys
                .iter()
                .filter_map(|jwk| Some((jwk.common.key_id.clone()?, DecodingKey::from_jwk(jwk).ok()?)))
                .collect(),
            Err(error) => {
                tracing::warn!(url = %self.config.jwks_url, %error, "could not fetch the pool's JWKS");
                return Err(Denied::Unauthorized("JWKS unavailable"));
            }
        };
        let found = keys.insert(Keys { by_kid, fetched: Instant::now() }).by_kid.get(kid).cloned();
        found.ok_or(Denied::Unauthorized("unknown kid"))
    }
}

async fn fetch_jwks(url: &str) -> Result<JwkSet, String> {
    let uri: axum::http::Uri = url.parse().map_err(|e| format!("bad URL: {e}"))?;
    let client = Client::builder(TokioExecutor::new()).build_http::<Empty<axum::body::Bytes>>();
    let response = tokio::time::timeout(Duration::from_secs(5), client.get(uri))
        .await
        .map_err(|_| "timed out".to_owned())?
        .map_err(|e| e.to_string())?;
    if !response.status().is_success() {
        return Err(format!("HTTP {}", response.status()));
    }
    let body = response.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
    serde_json::from_slice(&body).map_err(|e| format!("not a JWKS: {e}"))
}
