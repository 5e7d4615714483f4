//! Pay links: only a SHA-256 of the token is stored.
use sqlx::{AnyConnection, AnyPool, Row};

pub async fn insert(
    conn: &mut AnyConnection,
    invoice_id: i64,
    token_hash: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO pay_links (invoice_id, token_hash, created_at) VALUES ($1, $2, $3)")
        .bind(invoice_id)
        .bind(token_hash)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Revokes every live link of an invoice.
pub async fn revoke_all(
    conn: &mut AnyConnection,
    invoice_id: i64,
    now: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE pay_links SET revoked_at = $1 WHERE invoice_id = $2 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(invoice_id)
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// Whether the invoice has a link that was not revoked.
pub async fn has_live(conn: &mut AnyConnection, invoice_id: i64) -> Result<bool, sqlx::Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM pay_links WHERE invoice_id = $1 AND revoked_at IS NULL",
    )
    .bind(invoice_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(row.try_get::<i64, _>("n")? > 0)
}

/// The invoice a live token opens, with the invoice's `paid_at` for the expiry rule.
pub async fn find_live(
    pool: &AnyPool,
    token_hash: &str,
) -> Result<Option<(i64, Option<i64>)>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT p.invoice_id, i.paid_at FROM pay_links p JOIN invoices i ON i.id = p.invoice_id \
         WHERE p.token_hash = $1 AND p.revoked_at IS NULL",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await?;
    row.map(|r| Ok((r.try_get("invoice_id")?, r.try_get("paid_at")?)))
        .transpose()
}
