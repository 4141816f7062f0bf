//! The dossier (hoja de ruta) of a long case: a PR05 case walked through
//! its observation rounds until its history holds 200 rows, then its
//! record read and drawn as a PDF, as `GET /cases/{id}/dossier.pdf` does.
//! On the embedded SQLite by default, or on `BENCH_DATABASE_URL`.

use std::time::{Duration, Instant};

use app::domain::procedures::{self, PR05};
use app::server::cases::{self, Completion};
use app::server::dossier::dossier;
use app::server::dossier_pdf;
use app::server::store::Db;

const HISTORY_ROWS: usize = 200;
const ROUNDS: usize = 50;

#[tokio::main]
async fn main() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = std::env::var("BENCH_DATABASE_URL")
        .unwrap_or_else(|_| format!("sqlite://{}", dir.path().join("bench.db").display()));
    let db = Db::connect(&url).await.expect("database");
    app::server::demo::seed(&db).await.expect("demo accounts");
    let entity = db.list_entities().await.unwrap().remove(0);
    let jefe = db
        .find_user_by_email("jefe-ugat@demo.local")
        .await
        .unwrap()
        .unwrap();
    let id = cases::open(
        &db,
        &jefe,
        &PR05,
        std::slice::from_ref(&entity.id),
        "Revisión de un documento largo",
    )
    .await
    .unwrap();
    walk_until_long(&db, &id).await;

    let mut read = Vec::with_capacity(ROUNDS);
    let mut drawn = Vec::with_capacity(ROUNDS);
    let mut size = 0;
    let mut rows = 0;
    for _ in 0..ROUNDS {
        let started = Instant::now();
        let record = dossier(&db, &jefe, &id).await.unwrap();
        let between = Instant::now();
        let pdf = dossier_pdf::render(&record);
        drawn.push(between.elapsed());
        read.push(between - started);
        size = pdf.len();
        rows = record.case.history.len();
    }
    println!("== Dossier PDF of a case with {rows} history rows ({ROUNDS} times)");
    report("read the record", &mut read);
    report("draw the PDF", &mut drawn);
    let mut total: Vec<Duration> = read.iter().zip(&drawn).map(|(a, b)| *a + *b).collect();
    report("both (target: under 200 ms)", &mut total);
    println!("{:<32} {:.1} KB", "PDF size", size as f64 / 1024.0);
}

fn report(label: &str, times: &mut [Duration]) {
    times.sort();
    let at = |p: f64| times[((times.len() - 1) as f64 * p).round() as usize].as_secs_f64() * 1000.0;
    println!(
        "{label:<32} p50 {:>7.2} ms   p99 {:>7.2} ms",
        at(0.5),
        at(0.99)
    );
}

/// Completes the lowest current activity (but those that would end the
/// case's other lines) as whoever holds its role, taking the observation
/// round at activity 9, until the history is long enough.
async fn walk_until_long(db: &Db, id: &str) {
    let procedure = procedures::definition("PR05", PR05.version).unwrap();
    loop {
        let view = cases::view(db, &app::domain::access::Actor::admin(), id)
            .await
            .unwrap()
            .unwrap();
        if view.history.len() >= HISTORY_ROWS {
            return;
        }
        let number = view
            .active
            .iter()
            .map(|a| a.number)
            .filter(|n| ![5, 6, 14].contains(n))
            .min()
            .expect("an activity of the round is current");
        let activity = procedure.activity(number).unwrap();
        let choice = if number == 9 {
            "con-observaciones"
        } else {
            activity.next[0].id
        };
        let email = format!("{}@demo.local", activity.roles[0].slug());
        let user = db.find_user_by_email(&email).await.unwrap().unwrap();
        cases::complete(
            db,
            &user,
            id,
            Completion {
                activity: number,
                choice: Some(choice),
                output_reference: &format!("NI-{number}/2026"),
                comment: Some("Se revisó el documento y se dejan observaciones para la siguiente ronda de revisión."),
                version: view.version,
                files: &[],
                assignee: None,
                without_forms: true,
            },
        )
        .await
        .unwrap();
    }
}
