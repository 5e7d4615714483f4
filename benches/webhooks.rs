//! Webhook events applied per second, over real HTTP with signatures checked,
//! on SQLite and on PostgreSQL (each on a fresh database): unique events (each
//! a payment that succeeds, with its balance recomputed and its receipt queued
//! in the same transaction), then the same events delivered again (the
//! duplicate path: verified, recognised, nothing changed).
//!
//! Run with `cargo bench --features ssr --bench webhooks` (`BENCH_EVENTS`,
//! default 2000; `BENCH_CONCURRENCY`, default 8; PostgreSQL is skipped with a
//! note when it cannot be reached).
use quittance::server::app::Application;
use quittance::server::config::Config;
use quittance::server::db::Db;
use quittance::server::db::seed::{CompanyInput, CustomerInput, insert_company, insert_customer};
use quittance::server::payments::{PaymentConfig, signature};
use std::sync::Arc;
use std::time::Instant;

const SECRET: &str = "whsec_bench_webhooks";
const INVOICES: usize = 200;

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn prepare(db: &Db) -> Result<(), Box<dyn std::error::Error>> {
    insert_company(
        &db.pool,
        &CompanyInput {
            legal_name: "Bench SAS",
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
    .await?;
    let customer = insert_customer(
        &db.pool,
        &CustomerInput {
            name: "Client SARL",
            is_business: true,
            address_line1: "2 rue B",
            postal_code: "69001",
            city: "Lyon",
            siren: "552100554",
            vat_number: "FR96552100554",
            billing_email: "bench@example.test",
            lang: "fr",
        },
    )
    .await?;
    let mut sql = String::from(
        "INSERT INTO invoices (customer_id, kind, number, status, issue_date, due_date, sale_date, currency, \
         total_ht, total_vat, total_ttc, amount_paid, amount_credited, created_at) VALUES ",
    );
    for k in 0..INVOICES {
        if k > 0 {
            sql.push(',');
        }
        sql.push_str(&format!(
            "({customer}, 'invoice', 'W-{k:06}', 'issued', '2026-01-01', '2026-01-31', '2026-01-01', 'EUR', \
             100000000, 20000000, 120000000, 0, 0, 0)"
        ));
    }
    sqlx::query(&sql).execute(&db.pool).await?;
    Ok(())
}

fn events(n: usize, first_invoice: i64) -> Vec<String> {
    (0..n)
        .map(|i| {
            let invoice = first_invoice + (i % INVOICES) as i64;
            serde_json::json!({
                "id": format!("evt_bench_{i}"), "type": "payment_intent.succeeded",
                "data": {"object": {"id": format!("pi_bench_{i}"), "status": "succeeded", "amount": 1000,
                    "amount_received": 1000, "currency": "eur", "payment_method_types": ["card"],
                    "metadata": {"invoice_id": invoice.to_string()}}}
            })
            .to_string()
        })
        .collect()
}

/// Delivers every body with `concurrency` clients; returns events per second.
async fn deliver_all(url: &str, bodies: Arc<Vec<String>>, concurrency: usize) -> f64 {
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (url, bodies, next) = (url.to_string(), bodies.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let client = reqwest::Client::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(body) = bodies.get(i) else { break };
                let sig = signature::sign(SECRET, chrono::Utc::now().timestamp(), body.as_bytes());
                let ok = client
                    .post(&url)
                    .header("stripe-signature", sig)
                    .body(body.clone())
                    .send()
                    .await
                    .map(|r| r.status().is_success())
                    .unwrap_or(false);
                if !ok {
                    eprintln!("delivery {i} not accepted");
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    bodies.len() as f64 / start.elapsed().as_secs_f64()
}

async fn run(label: &str, url: &str) -> Result<(), Box<dyn std::error::Error>> {
    let n = env_usize("BENCH_EVENTS", 2000);
    let concurrency = env_usize("BENCH_CONCURRENCY", 8);
    let mut config = Config::local(url, PaymentConfig::simulated(SECRET));
    config.email.worker_enabled = false;
    let app = Application::build(config).await?;
    let db = app.state.db.clone();
    prepare(&db).await?;
    let first: i64 = sqlx::Row::try_get(
        &sqlx::query("SELECT MIN(id) AS id FROM invoices")
            .fetch_one(&db.pool)
            .await?,
        "id",
    )?;
    let base = format!("http://127.0.0.1:{}/webhooks/stripe", app.port());
    let (stop, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let _ = app
            .run_until(async {
                let _ = rx.await;
            })
            .await;
    });
    let bodies = Arc::new(events(n, first));
    let unique = deliver_all(&base, bodies.clone(), concurrency).await;
    let dupes = deliver_all(&base, bodies, concurrency).await;
    let paid: i64 = sqlx::Row::try_get(
        &sqlx::query("SELECT CAST(SUM(amount_paid) AS BIGINT) AS s FROM invoices")
            .fetch_one(&db.pool)
            .await?,
        "s",
    )?;
    println!(
        "{label:<10} {n} events, {concurrency} concurrent deliveries: {unique:>7.0} applied/s, \
         duplicates {dupes:>7.0}/s (total paid {paid}, expected {})",
        n as i64 * 1000
    );
    let _ = stop.send(());
    let _ = server.await;
    Ok(())
}

fn main() {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(8 << 20)
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("runtime: {e}");
            std::process::exit(2);
        }
    };
    rt.block_on(async {
        let dir = std::env::temp_dir().join(format!("quittance-bench-wh-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let sqlite = format!("sqlite://{}/bench.db", dir.display());
        if let Err(e) = run("SQLite", &sqlite).await {
            eprintln!("SQLite run failed: {e}");
        }
        let _ = std::fs::remove_dir_all(&dir);
        let admin = std::env::var("POSTGRES_ADMIN_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = format!("quittance_bench_wh_{}", std::process::id());
        match sqlx::PgPool::connect(&admin).await {
            Ok(pool) => {
                let _ = sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&pool)
                    .await;
                let url = admin
                    .rsplit_once('/')
                    .map(|(b, _)| format!("{b}/{name}"))
                    .unwrap_or_default();
                if let Err(e) = run("PostgreSQL", &url).await {
                    eprintln!("PostgreSQL run failed: {e}");
                }
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&pool)
                    .await;
            }
            Err(e) => println!("PostgreSQL skipped: {e}"),
        }
    });
}
