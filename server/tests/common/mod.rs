//! Starts the real app on a free port with a fresh database for each test.
// Each test binary uses its own part of these helpers.
#![allow(dead_code)]

use leptos::config::LeptosOptions;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub pool: sqlx::SqlitePool,
    _data: tempfile::TempDir,
}

impl TestApp {
    pub async fn spawn() -> TestApp {
        let data = tempfile::tempdir().expect("temporary directory");
        let url = format!("sqlite://{}", data.path().join("test.db").display());
        let pool = server::db::connect(&url).await.expect("database");
        let options = LeptosOptions::builder()
            .output_name("manual")
            .site_root("target/site")
            .build();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("free port");
        let base = format!("http://{}", listener.local_addr().unwrap());
        let app_pool = pool.clone();
        tokio::spawn(async move {
            axum::serve(listener, server::router(options, app_pool))
                .await
                .unwrap()
        });
        TestApp {
            base,
            client: reqwest::Client::new(),
            pool,
            _data: data,
        }
    }

    /// The same app with the demo accounts (password "demo").
    pub async fn with_demo() -> TestApp {
        let app = TestApp::spawn().await;
        app::server::demo::seed(&app.pool)
            .await
            .expect("demo accounts");
        app
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// A client with its own cookie jar, signed in as `email`.
    pub async fn login(&self, email: &str) -> reqwest::Client {
        let client = reqwest::Client::builder()
            .cookie_store(true)
            .build()
            .unwrap();
        let response = client
            .post(self.url("/api/v1/login"))
            .json(&serde_json::json!({ "email": email, "password": "demo" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200, "login of {email}");
        client
    }

    pub async fn demo_entity_id(&self) -> String {
        sqlx::query_scalar("SELECT id FROM entities WHERE code = 'DEMO'")
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    /// `GET path` with `client`'s session, read as JSON.
    pub async fn get_json(&self, client: &reqwest::Client, path: &str) -> serde_json::Value {
        let response = client.get(self.url(path)).send().await.expect("request");
        response.json().await.expect("a JSON body")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request")
    }
}
