//! Input from anyone on the internet: bodies of the wrong shape are
//! refused in Spanish and change nothing; random bytes and random JSON to
//! every write endpoint and server function never get a 5xx.

use serde_json::{json, Value};

use crate::common::TestApp;

/// Every JSON write of the API, with a path that exists.
async fn write_endpoints(app: &TestApp) -> Vec<(reqwest::Method, String)> {
    let admin = app.login("admin@demo.local").await;
    let entity = app.demo_entity_id().await;
    let manager = app.login("jefe-ugat@demo.local").await;
    let case: Value = manager
        .post(app.url("/api/v1/cases"))
        .json(&json!({ "procedure": "PR05", "entity_id": entity, "title": "Entrada" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let case_id = case["id"].as_str().unwrap().to_owned();
    let accounts = app.get_json(&admin, "/api/v1/users").await;
    let user_id = accounts[0]["id"].as_str().unwrap().to_owned();
    use reqwest::Method;
    vec![
        (Method::POST, "/api/v1/login".into()),
        (Method::POST, "/api/v1/entities".into()),
        (Method::POST, "/api/v1/users".into()),
        (Method::PUT, format!("/api/v1/users/{user_id}/access")),
        (Method::PUT, format!("/api/v1/users/{user_id}/status")),
        (Method::PUT, format!("/api/v1/users/{user_id}/password")),
        (Method::PUT, "/api/v1/me/password".into()),
        (Method::POST, "/api/v1/cases".into()),
        (
            Method::POST,
            format!("/api/v1/cases/{case_id}/activities/1/complete"),
        ),
        (Method::POST, "/api/v1/forms/anexo-1/validate".into()),
        (Method::PUT, "/api/v1/forms/anexo-2/draft".into()),
        (Method::POST, "/api/v1/submissions/x/return".into()),
        (Method::PUT, "/api/v1/due-times/PR05".into()),
        (Method::PUT, "/api/v1/access-request".into()),
        (Method::POST, "/api/v1/access-requests/x/accept".into()),
        (Method::POST, "/api/v1/access-requests/x/reject".into()),
    ]
}

#[tokio::test]
async fn a_json_body_must_be_an_object() {
    let app = TestApp::with_demo().await;
    let endpoints = write_endpoints(&app).await;
    // Signed in as an administrator and as an entity, so that every
    // endpoint reads the body rather than refusing the person first.
    for email in ["admin@demo.local", "entidad@demo.local"] {
        let client = app.login(email).await;
        for (method, path) in &endpoints {
            for body in ["[]", "1", "\"x\"", "null", "[{}]"] {
                let response = client
                    .request(method.clone(), app.url(path))
                    .header("content-type", "application/json")
                    .body(body)
                    .send()
                    .await
                    .unwrap();
                let status = response.status().as_u16();
                // 403 and 404: refused before the body was read.
                assert!(
                    matches!(status, 422 | 403 | 404),
                    "{email} {method} {path} {body}: {status}"
                );
                if status == 422 {
                    let answer: Value = response.json().await.unwrap();
                    assert!(
                        answer["error"].as_str().unwrap().contains("objeto"),
                        "{path} {body}: {answer}"
                    );
                }
            }
        }
    }
}

#[tokio::test]
async fn an_entity_account_may_be_given_the_entity_role_by_name() {
    let app = TestApp::with_demo().await;
    let entity = app
        .create_entity("Ministerio de Pruebas", "MIN-PRUEBAS")
        .await;
    let admin = app.login("admin@demo.local").await;
    let created = admin
        .post(app.url("/api/v1/users"))
        .json(&json!({
            "email": "ventanilla@pruebas.gob.bo",
            "password": "Una frase larga para la ventanilla",
            "roles": ["entidad"],
            "entity_id": entity,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201, "{}", created.text().await.unwrap());
    let staff_role = admin
        .post(app.url("/api/v1/users"))
        .json(&json!({
            "email": "otra@pruebas.gob.bo",
            "password": "Una frase larga para la ventanilla",
            "roles": ["entidad", "dge"],
            "entity_id": entity,
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(staff_role.status(), 422);
}

/// A small deterministic generator: the same inputs on every run.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn bytes(&mut self) -> Vec<u8> {
        let length = self.below(300) as usize;
        (0..length).map(|_| self.next() as u8).collect()
    }

    fn text(&mut self) -> String {
        const PIECES: [&str; 16] = [
            "a",
            "ñ",
            "\u{0}",
            "\"",
            "\\",
            "=",
            "<script>",
            "💥",
            "PR05",
            "1e309",
            "-1",
            " ",
            "\n",
            "%00",
            "anexo-1",
            "'; DROP TABLE cases; --",
        ];
        (0..self.below(6))
            .map(|_| PIECES[self.below(PIECES.len() as u64) as usize])
            .collect()
    }

    fn json(&mut self, depth: u32) -> Value {
        let kinds = if depth > 3 { 5 } else { 7 };
        match self.below(kinds) {
            0 => Value::Null,
            1 => json!(self.next().is_multiple_of(2)),
            2 => json!(self.next() as i64),
            3 => json!(f64::from_bits(self.next())
                .is_finite()
                .then(|| self.next() as f64 / 7.0)),
            4 => json!(self.text()),
            5 => Value::Array((0..self.below(4)).map(|_| self.json(depth + 1)).collect()),
            _ => {
                const KEYS: [&str; 14] = [
                    "email",
                    "password",
                    "name",
                    "code",
                    "roles",
                    "entity_id",
                    "procedure",
                    "title",
                    "choice",
                    "output_reference",
                    "version",
                    "disabled",
                    "1",
                    "current_password",
                ];
                Value::Object(
                    (0..self.below(6))
                        .map(|_| {
                            let key = KEYS[self.below(KEYS.len() as u64) as usize].to_owned();
                            (key, self.json(depth + 1))
                        })
                        .collect(),
                )
            }
        }
    }
}

/// The server functions the pages post to, as their forms name them.
async fn server_function_actions(app: &TestApp, client: &reqwest::Client) -> Vec<String> {
    let mut actions = std::collections::BTreeSet::new();
    for page in ["/ingresar", "/expedientes", "/bandeja", "/administracion"] {
        let html = app.get_text(client, page).await;
        for piece in html.split("action=\"").skip(1) {
            let action = piece.split('"').next().unwrap_or_default();
            if action.starts_with("/api/") && !action.starts_with("/api/v1/") {
                actions.insert(action.to_owned());
            }
        }
    }
    actions.into_iter().collect()
}

#[tokio::test]
async fn random_bodies_never_get_a_server_error() {
    let app = TestApp::with_demo().await;
    let endpoints = write_endpoints(&app).await;
    let admin = app.login("admin@demo.local").await;
    let actions = server_function_actions(&app, &admin).await;
    assert!(actions.len() >= 2, "{actions:?}");
    let mut random = Random(0x2545_F491_4F6C_DD1D);
    let mut sent = 0;
    for round in 0..40_u32 {
        for (method, path) in &endpoints {
            let body = if round.is_multiple_of(2) {
                random.json(0).to_string().into_bytes()
            } else {
                random.bytes()
            };
            let response = admin
                .request(method.clone(), app.url(path))
                .header("content-type", "application/json")
                .body(body.clone())
                .send()
                .await
                .unwrap();
            assert!(
                response.status().as_u16() < 500,
                "{method} {path} {:?}: {}",
                String::from_utf8_lossy(&body),
                response.status()
            );
            sent += 1;
        }
        for action in &actions {
            let (content_type, body) = if round.is_multiple_of(2) {
                let fields: Vec<(String, String)> = (0..random.below(5))
                    .map(|_| (random.text(), random.text()))
                    .collect();
                (
                    "application/x-www-form-urlencoded",
                    serde_urlencoded::to_string(&fields).unwrap().into_bytes(),
                )
            } else {
                ("application/x-www-form-urlencoded", random.bytes())
            };
            let response = admin
                .post(app.url(action))
                .header("content-type", content_type)
                .body(body.clone())
                .send()
                .await
                .unwrap();
            assert!(
                response.status().as_u16() < 500,
                "{action} {:?}: {}",
                String::from_utf8_lossy(&body),
                response.status()
            );
            sent += 1;
        }
    }
    assert!(sent > 500);
    // The server is still whole.
    assert_eq!(app.get("/healthz").await.status(), 200);
}
