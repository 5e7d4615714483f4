//! A dispute's messages (internal notes loaded only by the staff query) and
//! its history.
use super::bad;
use crate::model::dispute::{AuthorKind, DisputeEvent, StaffMessage, ThreadMessage};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

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
