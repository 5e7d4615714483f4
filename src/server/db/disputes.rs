//! Disputes: the dispute row, its disputed lines, messages (internal notes
//! included, loaded only by the staff queries), history events and the
//! instalments of a payment plan.
use crate::model::dispute::{
    AssigneeFilter, AuthorKind, DisputeEvent, DisputeReason, DisputeStatus, Instalment,
    ResolutionKind, StaffMessage, ThreadMessage,
};
use crate::model::format::parse_iso_date;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};

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
    })
}

const SELECT: &str = "SELECT d.id, d.invoice_id, d.customer_id, d.reason, d.disputed_amount, d.status, \
    d.assignee_id, u.display_name AS assignee_name, c.name AS customer_name, i.number AS invoice_number, \
    i.currency, d.created_at, d.resolved_at, d.resolution_kind, d.resolution_explanation, \
    cn.number AS credit_note_number \
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

/// Adds a message and stamps the side's last-message time. Returns its id.
pub async fn insert_message(
    conn: &mut AnyConnection,
    dispute_id: i64,
    author: AuthorKind,
    author_id: Option<i64>,
    body: &str,
    internal: bool,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let id: i64 = sqlx::query(
        "INSERT INTO dispute_messages (dispute_id, author_kind, author_id, body, internal, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(dispute_id)
    .bind(author.as_str())
    .bind(author_id)
    .bind(body)
    .bind(i64::from(internal))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")?;
    // Internal notes are not an answer to the customer: the queue ignores them.
    let stamp = match (author, internal) {
        (AuthorKind::Customer, _) => {
            "UPDATE disputes SET last_customer_message_at = $1, updated_at = $1 WHERE id = $2"
        }
        (AuthorKind::Staff, false) => {
            "UPDATE disputes SET last_staff_message_at = $1, updated_at = $1 WHERE id = $2"
        }
        (AuthorKind::Staff, true) => "UPDATE disputes SET updated_at = $1 WHERE id = $2",
    };
    sqlx::query(stamp)
        .bind(now)
        .bind(dispute_id)
        .execute(&mut *conn)
        .await?;
    Ok(id)
}

const MESSAGE_COLUMNS: &str = "SELECT m.id, m.author_kind, m.body, m.internal, m.created_at, \
    COALESCE(u.display_name, '') AS author_name FROM dispute_messages m \
    LEFT JOIN users u ON u.id = m.author_id WHERE m.dispute_id = $1";

fn author(r: &AnyRow) -> Result<AuthorKind, sqlx::Error> {
    let kind: String = r.try_get("author_kind")?;
    AuthorKind::parse(&kind).ok_or_else(|| bad("author", &kind))
}

/// The messages the customer may read: internal notes are filtered out here, in SQL.
pub async fn customer_messages(
    conn: &mut AnyConnection,
    dispute_id: i64,
) -> Result<Vec<ThreadMessage>, sqlx::Error> {
    let sql = format!("{MESSAGE_COLUMNS} AND m.internal = 0 ORDER BY m.created_at, m.id");
    let rows = sqlx::query(&sql)
        .bind(dispute_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(ThreadMessage {
                id: r.try_get("id")?,
                author: author(r)?,
                author_name: r.try_get("author_name")?,
                body: r.try_get("body")?,
                created_at: r.try_get("created_at")?,
                attachments: Vec::new(),
            })
        })
        .collect()
}

/// Every message, internal notes included (staff only).
pub async fn staff_messages(
    conn: &mut AnyConnection,
    dispute_id: i64,
) -> Result<Vec<StaffMessage>, sqlx::Error> {
    let sql = format!("{MESSAGE_COLUMNS} ORDER BY m.created_at, m.id");
    let rows = sqlx::query(&sql)
        .bind(dispute_id)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter()
        .map(|r| {
            Ok(StaffMessage {
                id: r.try_get("id")?,
                author: author(r)?,
                author_name: r.try_get("author_name")?,
                body: r.try_get("body")?,
                internal: r.try_get::<i64, _>("internal")? == 1,
                created_at: r.try_get("created_at")?,
                attachments: Vec::new(),
            })
        })
        .collect()
}

/// Appends one history entry.
pub async fn insert_event(
    conn: &mut AnyConnection,
    dispute_id: i64,
    actor: (AuthorKind, Option<i64>),
    kind: &str,
    detail: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO dispute_events (dispute_id, actor_kind, actor_id, kind, detail, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(dispute_id)
    .bind(actor.0.as_str())
    .bind(actor.1)
    .bind(kind)
    .bind(detail)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")
}

/// The history, oldest first.
pub async fn events(
    conn: &mut AnyConnection,
    dispute_id: i64,
) -> Result<Vec<DisputeEvent>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT e.kind, e.detail, e.created_at, u.display_name AS actor_name FROM dispute_events e \
         LEFT JOIN users u ON u.id = e.actor_id WHERE e.dispute_id = $1 ORDER BY e.created_at, e.id",
    )
    .bind(dispute_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(DisputeEvent {
                kind: r.try_get("kind")?,
                detail: r.try_get("detail")?,
                actor_name: r.try_get("actor_name")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
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

/// What closing a dispute records.
pub struct Closing<'a> {
    pub status: DisputeStatus,
    pub kind: ResolutionKind,
    pub explanation: &'a str,
    pub credit_note_id: Option<i64>,
    pub draft_id: Option<i64>,
    pub resolved_by: i64,
}

/// Closes a dispute that is still `from`; returns whether it was.
pub async fn close(
    conn: &mut AnyConnection,
    id: i64,
    from: DisputeStatus,
    c: &Closing<'_>,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE disputes SET status = $1, resolution_kind = $2, resolution_explanation = $3, \
         resolution_credit_note_id = $4, resolution_draft_id = $5, resolved_by = $6, resolved_at = $7, \
         updated_at = $7 WHERE id = $8 AND status = $9",
    )
    .bind(c.status.as_str())
    .bind(c.kind.as_str())
    .bind(c.explanation)
    .bind(c.credit_note_id)
    .bind(c.draft_id)
    .bind(c.resolved_by)
    .bind(now)
    .bind(id)
    .bind(from.as_str())
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Replaces the instalments of a dispute's plan.
pub async fn insert_instalments(
    conn: &mut AnyConnection,
    dispute_id: i64,
    invoice_id: i64,
    plan: &[Instalment],
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM payment_plan_instalments WHERE dispute_id = $1")
        .bind(dispute_id)
        .execute(&mut *conn)
        .await?;
    for (i, item) in plan.iter().enumerate() {
        sqlx::query(
            "INSERT INTO payment_plan_instalments (dispute_id, invoice_id, position, due_date, amount) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(dispute_id)
        .bind(invoice_id)
        .bind(i as i64)
        .bind(item.due_date.format("%Y-%m-%d").to_string())
        .bind(item.amount)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// The instalments of a dispute's plan, in order.
pub async fn instalments(
    conn: &mut AnyConnection,
    dispute_id: i64,
) -> Result<Vec<Instalment>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT due_date, amount FROM payment_plan_instalments WHERE dispute_id = $1 ORDER BY position",
    )
    .bind(dispute_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let due: String = r.try_get("due_date")?;
            Ok(Instalment {
                due_date: parse_iso_date(&due).ok_or_else(|| bad("date", &due))?,
                amount: r.try_get("amount")?,
            })
        })
        .collect()
}

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
