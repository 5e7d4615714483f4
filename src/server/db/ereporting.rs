//! The SQL of the payments e-reporting: amounts collected and given back
//! in a range. Instants are `[start, end)` unix seconds and dates
//! `YYYY-MM-DD` text, computed by the caller (see `db::exports::Span`).
use crate::server::db::exports::Span;
use sqlx::{AnyPool, Row};

/// Money that came in (`amount > 0`) or went back (`amount < 0`) on an
/// invoice: `day` is a date for an offline payment, else `None` and `at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    pub invoice_id: i64,
    pub received_on: Option<String>,
    pub at: i64,
    pub amount: i64,
    pub currency: String,
}

/// Payments (whole, or one invoice's share of a statement payment) received
/// in the range: on the day typed for an offline payment, else on the UTC
/// day the provider confirmed it (as the payments export).
const COLLECTED: &str = "SELECT p.invoice_id, p.received_on, COALESCE(p.succeeded_at, 0) AS at, \
    p.amount, p.currency FROM payments p \
    WHERE p.status = 'succeeded' AND ( \
      (p.received_on IS NOT NULL AND p.received_on >= $1 AND p.received_on <= $2) \
      OR (p.received_on IS NULL AND p.succeeded_at >= $3 AND p.succeeded_at < $4)) \
    ORDER BY p.succeeded_at, p.id";

/// Refunds the ledger counts (dated by their last change) and chargebacks
/// that hold money (dated by their status) in the range, of single
/// payments, and the shares of statement payments they took back.
const GIVEN_BACK: &str = "SELECT p.invoice_id, g.at, g.amount, p.currency FROM ( \
      SELECT r.updated_at AS at, r.counted AS amount, r.provider_payment_id AS ppid \
      FROM provider_refunds r WHERE r.counted > 0 \
      UNION ALL \
      SELECT CASE WHEN cb.status_at > 0 THEN cb.status_at ELSE cb.updated_at END AS at, \
        cb.amount AS amount, cb.provider_payment_id AS ppid \
      FROM chargebacks cb WHERE cb.holds_money = 1 \
    ) g JOIN payments p ON p.provider_payment_id = g.ppid AND p.status = 'succeeded' \
    WHERE g.at >= $1 AND g.at < $2 \
    UNION ALL \
    SELECT p.invoice_id, r.updated_at AS at, p.part_refunded AS amount, p.currency \
    FROM payments p JOIN payment_groups pg ON pg.id = p.group_id \
    JOIN provider_refunds r ON r.provider_payment_id = pg.provider_payment_id \
    WHERE p.part_refunded > 0 AND r.updated_at >= $1 AND r.updated_at < $2 \
    UNION ALL \
    SELECT x.invoice_id, x.at, x.amount, x.currency FROM ( \
      SELECT p.invoice_id, p.part_charged_back AS amount, p.currency, \
        (SELECT MAX(CASE WHEN cb.status_at > 0 THEN cb.status_at ELSE cb.updated_at END) \
         FROM chargebacks cb WHERE cb.provider_payment_id = pg.provider_payment_id \
           AND cb.holds_money = 1) AS at \
      FROM payments p JOIN payment_groups pg ON pg.id = p.group_id \
      WHERE p.part_charged_back > 0) x \
    WHERE x.at >= $1 AND x.at < $2";

/// What came in and went back in the range.
pub async fn movements(pool: &AnyPool, span: &Span) -> Result<Vec<Movement>, sqlx::Error> {
    let mut out = Vec::new();
    for r in sqlx::query(COLLECTED)
        .bind(span.from.clone())
        .bind(span.to.clone())
        .bind(span.start)
        .bind(span.end)
        .fetch_all(pool)
        .await?
    {
        out.push(Movement {
            invoice_id: r.try_get("invoice_id")?,
            received_on: r.try_get("received_on")?,
            at: r.try_get("at")?,
            amount: r.try_get("amount")?,
            currency: r.try_get("currency")?,
        });
    }
    for r in sqlx::query(GIVEN_BACK)
        .bind(span.start)
        .bind(span.end)
        .fetch_all(pool)
        .await?
    {
        out.push(Movement {
            invoice_id: r.try_get("invoice_id")?,
            received_on: None,
            at: r.try_get("at")?,
            amount: -r.try_get::<i64, _>("amount")?,
            currency: r.try_get("currency")?,
        });
    }
    Ok(out)
}
