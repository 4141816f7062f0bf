use crate::common::TestApp;
use serde_json::Value;

#[tokio::test]
async fn lists_the_four_procedures_with_their_activities() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/procedures").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("application/json"));
    let body: Vec<Value> = response.json().await.unwrap();
    let summary: Vec<(String, usize)> = body
        .iter()
        .map(|p| {
            (
                p["code"].as_str().unwrap().to_owned(),
                p["activities"].as_array().unwrap().len(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("PR05".to_owned(), 28),
            ("PR6".to_owned(), 19),
            ("PR7".to_owned(), 27),
            ("PR09".to_owned(), 14)
        ]
    );
}

#[tokio::test]
async fn a_procedure_carries_roles_outputs_and_followable_transitions() {
    let app = TestApp::spawn().await;
    let response = app.get("/api/v1/procedures/pr6").await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "PR6");
    assert_eq!(
        body["name"],
        "Integración de herramientas de gobierno electrónico"
    );
    assert!(body["objective"]
        .as_str()
        .unwrap()
        .starts_with("Establecer"));

    let activity = |n: usize| &body["activities"][n - 1];
    assert_eq!(activity(1)["number"], 1);
    assert_eq!(activity(1)["roles"], serde_json::json!(["entidad"]));
    assert_eq!(activity(10)["roles"], serde_json::json!(["uit", "upat"]));
    assert_eq!(activity(9)["output"], "Formularios de Solicitud");
    assert_eq!(activity(7)["title"], "¿La HGE cumple sus requerimientos?");
    assert!(activity(7)["description"]
        .as_str()
        .unwrap()
        .starts_with("La entidad solicitante analiza si la HGE cumple"));

    // A plain sequence: one unlabelled way out.
    assert_eq!(
        activity(2)["next"],
        serde_json::json!([{ "id": "continuar", "label": null, "leads_to": [3], "end": null }])
    );
    // A decision with an early end.
    let choices = activity(7)["next"].as_array().unwrap();
    assert_eq!(choices.len(), 2);
    assert_eq!(choices[0]["leads_to"], serde_json::json!([8]));
    assert_eq!(choices[1]["id"], "no-cumple");
    assert_eq!(choices[1]["leads_to"], serde_json::json!([]));
    assert!(choices[1]["end"].as_str().unwrap().contains("no cumple"));
    // A parallel split and the join that waits for it.
    let both = activity(9)["next"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] == "ambas")
        .unwrap();
    assert_eq!(both["leads_to"], serde_json::json!([10, 11]));
    assert_eq!(activity(12)["join"], true);
    assert!(activity(12)["note"].is_string());
}

#[tokio::test]
async fn an_unknown_procedure_is_a_json_404() {
    let app = TestApp::spawn().await;
    for path in ["/api/v1/procedures/PR99", "/api/v1/nada"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 404, "{path}");
        let body: Value = response.json().await.unwrap();
        assert!(body["error"].as_str().unwrap().len() > 5, "{path}: {body}");
        assert_eq!(body["fields"], serde_json::json!([]));
    }
}

#[tokio::test]
async fn health_answers_once_the_database_is_migrated() {
    let app = TestApp::spawn().await;
    let response = app.get("/healthz").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "ok");
}

#[tokio::test]
async fn pages_are_rendered_on_the_server() {
    let app = TestApp::spawn().await;
    let response = app.get("/procedimientos/PR05").await;
    assert_eq!(response.status(), 200);
    let html = response.text().await.unwrap();
    assert!(html.contains("<html lang=\"es\""));
    for n in 1..=28 {
        assert!(
            html.contains(&format!("data-activity=\"{n}\"")),
            "activity {n}"
        );
    }
    assert!(html.contains("Pasos del procedimiento"));
    assert!(
        !html.contains("aria-current=\"step\""),
        "no case, nothing current"
    );

    let catalogue = app.get("/procedimientos").await.text().await.unwrap();
    for code in ["PR05", "PR6", "PR7", "PR09"] {
        assert!(catalogue.contains(&format!("href=\"/procedimientos/{code}\"")));
    }
    assert_eq!(app.get("/procedimientos/PR99").await.status(), 404);
}
