//! Invoice queries.
use crate::model::invoice::InvoiceStatus;
use sqlx::{AnyPool, Row};

/// A stored invoice as the list needs it, before status derivation.
pub struct InvoiceRow {
    pub number: String,
    pub status: InvoiceStatus,
    pub issue_date: String,
    pub due_date: String,
    pub currency: String,
    pub total_ttc: i64,
    pub amount_paid: i64,
    pub amount_credited: i64,
}

/// The issued invoices of one customer (never drafts, never credit notes), newest first.
pub async fn list_for_customer(
    pool: &AnyPool,
    customer_id: i64,
    limit: i64,
) -> Result<Vec<InvoiceRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT number, status, issue_date, due_date, currency, total_ttc, amount_paid, amount_credited \
         FROM invoices WHERE customer_id = $1 AND kind = 'invoice' AND status <> 'draft' \
         ORDER BY issue_date DESC, id DESC LIMIT $2",
    )
    .bind(customer_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            let status: String = r.try_get("status")?;
            Ok(InvoiceRow {
                number: r.try_get("number")?,
                status: InvoiceStatus::parse(&status)
                    .ok_or_else(|| sqlx::Error::Decode(format!("bad status {status}").into()))?,
                issue_date: r.try_get("issue_date")?,
                due_date: r.try_get("due_date")?,
                currency: r.try_get("currency")?,
                total_ttc: r.try_get("total_ttc")?,
                amount_paid: r.try_get("amount_paid")?,
                amount_credited: r.try_get("amount_credited")?,
            })
        })
        .collect()
}

/// Figures for the staff home: open invoices, overdue ones, and the outstanding amount.
pub struct StaffFigures {
    pub open_count: i64,
    pub overdue_count: i64,
    pub outstanding: i64,
    pub customers: i64,
}

pub async fn staff_figures(pool: &AnyPool, today: &str) -> Result<StaffFigures, sqlx::Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS open_count, \
         COALESCE(SUM(CASE WHEN due_date < $1 THEN 1 ELSE 0 END), 0) AS overdue_count, \
         CAST(COALESCE(SUM(total_ttc - amount_paid - amount_credited), 0) AS BIGINT) AS outstanding \
         FROM invoices WHERE kind = 'invoice' AND status IN ('issued', 'partially_paid', 'disputed')",
    )
    .bind(today)
    .fetch_one(pool)
    .await?;
    let customers: i64 = sqlx::query("SELECT COUNT(*) AS n FROM customers")
        .fetch_one(pool)
        .await?
        .try_get("n")?;
    Ok(StaffFigures {
        open_count: row.try_get("open_count")?,
        overdue_count: row.try_get("overdue_count")?,
        outstanding: row.try_get("outstanding")?,
        customers,
    })
}
