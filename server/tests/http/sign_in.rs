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

    // Refused, or held back once the address has failed too often.
    assert!(
        statuses.iter().all(|s| matches!(s, 401 | 429)),
        "{statuses:?}"
    );
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

async fn attempt(app: &TestApp, email: &str, password: &str) -> (u16, Option<String>, String) {
    let response = reqwest::Client::new()
        .post(app.url("/api/v1/login"))
        .json(&serde_json::json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let retry_after = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, retry_after, response.text().await.unwrap())
}

#[tokio::test]
async fn wrong_passwords_pause_then_lock_an_account_alike_whether_it_exists_or_not() {
    let app = TestApp::with_demo().await;
    let mut answers = Vec::new();
    for email in ["jefe-ugat@demo.local", "nadie@demo.local"] {
        let mut seen = Vec::new();
        for _ in 0..4 {
            seen.push(attempt(&app, email, "equivocada-1234").await);
        }
        // The fourth failure in a row pauses the account: even the right
        // password waits.
        seen.push(attempt(&app, email, "demo").await);
        answers.push(seen);
    }
    assert_eq!(answers[0], answers[1], "the same answers for both");
    let statuses: Vec<u16> = answers[0].iter().map(|a| a.0).collect();
    assert_eq!(statuses, [401, 401, 401, 401, 429]);
    let (_, retry_after, body) = &answers[0][4];
    assert_eq!(retry_after.as_deref(), Some("1"));
    assert!(body.contains("Demasiados intentos fallidos"), "{body}");

    // Many failures lock it for minutes, whatever the password.
    for email in ["jefe-ugat@demo.local", "nadie@demo.local"] {
        app.execute(
            "UPDATE sign_in_failures SET failures = 9, locked_until = 0 WHERE key = $1",
            &[&format!("cuenta:{email}")],
        )
        .await;
        assert_eq!(attempt(&app, email, "equivocada-1234").await.0, 401);
        let (status, retry_after, _) = attempt(&app, email, "demo").await;
        assert_eq!(status, 429);
        let seconds: u64 = retry_after.unwrap().parse().unwrap();
        assert!((800..=900).contains(&seconds), "{seconds}");
    }
    // Another account from the same address is not held up.
    assert_eq!(
        attempt(&app, "responsable-ait@demo.local", "demo").await.0,
        200
    );
    // Every attempt is in the audit log, and no password is.
    assert!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE event = 'sign_in_failed'")
            .await
            >= 10
    );
    assert!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE event = 'sign_in_locked'")
            .await
            >= 2
    );
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%equivocada%' OR user_agent LIKE '%equivocada%'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn signing_in_clears_the_failures_of_the_account() {
    let app = TestApp::with_demo().await;
    for _ in 0..3 {
        assert_eq!(
            attempt(&app, "jefe-ugat@demo.local", "otra-cosa-123")
                .await
                .0,
            401
        );
    }
    assert_eq!(attempt(&app, "jefe-ugat@demo.local", "demo").await.0, 200);
    for _ in 0..3 {
        assert_eq!(
            attempt(&app, "jefe-ugat@demo.local", "otra-cosa-123")
                .await
                .0,
            401
        );
    }
    assert_eq!(attempt(&app, "jefe-ugat@demo.local", "demo").await.0, 200);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE event = 'sign_in'")
            .await,
        2
    );
}

fn session_of(response: &reqwest::Response) -> String {
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    let (pair, attributes) = cookie.split_once(';').unwrap();
    assert!(attributes.contains("HttpOnly") && attributes.contains("Secure"));
    assert!(attributes.contains("SameSite=Lax") && attributes.contains("Path=/"));
    assert!(!attributes.contains("Max-Age"), "a browser-session cookie");
    let token = pair
        .strip_prefix("__Host-sesion=")
        .expect("a __Host- cookie");
    token.to_owned()
}

#[tokio::test]
async fn signing_in_replaces_the_session_the_browser_came_with() {
    let app = TestApp::with_demo().await;
    let client = reqwest::Client::new();
    let credentials = serde_json::json!({ "email": "jefe-ugat@demo.local", "password": "demo" });
    let first = client
        .post(app.url("/api/v1/login"))
        .json(&credentials)
        .send()
        .await
        .unwrap();
    let first = session_of(&first);
    let second = client
        .post(app.url("/api/v1/login"))
        .header("cookie", format!("__Host-sesion={first}"))
        .json(&credentials)
        .send()
        .await
        .unwrap();
    let second = session_of(&second);
    assert_ne!(first, second);
    let me = |token: String| {
        let client = client.clone();
        let url = app.url("/api/v1/me");
        async move {
            client
                .get(url)
                .header("cookie", format!("__Host-sesion={token}"))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(me(first).await, 401, "the old session ended");
    assert_eq!(me(second).await, 200);
}

#[tokio::test]
async fn a_person_keeps_at_most_ten_sessions() {
    let app = TestApp::with_demo().await;
    for _ in 0..12 {
        app.login("jefe-ugat@demo.local").await;
    }
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM sessions s JOIN users u ON u.id = s.user_id WHERE u.email = 'jefe-ugat@demo.local'"
        )
        .await,
        10
    );
}

#[tokio::test]
async fn demo_accounts_sign_in_only_in_demo_mode() {
    use app::server::settings::Settings;
    use server::serving::Limits;
    let app = TestApp::configured(
        TestDatabase::new().await,
        Settings::default(),
        Limits::default(),
    )
    .await;
    app::server::demo::seed(&app.db).await.unwrap();
    let (status, _, body) = attempt(&app, "admin@demo.local", "demo").await;
    assert_eq!(status, 403);
    assert!(body.contains("modo demostración"), "{body}");
}

#[tokio::test]
async fn demo_mode_is_refused_on_the_working_database_on_https_and_on_real_data() {
    let (status, said) = crate::servers::refused_start(&[
        ("APP_DEMO", "1"),
        ("DATABASE_URL", "sqlite://data/manual.db"),
    ]);
    assert!(!status.success());
    assert!(said.contains("APP_DEMO=1"), "{said}");
    let (status, said) = crate::servers::refused_start(&[
        ("APP_DEMO", "1"),
        ("APP_ORIGIN", "https://tramites.example.gob.bo"),
    ]);
    assert!(!status.success());
    assert!(said.contains("https"), "{said}");
    // A database that began without demo mode stays without it.
    let database = TestDatabase::new().await;
    let db = app::server::store::Db::connect(&database.url)
        .await
        .unwrap();
    assert!(!db.claim_instance(false).await.unwrap());
    let (status, said) =
        crate::servers::refused_start(&[("APP_DEMO", "1"), ("DATABASE_URL", &database.url)]);
    assert!(!status.success());
    assert!(said.contains("cuentas reales"), "{said}");
}

#[tokio::test]
async fn the_database_refuses_to_change_the_history_and_the_audit_log() {
    let app = TestApp::with_demo().await;
    let entity = app.demo_entity_id().await;
    let manager = app.login("jefe-ugat@demo.local").await;
    let opened = manager
        .post(app.url("/api/v1/cases"))
        .json(
            &serde_json::json!({ "procedure": "PR05", "entity_id": entity, "title": "Intocable" }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), 201);
    for statement in [
        "UPDATE case_history SET comment = 'cambiado'",
        "DELETE FROM case_history",
        "UPDATE audit_log SET actor_email = 'otro@demo.local'",
        "DELETE FROM audit_log",
    ] {
        assert!(
            app.try_execute(statement, &[]).await.is_err(),
            "{statement} went through"
        );
    }
    assert!(app.count("SELECT COUNT(*) FROM case_history").await >= 1);
    assert!(app.count("SELECT COUNT(*) FROM audit_log").await >= 1);
}

#[tokio::test]
async fn server_functions_answer_bad_and_oversized_arguments_with_4xx() {
    let app = TestApp::with_demo().await;
    let action = sign_in_action(&app.base).await;
    let client = reqwest::Client::new();
    let missing = client
        .post(&action)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("email=a%40b.bo")
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 400, "{}", missing.text().await.unwrap());
    let garbage = client
        .post(&action)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("%%%\u{0}=&&==")
        .send()
        .await
        .unwrap();
    assert_eq!(garbage.status(), 400);
    let huge = client
        .post(&action)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("email={}&password=x", "a".repeat(3 * 1024 * 1024)))
        .send()
        .await
        .unwrap();
    assert_eq!(huge.status(), 413);
}
