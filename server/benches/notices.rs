//! Notices by e-mail: the time from a completion's commit to its mail
//! accepted by an SMTP server, and how many notices are recorded and
//! mailed per second while several people complete activities at once.
//! The app's own outbox senders deliver to an SMTP sink in this process
//! (so both ends read one clock), on the embedded SQLite by default or on
//! the database `BENCH_DATABASE_URL` names (PostgreSQL, say).

#[path = "../tests/support/smtp_sink.rs"]
mod smtp;

use std::time::{Duration, Instant};

use app::domain::procedures::PR6;
use app::server::cases::{self, Completion};
use app::server::mail::{MailSettings, MailTls};
use app::server::settings::Settings;
use app::server::store::{Db, User};

use smtp::SmtpSink;

/// The longest any mail may take before the bench gives up.
const PATIENCE: Duration = Duration::from_secs(60);

fn number(variable: &str, default: usize) -> usize {
    std::env::var(variable)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Activity 1 of a PR6 case completed by the entity, which makes the DGE's
/// activity 2 current: one notice, one mail to the single DGE account.
async fn complete_first(db: &Db, entity: &User, case: &str) {
    cases::complete(
        db,
        entity,
        case,
        Completion {
            activity: 1,
            choice: Some("nota-externa"),
            output_reference: "NE-1/2026",
            comment: None,
            version: 1,
            files: &[],
            assignee: None,
            without_forms: true,
        },
    )
    .await
    .unwrap();
}

/// Waits until the sink holds `count` mails (polled often: the accept
/// times are the sink's, so the poll only costs wall time).
async fn until_mailed(sink: &SmtpSink, count: usize) {
    let started = Instant::now();
    while sink.count() < count {
        assert!(
            started.elapsed() < PATIENCE,
            "{} of {count} mails arrived in {PATIENCE:?}",
            sink.count()
        );
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

fn nearest_rank(sorted: &[Duration], q: f64) -> Duration {
    let rank = (sorted.len() as f64 * q).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let one_by_one = number("BENCH_MAILS", 200);
    let at_once = number("BENCH_MAIL_LOAD", 500);
    let workers = number("BENCH_WORKERS", 8);

    // A handle that queues no mail: opening a case tells the entity, and
    // those mails must not mix with the completions' own.
    let quiet = Db::connect(&url).await.expect("database");
    app::server::demo::seed(&quiet)
        .await
        .expect("demo accounts");
    let user = |email: &'static str| {
        let db = quiet.clone();
        async move { db.find_user_by_email(email).await.unwrap().unwrap() }
    };
    let jefe = user("jefe-ugat@demo.local").await;
    let entity = user("entidad@demo.local").await;
    let dge = user("dge@demo.local").await;
    let entity_id = entity.entity_id.clone().expect("the demo entity");
    let mut ids = Vec::with_capacity(one_by_one + at_once);
    for i in 0..one_by_one + at_once {
        let title = format!("Integración {i}");
        ids.push(
            cases::open(
                &quiet,
                &jefe,
                &PR6,
                std::slice::from_ref(&entity_id),
                &title,
            )
            .await
            .unwrap(),
        );
    }
    let (sequential, concurrent) = ids.split_at(one_by_one);

    // The app as a server runs it: the state's handle queues mail in each
    // completion's transaction, its senders deliver to the sink.
    let sink = SmtpSink::start().await;
    let settings = Settings {
        mail: Some(MailSettings {
            host: "127.0.0.1".into(),
            port: sink.port,
            tls: MailTls::None,
            user: None,
            password: None,
            from: "Avisos <avisos@example.org>".into(),
        }),
        ..Settings::demo()
    };
    let options = leptos::config::LeptosOptions::builder()
        .output_name("manual")
        .site_root("target/site")
        .build();
    let files = app::server::files::FileStore::local(&dir.path().join("files"), Default::default())
        .unwrap();
    let state = server::AppState::new(options, quiet.clone(), settings, files);
    server::notify::run_regularly(&state);
    let db = state.db.clone();

    // Latency: one completion at a time, its mail awaited before the next.
    let mut latencies = Vec::with_capacity(one_by_one);
    for (i, case) in sequential.iter().enumerate() {
        complete_first(&db, &entity, case).await;
        let committed = Instant::now();
        until_mailed(&sink, i + 1).await;
        let mail = sink.received().swap_remove(i);
        assert_eq!(mail.to, [dge.email.as_deref().unwrap()]);
        latencies.push(mail.at.saturating_duration_since(committed));
    }
    latencies.sort();

    // Throughput: `workers` entity sessions completing at once; the mail
    // is done when the sink accepted the last one.
    let unread_before = db.unread_notifications(&dge.id).await.unwrap();
    let started = Instant::now();
    let mut tasks = Vec::new();
    for part in concurrent.chunks(concurrent.len().div_ceil(workers)) {
        let (db, entity, part) = (db.clone(), entity.clone(), part.to_vec());
        tasks.push(tokio::spawn(async move {
            for case in &part {
                complete_first(&db, &entity, case).await;
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let recording = started.elapsed();
    until_mailed(&sink, one_by_one + at_once).await;
    let last_accepted = sink.received()[one_by_one..]
        .iter()
        .map(|mail| mail.at)
        .max()
        .unwrap();
    let mailing = last_accepted.saturating_duration_since(started);
    let notices = db.unread_notifications(&dge.id).await.unwrap() - unread_before;
    assert_eq!(notices as usize, at_once, "one notice per completion");
    // Exactly one mail per notice: nothing more arrives.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(sink.count(), one_by_one + at_once, "one mail per notice");
    state.stopping.cancel();

    println!(
        "== Notices mailed through SMTP on {} (an in-process sink)",
        db.backend_name()
    );
    println!(
        "{:<40} p50 {:7.2} ms   p95 {:7.2} ms   max {:7.2} ms",
        format!("commit to mail accepted, {one_by_one} in turn"),
        ms(nearest_rank(&latencies, 0.50)),
        ms(nearest_rank(&latencies, 0.95)),
        ms(*latencies.last().unwrap()),
    );
    println!(
        "{:<40} {:7.0} notices/s  ({at_once} in {:.2} s)",
        format!("recorded, {workers} completing at once"),
        at_once as f64 / recording.as_secs_f64(),
        recording.as_secs_f64(),
    );
    println!(
        "{:<40} {:7.0} mails/s    ({at_once} accepted {:.2} s after the start)",
        "mailed, same load",
        at_once as f64 / mailing.as_secs_f64(),
        mailing.as_secs_f64(),
    );
}
