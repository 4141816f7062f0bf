//! The API's forms posted as plain HTML, as a browser sends them before the
//! wasm arrives or without it: read by the wasm's rules, answered with the
//! next page or a page that says what is wrong.

use reqwest::multipart::Form;

use crate::common::TestApp;
use crate::files::{ids, part, pdf, upload};

const FORM: &str = "application/x-www-form-urlencoded";

async fn mail_preference(app: &TestApp, client: &reqwest::Client) -> String {
    let now = app
        .get_json(client, "/api/v1/notification-preferences")
        .await;
    now["mail"].as_str().unwrap().to_owned()
}

/// The preferences' form as a browser posts it without the wasm.
async fn post_preferences(
    app: &TestApp,
    client: &reqwest::Client,
    body: &str,
) -> reqwest::Response {
    client
        .post(app.url("/api/v1/notification-preferences"))
        .header("content-type", FORM)
        .header("referer", app.url("/avisos"))
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn a_plain_form_is_saved_and_the_browser_goes_to_the_next_page() {
    let app = TestApp::with_demo().await;
    let dge = app.login("dge@demo.local").await;
    let sent = post_preferences(
        &app,
        &dge,
        "_done=%2Favisos%3Fhecho%3Dpreferencias&_method=PUT&mail=daily",
    )
    .await;
    assert_eq!(sent.status(), 200, "the 303 is followed to the page");
    assert_eq!(sent.url().path(), "/avisos");
    assert_eq!(sent.url().query(), Some("hecho=preferencias"));
    assert_eq!(mail_preference(&app, &dge).await, "daily");

    // Only a path of this site is followed.
    let elsewhere = post_preferences(
        &app,
        &dge,
        "_done=https%3A%2F%2Fexample.com%2F&_method=PUT&mail=none",
    )
    .await;
    assert_eq!(elsewhere.url().host_str(), Some("127.0.0.1"));
    assert_eq!(elsewhere.url().path(), "/bandeja");
    assert_eq!(mail_preference(&app, &dge).await, "none");
}

#[tokio::test]
async fn a_refused_plain_form_gets_a_page_in_spanish_and_changes_nothing() {
    let app = TestApp::with_demo().await;
    let dge = app.login("dge@demo.local").await;
    let refused = post_preferences(&app, &dge, "_done=%2Favisos&_method=PUT&mail=weekly").await;
    assert_eq!(refused.status(), 422);
    assert!(refused.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let page = refused.text().await.unwrap();
    assert!(page.contains("No se pudo guardar"), "{page}");
    assert!(page.contains("Revise los datos enviados."), "{page}");
    assert!(
        page.contains(r#"href="/avisos""#),
        "back to the form: {page}"
    );
    assert_eq!(mail_preference(&app, &dge).await, "each");

    // Without a session the page leads to the sign-in.
    let stranger = reqwest::Client::new();
    let refused = post_preferences(&app, &stranger, "_done=%2Favisos&_method=PUT&mail=none").await;
    assert_eq!(refused.status(), 401);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains(r#"href="/ingresar""#));
}

/// The address a page's form posts to, as a browser reads it.
fn form_action(page: &str, class: &str) -> String {
    let form = page
        .split("<form")
        .find(|tag| tag.split('>').next().unwrap_or("").contains(class))
        .expect("the form is on the page");
    let after = form
        .split("action=\"")
        .nth(1)
        .expect("the form has an action");
    after.split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn a_completion_posted_as_plain_html_returns_to_the_case_page() {
    let app = TestApp::with_demo().await;
    let entity = app.login("entidad@demo.local").await;
    let case = app.open_pr6(&entity).await;
    let id = case["id"].as_str().unwrap();
    let here = app.url(&format!("/expedientes/{id}"));
    let page = app.get_text(&entity, &format!("/expedientes/{id}")).await;
    let action = app.url(&form_action(&page, "complete-form"));
    // From the page the browser is on.
    let post = |body: String, from: &str| {
        entity
            .post(&action)
            .header("content-type", FORM)
            .header("accept", "text/html")
            .header("referer", from)
            .body(body)
    };

    // Without the output's reference: back to the page, which says why.
    let refused = post(
        format!("id={id}&number=1&version=1&choice=correo-electronico&output_reference=&comment="),
        &here,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(refused.status(), 200, "the 303 is followed");
    assert_eq!(refused.url().path(), format!("/expedientes/{id}"));
    let refused_at = refused.url().to_string();
    let page = refused.text().await.unwrap();
    assert!(page.contains("data-plain-post-problem"), "{page}");
    assert!(page.contains("Indique la referencia de la salida"));
    let now = app.get_json(&entity, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(now["version"], 1, "nothing changed");

    // Sent again from the page that showed the refusal, which leaves the
    // address.
    let done = post(
        format!(
            "id={id}&number=1&version=1&choice=correo-electronico&output_reference=CE-42&comment="
        ),
        &refused_at,
    )
    .send()
    .await
    .unwrap();
    assert_eq!(done.url().as_str(), here, "the case page's own address");
    assert!(!done
        .text()
        .await
        .unwrap()
        .contains("data-plain-post-problem"));
    let now = app.get_json(&entity, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(now["version"], 2);
    let active: Vec<i64> = now["active"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["number"].as_i64().unwrap())
        .collect();
    assert_eq!(active, [5], "the e-mail branch goes to activity 5");
    let history = now["history"].as_array().unwrap();
    assert!(
        history.iter().all(|entry| entry["comment"] != ""),
        "an empty comment is none: {history:?}"
    );
}

/// A form posted as plain HTML from the page at `from`, as a browser does
/// without the wasm.
async fn post_from_page(
    client: &reqwest::Client,
    action: &str,
    from: &str,
    body: String,
) -> reqwest::Response {
    client
        .post(action)
        .header("content-type", FORM)
        .header("accept", "text/html")
        .header("referer", from)
        .body(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_case_pages_other_forms_post_as_plain_html_and_as_its_script_sends_them() {
    let app = TestApp::with_demo().await;
    let entity = app.login("entidad@demo.local").await;
    let case = app.open_pr6(&entity).await;
    let id = case["id"].as_str().unwrap();
    let done = entity
        .post(app.url(&format!("/api/v1/cases/{id}/activities/1/complete")))
        .json(&serde_json::json!({ "output_reference": "CE-1", "choice": "correo-electronico", "version": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    let here = app.url(&format!("/expedientes/{id}"));
    let page = app.get_text(&entity, &format!("/expedientes/{id}")).await;
    let attach = app.url(&form_action(&page, "correction-form"));
    // Lists of staff to derive to are drawn only for who may use them: the
    // heads, not the entity.
    assert!(!page.contains("name=\"user_id\""), "{page}");
    let jefe = app.login("jefe-ugat@demo.local").await;
    let head_page = app.get_text(&jefe, &format!("/expedientes/{id}")).await;
    let derive_list = head_page
        .split("name=\"user_id\"")
        .nth(1)
        .and_then(|rest| rest.split("</select>").next())
        .expect("the head may derive activity 5");
    assert!(
        derive_list.contains("profesional-ait@demo.local"),
        "{derive_list}"
    );

    // A correction without a file, posted as plain HTML: back to the page,
    // which says why, and nothing changed.
    let refused = post_from_page(
        &entity,
        &attach,
        &here,
        format!("id={id}&activity=1&comment="),
    )
    .await;
    assert_eq!(refused.url().path(), format!("/expedientes/{id}"));
    let refused = refused.text().await.unwrap();
    assert!(refused.contains("data-plain-post-problem"), "{refused}");
    assert!(refused.contains("Elija al menos un archivo para adjuntar."));
    let now = app.get_json(&entity, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(now["version"], 2, "nothing changed");

    // As the page's script sends it: the uploads as `files[i]`, answered
    // rather than sent back.
    let note = Form::new().part("file", part("Nota firmada.pdf", pdf(), "application/pdf"));
    let (status, uploaded) = upload(&app.base, &entity, id, note).await;
    assert_eq!(status, 201, "{uploaded}");
    let [file] = &ids(&uploaded)[..] else {
        panic!("one file uploaded: {uploaded}");
    };
    let attached = entity
        .post(&attach)
        .header("content-type", FORM)
        .body(format!(
            "id={id}&activity=1&comment=Faltaba+la+firma&files%5B0%5D={file}"
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(attached.status(), 200, "{}", attached.text().await.unwrap());
    let now = app.get_json(&entity, &format!("/api/v1/cases/{id}")).await;
    assert_eq!(now["version"], 3);
    let last = now["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["comment"], "Faltaba la firma");
    assert_eq!(last["files"][0]["name"], "Nota firmada.pdf");

    // The AIT's professional takes activity 5 from the page, as plain HTML.
    let profesional = app.login("profesional-ait@demo.local").await;
    let page = app
        .get_text(&profesional, &format!("/expedientes/{id}"))
        .await;
    let derive = app.url(&form_action(&page, "derive-button"));
    let taken = post_from_page(
        &profesional,
        &derive,
        &here,
        format!("id={id}&number=5&version=3&action=take"),
    )
    .await;
    assert_eq!(taken.url().as_str(), here);
    let now = app
        .get_json(&profesional, &format!("/api/v1/cases/{id}"))
        .await;
    assert_eq!(
        now["active"][0]["assignee"]["name"],
        "profesional-ait@demo.local"
    );
}
