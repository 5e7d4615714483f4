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
                            let drop = async {
                                if let Ok(mut c) = PgConnection::connect(&admin_url).await {
                                    let _ = c
                                        .execute(
                                            format!(
                                                r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#
                                            )
                                            .as_str(),
                                        )
                                        .await;
                                }
                            };
                            // A database that cannot be dropped is left behind, never waited on.
                            let _ = tokio::time::timeout(STOP_TIMEOUT, drop).await;
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

/// The longest any one test request may take (unoptimised PDFs take a few seconds).
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);
/// The longest a whole scenario may take before it fails as hung.
pub const SCENARIO_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(300);
/// How long a stopping server may take to finish its open connections.
pub const STOP_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The webhook secret the test servers verify (tests sign their events with it).
pub const WEBHOOK_SECRET: &str = "whsec_test_quittance";

/// The configuration of a test server, built in code (the environment is never read).
pub fn config_for(url: &str) -> Config {
    Config::local(
        url,
        quittance::server::payments::PaymentConfig::simulated(WEBHOOK_SECRET),
    )
}

fn client_with(jar: Arc<reqwest::cookie::Jar>) -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_provider(jar)
        .redirect(Policy::none())
        // A request the server never answers fails the test instead of hanging the run.
        .timeout(REQUEST_TIMEOUT)
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
        Self::start_configured(seed, jar, config_for(&db.url)).await
    }

    /// Starts the app with a configuration the test adjusted (payment provider, …).
    pub async fn start_configured(
        seed: bool,
        jar: Arc<reqwest::cookie::Jar>,
        config: Config,
    ) -> TestApp {
        log_to_stderr_if_asked();
        let app = Application::build(config).await.expect("app starts");
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

    /// Stops the server gracefully and waits for it, at most [`STOP_TIMEOUT`]
    /// for each step: a connection left open by a client must not hang the run.
    pub async fn stop(mut self) -> Arc<reqwest::cookie::Jar> {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
        if let Some(h) = self.handle.take() {
            let abort = h.abort_handle();
            if tokio::time::timeout(STOP_TIMEOUT, h).await.is_err() {
                eprintln!("server still had open connections after {STOP_TIMEOUT:?}: aborted");
                abort.abort();
            }
        }
        if tokio::time::timeout(STOP_TIMEOUT, self.db.pool.close())
            .await
            .is_err()
        {
            eprintln!("database pool still lent out after {STOP_TIMEOUT:?}: left behind");
        }
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

/// Stops a test process that is stuck: armed for a deadline, it prints every
/// thread's stack (gdb, when installed) and aborts the process when it is
/// not dropped by then. It runs on a thread of its own, outside any runtime:
/// a stuck runtime cannot fire its own timers, and a test then cost a whole
/// CI run instead of minutes.
pub struct Watchdog(#[allow(dead_code)] std::sync::mpsc::Sender<()>);

impl Watchdog {
    pub fn arm(what: &str, deadline: std::time::Duration) -> Watchdog {
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let what = what.to_string();
        std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(deadline) {
                eprintln!(
                    "{what}: still running after {deadline:?}: every thread's stack follows, then the test process aborts"
                );
                print_stacks();
                std::process::abort();
            }
        });
        Watchdog(tx)
    }
}

/// Every thread's stack of this process, on stderr (nothing without gdb).
pub fn print_stacks() {
    let _ = std::process::Command::new("gdb")
        .args(["-batch", "-p", &std::process::id().to_string()])
        .args(["-ex", "thread apply all bt 40"])
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::inherit())
        .stderr(std::process::Stdio::inherit())
        .status();
}

/// Runs a scenario, failing it (rather than hanging the whole run) when it
/// takes longer than [`SCENARIO_TIMEOUT`]; a [`Watchdog`] covers a runtime
/// too stuck to fire that timeout.
pub async fn within_time<F: std::future::Future<Output = ()>>(scenario: F) {
    let name = std::thread::current()
        .name()
        .unwrap_or("a scenario")
        .to_string();
    let _watchdog = Watchdog::arm(&name, SCENARIO_TIMEOUT + WATCHDOG_GRACE);
    if tokio::time::timeout(SCENARIO_TIMEOUT, scenario)
        .await
        .is_err()
    {
        panic!("the scenario did not finish within {SCENARIO_TIMEOUT:?}");
    }
}

/// How long after [`SCENARIO_TIMEOUT`] a [`Watchdog`] waits.
pub const WATCHDOG_GRACE: std::time::Duration = std::time::Duration::from_secs(30);

/// Which database a scenario runs on.
#[derive(Debug, Clone, Copy)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A scenario, borrowing its database.
pub type Scenario<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + 'a>>;

/// Runs `scenario` on a fresh database of `backend`, in a runtime of its own
/// (two workers, as the app's tests always had) that is shut down with a
/// bound: `#[tokio::test]` drops its runtime, which waits without end for a
/// worker that never returns. A worker still busy after [`STOP_TIMEOUT`] is
/// left behind, with every thread's stack printed.
pub fn run_on(backend: Backend, scenario: impl for<'a> FnOnce(&'a TestDb) -> Scenario<'a>) {
    let name = std::thread::current()
        .name()
        .unwrap_or("a scenario")
        .to_string();
    let _watchdog = Watchdog::arm(&name, SCENARIO_TIMEOUT + WATCHDOG_GRACE + 3 * STOP_TIMEOUT);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("test runtime");
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        runtime.block_on(async {
            let db = match backend {
                Backend::Sqlite => TestDb::sqlite().await,
                Backend::Postgres => TestDb::postgres().await,
            };
            if tokio::time::timeout(SCENARIO_TIMEOUT, scenario(&db))
                .await
                .is_err()
            {
                panic!("the scenario did not finish within {SCENARIO_TIMEOUT:?}");
            }
        })
    }));
    let stopping = std::time::Instant::now();
    runtime.shutdown_timeout(STOP_TIMEOUT);
    if stopping.elapsed() >= STOP_TIMEOUT {
        // Left behind rather than waited on; reported, not failed: seen once,
        // after a failed assertion left its server running.
        eprintln!(
            "{name}: a thread of its runtime was still busy {STOP_TIMEOUT:?} after the scenario ended (left behind); every thread's stack follows"
        );
        print_stacks();
    }
    if let Err(panic) = outcome {
        std::panic::resume_unwind(panic);
    }
}

/// Runs one async test body against SQLite and against PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($name:ident) => {
        mod $name {
            #[test]
            fn on_sqlite() {
                $crate::common::run_on($crate::common::Backend::Sqlite, |db| {
                    Box::pin(super::$name(db))
                });
            }

            #[test]
            fn on_postgres() {
                $crate::common::run_on($crate::common::Backend::Postgres, |db| {
                    Box::pin(super::$name(db))
                });
            }
        }
    };
}

/// A real SMTP server for the email tests: a small aiosmtpd process (installed
/// by scripts/setup-toolchain.sh) that saves each message it accepts, decoded,
/// as JSON in its own folder. It stops when this value is dropped.
pub struct SmtpSink {
    child: std::process::Child,
    pub port: u16,
    dir: std::path::PathBuf,
}

/// One message the sink accepted.
#[derive(Debug, Clone, serde::Deserialize)]
pub struct SinkMessage {
    pub to: Vec<String>,
    pub subject: String,
    pub message_id: String,
    pub text: String,
    pub html: Option<String>,
    pub attachments: Vec<SinkAttachment>,
}

#[derive(Debug, Clone, serde::Deserialize)]
pub struct SinkAttachment {
    pub name: String,
    pub content_type: String,
    pub size: usize,
    /// The first bytes, as text (`%PDF-` for a PDF).
    pub head: String,
}

const SMTP_SINK_PY: &str = r#"
import asyncio, email, email.policy, json, os, sys
from aiosmtpd.smtp import SMTP

class Save:
    def __init__(self, folder):
        self.folder, self.n = folder, 0
    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        msg = email.message_from_bytes(raw, policy=email.policy.default)
        text = msg.get_body(("plain",))
        html = msg.get_body(("html",))
        files = []
        for part in msg.iter_attachments():
            data = part.get_content()
            files.append({"name": part.get_filename() or "", "content_type": part.get_content_type(),
                          "size": len(data), "head": data[:8].decode("latin-1")})
        self.n += 1
        out = {"to": envelope.rcpt_tos, "subject": str(msg["subject"]), "message_id": str(msg["message-id"]),
               "text": text.get_content() if text else "", "html": html.get_content() if html else None,
               "attachments": files}
        path = os.path.join(self.folder, "%06d.json" % self.n)
        with open(path + ".tmp", "w") as f:
            json.dump(out, f)
        os.replace(path + ".tmp", path)
        return "250 OK"

async def main(port, folder):
    loop = asyncio.get_running_loop()
    handler = Save(folder)  # one for all connections: it numbers the files
    server = await loop.create_server(lambda: SMTP(handler, hostname="sink.test"), "127.0.0.1", port)
    print(server.sockets[0].getsockname()[1], flush=True)
    # Stop when the test goes away: its end of our stdin closes.
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()

asyncio.run(main(int(sys.argv[1]), sys.argv[2]))
"#;

/// A port nothing listens on (for a moment): where an SMTP server is "down".
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

impl SmtpSink {
    /// Starts a sink on a free port.
    pub fn start() -> SmtpSink {
        Self::start_on(0)
    }

    /// Starts a sink on `port` (0: any free port) and waits until it listens.
    pub fn start_on(port: u16) -> SmtpSink {
        use std::io::BufRead;
        use std::process::{Command, Stdio};
        let dir = std::env::temp_dir().join(unique("quittance_smtp"));
        std::fs::create_dir_all(&dir).expect("sink dir");
        let mut child = Command::new("python3")
            .arg("-c")
            .arg(SMTP_SINK_PY)
            .arg(port.to_string())
            .arg(&dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 must be installed for the email tests");
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            let _ = std::io::BufReader::new(out).read_line(&mut line);
        }
        let port = line.trim().parse().unwrap_or_else(|_| {
            let _ = child.kill();
            panic!(
                "the SMTP sink did not start: run scripts/setup-toolchain.sh (installs aiosmtpd)"
            )
        });
        SmtpSink { child, port, dir }
    }

    /// The `SMTP_URL` of this sink.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message accepted so far, in order.
    pub fn messages(&self) -> Vec<SinkMessage> {
        let mut paths: Vec<_> = std::fs::read_dir(&self.dir)
            .expect("sink dir")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        paths
            .iter()
            .map(|p| {
                serde_json::from_str(&std::fs::read_to_string(p).expect("read")).expect("sink json")
            })
            .collect()
    }

    /// The messages once there are at least `n` (waits up to ten seconds).
    pub async fn wait_for(&self, n: usize) -> Vec<SinkMessage> {
        for _ in 0..200 {
            let got = self.messages();
            if got.len() >= n {
                return got;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        panic!(
            "the SMTP sink got {} message(s), expected {n}",
            self.messages().len()
        )
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// The 64-character token that follows `marker` (e.g. `/invite/`) in a text.
pub fn token_after(text: &str, marker: &str) -> String {
    let start = text
        .find(marker)
        .map(|i| i + marker.len())
        .expect("link in the message");
    text[start..]
        .chars()
        .take_while(char::is_ascii_hexdigit)
        .collect()
}

/// A company and one business customer billed at `billing_email`; returns the customer id.
pub async fn company_and_customer(db: &Db, billing_email: &str) -> i64 {
    quittance::server::db::seed::insert_company(
        &db.pool,
        &quittance::server::db::seed::CompanyInput {
            legal_name: "Test SAS",
            legal_form: "SAS",
            share_capital_minor: 100_000,
            address_line1: "1 rue A",
            postal_code: "75001",
            city: "Paris",
            siren: "732829320",
            siret: "73282932000074",
            rcs_city: "Paris",
            vat_number: "FR44732829320",
            iban: "FR7630006000011234567890189",
            bic: "AGRIFRPPXXX",
        },
    )
    .await
    .expect("company");
    quittance::server::db::seed::insert_customer(
        &db.pool,
        &quittance::server::db::seed::CustomerInput {
            name: "Client SARL",
            is_business: true,
            address_line1: "2 rue B",
            postal_code: "69001",
            city: "Lyon",
            siren: "552100554",
            vat_number: "FR96552100554",
            billing_email,
            lang: "fr",
        },
    )
    .await
    .expect("customer")
}

/// Today in the server's time zone, as the services are called with.
pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// An issued invoice of `price` excl. VAT (20 % VAT, quantity 1).
pub async fn issued_invoice(
    db: &Db,
    customer: i64,
    price: &str,
) -> quittance::server::services::invoicing::Issued {
    use quittance::model::draft::{DraftInput, DraftLineInput};
    use quittance::server::services::invoicing;
    let draft = DraftInput {
        customer_id: customer,
        currency: "EUR".into(),
        sale_date: String::new(),
        due_date: String::new(),
        deposits: String::new(),
        lines: vec![DraftLineInput {
            description: "Prestation".into(),
            quantity: "1".into(),
            unit: String::new(),
            unit_price: price.into(),
            vat_rate: "20".into(),
            discount_pct: String::new(),
        }],
    };
    let id = invoicing::create_draft(db, &draft, today())
        .await
        .expect("draft");
    invoicing::issue(db, id, today(), None)
        .await
        .expect("issue")
}

/// An event of tests/fixtures/stripe/ (Stripe's shapes, API 2026-10-28),
/// naming `invoice_id` in its metadata where it has one.
pub fn stripe_event(name: &str, invoice_id: i64) -> serde_json::Value {
    let path = format!(
        "{}/tests/fixtures/stripe/{name}.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut event: serde_json::Value = serde_json::from_str(&text).expect("a JSON event");
    let object = &mut event["data"]["object"];
    if object["metadata"].get("invoice_id").is_some() {
        object["metadata"]["invoice_id"] = invoice_id.to_string().into();
    }
    event
}

/// The same event about another payment intent (and its charge, session and
/// dispute), with an event id of its own: a second story in one database.
pub fn rekeyed(mut event: serde_json::Value, pi: &str) -> serde_json::Value {
    let suffix = pi.trim_start_matches("pi_");
    event["id"] = format!("{}_{suffix}", event["id"].as_str().unwrap_or("evt")).into();
    let object = &mut event["data"]["object"];
    let kind = object["object"].as_str().unwrap_or_default().to_string();
    match kind.as_str() {
        "payment_intent" => object["id"] = pi.into(),
        "checkout.session" => {
            object["id"] = format!("cs_test_{suffix}").into();
            object["payment_intent"] = pi.into();
        }
        _ => {
            object["payment_intent"] = pi.into();
            if let Some(id) = object["id"].as_str().map(str::to_string) {
                object["id"] = format!("{id}_{suffix}").into();
            }
        }
    }
    event
}

/// An open invoice of the demo data, with its number.
pub async fn open_demo_invoice(app: &TestApp, email: &str) -> (i64, String) {
    let r = sqlx::query(
        "SELECT i.id, i.number FROM invoices i JOIN users u ON u.customer_id = i.customer_id \
         WHERE u.email = $1 AND i.kind = 'invoice' AND i.status = 'issued' ORDER BY i.id LIMIT 1",
    )
    .bind(email)
    .fetch_one(&app.db.pool)
    .await
    .expect("an open invoice");
    (sqlx::Row::get(&r, "id"), sqlx::Row::get(&r, "number"))
}

/// With `QUITTANCE_TEST_LOG` set (a tracing filter, e.g. `warn`), the apps
/// of this test process log to stderr: to see why a scenario failed.
fn log_to_stderr_if_asked() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        if let Ok(filter) = std::env::var("QUITTANCE_TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
                .with_writer(std::io::stderr)
                .try_init();
        }
    });
}
