//! Durable transitions per second: each completion of an activity is one
//! committed transaction, through the same case service the API and the
//! pages use. On the embedded SQLite (WAL, synchronous=FULL) by default, or
//! on the database `BENCH_DATABASE_URL` names (PostgreSQL, say).

use std::time::Instant;

use app::domain::procedures::PR09;
use app::server::cases::{self, Completion};
use app::server::store::Db;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let db = Db::connect(&url).await.expect("database");
    app::server::demo::seed(&db).await.expect("demo accounts");
    let entity = db.list_entities().await.unwrap().remove(0);
    let user = |email: &'static str| {
        let db = db.clone();
        async move { db.find_user_by_email(email).await.unwrap().unwrap() }
    };
    let jefe = user("jefe-ugat@demo.local").await;
    let profesional = user("profesional-ait@demo.local").await;
    let responsable = user("responsable-ait@demo.local").await;
    let cases: usize = std::env::var("BENCH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);

    let started = Instant::now();
    let mut ids = Vec::with_capacity(cases);
    for i in 0..cases {
        let title = format!("Seguimiento {i}");
        ids.push(
            cases::open(&db, &jefe, &PR09, std::slice::from_ref(&entity.id), &title)
                .await
                .unwrap(),
        );
    }
    let opening = started.elapsed();

    // Activities 1 (profesional) and 2 (responsable) of every case, one
    // transaction each, the way people complete them: `BENCH_WORKERS`
    // people at once, each on their own cases.
    let workers: usize = std::env::var("BENCH_WORKERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let started = Instant::now();
    let mut tasks = Vec::new();
    for part in ids.chunks(ids.len().div_ceil(workers)) {
        let (db, part) = (db.clone(), part.to_vec());
        let (profesional, responsable) = (profesional.clone(), responsable.clone());
        tasks.push(tokio::spawn(async move {
            for id in &part {
                for (number, user, version) in [(1, &profesional, 1), (2, &responsable, 2)] {
                    cases::complete(
                        &db,
                        user,
                        id,
                        Completion {
                            activity: number,
                            choice: None,
                            output_reference: "IT-1/2026",
                            comment: None,
                            version,
                            files: &[],
                            assignee: None,
                            without_forms: true,
                        },
                    )
                    .await
                    .unwrap();
                }
            }
            part.len() * 2
        }));
    }
    let mut transitions = 0;
    for task in tasks {
        transitions += task.await.unwrap();
    }
    let completing = started.elapsed();
    println!(
        "== Durable transitions on {} ({workers} at once)",
        db.backend_name()
    );
    println!(
        "opened {cases} cases in {:.2} s: {:.0} cases/s",
        opening.as_secs_f64(),
        cases as f64 / opening.as_secs_f64()
    );
    println!(
        "completed {transitions} activities in {:.2} s: {:.0} transitions/s, {:.2} ms each",
        completing.as_secs_f64(),
        transitions as f64 / completing.as_secs_f64(),
        completing.as_secs_f64() * 1000.0 / transitions as f64
    );
}
