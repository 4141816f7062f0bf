//! How long a change takes to reach a page open on another server: two
//! servers (two apps with their own pools and listeners, as two processes
//! would have) on the database `BENCH_DATABASE_URL` names (PostgreSQL),
//! a person's event stream open on the second, and changes made through
//! the first. Prints p50/p95/max from each change's commit to its event.

use std::time::{Duration, Instant};

use futures::StreamExt;

use app::domain::procedures::PR09;
use app::server::cases::{self, Completion};
use app::server::store::Db;

async fn serve(db: Db) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let options = leptos::config::LeptosOptions::builder()
        .output_name("manual")
        .site_root("target/site")
        .build();
    let files = std::env::temp_dir().join("bench-live-files");
    let files = app::server::files::FileStore::local(&files, Default::default()).unwrap();
    let app = server::router(server::AppState::new(
        options,
        db,
        Default::default(),
        files,
    ));
    tokio::spawn(server::serving::serve(
        listener,
        app,
        server::serving::Limits::default(),
        std::future::pending(),
    ));
    base
}

#[tokio::main]
async fn main() {
    let Ok(url) = std::env::var("BENCH_DATABASE_URL") else {
        eprintln!("BENCH_DATABASE_URL=postgres://… names the database both servers share");
        return;
    };
    let changes: usize = std::env::var("BENCH_CHANGES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let first = Db::connect(&url).await.expect("database");
    app::server::demo::seed(&first)
        .await
        .expect("demo accounts");
    let second = Db::connect(&url).await.expect("database");
    let base = serve(second).await;

    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let login = client
        .post(format!("{base}/api/v1/login"))
        .json(&serde_json::json!({ "email": "jefe-ugat@demo.local", "password": "demo" }))
        .send()
        .await
        .unwrap();
    assert!(login.status().is_success());
    let mut stream = client
        .get(format!("{base}/api/v1/events"))
        .send()
        .await
        .unwrap()
        .bytes_stream();
    // The `ready` event: the stream is open.
    stream.next().await.unwrap().unwrap();

    let user = |email: &'static str| {
        let db = first.clone();
        async move { db.find_user_by_email(email).await.unwrap().unwrap() }
    };
    let jefe = user("jefe-ugat@demo.local").await;
    let profesional = user("profesional-ait@demo.local").await;
    let entity = first.list_entities().await.unwrap().remove(0);
    let mut latencies = Vec::with_capacity(changes);
    // From asking for the change (its transaction included) to the event.
    let mut whole = Vec::with_capacity(changes);
    let mut case = String::new();
    for i in 0..changes {
        // Each change: a case opened, or its first activity completed.
        let asked = Instant::now();
        let committed = if i % 2 == 0 {
            case = cases::open(
                &first,
                &jefe,
                &PR09,
                std::slice::from_ref(&entity.id),
                "Latencia",
            )
            .await
            .unwrap();
            Instant::now()
        } else {
            cases::complete(
                &first,
                &profesional,
                &case,
                Completion {
                    activity: 1,
                    choice: None,
                    output_reference: "IT-1",
                    comment: None,
                    version: 1,
                    files: &[],
                    assignee: None,
                    without_forms: true,
                },
            )
            .await
            .unwrap();
            Instant::now()
        };
        let chunk = tokio::time::timeout(Duration::from_secs(5), stream.next())
            .await
            .expect("the event arrives")
            .unwrap()
            .unwrap();
        let arrived = Instant::now();
        assert!(String::from_utf8_lossy(&chunk).contains(&case));
        latencies.push(arrived.saturating_duration_since(committed));
        whole.push(arrived.saturating_duration_since(asked));
    }
    latencies.sort();
    whole.sort();
    let at = |q: f64| {
        latencies[((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1]
    };
    println!(
        "== From a commit on one server to the event on another's stream ({})",
        first.backend_name()
    );
    println!(
        "{changes} changes: p50 {:.2} ms, p95 {:.2} ms, max {:.2} ms",
        at(0.50).as_secs_f64() * 1000.0,
        at(0.95).as_secs_f64() * 1000.0,
        latencies.last().unwrap().as_secs_f64() * 1000.0
    );
    println!(
        "from asking for the change (its transaction included): p50 {:.2} ms, p95 {:.2} ms",
        nearest_rank(&whole, 0.50).as_secs_f64() * 1000.0,
        nearest_rank(&whole, 0.95).as_secs_f64() * 1000.0
    );
}

fn nearest_rank(sorted: &[Duration], q: f64) -> Duration {
    let rank = (sorted.len() as f64 * q).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}
