//! Applies what the provider tells of a payment besides its own state:
//! refunds, disputes and the method its charge used. Each runs inside the
//! webhook's money transaction (see `services::webhooks`), under the lock of
//! the provider payment, and ends with the ledger recomputing the invoice
//! when the payment is known; a fact that arrives before its payment is kept
//! and counted when the payment arrives.
use crate::error::AppError;
use crate::model::chargeback::{ChargebackFact, ChargebackState, is_inquiry};
use crate::model::refund::{self, RefundStatus};
use crate::server::db::payments::{self as pay, LogEntry};
use crate::server::db::provider_facts as facts;
use crate::server::db::{lock_invoice, lock_payment_ref};
use crate::server::payments::events::RefundFact;
use crate::server::services::ledger;
use sqlx::AnyConnection;

/// Merges each refund the event names by its id and status, and the charge's
/// cumulative amount; the ledger then counts what holds money.
pub async fn refunds(
    conn: &mut AnyConnection,
    f: &RefundFact,
    now: i64,
) -> Result<&'static str, AppError> {
    lock_payment_ref(conn, &f.payment_ref).await?;
    let mut gave_back = None;
    for r in &f.refunds {
        let before = facts::refund_status(conn, &r.id).await?;
        let status = before.map_or(r.status, |b| b.merge(r.status));
        if before == Some(status) {
            continue;
        }
        if !status.holds_money() {
            gave_back = Some(status);
        }
        facts::save_refund(
            conn,
            &facts::RefundRow {
                refund_id: &r.id,
                payment_ref: &f.payment_ref,
                amount: r.amount,
                status,
                failure_reason: r.failure_reason.as_deref(),
            },
            now,
        )
        .await?;
    }
    let totals = facts::refund_totals(conn, &f.payment_ref).await?;
    let cumulative = totals.cumulative.max(f.cumulative.unwrap_or(0));
    let counted = refund::counted(cumulative, &totals.refunds);
    if cumulative == totals.cumulative && counted == totals.counted {
        return Ok("no change");
    }
    facts::save_refund_totals(conn, &f.payment_ref, cumulative, counted, now).await?;
    if counted == totals.counted {
        return Ok("no change");
    }
    let kind = match (counted > totals.counted, gave_back) {
        (true, _) => "refunded",
        (false, Some(RefundStatus::Canceled)) => "refund_canceled",
        (false, _) => "refund_failed",
    };
    let delta = (counted - totals.counted).abs();
    settle_payment_of(conn, &f.payment_ref, kind, Some(delta), "", now).await
}

/// Merges a dispute event; money moves only when Stripe's balance does (see
/// `model::chargeback`).
pub async fn chargeback(
    conn: &mut AnyConnection,
    dispute_id: &str,
    payment_ref: &str,
    f: &ChargebackFact,
    now: i64,
) -> Result<&'static str, AppError> {
    lock_payment_ref(conn, payment_ref).await?;
    let before = facts::chargeback(conn, dispute_id).await?;
    let after = before
        .as_ref()
        .map_or_else(|| ChargebackState::from_fact(f), |b| b.merge(f));
    if before.as_ref() == Some(&after) {
        return Ok("no change");
    }
    facts::save_chargeback(conn, dispute_id, payment_ref, &after, now).await?;
    let held_before = before.as_ref().is_some_and(ChargebackState::holds_money);
    let was_closed = before.as_ref().is_some_and(ChargebackState::closed);
    let (kind, amount) = match (held_before, after.holds_money()) {
        (false, true) => ("charged_back", Some(after.amount)),
        (true, false) => ("funds_reinstated", Some(after.amount)),
        _ if after.closed() && !was_closed => ("chargeback_closed", None),
        _ if before.is_none() && is_inquiry(&after.status) => ("inquiry", Some(after.amount)),
        _ if before.as_ref().is_none_or(|b| b.status != after.status) => {
            ("chargeback_status", None)
        }
        // Only a date, a reason or a money flag already counted changed.
        _ => return Ok("chargeback updated"),
    };
    settle_payment_of(conn, payment_ref, kind, amount, &after.status, now).await
}

/// Keeps the method a charge was paid with, and writes it on the payment
/// when it is known (its receipt and timeline then name it).
pub async fn method(
    conn: &mut AnyConnection,
    payment_ref: &str,
    method: crate::model::payment::PaymentMethod,
    settled: bool,
    now: i64,
) -> Result<&'static str, AppError> {
    lock_payment_ref(conn, payment_ref).await?;
    let kept = facts::merge_charge_method(conn, payment_ref, method, settled, now).await?;
    facts::set_method(conn, payment_ref, kept).await?;
    crate::server::db::group_payments::set_method(conn, payment_ref, kept).await?;
    Ok("method recorded")
}

/// Logs and recomputes the invoice of a provider payment, if it is known yet
/// (a refund or chargeback that arrives first is kept and counted when the
/// payment itself arrives).
async fn settle_payment_of(
    conn: &mut AnyConnection,
    payment_ref: &str,
    kind: &'static str,
    amount: Option<i64>,
    detail: &str,
    now: i64,
) -> Result<&'static str, AppError> {
    let Some(p) = pay::by_provider_id(conn, payment_ref).await? else {
        if let Some(group) =
            crate::server::db::group_payments::group_by_ref(conn, payment_ref).await?
        {
            return crate::server::services::group_webhooks::taken_back_changed(
                conn, &group, kind, detail, now,
            )
            .await;
        }
        return Ok("kept until its payment arrives");
    };
    lock_invoice(conn, p.invoice_id).await?;
    pay::log(
        conn,
        &LogEntry {
            invoice_id: p.invoice_id,
            payment_id: Some(p.id),
            kind,
            amount,
            detail,
            actor: None,
        },
        now,
    )
    .await?;
    ledger::recompute(conn, p.invoice_id, now).await?;
    Ok(kind)
}
