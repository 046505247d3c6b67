//! The static site (the admin console's server) through the crate's own HTTP client: files, the configuration read
//! afresh on each request, and the Content-Security-Policy computed from it on every response.
#![allow(clippy::unwrap_used)]

use std::time::Duration;

use local_gateway::client::{HttpClient, Request};
use local_gateway::static_site::{self, Site};
use serde_json::Value;

fn policy(config: Option<&Value>) -> String {
    match config.and_then(|c| c["api"].as_str()) {
        Some(api) => format!("default-src 'none'; connect-src 'self' {api}"),
        None => "default-src 'none'; connect-src 'self'".to_owned(),
    }
}

#[tokio::test]
async fn serves_the_files_the_configuration_and_the_policy_of_the_moment() {
    let root = std::env::temp_dir().join(format!("static-site-{}", std::process::id()));
    let dist = root.join("dist");
    std::fs::create_dir_all(&dist).unwrap();
    std::fs::write(dist.join("index.html"), "<!doctype html><title>console</title>").unwrap();
    let config = root.join("amplifyconfiguration.json");
    std::fs::write(&config, r#"{"api":"http://127.0.0.1:1"}"#).unwrap();

    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let site =
        Site { dir: dist, config_route: "/amplifyconfiguration.json".to_owned(), config_file: config.clone(), policy };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(static_site::serve(listener, site, async {
        let _ = stopped.await;
    }));
    let client = HttpClient::new().unwrap();
    let get = |path: &str| {
        let url = format!("{base}{path}");
        let client = client.clone();
        async move { client.send(Request::new("GET", &url).timeout(Duration::from_secs(5))).await.unwrap() }
    };

    let page = get("/").await;
    assert_eq!(page.status, 200);
    assert!(String::from_utf8_lossy(&page.body).contains("<title>console</title>"));
    assert_eq!(page.headers["content-security-policy"], "default-src 'none'; connect-src 'self' http://127.0.0.1:1");

    let served = get("/amplifyconfiguration.json").await;
    assert_eq!(served.status, 200);
    assert_eq!(served.headers["content-type"], "application/json");
    assert_eq!(served.headers["cache-control"], "no-store");
    assert_eq!(&served.body[..], br#"{"api":"http://127.0.0.1:1"}"#);

    // A new deploy shows on the next request, in the file and in the policy.
    std::fs::write(&config, r#"{"api":"http://127.0.0.1:2"}"#).unwrap();
    let again = get("/amplifyconfiguration.json").await;
    assert_eq!(&again.body[..], br#"{"api":"http://127.0.0.1:2"}"#);
    assert_eq!(again.headers["content-security-policy"], "default-src 'none'; connect-src 'self' http://127.0.0.1:2");

    // Without the configuration: a 404 that says why, and a policy that allows only the site itself.
    std::fs::remove_file(&config).unwrap();
    let gone = get("/amplifyconfiguration.json").await;
    assert_eq!(gone.status, 404);
    assert!(String::from_utf8_lossy(&gone.body).contains("deploy it again"));
    assert_eq!(gone.headers["content-security-policy"], "default-src 'none'; connect-src 'self'");
    let missing = get("/no-such-file.js").await;
    assert_eq!(missing.status, 404);
    assert!(missing.headers.contains_key("content-security-policy"));

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    std::fs::remove_dir_all(&root).unwrap();
}

#[tokio::test]
async fn the_client_reports_a_refused_connection_and_a_timeout() {
    let client = HttpClient::new().unwrap();
    // A port nothing listens on.
    let port = {
        let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = format!("http://127.0.0.1:{port}/");
    assert!(matches!(client.send(Request::new("GET", &url)).await, Err(local_gateway::client::ClientError::Failed(_))));
    // A server that accepts and never answers.
    let silent = tokio::net::TcpListener::bind(("127.0.0.1", 0)).await.unwrap();
    let url = format!("http://{}/", silent.local_addr().unwrap());
    let request = Request::new("POST", &url).body("{}").timeout(Duration::from_millis(200));
    assert!(matches!(client.send(request).await, Err(local_gateway::client::ClientError::TimedOut)));
    assert!(matches!(
        client.send(Request::new("GET", "not a url")).await,
        Err(local_gateway::client::ClientError::Invalid(_))
    ));
}
