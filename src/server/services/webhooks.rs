//! Applies verified provider events, each exactly once: the event id is stored
//! in the same transaction that applies it (a duplicate changes nothing), and
//! facts merge by rules that do not depend on arrival order (furthest payment
//! state; each refund by its id and furthest status; each dispute by its
//! newest status, with funds withdrawn and reinstated as facts that stay
//! true), so late and reordered deliveries end where in-order delivery would.
//! Refunds, disputes and charge methods are applied by
//! [`provider_facts`](crate::server::services::provider_facts).
//!
//! Events are applied in groups (see [`Db::in_money_group`]): concurrent
//! deliveries share one transaction and one commit, each in its own savepoint,
//! and each is answered only after that commit.
use crate::error::AppError;
use crate::model::payment::{PaymentStatus, Unmatched, refuses_payment};
use crate::server::db::payments::{
    self as pay, LogEntry, NewPayment, NewUnmatched, PaymentRow, UnmatchedRow,
};
use crate::server::db::provider_facts as charges;
use crate::server::db::{Db, invoices, lock_invoice, lock_payment_ref, now_ts};
use crate::server::payments::events::{Event, Fact, PaymentFact};
use crate::server::services::group_webhooks;
use crate::server::services::ledger::{self, Succeeded};
use crate::server::services::provider_facts;
use sqlx::AnyConnection;
use std::sync::{Arc, Mutex};

/// What happened to one delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// Applied now; the text says what it did.
    Done(&'static str),
    /// Already applied before: nothing changed.
    Duplicate,
}

type Slot = Arc<Mutex<Option<Result<Applied, AppError>>>>;

/// Applies one parsed event exactly once, in a money transaction it may share
/// with other deliveries; returns once that transaction has committed.
pub async fn apply(db: &Db, event: &Event) -> Result<Applied, AppError> {
    let slot: Slot = Arc::default();
    let (event, out) = (Arc::new(event.clone()), slot.clone());
    db.in_money_group(Box::new(move |conn| {
        let (event, out) = (event.clone(), out.clone());
        Box::pin(async move {
            let applied = apply_in(conn, &event, now_ts()).await;
            let keep = applied.is_ok();
            *out.lock().unwrap_or_else(|p| p.into_inner()) = Some(applied);
            keep
        })
    }))
    .await?;
    let applied = slot.lock().unwrap_or_else(|p| p.into_inner()).take();
    applied.unwrap_or_else(|| Err(AppError::internal("webhook", "event was not run")))
}

/// Applies one event inside the caller's money transaction: the event id is
/// claimed first (a duplicate changes nothing), then its fact is applied.
async fn apply_in(conn: &mut AnyConnection, event: &Event, now: i64) -> Result<Applied, AppError> {
    if !pay::claim_event(conn, &event.id, &event.kind, now).await? {
        return Ok(Applied::Duplicate);
    }
    let outcome = match &event.fact {
        Fact::Payment(f) => payment(conn, f, now).await?,
        Fact::Refunds(f) => provider_facts::refunds(conn, f, now).await?,
        Fact::Chargeback {
            dispute_id,
            payment_ref,
            fact,
        } => provider_facts::chargeback(conn, dispute_id, payment_ref, fact, now).await?,
        Fact::Method {
            payment_ref,
            method,
            settled,
        } => provider_facts::method(conn, payment_ref, *method, *settled, now).await?,
        Fact::SessionExpired { session_id } => {
            pay::close_session(conn, session_id, "expired").await?;
            group_webhooks::session_expired(conn, session_id).await?;
            "session expired"
        }
        Fact::Ignored => "ignored",
    };
    pay::set_event_outcome(conn, &event.id, outcome).await?;
    Ok(Applied::Done(outcome))
}

/// The invoice a payment fact is about: its known payment's, its checkout
/// session's, or the one its metadata names.
async fn invoice_of(
    conn: &mut AnyConnection,
    f: &PaymentFact,
    known: Option<&PaymentRow>,
) -> Result<Option<i64>, sqlx::Error> {
    if let Some(p) = known {
        return Ok(Some(p.invoice_id));
    }
    if let Some(sid) = &f.session_id
        && let Some(s) = pay::session_by_provider_id(conn, sid).await?
    {
        return Ok(Some(s.invoice_id));
    }
    Ok(f.invoice_id)
}

/// Applies a payment fact. A payment the ledger already knows stays on its
/// invoice; a new one is taken only by an issued invoice in its currency
/// ([`refuses_payment`]), and anything else (no invoice, an unknown one, a
/// draft, a credit note, a cancelled invoice, another currency) is kept
/// apart as unmatched, for staff: no payment row, no receipt, no change to
/// any money state. Once unmatched, a provider payment stays so, whatever
/// its later events say, so the order of arrival does not matter.
async fn payment(
    conn: &mut AnyConnection,
    f: &PaymentFact,
    now: i64,
) -> Result<&'static str, AppError> {
    lock_payment_ref(conn, &f.payment_ref).await?;
    if f.amount <= 0 {
        return Ok("ignored: no amount");
    }
    let known = pay::by_provider_id(conn, &f.payment_ref).await?;
    if known.is_none()
        && let Some(checkout) = group_webhooks::checkout_of(conn, f).await?
    {
        return group_webhooks::payment(conn, f, &checkout, now).await;
    }
    if known.is_none()
        && let Some(kept) = pay::unmatched_by_ref(conn, &f.payment_ref).await?
    {
        return unmatched(
            conn,
            f,
            kept.named_invoice_id,
            kept.reason,
            Some(&kept),
            now,
        )
        .await;
    }
    let Some(invoice_id) = invoice_of(conn, f, known.as_ref()).await? else {
        return unmatched(conn, f, None, Unmatched::NoInvoice, None, now).await;
    };
    lock_invoice(conn, invoice_id).await?;
    let Some(inv) = invoices::get(conn, invoice_id).await? else {
        return unmatched(
            conn,
            f,
            Some(invoice_id),
            Unmatched::UnknownInvoice,
            None,
            now,
        )
        .await;
    };
    if known.is_none()
        && let Some(why) = refuses_payment(&inv.kind, inv.status, &inv.currency, &f.currency)
    {
        return unmatched(conn, f, Some(invoice_id), why, None, now).await;
    }
    if inv.kind != "invoice" {
        return Ok("unmatched: not payable");
    }
    if let Some(sid) = &f.session_id
        && f.status != PaymentStatus::Failed
    {
        pay::close_session(conn, sid, "complete").await?;
    }
    // A charge event may have told the method first (sessions list every
    // eligible type, so the payment's own events often cannot).
    let charged_with = charges::charge_method(conn, &f.payment_ref).await?;
    let (payment_id, before) = match &known {
        Some(existing) => {
            let status = existing.status.merge(f.status);
            let method = charged_with.unwrap_or_else(|| existing.method.merge(f.method));
            let reason = match status {
                PaymentStatus::Failed => f
                    .failure_reason
                    .as_deref()
                    .or(existing.failure_reason.as_deref()),
                _ => None,
            };
            pay::update_state(
                conn,
                existing.id,
                status,
                method,
                reason,
                f.session_id.as_deref(),
                now,
            )
            .await?;
            (existing.id, Some(existing.status))
        }
        None => {
            let id = pay::insert(
                conn,
                &NewPayment {
                    invoice_id,
                    provider: provider_of(&f.payment_ref),
                    method: charged_with.unwrap_or(f.method),
                    status: f.status,
                    amount: f.amount,
                    currency: &f.currency,
                    provider_payment_id: Some(&f.payment_ref),
                    provider_session_id: f.session_id.as_deref(),
                    reference: &f.payment_ref,
                    failure_reason: f
                        .failure_reason
                        .as_deref()
                        .filter(|_| f.status == PaymentStatus::Failed),
                    received_on: None,
                    recorded_by: None,
                },
                now,
            )
            .await?;
            (id, None)
        }
    };
    let stored = known.as_ref();
    let after = before.map_or(f.status, |b| b.merge(f.status));
    if before == Some(after) {
        return Ok("no change");
    }
    let detail = f.failure_reason.clone().unwrap_or_default();
    pay::log(
        conn,
        &LogEntry {
            invoice_id,
            payment_id: Some(payment_id),
            kind: after.as_str(),
            amount: Some(f.amount),
            detail: if after == PaymentStatus::Failed {
                &detail
            } else {
                ""
            },
            actor: None,
        },
        now,
    )
    .await?;
    let settled = ledger::settle(conn, &inv, now).await?;
    if after == PaymentStatus::Succeeded {
        let paid = Succeeded {
            id: payment_id,
            amount: stored.map_or(f.amount, |p| p.amount),
            currency: stored.map_or(&f.currency, |p| &p.currency),
            method: charged_with
                .unwrap_or_else(|| stored.map_or(f.method, |p| p.method.merge(f.method))),
            reference: stored.map_or(&f.payment_ref, |p| &p.reference),
            paid_at: now,
        };
        ledger::payment_succeeded(conn, &inv, &settled, &paid, now).await?;
        crate::server::services::lifecycle::collected(
            conn,
            invoice_id,
            payment_id,
            (paid.amount, paid.currency),
            None,
            now,
        )
        .await?;
    }
    Ok(after.as_str())
}

/// Which provider a payment reference comes from.
pub(crate) fn provider_of(payment_ref: &str) -> &'static str {
    if payment_ref.starts_with("pi_sim_") {
        "simulated"
    } else {
        "stripe"
    }
}

/// Keeps a payment fact apart, as unmatched (`kept` is its row when it was
/// kept before: its state is merged as a payment's would be).
async fn unmatched(
    conn: &mut AnyConnection,
    f: &PaymentFact,
    named_invoice_id: Option<i64>,
    reason: Unmatched,
    kept: Option<&UnmatchedRow>,
    now: i64,
) -> Result<&'static str, AppError> {
    if let Some(sid) = &f.session_id
        && f.status != PaymentStatus::Failed
    {
        pay::close_session(conn, sid, "complete").await?;
    }
    let status = kept.map_or(f.status, |k| k.status.merge(f.status));
    if kept.is_some_and(|k| k.status == status) {
        return Ok("no change");
    }
    pay::upsert_unmatched(
        conn,
        &NewUnmatched {
            provider: provider_of(&f.payment_ref),
            provider_payment_id: &f.payment_ref,
            provider_session_id: f.session_id.as_deref(),
            named_invoice_id,
            reason,
            status,
            method: kept.map_or(f.method, |k| k.method.merge(f.method)),
            amount: kept.map_or(f.amount, |k| k.amount),
            currency: kept.map_or(&f.currency, |k| &k.currency),
        },
        now,
    )
    .await?;
    if kept.is_none() {
        tracing::warn!(
            payment = %f.payment_ref,
            reason = reason.as_str(),
            invoice_id = ?named_invoice_id,
            "provider payment not applied to any invoice: kept as unmatched for staff"
        );
        crate::server::db::audit::record_in(conn, None, "payment_unmatched", &f.payment_ref)
            .await?;
    }
    Ok(match reason {
        Unmatched::NoInvoice => "unmatched: no invoice",
        Unmatched::UnknownInvoice => "unmatched: unknown invoice",
        Unmatched::Draft => "unmatched: draft",
        Unmatched::CreditNote => "unmatched: credit note",
        Unmatched::Cancelled => "unmatched: cancelled invoice",
        Unmatched::Currency => "unmatched: another currency",
    })
}
