//! What the provider tells of a payment besides its own state: each refund by
//! its id, each dispute (chargeback or inquiry), and the method its charge was
//! paid with. All keyed by the provider's payment id, so they are kept even
//! when they arrive before the payment itself. The merge rules are in
//! `model::refund` and `model::chargeback`; this module stores their results.
use crate::model::chargeback::{ChargebackState, ChargebackView};
use crate::model::payment::PaymentMethod;
use crate::model::refund::RefundStatus;
use sqlx::{AnyConnection, Row};

/// The stored status of a refund, if it is known.
pub async fn refund_status(
    conn: &mut AnyConnection,
    refund_id: &str,
) -> Result<Option<RefundStatus>, sqlx::Error> {
    let row = sqlx::query("SELECT status FROM refunds WHERE provider_refund_id = $1")
        .bind(refund_id)
        .fetch_optional(&mut *conn)
        .await?;
    let Some(row) = row else { return Ok(None) };
    let status: String = row.try_get("status")?;
    RefundStatus::parse(&status)
        .map(Some)
        .ok_or_else(|| sqlx::Error::Decode(format!("bad refund status {status}").into()))
}

/// A refund as the caller merged it.
pub struct RefundRow<'a> {
    pub refund_id: &'a str,
    pub payment_ref: &'a str,
    pub amount: i64,
    pub status: RefundStatus,
    pub failure_reason: Option<&'a str>,
}

pub async fn save_refund(
    conn: &mut AnyConnection,
    r: &RefundRow<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO refunds (provider_refund_id, provider_payment_id, amount, status, failure_reason, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         ON CONFLICT (provider_refund_id) DO UPDATE SET amount = $3, status = $4, \
         failure_reason = COALESCE($5, refunds.failure_reason), updated_at = $6",
    )
    .bind(r.refund_id)
    .bind(r.payment_ref)
    .bind(r.amount)
    .bind(r.status.as_str())
    .bind(r.failure_reason)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// What is known of the refunds of a payment: the largest cumulative amount
/// a charge showed, what the ledger counts now, and each refund.
pub struct RefundTotals {
    pub cumulative: i64,
    pub counted: i64,
    pub refunds: Vec<(i64, RefundStatus)>,
}

pub async fn refund_totals(
    conn: &mut AnyConnection,
    payment_ref: &str,
) -> Result<RefundTotals, sqlx::Error> {
    let row = sqlx::query(
        "SELECT amount_refunded, counted FROM provider_refunds WHERE provider_payment_id = $1",
    )
    .bind(payment_ref)
    .fetch_optional(&mut *conn)
    .await?;
    let (cumulative, counted) = match row {
        Some(r) => (r.try_get("amount_refunded")?, r.try_get("counted")?),
        None => (0, 0),
    };
    let rows = sqlx::query("SELECT amount, status FROM refunds WHERE provider_payment_id = $1")
        .bind(payment_ref)
        .fetch_all(&mut *conn)
        .await?;
    let refunds = rows
        .iter()
        .map(|r| -> Result<(i64, RefundStatus), sqlx::Error> {
            let status: String = r.try_get("status")?;
            let status = RefundStatus::parse(&status)
                .ok_or_else(|| sqlx::Error::Decode(format!("bad refund status {status}").into()))?;
            Ok((r.try_get("amount")?, status))
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(RefundTotals {
        cumulative,
        counted,
        refunds,
    })
}

/// Stores the largest cumulative amount seen and what the ledger counts.
pub async fn save_refund_totals(
    conn: &mut AnyConnection,
    payment_ref: &str,
    cumulative: i64,
    counted: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO provider_refunds (provider_payment_id, amount_refunded, counted, updated_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (provider_payment_id) DO UPDATE SET \
         amount_refunded = $2, counted = $3, updated_at = $4",
    )
    .bind(payment_ref)
    .bind(cumulative)
    .bind(counted)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A dispute as stored, and the payment it is about.
pub async fn chargeback(
    conn: &mut AnyConnection,
    dispute_id: &str,
) -> Result<Option<ChargebackState>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT status, status_at, amount, reason, due_by, funds_withdrawn, funds_reinstated \
         FROM chargebacks WHERE provider_dispute_id = $1",
    )
    .bind(dispute_id)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| -> Result<ChargebackState, sqlx::Error> {
        Ok(ChargebackState {
            status: r.try_get("status")?,
            status_at: r.try_get("status_at")?,
            amount: r.try_get("amount")?,
            reason: r.try_get("reason")?,
            due_by: r.try_get("due_by")?,
            funds_withdrawn: r.try_get::<i64, _>("funds_withdrawn")? != 0,
            funds_reinstated: r.try_get::<i64, _>("funds_reinstated")? != 0,
        })
    })
    .transpose()
}

/// Stores a dispute's merged state, with whether it holds money now (what
/// the ledger's SQL reads).
pub async fn save_chargeback(
    conn: &mut AnyConnection,
    dispute_id: &str,
    payment_ref: &str,
    c: &ChargebackState,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO chargebacks (provider_dispute_id, provider_payment_id, amount, status, closed, updated_at, \
         reason, due_by, funds_withdrawn, funds_reinstated, holds_money, status_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
         ON CONFLICT (provider_dispute_id) DO UPDATE SET amount = $3, status = $4, closed = $5, updated_at = $6, \
         reason = $7, due_by = $8, funds_withdrawn = $9, funds_reinstated = $10, holds_money = $11, status_at = $12",
    )
    .bind(dispute_id)
    .bind(payment_ref)
    .bind(c.amount)
    .bind(&c.status)
    .bind(i64::from(c.closed()))
    .bind(now)
    .bind(&c.reason)
    .bind(c.due_by)
    .bind(i64::from(c.funds_withdrawn))
    .bind(i64::from(c.funds_reinstated))
    .bind(i64::from(c.holds_money()))
    .bind(c.status_at)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The disputes of an invoice's payments, oldest first, as staff see them.
pub async fn chargebacks_for_invoice(
    conn: &mut AnyConnection,
    invoice_id: i64,
) -> Result<Vec<ChargebackView>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.reference, p.currency, c.amount, c.status, c.reason, c.due_by, c.holds_money \
         FROM chargebacks c JOIN payments p ON p.provider_payment_id = c.provider_payment_id \
         WHERE p.invoice_id = $1 ORDER BY c.status_at, c.provider_dispute_id",
    )
    .bind(invoice_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| -> Result<ChargebackView, sqlx::Error> {
            Ok(ChargebackView {
                payment_reference: r.try_get("reference")?,
                amount: r.try_get("amount")?,
                currency: r.try_get("currency")?,
                status: r.try_get("status")?,
                reason: r.try_get("reason")?,
                due_by: r.try_get("due_by")?,
                holds_money: r.try_get::<i64, _>("holds_money")? != 0,
            })
        })
        .collect()
}

/// Keeps the method a charge of `payment_ref` was paid with (a settled
/// charge's beats a pending one's) and returns the method kept.
pub async fn merge_charge_method(
    conn: &mut AnyConnection,
    payment_ref: &str,
    method: PaymentMethod,
    settled: bool,
    now: i64,
) -> Result<PaymentMethod, sqlx::Error> {
    sqlx::query(
        "INSERT INTO provider_charges (provider_payment_id, method, settled, updated_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (provider_payment_id) DO UPDATE SET method = $2, settled = $3, updated_at = $4 \
         WHERE provider_charges.settled <= $3",
    )
    .bind(payment_ref)
    .bind(method.as_str())
    .bind(i64::from(settled))
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(charge_method(conn, payment_ref).await?.unwrap_or(method))
}

/// The method a charge of `payment_ref` said, if one arrived.
pub async fn charge_method(
    conn: &mut AnyConnection,
    payment_ref: &str,
) -> Result<Option<PaymentMethod>, sqlx::Error> {
    let row = sqlx::query("SELECT method FROM provider_charges WHERE provider_payment_id = $1")
        .bind(payment_ref)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| {
        Ok(PaymentMethod::from_provider(
            &r.try_get::<String, _>("method")?,
        ))
    })
    .transpose()
}

/// Writes the method of a provider payment, applied or kept unmatched.
pub async fn set_method(
    conn: &mut AnyConnection,
    payment_ref: &str,
    method: PaymentMethod,
) -> Result<(), sqlx::Error> {
    for table in ["payments", "unmatched_payments"] {
        sqlx::query(&format!(
            "UPDATE {table} SET method = $1 WHERE provider_payment_id = $2 AND method <> $1"
        ))
        .bind(method.as_str())
        .bind(payment_ref)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}
