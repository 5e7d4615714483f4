//! Test harness: the real application on port 0, against a fresh SQLite file
//! or a fresh PostgreSQL database, with a cookie-keeping HTTP client.
#![allow(dead_code)]

use quittance::server::app::Application;
use quittance::server::config::Config;
use quittance::server::db::Db;
use reqwest::redirect::Policy;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use tokio::sync::oneshot;

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!("{prefix}_{}_{n}_{nanos}", std::process::id())
}

/// A database that exists for one test and is removed afterwards.
pub struct TestDb {
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
}

/// The server that tests may create databases on.
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = std::env::temp_dir().join(unique("quittance_test"));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let url = format!("sqlite://{}/test.db", dir.display());
        TestDb {
            url,
            cleanup: Cleanup::File(dir),
        }
    }

    pub async fn postgres() -> TestDb {
        use sqlx::{Connection, Executor, PgConnection};
        let admin_url = postgres_admin_url();
        let name = unique("quittance_test");
        let mut conn = PgConnection::connect(&admin_url)
            .await
            .expect("PostgreSQL must be reachable (TEST_POSTGRES_URL) for the integration tests");
        conn.execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
            .await
            .expect("create test database");
        let base = admin_url
            .rsplit_once('/')
            .map(|(b, _)| b.to_string())
            .unwrap_or(admin_url.clone());
        TestDb {
            url: format!("{base}/{name}"),
            cleanup: Cleanup::Postgres { admin_url, name },
        }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match &self.cleanup {
            Cleanup::File(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Cleanup::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs outside async context; a small runtime on its own thread drops the database.
                let _ = std::thread::spawn(move || {
                    let rt = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build();
                    if let Ok(rt) = rt {
                        rt.block_on(async {
                            use sqlx::{Connection, Executor, PgConnection};
                            if let Ok(mut c) = PgConnection::connect(&admin_url).await {
                                let _ = c
                                    .execute(
                                        format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#)
                                            .as_str(),
                                    )
                                    .await;
                            }
                        });
                    }
                })
                .join();
            }
        }
    }
}

/// A running application and a browser-like client (cookies kept, redirects not followed).
pub struct TestApp {
    pub base: String,
    pub client: reqwest::Client,
    pub jar: Arc<reqwest::cookie::Jar>,
    pub db: Db,
    stop: Option<oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<()>>,
}

pub fn config_for(url: &str) -> Config {
    Config {
        database_url: url.to_string(),
        site_addr: "127.0.0.1:0".parse().expect("addr"),
        public_base_url: "http://127.0.0.1".into(),
        log_json: false,
    }
}

fn client_with(jar: Arc<reqwest::cookie::Jar>) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(Policy::none())
        .build()
        .expect("client")
}

impl TestApp {
    /// Starts the app on a database; `seed` fills it with the demo data first.
    pub async fn start(db: &TestDb, seed: bool) -> TestApp {
        Self::start_with_jar(db, seed, Arc::new(reqwest::cookie::Jar::default())).await
    }

    pub async fn start_with_jar(
        db: &TestDb,
        seed: bool,
        jar: Arc<reqwest::cookie::Jar>,
    ) -> TestApp {
        let app = Application::build(config_for(&db.url))
            .await
            .expect("app starts");
        let dbh = app.state.db.clone();
        if seed
            && quittance::server::seed::is_empty(&dbh)
                .await
                .expect("count users")
        {
            let today = chrono::Local::now().date_naive();
            quittance::server::seed::seed_demo(&dbh, today)
                .await
                .expect("seed");
        }
        let base = format!("http://127.0.0.1:{}", app.port());
        let (tx, rx) = oneshot::channel::<()>();
        let handle = tokio::spawn(async move {
            let _ = app
                .run_until(async {
                    let _ = rx.await;
                })
                .await;
        });
        TestApp {
            base,
            client: client_with(jar.clone()),
            jar,
            db: dbh,
            stop: Some(tx),
            handle: Some(handle),
        }
    }

    /// Stops the server gracefully and waits for it.
    pub async fn stop(mut self) -> Arc<reqwest::cookie::Jar> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            let _ = h.await;
        }
        self.db.pool.close().await;
        self.jar.clone()
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// A plain HTML form post, as a browser without JavaScript sends it.
    pub async fn form_post(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .header("Accept", "text/html,application/xhtml+xml")
            .header("Referer", self.url("/login"))
            .form(form)
            .send()
            .await
            .expect("post")
    }

    /// Calls a server function as the hydrated app does (JSON answer, no redirect status).
    pub async fn call(&self, path: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.client
            .post(self.url(path))
            .form(form)
            .send()
            .await
            .expect("call")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .header("Accept", "text/html")
            .send()
            .await
            .expect("get")
    }

    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.form_post(
            "/api/login",
            &[("email", email), ("password", password), ("next", "")],
        )
        .await
    }
}

pub fn location(res: &reqwest::Response) -> String {
    res.headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// Runs one async test body against SQLite and against PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($name:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_sqlite() {
                let db = $crate::common::TestDb::sqlite().await;
                super::$name(&db).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn on_postgres() {
                let db = $crate::common::TestDb::postgres().await;
                super::$name(&db).await;
            }
        }
    };
}
