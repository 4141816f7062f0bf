//! Derivation, notices and their mail over real HTTP, with an SMTP sink of
//! the tests' own: who may derive to whom, who is told, exactly one mail per
//! notice as each person prefers, digests, an SMTP server that is down, and
//! deadline notices at the right times on a clock the test moves.

use std::time::Duration;

use app::domain::derivation::DeadlinePolicy;
use app::server::mail::{MailSettings, MailTls};
use app::server::notices;
use app::server::settings::Settings;
use serde_json::{json, Value};
use server::serving::Limits;

use crate::common::{login_at, TestApp, TestDatabase};
use crate::servers::{demo_entity, ServerProcess};
use crate::smtp::SmtpSink;

const WAIT: Duration = Duration::from_secs(20);

pub fn mail_to(port: u16) -> MailSettings {
    MailSettings {
        host: "127.0.0.1".into(),
        port,
        tls: MailTls::None,
        user: None,
        password: None,
        from: "Avisos <avisos@example.org>".into(),
    }
}

/// The app with the demo accounts, mailing through the sink at `port`.
async fn app_mailing_to(port: u16) -> TestApp {
    let settings = Settings {
        mail: Some(mail_to(port)),
        ..Settings::demo()
    };
    let app = TestApp::configured(TestDatabase::new().await, settings, Limits::default()).await;
    app::server::demo::seed(&app.db)
        .await
        .expect("demo accounts");
    app
}

async fn user_id(app: &TestApp, email: &str) -> String {
    app.db
        .find_user_by_email(email)
        .await
        .unwrap()
        .expect("the account")
        .id
}

/// A second Profesional del AIT; returns their id.
async fn second_profesional(app: &TestApp) -> String {
    let admin = app.login("admin@demo.local").await;
    let created = admin
        .post(app.url("/api/v1/users"))
        .json(&json!({ "email": "segundo@agetic.gob.bo", "password": "Una frase larga del Illimani 2026", "roles": ["profesional-ait"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201, "{}", created.text().await.unwrap());
    created.json::<Value>().await.unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

async fn open_pr6(app: &TestApp) -> String {
    let jefe = app.login("jefe-ugat@demo.local").await;
    let entity = app.demo_entity_id().await;
    let case: Value = jefe
        .post(app.url("/api/v1/cases"))
        .json(&json!({ "procedure": "PR6", "entity_id": entity, "title": "Derivación" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    case["id"].as_str().unwrap().to_owned()
}

/// Completes `number` as `client`, deriving to `assignee` when given.
async fn complete(
    app: &TestApp,
    client: &reqwest::Client,
    case: &str,
    number: u16,
    choice: Option<&str>,
    assignee: Option<&str>,
) -> reqwest::Response {
    let current = app.get_json(client, &format!("/api/v1/cases/{case}")).await;
    client
        .post(app.url(&format!(
            "/api/v1/cases/{case}/activities/{number}/complete"
        )))
        .json(&json!({
            "choice": choice,
            "output_reference": format!("NI-{number}"),
            "version": current["version"],
            "assignee": assignee,
        }))
        .send()
        .await
        .unwrap()
}

/// PR6 walked to activity 3 (the Jefe de la UGAT's, which derives).
async fn at_activity_3(app: &TestApp) -> String {
    let case = open_pr6(app).await;
    let entity = app.login("entidad@demo.local").await;
    let dge = app.login("dge@demo.local").await;
    let done = complete(app, &entity, &case, 1, Some("nota-externa"), None).await;
    assert_eq!(done.status(), 200, "{}", done.text().await.unwrap());
    let done = complete(app, &dge, &case, 2, None, None).await;
    assert_eq!(done.status(), 200, "{}", done.text().await.unwrap());
    case
}

async fn post(app: &TestApp, client: &reqwest::Client, path: &str, body: Value) -> (u16, Value) {
    let response = client.post(app.url(path)).json(&body).send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn assignee_of(case: &Value, number: u64) -> Option<String> {
    case["active"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["number"] == number)
        .and_then(|a| a["assignee"]["id"].as_str().map(str::to_owned))
}

#[tokio::test]
async fn derivation_follows_the_manual_and_the_roles() {
    let app = TestApp::with_demo().await;
    let segundo = second_profesional(&app).await;
    let responsable_id = user_id(&app, "responsable-ait@demo.local").await;
    let profesional_id = user_id(&app, "profesional-ait@demo.local").await;
    let uit_id = user_id(&app, "uit@demo.local").await;
    let case = at_activity_3(&app).await;
    let jefe = app.login("jefe-ugat@demo.local").await;
    let responsable = app.login("responsable-ait@demo.local").await;
    let profesional = app.login("profesional-ait@demo.local").await;
    let (segundo_client, _) = crate::common::sign_in_at(
        &app.base,
        "segundo@agetic.gob.bo",
        "Una frase larga del Illimani 2026",
    )
    .await;

    // Deriving to someone without the next activity's role is refused whole.
    let refused = complete(&app, &jefe, &case, 3, None, Some(&uit_id)).await;
    assert_eq!(refused.status(), 422);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["fields"][0]["field"], "assignee", "{body}");
    // Activity 3 "deriva e instruye atender la solicitud al Responsable del AIT".
    let derived = complete(&app, &jefe, &case, 3, None, Some(&responsable_id)).await;
    assert_eq!(derived.status(), 200);
    let view: Value = derived.json().await.unwrap();
    assert_eq!(
        assignee_of(&view, 4).as_deref(),
        Some(responsable_id.as_str())
    );
    let completion = view["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(completion["activity"], 3);
    assert_eq!(completion["assignee"]["id"], responsable_id.as_str());

    // Activity 4 derives on to one Profesional del AIT.
    let derived = complete(&app, &responsable, &case, 4, None, Some(&segundo)).await;
    assert_eq!(derived.status(), 200);
    let view: Value = derived.json().await.unwrap();
    assert_eq!(assignee_of(&view, 5).as_deref(), Some(segundo.as_str()));

    // It is theirs: another Profesional can neither complete nor take it.
    let other = complete(&app, &profesional, &case, 5, Some("sin-presentacion"), None).await;
    assert_eq!(other.status(), 403);
    let path = format!("/api/v1/cases/{case}/activities/5");
    let (status, _) = post(&app, &profesional, &format!("{path}/take"), json!({})).await;
    assert_eq!(status, 409);
    // The inboxes tell the two apart.
    let mine: Value = app
        .get_json(&segundo_client, "/api/v1/inbox?part=assigned-to-me")
        .await;
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    assert_eq!(mine[0]["assigned_to_me"], true);
    let theirs: Value = app.get_json(&profesional, "/api/v1/inbox").await;
    assert!(theirs.as_array().unwrap().is_empty(), "{theirs}");

    // Only the heads reassign, and a reassignment says why.
    let (status, _) = post(
        &app,
        &profesional,
        &format!("{path}/assign"),
        json!({ "user_id": profesional_id, "reason": "Yo lo hago" }),
    )
    .await;
    assert_eq!(status, 403);
    let (status, body) = post(
        &app,
        &jefe,
        &format!("{path}/assign"),
        json!({ "user_id": profesional_id }),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["fields"][0]["field"], "reason");
    let (status, body) = post(
        &app,
        &jefe,
        &format!("{path}/assign"),
        json!({ "user_id": uit_id, "reason": "Carga" }),
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(body["fields"][0]["field"], "user_id");
    let (status, view) = post(
        &app,
        &jefe,
        &format!("{path}/assign"),
        json!({ "user_id": profesional_id, "reason": "Vacaciones del titular" }),
    )
    .await;
    assert_eq!(status, 200, "{view}");
    assert_eq!(
        assignee_of(&view, 5).as_deref(),
        Some(profesional_id.as_str())
    );
    let entry = view["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(entry["event"], "assigned");
    assert_eq!(entry["comment"], "Vacaciones del titular");
    assert_eq!(entry["role"], "jefe-ugat");
    assert_eq!(entry["assignee"]["id"], profesional_id.as_str());

    // Released, anyone with the role may take it.
    let (status, view) = post(&app, &profesional, &format!("{path}/release"), json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(assignee_of(&view, 5), None);
    let (status, _) = post(
        &app,
        &app.login("uit@demo.local").await,
        &format!("{path}/take"),
        json!({}),
    )
    .await;
    assert_eq!(status, 403, "only holders of the role take it");
    let (status, view) = post(&app, &segundo_client, &format!("{path}/take"), json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(assignee_of(&view, 5).as_deref(), Some(segundo.as_str()));
    let events: Vec<&str> = view["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|h| h["event"].as_str())
        .collect();
    assert_eq!(events, ["assigned", "released", "taken"]);
    // An activity the manual does not say derives takes no assignee.
    let done = complete(
        &app,
        &segundo_client,
        &case,
        5,
        Some("sin-presentacion"),
        Some(&profesional_id),
    )
    .await;
    assert_eq!(done.status(), 422);
    let done = complete(
        &app,
        &segundo_client,
        &case,
        5,
        Some("sin-presentacion"),
        None,
    )
    .await;
    assert_eq!(done.status(), 200);
}

#[tokio::test]
async fn the_people_concerned_get_notices_in_the_app() {
    let app = TestApp::with_demo().await;
    let case = open_pr6(&app).await;
    // The case opened at the entity's activity: its accounts are told.
    let entity = app.login("entidad@demo.local").await;
    let list: Value = app.get_json(&entity, "/api/v1/notifications").await;
    assert_eq!(list["unread"], 1, "{list}");
    assert_eq!(list["items"][0]["kind"], "current");
    assert_eq!(list["items"][0]["activity"], 1);
    assert_eq!(list["items"][0]["case_id"], case.as_str());
    assert!(list["items"][0]["reference"]
        .as_str()
        .unwrap()
        .starts_with("PR6-"));
    // The one who opened it is not told of it.
    let jefe = app.login("jefe-ugat@demo.local").await;
    let own: Value = app.get_json(&jefe, "/api/v1/notifications").await;
    assert_eq!(own["unread"], 0);

    let dge = app.login("dge@demo.local").await;
    complete(&app, &entity, &case, 1, Some("nota-externa"), None).await;
    complete(&app, &dge, &case, 2, None, None).await;
    let responsable_id = user_id(&app, "responsable-ait@demo.local").await;
    complete(&app, &jefe, &case, 3, None, Some(&responsable_id)).await;
    let responsable = app.login("responsable-ait@demo.local").await;
    let list: Value = app.get_json(&responsable, "/api/v1/notifications").await;
    assert_eq!(list["unread"], 1);
    let item = &list["items"][0];
    assert_eq!(
        (item["kind"].as_str(), item["activity"].as_u64()),
        (Some("assigned"), Some(4))
    );
    let id = item["id"].as_str().unwrap();
    // Someone else's notice is not theirs to read.
    let (status, _) = post(
        &app,
        &entity,
        &format!("/api/v1/notifications/{id}/read"),
        json!({}),
    )
    .await;
    assert_eq!(status, 404);
    let (status, list) = post(
        &app,
        &responsable,
        &format!("/api/v1/notifications/{id}/read"),
        json!({}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(list["unread"], 0);
    assert_eq!(list["items"][0]["read"], true);
}

#[tokio::test]
async fn each_addressee_gets_one_mail_per_notice_as_they_prefer() {
    let sink = SmtpSink::start().await;
    let app = app_mailing_to(sink.port).await;
    let case = open_pr6(&app).await;
    // Opening told the entity: one mail.
    let first = sink.wait_for(1, WAIT).await;
    assert_eq!(first[0].to, ["entidad@demo.local"]);
    let subject = first[0].header("Subject").unwrap();
    assert!(!subject.is_empty());
    assert!(
        first[0].body.contains(&format!("/expedientes/{case}")),
        "{}",
        first[0].body
    );
    assert!(first[0].headers.contains("multipart/alternative"));

    // The DGE wants a daily digest, the Jefe no mail at all.
    let dge = app.login("dge@demo.local").await;
    let put = dge
        .put(app.url("/api/v1/notification-preferences"))
        .json(&json!({ "mail": "daily" }))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);
    let jefe = app.login("jefe-ugat@demo.local").await;
    let put = jefe
        .put(app.url("/api/v1/notification-preferences"))
        .json(&json!({ "mail": "none" }))
        .send()
        .await
        .unwrap();
    assert_eq!(put.status(), 200);
    let wrong = jefe
        .put(app.url("/api/v1/notification-preferences"))
        .json(&json!({ "mail": "weekly" }))
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 422);

    let entity = app.login("entidad@demo.local").await;
    complete(&app, &entity, &case, 1, Some("nota-externa"), None).await; // tells the DGE
    complete(&app, &dge, &case, 2, None, None).await; // tells the Jefe
    let responsable_id = user_id(&app, "responsable-ait@demo.local").await;
    complete(&app, &jefe, &case, 3, None, Some(&responsable_id)).await; // the Responsable
    let received = sink.wait_for(2, WAIT).await;
    assert_eq!(received[1].to, ["responsable-ait@demo.local"]);
    // Both still notified in the app, but neither mailed.
    for who in [&dge, &jefe] {
        let list: Value = app.get_json(who, "/api/v1/notifications").await;
        assert_eq!(list["unread"], 1, "{list}");
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sink.received().len(), 2, "exactly one mail per notice");
    let ids: std::collections::BTreeSet<_> = sink
        .received()
        .iter()
        .map(|m| m.header("Message-ID"))
        .collect();
    assert_eq!(ids.len(), 2);

    // The next morning's digest lists the DGE's day, once.
    let tomorrow = app::domain::calendar::now_ms() + 86_400_000 + 8 * 3_600_000;
    assert_eq!(
        notices::queue_digests(&app.db, tomorrow, 7).await.unwrap(),
        1
    );
    assert_eq!(
        notices::queue_digests(&app.db, tomorrow, 7).await.unwrap(),
        0
    );
    let received = sink.wait_for(3, WAIT).await;
    assert_eq!(received[2].to, ["dge@demo.local"]);
    assert!(received[2].body.contains(&format!("/expedientes/{case}")));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sink.received().len(), 3);
}

#[tokio::test]
async fn mail_waits_for_a_server_that_is_down_and_arrives_once() {
    let port = SmtpSink::free_port().await;
    let app = app_mailing_to(port).await;
    open_pr6(&app).await;
    // The first try failed: the mail waits, with the reason.
    let started = std::time::Instant::now();
    while app
        .count("SELECT COUNT(*) FROM mail_outbox WHERE attempts > 0 AND last_error IS NOT NULL")
        .await
        == 0
    {
        assert!(started.elapsed() < WAIT, "the mail was never tried");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        app.count("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NULL AND failed_at IS NULL")
            .await,
        1
    );
    // The server comes up; the retry falls due (the clock moved on).
    let sink = SmtpSink::on(port).await;
    app.execute("UPDATE mail_outbox SET next_attempt_at = 0", &[])
        .await;
    let received = sink.wait_for(1, WAIT).await;
    assert_eq!(received[0].to, ["entidad@demo.local"]);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sink.received().len(), 1);
    assert_eq!(
        app.count("SELECT COUNT(*) FROM mail_outbox WHERE sent_at IS NOT NULL")
            .await,
        1
    );
}

#[tokio::test]
async fn mail_refused_for_good_is_shown_to_administrators() {
    let sink = SmtpSink::start().await;
    let app = app_mailing_to(sink.port).await;
    open_pr6(&app).await;
    sink.wait_for(1, WAIT).await;
    // A mail given up on (as after its last try) shows, and may go again.
    app.execute(
        "UPDATE mail_outbox SET sent_at = NULL, failed_at = 1, attempts = 12, last_error = 'connection refused'",
        &[],
    )
    .await;
    let admin = app.login("admin@demo.local").await;
    let failed: Value = app.get_json(&admin, "/api/v1/mail/failed").await;
    assert_eq!(failed.as_array().unwrap().len(), 1, "{failed}");
    assert_eq!(failed[0]["email"], "entidad@demo.local");
    assert_eq!(failed[0]["last_error"], "connection refused");
    let jefe = app.login("jefe-ugat@demo.local").await;
    assert_eq!(
        jefe.get(app.url("/api/v1/mail/failed"))
            .send()
            .await
            .unwrap()
            .status(),
        403
    );
    let id = failed[0]["id"].as_str().unwrap();
    let retried = admin
        .post(app.url(&format!("/api/v1/mail/{id}/retry")))
        .send()
        .await
        .unwrap();
    assert_eq!(retried.status(), 204);
    sink.wait_for(2, WAIT).await;
    let failed: Value = app.get_json(&admin, "/api/v1/mail/failed").await;
    assert!(failed.as_array().unwrap().is_empty());
}

#[tokio::test]
async fn deadlines_remind_then_flag_then_escalate_each_once() {
    let sink = SmtpSink::start().await;
    let app = app_mailing_to(sink.port).await;
    let case = open_pr6(&app).await;
    sink.wait_for(1, WAIT).await; // the entity was told its activity is current
    let since: i64 = app
        .count(&format!(
            "SELECT since FROM case_current WHERE case_id = '{case}'"
        ))
        .await;
    let due = app::server::stats::default_due(&app::domain::procedures::PR6, 1);
    let hour = 3_600_000;
    let policy = DeadlinePolicy {
        remind_before_ms: 24 * hour,
        escalate_after_ms: 48 * hour,
    };
    let sweep = |at: i64| notices::sweep_deadlines(&app.db, at, &policy);
    let entity = app.login("entidad@demo.local").await;
    let jefe = app.login("jefe-ugat@demo.local").await;
    let kinds = |list: &Value| -> Vec<String> {
        list["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["kind"].as_str().unwrap().to_owned())
            .collect()
    };

    assert_eq!(sweep(since + due - 25 * hour).await.unwrap(), 0);
    assert_eq!(sweep(since + due - 23 * hour).await.unwrap(), 1);
    assert_eq!(sweep(since + due - 22 * hour).await.unwrap(), 0, "once");
    let list: Value = app.get_json(&entity, "/api/v1/notifications").await;
    assert_eq!(kinds(&list), ["reminder", "current"]);
    assert_eq!(sweep(since + due + 60_000).await.unwrap(), 1);
    assert_eq!(sweep(since + due + 47 * hour).await.unwrap(), 0);
    let list: Value = app.get_json(&entity, "/api/v1/notifications").await;
    assert_eq!(kinds(&list), ["overdue", "reminder", "current"]);
    // Escalated to the Jefe de la UGAT, and the entity reminded once more.
    assert_eq!(sweep(since + due + 48 * hour).await.unwrap(), 2);
    assert_eq!(sweep(since + due + 100 * hour).await.unwrap(), 0);
    let list: Value = app.get_json(&jefe, "/api/v1/notifications").await;
    assert_eq!(kinds(&list), ["escalated"]);
    let list: Value = app.get_json(&entity, "/api/v1/notifications").await;
    assert_eq!(kinds(&list)[0], "escalated");
    // One mail for each: reminder, overdue and escalation to the entity,
    // escalation to the Jefe.
    let received = sink.wait_for(5, WAIT).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sink.received().len(), 5);
    assert_eq!(
        received
            .iter()
            .filter(|m| m.to == ["jefe-ugat@demo.local"])
            .count(),
        1
    );
    // Done, the activity is owed nothing more: later sweeps concern the
    // next one (the DGE's), not the entity.
    let done = complete(&app, &entity, &case, 1, Some("nota-externa"), None).await;
    assert_eq!(done.status(), 200);
    sweep(since + due + 200 * hour).await.unwrap();
    let list: Value = app.get_json(&entity, "/api/v1/notifications").await;
    assert_eq!(kinds(&list).len(), 4);
    let dge = app.login("dge@demo.local").await;
    let list: Value = app.get_json(&dge, "/api/v1/notifications").await;
    // Found long overdue, its holder still hears it is overdue (and the
    // Jefe that it is escalated).
    assert_eq!(kinds(&list), ["overdue", "current"]);
}

/// The environment of a server process mailing through the sink at `port`.
fn smtp_env(port: &str) -> [(&'static str, &str); 4] {
    [
        ("SMTP_HOST", "127.0.0.1"),
        ("SMTP_PORT", port),
        ("SMTP_TLS", "none"),
        ("SMTP_FROM", "Avisos <avisos@example.org>"),
    ]
}

/// Opens a PR6 case through the server at `base` (its opening mails the
/// entity).
async fn open_pr6_at(base: &str) -> String {
    let admin = login_at(base, "admin@demo.local").await;
    let entity = demo_entity(base, &admin).await;
    let jefe = login_at(base, "jefe-ugat@demo.local").await;
    open_pr6_as(base, &jefe, &entity).await
}

async fn open_pr6_as(base: &str, jefe: &reqwest::Client, entity: &str) -> String {
    let case: Value = jefe
        .post(format!("{base}/api/v1/cases"))
        .json(&json!({ "procedure": "PR6", "entity_id": entity, "title": "Correo" }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    case["id"].as_str().unwrap().to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_killed_between_commit_and_send_sends_once_after_restart() {
    let sink = SmtpSink::start().await;
    // The SMTP server takes the connection and says nothing: the mail is
    // committed and on its way when the server dies.
    sink.stall(true);
    let database = TestDatabase::new().await;
    let port = sink.port.to_string();
    let mut server = ServerProcess::start_with(&database, &smtp_env(&port));
    open_pr6_at(&server.base).await;
    sink.wait_until(WAIT, |s| s.stalled() >= 1).await;
    server.kill();
    sink.stall(false);
    let _restarted = ServerProcess::start_with(&database, &smtp_env(&port));
    let received = sink.wait_for(1, WAIT).await;
    assert_eq!(received[0].to, ["entidad@demo.local"]);
    tokio::time::sleep(Duration::from_secs(1)).await;
    assert_eq!(sink.received().len(), 1, "sent once");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_servers_send_each_mail_once() {
    let sink = SmtpSink::start().await;
    let database = TestDatabase::new().await;
    let port = sink.port.to_string();
    let first = ServerProcess::start_with(&database, &smtp_env(&port));
    let second = ServerProcess::start_with(&database, &smtp_env(&port));
    // Cases opened through both servers at once: each opening mails the
    // entity once, whichever server sends it.
    let admin = login_at(&first.base, "admin@demo.local").await;
    let entity = demo_entity(&first.base, &admin).await;
    let jefe = login_at(&first.base, "jefe-ugat@demo.local").await;
    let opened = 12;
    let mut openings = Vec::new();
    for n in 0..opened {
        let base = if n % 2 == 0 {
            first.base.clone()
        } else {
            second.base.clone()
        };
        let (jefe, entity) = (jefe.clone(), entity.clone());
        openings.push(tokio::spawn(async move {
            open_pr6_as(&base, &jefe, &entity).await
        }));
    }
    for opening in openings {
        opening.await.unwrap();
    }
    let received = sink.wait_for(opened, WAIT).await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let received_now = sink.received();
    assert_eq!(received_now.len(), opened, "no mail twice");
    let ids: std::collections::BTreeSet<_> =
        received.iter().map(|m| m.header("Message-ID")).collect();
    assert_eq!(ids.len(), opened);
}
