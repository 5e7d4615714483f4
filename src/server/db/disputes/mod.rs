//! Disputes: the dispute row, its disputed lines, messages (internal notes
//! included, loaded only by the staff queries), history events and the
//! instalments of a payment plan.
//!
//! By concern: the dispute row here, [`thread`] (messages and history),
//! [`resolution`] (closing and payment plans), [`views`] (the queue, lists and
//! what reminders and the pay page read).
use crate::model::dispute::{DisputeReason, DisputeStatus, ResolutionKind};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

mod resolution;
mod thread;
mod views;

pub use resolution::*;
pub use thread::*;
pub use views::*;

/// A dispute row with its invoice's number and currency.
#[derive(Debug, Clone)]
pub struct DisputeRecord {
    pub id: i64,
    pub invoice_id: i64,
    pub customer_id: i64,
    pub reason: DisputeReason,
    pub disputed_amount: i64,
    pub status: DisputeStatus,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub customer_name: String,
    pub invoice_number: String,
    pub currency: String,
    pub created_at: i64,
    pub resolved_at: Option<i64>,
    pub resolution_kind: Option<ResolutionKind>,
    pub resolution_explanation: Option<String>,
    pub credit_note_number: Option<String>,
    /// The contact who opened it; `None` when opened from a pay link.
    pub opened_by: Option<i64>,
}

fn bad(what: &str, value: &str) -> sqlx::Error {
    sqlx::Error::Decode(format!("bad {what} {value}").into())
}

fn record(r: &AnyRow) -> Result<DisputeRecord, sqlx::Error> {
    let reason: String = r.try_get("reason")?;
    let status: String = r.try_get("status")?;
    let kind: Option<String> = r.try_get("resolution_kind")?;
    Ok(DisputeRecord {
        id: r.try_get("id")?,
        invoice_id: r.try_get("invoice_id")?,
        customer_id: r.try_get("customer_id")?,
        reason: DisputeReason::parse(&reason).ok_or_else(|| bad("reason", &reason))?,
        disputed_amount: r.try_get("disputed_amount")?,
        status: DisputeStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
        assignee_id: r.try_get("assignee_id")?,
        assignee_name: r.try_get("assignee_name")?,
        customer_name: r.try_get("customer_name")?,
        invoice_number: r
            .try_get::<Option<String>, _>("invoice_number")?
            .unwrap_or_default(),
        currency: r.try_get("currency")?,
        created_at: r.try_get("created_at")?,
        resolved_at: r.try_get("resolved_at")?,
        resolution_kind: match kind {
            Some(k) => Some(ResolutionKind::parse(&k).ok_or_else(|| bad("resolution", &k))?),
            None => None,
        },
        resolution_explanation: r.try_get("resolution_explanation")?,
        credit_note_number: r.try_get("credit_note_number")?,
        opened_by: r.try_get("opened_by")?,
    })
}

const SELECT: &str = "SELECT d.id, d.invoice_id, d.customer_id, d.reason, d.disputed_amount, d.status, \
    d.assignee_id, u.display_name AS assignee_name, c.name AS customer_name, i.number AS invoice_number, \
    i.currency, d.created_at, d.resolved_at, d.resolution_kind, d.resolution_explanation, \
    cn.number AS credit_note_number, d.opened_by \
    FROM disputes d JOIN invoices i ON i.id = d.invoice_id JOIN customers c ON c.id = d.customer_id \
    LEFT JOIN users u ON u.id = d.assignee_id LEFT JOIN invoices cn ON cn.id = d.resolution_credit_note_id";

pub async fn get(conn: &mut AnyConnection, id: i64) -> Result<Option<DisputeRecord>, sqlx::Error> {
    sqlx::query(&format!("{SELECT} WHERE d.id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| record(&r))
        .transpose()
}

/// The id of the dispute of this invoice that is not closed, if any.
pub async fn open_for_invoice(
    conn: &mut AnyConnection,
    invoice_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id FROM disputes WHERE invoice_id = $1 AND status NOT IN ('resolved', 'rejected')",
    )
    .bind(invoice_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| r.try_get("id")).transpose()
}

/// What a new dispute holds.
pub struct NewDispute<'a> {
    pub invoice_id: i64,
    pub customer_id: i64,
    pub reason: DisputeReason,
    pub disputed_amount: i64,
    pub opened_by: Option<i64>,
    pub lines: &'a [i64],
}

/// Inserts an open dispute and its lines. A second open dispute on the same
/// invoice fails with the unique index's violation.
pub async fn insert(
    conn: &mut AnyConnection,
    d: &NewDispute<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query(
        "INSERT INTO disputes (invoice_id, customer_id, reason, disputed_amount, status, opened_by, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, 'open', $5, $6, $6) RETURNING id",
    )
    .bind(d.invoice_id)
    .bind(d.customer_id)
    .bind(d.reason.as_str())
    .bind(d.disputed_amount)
    .bind(d.opened_by)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")?;
    for position in d.lines {
        sqlx::query("INSERT INTO dispute_lines (dispute_id, position) VALUES ($1, $2)")
            .bind(id)
            .bind(*position)
            .execute(&mut *conn)
            .await?;
    }
    Ok(id)
}

/// Positions of the lines of an invoice.
pub async fn invoice_line_positions(
    conn: &mut AnyConnection,
    invoice_id: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    let rows = sqlx::query("SELECT position FROM invoice_lines WHERE invoice_id = $1")
        .bind(invoice_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| r.try_get("position")).collect()
}

/// Positions of the disputed lines.
pub async fn lines(conn: &mut AnyConnection, dispute_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows =
        sqlx::query("SELECT position FROM dispute_lines WHERE dispute_id = $1 ORDER BY position")
            .bind(dispute_id)
            .fetch_all(&mut *conn)
            .await?;
    rows.iter().map(|r| r.try_get("position")).collect()
}

/// Moves a dispute from `from` to `to`; returns whether it was still in `from`.
pub async fn set_status(
    conn: &mut AnyConnection,
    id: i64,
    from: DisputeStatus,
    to: DisputeStatus,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE disputes SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4",
    )
    .bind(to.as_str())
    .bind(now)
    .bind(id)
    .bind(from.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Reopens a closed dispute: the previous resolution stays in the history.
pub async fn reopen(
    conn: &mut AnyConnection,
    id: i64,
    from: DisputeStatus,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE disputes SET status = 'open', updated_at = $1, resolved_at = NULL, resolution_kind = NULL, \
         resolution_explanation = NULL, resolution_credit_note_id = NULL, resolution_draft_id = NULL, \
         resolved_by = NULL WHERE id = $2 AND status = $3",
    )
    .bind(now)
    .bind(id)
    .bind(from.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn set_assignee(
    conn: &mut AnyConnection,
    id: i64,
    assignee: Option<i64>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE disputes SET assignee_id = $1, updated_at = $2 WHERE id = $3")
        .bind(assignee)
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Whether this user is active staff (an agent or an admin).
pub async fn is_staff(conn: &mut AnyConnection, user_id: i64) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id FROM users WHERE id = $1 AND active = 1 AND role IN ('agent', 'admin')",
    )
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?;
    Ok(row.is_some())
}
