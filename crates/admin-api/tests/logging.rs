//! The request log: one JSON line per request with the fields an operator needs, and never a token.
#![allow(clippy::unwrap_used)]

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use support::{Event, Pool};

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn lines(&self) -> Vec<Value> {
        let text = String::from_utf8(self.0.lock().unwrap().clone()).unwrap();
        text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))).collect()
    }
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

#[tokio::test(flavor = "current_thread")]
async fn one_line_per_request_and_no_token() {
    let captured = Captured::default();
    let writer = captured.clone();
    let _guard = tracing::subscriber::set_default(admin_api::logging::subscriber(move || writer.clone()));

    let pool = Pool::new().await;
    pool.user("bob", &[]).await;
    let token = "eyJraWQiOiJzZWNyZXQta2lkIn0.eyJ1c2VybmFtZSI6ImFkbWluIn0.c2VjcmV0LXNpZ25hdHVyZS1kby1ub3QtbG9n";
    let event = Event::post("/addUserToGroup")
        .caller("admin", &["Admins"])
        .header("Authorization", &format!("Bearer {token}"))
        .json(json!({"username": "bob", "groupname": "Editors"}));
    assert_eq!(pool.send(event).await.status, 200);
    let event = Event::get("/listUsers").caller("bob", &[]).header("Authorization", token);
    assert_eq!(pool.send(event).await.status, 403);

    let text = captured.text();
    assert!(!text.contains(token), "a token was logged: {text}");
    assert!(!text.contains("c2VjcmV0LXNpZ25hdHVyZS1kby1ub3QtbG9n"), "part of a token was logged: {text}");
    assert!(!text.to_lowercase().contains("authorization"), "the Authorization header was logged: {text}");

    let requests: Vec<Value> = captured.lines().into_iter().filter(|l| l["message"] == "request").collect();
    assert_eq!(requests.len(), 2, "{text}");
    let first = &requests[0];
    assert_eq!(first["action"], "addUserToGroup");
    assert_eq!(first["caller_sub"], "sub-of-admin");
    assert_eq!(first["caller_username"], "admin");
    assert_eq!(first["target_user"], "bob");
    assert_eq!(first["target_group"], "Editors");
    assert_eq!(first["status"], 200);
    assert_eq!(first["request_id"], "deef4878-7910-11e6-8f14-25afc3e9ae33");
    assert!(first["latency_ms"].as_f64().unwrap() >= 0.0);
    assert_eq!(requests[1]["status"], 403);
    assert_eq!(requests[1]["action"], "listUsers");
}
