//! Starts the real app on a free port with a fresh database for each test.

use leptos::config::LeptosOptions;

pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
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
        tokio::spawn(async move {
            axum::serve(listener, server::router(options, pool))
                .await
                .unwrap()
        });
        TestApp {
            base,
            client: reqwest::Client::new(),
            _data: data,
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request")
    }
}
