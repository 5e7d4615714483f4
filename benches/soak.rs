//! Soak: 20,000 page loads over every page type, 32 at a time, on SQLite and
//! on PostgreSQL, each load with a 10 s client deadline. Prints, per database
//! and per page type, how many loads did not complete (timed out, failed, or
//! answered with an error status); the goal is 0.
//!
//! Run with `cargo bench --features ssr --bench soak` (PostgreSQL from
//! `TEST_POSTGRES_URL`, default postgres://postgres@127.0.0.1:5432/postgres;
//! `SOAK_LOADS` and `SOAK_CONCURRENCY` change the 20,000 and the 32).
use quittance::server::app::Application;
use quittance::server::config::Config;
use quittance::server::db::Db;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const DEADLINE: Duration = Duration::from_secs(10);

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn config(url: &str) -> Config {
    Config::local(
        url,
        quittance::server::payments::PaymentConfig::simulated("whsec_soak"),
    )
}

/// Who loads a page: nobody signed in, the demo customer, or the demo admin
/// (staff; the settings and staff accounts pages are admin-only).
#[derive(Clone, Copy, PartialEq)]
enum Who {
    Anonymous,
    Customer,
    Staff,
}

struct Page {
    kind: &'static str,
    path: String,
    who: Who,
    /// Loads that did not complete.
    failed: AtomicUsize,
    done: AtomicUsize,
}

fn page(kind: &'static str, path: String, who: Who) -> Page {
    Page {
        kind,
        path,
        who,
        failed: AtomicUsize::new(0),
        done: AtomicUsize::new(0),
    }
}

async fn one_i64(db: &Db, sql: &str) -> Result<i64, String> {
    sqlx::query_scalar::<_, i64>(sql)
        .fetch_one(&db.pool)
        .await
        .map_err(|e| format!("{sql}: {e}"))
}

async fn one_text(db: &Db, sql: &str) -> Result<String, String> {
    sqlx::query_scalar::<_, String>(sql)
        .fetch_one(&db.pool)
        .await
        .map_err(|e| format!("{sql}: {e}"))
}

/// Every page type of the portal, with ids taken from the demo data.
async fn pages(db: &Db, pay_token: &str) -> Result<Vec<Page>, String> {
    let customer = "(SELECT customer_id FROM users WHERE email = 'client@demo.test')";
    let number = one_text(
        db,
        &format!(
            "SELECT number FROM invoices WHERE customer_id = {customer} AND number IS NOT NULL ORDER BY id DESC LIMIT 1"
        ),
    )
    .await?;
    let dispute = one_i64(
        db,
        &format!("SELECT id FROM disputes WHERE customer_id = {customer} ORDER BY id LIMIT 1"),
    )
    .await?;
    let any_dispute = one_i64(db, "SELECT id FROM disputes ORDER BY id DESC LIMIT 1").await?;
    let issued = one_i64(
        db,
        "SELECT id FROM invoices WHERE status <> 'draft' ORDER BY id DESC LIMIT 1",
    )
    .await?;
    let draft = one_i64(
        db,
        "SELECT id FROM invoices WHERE status = 'draft' ORDER BY id LIMIT 1",
    )
    .await?;
    use Who::*;
    Ok(vec![
        page("pay link", format!("/pay/{pay_token}"), Anonymous),
        page("login", "/login".into(), Anonymous),
        page("home", "/".into(), Customer),
        page("invoice list", "/invoices".into(), Customer),
        page("invoice page", format!("/invoices/{number}"), Customer),
        page("disputes", "/disputes".into(), Customer),
        page("dispute thread", format!("/disputes/{dispute}"), Customer),
        page("staff home", "/staff".into(), Staff),
        page("staff invoices", "/staff/invoices".into(), Staff),
        page("staff invoice", format!("/staff/invoices/{issued}"), Staff),
        page(
            "draft editor",
            format!("/staff/invoices/{draft}/edit"),
            Staff,
        ),
        page("new draft", "/staff/invoices/new".into(), Staff),
        page("staff disputes", "/staff/disputes".into(), Staff),
        page(
            "staff dispute thread",
            format!("/staff/disputes/{any_dispute}"),
            Staff,
        ),
        page("staff customers", "/staff/customers".into(), Staff),
        page("staff settings", "/staff/settings".into(), Staff),
        page("staff users", "/staff/users".into(), Staff),
    ])
}

async fn signed_in(base: &str, email: &str, password: &str) -> Result<reqwest::Client, String> {
    let client = reqwest::Client::builder()
        .cookie_provider(Arc::new(reqwest::cookie::Jar::default()))
        .redirect(reqwest::redirect::Policy::none())
        .timeout(DEADLINE)
        .build()
        .map_err(|e| e.to_string())?;
    let res = client
        .post(format!("{base}/api/login"))
        .header("Accept", "text/html")
        .header("Origin", base)
        .form(&[("email", email), ("password", password), ("next", "")])
        .send()
        .await
        .map_err(|e| format!("login {email}: {e}"))?;
    if !res.status().is_redirection() && !res.status().is_success() {
        return Err(format!("login {email}: {}", res.status()));
    }
    Ok(client)
}

/// A fresh database for one run, removed afterwards.
enum Fresh {
    Sqlite(std::path::PathBuf),
    Postgres { admin: String, name: String },
}

impl Fresh {
    fn url(&self) -> String {
        match self {
            Fresh::Sqlite(dir) => format!("sqlite://{}/soak.db", dir.display()),
            Fresh::Postgres { admin, name } => {
                let base = admin.rsplit_once('/').map(|(b, _)| b).unwrap_or(admin);
                format!("{base}/{name}")
            }
        }
    }

    async fn create(postgres: bool) -> Result<Fresh, String> {
        let name = format!("quittance_soak_{}", std::process::id());
        if !postgres {
            let dir = std::env::temp_dir().join(name);
            std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
            return Ok(Fresh::Sqlite(dir));
        }
        use sqlx::{Connection, Executor, PgConnection};
        let admin = std::env::var("TEST_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let mut conn = PgConnection::connect(&admin)
            .await
            .map_err(|e| format!("PostgreSQL: {e}"))?;
        conn.execute(format!(r#"CREATE DATABASE "{name}""#).as_str())
            .await
            .map_err(|e| e.to_string())?;
        Ok(Fresh::Postgres { admin, name })
    }

    async fn remove(self) {
        match self {
            Fresh::Sqlite(dir) => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Fresh::Postgres { admin, name } => {
                use sqlx::{Connection, Executor, PgConnection};
                if let Ok(mut c) = PgConnection::connect(&admin).await {
                    let _ = c
                        .execute(
                            format!(r#"DROP DATABASE IF EXISTS "{name}" WITH (FORCE)"#).as_str(),
                        )
                        .await;
                }
            }
        }
    }
}

async fn soak(
    label: &str,
    postgres: bool,
    loads: usize,
    concurrency: usize,
) -> Result<usize, String> {
    let fresh = Fresh::create(postgres).await?;
    let result = soak_on(label, &fresh.url(), loads, concurrency).await;
    fresh.remove().await;
    result
}

async fn soak_on(
    label: &str,
    url: &str,
    loads: usize,
    concurrency: usize,
) -> Result<usize, String> {
    let app = Application::build(config(url))
        .await
        .map_err(|e| e.to_string())?;
    let db = app.state.db.clone();
    let links = quittance::server::seed::seed_demo(&db, chrono::Local::now().date_naive())
        .await
        .map_err(|e| e.to_string())?;
    let token = links
        .first()
        .map(|(_, token)| token.clone())
        .ok_or("the demo data has no pay link")?;
    let pages = Arc::new(pages(&db, &token).await?);
    let base = format!("http://127.0.0.1:{}", app.port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    let anonymous = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(DEADLINE)
        .build()
        .map_err(|e| e.to_string())?;
    let customer = signed_in(&base, "client@demo.test", "client-demo-1").await?;
    let staff = signed_in(&base, "admin@demo.test", "admin-demo-1").await?;

    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (pages, next, base) = (pages.clone(), next.clone(), base.clone());
        let clients = [anonymous.clone(), customer.clone(), staff.clone()];
        workers.spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= loads {
                    break;
                }
                let page = &pages[i % pages.len()];
                let client = match page.who {
                    Who::Anonymous => &clients[0],
                    Who::Customer => &clients[1],
                    Who::Staff => &clients[2],
                };
                let load = async {
                    let res = client
                        .get(format!("{base}{}", page.path))
                        .header("Accept", "text/html")
                        .send()
                        .await
                        .ok()?;
                    // `/` sends a signed-in user on to their area: its
                    // redirect is the whole answer.
                    if page.path == "/" {
                        return res.status().is_redirection().then_some(());
                    }
                    let ok = res.status().is_success();
                    let body = res.bytes().await.ok()?;
                    // A whole page, not one cut short.
                    (ok && body.windows(7).any(|w| w == b"</html>")).then_some(())
                };
                let completed = tokio::time::timeout(DEADLINE, load)
                    .await
                    .ok()
                    .flatten()
                    .is_some();
                page.done.fetch_add(1, Ordering::Relaxed);
                if !completed {
                    page.failed.fetch_add(1, Ordering::Relaxed);
                }
            }
        });
    }
    while workers.join_next().await.is_some() {}
    let elapsed = started.elapsed();
    let _ = stop.send(());
    let _ = tokio::time::timeout(Duration::from_secs(10), server).await;
    db.pool.close().await;

    let failed: usize = pages.iter().map(|p| p.failed.load(Ordering::Relaxed)).sum();
    println!(
        "soak {label}: {loads} page loads, {concurrency} at a time, {:.1} s ({:.0} loads/s): {failed} did not complete within {} s",
        elapsed.as_secs_f64(),
        loads as f64 / elapsed.as_secs_f64(),
        DEADLINE.as_secs()
    );
    for p in pages.iter() {
        println!(
            "  {:<22} {:>6} loads, {:>4} not completed   {}",
            p.kind,
            p.done.load(Ordering::Relaxed),
            p.failed.load(Ordering::Relaxed),
            p.path
        );
    }
    Ok(failed)
}

fn main() -> std::process::ExitCode {
    let loads = setting("SOAK_LOADS", 20_000);
    let concurrency = setting("SOAK_CONCURRENCY", 32);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(8 << 20)
        .build();
    let Ok(runtime) = runtime else {
        eprintln!("no async runtime");
        return std::process::ExitCode::FAILURE;
    };
    let mut total = 0;
    for (label, postgres) in [("SQLite", false), ("PostgreSQL", true)] {
        match runtime.block_on(soak(label, postgres, loads, concurrency)) {
            Ok(failed) => total += failed,
            Err(e) => {
                eprintln!("soak {label}: could not run: {e}");
                return std::process::ExitCode::FAILURE;
            }
        }
    }
    println!("soak: {total} page loads did not complete in all");
    if total == 0 {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
