//! A small HTTP(S) client for calling a deployed API: one request in, its status, headers and whole body out.
//! HTTPS uses rustls with the system's roots; plain HTTP (the local environment) works too.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

type Https = hyper_rustls::HttpsConnector<HttpConnector>;

/// Why a call gave no response.
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    #[error("no TLS roots: {0}")]
    NoRoots(String),
    #[error("invalid request: {0}")]
    Invalid(String),
    #[error("timed out")]
    TimedOut,
    #[error("{0}")]
    Failed(String),
}

/// A response, read whole.
#[derive(Debug, Clone)]
pub struct Response {
    pub status: u16,
    pub headers: http::HeaderMap,
    pub body: Bytes,
}

/// One request: method, URL, headers and an optional body.
#[derive(Debug, Clone)]
pub struct Request<'a> {
    pub method: &'a str,
    pub url: &'a str,
    pub headers: Vec<(&'a str, &'a str)>,
    pub body: Option<Vec<u8>>,
    /// How long to wait for the whole response; `None` waits as long as it takes.
    pub timeout: Option<Duration>,
}

impl<'a> Request<'a> {
    pub fn new(method: &'a str, url: &'a str) -> Self {
        Self { method, url, headers: Vec::new(), body: None, timeout: None }
    }

    pub fn header(mut self, name: &'a str, value: &'a str) -> Self {
        self.headers.push((name, value));
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Self {
        self.body = Some(body.into());
        self
    }

    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

/// An HTTP(S) client; cheap to clone, its connections are pooled.
#[derive(Debug, Clone)]
pub struct HttpClient {
    inner: Client<Https, Full<Bytes>>,
}

impl HttpClient {
    pub fn new() -> Result<Self, ClientError> {
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(rustls::crypto::aws_lc_rs::default_provider())
            .map_err(|e| ClientError::NoRoots(e.to_string()))?
            .https_or_http()
            .enable_http1()
            .build();
        Ok(Self { inner: Client::builder(TokioExecutor::new()).build(https) })
    }

    /// Sends `request` and reads the whole response.
    pub async fn send(&self, request: Request<'_>) -> Result<Response, ClientError> {
        let mut builder = http::Request::builder().method(request.method).uri(request.url);
        for (name, value) in &request.headers {
            builder = builder.header(*name, *value);
        }
        let body = Full::new(request.body.map(Bytes::from).unwrap_or_default());
        let built = builder.body(body).map_err(|e| ClientError::Invalid(e.to_string()))?;
        let exchange = async {
            let response = self.inner.request(built).await.map_err(|e| ClientError::Failed(e.to_string()))?;
            let (parts, body) = response.into_parts();
            let body = body.collect().await.map_err(|e| ClientError::Failed(e.to_string()))?.to_bytes();
            Ok(Response { status: parts.status.as_u16(), headers: parts.headers, body })
        };
        match request.timeout {
            Some(limit) => tokio::time::timeout(limit, exchange).await.map_err(|_| ClientError::TimedOut)?,
            None => exchange.await,
        }
    }
}
