//! Long lists a page at a time: the case list and the inbox, in the API
//! (entries in the body, the total in `X-Total-Count`, the pages around in
//! `Link`) and on their pages.

use std::collections::HashSet;

use crate::common::TestApp;
use serde_json::{json, Value};

/// Opens `count` PR09 cases (each waits at activity 1 for the AIT
/// professional); returns their references, oldest first.
async fn open_cases(app: &TestApp, client: &reqwest::Client, count: usize) -> Vec<String> {
    let entity = app.demo_entity_id().await;
    let mut references = Vec::new();
    for n in 0..count {
        let response = client
            .post(app.url("/api/v1/cases"))
            .json(
                &json!({ "procedure": "PR09", "entity_id": entity, "title": format!("Caso {n}") }),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 201);
        let case: Value = response.json().await.unwrap();
        references.push(case["reference"].as_str().unwrap().to_owned());
    }
    references
}

struct Listed {
    references: Vec<String>,
    total: i64,
    /// `rel` → address, from the `Link` header.
    links: Vec<(String, String)>,
}

impl Listed {
    fn link(&self, rel: &str) -> Option<&str> {
        self.links
            .iter()
            .find(|(r, _)| r == rel)
            .map(|(_, url)| url.as_str())
    }
}

/// `GET path` as a page of the API: the entries' references, the total and
/// the links.
async fn get_page(app: &TestApp, client: &reqwest::Client, path: &str) -> Listed {
    let response = client.get(app.url(path)).send().await.unwrap();
    assert_eq!(response.status(), 200, "GET {path}");
    let total = response.headers()["x-total-count"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let links = response
        .headers()
        .get("link")
        .map(|value| {
            value
                .to_str()
                .unwrap()
                .split(", ")
                .map(|part| {
                    let (url, rel) = part.split_once("; rel=").unwrap();
                    let url = url.trim_start_matches('<').trim_end_matches('>');
                    (rel.trim_matches('"').to_owned(), url.to_owned())
                })
                .collect()
        })
        .unwrap_or_default();
    let body: Value = response.json().await.unwrap();
    let references = body
        .as_array()
        .expect("a page is the list's entries")
        .iter()
        .map(|entry| entry["reference"].as_str().unwrap().to_owned())
        .collect();
    Listed {
        references,
        total,
        links,
    }
}

#[tokio::test]
async fn the_case_list_comes_in_pages_of_fifty_with_its_total() {
    let app = TestApp::with_demo().await;
    let jefe = app.login("jefe-ugat@demo.local").await;
    let mut opened = open_cases(&app, &jefe, 120).await;
    opened.reverse(); // the list shows the newest first

    let first = get_page(&app, &jefe, "/api/v1/cases?procedure=PR09").await;
    assert_eq!(first.total, 120);
    assert_eq!(first.references, opened[..50]);
    assert_eq!(first.link("prev"), None);
    let next = first.link("next").expect("a second page").to_owned();
    assert!(
        next.starts_with("/api/v1/cases?procedure=PR09&after="),
        "{next}"
    );

    // A case opened meanwhile goes to the top of the first page: the next
    // pages neither repeat nor skip an entry.
    let newest = open_cases(&app, &jefe, 1).await;
    let second = get_page(&app, &jefe, &next).await;
    assert_eq!(second.total, 121);
    assert_eq!(second.references, opened[50..100]);
    let third = get_page(&app, &jefe, second.link("next").unwrap()).await;
    assert_eq!(third.references, opened[100..]);
    assert_eq!(third.link("next"), None);
    assert_eq!(
        third.link("first"),
        Some("/api/v1/cases?procedure=PR09"),
        "the first page keeps the filter"
    );

    // Back from the third page: the second page again.
    let back = get_page(&app, &jefe, third.link("prev").unwrap()).await;
    assert_eq!(back.references, opened[50..100]);
    let front = get_page(&app, &jefe, back.link("prev").unwrap()).await;
    assert_eq!(front.references, opened[..50]);
    let before_front = get_page(&app, &jefe, front.link("prev").unwrap()).await;
    assert_eq!(before_front.references, newest, "the case opened meanwhile");
    assert_eq!(before_front.link("prev"), None);
    let now_first = get_page(&app, &jefe, "/api/v1/cases?procedure=PR09&limit=200").await;
    assert_eq!(now_first.references[0], newest[0]);
    assert_eq!(now_first.references.len(), 121);
    assert_eq!(
        now_first.references.iter().collect::<HashSet<_>>().len(),
        121
    );

    // The total follows the filter.
    let none = get_page(&app, &jefe, "/api/v1/cases?procedure=PR6").await;
    assert_eq!((none.total, none.references.len()), (0, 0));
    assert!(none.links.is_empty());
}

#[tokio::test]
async fn the_inbox_comes_in_pages_longest_waiting_first() {
    let app = TestApp::with_demo().await;
    let jefe = app.login("jefe-ugat@demo.local").await;
    let opened = open_cases(&app, &jefe, 60).await;
    let profesional = app.login("profesional-ait@demo.local").await;

    let first = get_page(&app, &profesional, "/api/v1/inbox?limit=25").await;
    assert_eq!(first.total, 60);
    assert_eq!(first.references, opened[..25]);
    let second = get_page(&app, &profesional, first.link("next").unwrap()).await;
    assert_eq!(second.references, opened[25..50]);
    assert!(second.link("next").unwrap().contains("limit=25"));
    let third = get_page(&app, &profesional, second.link("next").unwrap()).await;
    assert_eq!(third.references, opened[50..]);
    assert_eq!(third.link("next"), None);

    // Someone else's inbox holds none of them.
    let dge = app.login("dge@demo.local").await;
    let empty = get_page(&app, &dge, "/api/v1/inbox").await;
    assert_eq!((empty.total, empty.references.len()), (0, 0));
}

#[tokio::test]
async fn a_page_request_that_cannot_be_read_is_refused_in_spanish() {
    let app = TestApp::with_demo().await;
    let jefe = app.login("jefe-ugat@demo.local").await;
    open_cases(&app, &jefe, 2).await;
    for (path, status, says) in [
        ("/api/v1/cases?after=nada", 422, "posición de la página"),
        ("/api/v1/inbox?before=12.x", 422, "posición de la página"),
        ("/api/v1/cases?after=1.a&before=2.b", 422, "no ambas"),
        ("/api/v1/cases?limit=0", 422, "de 1 a 200"),
        ("/api/v1/cases?limit=201", 422, "de 1 a 200"),
        ("/api/v1/cases?limit=muchos", 400, "parámetros"),
    ] {
        let response = jefe.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), status, "{path}");
        let body: Value = response.json().await.unwrap();
        let text = body.to_string();
        assert!(text.contains(says), "{path}: {text}");
    }
}

#[tokio::test]
async fn the_pages_show_fifty_entries_the_total_and_the_way_on() {
    let app = TestApp::with_demo().await;
    let jefe = app.login("jefe-ugat@demo.local").await;
    open_cases(&app, &jefe, 55).await;
    let page = |client: reqwest::Client, path: String| async move {
        client.get(path).send().await.unwrap().text().await.unwrap()
    };

    let cases = page(jefe.clone(), app.url("/expedientes?procedimiento=PR09")).await;
    assert_eq!(cases.matches("<tr data-case=").count(), 50);
    assert!(cases.contains("data-total=\"55\""), "{cases}");
    assert!(cases.contains("55 expedientes · 50 en esta página"));
    let next = cases
        .split("rel=\"next\"")
        .next()
        .and_then(|before| before.rsplit("href=\"").next())
        .and_then(|rest| rest.split('"').next())
        .expect("a link to the next page")
        .replace("&amp;", "&");
    assert!(next.contains("procedimiento=PR09"), "{next}");
    let rest = page(jefe.clone(), app.url(&format!("/expedientes{next}"))).await;
    assert_eq!(rest.matches("<tr data-case=").count(), 5);
    assert!(rest.contains("rel=\"first\""));
    assert!(!rest.contains("rel=\"next\""));

    let profesional = app.login("profesional-ait@demo.local").await;
    let inbox = page(profesional, app.url("/bandeja")).await;
    assert_eq!(inbox.matches("data-inbox=").count(), 50);
    assert!(inbox.contains("55 actividades esperan · 50 en esta página"));
}
