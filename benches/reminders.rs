//! One reminder engine run over 100,000 open invoices of which 10,000 are at
//! a step of the default schedule today (2,000 at each of -3, +1, +8, +15 and
//! +30 days; 1,000 customers, so 1,000 emails of ten invoices, a formal notice
//! PDF in each), on SQLite and PostgreSQL. Of the other 90,000, half are due
//! later than the first step and half are past their last step (+30 already
//! sent), so the engine reads and weighs them and queues nothing.
//!
//! Run with `cargo bench --features ssr --bench reminders` (`BENCH_ROWS=10000`
//! for a tenth of it).
use chrono::{Duration as Days, NaiveDate};
use quittance::server::db::Db;
use quittance::server::db::seed::{CompanyInput, CustomerInput, insert_company, insert_customer};
use quittance::server::services::reminders::{RunOptions, instant_at, run};
use std::time::Instant;

const CUSTOMERS: usize = 1_000;

/// Tuesday 2 June 2026, a business day whose previous one is the day before.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 2).unwrap_or_default()
}

async fn fixture(db: &Db, rows: usize) -> Result<(), Box<dyn std::error::Error>> {
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
    for c in 0..CUSTOMERS {
        let email = format!("c{c}@bench.test");
        insert_customer(
            &db.pool,
            &CustomerInput {
                name: "Client SARL",
                is_business: true,
                address_line1: "2 rue B",
                postal_code: "69001",
                city: "Lyon",
                siren: "552100554",
                vat_number: "FR96552100554",
                billing_email: &email,
                lang: if c % 2 == 0 { "fr" } else { "en" },
            },
        )
        .await?;
    }
    let today = today();
    // Due dates whose step falls today.
    let stepping = [3i64, -1, -8, -15, -30].map(|d| today + Days::days(d));
    let due_step = rows / 10;
    let mut tx = db.begin_write().await?;
    let chunk = 500;
    let mut i = 0;
    while i < rows {
        let end = (i + chunk).min(rows);
        let mut sql = String::from(
            "INSERT INTO invoices (customer_id, kind, number, status, issue_date, due_date, sale_date, currency, \
             total_ht, total_vat, total_ttc, amount_paid, amount_credited, created_at) VALUES ",
        );
        for k in i..end {
            let due = if k < due_step {
                stepping[k % stepping.len()]
            } else if k % 2 == 0 {
                today + Days::days(4 + (k % 120) as i64)
            } else {
                today - Days::days(31 + (k % 50) as i64)
            };
            let issued = due - Days::days(30);
            if k > i {
                sql.push(',');
            }
            sql.push_str(&format!(
                "({c}, 'invoice', 'R-{k:09}', 'issued', '{d}', '{due}', '{d}', 'EUR', 10000, 2000, 12000, 0, 0, 0)",
                c = 1 + (k % CUSTOMERS),
                d = issued.format("%Y-%m-%d"),
                due = due.format("%Y-%m-%d"),
            ));
        }
        sqlx::query(&sql).execute(&mut *tx).await?;
        i = end;
    }
    // The invoices past their last step had it sent.
    sqlx::query(
        "INSERT INTO reminders (invoice_id, customer_id, offset_days, tone, outcome, step_date, amount, created_at) \
         SELECT id, customer_id, 30, 'formal_notice', 'queued', due_date, 12000, 0 FROM invoices \
         WHERE due_date < $1",
    )
    .bind((today - Days::days(30)).format("%Y-%m-%d").to_string())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

async fn bench(label: &str, url: &str, rows: usize) -> Result<(), Box<dyn std::error::Error>> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    let started = Instant::now();
    fixture(&db, rows).await?;
    println!(
        "{label:<10} fixture: {rows} invoices in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let at = instant_at("Europe/Paris", today(), 10);
    let timed = |dry_run: bool| {
        let db = db.clone();
        async move {
            let started = Instant::now();
            let report = run(
                &db,
                at,
                RunOptions {
                    dry_run,
                    respect_hour: false,
                },
            )
            .await;
            report.map(|r| (r, started.elapsed()))
        }
    };
    let (plan, dry) = timed(true).await?;
    let (report, real) = timed(false).await?;
    let (repeat, again) = timed(false).await?;
    println!(
        "{label:<10} dry run: {} steps due in {:.2} s; run: {} steps in {} emails in {:.2} s ({:.0} steps/s); \
         same run again: {} queued in {:.2} s",
        plan.planned.len(),
        dry.as_secs_f64(),
        report.steps_queued,
        report.emails_queued,
        real.as_secs_f64(),
        report.steps_queued as f64 / real.as_secs_f64(),
        repeat.steps_queued,
        again.as_secs_f64(),
    );
    db.pool.close().await;
    Ok(())
}

fn main() {
    let rows: usize = std::env::var("BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
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
        let dir = std::env::temp_dir().join(format!("quittance-bench-rem-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let sqlite = format!("sqlite://{}/bench.db", dir.display());
        if let Err(e) = bench("SQLite", &sqlite, rows).await {
            eprintln!("SQLite run failed: {e}");
        }
        let _ = std::fs::remove_dir_all(&dir);
        let admin = std::env::var("POSTGRES_ADMIN_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = format!("quittance_bench_rem_{}", std::process::id());
        match sqlx::PgPool::connect(&admin).await {
            Ok(pool) => {
                let _ = sqlx::query(&format!("CREATE DATABASE {name}"))
                    .execute(&pool)
                    .await;
                let url = admin
                    .rsplit_once('/')
                    .map(|(b, _)| format!("{b}/{name}"))
                    .unwrap_or_default();
                if let Err(e) = bench("PostgreSQL", &url, rows).await {
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
