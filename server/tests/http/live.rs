//! Changes pushed to open pages as server-sent events, with the access rules
//! of the data behind them, across servers.

use std::time::Duration;

use futures::StreamExt;
use serde_json::{json, Value};

use crate::common::{login_at, TestApp, TestDatabase};
use crate::servers::{demo_entity, ServerProcess};

/// An open event stream, read event by event.
pub struct EventStream {
    body: futures::stream::BoxStream<'static, reqwest::Result<bytes::Bytes>>,
    buffer: String,
}

impl EventStream {
    pub async fn open(client: &reqwest::Client, url: &str) -> EventStream {
        let response = client.get(url).send().await.expect("stream opens");
        assert_eq!(response.status(), 200, "{url}");
        assert!(response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/event-stream"));
        EventStream {
            body: response.bytes_stream().boxed(),
            buffer: String::new(),
        }
    }

    /// The next event `(name, data)`, skipping keep-alive comments; `None`
    /// when none comes within `wait`.
    pub async fn next(&mut self, wait: Duration) -> Option<(String, Value)> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            while let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut name = String::from("message");
                let mut data = String::new();
                for line in block.lines() {
                    if let Some(value) = line.strip_prefix("event:") {
                        name = value.trim().to_owned();
                    } else if let Some(value) = line.strip_prefix("data:") {
                        data.push_str(value.trim());
                    }
                }
                if !data.is_empty() {
                    return Some((name, serde_json::from_str(&data).expect("JSON data")));
                }
            }
            let chunk = tokio::time::timeout_at(deadline, self.body.next())
                .await
                .ok()??
                .ok()?;
            self.buffer.push_str(&String::from_utf8_lossy(&chunk));
        }
    }
}

const WAIT: Duration = Duration::from_secs(5);

#[tokio::test]
async fn a_case_page_hears_of_each_change_and_others_cannot_listen() {
    let app = TestApp::with_demo().await;
    let jefe = app.login("jefe-ugat@demo.local").await;
    let case = app.open_pr6(&jefe).await;
    let id = case["id"].as_str().unwrap();
    let url = app.url(&format!("/api/v1/cases/{id}/events"));
    let mut stream = EventStream::open(&jefe, &url).await;
    let (name, ready) = stream.next(WAIT).await.expect("ready");
    assert_eq!((name.as_str(), &ready["version"]), ("ready", &json!(1)));

    let entidad = app.login("entidad@demo.local").await;
    let done = entidad
        .post(app.url(&format!("/api/v1/cases/{id}/activities/1/complete")))
        .json(&json!({ "choice": "nota-externa", "output_reference": "NOTA-1", "version": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    let (name, changed) = stream.next(WAIT).await.expect("the change");
    assert_eq!(name, "changed");
    assert_eq!(changed, json!({ "case_id": id, "version": 2 }));

    // Signed out: 401; another entity's case: 404, as its data is.
    let anonymous = reqwest::Client::new().get(&url).send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let other = app.create_entity("Otra entidad", "OTRA").await;
    let foreign = open_case_for(&app, &jefe, &other).await;
    let refused = entidad
        .get(app.url(&format!("/api/v1/cases/{foreign}/events")))
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 404);
}

async fn open_case_for(app: &TestApp, client: &reqwest::Client, entity: &str) -> String {
    let case: Value = client
        .post(app.url("/api/v1/cases"))
        .json(&json!({ "procedure": "PR05", "entity_id": entity, "title": "Ajeno" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    case["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn an_entitys_own_stream_carries_only_its_own_cases() {
    let app = TestApp::with_demo().await;
    let jefe = app.login("jefe-ugat@demo.local").await;
    let entidad = app.login("entidad@demo.local").await;
    let mut mine = EventStream::open(&entidad, &app.url("/api/v1/events")).await;
    mine.next(WAIT).await.expect("ready");
    let other = app.create_entity("Otra entidad", "OTRA").await;
    open_case_for(&app, &jefe, &other).await;
    let own = app.open_pr6(&jefe).await;
    // Its accounts are also told they have a notice (the case waits for
    // the entity): that says nothing of any case.
    let (name, changed) = loop {
        let event = mine.next(WAIT).await.expect("its own case");
        if event.0 != "notified" {
            break event;
        }
    };
    assert_eq!(name, "changed");
    assert_eq!(
        changed["case_id"], own["id"],
        "the other entity's case is not told"
    );
}

/// How many notices the person has not read, as their list says.
async fn unread(app: &TestApp, client: &reqwest::Client) -> i64 {
    app.get_json(client, "/api/v1/notifications").await["unread"]
        .as_i64()
        .expect("an unread count")
}

#[tokio::test]
async fn a_persons_own_stream_carries_how_many_notices_they_have_not_read() {
    let app = TestApp::with_demo().await;
    let jefe = app.login("jefe-ugat@demo.local").await;
    let entidad = app.login("entidad@demo.local").await;
    let before = unread(&app, &entidad).await;
    let mut mine = EventStream::open(&entidad, &app.url("/api/v1/events")).await;
    let (name, ready) = mine.next(WAIT).await.expect("ready");
    assert_eq!((name.as_str(), &ready["unread"]), ("ready", &json!(before)));
    // A case that waits for the entity is a notice for its accounts.
    app.open_pr6(&jefe).await;
    let notified = loop {
        let (name, data) = mine.next(WAIT).await.expect("notified");
        if name == "notified" {
            break data;
        }
    };
    let after = unread(&app, &entidad).await;
    assert!(after > before, "the entity has a new notice");
    assert_eq!(notified["unread"], json!(after));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_change_on_one_server_reaches_a_page_open_on_the_other() {
    let database = TestDatabase::new().await;
    if !database.is_postgres() {
        // Two processes on one SQLite file share no channel: several
        // servers need PostgreSQL, which this test runs on.
        return;
    }
    let a = ServerProcess::start(&database);
    let b = ServerProcess::start(&database);
    let jefe = login_at(&a.base, "jefe-ugat@demo.local").await;
    let admin = login_at(&a.base, "admin@demo.local").await;
    let entity = demo_entity(&a.base, &admin).await;
    let case: Value = jefe
        .post(format!("{}/api/v1/cases", a.base))
        .json(&json!({ "procedure": "PR6", "entity_id": &entity, "title": "Dos servidores" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let id = case["id"].as_str().unwrap();
    let watcher = login_at(&b.base, "jefe-ugat@demo.local").await;
    let mut on_b =
        EventStream::open(&watcher, &format!("{}/api/v1/cases/{id}/events", b.base)).await;
    on_b.next(WAIT).await.expect("ready");
    let entidad = login_at(&a.base, "entidad@demo.local").await;
    let done = entidad
        .post(format!(
            "{}/api/v1/cases/{id}/activities/1/complete",
            a.base
        ))
        .json(&json!({ "choice": "nota-externa", "output_reference": "NOTA-1", "version": 1 }))
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 200);
    let (name, changed) = on_b.next(WAIT).await.expect("the change crosses servers");
    assert_eq!(name, "changed");
    assert_eq!(changed["version"], 2);
}
