//! Several server processes on one database, as behind a reverse proxy:
//! nothing that must be shared lives in one process's memory.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{json, Value};

use crate::common::{login_at, TestDatabase};

/// A server process of the real binary, stopped when dropped.
pub struct ServerProcess {
    child: Child,
    pub base: String,
}

impl ServerProcess {
    /// Starts the server on `database` with the demo accounts, on a free
    /// port, and waits until it listens.
    pub fn start(database: &TestDatabase) -> ServerProcess {
        ServerProcess::start_with(database, &[])
    }

    /// The same, with more of the environment (`SMTP_*`, say).
    pub fn start_with(database: &TestDatabase, env: &[(&str, &str)]) -> ServerProcess {
        let mut command = server_command();
        command.envs(env.iter().copied());
        let mut child = command
            .env("DATABASE_URL", &database.url)
            .env("APP_FILE_STORE", database.files_root())
            .env("APP_DEMO", "1")
            .env("LEPTOS_SITE_ROOT", "target/site")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the server binary starts");
        let stdout = child.stdout.take().expect("stdout");
        let mut lines = BufReader::new(stdout).lines();
        // "Manual de procedimientos en http://127.0.0.1:PORT (backend)"
        let base = loop {
            let line = lines
                .next()
                .expect("the server says where it listens")
                .expect("readable output");
            if let Some(at) = line.find("http://") {
                let address = line[at..].split_whitespace().next().unwrap_or_default();
                break address.to_owned();
            }
        };
        std::thread::spawn(move || lines.for_each(drop));
        ServerProcess { child, base }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills the process at once (SIGKILL: no chance to finish anything).
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// How the process ended, once it has.
    pub fn try_wait(&mut self) -> Option<std::process::ExitStatus> {
        self.child
            .try_wait()
            .expect("the process can be waited for")
    }
}

/// The server binary on a free port, quiet but for warnings.
fn server_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_server"));
    command
        .env("LEPTOS_OUTPUT_NAME", "manual")
        .env("LEPTOS_SITE_ADDR", "127.0.0.1:0")
        .env("RUST_LOG", "warn");
    command
}

/// Runs the server binary with `env` (in a fresh folder) expecting it to
/// refuse to start: its exit status and what it said.
pub fn refused_start(env: &[(&str, &str)]) -> (std::process::ExitStatus, String) {
    let folder = tempfile::tempdir().unwrap();
    let mut command = server_command();
    command
        .current_dir(folder.path())
        .env_remove("DATABASE_URL")
        .env_remove("APP_DEMO")
        .env_remove("APP_ORIGIN");
    for (name, value) in env {
        command.env(name, value);
    }
    let mut child = command
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server binary starts");
    let started = std::time::Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let mut said = String::new();
            std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut said).unwrap();
            return (status, said);
        }
        if started.elapsed() > std::time::Duration::from_secs(20) {
            let _ = child.kill();
            panic!("the server started with {env:?}");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Two servers on one fresh database (started one after the other, so that
/// the first has migrated it).
pub fn two_servers(database: &TestDatabase) -> (ServerProcess, ServerProcess) {
    let first = ServerProcess::start(database);
    let second = ServerProcess::start(database);
    (first, second)
}

async fn open_case(base: &str, client: &reqwest::Client, entity: &str) -> reqwest::Response {
    client
        .post(format!("{base}/api/v1/cases"))
        .json(&json!({ "procedure": "PR05", "entity_id": entity, "title": "Dos servidores" }))
        .send()
        .await
        .unwrap()
}

pub async fn demo_entity(base: &str, admin: &reqwest::Client) -> String {
    let entities: Value = admin
        .get(format!("{base}/api/v1/entities"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    entities
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["code"] == "DEMO")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_session_made_on_one_server_works_on_the_other() {
    let database = TestDatabase::new().await;
    let (a, b) = two_servers(&database);
    let client = login_at(&a.base, "jefe-ugat@demo.local").await;
    let me: Value = client
        .get(format!("{}/api/v1/me", b.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["email"], "jefe-ugat@demo.local");
    // Signing out on the second ends the session on the first too.
    let out = client
        .post(format!("{}/api/v1/logout", b.base))
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    let again = reqwest::Client::new()
        .get(format!("{}/api/v1/me", a.base))
        .header("cookie", "sesion=nada")
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 401);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_completions_through_both_servers_let_exactly_one_win() {
    let database = TestDatabase::new().await;
    let (a, b) = two_servers(&database);
    let jefe = login_at(&a.base, "jefe-ugat@demo.local").await;
    let admin = login_at(&a.base, "admin@demo.local").await;
    let entity = demo_entity(&a.base, &admin).await;
    let case: Value = open_case(&a.base, &jefe, &entity)
        .await
        .json()
        .await
        .unwrap();
    let id = case["id"].as_str().unwrap().to_owned();
    let first = app::domain::procedures::PR05.activity(1).unwrap().roles[0];
    let holder = login_at(&a.base, &format!("{}@demo.local", first.slug())).await;
    let attempts = (0..20).map(|i| {
        let base = if i % 2 == 0 { &a.base } else { &b.base };
        let url = format!("{base}/api/v1/cases/{id}/activities/1/complete");
        let client = holder.clone();
        async move {
            client
                .post(url)
                .json(&json!({ "output_reference": format!("NI-{i}"), "version": 1 }))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    });
    let statuses = futures::future::join_all(attempts).await;
    assert_eq!(
        statuses.iter().filter(|s| **s == 200).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == 409).count(),
        19,
        "{statuses:?}"
    );
    let after: Value = jefe
        .get(format!("{}/api/v1/cases/{id}", b.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let completions = after["history"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["activity"] == 1)
        .count();
    assert_eq!(completions, 1);
    assert_eq!(after["version"], 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cases_opened_at_once_through_both_servers_get_consecutive_references() {
    let database = TestDatabase::new().await;
    let (a, b) = two_servers(&database);
    let jefe_a = login_at(&a.base, "jefe-ugat@demo.local").await;
    let jefe_b = login_at(&b.base, "jefe-ugat@demo.local").await;
    let admin = login_at(&a.base, "admin@demo.local").await;
    let entity = demo_entity(&a.base, &admin).await;
    let opened = (0..50).map(|i| {
        let (base, client) = if i % 2 == 0 {
            (a.base.clone(), jefe_a.clone())
        } else {
            (b.base.clone(), jefe_b.clone())
        };
        let entity = entity.clone();
        async move {
            let response = open_case(&base, &client, &entity).await;
            assert_eq!(response.status(), 201);
            let case: Value = response.json().await.unwrap();
            case["reference"].as_str().unwrap().to_owned()
        }
    });
    let references: BTreeSet<String> = futures::future::join_all(opened)
        .await
        .into_iter()
        .collect();
    assert_eq!(references.len(), 50, "distinct");
    let numbers: BTreeSet<u32> = references
        .iter()
        .map(|r| r.rsplit('-').next().unwrap().parse().unwrap())
        .collect();
    assert_eq!(numbers, (1..=50).collect(), "consecutive from 1");
}

/// Reads again every 100 ms until `done` holds, for at most 5 s; the
/// last answer.
async fn eventually<T, F: std::future::Future<Output = T>>(
    read: impl Fn() -> F,
    done: impl Fn(&T) -> bool,
) -> T {
    let mut answer = read().await;
    for _ in 0..50 {
        if done(&answer) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        answer = read().await;
    }
    answer
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn both_servers_show_the_same_dashboard_figures() {
    let database = TestDatabase::new().await;
    let (a, b) = two_servers(&database);
    let jefe = login_at(&a.base, "jefe-ugat@demo.local").await;
    let admin = login_at(&a.base, "admin@demo.local").await;
    let entity = demo_entity(&a.base, &admin).await;
    let stats = |base: String| {
        let jefe = jefe.clone();
        async move {
            let stats: Value = jefe
                .get(format!("{base}/api/v1/stats"))
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            (
                stats["generated_at"].as_i64().unwrap(),
                stats["open"].as_u64().unwrap(),
            )
        }
    };
    // Each server takes the figures it finds stored, whichever computed them.
    let (on_a, on_b) = (stats(a.base.clone()).await, stats(b.base.clone()).await);
    assert_eq!(stats(a.base.clone()).await, on_b, "A then B: {on_a:?}");
    assert_eq!(on_b.1, 0);

    // A change through A: A brings the figures up to date, B reads them.
    assert_eq!(open_case(&a.base, &jefe, &entity).await.status(), 201);
    let after_a = stats(a.base.clone()).await;
    assert_eq!(after_a.1, 1);
    assert_eq!(stats(b.base.clone()).await, after_a);

    if database.is_postgres() {
        // B hears of a change through A without anyone asking A.
        assert_eq!(open_case(&a.base, &jefe, &entity).await.status(), 201);
        let on_b = eventually(|| stats(b.base.clone()), |on_b| on_b.1 == 2).await;
        assert_eq!(on_b.1, 2);
        assert_eq!(stats(a.base.clone()).await, on_b);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn list_totals_follow_changes_made_on_the_other_server() {
    let database = TestDatabase::new().await;
    let (a, b) = two_servers(&database);
    let jefe = login_at(&a.base, "jefe-ugat@demo.local").await;
    let admin = login_at(&a.base, "admin@demo.local").await;
    let entity = demo_entity(&a.base, &admin).await;
    let total_on = |base: String| {
        let jefe = jefe.clone();
        async move {
            let response = jefe
                .get(format!("{base}/api/v1/cases"))
                .send()
                .await
                .unwrap();
            response.headers()["x-total-count"]
                .to_str()
                .unwrap()
                .parse::<i64>()
                .unwrap()
        }
    };
    assert_eq!(total_on(b.base.clone()).await, 0);
    assert_eq!(open_case(&a.base, &jefe, &entity).await.status(), 201);
    assert_eq!(
        total_on(a.base.clone()).await,
        1,
        "at once where it was made"
    );
    if database.is_postgres() {
        // The other server counts again once it hears of the change.
        let on_b = eventually(|| total_on(b.base.clone()), |total| *total == 1).await;
        assert_eq!(on_b, 1);
    }
}

#[tokio::test]
async fn every_acknowledged_completion_survives_the_server_being_killed() {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::{Arc, Mutex};

    let database = TestDatabase::new().await;
    let mut server = ServerProcess::start(&database);
    let base = server.base.clone();
    let manager = login_at(&base, "jefe-ugat@demo.local").await;
    let entity = demo_entity(&base, &login_at(&base, "admin@demo.local").await).await;
    let mut cases = Vec::new();
    for n in 0..160 {
        let opened: Value = manager
            .post(format!("{base}/api/v1/cases"))
            .json(
                &json!({ "procedure": "PR09", "entity_id": entity, "title": format!("Caso {n}") }),
            )
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        cases.push(opened["id"].as_str().unwrap().to_owned());
    }
    let acknowledged = Arc::new(Mutex::new(Vec::new()));
    let count = Arc::new(AtomicUsize::new(0));
    let mut clients = Vec::new();
    for chunk in cases.chunks(20) {
        let (chunk, base) = (chunk.to_vec(), base.clone());
        let (acknowledged, count) = (acknowledged.clone(), count.clone());
        let client = login_at(&base, "profesional-ait@demo.local").await;
        clients.push(tokio::spawn(async move {
            for id in chunk {
                let sent = client
                    .post(format!("{base}/api/v1/cases/{id}/activities/1/complete"))
                    .json(&json!({ "output_reference": "IT-DURABLE", "version": 1 }))
                    .send()
                    .await;
                match sent {
                    Ok(response) if response.status() == 200 => {
                        acknowledged.lock().unwrap().push(id);
                        count.fetch_add(1, Ordering::SeqCst);
                    }
                    // The server died under this request: not acknowledged.
                    _ => return,
                }
            }
        }));
    }
    while count.load(Ordering::SeqCst) < 60 {
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    server.kill();
    for client in clients {
        let _ = client.await;
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() >= 60);
    assert!(
        acknowledged.len() < cases.len(),
        "killed while clients were working"
    );

    let restarted = ServerProcess::start(&database);
    let reader = login_at(&restarted.base, "jefe-ugat@demo.local").await;
    for id in &acknowledged {
        let case: Value = reader
            .get(format!("{}/api/v1/cases/{id}", restarted.base))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(case["version"], 2, "acknowledged completion of {id} lost");
    }
}
