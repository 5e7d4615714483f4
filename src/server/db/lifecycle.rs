//! The SQL of lifecycle statuses (`lifecycle_statuses`) and of their queue
//! to the approved platform (`lifecycle_outbox`), migration 0016.
use crate::model::lifecycle::{LifecycleCode, LifecycleEntry};
use futures::stream::{BoxStream, StreamExt};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};

/// A status to record, named by the event that causes it.
#[derive(Debug, Clone)]
pub struct NewStatus<'a> {
    pub invoice_id: i64,
    pub code: LifecycleCode,
    pub amount: Option<i64>,
    pub currency: Option<&'a str>,
    pub occurred_at: i64,
    /// `YYYY-MM-DD`.
    pub date: &'a str,
    /// What kind of event (`issue`, `payment`, `dispute_event`, …) …
    pub source: &'a str,
    /// … and which one (its id): with the invoice and code, unique.
    pub reference: &'a str,
}

/// Records a status and queues it for the platform, in the caller's
/// transaction; `None` when that event's status was recorded before.
pub async fn record(
    conn: &mut AnyConnection,
    s: &NewStatus<'_>,
) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO lifecycle_statuses (invoice_id, code, amount_minor, currency, occurred_at, \
         status_date, source, reference) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (invoice_id, code, source, reference) DO NOTHING RETURNING id",
    )
    .bind(s.invoice_id)
    .bind(s.code.code())
    .bind(s.amount)
    .bind(s.currency)
    .bind(s.occurred_at)
    .bind(s.date)
    .bind(s.source)
    .bind(s.reference)
    .fetch_optional(&mut *conn)
    .await?;
    let Some(row) = row else {
        return Ok(None);
    };
    let id: i64 = row.try_get("id")?;
    sqlx::query("INSERT INTO lifecycle_outbox (status_id, next_attempt_at) VALUES ($1, $2)")
        .bind(id)
        .bind(s.occurred_at)
        .execute(&mut *conn)
        .await?;
    Ok(Some(id))
}

/// Whether an invoice has a status of `code` from `source` already.
pub async fn has(
    conn: &mut AnyConnection,
    invoice_id: i64,
    code: LifecycleCode,
    source: &str,
) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query(
        "SELECT COUNT(*) FROM lifecycle_statuses WHERE invoice_id = $1 AND code = $2 AND source = $3",
    )
    .bind(invoice_id)
    .bind(code.code())
    .bind(source)
    .fetch_one(&mut *conn)
    .await?
    .try_get(0)?;
    Ok(n > 0)
}

fn entry(r: &AnyRow) -> Result<LifecycleEntry, sqlx::Error> {
    let code: i64 = r.try_get("code")?;
    Ok(LifecycleEntry {
        id: r.try_get("id")?,
        code: LifecycleCode::from_code(code)
            .ok_or_else(|| sqlx::Error::Decode(format!("lifecycle code {code}").into()))?,
        amount: r.try_get("amount_minor")?,
        currency: r.try_get("currency")?,
        occurred_at: r.try_get("occurred_at")?,
        date: r.try_get("status_date")?,
    })
}

/// An invoice's statuses in the order they happened.
pub async fn for_invoice(
    conn: &mut AnyConnection,
    invoice_id: i64,
) -> Result<Vec<LifecycleEntry>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, code, amount_minor, currency, occurred_at, status_date FROM lifecycle_statuses \
         WHERE invoice_id = $1 ORDER BY occurred_at, id",
    )
    .bind(invoice_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(entry).collect()
}

/// A status with what the platform needs to know of its invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusFact {
    pub entry: LifecycleEntry,
    pub invoice_id: i64,
    pub invoice_number: String,
    pub issue_date: String,
    pub invoice_currency: String,
    pub total_ttc: i64,
    pub seller_siren: String,
    pub buyer_name: String,
    pub buyer_siren: String,
    pub source: String,
    pub reference: String,
}

macro_rules! fact_select {
    () => {
        "SELECT s.id, s.code, s.amount_minor, s.currency, s.occurred_at, \
    s.status_date, s.source, s.reference, s.invoice_id, i.number, i.issue_date, \
    i.currency AS invoice_currency, i.total_ttc, c.name AS buyer_name, c.siren AS buyer_siren, \
    COALESCE((SELECT co.siren FROM company co ORDER BY co.id LIMIT 1), '') AS seller_siren \
    FROM lifecycle_statuses s JOIN invoices i ON i.id = s.invoice_id \
    JOIN customers c ON c.id = i.customer_id"
    };
}

fn fact(r: &AnyRow) -> Result<StatusFact, sqlx::Error> {
    Ok(StatusFact {
        entry: entry(r)?,
        invoice_id: r.try_get("invoice_id")?,
        invoice_number: r
            .try_get::<Option<String>, _>("number")?
            .unwrap_or_default(),
        issue_date: r
            .try_get::<Option<String>, _>("issue_date")?
            .unwrap_or_default(),
        invoice_currency: r.try_get("invoice_currency")?,
        total_ttc: r.try_get("total_ttc")?,
        seller_siren: r.try_get("seller_siren")?,
        buyer_name: r.try_get("buyer_name")?,
        buyer_siren: r.try_get("buyer_siren")?,
        source: r.try_get("source")?,
        reference: r.try_get("reference")?,
    })
}

/// One status with its invoice's facts.
pub async fn fact_of(pool: &AnyPool, status_id: i64) -> Result<Option<StatusFact>, sqlx::Error> {
    let row = sqlx::query(concat!(fact_select!(), " WHERE s.id = $1"))
        .bind(status_id)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(fact).transpose()
}

/// An invoice's statuses with their facts, in order.
pub async fn facts_of_invoice(
    pool: &AnyPool,
    invoice_id: i64,
) -> Result<Vec<StatusFact>, sqlx::Error> {
    let rows = sqlx::query(concat!(
        fact_select!(),
        " WHERE s.invoice_id = $1 ORDER BY s.occurred_at, s.id"
    ))
    .bind(invoice_id)
    .fetch_all(pool)
    .await?;
    rows.iter().map(fact).collect()
}

/// Every status dated in `[from, to]` (`YYYY-MM-DD`, both included), by
/// date then recording order, as a stream.
pub fn facts_in_range<'a>(
    pool: &'a AnyPool,
    from: &str,
    to: &str,
) -> BoxStream<'a, Result<StatusFact, sqlx::Error>> {
    sqlx::query(concat!(
        fact_select!(),
        " WHERE s.status_date >= $1 AND s.status_date <= $2 ORDER BY s.status_date, s.id"
    ))
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch(pool)
    .map(|r| r.and_then(|r| fact(&r)))
    .boxed()
}

/// A queued status due for sending, with the attempt count its claim must find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub status_id: i64,
    pub attempts: i64,
}

/// Up to `limit` queued statuses due at `now`, oldest first.
pub async fn due(pool: &AnyPool, now: i64, limit: i64) -> Result<Vec<Due>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT status_id, attempts FROM lifecycle_outbox WHERE state = 'pending' \
         AND next_attempt_at <= $1 ORDER BY next_attempt_at, status_id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Due {
                status_id: r.try_get("status_id")?,
                attempts: r.try_get("attempts")?,
            })
        })
        .collect()
}

/// Claims a due status for one attempt (counts it, hides it until
/// `lease_until`); only one claimer wins.
pub async fn claim(
    conn: &mut AnyConnection,
    d: Due,
    now: i64,
    lease_until: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE lifecycle_outbox SET attempts = attempts + 1, next_attempt_at = $1 \
         WHERE status_id = $2 AND state = 'pending' AND attempts = $3 AND next_attempt_at <= $4",
    )
    .bind(lease_until)
    .bind(d.status_id)
    .bind(d.attempts)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Marks a claimed status sent; `false` when another claim took it since.
pub async fn mark_sent(
    conn: &mut AnyConnection,
    status_id: i64,
    attempts: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE lifecycle_outbox SET state = 'sent', sent_at = $1, last_error = NULL \
         WHERE status_id = $2 AND attempts = $3 AND state = 'pending'",
    )
    .bind(now)
    .bind(status_id)
    .bind(attempts)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a failed attempt and when to try again.
pub async fn mark_failed(
    conn: &mut AnyConnection,
    status_id: i64,
    attempts: i64,
    retry_at: i64,
    error: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE lifecycle_outbox SET next_attempt_at = $1, last_error = $2 \
         WHERE status_id = $3 AND attempts = $4 AND state = 'pending'",
    )
    .bind(retry_at)
    .bind(error)
    .bind(status_id)
    .bind(attempts)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
