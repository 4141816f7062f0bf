//! A case's records over real HTTP: its dossier (hoja de ruta) as JSON,
//! CSV and PDF, and the history of many cases as one streamed CSV.

use serde_json::{json, Value};

use crate::common::TestApp;
use crate::forms::anexo2;
use app::domain::procedures;

/// Completes the case's first current activity as the first role the
/// manual gives it, taking its first way on; returns its number.
async fn complete_next(app: &TestApp, case_id: &str) -> u64 {
    let staff = app.login("jefe-ugat@demo.local").await;
    let case = app
        .get_json(&staff, &format!("/api/v1/cases/{case_id}"))
        .await;
    let active = &case["active"][0];
    let number = active["number"].as_u64().unwrap();
    let procedure = procedures::find(case["procedure"].as_str().unwrap()).unwrap();
    let role = procedure.activity(number as u16).unwrap().roles[0].slug();
    let client = app.login(&format!("{role}@demo.local")).await;
    let response = client
        .post(app.url(&format!(
            "/api/v1/cases/{case_id}/activities/{number}/complete"
        )))
        .json(&json!({
            "choice": active["choices"][0]["id"],
            "output_reference": format!("NI-{number}/2026"),
            "comment": format!("Revisado en la actividad {number}."),
            "version": case["version"],
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    number
}

async fn open(app: &TestApp, client: &reqwest::Client, procedure: &str, entity: &str) -> Value {
    let response = client
        .post(app.url("/api/v1/cases"))
        .json(&json!({ "procedure": procedure, "entity_id": entity, "title": format!("Caso {procedure}") }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
    response.json().await.unwrap()
}

/// The entity sends Anexo 2, AGETIC returns it with observations, and the
/// entity sends it again: two versions on the case.
async fn send_anexo2_twice(app: &TestApp, observations: &str) {
    let entity = app.login("entidad@demo.local").await;
    let staff = app.login("profesional-ait@demo.local").await;
    let mut form = anexo2();
    for round in 0..2 {
        let response = entity
            .put(app.url("/api/v1/forms/anexo-2/draft"))
            .json(&form)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        let sent: Value = entity
            .post(app.url("/api/v1/forms/anexo-2/submit"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if round == 0 {
            let id = sent["id"].as_str().unwrap();
            let response = staff
                .post(app.url(&format!("/api/v1/submissions/{id}/return")))
                .json(&json!({ "observations": observations }))
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200);
            form["post_logout_redirect_uri"] = json!("https://tramites.demo.gob.bo/inicio");
        }
    }
}

async fn bytes(client: &reqwest::Client, url: String) -> (u16, String, Vec<u8>) {
    let response = client.get(url).send().await.unwrap();
    let status = response.status().as_u16();
    let media_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, media_type, response.bytes().await.unwrap().to_vec())
}

fn csv_rows(body: &[u8]) -> Vec<csv::StringRecord> {
    csv::Reader::from_reader(body)
        .records()
        .map(|r| r.expect("valid CSV"))
        .collect()
}

#[tokio::test]
async fn the_dossier_is_the_whole_case_as_json_csv_and_pdf() {
    let app = TestApp::with_demo().await;
    let entity_id = app.demo_entity_id().await;
    let entity = app.login("entidad@demo.local").await;
    let case = open(&app, &entity, "PR6", &entity_id).await;
    let id = case["id"].as_str().unwrap();
    let reference = case["reference"].as_str().unwrap();
    let observations = "La URI de cierre de sesión debe ser la página de inicio.";
    send_anexo2_twice(&app, observations).await;
    let mut walked = Vec::new();
    for _ in 0..4 {
        walked.push(complete_next(&app, id).await);
    }

    let staff = app.login("jefe-ugat@demo.local").await;
    let seen = app.get_json(&staff, &format!("/api/v1/cases/{id}")).await;
    let dossier = app
        .get_json(&staff, &format!("/api/v1/cases/{id}/dossier"))
        .await;
    assert_eq!(dossier["case"]["reference"], reference);
    assert_eq!(dossier["case"]["manual"]["code"], "UGAT/AIT-M06");
    assert_eq!(dossier["case"]["procedure_version"], 1);
    let history = dossier["case"]["history"].as_array().unwrap();
    assert_eq!(
        history,
        seen["history"].as_array().unwrap(),
        "every history row"
    );
    let versions: Vec<i64> = history
        .iter()
        .map(|h| h["version"].as_i64().unwrap())
        .collect();
    assert_eq!(
        versions,
        (1..=seen["version"].as_i64().unwrap()).collect::<Vec<_>>()
    );
    assert_eq!(dossier["walked"], json!(walked));
    let forms: Vec<(i64, &str, Option<&str>)> = dossier["forms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["version"].as_i64().unwrap(),
                f["status"].as_str().unwrap(),
                f["observations"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        forms,
        [(1, "returned", Some(observations)), (2, "submitted", None)],
        "every version sent, oldest first, with its observations"
    );
    assert_eq!(
        dossier["forms"][1]["form"]["post_logout_redirect_uri"],
        "https://tramites.demo.gob.bo/inicio"
    );

    // The entity reads its own case's dossier as well.
    let own = app
        .get_json(&entity, &format!("/api/v1/cases/{id}/dossier"))
        .await;
    assert_eq!(own["case"]["history"], dossier["case"]["history"]);

    // CSV: a record per history entry, in order.
    let (status, media_type, body) =
        bytes(&staff, app.url(&format!("/api/v1/cases/{id}/dossier.csv"))).await;
    assert_eq!(status, 200);
    assert!(media_type.starts_with("text/csv"));
    let rows = csv_rows(&body);
    assert_eq!(rows.len(), history.len());
    assert!(rows.iter().all(|r| &r[0] == reference));
    let completed: Vec<u64> = rows
        .iter()
        .filter(|r| &r[7] == "completed")
        .map(|r| r[10].parse().unwrap())
        .collect();
    assert_eq!(completed, walked);
    assert!(rows.iter().any(|r| &r[7] == "form-returned"));

    // PDF: a whole file that names the case and every activity walked (the
    // unit tests of the drawing parse it back page by page).
    let (status, media_type, pdf) =
        bytes(&staff, app.url(&format!("/api/v1/cases/{id}/dossier.pdf"))).await;
    assert_eq!(status, 200);
    assert_eq!(media_type, "application/pdf");
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.trim_ascii_end().ends_with(b"%%EOF"));
    assert!(
        shows(&pdf, &format!("Hoja de ruta {reference}")),
        "its title"
    );
    for number in &walked {
        assert!(
            shows(&pdf, &format!("Completó la actividad {number} ")),
            "activity {number} walked"
        );
    }
    assert!(shows(&pdf, "Entidad de demostración"));
}

/// Whether the PDF writes `text` on a page: text in Latin-1 letters is
/// written in WinAnsi, as a literal string when ASCII, else in hex.
fn shows(pdf: &[u8], text: &str) -> bool {
    let contains = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
    let hex: String = text.chars().map(|c| format!("{:02X}", c as u32)).collect();
    contains(text.as_bytes()) || contains(hex.as_bytes())
}

#[tokio::test]
async fn an_entity_gets_no_dossier_of_another_entitys_case() {
    let app = TestApp::with_demo().await;
    let other = app
        .create_entity("Gobierno Autónomo Municipal de Prueba", "GAMP")
        .await;
    let staff = app.login("profesional-ait@demo.local").await;
    let case = open(&app, &staff, "PR09", &other).await;
    let id = case["id"].as_str().unwrap();
    let entity = app.login("entidad@demo.local").await;
    for suffix in ["", ".csv", ".pdf"] {
        let (status, _, body) = bytes(
            &entity,
            app.url(&format!("/api/v1/cases/{id}/dossier{suffix}")),
        )
        .await;
        assert_eq!(status, 404, "{suffix}");
        assert!(!String::from_utf8_lossy(&body).contains(case["reference"].as_str().unwrap()));
        let (status, _, _) = bytes(
            &app.client,
            app.url(&format!("/api/v1/cases/{id}/dossier{suffix}")),
        )
        .await;
        assert_eq!(status, 401, "signed out {suffix}");
    }
    let (status, _, _) = bytes(&staff, app.url("/api/v1/cases/nonexistent/dossier.pdf")).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_history_export_holds_every_case_the_filters_ask_for() {
    let app = TestApp::with_demo().await;
    let entity_id = app.demo_entity_id().await;
    let staff = app.login("jefe-ugat@demo.local").await;
    let profesional = app.login("profesional-ait@demo.local").await;
    let first = open(&app, &profesional, "PR09", &entity_id).await;
    let second = open(&app, &staff, "PR6", &entity_id).await;
    let third = open(&app, &profesional, "PR09", &entity_id).await;
    complete_next(&app, first["id"].as_str().unwrap()).await;
    complete_next(&app, third["id"].as_str().unwrap()).await;
    complete_next(&app, third["id"].as_str().unwrap()).await;

    let (status, media_type, body) = bytes(&staff, app.url("/api/v1/history.csv")).await;
    assert_eq!(status, 200);
    assert!(media_type.starts_with("text/csv"));
    let rows = csv_rows(&body);
    // Oldest opened first (two opened in the same millisecond by id), each
    // case whole and in order.
    let mut cases = [(&first, 2), (&second, 1), (&third, 3)];
    cases.sort_by_key(|(case, _)| {
        (
            case["opened_at"].as_i64().unwrap(),
            case["id"].as_str().unwrap().to_owned(),
        )
    });
    let expected: Vec<(&str, String)> = cases
        .iter()
        .flat_map(|(case, entries)| {
            (1..=*entries).map(|order| (case["reference"].as_str().unwrap(), order.to_string()))
        })
        .collect();
    let got: Vec<(&str, String)> = rows.iter().map(|r| (&r[0], r[4].to_owned())).collect();
    assert_eq!(got, expected);

    // The case list's filters.
    let (_, _, body) = bytes(&staff, app.url("/api/v1/history.csv?procedure=pr6")).await;
    let rows = csv_rows(&body);
    assert_eq!(rows.len(), 1);
    assert_eq!(&rows[0][0], second["reference"].as_str().unwrap());
    let (status, _, body) = bytes(&staff, app.url("/api/v1/history.csv?reference=NADA")).await;
    assert_eq!(status, 200);
    let text = String::from_utf8(body).unwrap();
    assert_eq!(text.lines().count(), 1, "the header alone: {text}");
    assert!(text.starts_with("expediente,procedimiento,"));

    // A bad filter is refused before anything is sent; only administrators
    // and managers export.
    let (status, _, body) = bytes(&staff, app.url("/api/v1/history.csv?status=perdido")).await;
    assert_eq!(status, 422, "{}", String::from_utf8_lossy(&body));
    let admin = app.login("admin@demo.local").await;
    let (status, _, _) = bytes(&admin, app.url("/api/v1/history.csv")).await;
    assert_eq!(status, 200);
    for who in ["entidad@demo.local", "adit@demo.local"] {
        let client = app.login(who).await;
        let (status, _, _) = bytes(&client, app.url("/api/v1/history.csv")).await;
        assert_eq!(status, 403, "{who}");
    }
    let (status, _, _) = bytes(&app.client, app.url("/api/v1/history.csv")).await;
    assert_eq!(status, 401);
}
