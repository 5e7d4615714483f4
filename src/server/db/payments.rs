//! Payments, checkout sessions, provider refunds and chargebacks, webhook event
//! ids and the payment timeline.
use crate::model::payment::{PaymentMethod, PaymentStatus, Unmatched};
use sqlx::{AnyConnection, Row};

/// Records an event id; false when it was already applied (the exactly-once guard).
pub async fn claim_event(
    conn: &mut AnyConnection,
    event_id: &str,
    event_type: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO webhook_events (event_id, event_type, outcome, received_at) \
         VALUES ($1, $2, 'pending', $3) ON CONFLICT (event_id) DO NOTHING",
    )
    .bind(event_id)
    .bind(event_type)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_event_outcome(
    conn: &mut AnyConnection,
    event_id: &str,
    outcome: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE webhook_events SET outcome = $1 WHERE event_id = $2")
        .bind(outcome)
        .bind(event_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A checkout session as stored.
#[derive(Debug, Clone)]
pub struct SessionRow {
    pub invoice_id: i64,
    pub provider_session_id: String,
    pub amount: i64,
    pub currency: String,
    pub url: String,
    pub status: String,
    pub expires_at: i64,
}

fn session_row(r: &sqlx::any::AnyRow) -> Result<SessionRow, sqlx::Error> {
    Ok(SessionRow {
        invoice_id: r.try_get("invoice_id")?,
        provider_session_id: r.try_get("provider_session_id")?,
        amount: r.try_get("amount")?,
        currency: r.try_get("currency")?,
        url: r.try_get("url")?,
        status: r.try_get("status")?,
        expires_at: r.try_get("expires_at")?,
    })
}

const SESSION_COLS: &str =
    "invoice_id, provider_session_id, amount, currency, url, status, expires_at";

pub async fn open_sessions(
    conn: &mut AnyConnection,
    invoice_id: i64,
) -> Result<Vec<SessionRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "SELECT {SESSION_COLS} FROM checkout_sessions WHERE invoice_id = $1 AND status = 'open' ORDER BY id"
    ))
    .bind(invoice_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(session_row).collect()
}

pub async fn session_by_provider_id(
    conn: &mut AnyConnection,
    provider_session_id: &str,
) -> Result<Option<SessionRow>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {SESSION_COLS} FROM checkout_sessions WHERE provider_session_id = $1"
    ))
    .bind(provider_session_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(session_row).transpose()
}

/// How many sessions an invoice has had (a new idempotency key after each one closes).
pub async fn session_count(conn: &mut AnyConnection, invoice_id: i64) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM checkout_sessions WHERE invoice_id = $1")
        .bind(invoice_id)
        .fetch_one(&mut *conn)
        .await?
        .try_get("n")
}

/// Stores a session; a second insert of the same provider session does nothing.
pub async fn insert_session(
    conn: &mut AnyConnection,
    provider: &str,
    s: &SessionRow,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO checkout_sessions (invoice_id, provider, provider_session_id, amount, currency, url, status, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, 'open', $7, $8) ON CONFLICT (provider_session_id) DO NOTHING",
    )
    .bind(s.invoice_id)
    .bind(provider)
    .bind(&s.provider_session_id)
    .bind(s.amount)
    .bind(&s.currency)
    .bind(&s.url)
    .bind(now)
    .bind(s.expires_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Moves an open session to `complete` or `expired` (a closed one stays closed).
pub async fn close_session(
    conn: &mut AnyConnection,
    provider_session_id: &str,
    status: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE checkout_sessions SET status = $1 WHERE provider_session_id = $2 AND status = 'open'",
    )
    .bind(status)
    .bind(provider_session_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A payment as stored.
#[derive(Debug, Clone)]
pub struct PaymentRow {
    pub id: i64,
    pub invoice_id: i64,
    pub provider: String,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    pub amount: i64,
    pub currency: String,
    pub provider_payment_id: Option<String>,
    pub provider_session_id: Option<String>,
    pub reference: String,
    pub failure_reason: Option<String>,
    pub overpaid: bool,
    pub created_at: i64,
    pub updated_at: i64,
    pub succeeded_at: Option<i64>,
    pub processing_at: Option<i64>,
    /// Refunds and chargebacks against it (joined; for a part of a
    /// statement payment, its share of its group's: see `group_payments`).
    pub refunded: i64,
    pub charged_back: i64,
}

const PAYMENT_SELECT: &str = "SELECT p.id, p.invoice_id, p.provider, p.method, p.status, p.amount, p.currency, \
    p.provider_payment_id, p.provider_session_id, p.reference, p.failure_reason, p.overpaid, p.created_at, \
    p.updated_at, p.succeeded_at, p.processing_at, \
    COALESCE(r.counted, 0) + p.part_refunded AS refunded, \
    CAST(COALESCE((SELECT SUM(c.amount) FROM chargebacks c WHERE c.provider_payment_id = p.provider_payment_id \
      AND c.holds_money = 1), 0) + p.part_charged_back AS BIGINT) AS charged_back \
    FROM payments p LEFT JOIN provider_refunds r ON r.provider_payment_id = p.provider_payment_id";

fn payment_row(r: &sqlx::any::AnyRow) -> Result<PaymentRow, sqlx::Error> {
    let method: String = r.try_get("method")?;
    let status: String = r.try_get("status")?;
    let overpaid: i64 = r.try_get("overpaid")?;
    Ok(PaymentRow {
        id: r.try_get("id")?,
        invoice_id: r.try_get("invoice_id")?,
        provider: r.try_get("provider")?,
        method: PaymentMethod::from_provider(&method),
        status: PaymentStatus::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode(format!("bad payment status {status}").into()))?,
        amount: r.try_get("amount")?,
        currency: r.try_get("currency")?,
        provider_payment_id: r.try_get("provider_payment_id")?,
        provider_session_id: r.try_get("provider_session_id")?,
        reference: r.try_get("reference")?,
        failure_reason: r.try_get("failure_reason")?,
        overpaid: overpaid != 0,
        created_at: r.try_get("created_at")?,
        updated_at: r.try_get("updated_at")?,
        succeeded_at: r.try_get("succeeded_at")?,
        processing_at: r.try_get("processing_at")?,
        refunded: r.try_get("refunded")?,
        charged_back: r.try_get("charged_back")?,
    })
}

pub async fn for_invoice(
    conn: &mut AnyConnection,
    invoice_id: i64,
) -> Result<Vec<PaymentRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "{PAYMENT_SELECT} WHERE p.invoice_id = $1 ORDER BY p.id"
    ))
    .bind(invoice_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(payment_row).collect()
}

pub async fn by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<PaymentRow>, sqlx::Error> {
    let row = sqlx::query(&format!("{PAYMENT_SELECT} WHERE p.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(payment_row).transpose()
}

pub async fn by_provider_id(
    conn: &mut AnyConnection,
    provider_payment_id: &str,
) -> Result<Option<PaymentRow>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "{PAYMENT_SELECT} WHERE p.provider_payment_id = $1"
    ))
    .bind(provider_payment_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(payment_row).transpose()
}

pub async fn by_session(
    conn: &mut AnyConnection,
    provider_session_id: &str,
) -> Result<Option<PaymentRow>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "{PAYMENT_SELECT} WHERE p.provider_session_id = $1 ORDER BY p.id DESC LIMIT 1"
    ))
    .bind(provider_session_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(payment_row).transpose()
}

/// A payment to insert.
pub struct NewPayment<'a> {
    pub invoice_id: i64,
    pub provider: &'a str,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    pub amount: i64,
    pub currency: &'a str,
    pub provider_payment_id: Option<&'a str>,
    pub provider_session_id: Option<&'a str>,
    pub reference: &'a str,
    pub failure_reason: Option<&'a str>,
    pub received_on: Option<&'a str>,
    pub recorded_by: Option<i64>,
}

pub async fn insert(
    conn: &mut AnyConnection,
    p: &NewPayment<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let at = |s: PaymentStatus| (p.status == s).then_some(now);
    let row = sqlx::query(
        "INSERT INTO payments (invoice_id, provider, method, status, amount, currency, provider_payment_id, \
         provider_session_id, reference, failure_reason, received_on, processing_at, succeeded_at, failed_at, \
         recorded_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id",
    )
    .bind(p.invoice_id)
    .bind(p.provider)
    .bind(p.method.as_str())
    .bind(p.status.as_str())
    .bind(p.amount)
    .bind(p.currency)
    .bind(p.provider_payment_id)
    .bind(p.provider_session_id)
    .bind(p.reference)
    .bind(p.failure_reason)
    .bind(p.received_on)
    .bind(at(PaymentStatus::Processing))
    .bind(at(PaymentStatus::Succeeded))
    .bind(at(PaymentStatus::Failed))
    .bind(p.recorded_by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    row.try_get("id")
}

/// Writes the merged state of a provider payment.
pub async fn update_state(
    conn: &mut AnyConnection,
    id: i64,
    status: PaymentStatus,
    method: PaymentMethod,
    failure_reason: Option<&str>,
    session_id: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let col = match status {
        PaymentStatus::Processing => "processing_at",
        PaymentStatus::Failed => "failed_at",
        PaymentStatus::Succeeded => "succeeded_at",
    };
    sqlx::query(&format!(
        "UPDATE payments SET status = $1, method = $2, failure_reason = $3, \
         provider_session_id = COALESCE(provider_session_id, $4), {col} = COALESCE({col}, $5), updated_at = $5 \
         WHERE id = $6"
    ))
    .bind(status.as_str())
    .bind(method.as_str())
    .bind(failure_reason)
    .bind(session_id)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn flag_overpaid(conn: &mut AnyConnection, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE payments SET overpaid = 1 WHERE id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// One line of the payment timeline.
pub struct LogEntry<'a> {
    pub invoice_id: i64,
    pub payment_id: Option<i64>,
    pub kind: &'a str,
    pub amount: Option<i64>,
    pub detail: &'a str,
    pub actor: Option<i64>,
}

pub async fn log(conn: &mut AnyConnection, e: &LogEntry<'_>, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO payment_log (invoice_id, payment_id, at, kind, amount, detail, actor) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(e.invoice_id)
    .bind(e.payment_id)
    .bind(now)
    .bind(e.kind)
    .bind(e.amount)
    .bind(e.detail)
    .bind(e.actor)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The timeline of one invoice, oldest first, with the staff member's name.
pub async fn timeline(
    conn: &mut AnyConnection,
    invoice_id: i64,
) -> Result<Vec<crate::model::payment::TimelineEntry>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT l.at, l.kind, l.amount, l.detail, u.display_name, p.method FROM payment_log l \
         LEFT JOIN users u ON u.id = l.actor LEFT JOIN payments p ON p.id = l.payment_id \
         WHERE l.invoice_id = $1 ORDER BY l.id",
    )
    .bind(invoice_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(crate::model::payment::TimelineEntry {
                at: r.try_get("at")?,
                kind: r.try_get("kind")?,
                amount: r.try_get("amount")?,
                detail: r.try_get("detail")?,
                actor: r.try_get("display_name")?,
                method: r
                    .try_get::<Option<String>, _>("method")?
                    .map(|m| PaymentMethod::from_provider(&m)),
            })
        })
        .collect()
}

/// The net amount kept from the succeeded payments of an invoice.
pub async fn net_paid(conn: &mut AnyConnection, invoice_id: i64) -> Result<i64, sqlx::Error> {
    let rows = for_invoice(conn, invoice_id).await?;
    Ok(rows
        .iter()
        .filter(|p| p.status == PaymentStatus::Succeeded)
        .map(|p| crate::model::payment::net_amount(p.amount, p.refunded, p.charged_back))
        .sum())
}

/// A provider payment no invoice took (see `unmatched_payments`).
#[derive(Debug, Clone)]
pub struct UnmatchedRow {
    pub provider_payment_id: String,
    pub named_invoice_id: Option<i64>,
    pub reason: Unmatched,
    pub status: PaymentStatus,
    pub method: PaymentMethod,
    pub amount: i64,
    pub currency: String,
    pub updated_at: i64,
    /// The named invoice's number, when it exists and has one (joined).
    pub named_number: Option<String>,
}

/// What the webhook learnt of an unmatched provider payment.
#[derive(Debug, Clone)]
pub struct NewUnmatched<'a> {
    pub provider: &'a str,
    pub provider_payment_id: &'a str,
    pub provider_session_id: Option<&'a str>,
    pub named_invoice_id: Option<i64>,
    pub reason: Unmatched,
    pub status: PaymentStatus,
    pub method: PaymentMethod,
    pub amount: i64,
    pub currency: &'a str,
}

const UNMATCHED_SELECT: &str = "SELECT u.provider_payment_id, u.named_invoice_id, u.reason, u.status, \
    u.method, u.amount, u.currency, u.updated_at, i.number AS named_number \
    FROM unmatched_payments u LEFT JOIN invoices i ON i.id = u.named_invoice_id";

fn unmatched_row(r: &sqlx::any::AnyRow) -> Result<UnmatchedRow, sqlx::Error> {
    let reason: String = r.try_get("reason")?;
    let status: String = r.try_get("status")?;
    let method: String = r.try_get("method")?;
    Ok(UnmatchedRow {
        provider_payment_id: r.try_get("provider_payment_id")?,
        named_invoice_id: r.try_get("named_invoice_id")?,
        reason: Unmatched::parse(&reason)
            .ok_or_else(|| sqlx::Error::Decode(format!("bad unmatched reason {reason}").into()))?,
        status: PaymentStatus::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode(format!("bad payment status {status}").into()))?,
        method: PaymentMethod::from_provider(&method),
        amount: r.try_get("amount")?,
        currency: r.try_get("currency")?,
        updated_at: r.try_get("updated_at")?,
        named_number: r.try_get("named_number")?,
    })
}

/// The unmatched provider payment of this id, if it was kept apart before.
pub async fn unmatched_by_ref(
    conn: &mut AnyConnection,
    provider_payment_id: &str,
) -> Result<Option<UnmatchedRow>, sqlx::Error> {
    let row = sqlx::query(&format!(
        "{UNMATCHED_SELECT} WHERE u.provider_payment_id = $1"
    ))
    .bind(provider_payment_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.as_ref().map(unmatched_row).transpose()
}

/// Stores an unmatched provider payment, or its new state when it is
/// already kept (the caller merged the status and method).
pub async fn upsert_unmatched(
    conn: &mut AnyConnection,
    u: &NewUnmatched<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO unmatched_payments (provider, provider_payment_id, provider_session_id, named_invoice_id, \
         reason, status, method, amount, currency, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
         ON CONFLICT (provider_payment_id) DO UPDATE SET status = $6, method = $7, \
         provider_session_id = COALESCE(unmatched_payments.provider_session_id, $3), updated_at = $10",
    )
    .bind(u.provider)
    .bind(u.provider_payment_id)
    .bind(u.provider_session_id)
    .bind(u.named_invoice_id)
    .bind(u.reason.as_str())
    .bind(u.status.as_str())
    .bind(u.method.as_str())
    .bind(u.amount)
    .bind(u.currency)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The unmatched provider payments, the most recently changed first.
pub async fn unmatched_recent(
    conn: &mut AnyConnection,
    limit: i64,
) -> Result<Vec<UnmatchedRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "{UNMATCHED_SELECT} ORDER BY u.updated_at DESC, u.id DESC LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(unmatched_row).collect()
}

/// The unmatched provider payments that named this invoice, oldest first.
pub async fn unmatched_for_invoice(
    conn: &mut AnyConnection,
    invoice_id: i64,
) -> Result<Vec<UnmatchedRow>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "{UNMATCHED_SELECT} WHERE u.named_invoice_id = $1 ORDER BY u.id"
    ))
    .bind(invoice_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(unmatched_row).collect()
}
