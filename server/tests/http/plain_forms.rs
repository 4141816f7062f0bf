//! The API's forms posted as plain HTML, as a browser sends them before the
//! wasm arrives or without it: read by the wasm's rules, answered with the
//! next page or a page that says what is wrong.

use crate::common::TestApp;
use serde_json::Value;

const FORM: &str = "application/x-www-form-urlencoded";

async fn mail_preference(app: &TestApp, client: &reqwest::Client) -> String {
    let now: Value = client
        .get(app.url("/api/v1/notification-preferences"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    now["mail"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn a_plain_form_is_saved_and_the_browser_goes_to_the_next_page() {
    let app = TestApp::with_demo().await;
    let dge = app.login("dge@demo.local").await;
    let sent = dge
        .post(app.url("/api/v1/notification-preferences"))
        .header("content-type", FORM)
        .body("_done=%2Favisos%3Fhecho%3Dpreferencias&_method=PUT&mail=daily")
        .send()
        .await
        .unwrap();
    assert_eq!(sent.status(), 200, "the 303 is followed to the page");
    assert_eq!(sent.url().path(), "/avisos");
    assert_eq!(sent.url().query(), Some("hecho=preferencias"));
    assert_eq!(mail_preference(&app, &dge).await, "daily");

    // Only a path of this site is followed.
    let elsewhere = dge
        .post(app.url("/api/v1/notification-preferences"))
        .header("content-type", FORM)
        .body("_done=https%3A%2F%2Fexample.com%2F&_method=PUT&mail=none")
        .send()
        .await
        .unwrap();
    assert_eq!(elsewhere.url().host_str(), Some("127.0.0.1"));
    assert_eq!(elsewhere.url().path(), "/bandeja");
    assert_eq!(mail_preference(&app, &dge).await, "none");
}

#[tokio::test]
async fn a_refused_plain_form_gets_a_page_in_spanish_and_changes_nothing() {
    let app = TestApp::with_demo().await;
    let dge = app.login("dge@demo.local").await;
    let refused = dge
        .post(app.url("/api/v1/notification-preferences"))
        .header("content-type", FORM)
        .header("referer", app.url("/avisos"))
        .body("_done=%2Favisos&_method=PUT&mail=weekly")
        .send()
        .await
        .unwrap();
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
    let refused = stranger
        .post(app.url("/api/v1/notification-preferences"))
        .header("content-type", FORM)
        .body("_done=%2Favisos&_method=PUT&mail=none")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 401);
    assert!(refused
        .text()
        .await
        .unwrap()
        .contains(r#"href="/ingresar""#));
}
