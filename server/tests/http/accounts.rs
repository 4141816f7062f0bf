//! Accounts on a public service: passwords people change and
//! administrators reset, accounts disabled and sessions ended, the last
//! administrator kept, need-to-know for staff without a role, and the
//! audit log of it all.

use serde_json::{json, Value};

use crate::common::{sign_in_at, TestApp};

/// Creates a staff account as the demo administrator; returns its id.
async fn create_account(app: &TestApp, email: &str, password: &str, roles: Value) -> String {
    let admin = app.login("admin@demo.local").await;
    let created = admin
        .post(app.url("/api/v1/users"))
        .json(&json!({ "email": email, "password": password, "roles": roles }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201, "{}", created.text().await.unwrap());
    let account: Value = created.json().await.unwrap();
    account["id"].as_str().unwrap().to_owned()
}

async fn sign_in(app: &TestApp, email: &str, password: &str) -> (reqwest::Client, u16) {
    sign_in_at(&app.base, email, password).await
}

/// The id of the account a client is signed in as.
async fn own_id(app: &TestApp, client: &reqwest::Client) -> String {
    let me = app.get_json(client, "/api/v1/me").await;
    me["id"].as_str().expect("signed in").to_owned()
}

async fn status_of(app: &TestApp, client: &reqwest::Client, path: &str) -> u16 {
    client
        .get(app.url(path))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}

const PASSWORD: &str = "Illimani nevado al amanecer";

#[tokio::test]
async fn a_disabled_account_loses_its_sessions_and_cannot_sign_in_until_enabled() {
    let app = TestApp::with_demo().await;
    let id = create_account(&app, "ana@agetic.gob.bo", PASSWORD, json!(["uit"])).await;
    let (ana, status) = sign_in(&app, "ana@agetic.gob.bo", PASSWORD).await;
    assert_eq!(status, 200);
    assert_eq!(status_of(&app, &ana, "/api/v1/me").await, 200);

    let admin = app.login("admin@demo.local").await;
    let disabled = admin
        .put(app.url(&format!("/api/v1/users/{id}/status")))
        .json(&json!({ "disabled": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(disabled.status(), 200);
    assert_eq!(disabled.json::<Value>().await.unwrap()["disabled"], true);
    assert_eq!(status_of(&app, &ana, "/api/v1/me").await, 401);
    let (_, status) = sign_in(&app, "ana@agetic.gob.bo", PASSWORD).await;
    assert_eq!(status, 403);

    let enabled = admin
        .put(app.url(&format!("/api/v1/users/{id}/status")))
        .json(&json!({ "disabled": false }))
        .send()
        .await
        .unwrap();
    assert_eq!(enabled.status(), 200);
    let (_, status) = sign_in(&app, "ana@agetic.gob.bo", PASSWORD).await;
    assert_eq!(status, 200);

    let log = app.get_json(&admin, "/api/v1/audit").await;
    let events: Vec<&str> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["subject"] == "ana@agetic.gob.bo")
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert!(events.contains(&"account_disabled") && events.contains(&"account_enabled"));
    assert!(events.contains(&"account_created"));
    let disabled_entry = log
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["event"] == "account_disabled")
        .unwrap();
    assert_eq!(disabled_entry["actor_email"], "admin@demo.local");
}

#[tokio::test]
async fn an_admin_ends_someones_sessions() {
    let app = TestApp::with_demo().await;
    let id = create_account(&app, "beto@agetic.gob.bo", PASSWORD, json!(["upat"])).await;
    let (laptop, _) = sign_in(&app, "beto@agetic.gob.bo", PASSWORD).await;
    let (phone, _) = sign_in(&app, "beto@agetic.gob.bo", PASSWORD).await;
    let admin = app.login("admin@demo.local").await;
    let ended = admin
        .delete(app.url(&format!("/api/v1/users/{id}/sessions")))
        .send()
        .await
        .unwrap();
    assert_eq!(ended.status(), 200);
    assert_eq!(ended.json::<Value>().await.unwrap()["ended"], 2);
    assert_eq!(status_of(&app, &laptop, "/api/v1/me").await, 401);
    assert_eq!(status_of(&app, &phone, "/api/v1/me").await, 401);
    let log = app
        .get_json(&admin, "/api/v1/audit?event=sessions_ended")
        .await;
    assert_eq!(log[0]["subject"], "beto@agetic.gob.bo");
    assert_eq!(log[0]["detail"]["sesiones"], 2);
    // Only administrators may.
    let other = app.login("jefe-ugat@demo.local").await;
    let refused = other
        .delete(app.url(&format!("/api/v1/users/{id}/sessions")))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn a_reset_password_works_once_and_only_to_choose_a_new_one() {
    let app = TestApp::with_demo().await;
    let id = create_account(&app, "carla@agetic.gob.bo", PASSWORD, json!(["dge"])).await;
    let (before, _) = sign_in(&app, "carla@agetic.gob.bo", PASSWORD).await;
    let admin = app.login("admin@demo.local").await;
    let temporary = "Temporal para Carla 2026";
    let reset = admin
        .put(app.url(&format!("/api/v1/users/{id}/password")))
        .json(&json!({ "password": temporary }))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 204);
    assert_eq!(status_of(&app, &before, "/api/v1/me").await, 401);
    let (_, status) = sign_in(&app, "carla@agetic.gob.bo", PASSWORD).await;
    assert_eq!(status, 401, "the old password is gone");

    let (carla, status) = sign_in(&app, "carla@agetic.gob.bo", temporary).await;
    assert_eq!(status, 200);
    let me = app.get_json(&carla, "/api/v1/me").await;
    assert_eq!(me["must_change_password"], true);
    let blocked = carla.get(app.url("/api/v1/cases")).send().await.unwrap();
    assert_eq!(blocked.status(), 403);
    let message = blocked.json::<Value>().await.unwrap()["error"].clone();
    assert!(message.as_str().unwrap().contains("contraseña nueva"));

    let changed = carla
        .put(app.url("/api/v1/me/password"))
        .json(
            &json!({ "current_password": temporary, "new_password": "Mi frase propia y secreta" }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(changed.status(), 204);
    assert_eq!(status_of(&app, &carla, "/api/v1/cases").await, 200);
    let (_, status) = sign_in(&app, "carla@agetic.gob.bo", "Mi frase propia y secreta").await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn people_change_their_password_to_one_that_is_hard_to_guess() {
    let app = TestApp::with_demo().await;
    create_account(&app, "dario@agetic.gob.bo", PASSWORD, json!(["uit"])).await;
    let (dario, _) = sign_in(&app, "dario@agetic.gob.bo", PASSWORD).await;
    let (other_device, _) = sign_in(&app, "dario@agetic.gob.bo", PASSWORD).await;
    let change = |current: &str, new: &str| {
        let body = json!({ "current_password": current, "new_password": new });
        let request = dario.put(app.url("/api/v1/me/password")).json(&body);
        async move { request.send().await.unwrap() }
    };
    let wrong = change("no es la mía", "Otra frase bien larga y mía").await;
    assert_eq!(wrong.status(), 422);
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "current_password");
    for weak in [
        "            ",
        "corta",
        "password1234",
        "123456789012",
        "aaaaaaaaaaaa",
        "qwertyuiopasdfgh",
    ] {
        let refused = change(PASSWORD, weak).await;
        assert_eq!(refused.status(), 422, "{weak:?}");
        let body: Value = refused.json().await.unwrap();
        assert_eq!(body["fields"][0]["field"], "new_password", "{weak:?}");
    }
    assert_eq!(
        change(PASSWORD, "Otra frase bien larga y mía")
            .await
            .status(),
        204
    );
    // The other devices are signed out; this one goes on.
    assert_eq!(status_of(&app, &other_device, "/api/v1/me").await, 401);
    assert_eq!(status_of(&app, &dario, "/api/v1/me").await, 200);
    let (_, status) = sign_in(&app, "dario@agetic.gob.bo", "Otra frase bien larga y mía").await;
    assert_eq!(status, 200);
    // New accounts follow the same rule.
    let admin = app.login("admin@demo.local").await;
    let weak = admin
        .post(app.url("/api/v1/users"))
        .json(&json!({ "email": "eva@agetic.gob.bo", "password": "password1234", "roles": [] }))
        .send()
        .await
        .unwrap();
    assert_eq!(weak.status(), 422);
    // Nothing in the log holds a password.
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE detail LIKE '%frase%' OR detail LIKE '%Illimani%'")
            .await,
        0
    );
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE event = 'password_changed'")
            .await,
        1
    );
}

#[tokio::test]
async fn two_admins_demoting_each_other_at_once_leave_one() {
    let app = TestApp::with_demo().await;
    let admin = app.login("admin@demo.local").await;
    let created = admin
        .post(app.url("/api/v1/users"))
        .json(&json!({ "email": "segunda@agetic.gob.bo", "password": PASSWORD, "roles": [], "is_admin": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let second_id = created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let first_id = own_id(&app, &admin).await;
    let (second, status) = sign_in(&app, "segunda@agetic.gob.bo", PASSWORD).await;
    assert_eq!(status, 200);
    let demote = |client: &reqwest::Client, id: &str| {
        let request = client
            .put(app.url(&format!("/api/v1/users/{id}/access")))
            .json(&json!({ "roles": [], "is_admin": false }));
        async move { request.send().await.unwrap().status().as_u16() }
    };
    let (a, b) = tokio::join!(demote(&admin, &second_id), demote(&second, &first_id));
    let mut outcomes = [a, b];
    outcomes.sort();
    // One wins; the other is refused as the last admin (409), or finds
    // itself already demoted (403) or signed out (401) by the winner.
    assert_eq!(outcomes[0], 200, "{outcomes:?}");
    assert!(matches!(outcomes[1], 401 | 403 | 409), "{outcomes:?}");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE is_admin AND NOT disabled")
            .await,
        1
    );
}

#[tokio::test]
async fn the_last_administrator_cannot_be_disabled() {
    let app = TestApp::with_demo().await;
    let admin = app.login("admin@demo.local").await;
    let id = own_id(&app, &admin).await;
    let refused = admin
        .put(app.url(&format!("/api/v1/users/{id}/status")))
        .json(&json!({ "disabled": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 409);
}

#[tokio::test]
async fn staff_without_a_role_see_no_case() {
    let app = TestApp::with_demo().await;
    let entity = app.demo_entity_id().await;
    let manager = app.login("jefe-ugat@demo.local").await;
    let case: Value = manager
        .post(app.url("/api/v1/cases"))
        .json(&json!({ "procedure": "PR05", "entity_id": entity, "title": "Reservado" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let case_id = case["id"].as_str().unwrap();
    create_account(&app, "sinrol@agetic.gob.bo", PASSWORD, json!([])).await;
    let (nobody, _) = sign_in(&app, "sinrol@agetic.gob.bo", PASSWORD).await;
    let list = nobody.get(app.url("/api/v1/cases")).send().await.unwrap();
    assert_eq!(list.status(), 200);
    assert_eq!(list.headers()["x-total-count"], "0");
    assert_eq!(list.json::<Value>().await.unwrap(), json!([]));
    for path in [
        format!("/api/v1/cases/{case_id}"),
        format!("/api/v1/cases/{case_id}/events"),
        format!("/expedientes/{case_id}"),
    ] {
        assert_eq!(status_of(&app, &nobody, &path).await, 404, "{path}");
    }
    let submissions = app.get_json(&nobody, "/api/v1/submissions").await;
    assert_eq!(submissions, json!([]));
    // Their own page still answers.
    assert_eq!(status_of(&app, &nobody, "/api/v1/me").await, 200);
}

#[tokio::test]
async fn the_audit_log_is_for_administrators_with_filters_and_as_csv() {
    let app = TestApp::with_demo().await;
    let admin = app.login("admin@demo.local").await;
    create_account(&app, "fede@agetic.gob.bo", PASSWORD, json!(["uit"])).await;
    let (_, status) = sign_in(&app, "fede@agetic.gob.bo", "no es correcta").await;
    assert_eq!(status, 401);
    let failed = app
        .get_json(&admin, "/api/v1/audit?event=sign_in_failed")
        .await;
    let failed = failed.as_array().unwrap();
    assert!(!failed.is_empty());
    assert!(failed.iter().all(|e| e["event"] == "sign_in_failed"));
    assert_eq!(failed[0]["actor_email"], "fede@agetic.gob.bo");
    assert_eq!(failed[0]["address"], "127.0.0.1");
    app.create_entity("Ministerio de Auditoría", "MIN-AUD")
        .await;
    let entities = app
        .get_json(&admin, "/api/v1/audit?event=entity_created")
        .await;
    assert_eq!(entities[0]["subject"], "Ministerio de Auditoría (MIN-AUD)");
    let signed_out = admin.post(app.url("/api/v1/logout")).send().await.unwrap();
    assert_eq!(signed_out.status(), 204);
    let admin = app.login("admin@demo.local").await;
    let outs = app.get_json(&admin, "/api/v1/audit?event=sign_out").await;
    assert_eq!(outs[0]["actor_email"], "admin@demo.local");
    let unknown = admin
        .get(app.url("/api/v1/audit?event=otra-cosa"))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 422);
    let by_person = app.get_json(&admin, "/api/v1/audit?who=fede").await;
    assert!(by_person.as_array().unwrap().len() >= 2);
    let csv = admin
        .get(app.url("/api/v1/audit.csv"))
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    let text = csv.text().await.unwrap();
    assert!(text.lines().next().unwrap().contains("evento"));
    assert!(text.contains("fede@agetic.gob.bo"));
    let manager = app.login("jefe-ugat@demo.local").await;
    assert_eq!(status_of(&app, &manager, "/api/v1/audit").await, 403);
    assert_eq!(status_of(&app, &manager, "/api/v1/audit.csv").await, 403);
}
