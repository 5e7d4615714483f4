//! Applies verified provider events, each exactly once: the event id is stored
//! in the same transaction that applies it (a duplicate changes nothing), and
//! facts merge by rules that do not depend on arrival order (furthest payment
//! state, largest cumulative refund, closed chargebacks stay closed), so late
//! and reordered deliveries end where in-order delivery would.
use crate::error::AppError;
use crate::model::invoice::Settlement;
use crate::model::payment::PaymentStatus;
use crate::server::db::payments::{self as pay, LogEntry, NewPayment, PaymentRow};
use crate::server::db::{Db, invoices, now_ts};
use crate::server::payments::events::{Event, Fact, PaymentFact};
use sqlx::AnyConnection;

/// What happened to one delivery.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// Applied now; the text says what it did.
    Done(&'static str),
    /// Already applied before: nothing changed.
    Duplicate,
}

/// Applies one parsed event in one transaction.
pub async fn apply(db: &Db, event: &Event) -> Result<Applied, AppError> {
    let now = now_ts();
    let mut tx = db.begin_money().await?;
    if !pay::claim_event(&mut tx, &event.id, &event.kind, now).await? {
        return Ok(Applied::Duplicate);
    }
    let outcome = match &event.fact {
        Fact::Payment(f) => payment(&mut tx, f, now).await?,
        Fact::Refund {
            payment_ref,
            amount_refunded,
            ..
        } => refund(&mut tx, payment_ref, *amount_refunded, now).await?,
        Fact::Chargeback {
            dispute_id,
            payment_ref,
            amount,
            status,
            closed,
        } => {
            pay::merge_chargeback(
                &mut tx,
                dispute_id,
                payment_ref,
                *amount,
                status,
                *closed,
                now,
            )
            .await?;
            settle_payment_of(
                &mut tx,
                payment_ref,
                if *closed {
                    "chargeback_closed"
                } else {
                    "charged_back"
                },
                Some(*amount),
                status,
                now,
            )
            .await?
        }
        Fact::SessionExpired { session_id } => {
            pay::close_session(&mut tx, session_id, "expired").await?;
            "session expired"
        }
        Fact::Ignored => "ignored",
    };
    pay::set_event_outcome(&mut tx, &event.id, outcome).await?;
    tx.commit().await?;
    Ok(Applied::Done(outcome))
}

/// The invoice a payment fact belongs to: its metadata, its session, or a
/// payment already stored under the same provider id.
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

async fn payment(
    conn: &mut AnyConnection,
    f: &PaymentFact,
    now: i64,
) -> Result<&'static str, AppError> {
    let known = pay::by_provider_id(conn, &f.payment_ref).await?;
    let Some(invoice_id) = invoice_of(conn, f, known.as_ref()).await? else {
        return Ok("unmatched: no invoice");
    };
    let Some(inv) = invoices::get(conn, invoice_id).await? else {
        return Ok("unmatched: unknown invoice");
    };
    if inv.kind != "invoice" || f.amount <= 0 {
        return Ok("unmatched: not payable");
    }
    if let Some(sid) = &f.session_id
        && f.status != PaymentStatus::Failed
    {
        pay::close_session(conn, sid, "complete").await?;
    }
    let (payment_id, before) = match known {
        Some(existing) => {
            let status = existing.status.merge(f.status);
            let method = existing.method.merge(f.method);
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
                    provider: if f.payment_ref.starts_with("pi_sim_") {
                        "simulated"
                    } else {
                        "stripe"
                    },
                    method: f.method,
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
    if f.currency != inv.currency {
        tracing::warn!(invoice_id, payment = %f.payment_ref, "payment currency differs from the invoice");
    }
    let balance = recompute(conn, invoice_id, now).await?;
    if after == PaymentStatus::Succeeded {
        if balance < 0 {
            pay::flag_overpaid(conn, payment_id).await?;
            pay::log(
                conn,
                &LogEntry {
                    invoice_id,
                    payment_id: Some(payment_id),
                    kind: "overpaid",
                    amount: Some(-balance),
                    detail: "",
                    actor: None,
                },
                now,
            )
            .await?;
        }
        super::payments::queue_receipt(conn, &inv, payment_id, now).await?;
    }
    Ok(after.as_str())
}

async fn refund(
    conn: &mut AnyConnection,
    payment_ref: &str,
    amount_refunded: i64,
    now: i64,
) -> Result<&'static str, AppError> {
    let before = pay::merge_refund(conn, payment_ref, amount_refunded, now).await?;
    if amount_refunded <= before {
        return Ok("no change");
    }
    let delta = amount_refunded - before;
    settle_payment_of(conn, payment_ref, "refunded", Some(delta), "", now).await
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
        return Ok("kept until its payment arrives");
    };
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
    recompute(conn, p.invoice_id, now).await?;
    Ok(kind)
}

/// Recomputes what an invoice has received from the stored facts and sets its
/// status; returns the new balance (negative when overpaid).
pub async fn recompute(
    conn: &mut AnyConnection,
    invoice_id: i64,
    now: i64,
) -> Result<i64, AppError> {
    let inv = invoices::get(conn, invoice_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let paid = pay::net_paid(conn, invoice_id).await?;
    let settlement = Settlement {
        total_ttc: inv.total_ttc,
        deposits: inv.deposits,
        paid,
        credited: inv.amount_credited,
    };
    let status = settlement.status(inv.status);
    let paid_at = match status {
        crate::model::invoice::InvoiceStatus::Paid => Some(inv.paid_at.unwrap_or(now)),
        _ => None,
    };
    if paid != inv.amount_paid || status != inv.status || paid_at != inv.paid_at {
        invoices::set_settlement(conn, invoice_id, paid, status, paid_at).await?;
    }
    Ok(settlement.balance())
}
