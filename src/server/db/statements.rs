//! Customer statements: statement links (only a SHA-256 of the token is
//! stored), the statement settings row, and the figures of a statement.
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, AnyPool, Row};

/// The company's statement settings (the one `statement_settings` row).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Whether an invoice pay link also opens its customer's statement.
    pub on_pay_link: bool,
    /// How many days an emailed statement link works.
    pub link_days: i64,
}

pub async fn settings(pool: &AnyPool) -> Result<Settings, sqlx::Error> {
    let r = sqlx::query("SELECT on_pay_link, link_days FROM statement_settings WHERE id = 1")
        .fetch_one(pool)
        .await?;
    Ok(Settings {
        on_pay_link: r.try_get::<i64, _>("on_pay_link")? != 0,
        link_days: r.try_get("link_days")?,
    })
}

pub async fn save_settings(conn: &mut AnyConnection, s: Settings) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE statement_settings SET on_pay_link = $1, link_days = $2 WHERE id = 1")
        .bind(i64::from(s.on_pay_link))
        .bind(s.link_days)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// A statement link as staff see it (never its token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub id: i64,
    pub customer_id: i64,
    pub created_by: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub revoked_at: Option<i64>,
}

/// Stores a new link and returns its id.
pub async fn insert_link(
    conn: &mut AnyConnection,
    customer_id: i64,
    token_hash: &str,
    created_by: i64,
    now: i64,
    expires_at: i64,
) -> Result<i64, sqlx::Error> {
    let r = sqlx::query(
        "INSERT INTO statement_links (customer_id, token_hash, created_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(customer_id)
    .bind(token_hash)
    .bind(created_by)
    .bind(now)
    .bind(expires_at)
    .fetch_one(&mut *conn)
    .await?;
    r.try_get("id")
}

/// The customer, expiry and revocation of the link with this token hash.
pub async fn find_by_hash(
    pool: &AnyPool,
    token_hash: &str,
) -> Result<Option<(i64, i64, Option<i64>)>, sqlx::Error> {
    sqlx::query(
        "SELECT customer_id, expires_at, revoked_at FROM statement_links WHERE token_hash = $1",
    )
    .bind(token_hash)
    .fetch_optional(pool)
    .await?
    .map(|r| {
        Ok((
            r.try_get("customer_id")?,
            r.try_get("expires_at")?,
            r.try_get("revoked_at")?,
        ))
    })
    .transpose()
}

fn link_of(r: &AnyRow) -> Result<Link, sqlx::Error> {
    Ok(Link {
        id: r.try_get("id")?,
        customer_id: r.try_get("customer_id")?,
        created_by: r.try_get("created_by")?,
        created_at: r.try_get("created_at")?,
        expires_at: r.try_get("expires_at")?,
        revoked_at: r.try_get("revoked_at")?,
    })
}

/// The customer's links, newest first (at most `limit`).
pub async fn links_of(
    pool: &AnyPool,
    customer_id: i64,
    limit: i64,
) -> Result<Vec<Link>, sqlx::Error> {
    sqlx::query(
        "SELECT l.id, l.customer_id, u.display_name AS created_by, l.created_at, l.expires_at, l.revoked_at \
         FROM statement_links l JOIN users u ON u.id = l.created_by \
         WHERE l.customer_id = $1 ORDER BY l.created_at DESC, l.id DESC LIMIT $2",
    )
    .bind(customer_id)
    .bind(limit)
    .fetch_all(pool)
    .await?
    .iter()
    .map(link_of)
    .collect()
}

/// Revokes one link of a customer; `false` when there is no such live link.
pub async fn revoke(
    conn: &mut AnyConnection,
    customer_id: i64,
    link_id: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE statement_links SET revoked_at = $1 \
         WHERE id = $2 AND customer_id = $3 AND revoked_at IS NULL",
    )
    .bind(now)
    .bind(link_id)
    .bind(customer_id)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The issue date of the customer's first issued invoice.
pub async fn first_issue_date(
    pool: &AnyPool,
    customer_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let r = sqlx::query(
        "SELECT MIN(issue_date) AS first FROM invoices \
         WHERE customer_id = $1 AND kind = 'invoice' AND status <> 'draft'",
    )
    .bind(customer_id)
    .fetch_one(pool)
    .await?;
    r.try_get("first")
}

/// The currency of the customer's invoices (the latest issued one's; EUR
/// when there is none).
pub async fn currency(pool: &AnyPool, customer_id: i64) -> Result<String, sqlx::Error> {
    let r = sqlx::query(
        "SELECT currency FROM invoices WHERE customer_id = $1 AND kind = 'invoice' \
         AND status <> 'draft' ORDER BY issue_date DESC, id DESC LIMIT 1",
    )
    .bind(customer_id)
    .fetch_optional(pool)
    .await?;
    r.map_or(Ok("EUR".to_string()), |r| r.try_get("currency"))
}

/// The money facts of each issued invoice of the customer dated on or
/// before `as_of` (`YYYY-MM-DD`), as of the end of that day: `day_end` is
/// the first instant after it (unix seconds). A payment counts when it was
/// received by then (the typed day of an offline payment, else when it
/// succeeded), net of its refunds and money-holding chargebacks as known now
/// (the same netting as `invoices::money_facts`); a credit note when issued
/// by then; a dispute when opened by then and not closed before.
pub async fn item_facts(
    pool: &AnyPool,
    customer_id: i64,
    as_of: &str,
    day_end: i64,
) -> Result<Vec<crate::model::statement::ItemFacts>, sqlx::Error> {
    sqlx::query(
        "SELECT i.id, i.number, i.issue_date, i.due_date, i.total_ttc, i.deposits, \
         CAST(COALESCE((SELECT SUM(CASE WHEN n.net > 0 THEN n.net ELSE 0 END) FROM (\
           SELECT p.amount - COALESCE(r.counted, 0) - COALESCE((SELECT SUM(c.amount) FROM chargebacks c \
             WHERE c.provider_payment_id = p.provider_payment_id AND c.holds_money = 1), 0) AS net \
           FROM payments p LEFT JOIN provider_refunds r ON r.provider_payment_id = p.provider_payment_id \
           WHERE p.invoice_id = i.id AND p.status = 'succeeded' \
           AND ((p.received_on IS NOT NULL AND p.received_on <= $2) \
             OR (p.received_on IS NULL AND p.succeeded_at < $3))) n), 0) AS BIGINT) AS paid, \
         CAST(COALESCE((SELECT SUM(cn.total_ttc) FROM invoices cn WHERE cn.corrects_invoice_id = i.id \
           AND cn.kind = 'credit_note' AND cn.status <> 'draft' AND cn.issue_date <= $2), 0) AS BIGINT) AS credited, \
         CAST(COALESCE((SELECT SUM(d.disputed_amount) FROM disputes d WHERE d.invoice_id = i.id \
           AND d.created_at < $3 AND (d.resolved_at IS NULL OR d.resolved_at >= $3) \
           AND (d.resolved_at IS NOT NULL OR d.status NOT IN ('resolved', 'rejected'))), 0) AS BIGINT) AS disputed \
         FROM invoices i WHERE i.customer_id = $1 AND i.kind = 'invoice' AND i.status <> 'draft' \
         AND i.issue_date <= $2 ORDER BY i.due_date, i.id",
    )
    .bind(customer_id)
    .bind(as_of)
    .bind(day_end)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok(crate::model::statement::ItemFacts {
            invoice_id: r.try_get("id")?,
            number: r.try_get::<Option<String>, _>("number")?.unwrap_or_default(),
            issue_date: r.try_get::<Option<String>, _>("issue_date")?.unwrap_or_default(),
            due_date: r.try_get("due_date")?,
            total_ttc: r.try_get("total_ttc")?,
            deposits: r.try_get("deposits")?,
            paid: r.try_get("paid")?,
            credited: r.try_get("credited")?,
            disputed: r.try_get("disputed")?,
        })
    })
    .collect()
}
