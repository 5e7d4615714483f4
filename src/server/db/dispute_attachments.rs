//! Files attached to dispute messages, bytes included (see migration 0007 for
//! why they live in the database). Listing reads the metadata only; the bytes
//! are read one file at a time, for its download.
use crate::model::dispute::AttachmentView;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// What one stored file holds.
pub struct NewAttachment<'a> {
    pub dispute_id: i64,
    pub message_id: i64,
    pub filename: &'a str,
    pub content_type: &'a str,
    /// Hex SHA-256 of `content`.
    pub sha256: &'a str,
    pub content: &'a [u8],
}

/// Stores one file of a message; returns its id.
pub async fn insert(
    conn: &mut AnyConnection,
    a: &NewAttachment<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO dispute_attachments (dispute_id, message_id, filename, content_type, size_bytes, \
         sha256, content, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(a.dispute_id)
    .bind(a.message_id)
    .bind(a.filename)
    .bind(a.content_type)
    .bind(i64::try_from(a.content.len()).unwrap_or(i64::MAX))
    .bind(a.sha256)
    .bind(a.content)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")
}

fn view(r: &AnyRow) -> Result<AttachmentView, sqlx::Error> {
    Ok(AttachmentView {
        id: r.try_get("id")?,
        filename: r.try_get("filename")?,
        content_type: r.try_get("content_type")?,
        size_bytes: r.try_get("size_bytes")?,
    })
}

/// (message id, file) of every file of a dispute, in upload order, without
/// the bytes. Files of internal notes only come with `with_internal`.
pub async fn for_dispute(
    conn: &mut AnyConnection,
    dispute_id: i64,
    with_internal: bool,
) -> Result<Vec<(i64, AttachmentView)>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT a.id, a.message_id, a.filename, a.content_type, a.size_bytes \
         FROM dispute_attachments a JOIN dispute_messages m ON m.id = a.message_id \
         WHERE a.dispute_id = $1 AND ($2 = 1 OR m.internal = 0) ORDER BY a.id",
    )
    .bind(dispute_id)
    .bind(i64::from(with_internal))
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("message_id")?, view(r)?)))
        .collect()
}

/// One file with its bytes, and whether its message is an internal note.
pub struct StoredAttachment {
    pub view: AttachmentView,
    pub internal: bool,
    pub content: Vec<u8>,
}

/// The file `attachment_id` of dispute `dispute_id`, if both match.
pub async fn get(
    conn: &mut AnyConnection,
    dispute_id: i64,
    attachment_id: i64,
) -> Result<Option<StoredAttachment>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT a.id, a.filename, a.content_type, a.size_bytes, a.content, m.internal \
         FROM dispute_attachments a JOIN dispute_messages m ON m.id = a.message_id \
         WHERE a.id = $1 AND a.dispute_id = $2 AND m.dispute_id = $2",
    )
    .bind(attachment_id)
    .bind(dispute_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(StoredAttachment {
            view: view(&r)?,
            internal: r.try_get::<i64, _>("internal")? == 1,
            content: r.try_get("content")?,
        })
    })
    .transpose()
}
