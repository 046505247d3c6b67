//! The Cognito authorizer emulation against tokens signed here, with the pool's JWKS served over real HTTP.
#![allow(clippy::unwrap_used)]

mod support;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use local_gateway::authorizer::{Authorizer, Denied, TokenMode};
use serde_json::json;
use support::*;

#[tokio::test]
async fn a_valid_access_token_passes_raw_or_bearer() {
    let authorizer = authorizer(TokenMode::Access).await;
    let token = sign(&access_claims());
    let claims = authorizer.authorize(Some(&token)).await.unwrap();
    assert_eq!(claims["username"], "alice");
    let claims = authorizer.authorize(Some(&format!("Bearer {token}"))).await.unwrap();
    assert_eq!(claims["cognito:groups"], json!(["Admins"]));
}

#[tokio::test]
async fn a_valid_id_token_passes_in_id_mode() {
    let authorizer = authorizer(TokenMode::Id).await;
    let claims = authorizer.authorize(Some(&sign(&id_claims()))).await.unwrap();
    assert_eq!(claims["cognito:username"], "alice");
}

#[tokio::test]
async fn missing_or_garbled_tokens_are_refused() {
    let authorizer = authorizer(TokenMode::Access).await;
    for header in [None, Some(""), Some("Bearer "), Some("not-a-jwt"), Some("a.b.c")] {
        let denied = authorizer.authorize(header).await.unwrap_err();
        assert!(matches!(denied, Denied::Unauthorized(_)), "{header:?}: {denied:?}");
        assert_eq!(denied.message(), "Unauthorized");
    }
}

#[tokio::test]
async fn a_token_signed_with_another_key_is_refused() {
    let authorizer = authorizer(TokenMode::Access).await;
    let token = sign_with(&access_claims(), OTHER_KEY, "pool-kid-1");
    assert!(matches!(authorizer.authorize(Some(&token)).await, Err(Denied::Unauthorized(_))));
}

#[tokio::test]
async fn alg_none_is_refused() {
    let authorizer = authorizer(TokenMode::Access).await;
    let header = b64(br#"{"alg":"none","kid":"pool-kid-1","typ":"JWT"}"#);
    let payload = b64(access_claims().to_string().as_bytes());
    for token in [format!("{header}.{payload}."), format!("{header}.{payload}")] {
        assert!(matches!(authorizer.authorize(Some(&token)).await, Err(Denied::Unauthorized(_))), "{token}");
    }
}

#[tokio::test]
async fn hs256_signed_with_the_public_key_is_refused() {
    let authorizer = authorizer(TokenMode::Access).await;
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some("pool-kid-1".to_owned());
    let token = jsonwebtoken::encode(&header, &access_claims(), &EncodingKey::from_secret(POOL_PUBLIC_KEY)).unwrap();
    assert!(matches!(authorizer.authorize(Some(&token)).await, Err(Denied::Unauthorized(_))));
}

#[tokio::test]
async fn an_unknown_kid_is_refused() {
    let authorizer = authorizer(TokenMode::Access).await;
    let token = sign_with(&access_claims(), POOL_KEY, "some-other-kid");
    assert_eq!(authorizer.authorize(Some(&token)).await, Err(Denied::Unauthorized("unknown kid")));
}

#[tokio::test]
async fn a_wrong_issuer_is_refused() {
    let authorizer = authorizer(TokenMode::Access).await;
    let other_pool = with(access_claims(), "iss", json!("https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Other"));
    assert_eq!(authorizer.authorize(Some(&sign(&other_pool))).await, Err(Denied::Unauthorized("wrong issuer")));
    let no_issuer = without(access_claims(), "iss");
    assert!(authorizer.authorize(Some(&sign(&no_issuer))).await.is_err());
}

#[tokio::test]
async fn a_client_outside_the_pool_is_refused() {
    let authorizer = authorizer(TokenMode::Access).await;
    let token = sign(&with(access_claims(), "client_id", json!("some-other-client")));
    assert_eq!(authorizer.authorize(Some(&token)).await, Err(Denied::Unauthorized("not a client of the pool")));
    let authorizer = authorizer_id().await;
    let token = sign(&with(id_claims(), "aud", json!("some-other-client")));
    assert!(matches!(authorizer.authorize(Some(&token)).await, Err(Denied::Unauthorized(_))));
}

async fn authorizer_id() -> Authorizer {
    authorizer(TokenMode::Id).await
}

#[tokio::test]
async fn an_access_token_without_the_admin_scope_is_refused() {
    let authorizer = authorizer(TokenMode::Access).await;
    for scope in [json!("openid email"), json!("")] {
        let token = sign(&with(access_claims(), "scope", scope));
        assert_eq!(authorizer.authorize(Some(&token)).await, Err(Denied::Unauthorized("scope missing")));
    }
    let token = sign(&without(access_claims(), "scope"));
    assert_eq!(authorizer.authorize(Some(&token)).await, Err(Denied::Unauthorized("scope missing")));
}

#[tokio::test]
async fn token_use_must_match_the_mode() {
    let access = authorizer(TokenMode::Access).await;
    let id_token = sign(&with(id_claims(), "scope", json!("aws.cognito.signin.user.admin")));
    assert_eq!(access.authorize(Some(&id_token)).await, Err(Denied::Unauthorized("not an access token")));
    let id = authorizer(TokenMode::Id).await;
    let access_token = sign(&with(access_claims(), "aud", json!(CLIENT)));
    assert_eq!(id.authorize(Some(&access_token)).await, Err(Denied::Unauthorized("not an ID token")));
}

#[tokio::test]
async fn an_expired_token_gets_api_gateways_message() {
    let authorizer = authorizer(TokenMode::Access).await;
    let token = sign(&with(access_claims(), "exp", json!(now() - 5)));
    let denied = authorizer.authorize(Some(&token)).await.unwrap_err();
    assert_eq!(denied, Denied::Expired);
    assert_eq!(denied.message(), "The incoming token has expired");
    let token = sign(&without(access_claims(), "exp"));
    assert!(matches!(authorizer.authorize(Some(&token)).await, Err(Denied::Unauthorized(_))));
}

#[tokio::test]
async fn a_tampered_payload_is_refused() {
    let authorizer = authorizer(TokenMode::Access).await;
    let token = sign(&access_claims());
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    parts[1] = b64(with(access_claims(), "cognito:groups", json!(["Admins", "Root"])).to_string().as_bytes());
    assert!(matches!(authorizer.authorize(Some(&parts.join("."))).await, Err(Denied::Unauthorized(_))));
}

#[tokio::test]
async fn a_token_not_valid_yet_is_refused() {
    let authorizer = authorizer(TokenMode::Access).await;
    let future = sign(&with(access_claims(), "nbf", json!(now() + 60)));
    assert_eq!(authorizer.authorize(Some(&future)).await, Err(Denied::Unauthorized("not valid yet (nbf)")));
    assert_eq!(authorizer.authorize(Some(&future)).await.unwrap_err().message(), "Unauthorized");
    let id = authorizer_id().await;
    let future = sign(&with(id_claims(), "nbf", json!(now() + 3600)));
    assert!(matches!(id.authorize(Some(&future)).await, Err(Denied::Unauthorized(_))));
    // An `nbf` in the past, or none (Cognito's tokens carry none), passes.
    let past = sign(&with(access_claims(), "nbf", json!(now() - 5)));
    assert!(authorizer.authorize(Some(&past)).await.is_ok());
    let garbled = sign(&with(access_claims(), "nbf", json!("soon")));
    assert!(matches!(authorizer.authorize(Some(&garbled)).await, Err(Denied::Unauthorized(_))));
}

#[tokio::test]
async fn an_issuer_that_is_not_a_string_is_refused() {
    let authorizer = authorizer(TokenMode::Access).await;
    // The JWT library takes an array of issuers that includes the expected one; API Gateway does not.
    for iss in
        [json!([ISSUER]), json!([ISSUER, "https://example.com"]), json!({ "iss": ISSUER }), json!(5), json!(null)]
    {
        let token = sign(&with(access_claims(), "iss", iss.clone()));
        assert!(matches!(authorizer.authorize(Some(&token)).await, Err(Denied::Unauthorized(_))), "iss {iss}");
    }
}

#[tokio::test]
async fn a_repeated_authorization_header_is_refused() {
    use axum::http::{HeaderMap, HeaderValue, header};
    let authorizer = authorizer(TokenMode::Access).await;
    let token = sign(&access_claims());
    let mut one = HeaderMap::new();
    one.insert(header::AUTHORIZATION, HeaderValue::from_str(&token).unwrap());
    assert_eq!(authorizer.authorize_headers(&one).await.unwrap()["username"], "alice");
    // Twice the same valid token, or a valid one next to garbage in either order: refused.
    for second in [token.clone(), "garbage".to_owned()] {
        for (a, b) in [(&token, &second), (&second, &token)] {
            let mut two = HeaderMap::new();
            two.append(header::AUTHORIZATION, HeaderValue::from_str(a).unwrap());
            two.append(header::AUTHORIZATION, HeaderValue::from_str(b).unwrap());
            assert_eq!(
                authorizer.authorize_headers(&two).await,
                Err(Denied::Unauthorized("repeated Authorization header"))
            );
        }
    }
    assert!(matches!(authorizer.authorize_headers(&HeaderMap::new()).await, Err(Denied::Unauthorized(_))));
    let mut binary = HeaderMap::new();
    binary.insert(header::AUTHORIZATION, HeaderValue::from_bytes(b"Bearer \xff\xfe").unwrap());
    assert!(matches!(authorizer.authorize_headers(&binary).await, Err(Denied::Unauthorized(_))));
}
