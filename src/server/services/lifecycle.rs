//! Lifecycle statuses of invoices: recorded by the money and dispute paths
//! inside their own transactions (the functions taking a connection), read
//! for the pages, and exported for the approved platform (JSON per invoice,
//! CSV per date range, the queue fed to [`crate::server::platform`]).
use crate::error::AppError;
use crate::model::dispute::ResolutionKind;
use crate::model::lifecycle::{self as rules, LifecycleCode, LifecycleEntry};
use crate::server::db::lifecycle::{self as store, NewStatus};
use crate::server::db::{Db, invoices};
use crate::server::platform::StatusMessage;
use futures::stream::{BoxStream, StreamExt};
use sqlx::AnyConnection;

/// The UTC day of an instant, `YYYY-MM-DD`.
pub fn day_of(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

async fn record(
    conn: &mut AnyConnection,
    invoice_id: i64,
    code: LifecycleCode,
    (source, reference): (&str, &str),
    amount: Option<(i64, &str)>,
    date: &str,
    now: i64,
) -> Result<(), AppError> {
    store::record(
        conn,
        &NewStatus {
            invoice_id,
            code,
            amount: amount.map(|a| a.0),
            currency: amount.map(|a| a.1),
            occurred_at: now,
            date,
            source,
            reference,
        },
    )
    .await?;
    Ok(())
}

/// 200: the document was issued (deposited), on its issue date.
pub async fn issued(
    conn: &mut AnyConnection,
    invoice_id: i64,
    issue_date: &str,
    now: i64,
) -> Result<(), AppError> {
    let reference = invoice_id.to_string();
    record(
        conn,
        invoice_id,
        LifecycleCode::Deposited,
        ("issue", &reference),
        None,
        issue_date,
        now,
    )
    .await
}

/// 204: the customer opened the invoice (its page or its pay link) for the
/// first time. Its own short transaction; nothing is written once recorded.
pub async fn viewed_by_customer(db: &Db, invoice_id: i64, now: i64) -> Result<(), AppError> {
    {
        let mut conn = db.pool.acquire().await?;
        if store::has(&mut conn, invoice_id, LifecycleCode::TakenOver, "view").await? {
            return Ok(());
        }
        let Some(inv) = invoices::get(&mut conn, invoice_id).await? else {
            return Err(AppError::NotFound);
        };
        if inv.kind != "invoice" || inv.number.is_none() {
            return Ok(());
        }
    }
    let mut tx = db.begin_write().await?;
    record(
        &mut tx,
        invoice_id,
        LifecycleCode::TakenOver,
        ("view", "first"),
        None,
        &day_of(now),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// 207: a dispute was opened (or reopened); `event_id` is its history entry.
pub async fn dispute_opened(
    conn: &mut AnyConnection,
    invoice_id: i64,
    event_id: i64,
    now: i64,
) -> Result<(), AppError> {
    let reference = event_id.to_string();
    record(
        conn,
        invoice_id,
        LifecycleCode::Disputed,
        ("dispute_event", &reference),
        None,
        &day_of(now),
        now,
    )
    .await
}

/// 206 / 205 when a dispute's resolution approves the invoice partially or
/// upholds it ([`rules::resolution_status`]).
pub async fn dispute_resolved(
    conn: &mut AnyConnection,
    invoice_id: i64,
    kind: ResolutionKind,
    event_id: i64,
    now: i64,
) -> Result<(), AppError> {
    let Some(code) = rules::resolution_status(kind) else {
        return Ok(());
    };
    let reference = event_id.to_string();
    record(
        conn,
        invoice_id,
        code,
        ("dispute_event", &reference),
        None,
        &day_of(now),
        now,
    )
    .await
}

/// 210 when a credit note (`credit_note_id`) leaves nothing of the invoice
/// ([`rules::credit_status`]); call it after the ledger recomputed it.
pub async fn credited(
    conn: &mut AnyConnection,
    invoice_id: i64,
    credit_note_id: i64,
    now: i64,
) -> Result<(), AppError> {
    let inv = invoices::get(conn, invoice_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let Some(code) = rules::credit_status(inv.total_ttc, inv.amount_credited) else {
        return Ok(());
    };
    let reference = credit_note_id.to_string();
    record(
        conn,
        invoice_id,
        code,
        ("credit_note", &reference),
        None,
        &day_of(now),
        now,
    )
    .await
}

/// 211: an online checkout for `amount` of this invoice started (the
/// provider's session id names it: a reused session adds nothing).
pub async fn checkout_started(
    conn: &mut AnyConnection,
    invoice_id: i64,
    session_id: &str,
    (amount, currency): (i64, &str),
    now: i64,
) -> Result<(), AppError> {
    record(
        conn,
        invoice_id,
        LifecycleCode::PaymentSent,
        ("checkout", session_id),
        Some((amount, currency)),
        &day_of(now),
        now,
    )
    .await
}

/// 212: payment `payment_id` (a `payments` row: a whole payment, or one
/// invoice's share of a statement payment) was collected, `received_on`
/// (an offline payment's date) or today. Once per payment.
pub async fn collected(
    conn: &mut AnyConnection,
    invoice_id: i64,
    payment_id: i64,
    (amount, currency): (i64, &str),
    received_on: Option<&str>,
    now: i64,
) -> Result<(), AppError> {
    let reference = payment_id.to_string();
    let date = received_on.map_or_else(|| day_of(now), str::to_string);
    record(
        conn,
        invoice_id,
        LifecycleCode::Collected,
        ("payment", &reference),
        Some((amount, currency)),
        &date,
        now,
    )
    .await
}

/// An invoice's timeline, in order.
pub async fn timeline(db: &Db, invoice_id: i64) -> Result<Vec<LifecycleEntry>, AppError> {
    let mut conn = db.pool.acquire().await?;
    Ok(rules::in_order(
        store::for_invoice(&mut conn, invoice_id).await?,
    ))
}

/// An invoice's statuses as the platform's messages (staff: the JSON route).
pub async fn messages_of_invoice(db: &Db, invoice_id: i64) -> Result<Vec<StatusMessage>, AppError> {
    let mut conn = db.pool.acquire().await?;
    if invoices::get(&mut conn, invoice_id).await?.is_none() {
        return Err(AppError::NotFound);
    }
    drop(conn);
    Ok(store::facts_of_invoice(&db.pool, invoice_id)
        .await?
        .iter()
        .map(StatusMessage::from_fact)
        .collect())
}

/// The columns of `/staff/lifecycle.csv`.
pub const CSV_HEADER: [&str; 12] = [
    "message_id",
    "invoice_number",
    "issue_date",
    "seller_siren",
    "buyer_siren",
    "status_code",
    "status_label",
    "status_date",
    "occurred_at",
    "amount",
    "currency",
    "event",
];

fn csv_record(m: &StatusMessage) -> [String; 12] {
    [
        m.message_id.clone(),
        m.invoice_number.clone(),
        m.issue_date.clone(),
        m.seller_siren.clone(),
        m.buyer_siren.clone(),
        m.status_code.to_string(),
        m.status_label.clone(),
        m.status_date.clone(),
        m.occurred_at.clone(),
        m.amount.clone().unwrap_or_default(),
        m.currency.clone().unwrap_or_default(),
        m.event.clone(),
    ]
}

/// Bytes of one chunk of a streamed CSV.
const CHUNK: usize = 64 * 1024;

/// Every status dated in `[from, to]` as CSV (comma, dot, UTF-8), written by
/// a task of its own as the database streams the rows, in chunks of about
/// 64 KiB over a bounded channel: a client that leaves stops the task.
pub fn csv_in_range(
    db: &Db,
    from: String,
    to: String,
) -> BoxStream<'static, Result<Vec<u8>, std::io::Error>> {
    let pool = db.pool.clone();
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(4);
    tokio::spawn(async move {
        let writer = || {
            csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .from_writer(Vec::with_capacity(CHUNK + 1024))
        };
        let mut w = writer();
        let fail = |e: String| {
            tracing::error!(error = %e, "lifecycle export interrupted");
            Err(std::io::Error::other("export interrupted"))
        };
        if let Err(e) = w.write_record(CSV_HEADER) {
            let _ = tx.send(fail(e.to_string())).await;
            return;
        }
        let mut rows = store::facts_in_range(&pool, &from, &to);
        while let Some(row) = rows.next().await {
            let written = row.map_err(|e| e.to_string()).and_then(|f| {
                w.write_record(csv_record(&StatusMessage::from_fact(&f)))
                    .map_err(|e| e.to_string())
            });
            if let Err(e) = written {
                let _ = tx.send(fail(e)).await;
                return;
            }
            if w.get_ref().len() >= CHUNK {
                let full = std::mem::replace(&mut w, writer());
                match full.into_inner() {
                    Ok(bytes) => {
                        if tx.send(Ok(bytes)).await.is_err() {
                            return;
                        }
                    }
                    Err(e) => {
                        let _ = tx.send(fail(e.to_string())).await;
                        return;
                    }
                }
            }
        }
        match w.into_inner() {
            Ok(bytes) => {
                let _ = tx.send(Ok(bytes)).await;
            }
            Err(e) => {
                let _ = tx.send(fail(e.to_string())).await;
            }
        }
    });
    futures::stream::unfold(rx, |mut rx| async move { rx.recv().await.map(|c| (c, rx)) }).boxed()
}
