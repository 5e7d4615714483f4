//! The accounting exports over 100,000 invoices (two lines each, at 20 % and
//! 10 %, so two VAT lines per sales entry) and 50,000 offline payments, on
//! SQLite and PostgreSQL: the invoices CSV and the FEC of the year, each
//! written by a child process of its own that reads its peak resident memory
//! (VmHWM in /proc/self/status) after draining the stream, so the figure is
//! the export's and not the fixture's.
//!
//! Run with `cargo bench --features ssr --bench exports` (`BENCH_ROWS=10000`
//! for a tenth of it).
use futures::StreamExt;
use quittance::model::export::CsvKind;
use quittance::model::lang::Lang;
use quittance::model::role::Role;
use quittance::model::user::SessionUser;
use quittance::server::db::Db;
use quittance::server::db::seed::{CompanyInput, CustomerInput, insert_company, insert_customer};
use quittance::server::services::exports::{self, ExportFile};
use std::time::Instant;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

const CUSTOMERS: usize = 1_000;

fn year() -> (chrono::NaiveDate, chrono::NaiveDate) {
    let d = |m, day| chrono::NaiveDate::from_ymd_opt(2025, m, day).unwrap_or_default();
    (d(1, 1), d(12, 31))
}

async fn fixture(db: &Db, rows: usize) -> Res<()> {
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
        let name = format!("Client {c}; \"SARL\"");
        insert_customer(
            &db.pool,
            &CustomerInput {
                name: &name,
                is_business: true,
                address_line1: "2 rue B",
                postal_code: "69001",
                city: "Lyon",
                siren: "552100554",
                vat_number: "FR96552100554",
                billing_email: &email,
                lang: "fr",
            },
        )
        .await?;
    }
    let (start, _) = year();
    let mut tx = db.begin_write().await?;
    let chunk = 500;
    let mut i = 0;
    while i < rows {
        let end = (i + chunk).min(rows);
        // Drafts first: lines can only be added to a draft.
        let mut sql = String::from(
            "INSERT INTO invoices (customer_id, kind, status, issue_date, due_date, sale_date, currency, \
             total_ht, total_vat, total_ttc, amount_paid, amount_credited, created_at) VALUES ",
        );
        for k in i..end {
            let d = start + chrono::Duration::days((k % 365) as i64);
            if k > i {
                sql.push(',');
            }
            sql.push_str(&format!(
                "({c}, 'invoice', 'draft', '{d}', '{due}', '{d}', 'EUR', 15000, 2500, 17500, {paid}, 0, 0)",
                c = 1 + (k % CUSTOMERS),
                d = d.format("%Y-%m-%d"),
                due = (d + chrono::Duration::days(30)).format("%Y-%m-%d"),
                paid = if k % 2 == 0 { 17500 } else { 0 },
            ));
        }
        sqlx::query(&sql).execute(&mut *tx).await?;
        i = end;
    }
    for (pos, price, rate) in [(0, 10000, 2000), (1, 5000, 1000)] {
        sqlx::query(&format!(
            "INSERT INTO invoice_lines (invoice_id, position, description, quantity, unit, unit_price_ht, \
             vat_rate_bp, discount_pct, total_ht) \
             SELECT id, {pos}, 'Prestation', '1', '', {price}, {rate}, '0', {price} FROM invoices"
        ))
        .execute(&mut *tx)
        .await?;
    }
    sqlx::query(
        "UPDATE invoices SET status = CASE WHEN amount_paid > 0 THEN 'paid' ELSE 'issued' END, \
         number = 'F-' || CAST(id AS TEXT)",
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "INSERT INTO payments (invoice_id, provider, method, status, amount, currency, reference, \
         received_on, succeeded_at, created_at, updated_at) \
         SELECT id, 'offline', 'transfer', 'succeeded', 17500, 'EUR', 'VIR', issue_date, 0, 0, 0 \
         FROM invoices WHERE amount_paid > 0",
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse().ok()))
        })
        .unwrap_or(0)
}

/// In the child: one export drained, then `bytes seconds before_kib peak_kib`.
async fn child(kind: &str, url: &str) -> Res<()> {
    let db = Db::connect(url).await?;
    let admin = SessionUser {
        id: 0,
        email: "bench@test".into(),
        display_name: "Bench".into(),
        role: Role::Admin,
        customer_id: None,
    };
    let before = vm_hwm_kib();
    let started = Instant::now();
    let file: ExportFile = match kind {
        "fec" => exports::fec(&db, &admin, year()).await?,
        _ => exports::csv(&db, &admin, CsvKind::Invoices, year(), Lang::Fr)?,
    };
    let mut body = file.body;
    let mut bytes = 0usize;
    while let Some(chunk) = body.next().await {
        bytes += chunk?.len();
    }
    println!(
        "{bytes} {:.3} {before} {}",
        started.elapsed().as_secs_f64(),
        vm_hwm_kib()
    );
    Ok(())
}

fn run_child(kind: &str, url: &str) -> Res<String> {
    let out = std::process::Command::new(std::env::current_exe()?)
        .args(["--export-child", kind, url])
        .output()?;
    if !out.status.success() {
        return Err(String::from_utf8_lossy(&out.stderr).into_owned().into());
    }
    let s = String::from_utf8_lossy(&out.stdout).into_owned();
    let f: Vec<&str> = s.split_whitespace().collect();
    if f.len() != 4 {
        return Err(format!("child said {s:?}").into());
    }
    Ok(format!(
        "{:>6.1} MB in {} s; peak RSS {:.1} MB (at start {:.1} MB)",
        f[0].parse::<f64>().unwrap_or(0.0) / 1e6,
        f[1],
        f[3].parse::<f64>().unwrap_or(0.0) / 1024.0,
        f[2].parse::<f64>().unwrap_or(0.0) / 1024.0,
    ))
}

async fn bench(label: &str, url: &str, rows: usize) -> Res<()> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    let started = Instant::now();
    fixture(&db, rows).await?;
    println!(
        "{label:<10} fixture: {rows} invoices in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    db.pool.close().await;
    for kind in ["invoices.csv", "fec"] {
        match run_child(kind, url) {
            Ok(line) => println!("{label:<10} {kind:<13} {line}"),
            Err(e) => eprintln!("{label} {kind} failed: {e}"),
        }
    }
    Ok(())
}

fn main() {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("runtime: {e}");
            std::process::exit(2);
        }
    };
    let args: Vec<String> = std::env::args().collect();
    if args.len() == 4 && args[1] == "--export-child" {
        if let Err(e) = rt.block_on(child(&args[2], &args[3])) {
            eprintln!("{e}");
            std::process::exit(1);
        }
        return;
    }
    let rows: usize = std::env::var("BENCH_ROWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    rt.block_on(async {
        let dir = std::env::temp_dir().join(format!("quittance-bench-exp-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let sqlite = format!("sqlite://{}/bench.db", dir.display());
        if let Err(e) = bench("SQLite", &sqlite, rows).await {
            eprintln!("SQLite run failed: {e}");
        }
        let _ = std::fs::remove_dir_all(&dir);
        let admin = std::env::var("POSTGRES_ADMIN_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = format!("quittance_bench_exp_{}", std::process::id());
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
