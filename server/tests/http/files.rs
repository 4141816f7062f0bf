//! The activities' files over real HTTP: accepted by their content, stored
//! once under their SHA-256, served only to who sees the case, never half
//! stored.

use reqwest::multipart::{Form, Part};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::common::{login_at, TestApp, TestDatabase};
use crate::servers::{two_servers, ServerProcess};
use app::server::files::FileLimits;

pub(crate) fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

/// The start of an OpenDocument text as office suites write it: a zip
/// whose first entry, stored, is `mimetype`.
fn odt() -> Vec<u8> {
    let mimetype = b"application/vnd.oasis.opendocument.text";
    let mut bytes = b"PK\x03\x04\x14\x00\x00\x00\x00\x00\x00\x00\x00\x00".to_vec();
    bytes.extend_from_slice(&[0; 4]); // crc
    bytes.extend_from_slice(&(mimetype.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&(mimetype.len() as u32).to_le_bytes());
    bytes.extend_from_slice(&8u16.to_le_bytes());
    bytes.extend_from_slice(&0u16.to_le_bytes());
    bytes.extend_from_slice(b"mimetype");
    bytes.extend_from_slice(mimetype);
    bytes.extend_from_slice(&[0u8; 200]);
    bytes
}

fn png() -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00".to_vec();
    bytes.extend_from_slice(&[0x90, 0x77, 0x53, 0xde]);
    bytes
}

/// A Linux executable: refused whatever it is called.
fn executable() -> Vec<u8> {
    let mut bytes =
        b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00".to_vec();
    bytes.extend_from_slice(&[0u8; 100]);
    bytes
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub(crate) fn part(name: &str, bytes: Vec<u8>, claimed_type: &str) -> Part {
    Part::bytes(bytes)
        .file_name(name.to_owned())
        .mime_str(claimed_type)
        .unwrap()
}

/// The entity's PR6 case, opened by the entity, at activity 1 (its own).
async fn entity_case(base: &str, entity: &reqwest::Client, entity_id: &str) -> Value {
    let response = entity
        .post(format!("{base}/api/v1/cases"))
        .json(&json!({ "procedure": "PR6", "entity_id": entity_id, "title": "Integración con archivos" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    response.json().await.unwrap()
}

pub(crate) async fn upload(
    base: &str,
    client: &reqwest::Client,
    case_id: &str,
    form: Form,
) -> (u16, Value) {
    let response = client
        .post(format!("{base}/api/v1/cases/{case_id}/files"))
        .multipart(form)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

pub(crate) fn ids(uploaded: &Value) -> Vec<String> {
    uploaded["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["id"].as_str().unwrap().to_owned())
        .collect()
}

async fn complete_first(
    base: &str,
    entity: &reqwest::Client,
    case: &Value,
    files: &[String],
) -> (u16, Value) {
    let id = case["id"].as_str().unwrap();
    let response = entity
        .post(format!("{base}/api/v1/cases/{id}/activities/1/complete"))
        .json(&json!({
            "choice": "nota-externa",
            "output_reference": "NE-15/2026",
            "version": case["version"],
            "files": files,
        }))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Files, blobs and stored contents, as the store holds them.
async fn stored(app: &TestApp) -> (i64, i64, usize) {
    let files = app.count("SELECT COUNT(*) FROM files").await;
    let blobs = app.count("SELECT COUNT(*) FROM blobs").await;
    (files, blobs, count_files(&app.database.files_root()))
}

fn count_files(folder: &std::path::Path) -> usize {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return 0;
    };
    entries
        .flatten()
        .map(|entry| {
            let path = entry.path();
            if path.is_dir() {
                count_files(&path)
            } else {
                1
            }
        })
        .sum()
}

#[tokio::test]
async fn office_files_are_accepted_by_their_content_and_recorded_with_their_sha256() {
    let app = TestApp::with_demo().await;
    let entity = app.login("entidad@demo.local").await;
    let case = entity_case(&app.base, &entity, &app.demo_entity_id().await).await;
    let case_id = case["id"].as_str().unwrap();
    // The browser's claimed types are wrong on purpose: the content decides.
    let form = Form::new()
        .part("file", part("nota.pdf", pdf(), "application/octet-stream"))
        .part("file", part("plan.odt", odt(), "text/plain"))
        .part("file", part("firma.png", png(), "application/pdf"));
    let (status, uploaded) = upload(&app.base, &entity, case_id, form).await;
    assert_eq!(status, 201, "{uploaded}");
    let files = uploaded["files"].as_array().unwrap();
    let expected = [
        ("nota.pdf", "application/pdf", pdf()),
        ("plan.odt", "application/vnd.oasis.opendocument.text", odt()),
        ("firma.png", "image/png", png()),
    ];
    for (file, (name, media_type, bytes)) in files.iter().zip(&expected) {
        assert_eq!(file["name"], *name);
        assert_eq!(file["media_type"], *media_type);
        assert_eq!(file["size"], bytes.len(), "{name}");
        assert_eq!(file["sha256"], sha256(bytes), "{name}");
        assert_eq!(file["version"], Value::Null, "pending until attached");
    }

    let (status, after) = complete_first(&app.base, &entity, &case, &ids(&uploaded)).await;
    assert_eq!(status, 200, "{after}");
    let entry = after["history"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["activity"] == 1)
        .unwrap();
    let attached = entry["files"].as_array().unwrap();
    assert_eq!(attached.len(), 3);
    assert_eq!(attached[0]["sha256"], sha256(&pdf()));
    assert_eq!(attached[0]["uploaded_by"], "entidad@demo.local");
    assert_eq!(attached[0]["version"], entry["version"]);

    // Staff who see the case download exactly what was uploaded.
    let staff = app.login("jefe-ugat@demo.local").await;
    let response = staff
        .get(app.url(&format!(
            "/api/v1/files/{}",
            attached[1]["id"].as_str().unwrap()
        )))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let headers = response.headers().clone();
    assert_eq!(
        headers["content-type"],
        "application/vnd.oasis.opendocument.text"
    );
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment; filename=\"plan.odt\""));
    assert_eq!(response.bytes().await.unwrap().as_ref(), odt().as_slice());

    // A PDF may be shown in the browser, as a sandboxed document.
    let pdf_id = attached[0]["id"].as_str().unwrap();
    let response = staff
        .get(app.url(&format!("/api/v1/files/{pdf_id}?ver=1")))
        .send()
        .await
        .unwrap();
    let headers = response.headers();
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("inline;"));
    assert!(headers["content-security-policy"]
        .to_str()
        .unwrap()
        .starts_with("sandbox"));

    // The same content uploaded again is stored once, as a new file.
    let again = Form::new().part("file", part("nota-copia.pdf", pdf(), "application/pdf"));
    let (status, _) = upload(&app.base, &entity, case_id, again).await;
    assert_eq!(status, 201);
    let (files, blobs, contents) = stored(&app).await;
    assert_eq!((files, blobs, contents), (4, 3, 3));

    // The case lists its attached files and the reader's pending ones.
    let listed = app
        .get_json(&entity, &format!("/api/v1/cases/{case_id}/files"))
        .await;
    assert_eq!(listed["files"].as_array().unwrap().len(), 4);
    let listed = app
        .get_json(&staff, &format!("/api/v1/cases/{case_id}/files"))
        .await;
    assert_eq!(
        listed["files"].as_array().unwrap().len(),
        3,
        "another's pending upload is not shown"
    );
}

#[tokio::test]
async fn an_executable_named_like_a_pdf_is_refused_and_nothing_changes() {
    let app = TestApp::with_demo().await;
    let entity = app.login("entidad@demo.local").await;
    let case = entity_case(&app.base, &entity, &app.demo_entity_id().await).await;
    let case_id = case["id"].as_str().unwrap();
    let form = Form::new()
        .part("file", part("anexo.pdf", pdf(), "application/pdf"))
        .part("file", part("informe.pdf", executable(), "application/pdf"));
    let (status, body) = upload(&app.base, &entity, case_id, form).await;
    assert_eq!(status, 415, "{body}");
    let message = body["error"].as_str().unwrap();
    assert!(
        message.contains("informe.pdf") && message.contains("no es de un tipo admitido"),
        "{message}"
    );
    assert_eq!(
        stored(&app).await,
        (0, 0, 0),
        "not even the good file is kept"
    );

    // Binary data is not plain text either.
    let form = Form::new().part(
        "file",
        part("notas.txt", vec![0, 159, 146, 150, 0, 1], "text/plain"),
    );
    let (status, _) = upload(&app.base, &entity, case_id, form).await;
    assert_eq!(status, 415);
    let form = Form::new().part(
        "file",
        part("notas.txt", "Acta: reunión del año\n".into(), "text/plain"),
    );
    let (status, body) = upload(&app.base, &entity, case_id, form).await;
    assert_eq!(status, 201);
    assert_eq!(body["files"][0]["media_type"], "text/plain; charset=utf-8");

    let now = app
        .get_json(&entity, &format!("/api/v1/cases/{case_id}"))
        .await;
    assert_eq!(now["version"], case["version"]);
}

#[tokio::test]
async fn an_oversize_upload_is_refused_with_nothing_stored_and_the_case_unchanged() {
    let database = TestDatabase::new().await;
    let limits = FileLimits {
        per_file: 256 * 1024,
        per_request: 512 * 1024,
    };
    let app = TestApp::with_files(
        database,
        app::server::settings::Settings::demo(),
        Default::default(),
        limits,
    )
    .await;
    app::server::demo::seed(&app.db).await.unwrap();
    let entity = app.login("entidad@demo.local").await;
    let case = entity_case(&app.base, &entity, &app.demo_entity_id().await).await;
    let case_id = case["id"].as_str().unwrap();

    let mut big = pdf();
    big.resize(300 * 1024, b' ');
    let form = Form::new()
        .part("file", part("anexo.pdf", pdf(), "application/pdf"))
        .part("file", part("grande.pdf", big, "application/pdf"));
    let (status, body) = upload(&app.base, &entity, case_id, form).await;
    assert_eq!(status, 413, "{body}");
    assert!(body["error"].as_str().unwrap().contains("grande.pdf"));
    assert_eq!(stored(&app).await, (0, 0, 0));

    // Several files each within the limit, too many together.
    let mut part_size = pdf();
    part_size.resize(200 * 1024, b' ');
    let form = (0..3).fold(Form::new(), |form, n| {
        form.part(
            "file",
            part(
                &format!("parte-{n}.pdf"),
                part_size.clone(),
                "application/pdf",
            ),
        )
    });
    let (status, body) = upload(&app.base, &entity, case_id, form).await;
    assert_eq!(status, 413, "{body}");
    assert!(body["error"].as_str().unwrap().contains("por envío"));
    assert_eq!(stored(&app).await, (0, 0, 0));

    // A completion naming no real upload is refused whole.
    let (status, body) = complete_first(&app.base, &entity, &case, &["no-existe".into()]).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["fields"][0]["field"], "files");
    let now = app
        .get_json(&entity, &format!("/api/v1/cases/{case_id}"))
        .await;
    assert_eq!(now["version"], case["version"]);
    assert_eq!(now["history"].as_array().unwrap().len(), 1);
}

/// A multipart body written by hand, so that the name arrives exactly as
/// a hostile client would send it.
fn raw_upload(disposition: &str, content: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----limite7MA4YWxkTrZu0gW";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; {disposition}\r\nContent-Type: application/pdf\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[tokio::test]
async fn hostile_names_are_served_back_safely() {
    let app = TestApp::with_demo().await;
    let entity = app.login("entidad@demo.local").await;
    let case = entity_case(&app.base, &entity, &app.demo_entity_id().await).await;
    let case_id = case["id"].as_str().unwrap();
    let names = [
        // Quotes, a path and accents in the plain parameter.
        (
            r#"filename="../../etc/\"acta\" año ñandú.pdf""#,
            "acta año ñandú.pdf",
        ),
        // Newlines and a header's worth of text, in the encoded parameter.
        (
            // (as browsers write them: %0D, %0A and %22 for CR, LF and ")
            "filename=\"..\\..\\informe%0D%0ASet-Cookie: x=1 %22técnico%22.pdf\"",
            "informe Set-Cookie x=1 técnico.pdf",
        ),
    ];
    for (disposition, expected) in names {
        let (content_type, body) = raw_upload(disposition, &pdf());
        let response = entity
            .post(app.url(&format!("/api/v1/cases/{case_id}/files")))
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201, "{disposition}");
        let uploaded: Value = response.json().await.unwrap();
        let file = &uploaded["files"][0];
        assert_eq!(file["name"], expected, "{disposition}");
        let response = entity
            .get(app.url(&format!("/api/v1/files/{}", file["id"].as_str().unwrap())))
            .send()
            .await
            .unwrap();
        let served = response.headers()["content-disposition"]
            .to_str()
            .unwrap()
            .to_owned();
        assert!(served.starts_with("attachment; filename=\""), "{served}");
        assert!(!served.contains(['\r', '\n', '/']), "{served}");
        let encoded = served.split("filename*=UTF-8''").nth(1).unwrap();
        let decoded = percent_decode(encoded);
        assert_eq!(decoded, expected);
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).unwrap());
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).unwrap()
}

#[tokio::test]
async fn another_entitys_file_is_not_found() {
    let app = TestApp::with_demo().await;
    let entity = app.login("entidad@demo.local").await;
    let case = entity_case(&app.base, &entity, &app.demo_entity_id().await).await;
    let case_id = case["id"].as_str().unwrap();
    let form = Form::new().part("file", part("nota.pdf", pdf(), "application/pdf"));
    let (_, uploaded) = upload(&app.base, &entity, case_id, form).await;
    let file_ids = ids(&uploaded);
    let (status, _) = complete_first(&app.base, &entity, &case, &file_ids).await;
    assert_eq!(status, 200);

    let other_entity = app.create_entity("Otra entidad", "OTRA").await;
    let admin = app.login("admin@demo.local").await;
    let response = admin
        .post(app.url("/api/v1/users"))
        .json(&json!({ "email": "otra@otra.gob.bo", "password": "Clave-muy-segura-2026", "entity_id": other_entity, "roles": ["entidad"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    let (other, status) =
        crate::common::sign_in_at(&app.base, "otra@otra.gob.bo", "Clave-muy-segura-2026").await;
    assert_eq!(status, 200);
    for path in [
        format!("/api/v1/files/{}", file_ids[0]),
        format!("/api/v1/cases/{case_id}/files"),
    ] {
        let response = other.get(app.url(&path)).send().await.unwrap();
        assert_eq!(response.status(), 404, "{path}");
    }
    let form = Form::new().part("file", part("intruso.pdf", pdf(), "application/pdf"));
    let (status, _) = upload(&app.base, &other, case_id, form).await;
    assert_eq!(status, 404);
    let response = app
        .client
        .get(app.url(&format!("/api/v1/files/{}", file_ids[0])))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);

    // A pending upload is its uploader's alone until attached.
    let form = Form::new().part("file", part("borrador.pdf", pdf(), "application/pdf"));
    let (_, pending) = upload(&app.base, &entity, case_id, form).await;
    let staff = app.login("dge@demo.local").await;
    let response = staff
        .get(app.url(&format!("/api/v1/files/{}", ids(&pending)[0])))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn a_correction_adds_files_in_a_new_history_entry_and_keeps_the_first() {
    let app = TestApp::with_demo().await;
    let entity = app.login("entidad@demo.local").await;
    let case = entity_case(&app.base, &entity, &app.demo_entity_id().await).await;
    let case_id = case["id"].as_str().unwrap();
    let form = Form::new().part("file", part("nota.pdf", pdf(), "application/pdf"));
    let (_, first) = upload(&app.base, &entity, case_id, form).await;
    let (status, after) = complete_first(&app.base, &entity, &case, &ids(&first)).await;
    assert_eq!(status, 200);

    let attach = |body: Value| {
        let entity = entity.clone();
        let url = app.url(&format!("/api/v1/cases/{case_id}/attachments"));
        async move {
            let response = entity.post(url).json(&body).send().await.unwrap();
            let status = response.status().as_u16();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    // The first file cannot be attached twice.
    let (status, body) =
        attach(json!({ "activity": 1, "files": ids(&first), "version": after["version"] })).await;
    assert_eq!(status, 422, "{body}");

    let form = Form::new().part("file", part("nota-firmada.png", png(), "image/png"));
    let (_, second) = upload(&app.base, &entity, case_id, form).await;
    // Only an activity already completed takes a correction.
    let (status, body) =
        attach(json!({ "activity": 2, "files": ids(&second), "version": after["version"] })).await;
    assert_eq!(status, 403, "activity 2 is the DGE's: {body}");
    let (status, body) =
        attach(json!({ "activity": 1, "files": ids(&second), "version": 1 })).await;
    assert_eq!(status, 409, "a stale version: {body}");
    let (status, body) = attach(json!({
        "activity": 1,
        "files": ids(&second),
        "comment": "La nota firmada",
        "version": after["version"],
    }))
    .await;
    assert_eq!(status, 200, "{body}");
    let history = body["history"].as_array().unwrap();
    let last = history.last().unwrap();
    assert_eq!(last["event"], "files-attached");
    assert_eq!(last["activity"], 1);
    assert_eq!(last["files"][0]["name"], "nota-firmada.png");
    let completion = history
        .iter()
        .find(|h| h["activity"] == 1 && h["event"].is_null())
        .unwrap();
    assert_eq!(
        completion["files"][0]["name"], "nota.pdf",
        "the first file stays where it was"
    );
    assert_eq!(body["active"], after["active"], "attaching moves nothing");

    // The database itself keeps an attached file as it is.
    let changed = app
        .try_execute(
            "UPDATE files SET name = 'otro.pdf' WHERE name = 'nota.pdf'",
            &[],
        )
        .await;
    assert!(changed.is_err());
    let removed = app
        .try_execute("DELETE FROM files WHERE name = 'nota.pdf'", &[])
        .await;
    assert!(removed.is_err());
}

#[tokio::test]
async fn an_entity_attaches_supporting_documents_to_a_sent_form() {
    let app = TestApp::with_demo().await;
    let entity = app.login("entidad@demo.local").await;
    let case = entity_case(&app.base, &entity, &app.demo_entity_id().await).await;
    let case_id = case["id"].as_str().unwrap();
    let response = entity
        .put(app.url("/api/v1/forms/anexo-2/draft"))
        .json(&crate::forms::anexo2())
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
    let current = app
        .get_json(&entity, &format!("/api/v1/cases/{case_id}"))
        .await;
    let form = Form::new().part("file", part("diagrama.png", png(), "image/png"));
    let (_, uploaded) = upload(&app.base, &entity, case_id, form).await;
    let response = entity
        .post(app.url(&format!("/api/v1/cases/{case_id}/attachments")))
        .json(&json!({ "submission_id": sent["id"], "files": ids(&uploaded), "version": current["version"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    let last = body["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["event"], "files-attached");
    assert_eq!(last["output_reference"], sent["reference"]);
    assert_eq!(last["files"][0]["name"], "diagrama.png");

    // Staff cannot speak for the entity.
    let staff = app.login("jefe-ugat@demo.local").await;
    let form = Form::new().part("file", part("otro.png", png(), "image/png"));
    let (_, uploaded) = upload(&app.base, &staff, case_id, form).await;
    let response = staff
        .post(app.url(&format!("/api/v1/cases/{case_id}/attachments")))
        .json(&json!({ "submission_id": sent["id"], "files": ids(&uploaded), "version": body["version"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn an_object_store_takes_large_files_in_parts_and_serves_them_back() {
    let database = TestDatabase::new().await;
    let spool = database.files_root().join("spool");
    let bucket = std::sync::Arc::new(object_store::memory::InMemory::new());
    let files =
        app::server::files::FileStore::remote(bucket.clone(), &spool, FileLimits::default())
            .unwrap();
    let app = TestApp::serving(
        database,
        app::server::settings::Settings::demo(),
        Default::default(),
        files.clone(),
    )
    .await;
    app::server::demo::seed(&app.db).await.unwrap();
    let entity = app.login("entidad@demo.local").await;
    let case = entity_case(&app.base, &entity, &app.demo_entity_id().await).await;
    let case_id = case["id"].as_str().unwrap();
    // Larger than one part of an object store upload (8 MB).
    let mut big = pdf();
    big.extend((0..20 * 1024 * 1024).map(|i: u32| (i % 251) as u8));
    let form = Form::new().part("file", part("planos.pdf", big.clone(), "application/pdf"));
    let (status, uploaded) = upload(&app.base, &entity, case_id, form).await;
    assert_eq!(status, 201, "{uploaded}");
    let sha = uploaded["files"][0]["sha256"].as_str().unwrap().to_owned();
    assert_eq!(sha, sha256(&big));
    assert_eq!(count_files(&spool), 0, "the spool is emptied once stored");
    let (status, _) = complete_first(&app.base, &entity, &case, &ids(&uploaded)).await;
    assert_eq!(status, 200);
    let response = entity
        .get(app.url(&format!("/api/v1/files/{}", ids(&uploaded)[0])))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.bytes().await.unwrap().as_ref() == big.as_slice());

    // The bucket holds the content under its hash; the sweep keeps what a
    // file names and removes what none does.
    use object_store::ObjectStore;
    let orphan = object_store::path::Path::from(format!("ab/ab{}", "1".repeat(62)));
    bucket
        .put(&orphan, b"huerfano".to_vec().into())
        .await
        .unwrap();
    let later = app::domain::calendar::now_ms() + app::server::files::GRACE_MS + 1000;
    assert_eq!(files.sweep(&app.db, later).await.unwrap(), 1);
    assert!(bucket.head(&orphan).await.is_err());
    let kept = object_store::path::Path::from(format!("{}/{sha}", &sha[..2]));
    assert!(bucket.head(&kept).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_uploaded_through_one_server_downloads_from_another() {
    let database = TestDatabase::new().await;
    let (first, second) = two_servers(&database);
    let admin = login_at(&first.base, "admin@demo.local").await;
    let entity_id = crate::servers::demo_entity(&first.base, &admin).await;
    let entity = login_at(&first.base, "entidad@demo.local").await;
    let case = entity_case(&first.base, &entity, &entity_id).await;
    let form = Form::new().part("file", part("nota.pdf", pdf(), "application/pdf"));
    let (status, uploaded) = upload(&first.base, &entity, case["id"].as_str().unwrap(), form).await;
    assert_eq!(status, 201);
    let (status, _) = complete_first(&first.base, &entity, &case, &ids(&uploaded)).await;
    assert_eq!(status, 200);

    let staff = login_at(&second.base, "jefe-ugat@demo.local").await;
    let response = staff
        .get(format!(
            "{}/api/v1/files/{}",
            second.base,
            ids(&uploaded)[0]
        ))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.bytes().await.unwrap().as_ref(), pdf().as_slice());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_upload_leaves_no_row_without_its_file_and_the_sweep_clears_the_rest() {
    let database = TestDatabase::new().await;
    let mut server = ServerProcess::start(&database);
    let admin = login_at(&server.base, "admin@demo.local").await;
    let entity_id = crate::servers::demo_entity(&server.base, &admin).await;
    let entity = login_at(&server.base, "entidad@demo.local").await;
    let case = entity_case(&server.base, &entity, &entity_id).await;
    let case_id = case["id"].as_str().unwrap().to_owned();
    let form = Form::new().part("file", part("nota.pdf", pdf(), "application/pdf"));
    let (status, kept) = upload(&server.base, &entity, &case_id, form).await;
    assert_eq!(status, 201);

    // An upload that streams slowly, killed half-way.
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    let stream = tokio_stream_from(receiver);
    let mut big = pdf();
    big.resize(1024 * 1024, b' ');
    let form = Form::new().part(
        "file",
        Part::stream(reqwest::Body::wrap_stream(stream)).file_name("grande.pdf"),
    );
    let url = format!("{}/api/v1/cases/{case_id}/files", server.base);
    let uploading = tokio::spawn({
        let entity = entity.clone();
        async move { entity.post(url).multipart(form).send().await }
    });
    for piece in big.chunks(64 * 1024).take(8) {
        sender.send(Ok(piece.to_vec())).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    server.kill();
    drop(sender);
    // Whatever the client was told, the server is gone.
    let _ = uploading.await;

    // Every row names a stored content; the half upload left no row.
    let db = app::server::store::Db::connect(&database.url)
        .await
        .unwrap();
    let files = app::server::files::FileStore::local(&database.files_root(), FileLimits::default())
        .unwrap();
    let rows = db.case_files(&case_id, "").await.unwrap();
    assert!(rows.is_empty(), "nothing attached");
    let count: i64 = database.count("SELECT COUNT(*) FROM files").await;
    assert_eq!(count, 1, "only the finished upload");
    let spool = database.files_root().join("incoming");
    assert_eq!(
        count_files(&spool),
        1,
        "the killed upload's spool file is left"
    );
    assert!(files
        .open(kept["files"][0]["sha256"].as_str().unwrap())
        .await
        .is_ok());

    // A content stored with no row (a crash between the two) and the
    // spool are swept once old; the referenced content stays, until its
    // pending upload is forgotten a day later.
    let orphan = database
        .files_root()
        .join("objects/ab/ab".to_owned() + &"0".repeat(62));
    std::fs::create_dir_all(orphan.parent().unwrap()).unwrap();
    std::fs::write(&orphan, b"huerfano").unwrap();
    let now = app::domain::calendar::now_ms();
    assert_eq!(
        files.sweep(&db, now).await.unwrap(),
        0,
        "nothing is old yet"
    );
    assert!(orphan.exists());
    let later = now + app::server::files::GRACE_MS + 1000;
    assert_eq!(files.sweep(&db, later).await.unwrap(), 1);
    assert!(!orphan.exists());
    assert_eq!(count_files(&spool), 0);
    assert!(files
        .open(kept["files"][0]["sha256"].as_str().unwrap())
        .await
        .is_ok());
    let next_day = later + app::server::files::PENDING_KEPT_MS;
    assert_eq!(
        files.sweep(&db, next_day).await.unwrap(),
        1,
        "the forgotten upload's content"
    );
    assert_eq!(database.count("SELECT COUNT(*) FROM files").await, 0);
    assert_eq!(count_files(&database.files_root().join("objects")), 0);
}

fn tokio_stream_from(
    mut receiver: tokio::sync::mpsc::Receiver<Result<Vec<u8>, std::io::Error>>,
) -> impl futures::Stream<Item = Result<Vec<u8>, std::io::Error>> {
    futures::stream::poll_fn(move |cx| receiver.poll_recv(cx))
}
