//! The staff queue, a customer's and an invoice's disputes, and what
//! reminders and the pay page read.
use super::{DisputeRecord, SELECT, bad, record};
use crate::model::dispute::{AssigneeFilter, DisputeReason, DisputeStatus};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};

/// (balance, disputed amount of the dispute not closed, or 0) of an invoice,
/// in one query: what reminders and the pay page start from.
pub async fn balance_and_disputed(
    pool: &AnyPool,
    invoice_id: i64,
) -> Result<Option<(i64, i64)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT i.total_ttc - i.deposits - i.amount_paid - i.amount_credited AS balance, \
         COALESCE((SELECT d.disputed_amount FROM disputes d WHERE d.invoice_id = i.id \
         AND d.status NOT IN ('resolved', 'rejected')), 0) AS disputed \
         FROM invoices i WHERE i.id = $1",
    )
    .bind(invoice_id)
    .fetch_optional(pool)
    .await?;
    row.map(|r| Ok((r.try_get("balance")?, r.try_get("disputed")?)))
        .transpose()
}

/// A queue row before ages are computed.
#[derive(Debug, Clone)]
pub struct QueueRecord {
    pub id: i64,
    pub invoice_number: String,
    pub customer_name: String,
    pub reason: DisputeReason,
    pub status: DisputeStatus,
    pub disputed_amount: i64,
    pub currency: String,
    pub assignee_name: Option<String>,
    pub waiting_for_staff: bool,
    pub created_at: i64,
    pub last_customer_message_at: Option<i64>,
}

/// The staff queue: disputes where the customer wrote last come first, the
/// longest waiting first; then the others, oldest first.
pub async fn queue(
    pool: &AnyPool,
    status: Option<DisputeStatus>,
    assignee: AssigneeFilter,
    me: i64,
    limit: i64,
) -> Result<Vec<QueueRecord>, sqlx::Error> {
    let (mode, user) = match assignee {
        AssigneeFilter::Anyone => ("any", 0),
        AssigneeFilter::Mine => ("user", me),
        AssigneeFilter::User(u) => ("user", u),
        AssigneeFilter::Unassigned => ("none", 0),
    };
    let rows = sqlx::query(
        "SELECT d.id, i.number AS invoice_number, c.name AS customer_name, d.reason, d.status, \
         d.disputed_amount, i.currency, u.display_name AS assignee_name, d.created_at, \
         d.last_customer_message_at, \
         CAST(CASE WHEN d.last_customer_message_at IS NOT NULL AND (d.last_staff_message_at IS NULL \
         OR d.last_customer_message_at > d.last_staff_message_at) THEN 1 ELSE 0 END AS BIGINT) AS waiting \
         FROM disputes d JOIN invoices i ON i.id = d.invoice_id JOIN customers c ON c.id = d.customer_id \
         LEFT JOIN users u ON u.id = d.assignee_id \
         WHERE (($1 = '' AND d.status NOT IN ('resolved', 'rejected')) OR d.status = $1) \
         AND ($2 = 'any' OR ($2 = 'user' AND d.assignee_id = $3) OR ($2 = 'none' AND d.assignee_id IS NULL)) \
         ORDER BY waiting DESC, COALESCE(d.last_customer_message_at, d.created_at), d.id LIMIT $4",
    )
    .bind(status.map(|s| s.as_str()).unwrap_or(""))
    .bind(mode)
    .bind(user)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter().map(queue_record).collect()
}

fn queue_record(r: &AnyRow) -> Result<QueueRecord, sqlx::Error> {
    let reason: String = r.try_get("reason")?;
    let status: String = r.try_get("status")?;
    Ok(QueueRecord {
        id: r.try_get("id")?,
        invoice_number: r
            .try_get::<Option<String>, _>("invoice_number")?
            .unwrap_or_default(),
        customer_name: r.try_get("customer_name")?,
        reason: DisputeReason::parse(&reason).ok_or_else(|| bad("reason", &reason))?,
        status: DisputeStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
        disputed_amount: r.try_get("disputed_amount")?,
        currency: r.try_get("currency")?,
        assignee_name: r.try_get("assignee_name")?,
        waiting_for_staff: r.try_get::<i64, _>("waiting")? == 1,
        created_at: r.try_get("created_at")?,
        last_customer_message_at: r.try_get("last_customer_message_at")?,
    })
}

// ---- The customer's side: disputes of an invoice, the customer's list, the
// ---- invoice lines a dispute may name.

/// Every dispute of an invoice, newest first.
pub async fn of_invoice(
    conn: &mut AnyConnection,
    invoice_id: i64,
) -> Result<Vec<DisputeRecord>, sqlx::Error> {
    sqlx::query(&format!(
        "{SELECT} WHERE d.invoice_id = $1 ORDER BY d.created_at DESC, d.id DESC"
    ))
    .bind(invoice_id)
    .fetch_all(&mut *conn)
    .await?
    .iter()
    .map(record)
    .collect()
}

/// The disputes of a customer account, newest first, with the time of the
/// last message the customer may read (internal notes never count).
pub async fn of_customer(
    pool: &AnyPool,
    customer_id: i64,
    limit: i64,
) -> Result<Vec<crate::model::dispute::CustomerDisputeRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT d.id, i.number AS invoice_number, d.reason, d.status, d.disputed_amount, i.currency, \
         d.created_at, COALESCE((SELECT MAX(m.created_at) FROM dispute_messages m \
         WHERE m.dispute_id = d.id AND m.internal = 0), d.created_at) AS last_message_at \
         FROM disputes d JOIN invoices i ON i.id = d.invoice_id WHERE d.customer_id = $1 \
         ORDER BY d.created_at DESC, d.id DESC LIMIT $2",
    )
    .bind(customer_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter().map(customer_row).collect()
}

fn customer_row(r: &AnyRow) -> Result<crate::model::dispute::CustomerDisputeRow, sqlx::Error> {
    let reason: String = r.try_get("reason")?;
    let status: String = r.try_get("status")?;
    Ok(crate::model::dispute::CustomerDisputeRow {
        id: r.try_get("id")?,
        invoice_number: r
            .try_get::<Option<String>, _>("invoice_number")?
            .unwrap_or_default(),
        reason: DisputeReason::parse(&reason).ok_or_else(|| bad("reason", &reason))?,
        status: DisputeStatus::parse(&status).ok_or_else(|| bad("status", &status))?,
        disputed_amount: r.try_get("disputed_amount")?,
        currency: r.try_get("currency")?,
        created_at: r.try_get("created_at")?,
        last_message_at: r.try_get("last_message_at")?,
    })
}

/// (position, description, amount excl. VAT) of each line of an invoice, in order.
pub async fn invoice_lines_brief(
    conn: &mut AnyConnection,
    invoice_id: i64,
) -> Result<Vec<(i64, String, i64)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT position, description, total_ht FROM invoice_lines WHERE invoice_id = $1 ORDER BY position",
    )
    .bind(invoice_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("position")?,
                r.try_get("description")?,
                r.try_get("total_ht")?,
            ))
        })
        .collect()
}
