//! Backups: `quittance backup PATH` copies the live SQLite database while
//! payments are being applied, the copy opens and holds every payment
//! committed before it began, and `quittance restore PATH` puts it back.
//! PostgreSQL is backed up with pg_dump: the command says so.
use crate::common;

use crate::common::{TestApp, TestDb, WEBHOOK_SECRET, within_time};
use quittance::server::db::{Db, backup};
use quittance::server::payments::signature;
use serde_json::json;
use sqlx::Row;
use std::collections::HashSet;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::Mutex;

const WRITERS: usize = 4;
/// Backups taken one after the other while the writers go on.
const BACKUPS: usize = 10;
/// Payments each writer applies after the backup finished, so that writes
/// run before, during and after it.
const AFTER_BACKUP: usize = 20;

/// Runs the binary with only the given variables (the developer's own
/// environment and `.env` stay out of the test).
fn quittance(args: &[&str], database_url: &str, dir: &Path) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_quittance"))
        .args(args)
        .env_clear()
        .env("DATABASE_URL", database_url)
        .env("PAYMENT_PROVIDER", "simulated")
        .current_dir(dir)
        .output()
        .expect("run quittance")
}

/// Delivers one signed `payment_intent.succeeded` of 1.00 for `invoice`.
async fn pay(client: &reqwest::Client, url: &str, invoice: i64, intent: &str) {
    let body = json!({
        "id": format!("evt_{intent}"), "object": "event", "type": "payment_intent.succeeded",
        "data": {"object": {"id": intent, "object": "payment_intent", "status": "succeeded",
            "amount": 100, "amount_received": 100, "currency": "eur",
            "payment_method_types": ["card"], "metadata": {"invoice_id": invoice.to_string()}}}
    })
    .to_string();
    let sig = signature::sign(
        WEBHOOK_SECRET,
        chrono::Utc::now().timestamp(),
        body.as_bytes(),
    );
    let res = client
        .post(url)
        .header("stripe-signature", sig)
        .body(body)
        .send()
        .await
        .expect("delivery");
    assert_eq!(
        res.status(),
        200,
        "{}",
        res.text().await.unwrap_or_default()
    );
}

/// The provider ids of the succeeded payments in a database, and whether each
/// invoice's amount paid is the sum of its succeeded payments.
async fn payments_in(db: &Db) -> (HashSet<String>, bool) {
    let ids = sqlx::query("SELECT provider_payment_id FROM payments WHERE status = 'succeeded'")
        .fetch_all(&db.pool)
        .await
        .expect("payments")
        .iter()
        .map(|r| r.get::<String, _>(0))
        .collect();
    let mismatched: i64 = sqlx::query(
        "SELECT COUNT(*) FROM invoices i WHERE i.amount_paid <> \
         (SELECT COALESCE(SUM(p.amount), 0) FROM payments p \
          WHERE p.invoice_id = i.id AND p.status = 'succeeded')",
    )
    .fetch_one(&db.pool)
    .await
    .expect("sums")
    .get(0);
    (ids, mismatched == 0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_payments_are_applied_opens_and_holds_every_payment_committed_before_it()
 {
    let db = TestDb::sqlite().await;
    within_time(backup_under_load(&db)).await;
}

async fn backup_under_load(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "payer@example.test").await;
    let mut invoices = Vec::new();
    for _ in 0..WRITERS {
        invoices.push(common::issued_invoice(&app.db, customer, "100000").await.id);
    }
    // How many backups have begun; each payment records it once acknowledged:
    // a payment that saw `k` was committed before backup `k` began.
    let begun = Arc::new(AtomicUsize::new(0));
    let done = Arc::new(AtomicBool::new(false));
    let acked = Arc::new(Mutex::new(Vec::<(String, usize)>::new()));
    let mut writers = Vec::new();
    for (w, invoice) in invoices.iter().copied().enumerate() {
        let (begun, done, acked) = (begun.clone(), done.clone(), acked.clone());
        let (client, url) = (app.client.clone(), app.url("/webhooks/stripe"));
        writers.push(tokio::spawn(async move {
            let (mut n, mut after) = (0, 0);
            while after < AFTER_BACKUP {
                let intent = format!("pi_backup_{w}_{n}");
                pay(&client, &url, invoice, &intent).await;
                acked
                    .lock()
                    .await
                    .push((intent, begun.load(Ordering::SeqCst)));
                if done.load(Ordering::SeqCst) {
                    after += 1;
                }
                n += 1;
            }
            n
        }));
    }
    // Let some payments land first.
    while acked.lock().await.len() < 40 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let dir = std::env::temp_dir().join(format!("quittance_backup_{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("backup dir");
    let copies: Vec<_> = (0..BACKUPS)
        .map(|k| dir.join(format!("copy-{k}.db")))
        .collect();
    // The first through the command, as cron runs it; the others in process, back to back.
    begun.fetch_add(1, Ordering::SeqCst);
    let (url, copy_arg, cwd) = (db.url.clone(), copies[0].display().to_string(), dir.clone());
    let out = tokio::task::spawn_blocking(move || quittance(&["backup", &copy_arg], &url, &cwd))
        .await
        .expect("backup task");
    assert!(
        out.status.success(),
        "backup failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    for copy in &copies[1..] {
        tokio::time::sleep(Duration::from_millis(20)).await;
        begun.fetch_add(1, Ordering::SeqCst);
        backup::backup_into(&app.db, copy).await.expect("backup");
    }
    done.store(true, Ordering::SeqCst);
    let mut applied = 0;
    for w in writers {
        applied += w.await.expect("writer");
    }

    let acked = acked.lock().await.clone();
    let (live, consistent) = payments_in(&app.db).await;
    assert!(consistent);
    assert_eq!(live.len(), applied, "every delivery applied once");
    let mut sizes = Vec::new();
    for (k, copy) in copies.iter().enumerate() {
        let copied = Db::connect(&format!("sqlite://{}", copy.display()))
            .await
            .expect("the copy opens");
        let (in_copy, consistent) = payments_in(&copied).await;
        copied.pool.close().await;
        let missing: Vec<_> = acked
            .iter()
            .filter(|(intent, seen)| *seen <= k && !in_copy.contains(intent))
            .collect();
        assert!(
            missing.is_empty(),
            "committed before backup {k} but not in it: {missing:?}"
        );
        assert!(
            consistent,
            "backup {k}: an invoice's amount paid differs from its payments"
        );
        assert!(in_copy.is_subset(&live));
        sizes.push(in_copy.len());
    }
    assert!(sizes.windows(2).all(|w| w[0] <= w[1]), "{sizes:?}");
    assert!(*sizes.last().unwrap_or(&0) < live.len());
    eprintln!(
        "payments in the {BACKUPS} backups: {sizes:?}; {} in the end",
        live.len()
    );
    let last = copies[BACKUPS - 1].clone();
    let in_copy = {
        let copied = Db::connect(&format!("sqlite://{}", last.display()))
            .await
            .expect("the copy opens");
        let (ids, _) = payments_in(&copied).await;
        copied.pool.close().await;
        ids
    };

    // Restore: with the server stopped, the copy replaces the database.
    app.stop().await;
    let out = quittance(&["restore", &last.display().to_string()], &db.url, &dir);
    assert!(
        out.status.success(),
        "restore failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let restored = Db::connect(&db.url)
        .await
        .expect("the restored database opens");
    let (after_restore, consistent) = payments_in(&restored).await;
    restored.pool.close().await;
    assert_eq!(after_restore, in_copy);
    assert!(consistent);
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_never_overwrites_a_file_and_a_damaged_file_is_never_restored() {
    let db = TestDb::sqlite().await;
    within_time(async {
        let app = TestApp::start(&db, false).await;
        app.stop().await;
        let dir = std::env::temp_dir().join(format!("quittance_refuse_{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        let existing = dir.join("existing.db");
        std::fs::write(&existing, b"keep me").expect("file");
        let out = quittance(&["backup", &existing.display().to_string()], &db.url, &dir);
        assert!(!out.status.success());
        assert_eq!(std::fs::read(&existing).expect("file"), b"keep me");
        let out = quittance(&["restore", &existing.display().to_string()], &db.url, &dir);
        assert!(
            !out.status.success(),
            "a file that is not a database is refused"
        );
        let live = Db::connect(&db.url)
            .await
            .expect("the database still opens");
        live.pool.close().await;
        let _ = std::fs::remove_dir_all(&dir);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_database_is_not_copied_by_the_binary_which_points_to_pg_dump() {
    let db = TestDb::postgres().await;
    within_time(async {
        let dir = std::env::temp_dir();
        let out = quittance(&["backup", "/nonexistent/copy.db"], &db.url, &dir);
        assert!(!out.status.success());
        assert!(
            String::from_utf8_lossy(&out.stderr).contains("pg_dump"),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    })
    .await;
}
