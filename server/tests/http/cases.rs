//! The cases API over real HTTP, each test on a fresh database.

use std::collections::HashMap;

use crate::common::TestApp;
use app::domain::procedures;
use serde_json::{json, Value};

/// Signed-in clients by role slug, created on first use.
struct Desk<'a> {
    app: &'a TestApp,
    clients: HashMap<String, reqwest::Client>,
    /// Confirms completing an activity that receives the request forms
    /// with none received.
    without_forms: bool,
}

impl<'a> Desk<'a> {
    fn new(app: &'a TestApp) -> Desk<'a> {
        Desk {
            app,
            clients: HashMap::new(),
            without_forms: false,
        }
    }

    async fn as_role(&mut self, slug: &str) -> reqwest::Client {
        if !self.clients.contains_key(slug) {
            let client = self.app.login(&format!("{slug}@demo.local")).await;
            self.clients.insert(slug.to_owned(), client);
        }
        self.clients[slug].clone()
    }

    async fn open(&mut self, procedure: &str) -> Value {
        let entity = self.app.demo_entity_id().await;
        let client = self.as_role("jefe-ugat").await;
        let response = client
            .post(self.app.url("/api/v1/cases"))
            .json(
                &json!({ "procedure": procedure, "entity_id": entity, "title": "Caso de prueba" }),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        response.json().await.unwrap()
    }

    /// Completes `number` as the first role the manual gives it.
    async fn complete(
        &mut self,
        case: &Value,
        number: u16,
        choice: Option<&str>,
    ) -> reqwest::Response {
        let procedure = procedures::find(case["procedure"].as_str().unwrap()).unwrap();
        let slug = procedure.activity(number).unwrap().roles[0].slug();
        let client = self.as_role(slug).await;
        let id = case["id"].as_str().unwrap();
        let current: Value = self
            .app
            .get_json(&client, &format!("/api/v1/cases/{id}"))
            .await;
        client
            .post(
                self.app
                    .url(&format!("/api/v1/cases/{id}/activities/{number}/complete")),
            )
            .json(&json!({
                "choice": choice,
                "output_reference": format!("NI-{number}"),
                "version": current["version"],
                "without_forms": self.without_forms,
            }))
            .send()
            .await
            .unwrap()
    }

    async fn walk(&mut self, case: &Value, steps: &[(u16, Option<&str>)]) -> Value {
        let mut last = Value::Null;
        for &(number, choice) in steps {
            let response = self.complete(case, number, choice).await;
            let status = response.status();
            last = response.json().await.unwrap();
            assert_eq!(status, 200, "activity {number}: {last}");
        }
        last
    }
}

fn seq(from: u16, to: u16) -> Vec<(u16, Option<&'static str>)> {
    (from..=to).map(|n| (n, None)).collect()
}

fn active(case: &Value) -> Vec<u64> {
    case["active"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["number"].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn login_me_and_logout() {
    let app = TestApp::with_demo().await;
    assert_eq!(app.get("/api/v1/me").await.status(), 401);
    let wrong = app
        .client
        .post(app.url("/api/v1/login"))
        .json(&json!({ "email": "dge@demo.local", "password": "nope" }))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);
    let body: Value = wrong.json().await.unwrap();
    assert_eq!(body["error"], "Correo o contraseña incorrectos.");

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let response = client
        .post(app.url("/api/v1/login"))
        .json(&json!({ "email": "DGE@demo.local", "password": "demo" }))
        .send()
        .await
        .unwrap();
    let cookie = response.headers()["set-cookie"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"));
    let me: Value = app.get_json(&client, "/api/v1/me").await;
    assert!(me["id"].is_string());
    assert_eq!(
        me,
        json!({
            "id": me["id"],
            "email": "dge@demo.local",
            "name": "dge@demo.local",
            "ci_number": null,
            "roles": ["dge"],
            "entity_id": null,
            "is_admin": false,
            "has_password": true,
            "must_change_password": false,
        })
    );

    let entity = app.login("entidad@demo.local").await;
    let me: Value = app.get_json(&entity, "/api/v1/me").await;
    assert_eq!(me["roles"], json!(["entidad"]));
    assert_eq!(me["entity_id"], json!(app.demo_entity_id().await));

    let out = client.post(app.url("/api/v1/logout")).send().await.unwrap();
    assert_eq!(out.status(), 204);
    assert_eq!(
        client
            .get(app.url("/api/v1/me"))
            .send()
            .await
            .unwrap()
            .status(),
        401
    );
}

#[tokio::test]
async fn admins_create_entities_and_users() {
    let app = TestApp::with_demo().await;
    let admin = app.login("admin@demo.local").await;
    let created = admin
        .post(app.url("/api/v1/entities"))
        .json(&json!({ "name": "Ministerio de Pruebas", "code": "mp" }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let entity: Value = created.json().await.unwrap();
    assert_eq!(entity["code"], "MP");
    let again = admin
        .post(app.url("/api/v1/entities"))
        .json(&json!({ "name": "Otro", "code": "MP" }))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409);

    let user = admin
        .post(app.url("/api/v1/users"))
        .json(&json!({ "email": "ana@mp.gob.bo", "password": "una clave larga", "entity_id": entity["id"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(user.status(), 201);
    let invalid = admin
        .post(app.url("/api/v1/users"))
        .json(&json!({ "email": "sin-arroba", "password": "corta", "roles": ["director"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), 422);
    let body: Value = invalid.json().await.unwrap();
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["email", "password", "roles"]);

    let staff = app.login("jefe-ugat@demo.local").await;
    let refused = staff
        .post(app.url("/api/v1/entities"))
        .json(&json!({ "name": "X", "code": "X" }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
}

/// `PUT /api/v1/users/{id}/access` as `client`.
async fn change_access(
    app: &TestApp,
    client: &reqwest::Client,
    id: &str,
    body: Value,
) -> reqwest::Response {
    client
        .put(app.url(&format!("/api/v1/users/{id}/access")))
        .json(&body)
        .send()
        .await
        .unwrap()
}

fn error_fields(body: &Value) -> Vec<&str> {
    body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn admins_assign_roles_that_rule_the_next_request() {
    let app = TestApp::with_demo().await;
    let admin = app.login("admin@demo.local").await;
    let created = admin
        .post(app.url("/api/v1/users"))
        .json(&json!({ "email": "Luis@AGETIC.gob.bo", "password": "una frase bastante larga", "roles": ["uit"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    let accounts = app.get_json(&admin, "/api/v1/users").await;
    let luis = accounts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["email"] == "luis@agetic.gob.bo")
        .expect("the new account is listed, its e-mail in lower case")
        .clone();
    assert_eq!(luis["roles"], json!(["uit"]));
    let id = luis["id"].as_str().unwrap();

    let session = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let login = session
        .post(app.url("/api/v1/login"))
        .json(&json!({ "email": "luis@agetic.gob.bo", "password": "una frase bastante larga" }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);

    let changed = change_access(&app, &admin, id, json!({ "roles": ["uit", "upat"] })).await;
    assert_eq!(changed.status(), 200);
    assert_eq!(
        changed.json::<Value>().await.unwrap()["roles"],
        json!(["upat", "uit"])
    );
    // A change of access ends the person's sessions: the next sign-in
    // holds the new roles.
    let me = session.get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(me.status(), 401);
    let login = session
        .post(app.url("/api/v1/login"))
        .json(&json!({ "email": "luis@agetic.gob.bo", "password": "una frase bastante larga" }))
        .send()
        .await
        .unwrap();
    assert_eq!(login.status(), 200);
    let me = app.get_json(&session, "/api/v1/me").await;
    assert_eq!(me["roles"], json!(["upat", "uit"]));
    let changed = app
        .get_json(&admin, "/api/v1/audit?event=access_changed")
        .await;
    assert_eq!(changed[0]["subject"], "luis@agetic.gob.bo");
    assert_eq!(changed[0]["detail"]["antes"]["roles"], json!(["uit"]));
    // As the administrator sent them.
    assert_eq!(
        changed[0]["detail"]["despues"]["roles"],
        json!(["uit", "upat"])
    );

    let unknown_role = change_access(&app, &admin, id, json!({ "roles": ["director"] })).await;
    assert_eq!(unknown_role.status(), 422);
    assert_eq!(error_fields(&unknown_role.json().await.unwrap()), ["roles"]);
    let entity_account = accounts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["email"] == "entidad@demo.local")
        .unwrap();
    let staff_role_to_entity = change_access(
        &app,
        &admin,
        entity_account["id"].as_str().unwrap(),
        json!({ "roles": ["dge"] }),
    )
    .await;
    assert_eq!(staff_role_to_entity.status(), 422);
    let admin_id = accounts
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["email"] == "admin@demo.local")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let self_demotion = change_access(&app, &admin, &admin_id, json!({ "roles": [] })).await;
    assert_eq!(self_demotion.status(), 422);
    assert_eq!(
        error_fields(&self_demotion.json().await.unwrap()),
        ["is_admin"]
    );
    assert_eq!(
        change_access(&app, &admin, "no-such-user", json!({ "roles": [] }))
            .await
            .status(),
        404
    );
    // Refusals changed nothing.
    assert_eq!(
        app.get_json(&session, "/api/v1/me").await["roles"],
        json!(["upat", "uit"])
    );

    let staff = app.login("jefe-ugat@demo.local").await;
    assert_eq!(
        change_access(&app, &staff, id, json!({ "roles": ["dge"] }))
            .await
            .status(),
        403
    );
    let listing = staff.get(app.url("/api/v1/users")).send().await.unwrap();
    assert_eq!(listing.status(), 403);
}

#[tokio::test]
async fn my_account_page_offers_to_change_the_password() {
    let app = TestApp::with_demo().await;
    let client = app.login("dge@demo.local").await;
    let page = client.get(app.url("/cuenta")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("dge@demo.local"));
    assert!(html.contains("Cambiar contraseña"));
    assert!(html.contains("name=\"current_password\""));
    let anonymous = app.get("/cuenta").await.text().await.unwrap();
    assert!(anonymous.contains("Inicie sesión para ver su cuenta"));
}

#[tokio::test]
async fn the_admin_page_is_for_admins_only() {
    let app = TestApp::with_demo().await;
    let admin = app.login("admin@demo.local").await;
    let page = admin.get(app.url("/administracion")).send().await.unwrap();
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    assert!(html.contains("Entidad de demostración"));
    assert!(html.contains("jefe-ugat@demo.local"));
    // The audit log, newest first: the administrator's own sign-in.
    assert!(html.contains("Registro de auditoría"));
    assert!(html.contains("data-event=\"sign_in\""));
    let filtered = app
        .get_text(&admin, "/administracion?evento=sign_in_failed")
        .await;
    assert!(!filtered.contains("data-event=\"sign_in\""));
    assert!(filtered.contains("Ningún registro con esos filtros"));
    let staff = app.login("jefe-ugat@demo.local").await;
    let refused = staff.get(app.url("/administracion")).send().await.unwrap();
    assert_eq!(refused.status(), 403);
    assert!(!refused
        .text()
        .await
        .unwrap()
        .contains("jefe-ugat@demo.local</td>"));
    assert_eq!(app.get("/administracion").await.status(), 401);
}

#[tokio::test]
async fn an_empty_choice_is_no_choice_in_the_api_too() {
    let app = TestApp::with_demo().await;
    let mut desk = Desk::new(&app);
    let case = desk.open("PR6").await;
    let first = desk.complete(&case, 1, Some("nota-externa")).await;
    assert_eq!(first.status(), 200);
    // Activities 2 to 4 lead on without a decision: a form's empty choice is
    // no choice.
    for number in 2..=4 {
        let step = desk.complete(&case, number, Some("")).await;
        assert_eq!(step.status(), 200, "activity {number}");
    }
    // Activity 5 decides: an empty choice there is a missing one.
    let missing = desk.complete(&case, 5, Some(" ")).await;
    assert_eq!(missing.status(), 422);
    assert_eq!(error_fields(&missing.json().await.unwrap()), ["choice"]);
}

#[tokio::test]
async fn references_count_per_procedure_and_year() {
    let app = TestApp::with_demo().await;
    let mut desk = Desk::new(&app);
    let year = app::domain::calendar::bolivia_calendar(app::domain::calendar::now_ms())
        .0
        .to_string();
    let first = desk.open("PR6").await;
    let second = desk.open("pr6").await;
    let other = desk.open("PR05").await;
    assert_eq!(first["reference"], format!("PR6-{year}-0001"));
    assert_eq!(second["reference"], format!("PR6-{year}-0002"));
    assert_eq!(other["reference"], format!("PR05-{year}-0001"));
    assert_eq!(first["status"], "open");
    assert_eq!(first["version"], 1);
    assert_eq!(active(&first), [1]);
    assert_eq!(first["history"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn who_may_open_cases() {
    let app = TestApp::with_demo().await;
    let entity_id = app.demo_entity_id().await;
    let open = |client: reqwest::Client, procedure: &'static str| {
        let url = app.url("/api/v1/cases");
        let entity_id = entity_id.clone();
        async move {
            client
                .post(url)
                .json(&json!({ "procedure": procedure, "entity_id": entity_id, "title": "Integración" }))
                .send()
                .await
                .unwrap()
                .status()
        }
    };
    assert_eq!(
        open(app.login("entidad@demo.local").await, "PR6").await,
        201
    );
    assert_eq!(
        open(app.login("entidad@demo.local").await, "PR05").await,
        403
    );
    assert_eq!(open(app.login("dge@demo.local").await, "PR6").await, 403);
    assert_eq!(
        open(app.login("profesional-ait@demo.local").await, "PR7").await,
        201
    );
    assert_eq!(open(app.login("admin@demo.local").await, "PR09").await, 201);
    assert_eq!(open(app.client.clone(), "PR6").await, 401);
}

#[tokio::test]
async fn pr09_both_branches() {
    let app = TestApp::with_demo().await;
    let mut desk = Desk::new(&app);
    let case = desk.open("PR09").await;
    let done = desk
        .walk(
            &case,
            &[(1, None), (2, None), (3, Some("sin-inconsistencias"))],
        )
        .await;
    assert_eq!(done["status"], "closed");
    assert!(done["ending"]
        .as_str()
        .unwrap()
        .contains("no existen inconsistencias"));
    assert_eq!(active(&done), Vec::<u64>::new());

    let case = desk.open("PR09").await;
    let mut steps = vec![(1, None), (2, None), (3, Some("con-inconsistencias"))];
    steps.extend(seq(4, 14));
    let done = desk.walk(&case, &steps).await;
    assert_eq!(done["status"], "closed");
    assert_eq!(done["ending"], "Procedimiento concluido");
    let history = done["history"].as_array().unwrap();
    assert_eq!(history.len(), 15);
    assert_eq!(history[14]["role"], "entidad");
    assert_eq!(history[14]["output"], "Nota externa recibida");
    assert_eq!(history[3]["choice"], "con-inconsistencias");
    assert_eq!(history[3]["output_reference"], "NI-3");
}

#[tokio::test]
async fn pr6_parallel_groups_join_and_the_early_end() {
    let app = TestApp::with_demo().await;
    let mut desk = Desk::new(&app);
    let case = desk.open("PR6").await;
    let state = desk
        .walk(
            &case,
            &[
                (1, Some("correo-electronico")),
                (5, Some("requiere-presentacion")),
                (6, None),
                (7, Some("cumple")),
                (8, None),
            ],
        )
        .await;
    // Activity 9 receives the request forms: with none received, it asks
    // for a confirmation and changes nothing until given.
    let refused = desk.complete(&case, 9, Some("ambas")).await;
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "without_forms", "{body}");
    assert!(body["fields"][0]["message"]
        .as_str()
        .unwrap()
        .contains("Anexos 1 a 3"));
    let id = case["id"].as_str().unwrap();
    let unchanged = app
        .get_json(
            &app.login("jefe-ugat@demo.local").await,
            &format!("/api/v1/cases/{id}"),
        )
        .await;
    assert_eq!(unchanged["version"], state["version"]);
    desk.without_forms = true;
    let state = desk.walk(&case, &[(9, Some("ambas"))]).await;
    assert_eq!(active(&state), [10, 11]);
    // A choice the activity offers is described with where it leads.
    let state = desk.walk(&case, &[(11, None)]).await;
    assert_eq!(state["waiting"], json!([12]));
    let mut steps = vec![(10, None), (12, Some("requiere-certificacion"))];
    steps.extend(seq(13, 19));
    let done = desk.walk(&case, &steps).await;
    assert_eq!(done["status"], "closed");

    let early = desk.open("PR6").await;
    let mut steps = vec![(1, Some("nota-externa"))];
    steps.extend(seq(2, 4));
    steps.extend([
        (5, Some("requiere-presentacion")),
        (6, None),
        (7, Some("no-cumple")),
    ]);
    let done = desk.walk(&early, &steps).await;
    assert_eq!(done["status"], "closed");
    assert!(done["ending"]
        .as_str()
        .unwrap()
        .starts_with("Atención del servicio concluida"));
}

#[tokio::test]
async fn pr05_observation_rounds_are_counted() {
    let app = TestApp::with_demo().await;
    let mut desk = Desk::new(&app);
    let case = desk.open("PR05").await;
    let mut steps = seq(1, 4);
    steps.extend([(7, None), (8, None)]);
    for _ in 0..2 {
        steps.push((9, Some("con-observaciones")));
        steps.extend(seq(10, 12));
    }
    let state = desk.walk(&case, &steps).await;
    assert!(active(&state).contains(&9));
    assert_eq!(
        state["repeated"],
        json!([
            { "activity": 9, "rounds": 3 },
            { "activity": 10, "rounds": 2 },
            { "activity": 11, "rounds": 2 },
            { "activity": 12, "rounds": 2 }
        ])
    );
    let mut rest = vec![
        (9, Some("sin-observaciones")),
        (13, None),
        (14, None),
        (15, None),
        (6, None),
    ];
    rest.extend([(5, None), (16, None), (17, None)]);
    rest.extend(seq(18, 28));
    let done = desk.walk(&case, &rest).await;
    assert_eq!(done["status"], "closed");
    assert_eq!(done["done"].as_array().unwrap().len(), 28);
}

#[tokio::test]
async fn pr7_failed_tests_loop_back_to_deployment() {
    let app = TestApp::with_demo().await;
    let mut desk = Desk::new(&app);
    let case = desk.open("PR7").await;
    let mut steps = seq(1, 4);
    steps.extend([(5, Some("sin-hge")), (6, None), (16, None), (10, None)]);
    steps.extend([
        (11, Some("pruebas-fallidas")),
        (10, None),
        (11, Some("pruebas-exitosas")),
    ]);
    steps.extend(seq(12, 15));
    steps.extend([(17, None), (18, None), (19, None)]);
    steps.extend(seq(20, 27));
    let done = desk.walk(&case, &steps).await;
    assert_eq!(done["status"], "closed");
    assert_eq!(
        done["repeated"],
        json!([{ "activity": 10, "rounds": 2 }, { "activity": 11, "rounds": 2 }])
    );
}

async fn version_of(app: &TestApp, client: &reqwest::Client, id: &str) -> i64 {
    let case: Value = app.get_json(client, &format!("/api/v1/cases/{id}")).await;
    case["version"].as_i64().unwrap()
}

#[tokio::test]
async fn refusals_change_nothing() {
    let app = TestApp::with_demo().await;
    let mut desk = Desk::new(&app);
    let case = desk.open("PR09").await;
    let id = case["id"].as_str().unwrap().to_owned();
    let url = app.url(&format!("/api/v1/cases/{id}/activities/1/complete"));
    let jefe = desk.as_role("jefe-ugat").await;
    let body = json!({ "output_reference": "IT-1", "version": 1 });

    // Wrong role.
    let response = jefe.post(&url).json(&body).send().await.unwrap();
    assert_eq!(response.status(), 403);
    // Activity not current.
    let profesional = desk.as_role("profesional-ait").await;
    let not_current = app.url(&format!("/api/v1/cases/{id}/activities/2/complete"));
    let response = desk
        .as_role("responsable-ait")
        .await
        .post(&not_current)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 409);
    // Stale version.
    let response = profesional
        .post(&url)
        .json(&json!({ "output_reference": "IT-1", "version": 0 }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 409);
    let error: Value = response.json().await.unwrap();
    assert!(error["error"]
        .as_str()
        .unwrap()
        .contains("Recargue la página"));
    // A choice the activity does not offer.
    let response = profesional
        .post(&url)
        .json(&json!({ "output_reference": "IT-1", "version": 1, "choice": "quizas" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    // Missing output reference.
    let response = profesional
        .post(&url)
        .json(&json!({ "output_reference": "  ", "version": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    assert_eq!(version_of(&app, &jefe, &id).await, 1);

    // The right person with the current version goes through, once.
    let response = profesional
        .post(&url)
        .json(&json!({ "output_reference": "IT-1", "version": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let again = profesional
        .post(&url)
        .json(&json!({ "output_reference": "IT-1", "version": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 409);
    assert_eq!(version_of(&app, &jefe, &id).await, 2);
}

#[tokio::test]
async fn an_entity_never_reaches_another_entitys_case() {
    let app = TestApp::with_demo().await;
    let admin = app.login("admin@demo.local").await;
    let other: Value = admin
        .post(app.url("/api/v1/entities"))
        .json(&json!({ "name": "Otra entidad", "code": "OTRA" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let jefe = app.login("jefe-ugat@demo.local").await;
    let case: Value = jefe
        .post(app.url("/api/v1/cases"))
        .json(&json!({ "procedure": "PR6", "entity_id": other["id"], "title": "Ajeno" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = case["id"].as_str().unwrap();
    let entity = app.login("entidad@demo.local").await;
    let seen = entity
        .get(app.url(&format!("/api/v1/cases/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(seen.status(), 404);
    let completed = entity
        .post(app.url(&format!("/api/v1/cases/{id}/activities/1/complete")))
        .json(&json!({ "output_reference": "x", "version": 1, "choice": "nota-externa" }))
        .send()
        .await
        .unwrap();
    assert_eq!(completed.status(), 404);
    let listed: Value = entity
        .get(app.url(&format!(
            "/api/v1/cases?entity_id={}",
            other["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed, json!([]));
    assert_eq!(version_of(&app, &jefe, id).await, 1);

    // The page says the same as the API.
    let page = entity
        .get(app.url(&format!("/expedientes/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 404);
    assert!(page
        .text()
        .await
        .unwrap()
        .contains("No existe el expediente o no le corresponde."));
    let own = jefe
        .get(app.url(&format!("/expedientes/{id}")))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
    assert!(own.text().await.unwrap().contains("data-activity=\"1\""));
    let anonymous = app.get(&format!("/expedientes/{id}")).await;
    assert_eq!(anonymous.status(), 401);
}

#[tokio::test]
async fn malformed_oversized_and_foreign_requests_are_refused() {
    let app = TestApp::with_demo().await;
    let mut desk = Desk::new(&app);
    let case = desk.open("PR09").await;
    let id = case["id"].as_str().unwrap();
    let url = app.url(&format!("/api/v1/cases/{id}/activities/1/complete"));
    let client = desk.as_role("profesional-ait").await;

    let syntax = client
        .post(&url)
        .header("content-type", "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(syntax.status(), 400);
    let body: Value = syntax.json().await.unwrap();
    assert!(body["error"].is_string() && body["fields"].is_array());
    let shape = client
        .post(&url)
        .json(&json!({ "version": "uno" }))
        .send()
        .await
        .unwrap();
    assert_eq!(shape.status(), 422);
    let plain = client.post(&url).body("{}").send().await.unwrap();
    assert_eq!(plain.status(), 415);
    let huge = json!({ "output_reference": "x".repeat(100_000), "version": 1 });
    let oversized = client.post(&url).json(&huge).send().await.unwrap();
    assert_eq!(oversized.status(), 413);

    let foreign = client
        .post(&url)
        .header("origin", "https://sitio-ajeno.example")
        .json(&json!({ "output_reference": "IT-1", "version": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(foreign.status(), 403);
    let cross = client
        .post(&url)
        .header("sec-fetch-site", "cross-site")
        .json(&json!({ "output_reference": "IT-1", "version": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(cross.status(), 403);
    assert_eq!(version_of(&app, &client, id).await, 1);

    let own = client
        .post(&url)
        .header("origin", app.base.clone())
        .json(&json!({ "output_reference": "IT-1", "version": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(own.status(), 200);
}

#[tokio::test]
async fn cases_list_with_filters() {
    let app = TestApp::with_demo().await;
    let mut desk = Desk::new(&app);
    let a = desk.open("PR6").await;
    desk.open("PR09").await;
    let closed = desk.open("PR09").await;
    desk.walk(
        &closed,
        &[(1, None), (2, None), (3, Some("sin-inconsistencias"))],
    )
    .await;
    let client = desk.as_role("dge").await;
    let list = |query: &'static str| {
        let client = client.clone();
        let url = app.url(&format!("/api/v1/cases{query}"));
        async move {
            let body: Value = client.get(url).send().await.unwrap().json().await.unwrap();
            body.as_array().unwrap().len()
        }
    };
    assert_eq!(list("").await, 3);
    assert_eq!(list("?procedure=pr09").await, 2);
    assert_eq!(list("?procedure=PR09&status=open").await, 1);
    assert_eq!(list("?status=closed").await, 1);
    // Waiting for the reader's roles: DGE has nothing current, the
    // professional has the open PR09 case at activity 1.
    assert_eq!(list("?waiting_for_me=true").await, 0);
    let profesional = desk.as_role("profesional-ait").await;
    let mine: Value = app
        .get_json(&profesional, "/api/v1/cases?waiting_for_me=true")
        .await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    assert_eq!(mine[0]["procedure"], "PR09");
    let reference = a["reference"].as_str().unwrap().to_owned();
    let tail = &reference[reference.len() - 9..];
    let found: Value = app
        .get_json(
            &client,
            &format!("/api/v1/cases?reference={}", tail.to_lowercase()),
        )
        .await;
    assert!(found
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["reference"] == reference));
}

#[tokio::test]
async fn history_records_when_each_completed_activity_began() {
    let app = TestApp::with_demo().await;
    let mut desk = Desk::new(&app);
    let case = desk.open("PR6").await;
    assert_eq!(
        desk.complete(&case, 1, Some("nota-externa")).await.status(),
        200
    );
    assert_eq!(desk.complete(&case, 2, None).await.status(), 200);
    let dge = desk.as_role("dge").await;
    let id = case["id"].as_str().unwrap();
    let seen = app.get_json(&dge, &format!("/api/v1/cases/{id}")).await;
    let history = seen["history"].as_array().unwrap();
    assert_eq!(history[0]["started_at"], Value::Null, "the opening");
    // Activity 1 was current from the opening; activity 2 from 1's completion.
    assert_eq!(history[1]["started_at"], history[0]["at"]);
    assert_eq!(history[2]["started_at"], history[1]["at"]);
    assert!(history[2]["at"].as_i64() >= history[2]["started_at"].as_i64());
}

#[tokio::test]
async fn managers_see_the_figures_and_others_do_not() {
    let app = TestApp::with_demo().await;
    let mut desk = Desk::new(&app);
    let first = desk.open("PR6").await;
    desk.open("PR6").await;
    desk.open("PR09").await;
    assert_eq!(
        desk.complete(&first, 1, Some("nota-externa"))
            .await
            .status(),
        200
    );

    let jefe = desk.as_role("jefe-ugat").await;
    let stats = app.get_json(&jefe, "/api/v1/stats").await;
    assert_eq!(
        (stats["open"].as_u64(), stats["closed"].as_u64()),
        (Some(3), Some(0))
    );
    let pr6 = stats["procedures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "PR6")
        .unwrap();
    assert_eq!(pr6["open"], 2);
    // One case still waits at 1, the other moved on to 2; 1 took once.
    assert_eq!(pr6["activities"][0]["waiting"], 1);
    assert_eq!(pr6["activities"][1]["waiting"], 1);
    assert_eq!(pr6["activities"][0]["took"]["count"], 1);
    assert_eq!(stats["months"].as_array().unwrap().len(), 1);

    for slug in ["profesional-ait", "entidad"] {
        let other = desk.as_role(slug).await;
        let refused = other.get(app.url("/api/v1/stats")).send().await.unwrap();
        assert_eq!(refused.status(), 403, "{slug}");
    }
    assert_eq!(app.get("/api/v1/stats").await.status(), 401);
}

#[tokio::test]
async fn admins_set_due_times_that_decide_what_is_overdue() {
    let app = TestApp::with_demo().await;
    let mut desk = Desk::new(&app);
    let case = desk.open("PR6").await;
    let id = case["id"].as_str().unwrap();
    // Activity 1 has waited two hours.
    app.execute(
        "UPDATE case_current SET since = since - 7200000 WHERE case_id = $1",
        &[id],
    )
    .await;
    let jefe = desk.as_role("jefe-ugat").await;
    let overdue = || async {
        app.get_json(&jefe, "/api/v1/cases?procedure=PR6&activity=1&overdue=true")
            .await
            .as_array()
            .unwrap()
            .len()
    };
    assert_eq!(overdue().await, 0, "the entity has ten days by default");

    let admin = app.login("admin@demo.local").await;
    let set = |body: Value| {
        admin
            .put(app.url("/api/v1/due-times/PR6"))
            .json(&body)
            .send()
    };
    assert_eq!(set(json!({ "1": "1" })).await.unwrap().status(), 200);
    assert_eq!(overdue().await, 1);
    let rows = app.get_json(&jefe, "/api/v1/due-times").await;
    let first = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["procedure"] == "PR6" && r["activity"] == 1)
        .unwrap();
    assert_eq!(
        (first["set_hours"].as_i64(), first["default_hours"].as_i64()),
        (Some(1), Some(240))
    );

    for wrong in [
        json!({ "1": 0 }),
        json!({ "99": 5 }),
        json!({ "1": "tres" }),
    ] {
        let refused = set(wrong.clone()).await.unwrap();
        assert_eq!(refused.status(), 422, "{wrong}");
    }
    assert_eq!(overdue().await, 1, "refusals changed nothing");
    assert_eq!(set(json!({ "1": "" })).await.unwrap().status(), 200);
    assert_eq!(overdue().await, 0, "back to the default");
    // Each accepted change is in the audit log with the hours it set.
    assert_eq!(
        app.count(
            "SELECT COUNT(*) FROM audit_log WHERE event = 'due_times_changed' AND subject = 'PR6'"
        )
        .await,
        2
    );
    let refused = jefe
        .put(app.url("/api/v1/due-times/PR6"))
        .json(&json!({ "1": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
}

#[tokio::test]
async fn months_narrow_the_list_as_the_dashboard_counts_them() {
    let app = TestApp::with_demo().await;
    let mut desk = Desk::new(&app);
    desk.open("PR6").await;
    desk.open("PR05").await;
    let jefe = desk.as_role("jefe-ugat").await;
    let stats = app.get_json(&jefe, "/api/v1/stats").await;
    let month = stats["months"][0]["month"].as_str().unwrap().to_owned();
    assert_eq!(stats["months"][0]["opened"], 2);
    let listed = app
        .get_json(&jefe, &format!("/api/v1/cases?opened_in={month}"))
        .await;
    assert_eq!(listed.as_array().unwrap().len(), 2);
    let none = app
        .get_json(&jefe, &format!("/api/v1/cases?closed_in={month}"))
        .await;
    assert_eq!(none, json!([]));
    let wrong = jefe
        .get(app.url("/api/v1/cases?opened_in=noviembre"))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 422);
}

#[tokio::test]
async fn each_procedure_is_opened_by_whoever_its_first_activity_names() {
    let app = TestApp::with_demo().await;
    let entity = app.demo_entity_id().await;
    let open = |email: &'static str, procedure: &'static str| {
        let app = &app;
        let entity = entity.clone();
        async move {
            let client = app.login(email).await;
            let response = client
                .post(app.url("/api/v1/cases"))
                .json(&json!({ "procedure": procedure, "entity_id": entity, "title": "Solicitud" }))
                .send()
                .await
                .unwrap();
            response.status().as_u16()
        }
    };
    // PR05 starts with the ADIT, PR7 with an area or an entity, PR09 with
    // the AIT's professional, PR6 with the entity.
    assert_eq!(open("adit@demo.local", "PR05").await, 201);
    assert_eq!(open("area-sustantiva@demo.local", "PR7").await, 201);
    assert_eq!(open("entidad@demo.local", "PR7").await, 201);
    assert_eq!(open("entidad@demo.local", "PR6").await, 201);
    assert_eq!(open("profesional-ait@demo.local", "PR09").await, 201);
    // Not the others.
    assert_eq!(open("adit@demo.local", "PR7").await, 403);
    assert_eq!(open("area-sustantiva@demo.local", "PR05").await, 403);
    assert_eq!(open("entidad@demo.local", "PR09").await, 403);
    assert_eq!(open("entidad@demo.local", "PR05").await, 403);
    assert_eq!(open("uit@demo.local", "PR09").await, 403);
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, 5);
}

#[tokio::test]
async fn activity_nine_goes_on_without_asking_once_a_form_was_received() {
    let app = TestApp::with_demo().await;
    let entity_id = app.demo_entity_id().await;
    let entity = app.login("entidad@demo.local").await;
    let response = entity
        .post(app.url("/api/v1/cases"))
        .json(&json!({ "procedure": "PR6", "entity_id": entity_id, "title": "Integración" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let case: Value = response.json().await.unwrap();
    let response = entity
        .put(app.url("/api/v1/forms/anexo-2/draft"))
        .json(&crate::forms::anexo2())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let response = entity
        .post(app.url("/api/v1/forms/anexo-2/submit"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let mut desk = Desk::new(&app);
    let state = desk
        .walk(
            &case,
            &[
                (1, Some("correo-electronico")),
                (5, Some("sin-presentacion")),
                (8, None),
                (9, Some("cd-iop")),
            ],
        )
        .await;
    assert_eq!(active(&state), [10]);
}

/// A public entity with an account that signs in; returns both.
async fn entity_with_account(app: &TestApp, name: &str, code: &str) -> (String, reqwest::Client) {
    let id = app.create_entity(name, code).await;
    let email = format!("{}@entidad.gob.bo", code.to_lowercase());
    let admin = app.login("admin@demo.local").await;
    let response = admin
        .post(app.url("/api/v1/users"))
        .json(&json!({ "email": email, "password": "Clave-muy-segura-2026", "entity_id": id }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let (client, status) =
        crate::common::sign_in_at(&app.base, &email, "Clave-muy-segura-2026").await;
    assert_eq!(status, 200);
    (id, client)
}

fn entity_ids_of(case: &Value) -> Vec<&str> {
    case["entities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_str().unwrap())
        .collect()
}

/// Whether `client`'s case list holds case `id`.
async fn lists(app: &TestApp, client: &reqwest::Client, query: &str, id: &str) -> bool {
    let list = app
        .get_json(client, &format!("/api/v1/cases?{query}"))
        .await;
    list.as_array().unwrap().iter().any(|c| c["id"] == id)
}

#[tokio::test]
async fn a_pr09_case_concerns_no_entity_yet_or_several() {
    let app = TestApp::with_demo().await;
    let demo = app.demo_entity_id().await;
    let demo_account = app.login("entidad@demo.local").await;
    let (other, other_account) = entity_with_account(&app, "Otra entidad", "OTRA").await;
    let (_, third_account) = entity_with_account(&app, "Tercera entidad", "TER").await;
    let mut desk = Desk::new(&app);
    let profesional = desk.as_role("profesional-ait").await;
    let open = |body: Value| {
        let profesional = profesional.clone();
        let url = app.url("/api/v1/cases");
        async move { profesional.post(url).json(&body).send().await.unwrap() }
    };

    // While the statistics are analysed, no entity yet: staff only.
    let response =
        open(json!({ "procedure": "PR09", "entity_ids": [], "title": "Análisis anual" })).await;
    assert_eq!(response.status(), 201);
    let alone: Value = response.json().await.unwrap();
    assert_eq!(alone["entities"], json!([]));
    let alone_id = alone["id"].as_str().unwrap();
    let path = format!("/api/v1/cases/{alone_id}");
    let seen = demo_account.get(app.url(&path)).send().await.unwrap();
    assert_eq!(seen.status(), 404);
    assert!(!lists(&app, &demo_account, "", alone_id).await);
    let jefe = desk.as_role("jefe-ugat").await;
    assert_eq!(app.get_json(&jefe, &path).await["entities"], json!([]));
    assert!(lists(&app, &jefe, "procedure=PR09", alone_id).await);
    // A form's empty choice of entity is none as well.
    let response =
        open(json!({ "procedure": "PR09", "entity_id": "", "title": "Otro análisis" })).await;
    assert_eq!(response.status(), 201);

    // Two entities, in the order named: each sees it, a third does not.
    let response = open(
        json!({ "procedure": "PR09", "entity_ids": [demo, other], "title": "Inconsistencias" }),
    )
    .await;
    assert_eq!(response.status(), 201);
    let both: Value = response.json().await.unwrap();
    assert_eq!(entity_ids_of(&both), [demo.as_str(), other.as_str()]);
    assert_eq!(both["entities"][1]["name"], "Otra entidad");
    let id = both["id"].as_str().unwrap();
    let path = format!("/api/v1/cases/{id}");
    for account in [&demo_account, &other_account] {
        let seen = account.get(app.url(&path)).send().await.unwrap();
        assert_eq!(seen.status(), 200);
        assert!(lists(&app, account, "", id).await);
    }
    let seen = third_account.get(app.url(&path)).send().await.unwrap();
    assert_eq!(seen.status(), 404);
    assert!(!lists(&app, &third_account, "", id).await);
    for entity in [&demo, &other] {
        assert!(lists(&app, &jefe, &format!("entity_id={entity}"), id).await);
    }
    let listed = app.get_json(&jefe, "/api/v1/cases?procedure=PR09").await;
    let line = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(
        line["entity_names"],
        "Entidad de demostración; Otra entidad"
    );

    // The note reaches each entity, and either acknowledges it.
    let mut steps = vec![(1, None), (2, None), (3, Some("con-inconsistencias"))];
    steps.extend(seq(4, 13));
    desk.walk(&both, &steps).await;
    for account in [&demo_account, &other_account] {
        let notices = app.get_json(account, "/api/v1/notifications").await;
        assert!(
            notices["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|n| n["case_id"] == id && n["activity"] == 14),
            "{notices}"
        );
    }
    // Who may take the entity's activity: an entity learns of its own
    // people only, never of the other entity's.
    let candidates = app
        .get_json(&other_account, &format!("{path}/activities/14/candidates"))
        .await;
    let names: Vec<&str> = candidates
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["otra@entidad.gob.bo"]);
    let candidates = app
        .get_json(&jefe, &format!("{path}/activities/14/candidates"))
        .await;
    assert_eq!(candidates.as_array().unwrap().len(), 2, "{candidates}");
    let version = app.get_json(&other_account, &path).await["version"].clone();
    let done: Value = other_account
        .post(app.url(&format!("{path}/activities/14/complete")))
        .json(&json!({ "output_reference": "Nota recibida", "version": version }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(done["status"], "closed", "{done}");
    assert_eq!(done["history"][14]["role"], "entidad");
}

#[tokio::test]
async fn a_case_names_its_entities_as_its_procedure_wants() {
    let app = TestApp::with_demo().await;
    let demo = app.demo_entity_id().await;
    let other = app.create_entity("Otra entidad", "OTRA").await;
    let jefe = app.login("jefe-ugat@demo.local").await;
    let before = app.count("SELECT COUNT(*) FROM cases").await;
    for (body, message) in [
        (
            json!({ "procedure": "PR6", "entity_ids": [demo, other], "title": "Dos" }),
            "Este procedimiento atiende a una sola entidad: elija una.",
        ),
        (
            json!({ "procedure": "PR05", "entity_ids": [], "title": "Ninguna" }),
            "Elija la entidad solicitante.",
        ),
        (
            json!({ "procedure": "PR7", "entity_id": "", "title": "Vacía" }),
            "Elija la entidad solicitante.",
        ),
        (
            json!({ "procedure": "PR09", "entity_ids": [demo, demo], "title": "Repetida" }),
            "Cada entidad se nombra una sola vez.",
        ),
        (
            json!({ "procedure": "PR09", "entity_ids": [demo, "no-existe"], "title": "Desconocida" }),
            "No existe una entidad con el identificador «no-existe».",
        ),
        (
            json!({ "procedure": "PR09", "entity_id": demo, "entity_ids": [other], "title": "Ambos" }),
            "Indique entity_id (una entidad) o entity_ids (varias), no ambos.",
        ),
    ] {
        let response = jefe
            .post(app.url("/api/v1/cases"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 422, "{body}");
        let error: Value = response.json().await.unwrap();
        assert_eq!(error["fields"][0]["field"], "entity_id", "{body}");
        assert_eq!(error["fields"][0]["message"], message, "{body}");
    }
    assert_eq!(app.count("SELECT COUNT(*) FROM cases").await, before);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM case_entities").await,
        before
    );
}

#[tokio::test]
async fn the_staff_name_a_pr09_cases_entities_as_the_analysis_finds_them() {
    let app = TestApp::with_demo().await;
    let demo = app.demo_entity_id().await;
    let demo_account = app.login("entidad@demo.local").await;
    let other = app.create_entity("Otra entidad", "OTRA").await;
    let mut desk = Desk::new(&app);
    let profesional = desk.as_role("profesional-ait").await;
    let case: Value = profesional
        .post(app.url("/api/v1/cases"))
        .json(&json!({ "procedure": "PR09", "entity_ids": [], "title": "Análisis" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = case["id"].as_str().unwrap();
    let path = format!("/api/v1/cases/{id}");
    let seen = demo_account.get(app.url(&path)).send().await.unwrap();
    assert_eq!(seen.status(), 404);

    let name = |client: reqwest::Client, entity: Value, version: Value| {
        let url = app.url(&format!("{path}/entities"));
        async move {
            client
                .post(url)
                .json(&json!({ "entity_id": entity, "version": version }))
                .send()
                .await
                .unwrap()
        }
    };
    let jefe = desk.as_role("jefe-ugat").await;
    let response = name(jefe.clone(), json!(demo), case["version"].clone()).await;
    assert_eq!(response.status(), 200);
    let named: Value = response.json().await.unwrap();
    assert_eq!(entity_ids_of(&named), [demo.as_str()]);
    let last = named["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["event"], "entity-named");
    assert_eq!(last["entity"]["name"], "Entidad de demostración");
    assert_eq!(last["role"], "jefe-ugat");
    // Named, the entity sees the case.
    let seen = demo_account.get(app.url(&path)).send().await.unwrap();
    assert_eq!(seen.status(), 200);

    // Refused, and nothing changes: named twice, an older version, an
    // account that does not follow PR09, an entity.
    let version = named["version"].clone();
    let twice = name(jefe.clone(), json!(demo), version.clone()).await;
    assert_eq!(twice.status(), 422);
    let stale = name(jefe.clone(), json!(other), case["version"].clone()).await;
    assert_eq!(stale.status(), 409);
    let uit = desk.as_role("uit").await;
    assert_eq!(name(uit, json!(other), version.clone()).await.status(), 403);
    let by_entity = name(demo_account.clone(), json!(other), version.clone()).await;
    assert_eq!(by_entity.status(), 403);
    assert_eq!(app.get_json(&jefe, &path).await["version"], version);

    let response = name(profesional.clone(), json!(other), version).await;
    assert_eq!(response.status(), 200);
    let named: Value = response.json().await.unwrap();
    assert_eq!(entity_ids_of(&named), [demo.as_str(), other.as_str()]);
    // The record says who named each, and names both on every line.
    let dossier = app.get_text(&jefe, &format!("{path}/dossier.csv")).await;
    assert!(dossier.contains("Añadió al expediente la entidad Otra entidad."));
    assert!(dossier.contains(",Entidad de demostración; Otra entidad,"));

    // The note cannot go out to nobody: an unnamed case stops before the
    // entity's activity, and the entity named then hears it waits.
    let lone: Value = profesional
        .post(app.url("/api/v1/cases"))
        .json(&json!({ "procedure": "PR09", "entity_ids": [], "title": "Sin destinatario" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let mut steps = vec![(1, None), (2, None), (3, Some("con-inconsistencias"))];
    steps.extend(seq(4, 12));
    desk.walk(&lone, &steps).await;
    let refused = desk.complete(&lone, 13, None).await;
    assert_eq!(refused.status(), 422);
    let refusal: Value = refused.json().await.unwrap();
    assert_eq!(refusal["fields"][0]["field"], "entity_id", "{refusal}");
    let lone_path = format!("/api/v1/cases/{}", lone["id"].as_str().unwrap());
    let response = jefe
        .post(app.url(&format!("{lone_path}/entities")))
        .json(&json!({ "entity_id": other }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let response = desk.complete(&lone, 13, None).await;
    assert_eq!(response.status(), 200);
    let late = app.create_entity("Entidad tardía", "TARDE").await;
    let admin = app.login("admin@demo.local").await;
    let response = admin
        .post(app.url("/api/v1/users"))
        .json(&json!({ "email": "tarde@entidad.gob.bo", "password": "Clave-muy-segura-2026", "entity_id": late }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let response = jefe
        .post(app.url(&format!("{lone_path}/entities")))
        .json(&json!({ "entity_id": late }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let (late_account, _) =
        crate::common::sign_in_at(&app.base, "tarde@entidad.gob.bo", "Clave-muy-segura-2026").await;
    let notices = app.get_json(&late_account, "/api/v1/notifications").await;
    assert_eq!(notices["items"][0]["case_id"], lone["id"], "{notices}");
    assert_eq!(notices["items"][0]["activity"], 14);

    // Only PR09 names further entities, and only while open.
    let pr6 = desk.open("PR6").await;
    let response = jefe
        .post(app.url(&format!(
            "/api/v1/cases/{}/entities",
            pr6["id"].as_str().unwrap()
        )))
        .json(&json!({ "entity_id": other }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let closed = desk.open("PR09").await;
    desk.walk(
        &closed,
        &[(1, None), (2, None), (3, Some("sin-inconsistencias"))],
    )
    .await;
    let response = jefe
        .post(app.url(&format!(
            "/api/v1/cases/{}/entities",
            closed["id"].as_str().unwrap()
        )))
        .json(&json!({ "entity_id": other }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 409);
}
