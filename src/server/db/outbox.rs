//! The email outbox. A message is inserted in the transaction of the change
//! that calls for it, so it exists exactly when that change committed; the
//! worker then claims, sends and settles it with compare-and-set updates.
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};

/// A file carried by a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attachment {
    pub name: String,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

/// What to send, and the key that makes it one logical message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMessage {
    pub dedupe_key: String,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub attachment: Option<Attachment>,
}

/// A message as stored, with its delivery state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxMessage {
    pub id: i64,
    pub dedupe_key: String,
    pub to_address: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub attachment: Option<Attachment>,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<i64>,
}

/// Queues a message inside the caller's transaction. Returns `false`, and
/// changes nothing, when a message with the same dedupe key already exists.
pub async fn enqueue(
    conn: &mut AnyConnection,
    m: &NewMessage,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let (name, content_type, bytes) = match &m.attachment {
        Some(a) => (
            Some(a.name.as_str()),
            Some(a.content_type.as_str()),
            Some(a.bytes.clone()),
        ),
        None => (None, None, None),
    };
    let done = sqlx::query(
        "INSERT INTO outbox (dedupe_key, to_address, subject, body_text, body_html, attachment_name, \
         attachment_content_type, attachment, status, attempts, next_attempt_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'pending', 0, $9, $9) ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(&m.dedupe_key)
    .bind(&m.to_address)
    .bind(&m.subject)
    .bind(&m.body_text)
    .bind(m.body_html.as_deref())
    .bind(name)
    .bind(content_type)
    .bind(bytes)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A pending message that is due, with the attempt count the claim must find.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Due {
    pub id: i64,
    pub attempts: i64,
}

/// Up to `limit` pending messages due at `now`, oldest due first.
pub async fn due(pool: &AnyPool, now: i64, limit: i64) -> Result<Vec<Due>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, attempts FROM outbox WHERE status = 'pending' AND next_attempt_at <= $1 \
         ORDER BY next_attempt_at, id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Due {
                id: r.try_get("id")?,
                attempts: r.try_get("attempts")?,
            })
        })
        .collect()
}

/// Claims a due message for one attempt: counts the attempt and hides the
/// message until `lease_until`. Only one claimer can win, because the update
/// requires the attempt count it read and the message to be still due.
pub async fn claim(
    conn: &mut AnyConnection,
    d: Due,
    now: i64,
    lease_until: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE outbox SET attempts = attempts + 1, next_attempt_at = $1 \
         WHERE id = $2 AND status = 'pending' AND attempts = $3 AND next_attempt_at <= $4",
    )
    .bind(lease_until)
    .bind(d.id)
    .bind(d.attempts)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

const COLUMNS: &str = "id, dedupe_key, to_address, subject, body_text, body_html, attachment_name, \
     attachment_content_type, attachment, status, attempts, next_attempt_at, last_error, sent_at";

fn from_row(r: &AnyRow) -> Result<OutboxMessage, sqlx::Error> {
    let name: Option<String> = r.try_get("attachment_name")?;
    let content_type: Option<String> = r.try_get("attachment_content_type")?;
    let bytes: Option<Vec<u8>> = r.try_get("attachment")?;
    let attachment = match (name, bytes) {
        (Some(name), Some(bytes)) => Some(Attachment {
            name,
            content_type: content_type.unwrap_or_else(|| "application/octet-stream".into()),
            bytes,
        }),
        _ => None,
    };
    Ok(OutboxMessage {
        id: r.try_get("id")?,
        dedupe_key: r.try_get("dedupe_key")?,
        to_address: r.try_get("to_address")?,
        subject: r.try_get("subject")?,
        body_text: r.try_get("body_text")?,
        body_html: r.try_get("body_html")?,
        attachment,
        status: r.try_get("status")?,
        attempts: r.try_get("attempts")?,
        next_attempt_at: r.try_get("next_attempt_at")?,
        last_error: r.try_get("last_error")?,
        sent_at: r.try_get("sent_at")?,
    })
}

/// One message by id.
pub async fn get(pool: &AnyPool, id: i64) -> Result<Option<OutboxMessage>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM outbox WHERE id = $1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(pool).await?;
    row.map(|r| from_row(&r)).transpose()
}

/// Every message, oldest first (for tests and diagnostics).
pub async fn all(pool: &AnyPool) -> Result<Vec<OutboxMessage>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM outbox ORDER BY id");
    let rows = sqlx::query(&sql).fetch_all(pool).await?;
    rows.iter().map(from_row).collect()
}

/// Marks the attempt `attempt` of a message as delivered. Returns `false` when
/// the message was meanwhile claimed again (its lease ran out).
pub async fn mark_sent(
    conn: &mut AnyConnection,
    id: i64,
    attempt: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $1, last_error = NULL \
         WHERE id = $2 AND status = 'pending' AND attempts = $3",
    )
    .bind(now)
    .bind(id)
    .bind(attempt)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a failed attempt: due again at `retry_at`, or given up (`failed`)
/// when `retry_at` is `None`. `error` must hold no secret (no token, no body).
pub async fn mark_failed_attempt(
    conn: &mut AnyConnection,
    id: i64,
    attempt: i64,
    retry_at: Option<i64>,
    error: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE outbox SET status = $1, next_attempt_at = COALESCE($2, next_attempt_at), last_error = $3 \
         WHERE id = $4 AND status = 'pending' AND attempts = $5",
    )
    .bind(if retry_at.is_some() { "pending" } else { "failed" })
    .bind(retry_at)
    .bind(error)
    .bind(id)
    .bind(attempt)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Where mail about a customer account goes: its billing address, its
/// language code and its name.
pub async fn customer_contact(
    conn: &mut AnyConnection,
    customer_id: i64,
) -> Result<Option<(String, String, String)>, sqlx::Error> {
    let row = sqlx::query("SELECT billing_email, lang, name FROM customers WHERE id = $1")
        .bind(customer_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| {
        Ok((
            r.try_get("billing_email")?,
            r.try_get("lang")?,
            r.try_get("name")?,
        ))
    })
    .transpose()
}

/// Who a receipt is from and to, in one query: the customer's billing email,
/// language and name, and the company's legal name (empty before set-up).
pub async fn receipt_parties(
    conn: &mut AnyConnection,
    customer_id: i64,
) -> Result<Option<(String, String, String, String)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT c.billing_email, c.lang, c.name, \
         COALESCE((SELECT legal_name FROM company WHERE id = 1), '') AS seller_name \
         FROM customers c WHERE c.id = $1",
    )
    .bind(customer_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok((
            r.try_get("billing_email")?,
            r.try_get("lang")?,
            r.try_get("name")?,
            r.try_get("seller_name")?,
        ))
    })
    .transpose()
}

/// Deletes the messages whose dedupe key starts with `prefix` (the demo's
/// history is not mailed); returns how many.
pub async fn forget_prefix(pool: &AnyPool, prefix: &str) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM outbox WHERE dedupe_key LIKE $1 || '%'")
            .bind(prefix)
            .execute(pool)
            .await?
            .rows_affected(),
    )
}

/// How many messages wait to be sent, and when the oldest of them was queued
/// (unix seconds; `None` when none waits). For `GET /metrics`.
pub async fn pending_depth(pool: &AnyPool) -> Result<(i64, Option<i64>), sqlx::Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, MIN(created_at) AS oldest FROM outbox WHERE status = 'pending'",
    )
    .fetch_one(pool)
    .await?;
    Ok((row.try_get("n")?, row.try_get("oldest")?))
}
