//! Signing in from the open internet: where the form may lead afterwards,
//! and a flood of wrong sign-ins that must not exhaust the server.

use std::time::{Duration, Instant};

use crate::common::{TestApp, TestDatabase};
use crate::servers::ServerProcess;

/// The address the sign-in form posts to, as the page names it.
async fn sign_in_action(base: &str) -> String {
    let page = reqwest::get(format!("{base}/ingresar"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let action = page
        .split("action=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the sign-in form names its action");
    format!("{base}{action}")
}

#[tokio::test]
async fn after_signing_in_the_form_leads_only_to_this_site() {
    let app = TestApp::with_demo().await;
    let action = sign_in_action(&app.base).await;
    let client = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    for (next, expected) in [
        ("/expedientes", "/expedientes"),
        ("/\\evil.example", "/bandeja"),
        ("//evil.example", "/bandeja"),
        ("https://evil.example", "/bandeja"),
        ("/bandeja\r\nSet-Cookie: x=1", "/bandeja"),
    ] {
        // As a browser posts the form without scripts.
        let response = client
            .post(&action)
            .header("accept", "text/html")
            .form(&[
                ("email", "jefe-ugat@demo.local"),
                ("password", "demo"),
                ("next", next),
            ])
            .send()
            .await
            .unwrap();
        assert!(
            response.status().is_redirection(),
            "{next:?}: {}",
            response.status()
        );
        assert_eq!(response.headers()["location"], expected, "{next:?}");
    }
}

/// The resident memory of a process, in bytes.
fn resident_bytes(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .expect("VmRSS in /proc");
    kb * 1024
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_flood_of_wrong_sign_ins_waits_its_turn_in_bounded_memory() {
    let database = TestDatabase::new().await;
    let server = ServerProcess::start(&database);
    let client = reqwest::Client::new();
    let login = format!("{}/api/v1/login", server.base);
    // One sign-in first, so that what the server keeps anyway is counted.
    client
        .post(&login)
        .json(&serde_json::json!({ "email": "nadie@example.gob.bo", "password": "x" }))
        .send()
        .await
        .unwrap();
    let before = resident_bytes(server.pid());

    let flood = (0..160).map(|i| {
        let (client, login) = (client.clone(), login.clone());
        async move {
            client
                .post(login)
                .json(&serde_json::json!({ "email": format!("intruso{i}@example.gob.bo"), "password": "incorrecta" }))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    });
    let flooding = tokio::spawn(futures::future::join_all(flood));
    tokio::time::sleep(Duration::from_millis(300)).await;
    let asked = Instant::now();
    let health = client
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .unwrap();
    let health_took = asked.elapsed();
    let mut peak = resident_bytes(server.pid());
    while !flooding.is_finished() {
        peak = peak.max(resident_bytes(server.pid()));
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let statuses = flooding.await.unwrap();

    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    assert_eq!(health.status(), 200);
    // Loose on purpose: the point is that it is not stuck behind the flood.
    assert!(health_took < Duration::from_secs(2), "{health_took:?}");
    let growth = peak.saturating_sub(before);
    assert!(
        growth < 200 * 1024 * 1024,
        "memory grew by {} MB",
        growth / 1024 / 1024
    );
}
