//! Starts the real app on a free port with a fresh database for each test.
//!
//! The backend comes from the environment: SQLite in a temporary folder by
//! default; with `TEST_DATABASE=postgres`, a new database for each test in
//! the throwaway cluster that `TEST_POSTGRES_URL` names (`scripts/postgres.sh`
//! starts one and sets both).
// Each test uses its own part of these helpers.
#![allow(dead_code)]

use app::server::files::{FileLimits, FileStore};
use app::server::settings::Settings;
use app::server::store::Db;
use leptos::config::LeptosOptions;
use server::serving::Limits;
use server::AppState;

/// A database of its own for one test.
pub struct TestDatabase {
    pub url: String,
    _folder: tempfile::TempDir,
}

impl TestDatabase {
    pub async fn new() -> TestDatabase {
        let folder = tempfile::tempdir().expect("temporary directory");
        let url = match std::env::var("TEST_DATABASE").as_deref() {
            Ok("postgres") => postgres_database().await,
            Ok("sqlite") | Err(_) => {
                format!("sqlite://{}", folder.path().join("test.db").display())
            }
            Ok(other) => panic!("TEST_DATABASE={other}: use sqlite or postgres"),
        };
        TestDatabase {
            url,
            _folder: folder,
        }
    }

    /// The folder of the test's files, shared by every server on this
    /// database.
    pub fn files_root(&self) -> std::path::PathBuf {
        self._folder.path().join("files")
    }

    /// A count read straight from the database.
    pub async fn count(&self, sql: &str) -> i64 {
        if self.is_postgres() {
            let pool = sqlx::PgPool::connect(&self.url).await.unwrap();
            sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap()
        } else {
            let pool = sqlx::SqlitePool::connect(&self.url).await.unwrap();
            sqlx::query_scalar(sql).fetch_one(&pool).await.unwrap()
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.url.starts_with("postgres")
    }
}

/// Creates an empty database in the test cluster and returns its URL.
async fn postgres_database() -> String {
    use sqlx::Connection;
    let admin = std::env::var("TEST_POSTGRES_URL").expect(
        "TEST_DATABASE=postgres needs TEST_POSTGRES_URL: run the tests through scripts/postgres.sh",
    );
    let name = format!("t{}", app::server::store::new_id());
    let mut connection = sqlx::PgConnection::connect(&admin)
        .await
        .expect("the test cluster answers");
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut connection)
        .await
        .expect("a new database");
    // The admin URL names the `postgres` database: swap it for the new one.
    let (base, query) = admin.split_once('?').unwrap_or((&admin, ""));
    let base = base.rsplit_once('/').map_or(base, |(b, _)| b);
    if query.is_empty() {
        format!("{base}/{name}")
    } else {
        format!("{base}/{name}?{query}")
    }
}

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub db: Db,
    pub files: FileStore,
    pub database: TestDatabase,
}

pub fn leptos_options() -> LeptosOptions {
    LeptosOptions::builder()
        .output_name("manual")
        .site_root("target/site")
        .build()
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        let database = TestDatabase::new().await;
        TestApp::on(database).await
    }

    /// The app on a database that already exists (a second server on the
    /// same database, for one).
    pub async fn on(database: TestDatabase) -> TestApp {
        TestApp::configured(database, Settings::demo(), Limits::default()).await
    }

    /// The app with settings and limits of the test's choosing.
    pub async fn configured(database: TestDatabase, settings: Settings, limits: Limits) -> TestApp {
        TestApp::with_files(database, settings, limits, FileLimits::default()).await
    }

    /// The app with file limits of the test's choosing.
    pub async fn with_files(
        database: TestDatabase,
        settings: Settings,
        limits: Limits,
        file_limits: FileLimits,
    ) -> TestApp {
        let files = FileStore::local(&database.files_root(), file_limits).expect("file store");
        TestApp::serving(database, settings, limits, files).await
    }

    /// The app keeping its files in `files`.
    pub async fn serving(
        database: TestDatabase,
        settings: Settings,
        limits: Limits,
        files: FileStore,
    ) -> TestApp {
        let db = Db::connect(&database.url).await.expect("database");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("free port");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let state = AppState::new(leptos_options(), db, settings, files.clone());
        // The app's own handle: it queues mail when the settings say so.
        let db = state.db.clone();
        server::notify::run_regularly(&state);
        let app = server::router(state);
        tokio::spawn(server::serving::serve(
            listener,
            app,
            limits,
            std::future::pending(),
        ));
        TestApp {
            base,
            client: reqwest::Client::new(),
            db,
            files,
            database,
        }
    }

    /// The same app with the demo accounts (password "demo").
    pub async fn with_demo() -> TestApp {
        let app = TestApp::spawn().await;
        app::server::demo::seed(&app.db)
            .await
            .expect("demo accounts");
        app
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client with its own cookie jar, signed in as `email`.
    pub async fn login(&self, email: &str) -> reqwest::Client {
        login_at(&self.base, email).await
    }

    pub async fn demo_entity_id(&self) -> String {
        self.db
            .list_entities()
            .await
            .unwrap()
            .into_iter()
            .find(|e| e.code == app::server::demo::ENTITY_CODE)
            .expect("the demo entity")
            .id
    }

    /// Registers an entity as the demo administrator; returns its id.
    pub async fn create_entity(&self, name: &str, code: &str) -> String {
        let admin = self.login("admin@demo.local").await;
        let entity: serde_json::Value = admin
            .post(self.url("/api/v1/entities"))
            .json(&serde_json::json!({ "name": name, "code": code }))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        entity["id"].as_str().expect("the new entity").to_owned()
    }

    /// A PR6 case of the demo entity, opened by `client`.
    pub async fn open_pr6(&self, client: &reqwest::Client) -> serde_json::Value {
        let entity_id = self.demo_entity_id().await;
        let response = client
            .post(self.url("/api/v1/cases"))
            .json(&serde_json::json!({
                "procedure": "PR6",
                "entity_id": entity_id,
                "title": "Integración de Ciudadanía Digital",
            }))
            .send()
            .await
            .expect("request");
        assert_eq!(response.status(), 201, "PR6 opened");
        response.json().await.expect("a JSON body")
    }

    /// `GET path` with `client`'s session, read as JSON.
    pub async fn get_json(&self, client: &reqwest::Client, path: &str) -> serde_json::Value {
        let response = client.get(self.url(path)).send().await.expect("request");
        response.json().await.expect("a JSON body")
    }

    /// `GET path` with `client`'s session, read as text (a page's HTML).
    pub async fn get_text(&self, client: &reqwest::Client, path: &str) -> String {
        let response = client.get(self.url(path)).send().await.expect("request");
        response.text().await.expect("a text body")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request")
    }

    /// Runs one statement with `$1`-style parameters on the test's
    /// database, behind the app's back (to age a case, say).
    pub async fn execute(&self, sql: &str, args: &[&str]) -> u64 {
        self.try_execute(sql, args)
            .await
            .expect("the statement runs")
    }

    /// The same, for a statement the database may refuse.
    pub async fn try_execute(&self, sql: &str, args: &[&str]) -> Result<u64, sqlx::Error> {
        let url = &self.database.url;
        if self.database.is_postgres() {
            let pool = sqlx::PgPool::connect(url).await.unwrap();
            let query = args.iter().fold(sqlx::query(sql), |q, a| q.bind(*a));
            Ok(query.execute(&pool).await?.rows_affected())
        } else {
            let pool = sqlx::SqlitePool::connect(url).await.unwrap();
            let query = args.iter().fold(sqlx::query(sql), |q, a| q.bind(*a));
            Ok(query.execute(&pool).await?.rows_affected())
        }
    }

    /// A count the test reads behind the app's back.
    pub async fn count(&self, sql: &str) -> i64 {
        self.database.count(sql).await
    }
}

/// A client with its own cookie jar, signed in as `email` (password
/// "demo") on the server at `base`.
pub async fn login_at(base: &str, email: &str) -> reqwest::Client {
    let (client, status) = sign_in_at(base, email, "demo").await;
    assert_eq!(status, 200, "login of {email}");
    client
}

/// A client with its own cookie jar after trying to sign in as `email`
/// with `password`, and the status of that attempt.
pub async fn sign_in_at(base: &str, email: &str, password: &str) -> (reqwest::Client, u16) {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let status = client
        .post(format!("{base}/api/v1/login"))
        .json(&serde_json::json!({ "email": email, "password": password }))
        .send()
        .await
        .unwrap()
        .status()
        .as_u16();
    (client, status)
}
