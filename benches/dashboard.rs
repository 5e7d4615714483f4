//! The staff dashboard (`services::dashboard::dashboard`, what `/staff`
//! calls) over 1,000 and 1,000,000 issued invoices, on SQLite and PostgreSQL.
//!
//! The ledger is written with bulk SQL (multi-row INSERTs), not through the
//! services, so a million invoices build in minutes: invoices issued evenly
//! over the 15 months ending today, due 30 days later, for 1,000 customers,
//! 100.00 to 2,000.00 EUR + 20 % VAT. The older an invoice, the likelier it is
//! paid (80 % of those not yet due are open, 40 % of 1-30 days late, 15 % of
//! 31-90, 3 % beyond); a tenth of the open ones are half paid. Each paid
//! amount is one succeeded payment (half online with a provider id, half
//! offline) within 40 days of issue; 1 % of online payments are half
//! refunded and 0.2 % charged back (the invoice reopened for that amount);
//! 2 % of invoices are cancelled by a credit note; 1 % of the open ones are
//! in an open dispute and 1 % of the paid ones had a dispute resolved.
//!
//! Each size is timed over `BENCH_RUNS` calls (default 200 at 1,000 and 50
//! at 1,000,000) after one warm-up call; p50 and p95 are printed. Run with
//! `cargo bench --features ssr --bench dashboard` (`BENCH_SIZES=1000` for the
//! small one only; `BENCH_KEEP=1` keeps the SQLite files and prints where).
use chrono::{Duration as Days, NaiveDate};
use quittance::model::role::Role;
use quittance::model::user::SessionUser;
use quittance::server::db::Db;
use quittance::server::services::dashboard::dashboard;
use quittance::server::services::reminders::instant_at;
use std::time::{Duration, Instant};

const CUSTOMERS: u64 = 1_000;
const SPAN_DAYS: u64 = 457;
const BATCH: usize = 1_000;
const DAY: i64 = 86_400;

/// Tuesday 2 June 2026.
fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 6, 2).unwrap_or_default()
}

/// A fixed, well-mixed pseudo-random number of `k` (splitmix64).
fn mix(k: u64) -> u64 {
    let mut z = k.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Multi-row INSERTs of one table, `BATCH` rows each.
struct Rows {
    head: &'static str,
    rows: Vec<String>,
    sql: Vec<String>,
}

impl Rows {
    fn new(head: &'static str) -> Rows {
        Rows {
            head,
            rows: Vec::with_capacity(BATCH),
            sql: Vec::new(),
        }
    }

    fn push(&mut self, row: String) {
        self.rows.push(row);
        if self.rows.len() == BATCH {
            self.flush();
        }
    }

    fn flush(&mut self) {
        if !self.rows.is_empty() {
            self.sql
                .push(format!("{} VALUES {}", self.head, self.rows.join(",")));
            self.rows.clear();
        }
    }
}

/// The tables of the fixture, as INSERT statements in foreign-key order.
struct Ledger {
    invoices: Rows,
    credit_notes: Rows,
    payments: Rows,
    refunds: Rows,
    chargebacks: Rows,
    disputes: Rows,
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Whether invoice `h` is still open `past_due` days after its due date.
fn is_open(h: u64, past_due: i64) -> bool {
    let percent = match past_due {
        ..=0 => 80,
        1..=30 => 40,
        31..=90 => 15,
        _ => 3,
    };
    h % 100 < percent
}

fn ledger(n: u64, now: i64) -> Ledger {
    let mut l = Ledger {
        invoices: Rows::new(
            "INSERT INTO invoices (id, customer_id, kind, number, status, issue_date, due_date, sale_date, \
             currency, total_ht, total_vat, total_ttc, amount_paid, amount_credited, issued_at, paid_at, created_at)",
        ),
        credit_notes: Rows::new(
            "INSERT INTO invoices (id, customer_id, kind, number, status, issue_date, due_date, sale_date, \
             currency, total_ht, total_vat, total_ttc, amount_paid, amount_credited, corrects_invoice_id, \
             issued_at, created_at)",
        ),
        payments: Rows::new(
            "INSERT INTO payments (invoice_id, provider, method, status, amount, currency, provider_payment_id, \
             reference, succeeded_at, created_at, updated_at)",
        ),
        refunds: Rows::new(
            "INSERT INTO provider_refunds (provider_payment_id, amount_refunded, counted, updated_at)",
        ),
        chargebacks: Rows::new(
            "INSERT INTO chargebacks (provider_dispute_id, provider_payment_id, amount, status, closed, \
             holds_money, funds_withdrawn, status_at, updated_at)",
        ),
        disputes: Rows::new(
            "INSERT INTO disputes (invoice_id, customer_id, reason, disputed_amount, status, created_at, \
             updated_at, resolved_at, resolution_kind)",
        ),
    };
    let today = today();
    for k in 0..n {
        let id = k + 1;
        let h = mix(k);
        let age = (k * SPAN_DAYS / n) as i64;
        let issued = today - Days::days(age);
        let due = issued + Days::days(30);
        let issued_at = now - age * DAY;
        let customer = 1 + (h >> 8) % CUSTOMERS;
        let ht = 10_000 + ((h >> 16) % 190_000) as i64;
        let (vat, ttc) = (ht / 5, ht + ht / 5);
        let credited = (h >> 24).is_multiple_of(50);
        let open = !credited && is_open(h, age - 30);
        let mut paid = if credited {
            0
        } else if !open {
            ttc
        } else if (h >> 32).is_multiple_of(10) {
            ttc / 2
        } else {
            0
        };
        let online = (h >> 36).is_multiple_of(2);
        let reference = format!("pi_bench_{id}");
        if paid > 0 {
            let at = (issued_at + ((h >> 40) % (40 * DAY as u64)) as i64).min(now - 60);
            let (provider, method, pid) = if online {
                ("stripe", "card", format!("'{reference}'"))
            } else {
                ("offline", "transfer", "NULL".to_string())
            };
            l.payments.push(format!(
                "({id}, '{provider}', '{method}', 'succeeded', {paid}, 'EUR', {pid}, 'VIR-{id}', {at}, {at}, {at})"
            ));
            let returned_at = (at + 5 * DAY).min(now - 30);
            if online && (h >> 48).is_multiple_of(100) {
                let refunded = paid / 2;
                l.refunds.push(format!(
                    "('{reference}', {refunded}, {refunded}, {returned_at})"
                ));
                paid -= refunded;
            } else if online && (h >> 48) % 500 == 1 {
                l.chargebacks.push(format!(
                    "('dp_bench_{id}', '{reference}', {paid}, 'lost', 1, 1, 1, {returned_at}, {returned_at})"
                ));
                paid = 0;
            }
        }
        let disputed = open && (h >> 52).is_multiple_of(100);
        let status = match () {
            _ if credited => "credited",
            _ if disputed => "disputed",
            _ if paid == ttc => "paid",
            _ if paid > 0 => "partially_paid",
            _ => "issued",
        };
        let paid_at = if status == "paid" {
            issued_at.to_string()
        } else {
            "NULL".into()
        };
        let (d_issue, d_due) = (iso(issued), iso(due));
        l.invoices.push(format!(
            "({id}, {customer}, 'invoice', 'F-{id:08}', '{status}', '{d_issue}', '{d_due}', '{d_issue}', 'EUR', \
             {ht}, {vat}, {ttc}, {paid}, {c}, {issued_at}, {paid_at}, {issued_at})",
            c = if credited { ttc } else { 0 },
        ));
        if credited {
            l.credit_notes.push(format!(
                "({cn}, {customer}, 'credit_note', 'AV-{id:08}', 'issued', '{d_issue}', '{d_issue}', '{d_issue}', \
                 'EUR', {ht}, {vat}, {ttc}, 0, 0, {id}, {issued_at}, {issued_at})",
                cn = n + id,
            ));
        }
        if disputed {
            let opened = issued_at + ((h >> 20) % (age.max(1) as u64 * DAY as u64)) as i64;
            l.disputes.push(format!(
                "({id}, {customer}, 'wrong_amount', {ttc}, 'open', {opened}, {opened}, NULL, NULL)"
            ));
        } else if status == "paid" && (h >> 52) % 100 == 1 {
            let opened = issued_at + 2 * DAY;
            let closed = opened + ((h >> 20) % (20 * DAY as u64)) as i64;
            l.disputes.push(format!(
                "({id}, {customer}, 'quality', {ttc}, 'rejected', {opened}, {closed}, {closed}, 'rejected')"
            ));
        }
    }
    for t in [
        &mut l.invoices,
        &mut l.credit_notes,
        &mut l.payments,
        &mut l.refunds,
        &mut l.chargebacks,
        &mut l.disputes,
    ] {
        t.flush();
    }
    l
}

async fn fixture(db: &Db, n: u64, now: i64) -> Result<(), Box<dyn std::error::Error>> {
    let customers: Vec<String> = (1..=CUSTOMERS)
        .map(|c| format!("({c}, 'Client {c:04} SARL', 'c{c}@bench.test', 0)"))
        .collect();
    let l = ledger(n, now);
    let mut tx = db.begin_write().await?;
    sqlx::query(&format!(
        "INSERT INTO customers (id, name, billing_email, created_at) VALUES {}",
        customers.join(",")
    ))
    .execute(&mut *tx)
    .await?;
    for t in [
        &l.invoices,
        &l.credit_notes,
        &l.payments,
        &l.refunds,
        &l.chargebacks,
        &l.disputes,
    ] {
        for sql in &t.sql {
            sqlx::query(sql).execute(&mut *tx).await?;
        }
    }
    tx.commit().await?;
    // Fresh statistics, as a database that has lived would have.
    sqlx::query("ANALYZE").execute(&db.pool).await?;
    Ok(())
}

fn percentile(sorted: &[Duration], p: usize) -> Duration {
    let i = (sorted.len() * p).div_ceil(100).saturating_sub(1);
    sorted.get(i).copied().unwrap_or_default()
}

fn admin() -> SessionUser {
    SessionUser {
        id: 1,
        email: "admin@bench.test".into(),
        display_name: "Bench".into(),
        role: Role::Admin,
        customer_id: None,
    }
}

async fn bench(
    label: &str,
    url: &str,
    n: u64,
    runs: usize,
) -> Result<(), Box<dyn std::error::Error>> {
    let db = Db::connect(url).await?;
    db.migrate().await?;
    let now = instant_at("Europe/Paris", today(), 12).timestamp();
    let started = Instant::now();
    fixture(&db, n, now).await?;
    println!(
        "{label:<10} {n:>9} invoices: fixture built in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let user = admin();
    let view = dashboard(&db.pool, &user, None, None, today(), now).await?;
    let figures = view.figures.ok_or("no figures")?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        dashboard(&db.pool, &user, None, None, today(), now).await?;
        times.push(started.elapsed());
    }
    times.sort();
    println!(
        "{label:<10} {n:>9} invoices: dashboard x{runs}: p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms \
         (open {} EUR, {} overdue, cash this month {} EUR)",
        percentile(&times, 50).as_secs_f64() * 1e3,
        percentile(&times, 95).as_secs_f64() * 1e3,
        times.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
        figures.open / 100,
        figures.overdue_count,
        figures.cash.last().map_or(0, |m| m.amount) / 100,
    );
    db.pool.close().await;
    Ok(())
}

fn env_list(name: &str, default: &[u64]) -> Vec<u64> {
    std::env::var(name)
        .ok()
        .map(|v| v.split(',').filter_map(|s| s.trim().parse().ok()).collect())
        .unwrap_or_else(|| default.to_vec())
}

async fn on_postgres(n: u64, runs: usize) {
    let admin = std::env::var("POSTGRES_ADMIN_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!("quittance_bench_dash_{}_{n}", std::process::id());
    match sqlx::PgPool::connect(&admin).await {
        Ok(pool) => {
            let _ = sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&pool)
                .await;
            let url = admin
                .rsplit_once('/')
                .map(|(b, _)| format!("{b}/{name}"))
                .unwrap_or_default();
            if let Err(e) = bench("PostgreSQL", &url, n, runs).await {
                eprintln!("PostgreSQL run failed: {e}");
            }
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&pool)
                .await;
        }
        Err(e) => println!("PostgreSQL skipped: {e}"),
    }
}

fn main() {
    let sizes = env_list("BENCH_SIZES", &[1_000, 1_000_000]);
    let backends = std::env::var("BENCH_BACKENDS").unwrap_or_else(|_| "sqlite,postgres".into());
    let keep = std::env::var("BENCH_KEEP").is_ok();
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
        let dir = std::env::temp_dir().join(format!("quittance-bench-dash-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        for &n in &sizes {
            let runs = std::env::var("BENCH_RUNS")
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(if n > 100_000 { 50 } else { 200 });
            if backends.contains("sqlite") {
                let file = dir.join(format!("dash-{n}.db"));
                let url = format!("sqlite://{}", file.display());
                if let Err(e) = bench("SQLite", &url, n, runs).await {
                    eprintln!("SQLite run failed: {e}");
                }
                if keep {
                    println!("kept {}", file.display());
                }
            }
            if backends.contains("postgres") {
                on_postgres(n, runs).await;
            }
        }
        if !keep {
            let _ = std::fs::remove_dir_all(&dir);
        }
    });
}
