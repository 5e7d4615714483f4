//! Disputes, end to end over real HTTP, on SQLite and on PostgreSQL (each on
//! a fresh database seeded with the demo data):
//! 1. the staff queue `/staff/disputes` with 10,000 disputes seeded in bulk
//!    (statuses, assignees, customer and staff messages at various times),
//!    default view and filters, and its server function `/api/dispute_queue`
//!    alone (POST, JSON answer);
//! 2. the customer's thread page `/disputes/{id}` with 50 messages and 5
//!    attachments (only their metadata is rendered);
//! 3. opening a dispute and resolving it with a partial credit note through
//!    the service, sequentially: operations per second.
//!
//! Run with `cargo bench --features ssr --bench disputes` (`BENCH_DISPUTES`,
//! default 10000; `BENCH_RUNS`, requests per case, default 100; `BENCH_OPS`,
//! default 200; PostgreSQL is skipped with a note when it cannot be reached).
use quittance::model::attachment::Upload;
use quittance::model::dispute::DisputeReason;
use quittance::model::vat::VatRate;
use quittance::server::app::Application;
use quittance::server::config::Config;
use quittance::server::db::{Db, now_ts};
use quittance::server::services::disputes::{self, OpenDispute, Resolution, Viewer};
use sqlx::Row;
use std::sync::Arc;
use std::time::{Duration, Instant};

const SECRET: &str = "whsec_bench_disputes";
const DAY: i64 = 86_400;
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
const PDF: &[u8] = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

type BoxError = Box<dyn std::error::Error>;

/// The demo people the bench acts as.
struct People {
    /// (customer id, user id) of client@demo.test, then of client2@demo.test.
    customers: [(i64, i64); 2],
    agent: i64,
    admin: i64,
}

async fn user(db: &Db, email: &str) -> Result<(i64, Option<i64>), sqlx::Error> {
    let r = sqlx::query("SELECT id, customer_id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&db.pool)
        .await?;
    Ok((r.try_get("id")?, r.try_get("customer_id")?))
}

async fn people(db: &Db) -> Result<People, BoxError> {
    let (u1, c1) = user(db, "client@demo.test").await?;
    let (u2, c2) = user(db, "client2@demo.test").await?;
    Ok(People {
        customers: [
            (c1.ok_or("client without account")?, u1),
            (c2.ok_or("client2 without account")?, u2),
        ],
        agent: user(db, "agent@demo.test").await?.0,
        admin: user(db, "admin@demo.test").await?.0,
    })
}

/// Bulk-inserts `n` issued invoices numbered `{prefix}-NNNNNN`, `customer(k)`'s,
/// with `status(k)`; returns their ids in order.
async fn bulk_invoices(
    db: &Db,
    prefix: &str,
    n: usize,
    customer: impl Fn(usize) -> i64,
    status: impl Fn(usize) -> &'static str,
) -> Result<Vec<i64>, sqlx::Error> {
    let mut tx = db.pool.begin().await?;
    let mut i = 0;
    while i < n {
        let end = (i + 500).min(n);
        let mut sql = String::from(
            "INSERT INTO invoices (customer_id, kind, number, status, issue_date, due_date, sale_date, currency, \
             total_ht, total_vat, total_ttc, amount_paid, amount_credited, created_at) VALUES ",
        );
        for k in i..end {
            if k > i {
                sql.push(',');
            }
            sql.push_str(&format!(
                "({c}, 'invoice', '{prefix}-{k:06}', '{s}', '2026-01-01', '2026-01-31', '2026-01-01', 'EUR', \
                 100000, 20000, 120000, 0, 0, 0)",
                c = customer(k),
                s = status(k),
            ));
        }
        sqlx::query(&sql).execute(&mut *tx).await?;
        i = end;
    }
    tx.commit().await?;
    let rows = sqlx::query("SELECT id FROM invoices WHERE number LIKE $1 ORDER BY number")
        .bind(format!("{prefix}-%"))
        .fetch_all(&db.pool)
        .await?;
    rows.iter().map(|r| r.try_get("id")).collect()
}

const STATUSES: [&str; 20] = [
    "open",
    "open",
    "open",
    "open",
    "open",
    "open",
    "in_review",
    "in_review",
    "in_review",
    "in_review",
    "waiting_for_customer",
    "waiting_for_customer",
    "waiting_for_customer",
    "resolved",
    "resolved",
    "resolved",
    "resolved",
    "resolved",
    "rejected",
    "rejected",
];
const REASONS: [&str; 6] = [
    "wrong_amount",
    "not_delivered",
    "quality",
    "duplicate",
    "already_paid",
    "other",
];

fn closed(k: usize) -> bool {
    matches!(STATUSES[k % STATUSES.len()], "resolved" | "rejected")
}

/// `n` disputes, each on its own invoice: 65 % not closed (open, in review,
/// waiting for the customer), 35 % resolved or rejected; 40 % unassigned, the
/// rest split between the agent and the admin; opened up to 90 days ago, the
/// customer's last message and the staff's last answer at various times (so
/// about half wait for staff). Their messages are inserted from those times.
async fn bulk_disputes(db: &Db, p: &People, n: usize, now: i64) -> Result<(), BoxError> {
    let customer = |k: usize| p.customers[(k / 7) % 2];
    let invoices = bulk_invoices(
        db,
        "QD",
        n,
        |k| customer(k).0,
        |k| if closed(k) { "issued" } else { "disputed" },
    )
    .await?;
    let mut tx = db.pool.begin().await?;
    let mut i = 0;
    while i < n {
        let end = (i + 500).min(n);
        let mut sql = String::from(
            "INSERT INTO disputes (invoice_id, customer_id, reason, disputed_amount, status, assignee_id, \
             opened_by, created_at, updated_at, last_customer_message_at, last_staff_message_at, resolved_at, \
             resolution_kind, resolution_explanation, resolved_by) VALUES ",
        );
        for (k, invoice) in invoices.iter().enumerate().take(end).skip(i) {
            if k > i {
                sql.push(',');
            }
            let status = STATUSES[k % STATUSES.len()];
            let assignee = match (k / 3) % 5 {
                0 | 1 => "NULL".to_string(),
                2 | 4 => p.agent.to_string(),
                _ => p.admin.to_string(),
            };
            let created = now - ((k as i64 * 7919) % (90 * DAY)) - 60;
            let age = now - created;
            // The customer wrote again in 60 % of them, some time after opening.
            let last_customer = if k % 5 < 3 {
                created + (k as i64 * 104_729) % age.max(1)
            } else {
                created
            };
            // Staff answered in half of them, before or after the customer's last word.
            let last_staff = match k % 4 {
                0 => Some(created + (last_customer - created) / 2 + 1),
                1 => Some(last_customer + (now - last_customer) / 3 + 1),
                _ => None,
            };
            let updated = last_staff.unwrap_or(last_customer).max(last_customer);
            let (resolved_at, kind, explanation, by) = match status {
                "resolved" => (
                    (updated + 1).to_string(),
                    "'commercial_gesture'",
                    "'Geste commercial accordé.'",
                    p.agent.to_string(),
                ),
                "rejected" => (
                    (updated + 1).to_string(),
                    "'rejected'",
                    "'La facture est conforme au devis signé.'",
                    p.admin.to_string(),
                ),
                _ => ("NULL".into(), "NULL", "NULL", "NULL".into()),
            };
            let (cust, opener) = customer(k);
            sql.push_str(&format!(
                "({inv}, {cust}, '{reason}', {amount}, '{status}', {assignee}, {opener}, {created}, {updated}, \
                 {last_customer}, {staff}, {resolved_at}, {kind}, {explanation}, {by})",
                inv = invoice,
                reason = REASONS[k % REASONS.len()],
                amount = 10_000 + (k as i64 % 11) * 10_000,
                staff = last_staff.map_or("NULL".into(), |t| t.to_string()),
            ));
        }
        sqlx::query(&sql).execute(&mut *tx).await?;
        i = end;
    }
    // The threads: the opening message, the customer's follow-up and the
    // staff's answer, at the times the dispute rows say.
    for sql in [
        "INSERT INTO dispute_messages (dispute_id, author_kind, author_id, body, internal, created_at) \
         SELECT id, 'customer', opened_by, 'Le montant facturé ne correspond pas au devis accepté.', 0, created_at \
         FROM disputes",
        "INSERT INTO dispute_messages (dispute_id, author_kind, author_id, body, internal, created_at) \
         SELECT id, 'customer', opened_by, 'Pouvez-vous me donner des nouvelles ?', 0, last_customer_message_at \
         FROM disputes WHERE last_customer_message_at > created_at",
        "INSERT INTO dispute_messages (dispute_id, author_kind, author_id, body, internal, created_at) \
         SELECT id, 'staff', COALESCE(assignee_id, resolved_by), 'Nous vérifions avec notre comptabilité.', 0, \
         last_staff_message_at FROM disputes WHERE last_staff_message_at IS NOT NULL",
        "INSERT INTO dispute_events (dispute_id, actor_kind, actor_id, kind, detail, created_at) \
         SELECT id, 'customer', opened_by, 'opened', '', created_at FROM disputes",
    ] {
        sqlx::query(sql).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    sqlx::query("ANALYZE").execute(&db.pool).await?;
    Ok(())
}

/// A dispute of client@demo.test with 50 messages (customer and staff in
/// turn) and 5 attachments, plus 5 internal notes the customer never sees,
/// through the service as the app records them. Returns its id.
async fn long_thread(db: &Db, p: &People, invoice_id: i64, now: i64) -> Result<i64, BoxError> {
    let (customer_id, user_id) = p.customers[0];
    let customer = Viewer::Customer {
        customer_id,
        user_id,
    };
    let staff = Viewer::Staff(p.agent);
    let start = now - 30 * DAY;
    let input = OpenDispute {
        invoice_id,
        reason: DisputeReason::Quality,
        disputed_amount: Some(50_000),
        lines: Vec::new(),
        message: "La prestation livrée ne correspond pas au cahier des charges : voir les pièces jointes."
            .into(),
    };
    let id = disputes::open(db, customer, &input, start).await?;
    let mut files = 0;
    for m in 1..50i64 {
        let at = start + m * 3_600 * 12;
        let (viewer, body) = if m % 2 == 1 {
            (
                staff,
                format!(
                    "Réponse n°{m} : nous revenons vers vous après vérification du bon de livraison."
                ),
            )
        } else {
            (
                customer,
                format!(
                    "Message n°{m} : le point {m} du cahier des charges n'est toujours pas couvert."
                ),
            )
        };
        let upload = if viewer == customer && files < 5 {
            files += 1;
            let (name, bytes) = if files % 2 == 0 {
                (format!("photo-{files}.png"), PNG.to_vec())
            } else {
                (format!("constat-{files}.pdf"), PDF.to_vec())
            };
            vec![Upload::new(name, bytes)]
        } else {
            Vec::new()
        };
        disputes::reply_with_files(db, id, viewer, &body, &upload, at).await?;
        if m % 10 == 0 {
            disputes::internal_note(
                db,
                id,
                staff,
                "Note interne : à voir avec la production.",
                at + 60,
            )
            .await?;
        }
    }
    Ok(id)
}

async fn signed_in(base: &str, email: &str, password: &str) -> Result<reqwest::Client, BoxError> {
    let client = reqwest::Client::builder()
        .cookie_provider(Arc::new(reqwest::cookie::Jar::default()))
        .build()?;
    client
        .post(format!("{base}/api/login"))
        .header("Accept", "text/html")
        .form(&[("email", email), ("password", password), ("next", "")])
        .send()
        .await?;
    Ok(client)
}

/// `runs` timed requests after 5 untimed ones; the sorted times of the
/// successful ones and the body of the last answer.
async fn measure(
    runs: usize,
    send: impl Fn() -> reqwest::RequestBuilder,
) -> (Vec<Duration>, String) {
    let mut times = Vec::with_capacity(runs);
    let mut last = String::new();
    for i in 0..runs + 5 {
        let t = Instant::now();
        let Ok(res) = send().send().await else {
            continue;
        };
        let ok = res.status().is_success();
        let body = res.text().await.unwrap_or_default();
        if ok && i >= 5 {
            times.push(t.elapsed());
        }
        last = body;
    }
    times.sort();
    (times, last)
}

fn report(label: &str, case: &str, times: &[Duration], note: &str) {
    if times.is_empty() {
        return eprintln!("{label:<10} {case}: no successful request");
    }
    println!(
        "{label:<10} {case:<44}: p50 {:>7.2} ms, p95 {:>7.2} ms ({} requests{note})",
        percentile(times, 0.5),
        percentile(times, 0.95),
        times.len()
    );
}

async fn run(label: &str, url: &str) -> Result<(), BoxError> {
    let n = env_usize("BENCH_DISPUTES", 10_000);
    let runs = env_usize("BENCH_RUNS", 100);
    let ops = env_usize("BENCH_OPS", 200);
    let mut config = Config::local(
        url,
        quittance::server::payments::PaymentConfig::simulated(SECRET),
    );
    config.email.worker_enabled = false;
    let app = Application::build(config).await?;
    let db = app.state.db.clone();
    let today = chrono::Local::now().date_naive();
    quittance::server::seed::seed_demo(&db, today).await?;
    let p = people(&db).await?;
    let now = now_ts();
    let t = Instant::now();
    bulk_disputes(&db, &p, n, now).await?;
    let seeded = t.elapsed().as_secs_f64();
    let spare = bulk_invoices(&db, "QT", 1 + ops, |_| p.customers[0].0, |_| "issued").await?;
    let thread = long_thread(&db, &p, spare[0], now).await?;
    let base = format!("http://127.0.0.1:{}", app.port());
    let (stop, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let _ = app
            .run_until(async {
                let _ = rx.await;
            })
            .await;
    });
    let open: i64 = sqlx::query(
        "SELECT COUNT(*) AS n FROM disputes WHERE status NOT IN ('resolved', 'rejected')",
    )
    .fetch_one(&db.pool)
    .await?
    .try_get("n")?;
    println!("{label:<10} {n} disputes seeded in {seeded:.1} s ({open} not closed)");

    // 1. The staff queue, signed in as the agent.
    let staff = signed_in(&base, "agent@demo.test", "agent-demo-1").await?;
    for (case, query) in [
        ("default view", ""),
        ("assignee=mine", "?assignee=mine"),
        ("assignee=unassigned", "?assignee=unassigned"),
        (
            "status=waiting_for_customer",
            "?status=waiting_for_customer",
        ),
    ] {
        let url = format!("{base}/staff/disputes{query}");
        let (times, html) = measure(runs, || staff.get(&url).header("Accept", "text/html")).await;
        let rows = html.matches(r#"data-testid="queue-row""#).count();
        let note = format!(", {rows} rows, {} KB", html.len() / 1024);
        report(label, &format!("/staff/disputes {case}"), &times, &note);
    }
    for (case, status, assignee) in [
        ("default", "", ""),
        ("assignee=mine", "", "mine"),
        ("assignee=unassigned", "", "unassigned"),
        ("status=waiting_for_customer", "waiting_for_customer", ""),
    ] {
        let url = format!("{base}/api/dispute_queue");
        let (times, json) = measure(runs, || {
            staff
                .post(&url)
                .form(&[("status", status), ("assignee", assignee)])
        })
        .await;
        let note = format!(", {} KB JSON", json.len() / 1024);
        report(
            label,
            &format!("server fn dispute_queue {case}"),
            &times,
            &note,
        );
    }

    // 2. The customer's thread page.
    let client = signed_in(&base, "client@demo.test", "client-demo-1").await?;
    let url = format!("{base}/disputes/{thread}");
    let (times, html) = measure(runs, || client.get(&url).header("Accept", "text/html")).await;
    let note = format!(
        ", {} KB, {} attachment links",
        html.len() / 1024,
        html.matches(&format!("/disputes/{thread}/attachments/"))
            .count()
    );
    report(
        label,
        "/disputes/{id} (50 messages, 5 files)",
        &times,
        &note,
    );

    // 3. Open then resolve with a partial credit note, sequentially.
    let (customer_id, user_id) = p.customers[0];
    let customer = Viewer::Customer {
        customer_id,
        user_id,
    };
    let (mut opening, mut resolving) = (Duration::ZERO, Duration::ZERO);
    let mut done = 0;
    for &invoice_id in &spare[1..] {
        let input = OpenDispute {
            invoice_id,
            reason: DisputeReason::WrongAmount,
            disputed_amount: Some(24_000),
            lines: Vec::new(),
            message: "La remise de 20 % convenue n'a pas été appliquée.".into(),
        };
        let t = Instant::now();
        let id = disputes::open(&db, customer, &input, now_ts()).await?;
        let t2 = Instant::now();
        opening += t2 - t;
        let resolution = Resolution::CreditNotePartial {
            amount_ht: 20_000,
            vat_rate: VatRate::Standard20,
            explanation: "Avoir de la remise oubliée.".into(),
        };
        disputes::resolve(
            &db,
            id,
            Viewer::Staff(p.agent),
            &resolution,
            today,
            now_ts(),
        )
        .await?;
        resolving += t2.elapsed();
        done += 1;
    }
    let total = (opening + resolving).as_secs_f64();
    println!(
        "{label:<10} open + resolve (partial credit note), {done} sequential: {:.0} pairs/s \
         (open {:.0}/s, resolve {:.0}/s)",
        done as f64 / total,
        done as f64 / opening.as_secs_f64(),
        done as f64 / resolving.as_secs_f64()
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
        let dir = std::env::temp_dir().join(format!("quittance-bench-disp-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let sqlite = format!("sqlite://{}/bench.db", dir.display());
        if let Err(e) = run("SQLite", &sqlite).await {
            eprintln!("SQLite run failed: {e}");
        }
        let _ = std::fs::remove_dir_all(&dir);
        let admin = std::env::var("POSTGRES_ADMIN_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        let name = format!("quittance_bench_disp_{}", std::process::id());
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
