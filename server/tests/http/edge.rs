//! The public edge: security headers on every kind of answer, the origin
//! check, slow clients cut, panics answered, a stop that finishes cleanly.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::routing::get;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use app::server::settings::Settings;
use server::serving::Limits;

use crate::common::{TestApp, TestDatabase};
use crate::servers::ServerProcess;

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .unwrap_or_else(|| panic!("{} has no {name}", response.url()))
        .to_str()
        .unwrap()
}

fn assert_hardened(response: &reqwest::Response) {
    assert_eq!(header(response, "x-content-type-options"), "nosniff");
    assert_eq!(header(response, "x-frame-options"), "DENY");
    assert_eq!(header(response, "referrer-policy"), "same-origin");
    assert!(header(response, "permissions-policy").contains("geolocation=()"));
    assert!(header(response, "content-security-policy").contains("frame-ancestors 'none'"));
}

#[tokio::test]
async fn pages_carry_a_policy_with_the_nonce_of_their_own_scripts() {
    let app = TestApp::with_demo().await;
    let client = app.login("jefe-ugat@demo.local").await;
    for path in ["/procedimientos", "/ingresar", "/bandeja", "/no-existe"] {
        let response = client.get(app.url(path)).send().await.unwrap();
        assert_hardened(&response);
        assert_eq!(header(&response, "cache-control"), "no-store", "{path}");
        let policy = header(&response, "content-security-policy").to_owned();
        assert!(policy.contains("'wasm-unsafe-eval'"), "{path}: {policy}");
        assert!(!policy.contains("unsafe-inline"), "{path}: {policy}");
        let nonce = policy
            .split("'nonce-")
            .nth(1)
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("{path}: no nonce in {policy}"))
            .to_owned();
        assert!(nonce.len() >= 16, "a nonce of 128 bits");
        let html = response.text().await.unwrap();
        let scripts: Vec<&str> = html.split("<script").skip(1).collect();
        assert!(!scripts.is_empty(), "{path} loads the app");
        for script in scripts {
            let tag = script.split('>').next().unwrap_or_default();
            assert!(
                tag.contains(&format!("nonce=\"{nonce}\"")),
                "{path}: a script without the page's nonce: <script{tag}>"
            );
        }
    }
    // Each page gets a nonce of its own.
    let first = app.get("/procedimientos").await;
    let second = app.get("/procedimientos").await;
    assert_ne!(
        header(&first, "content-security-policy"),
        header(&second, "content-security-policy")
    );
}

#[tokio::test]
async fn data_answers_are_hardened_and_never_cached() {
    let app = TestApp::with_demo().await;
    let manager = app.login("jefe-ugat@demo.local").await;
    for path in [
        "/api/v1/procedures",
        "/api/v1/me",
        "/api/v1/cases",
        "/api/v1/stats/months.csv",
        "/api/v1/no-existe",
        "/healthz",
    ] {
        let response = manager.get(app.url(path)).send().await.unwrap();
        assert_hardened(&response);
        assert_eq!(header(&response, "cache-control"), "no-store", "{path}");
        assert!(
            header(&response, "content-security-policy").starts_with("default-src 'none'"),
            "{path}"
        );
    }
    // Refusals too.
    let response = app.get("/api/v1/me").await;
    assert_eq!(response.status(), 401);
    assert_hardened(&response);
    // No HSTS over a plain-http origin.
    assert!(response
        .headers()
        .get("strict-transport-security")
        .is_none());
}

#[tokio::test]
async fn an_https_origin_tells_browsers_to_stay_on_https() {
    let settings = Settings {
        origin: Some("https://tramites.example.gob.bo".into()),
        ..Settings::default()
    };
    let app = TestApp::configured(TestDatabase::new().await, settings, Limits::default()).await;
    let response = app.get("/procedimientos").await;
    assert!(header(&response, "strict-transport-security").contains("max-age=31536000"));
    // A write from the plain-http variant of the origin is another site.
    for origin in ["http://tramites.example.gob.bo", "https://evil.example"] {
        let response = app
            .client
            .post(app.url("/api/v1/login"))
            .header("origin", origin)
            .json(&serde_json::json!({ "email": "a@b.bo", "password": "x" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{origin}");
    }
    let response = app
        .client
        .post(app.url("/api/v1/login"))
        .header("origin", "https://tramites.example.gob.bo")
        .json(&serde_json::json!({ "email": "a@b.bo", "password": "x" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401, "the public origin is the app's own");
}

#[tokio::test]
async fn a_client_that_sends_its_headers_slowly_is_cut() {
    let limits = Limits {
        header_read: Duration::from_secs(1),
        ..Limits::default()
    };
    let app = TestApp::configured(TestDatabase::new().await, Settings::demo(), limits).await;
    let address = app.base.trim_start_matches("http://").to_owned();
    let mut slow = tokio::net::TcpStream::connect(&address).await.unwrap();
    slow.write_all(b"GET /procedimientos HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();
    let started = Instant::now();
    let mut rest = Vec::new();
    // The server closes the connection; the read ends instead of waiting.
    let read = tokio::time::timeout(Duration::from_secs(10), slow.read_to_end(&mut rest)).await;
    assert!(read.is_ok(), "the connection was held open");
    assert!(started.elapsed() < Duration::from_secs(5));
    // Meanwhile others are served.
    assert_eq!(app.get("/healthz").await.status(), 200);
}

#[tokio::test]
async fn a_panic_is_a_logged_500_with_the_usual_body_never_an_empty_reply() {
    let routes = axum::Router::new().route(
        "/falla",
        get(|| async {
            if true {
                panic!("a bug");
            }
            "never"
        }),
    );
    let app = server::harden(routes, Arc::new(Settings::default()));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(server::serving::serve(
        listener,
        app,
        Limits::default(),
        std::future::pending(),
    ));
    let response = reqwest::get(format!("{base}/falla")).await.unwrap();
    assert_eq!(response.status(), 500);
    assert_hardened(&response);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        body["error"],
        "Error interno del servidor. Intente de nuevo más tarde."
    );
    // The server goes on.
    assert_eq!(
        reqwest::get(format!("{base}/falla"))
            .await
            .unwrap()
            .status(),
        500
    );
}

#[tokio::test]
async fn sigterm_ends_the_live_streams_and_stops_the_server_cleanly() {
    let database = TestDatabase::new().await;
    let mut server = ServerProcess::start(&database);
    let client = crate::common::login_at(&server.base, "jefe-ugat@demo.local").await;
    let mut stream = client
        .get(format!("{}/api/v1/events", server.base))
        .send()
        .await
        .unwrap();
    assert_eq!(stream.status(), 200);
    let first = stream.chunk().await.unwrap().unwrap();
    assert!(String::from_utf8_lossy(&first).contains("ready"));
    let stopped = std::process::Command::new("kill")
        .args(["-TERM", &server.pid().to_string()])
        .status()
        .unwrap();
    assert!(stopped.success());
    let started = Instant::now();
    let status = loop {
        if let Some(status) = server.try_wait() {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "the server did not stop"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "{status}");
    // The open stream ended rather than being cut mid-answer.
    while let Ok(Some(_)) = stream.chunk().await {}
}
