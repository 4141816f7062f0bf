//! Durable transitions per second on the embedded SQLite: each completion of
//! an activity is one committed transaction (synchronous=FULL, WAL), through
//! the same store the API and the pages use.

use std::time::Instant;

use app::domain::procedures::PR09;
use app::server::store::{self, Completion};

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!("sqlite://{}", dir.path().join("bench.db").display());
    let pool = server::db::connect(&url).await.expect("database");
    app::server::demo::seed(&pool).await.expect("demo accounts");
    let entity = store::list_entities(&pool).await.unwrap().remove(0);
    let jefe = store::find_user_by_email(&pool, "jefe-ugat@demo.local")
        .await
        .unwrap()
        .unwrap();
    let profesional = store::find_user_by_email(&pool, "profesional-ait@demo.local")
        .await
        .unwrap()
        .unwrap();
    let responsable = store::find_user_by_email(&pool, "responsable-ait@demo.local")
        .await
        .unwrap()
        .unwrap();
    let cases: usize = std::env::var("BENCH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);

    let started = Instant::now();
    let mut ids = Vec::with_capacity(cases);
    for i in 0..cases {
        ids.push(
            store::open_case(&pool, &jefe, &PR09, &entity.id, &format!("Seguimiento {i}"))
                .await
                .unwrap(),
        );
    }
    let opening = started.elapsed();

    // Activities 1 (profesional) and 2 (responsable) of every case, one
    // transaction each, the way people complete them.
    let started = Instant::now();
    let mut transitions = 0;
    for id in &ids {
        for (number, user, version) in [(1, &profesional, 1), (2, &responsable, 2)] {
            store::complete_activity(
                &pool,
                user,
                id,
                Completion {
                    activity: number,
                    choice: None,
                    output_reference: "IT-1/2026",
                    comment: None,
                    version,
                },
            )
            .await
            .unwrap();
            transitions += 1;
        }
    }
    let completing = started.elapsed();
    println!("== Durable transitions on the embedded SQLite (WAL, synchronous=FULL)");
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
