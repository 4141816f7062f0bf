//! The request forms over real HTTP: checking without storing, drafts,
//! submission into the PR6 case, return with observations, documents.

use crate::common::TestApp;
use serde_json::{json, Value};

/// An Anexo 2 as an entity fills it in.
pub fn anexo2() -> Value {
    json!({
        "email": "sistemas@demo.gob.bo",
        "application_type": "web",
        "redirect_uri": "https://tramites.demo.gob.bo/callback",
        "post_logout_redirect_uri": "https://tramites.demo.gob.bo/",
        "client_name": "Sistema de trámites",
        "refresh_token": false,
        "contacts": ["ana@demo.gob.bo"],
        "scopes": ["openid", "profile", "email"]
    })
}

fn fields(body: &Value, key: &str) -> Vec<String> {
    body[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect()
}

async fn send(request: reqwest::RequestBuilder) -> (u16, Value) {
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn validation_needs_no_login_and_stores_nothing() {
    let app = TestApp::spawn().await;
    let url = app.url("/api/v1/forms/anexo-2/validate");
    let (status, body) = send(app.client.post(&url).json(&anexo2())).await;
    assert_eq!(status, 200);
    assert_eq!(body, json!({ "valid": true, "errors": [], "warnings": [] }));

    let mut wrong = anexo2();
    wrong["redirect_uri"] = json!("javascript:alert(1)");
    wrong["refresh_token"] = json!(true);
    wrong["contacts"] = json!(["ana@gmail.com"]);
    let (status, body) = send(app.client.post(&url).json(&wrong)).await;
    assert_eq!(status, 200);
    assert_eq!(body["valid"], false);
    assert_eq!(fields(&body, "errors"), ["redirect_uri", "scopes"]);
    assert_eq!(fields(&body, "warnings"), ["contacts"]);

    let (status, body) = send(
        app.client
            .post(app.url("/api/v1/forms/anexo-3/validate"))
            .json(
                &json!({ "email": "x@y.bo", "admin_ci": "123", "entity_phone": "+591 71234567" }),
            ),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(fields(&body, "errors"), ["admin_ci"]);

    let (status, _) = send(
        app.client
            .post(app.url("/api/v1/forms/anexo-9/validate"))
            .json(&json!({})),
    )
    .await;
    assert_eq!(status, 404);
    let (status, body) = send(app.client.post(&url).json(&json!({ "scopes": "openid" }))).await;
    assert_eq!(status, 422);
    assert!(body["error"].is_string());
    let stored = app.count("SELECT COUNT(*) FROM form_drafts").await;
    assert_eq!(stored, 0);
}

#[tokio::test]
async fn drafts_keep_what_was_typed_and_prefill_the_other_forms() {
    let app = TestApp::with_demo().await;
    let entity = app.login("entidad@demo.local").await;
    let draft_url = app.url("/api/v1/forms/anexo-2/draft");
    let (status, fresh) = send(entity.get(&draft_url)).await;
    assert_eq!(status, 200);
    assert_eq!(fresh["saved_at"], Value::Null);
    assert_eq!(fresh["form"]["email"], "entidad@demo.local");
    assert_eq!(fresh["form"]["scopes"], json!(["openid", "profile"]));

    // Half typed and wrong is still kept.
    let partial = json!({ "email": "sistemas@demo.gob.bo", "redirect_uri": "http://", "contacts": ["ana@demo.gob.bo"] });
    let (status, saved) = send(entity.put(&draft_url).json(&partial)).await;
    assert_eq!(status, 200);
    assert!(saved["saved_at"].as_i64().unwrap() > 0);

    // Another device of the same entity finds it.
    let other_device = app.login("entidad@demo.local").await;
    let (_, back) = send(other_device.get(&draft_url)).await;
    assert_eq!(back["form"]["redirect_uri"], "http://");
    assert_eq!(back["saved_at"], saved["saved_at"]);

    // What was typed once fills the next form.
    let (_, anexo3) = send(other_device.get(app.url("/api/v1/forms/anexo-3/draft"))).await;
    assert_eq!(anexo3["form"]["email"], "sistemas@demo.gob.bo");
    assert_eq!(anexo3["form"]["entity_name"], "Entidad de demostración");
    assert_eq!(anexo3["form"]["entity_code"], "DEMO");

    let staff = app.login("profesional-ait@demo.local").await;
    let (status, _) = send(staff.put(&draft_url).json(&partial)).await;
    assert_eq!(status, 403);
    let (status, _) = send(app.client.get(&draft_url)).await;
    assert_eq!(status, 401);
}

#[tokio::test]
async fn a_submission_joins_the_pr6_case_and_every_version_is_kept() {
    let app = TestApp::with_demo().await;
    let entity = app.login("entidad@demo.local").await;
    let submit_url = app.url("/api/v1/forms/anexo-2/submit");
    let (status, _) = send(entity.post(&submit_url)).await;
    assert_eq!(status, 409, "nothing saved yet");

    let mut form = anexo2();
    let (status, _) = send(
        entity
            .put(app.url("/api/v1/forms/anexo-2/draft"))
            .json(&form),
    )
    .await;
    assert_eq!(status, 200);
    let (status, body) = send(entity.post(&submit_url)).await;
    assert_eq!(status, 409, "no open PR6 case: {body}");
    assert!(body["error"].as_str().unwrap().contains("PR6"));

    let case = app.open_pr6(&entity).await;
    let case_id = case["id"].as_str().unwrap();
    form["client_name"] = json!("  ");
    send(
        entity
            .put(app.url("/api/v1/forms/anexo-2/draft"))
            .json(&form),
    )
    .await;
    let (status, body) = send(entity.post(&submit_url)).await;
    assert_eq!(status, 422, "the server checks again");
    assert_eq!(fields(&body, "fields"), ["client_name"]);

    // Document approval needs authentication first.
    let anexo1 = json!({
        "email": "sistemas@demo.gob.bo",
        "client_id": "demo-tramites",
        "redirect_uri": "https://tramites.demo.gob.bo/aprobado",
        "notification_uri": "https://tramites.demo.gob.bo/api/aprobaciones",
        "notification_token": "q7Hk2-Zp9wLx_Rt4mN8vB1cY6dF3gJ0s"
    });
    send(
        entity
            .put(app.url("/api/v1/forms/anexo-1/draft"))
            .json(&anexo1),
    )
    .await;
    let (status, body) = send(entity.post(app.url("/api/v1/forms/anexo-1/submit"))).await;
    assert_eq!(status, 422);
    assert_eq!(fields(&body, "fields"), ["authentication_integrated"]);

    form["client_name"] = json!("  Sistema de trámites ");
    send(
        entity
            .put(app.url("/api/v1/forms/anexo-2/draft"))
            .json(&form),
    )
    .await;
    let (status, first) = send(entity.post(&submit_url)).await;
    assert_eq!(status, 201);
    let reference = format!("{}-A2v1", case["reference"].as_str().unwrap());
    assert_eq!(first["reference"], reference);
    assert_eq!(first["status"], "submitted");
    assert_eq!(first["case_id"], case_id);
    assert_eq!(
        first["form"]["client_name"], "Sistema de trámites",
        "kept trimmed"
    );

    let (status, sent) = send(entity.post(app.url("/api/v1/forms/anexo-1/submit"))).await;
    assert_eq!(status, 201, "with Anexo 2 sent, Anexo 1 goes");
    // Once sent, the notification token shows only its last characters.
    assert_eq!(sent["form"]["notification_token"], "••••••••••••gJ0s");

    // AGETIC staff see it on the case, in its history too.
    let staff = app.login("profesional-ait@demo.local").await;
    let on_case = app
        .get_json(&staff, &format!("/api/v1/submissions?case_id={case_id}"))
        .await;
    assert_eq!(on_case.as_array().unwrap().len(), 2);
    assert!(!on_case.to_string().contains("q7Hk2-Zp9wLx"), "{on_case}");
    let seen = app
        .get_json(&staff, &format!("/api/v1/cases/{case_id}"))
        .await;
    let events: Vec<&str> = seen["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["event"].as_str())
        .collect();
    assert_eq!(events, ["form-submitted", "form-submitted"]);
    assert_eq!(seen["version"], case["version"].as_i64().unwrap() + 2);

    let id = first["id"].as_str().unwrap();
    let download = staff
        .get(app.url(&format!("/api/v1/submissions/{id}/registration")))
        .send()
        .await
        .unwrap();
    assert_eq!(download.status(), 200);
    assert!(download.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains(&reference));
    let registration: Value = download.json().await.unwrap();
    assert_eq!(registration["application_type"], "web");
    assert_eq!(registration["grant_types"], json!(["authorization_code"]));
    assert_eq!(registration["scope"], "openid profile email");

    // Returned with observations, corrected and sent again: both kept.
    let return_url = app.url(&format!("/api/v1/submissions/{id}/return"));
    let (status, _) = send(
        entity
            .post(&return_url)
            .json(&json!({ "observations": "x" })),
    )
    .await;
    assert_eq!(status, 403);
    let (status, _) = send(
        staff
            .post(&return_url)
            .json(&json!({ "observations": "  " })),
    )
    .await;
    assert_eq!(status, 422);
    let observations = "La URI de logout debe ser la página de inicio del sistema.";
    let (status, returned) = send(
        staff
            .post(&return_url)
            .json(&json!({ "observations": observations })),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(returned["status"], "returned");
    assert_eq!(returned["observations"], observations);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM audit_log WHERE event = 'form_returned' AND actor_email = 'profesional-ait@demo.local'")
            .await,
        1,
        "the return is in the audit log"
    );
    let (status, _) = send(
        staff
            .post(&return_url)
            .json(&json!({ "observations": observations })),
    )
    .await;
    assert_eq!(status, 409);

    form["post_logout_redirect_uri"] = json!("https://tramites.demo.gob.bo/inicio");
    send(
        entity
            .put(app.url("/api/v1/forms/anexo-2/draft"))
            .json(&form),
    )
    .await;
    let (status, second) = send(entity.post(&submit_url)).await;
    assert_eq!(status, 201);
    assert_eq!(second["version"], 2);
    let mine = app.get_json(&entity, "/api/v1/submissions").await;
    let versions: Vec<(i64, &str)> = mine
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["anexo"] == "anexo-2")
        .map(|s| {
            (
                s["version"].as_i64().unwrap(),
                s["status"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(versions, [(2, "submitted"), (1, "returned")]);

    // PR09's statistics read the sent forms: authentication and document
    // approval asked for in this case, nothing enabled yet.
    let jefe = app.login("jefe-ugat@demo.local").await;
    let stats = app.get_json(&jefe, "/api/v1/stats").await;
    let asked: Vec<(&str, &str)> = stats["integrations"]["integrations"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["case_id"] == case_id)
        .map(|i| (i["tool"].as_str().unwrap(), i["stage"].as_str().unwrap()))
        .collect();
    assert_eq!(
        asked,
        [
            ("cd-authentication", "requested"),
            ("cd-approval", "requested")
        ]
    );
    assert_eq!(stats["integrations"]["inconsistencies"], json!([]));

    // Another entity sees none of it.
    let admin = app.login("admin@demo.local").await;
    let (_, other) = send(
        admin
            .post(app.url("/api/v1/entities"))
            .json(&json!({ "name": "Otra entidad", "code": "OTRA" })),
    )
    .await;
    send(admin.post(app.url("/api/v1/users")).json(&json!({
        "email": "otra@otra.gob.bo", "password": "una frase bastante larga", "entity_id": other["id"]
    })))
    .await;
    let stranger = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    send(
        stranger
            .post(app.url("/api/v1/login"))
            .json(&json!({ "email": "otra@otra.gob.bo", "password": "una frase bastante larga" })),
    )
    .await;
    let (status, _) = send(stranger.get(app.url(&format!("/api/v1/submissions/{id}")))).await;
    assert_eq!(status, 404);
    assert_eq!(
        app.get_json(&stranger, "/api/v1/submissions").await,
        json!([])
    );
}
