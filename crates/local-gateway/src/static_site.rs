//! A static site on this machine (the admin console): the files of a directory, plus one configuration file served
//! from elsewhere, read afresh on each request (`Cache-Control: no-store`), and a Content-Security-Policy computed
//! from that configuration on each request and sent with every response. So a new deploy shows on the next page load.

use std::path::PathBuf;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::IntoResponse;
use axum::routing::get;
use serde_json::Value;
use tokio::net::TcpListener;
use tower_http::services::ServeDir;

/// What a static site serves.
#[derive(Debug, Clone)]
pub struct Site {
    /// The site's files, served as they are (`index.html` for `/`).
    pub dir: PathBuf,
    /// The URL path of the configuration file, e.g. `/amplifyconfiguration.json`.
    pub config_route: String,
    /// Where the configuration file is read from on each request.
    pub config_file: PathBuf,
    /// The Content-Security-Policy for the configuration (`None` when it cannot be read as JSON).
    pub policy: fn(Option<&Value>) -> String,
}

/// Serves `site` on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: TcpListener,
    site: Site,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let (policy_config, policy) = (site.config_file.clone(), site.policy);
    let csp = middleware::from_fn(move |request: Request, next: Next| {
        let config = policy_config.clone();
        async move {
            let parsed = tokio::fs::read(&config).await.ok().and_then(|b| serde_json::from_slice(&b).ok());
            let value = policy(parsed.as_ref());
            let mut response = next.run(request).await;
            if let Ok(value) = HeaderValue::from_str(&value) {
                response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, value);
            }
            response
        }
    });
    let config = site.config_file;
    let app = Router::new()
        .route(
            &site.config_route,
            get(move || async move {
                match tokio::fs::read(&config).await {
                    Ok(bytes) => {
                        ([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "no-store")], bytes)
                            .into_response()
                    }
                    Err(_) => {
                        (StatusCode::NOT_FOUND, "the environment's outputs are gone: deploy it again").into_response()
                    }
                }
            }),
        )
        .fallback_service(ServeDir::new(site.dir))
        .layer(csp);
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}
