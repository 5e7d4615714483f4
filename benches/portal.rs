//! End-to-end figures of the running portal (release build, real HTTP, SQLite):
//! 1. customer invoice-list page latency with 1,000 and with 1,000,000 invoices;
//! 2. native PDF of a 20-line invoice, plain and Factur-X, vs
//!    `chromium --headless --print-to-pdf` of the same invoice's HTML page, as a ratio.
//!
//! Run with `cargo bench --features ssr --bench portal` (set `BENCH_ROWS=1000`
//! to skip the million-row run).
use chrono::{Duration as Days, NaiveDate};
use quittance::model::draft::{DraftInput, DraftLineInput};
use quittance::server::app::Application;
use quittance::server::config::Config;
use quittance::server::db::Db;
use quittance::server::services::documents::{self, Viewer};
use quittance::server::services::invoicing;
use std::sync::Arc;
use std::time::{Duration, Instant};

const WEBHOOK_SECRET: &str = "whsec_bench";

fn config(url: &str) -> Config {
    Config::local(
        url,
        quittance::server::payments::PaymentConfig::simulated(WEBHOOK_SECRET),
    )
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

/// Bulk-inserts `n` issued invoices for customer 1 (the demo client) in one transaction.
async fn bulk_invoices(db: &Db, n: usize, today: NaiveDate) -> Result<(), sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let statuses = ["issued", "paid", "partially_paid", "paid", "issued"];
    let chunk = 500;
    let mut i = 0;
    while i < n {
        let end = (i + chunk).min(n);
        let mut sql = String::from(
            "INSERT INTO invoices (customer_id, kind, number, status, issue_date, due_date, sale_date, currency, \
             total_ht, total_vat, total_ttc, amount_paid, amount_credited, created_at) VALUES ",
        );
        for k in i..end {
            let issued = today - Days::days((k % 3000) as i64);
            let status = statuses[k % statuses.len()];
            let paid = if status == "paid" { 12_000 } else { 0 };
            if k > i {
                sql.push(',');
            }
            sql.push_str(&format!(
                "(1, 'invoice', 'B-{k:09}', '{status}', '{d}', '{due}', '{d}', 'EUR', 10000, 2000, 12000, {paid}, 0, 0)",
                d = issued.format("%Y-%m-%d"),
                due = (issued + Days::days(30)).format("%Y-%m-%d"),
            ));
        }
        sqlx::query(&sql).execute(&mut *tx).await?;
        i = end;
    }
    tx.commit().await?;
    sqlx::query("ANALYZE").execute(&db.pool).await.map(|_| ())
}

async fn login(client: &reqwest::Client, base: &str) -> Result<(), reqwest::Error> {
    client
        .post(format!("{base}/api/login"))
        .header("Accept", "text/html")
        .form(&[("email", "client@demo.test"), ("password", "client-demo-1")])
        .send()
        .await
        .map(|_| ())
}

async fn measure(client: &reqwest::Client, url: &str, runs: usize) -> Vec<Duration> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let t = Instant::now();
        let ok = client
            .get(url)
            .send()
            .await
            .map(|r| r.status().is_success())
            .unwrap_or(false);
        if ok {
            times.push(t.elapsed());
        }
    }
    times.sort();
    times
}

async fn list_latency(rows: usize) {
    let dir = std::env::temp_dir().join(format!("quittance-bench-{rows}-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let url = format!("sqlite://{}/bench.db", dir.display());
    let Ok(app) = Application::build(config(&url)).await else {
        return eprintln!("app did not start");
    };
    let db = app.state.db.clone();
    let today = chrono::Local::now().date_naive();
    if quittance::server::seed::seed_demo(&db, today)
        .await
        .is_err()
    {
        return eprintln!("seed failed");
    }
    let t = Instant::now();
    if let Err(e) = bulk_invoices(&db, rows, today).await {
        return eprintln!("bulk insert failed: {e}");
    }
    let seeded = t.elapsed();
    let base = format!("http://127.0.0.1:{}", app.port());
    let handle = tokio::spawn(app.run_until(std::future::pending()));
    let client = reqwest::Client::builder()
        .cookie_provider(Arc::new(reqwest::cookie::Jar::default()))
        .build()
        .unwrap_or_default();
    if login(&client, &base).await.is_err() {
        return eprintln!("login failed");
    }
    for (label, path) in [
        ("first page", "/invoices"),
        ("overdue filter", "/invoices?status=overdue"),
        ("search by number", "/invoices?q=B-000500"),
    ] {
        let url = format!("{base}{path}");
        let _ = measure(&client, &url, 5).await;
        let times = measure(&client, &url, 100).await;
        if times.is_empty() {
            eprintln!("{label}: no successful request");
            continue;
        }
        println!(
            "invoice list, {rows:>9} invoices, {label:<16}: p50 {:.2} ms, p95 {:.2} ms ({} requests; seeded in {:.1} s)",
            percentile(&times, 0.5),
            percentile(&times, 0.95),
            times.len(),
            seeded.as_secs_f64()
        );
    }
    handle.abort();
    let _ = std::fs::remove_dir_all(&dir);
}

fn twenty_lines(customer_id: i64) -> DraftInput {
    let rates = ["20", "10", "5.5", "20", "0"];
    DraftInput {
        customer_id,
        currency: "EUR".into(),
        sale_date: String::new(),
        due_date: String::new(),
        deposits: String::new(),
        lines: (0..20)
            .map(|i| DraftLineInput {
                description: format!(
                    "Prestation n°{} : accompagnement, développement et recette",
                    i + 1
                ),
                quantity: format!("{}", 1 + i % 4),
                unit: "jour".into(),
                unit_price: format!("{}.50", 90 + i * 7),
                vat_rate: rates[i % rates.len()].into(),
                discount_pct: if i % 6 == 0 {
                    "5".into()
                } else {
                    String::new()
                },
            })
            .collect(),
    }
}

async fn pdf_vs_chromium() {
    let dir = std::env::temp_dir().join(format!("quittance-bench-pdf-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let url = format!("sqlite://{}/bench.db", dir.display());
    let Ok(app) = Application::build(config(&url)).await else {
        return eprintln!("app did not start");
    };
    let db = app.state.db.clone();
    let today = chrono::Local::now().date_naive();
    if quittance::server::seed::seed_demo(&db, today)
        .await
        .is_err()
    {
        return eprintln!("seed failed");
    }
    let Ok(id) = invoicing::create_draft(&db, &twenty_lines(1), today).await else {
        return eprintln!("draft failed");
    };
    let Ok(issued) = invoicing::issue(&db, id, today, None).await else {
        return eprintln!("issue failed");
    };
    let Ok((_, doc)) = documents::by_id(&db, id, Viewer::Staff, today).await else {
        return eprintln!("doc failed");
    };
    let runs = 200;
    let t = Instant::now();
    let mut size = 0;
    for _ in 0..runs {
        size = quittance::server::pdf::render_pdf(&doc, quittance::model::lang::Lang::Fr)
            .map(|b| b.len())
            .unwrap_or(0);
    }
    let native = t.elapsed().as_secs_f64() * 1000.0 / runs as f64;
    println!("native PDF, 20-line invoice: {native:.2} ms per PDF ({size} bytes)");
    let t = Instant::now();
    let mut fx_size = 0;
    for _ in 0..runs {
        fx_size =
            quittance::server::pdf::render_facturx_pdf(&doc, quittance::model::lang::Lang::Fr)
                .map(|b| b.len())
                .unwrap_or(0);
    }
    let facturx = t.elapsed().as_secs_f64() * 1000.0 / runs as f64;
    println!(
        "Factur-X PDF/A-3 (XML inside), same invoice: {facturx:.2} ms per PDF ({fx_size} bytes)"
    );
    let base = format!("http://127.0.0.1:{}", app.port());
    let handle = tokio::spawn(app.run_until(std::future::pending()));
    let page = format!("{base}/pay/{}", issued.pay_token);
    let out = dir.join("chromium.pdf");
    let chromium = std::env::var("CHROMIUM_PATH").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut times = Vec::new();
    for _ in 0..5 {
        let t = Instant::now();
        let status = tokio::process::Command::new(&chromium)
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-pdf-header-footer",
            ])
            .arg(format!("--user-data-dir={}", dir.join("profile").display()))
            .arg(format!("--print-to-pdf={}", out.display()))
            .arg(&page)
            .output()
            .await;
        if status.map(|o| o.status.success()).unwrap_or(false) {
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    if times.is_empty() {
        println!("chromium --print-to-pdf: not available");
    } else {
        let mean = times.iter().sum::<f64>() / times.len() as f64;
        let csize = std::fs::metadata(&out).map(|m| m.len()).unwrap_or(0);
        println!(
            "chromium --print-to-pdf of the same invoice page: {mean:.0} ms per PDF ({csize} bytes)"
        );
        println!("ratio: native is {:.0}x faster", mean / native);
        println!("ratio: Factur-X is {:.0}x faster", mean / facturx);
    }
    handle.abort();
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::main]
async fn main() {
    pdf_vs_chromium().await;
    let big: usize = std::env::var("BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1_000_000);
    list_latency(1_000).await;
    if big > 1_000 {
        list_latency(big).await;
    }
}
