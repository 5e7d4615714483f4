//! Closing a dispute and the instalments of a payment plan.
use super::bad;
use crate::model::dispute::{DisputeStatus, Instalment, ResolutionKind};
use crate::model::format::parse_iso_date;
use sqlx::{AnyConnection, Row};

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
