//! The API's forms posted as plain HTML, as a browser sends them before the
//! wasm arrives or without it: read by the wasm's rules, answered with the
//! next page or a page that says what is wrong.

use crate::common::TestApp;

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
