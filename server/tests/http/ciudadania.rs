//! Sign-in with Ciudadanía Digital against a local stand-in provider: the
//! browser's round trip followed redirect by redirect, as a browser would.

use openidconnect::core::CoreJwsSigningAlgorithm;
use serde_json::{json, Value};

use crate::common::{TestApp, TestDatabase};
use crate::provider::{person, Flaw, MockProvider};
use app::server::settings::Settings;
use server::serving::Limits;

/// The app with the demo accounts, signing in through `provider`.
async fn app_with(provider: &MockProvider) -> TestApp {
    let settings = Settings {
        ciudadania: Some(provider.settings()),
        ..Settings::demo()
    };
    let app = TestApp::configured(TestDatabase::new().await, settings, Limits::default()).await;
    app::server::demo::seed(&app.db)
        .await
        .expect("demo accounts");
    app
}

/// A browser: its own cookies, and redirects left for the test to follow.
fn new_browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .unwrap_or_else(|| panic!("a redirect, got {}", response.status()))
        .to_str()
        .unwrap()
        .to_owned()
}

/// The way out to the provider: the provider's authorization address.
async fn go_to_provider(app: &TestApp, browser: &reqwest::Client) -> String {
    let start = browser
        .get(app.url("/auth/ciudadania"))
        .send()
        .await
        .unwrap();
    assert_eq!(start.status(), 303);
    location(&start)
}

/// The provider's answer: the callback address it sends the browser to.
async fn provider_answer(browser: &reqwest::Client, authorize: &str) -> String {
    let answer = browser.get(authorize).send().await.unwrap();
    assert_eq!(answer.status(), 302, "the provider lets the person in");
    location(&answer)
}

/// The app's last word on the callback: where it sends the browser.
async fn come_back(browser: &reqwest::Client, callback: &str) -> String {
    let back = browser.get(callback).send().await.unwrap();
    assert_eq!(back.status(), 303, "the callback redirects");
    location(&back)
}

/// The whole round trip; returns where the app sends the browser at the end.
async fn sign_in(app: &TestApp, browser: &reqwest::Client) -> String {
    let authorize = go_to_provider(app, browser).await;
    let callback = provider_answer(browser, &authorize).await;
    come_back(browser, &callback).await
}

async fn me(app: &TestApp, browser: &reqwest::Client) -> (u16, Value) {
    let response = browser.get(app.url("/api/v1/me")).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Registers a person by identity card, as an administrator does.
async fn register(app: &TestApp, body: Value) -> Value {
    let admin = app.login("admin@demo.local").await;
    let response = admin
        .post(app.url("/api/v1/users"))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{:?}", response.text().await);
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_registered_person_signs_in_with_their_roles_and_their_first_sign_in_links_them() {
    let provider = MockProvider::start().await;
    let app = app_with(&provider).await;
    register(
        &app,
        json!({ "ci_number": "4789123 LP", "roles": ["jefe-ugat"] }),
    )
    .await;
    // The provider sends the number without the department: the same person.
    provider.sign_in_as(person(
        "sub-ana",
        "4789123",
        "Ana María",
        "Quispe",
        "ana@agetic.gob.bo",
        false,
    ));
    let browser = new_browser();
    let authorize = go_to_provider(&app, &browser).await;
    assert!(authorize.starts_with(&format!("{}/auth?", provider.issuer)));
    let callback = provider_answer(&browser, &authorize).await;
    let request = &provider.authorization_requests()[0];
    assert_eq!(request["code_challenge_method"], "S256");
    assert!(request["scope"].contains("profile") && request["scope"].contains("email"));
    assert_eq!(
        request["redirect_uri"],
        app.url("/auth/ciudadania/callback"),
        "the redirect URI registered in Anexo 2"
    );
    assert_eq!(come_back(&browser, &callback).await, "/bandeja");
    let (status, account) = me(&app, &browser).await;
    assert_eq!(status, 200);
    assert_eq!(
        account["name"], "Ana María Quispe Mamani",
        "the name, not the e-mail"
    );
    assert_eq!(account["roles"], json!(["jefe-ugat"]));
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE subject = 'sub-ana'")
            .await,
        1,
        "the first sign-in links the provider's subject"
    );
    // The link holds: the next sign-in finds the account by its subject.
    let again = new_browser();
    assert_eq!(sign_in(&app, &again).await, "/bandeja");
    assert_eq!(me(&app, &again).await.1["id"], account["id"]);
    // The header of a page names the person.
    let inbox = app.get_text(&again, "/bandeja").await;
    assert!(inbox.contains("Ana María Quispe Mamani"), "{inbox}");
}

#[tokio::test]
async fn ps256_tokens_and_claims_nested_under_profile_are_accepted_and_next_is_kept() {
    let provider = MockProvider::start().await;
    let app = app_with(&provider).await;
    register(
        &app,
        json!({ "ci_number": "5123456-1A", "roles": ["profesional-ait"] }),
    )
    .await;
    provider.sign_with(CoreJwsSigningAlgorithm::RsaSsaPssSha256);
    provider.sign_in_as(person(
        "sub-luis",
        "5123456-1a",
        "Luis",
        "Choque",
        "luis@agetic.gob.bo",
        true,
    ));
    let browser = new_browser();
    let start = browser
        .get(app.url("/auth/ciudadania?next=/expedientes%3Festado%3Dopen"))
        .send()
        .await
        .unwrap();
    let callback = provider_answer(&browser, &location(&start)).await;
    assert_eq!(
        come_back(&browser, &callback).await,
        "/expedientes?estado=open"
    );
    let (status, account) = me(&app, &browser).await;
    assert_eq!(status, 200);
    assert_eq!(account["roles"], json!(["profesional-ait"]));
    assert_eq!(account["ci_number"], "5123456-1A");
}

#[tokio::test]
async fn an_unknown_person_waits_for_an_administrator_and_then_gets_in() {
    let provider = MockProvider::start().await;
    let app = app_with(&provider).await;
    provider.sign_in_as(person(
        "sub-rosa",
        "6234567",
        "Rosa",
        "Flores",
        "rosa@salud.gob.bo",
        false,
    ));
    let browser = new_browser();
    assert_eq!(sign_in(&app, &browser).await, "/ingresar/solicitud");
    assert_eq!(me(&app, &browser).await.0, 401, "no automatic access");
    // The person says where they work.
    let request: Value = browser
        .put(app.url("/api/v1/access-request"))
        .json(
            &json!({ "claimed_entity": "Ministerio de Salud", "note": "Responsable de sistemas" }),
        )
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(request["status"], "pending");
    assert_eq!(request["full_name"], "Rosa Flores Mamani");
    let page = browser
        .get(app.url("/ingresar/solicitud"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("espera a un administrador"));
    // A staff member may not decide; an administrator sees it and accepts.
    let staff = app.login("jefe-ugat@demo.local").await;
    assert_eq!(
        staff
            .get(app.url("/api/v1/access-requests"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let admin = app.login("admin@demo.local").await;
    let pending: Value = admin
        .get(app.url("/api/v1/access-requests"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(pending.as_array().unwrap().len(), 1);
    assert_eq!(pending[0]["ci_number"], "6234567");
    assert_eq!(pending[0]["claimed_entity"], "Ministerio de Salud");
    let id = pending[0]["id"].as_str().unwrap();
    let nothing_chosen = admin
        .post(app.url(&format!("/api/v1/access-requests/{id}/accept")))
        .json(&json!({ "roles": [] }))
        .send()
        .await
        .unwrap();
    assert_eq!(
        nothing_chosen.status(),
        422,
        "roles or an entity are chosen"
    );
    let entity = app.demo_entity_id().await;
    let accepted = admin
        .post(app.url(&format!("/api/v1/access-requests/{id}/accept")))
        .json(&json!({ "entity_id": entity }))
        .send()
        .await
        .unwrap();
    assert_eq!(accepted.status(), 201, "{:?}", accepted.text().await);
    let twice = admin
        .post(app.url(&format!("/api/v1/access-requests/{id}/accept")))
        .json(&json!({ "entity_id": entity }))
        .send()
        .await
        .unwrap();
    assert_eq!(twice.status(), 409, "decided once");
    // The next sign-in lets the person in, as the entity's account.
    let later = new_browser();
    assert_eq!(sign_in(&app, &later).await, "/bandeja");
    let (status, account) = me(&app, &later).await;
    assert_eq!(status, 200);
    assert_eq!(account["entity_id"], json!(entity));
    assert_eq!(account["name"], "Rosa Flores Mamani");
    assert_eq!(account["has_password"], false);
}

#[tokio::test]
async fn a_rejected_person_reads_why_and_stays_out() {
    let provider = MockProvider::start().await;
    let app = app_with(&provider).await;
    provider.sign_in_as(person(
        "sub-eva",
        "7345678",
        "Eva",
        "Mendoza",
        "eva@example.com",
        false,
    ));
    let browser = new_browser();
    assert_eq!(sign_in(&app, &browser).await, "/ingresar/solicitud");
    let admin = app.login("admin@demo.local").await;
    let pending: Value = app.get_json(&admin, "/api/v1/access-requests").await;
    let id = pending[0]["id"].as_str().unwrap();
    let rejected: Value = admin
        .post(app.url(&format!("/api/v1/access-requests/{id}/reject")))
        .json(&json!({ "reason": "No trabaja en una entidad pública." }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(rejected["status"], "rejected");
    let again = new_browser();
    assert_eq!(sign_in(&app, &again).await, "/ingresar/solicitud");
    assert_eq!(me(&app, &again).await.0, 401);
    let mine: Value = app.get_json(&again, "/api/v1/access-request").await;
    assert_eq!(mine["status"], "rejected");
    assert_eq!(mine["decision_note"], "No trabaja en una entidad pública.");
}

/// Signs in with a flawed ID token: refused with the sign-in page's
/// explanation, and no session.
async fn refused_for(flaw: Flaw) {
    let provider = MockProvider::start().await;
    let app = app_with(&provider).await;
    register(&app, json!({ "ci_number": "4789123", "roles": ["dge"] })).await;
    provider.sign_in_as(person(
        "sub-ana",
        "4789123",
        "Ana",
        "Quispe",
        "ana@agetic.gob.bo",
        false,
    ));
    provider.next_token_has(flaw);
    let browser = new_browser();
    assert_eq!(
        sign_in(&app, &browser).await,
        "/ingresar?aviso=respuesta",
        "{flaw:?} is refused"
    );
    assert_eq!(me(&app, &browser).await.0, 401, "{flaw:?} opens no session");
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE subject IS NOT NULL")
            .await,
        0,
        "{flaw:?} links nobody"
    );
    // The same person with a sound token gets in.
    assert_eq!(sign_in(&app, &browser).await, "/bandeja");
}

#[tokio::test]
async fn a_token_for_another_nonce_is_refused() {
    refused_for(Flaw::WrongNonce).await;
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    refused_for(Flaw::Expired).await;
}

#[tokio::test]
async fn a_token_issued_long_ago_is_refused() {
    refused_for(Flaw::IssuedLongAgo).await;
}

#[tokio::test]
async fn a_token_for_another_audience_is_refused() {
    refused_for(Flaw::WrongAudience).await;
}

#[tokio::test]
async fn a_token_from_another_issuer_is_refused() {
    refused_for(Flaw::WrongIssuer).await;
}

#[tokio::test]
async fn an_unsigned_token_is_refused() {
    refused_for(Flaw::Unsigned).await;
}

#[tokio::test]
async fn a_token_signed_by_another_key_is_refused() {
    refused_for(Flaw::ForeignKey).await;
}

#[tokio::test]
async fn a_state_is_good_once_in_the_browser_that_started_it() {
    let provider = MockProvider::start().await;
    let app = app_with(&provider).await;
    register(&app, json!({ "ci_number": "4789123", "roles": ["dge"] })).await;
    provider.sign_in_as(person(
        "sub-ana",
        "4789123",
        "Ana",
        "Quispe",
        "ana@agetic.gob.bo",
        false,
    ));
    let browser = new_browser();
    let authorize = go_to_provider(&app, &browser).await;
    let callback = provider_answer(&browser, &authorize).await;
    // Another browser brings the answer: refused, and the attempt is used up.
    let stranger = new_browser();
    assert_eq!(
        come_back(&stranger, &callback).await,
        "/ingresar?aviso=vencido"
    );
    assert_eq!(me(&app, &stranger).await.0, 401);
    assert_eq!(
        come_back(&browser, &callback).await,
        "/ingresar?aviso=vencido"
    );
    // A state the app never sent.
    let forged = callback.replace("state=", "state=x");
    assert_eq!(
        come_back(&browser, &forged).await,
        "/ingresar?aviso=vencido"
    );
    // A sound round trip, then its answer replayed.
    let authorize = go_to_provider(&app, &browser).await;
    let callback = provider_answer(&browser, &authorize).await;
    assert_eq!(come_back(&browser, &callback).await, "/bandeja");
    let replayer = new_browser();
    let _ = go_to_provider(&app, &replayer).await;
    assert_eq!(
        come_back(&replayer, &callback).await,
        "/ingresar?aviso=vencido"
    );
    assert_eq!(me(&app, &replayer).await.0, 401);
    // A used code with a fresh state of the same browser: the provider
    // refuses the code, and the app opens nothing.
    let code = callback
        .split("code=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let fresh = go_to_provider(&app, &replayer).await;
    let state = fresh
        .split("state=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let replayed = app.url(&format!(
        "/auth/ciudadania/callback?code={code}&state={state}"
    ));
    assert_eq!(
        come_back(&replayer, &replayed).await,
        "/ingresar?aviso=vencido"
    );
    assert_eq!(me(&app, &replayer).await.0, 401);
    // A cancelled sign-in is explained as such.
    let canceller = new_browser();
    let fresh = go_to_provider(&app, &canceller).await;
    let state = fresh
        .split("state=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap();
    let cancelled = app.url(&format!(
        "/auth/ciudadania/callback?error=access_denied&state={state}"
    ));
    assert_eq!(
        come_back(&canceller, &cancelled).await,
        "/ingresar?aviso=cancelado"
    );
}

#[tokio::test]
async fn a_provider_that_is_down_gets_an_explanation_not_an_error() {
    let provider = MockProvider::start().await;
    let app = app_with(&provider).await;
    register(&app, json!({ "ci_number": "4789123", "roles": ["dge"] })).await;
    provider.sign_in_as(person(
        "sub-ana",
        "4789123",
        "Ana",
        "Quispe",
        "ana@agetic.gob.bo",
        false,
    ));
    provider.set_down(true);
    let browser = new_browser();
    let start = browser
        .get(app.url("/auth/ciudadania"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&start), "/ingresar?aviso=proveedor");
    let page = browser
        .get(app.url("/ingresar?aviso=proveedor"))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("Ciudadanía Digital no responde en este momento"));
    // It goes down between the way out and the way back.
    provider.set_down(false);
    let authorize = go_to_provider(&app, &browser).await;
    let callback = provider_answer(&browser, &authorize).await;
    provider.set_down(true);
    assert_eq!(
        come_back(&browser, &callback).await,
        "/ingresar?aviso=proveedor"
    );
    assert_eq!(me(&app, &browser).await.0, 401);
    // A provider that is not there at all.
    let nowhere = Settings {
        ciudadania: Some(app::server::settings::ProviderSettings {
            issuer: "http://127.0.0.1:9".into(),
            client_id: "x".into(),
            client_secret: "y".into(),
        }),
        ..Settings::demo()
    };
    let lonely = TestApp::configured(TestDatabase::new().await, nowhere, Limits::default()).await;
    let start = browser
        .get(lonely.url("/auth/ciudadania"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&start), "/ingresar?aviso=proveedor");
}

#[tokio::test]
async fn signing_out_ends_the_providers_session_too() {
    let provider = MockProvider::start().await;
    let app = app_with(&provider).await;
    register(&app, json!({ "ci_number": "4789123", "roles": ["dge"] })).await;
    provider.sign_in_as(person(
        "sub-ana",
        "4789123",
        "Ana",
        "Quispe",
        "ana@agetic.gob.bo",
        false,
    ));
    let browser = new_browser();
    assert_eq!(sign_in(&app, &browser).await, "/bandeja");
    let out = browser
        .post(app.url("/api/v1/logout"))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 200);
    let body: Value = out.json().await.unwrap();
    let end = body["end_session_url"].as_str().unwrap();
    assert!(end.starts_with(&format!("{}/session/end?", provider.issuer)));
    assert_eq!(me(&app, &browser).await.0, 401, "the local session ended");
    let back = browser.get(end).send().await.unwrap();
    assert_eq!(location(&back), app.url("/ingresar"));
    let logouts = provider.logouts();
    assert_eq!(logouts.len(), 1);
    assert_eq!(logouts[0]["id_token_hint"], provider.issued_tokens()[0]);
    assert_eq!(logouts[0]["post_logout_redirect_uri"], app.url("/ingresar"));
    // A password session has no provider session to end.
    let admin = app.login("admin@demo.local").await;
    let out = admin.post(app.url("/api/v1/logout")).send().await.unwrap();
    assert_eq!(out.status(), 204);
}

#[tokio::test]
async fn without_a_provider_nothing_changes_and_with_one_passwords_can_be_limited() {
    // No provider configured: no button, the old way in.
    let plain = TestApp::with_demo().await;
    let page = plain.get("/ingresar").await.text().await.unwrap();
    assert!(!page.contains("Ingresar con Ciudadanía Digital"));
    let start = new_browser()
        .get(plain.url("/auth/ciudadania"))
        .send()
        .await
        .unwrap();
    assert_eq!(location(&start), "/ingresar");
    // Administrators only: the break-glass way in.
    let provider = MockProvider::start().await;
    let settings = Settings {
        ciudadania: Some(provider.settings()),
        passwords: app::server::settings::PasswordSignIn::Admins,
        ..Settings::demo()
    };
    let app = TestApp::configured(TestDatabase::new().await, settings, Limits::default()).await;
    app::server::demo::seed(&app.db).await.unwrap();
    let page = app.get("/ingresar").await.text().await.unwrap();
    assert!(page.contains("Ingresar con Ciudadanía Digital"));
    assert!(page.contains("Acceso de administradores con contraseña"));
    let (_, admin) = crate::common::sign_in_at(&app.base, "admin@demo.local", "demo").await;
    assert_eq!(admin, 200);
    let (_, staff) = crate::common::sign_in_at(&app.base, "jefe-ugat@demo.local", "demo").await;
    assert_eq!(staff, 403);
}

#[tokio::test]
async fn accounts_registered_by_identity_card_are_checked() {
    let provider = MockProvider::start().await;
    let app = app_with(&provider).await;
    let admin = app.login("admin@demo.local").await;
    let create = |body: Value| {
        let admin = admin.clone();
        let url = app.url("/api/v1/users");
        async move { admin.post(url).json(&body).send().await.unwrap() }
    };
    let nothing = create(json!({ "roles": ["dge"] })).await;
    assert_eq!(nothing.status(), 422);
    let odd = create(json!({ "ci_number": "12-34", "roles": ["dge"] })).await;
    assert_eq!(odd.status(), 422);
    let errors: Value = odd.json().await.unwrap();
    assert_eq!(errors["fields"][0]["field"], "ci_number");
    let password_alone = create(
        json!({ "ci_number": "4789123", "password": "una frase bastante larga", "roles": ["dge"] }),
    )
    .await;
    assert_eq!(password_alone.status(), 422, "a password needs an e-mail");
    let made = create(json!({ "ci_number": "4789123 lp", "roles": ["dge"] })).await;
    assert_eq!(made.status(), 201);
    let made: Value = made.json().await.unwrap();
    assert_eq!(
        made["ci_number"], "4789123",
        "kept as the provider sends it"
    );
    assert_eq!(made["name"], "CI 4789123");
    let twice = create(json!({ "ci_number": "4789123 CB", "roles": ["uit"] })).await;
    assert_eq!(twice.status(), 409);
    // Such an account has no password to change or reset.
    let accounts: Value = app.get_json(&admin, "/api/v1/users").await;
    let id = accounts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["ci_number"] == "4789123")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let reset = admin
        .put(app.url(&format!("/api/v1/users/{id}/password")))
        .json(&json!({ "password": "otra frase bastante larga" }))
        .send()
        .await
        .unwrap();
    assert_eq!(reset.status(), 409);
}

#[tokio::test]
async fn a_disabled_account_is_neither_linked_nor_let_in() {
    let provider = MockProvider::start().await;
    let app = app_with(&provider).await;
    let account = register(&app, json!({ "ci_number": "4789123", "roles": ["dge"] })).await;
    let admin = app.login("admin@demo.local").await;
    let id = account["id"].as_str().unwrap();
    let disabled = admin
        .put(app.url(&format!("/api/v1/users/{id}/status")))
        .json(&json!({ "disabled": true }))
        .send()
        .await
        .unwrap();
    assert_eq!(disabled.status(), 200);
    provider.sign_in_as(person(
        "sub-ana",
        "4789123",
        "Ana",
        "Quispe",
        "ana@agetic.gob.bo",
        false,
    ));
    let browser = new_browser();
    assert_eq!(
        sign_in(&app, &browser).await,
        "/ingresar?aviso=deshabilitada"
    );
    assert_eq!(me(&app, &browser).await.0, 401);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM users WHERE subject IS NOT NULL")
            .await,
        0
    );
}
