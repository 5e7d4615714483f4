//! Applies provider events of a statement payment (one provider payment over
//! several invoices), inside the webhook's money transaction, exactly once
//! (the event id is claimed by the caller, and the parts are created once:
//! `payment_groups.provider_payment_id` is unique and the parts exist from
//! the first event that says money is coming).
//!
//! The amount is applied when it first arrives (processing or succeeded) to
//! the checkout's invoices in allocation order, each up to what it can take
//! then ([`apply_received`]); every later event only moves the parts' shared
//! state. Refunds and chargebacks of the provider payment come off the parts
//! in reverse order ([`claw_back`]). Each invoice is settled by the ledger,
//! like any payment of it; one receipt lists every invoice paid.
use crate::error::AppError;
use crate::model::allocation::{apply_received, claw_back};
use crate::model::dispute::undisputed_payable;
use crate::model::lang::Lang;
use crate::model::payment::{PaymentMethod, PaymentStatus, payable};
use crate::server::db::group_payments::{
    self as groups, GroupCheckout, NewGroup, NewPart, PaymentGroup,
};
use crate::server::db::payments::{self as pay, LogEntry};
use crate::server::db::{invoices, lock_invoice, outbox};
use crate::server::payments::events::PaymentFact;
use crate::server::services::ledger;
use crate::server::services::webhooks::provider_of;
use sqlx::AnyConnection;

/// The statement checkout a payment fact belongs to, if it is one: by its
/// known group, the checkout its metadata names, or its session.
pub async fn checkout_of(
    conn: &mut AnyConnection,
    f: &PaymentFact,
) -> Result<Option<GroupCheckout>, sqlx::Error> {
    if let Some(g) = groups::group_by_ref(conn, &f.payment_ref).await? {
        return groups::checkout_by_id(conn, g.checkout_id).await;
    }
    if let Some(id) = f.group_checkout_id
        && let Some(c) = groups::checkout_by_id(conn, id).await?
    {
        return Ok(Some(c));
    }
    match &f.session_id {
        Some(sid) => groups::checkout_by_session(conn, sid).await,
        None => Ok(None),
    }
}

/// Applies a payment fact of a statement checkout.
pub async fn payment(
    conn: &mut AnyConnection,
    f: &PaymentFact,
    checkout: &GroupCheckout,
    now: i64,
) -> Result<&'static str, AppError> {
    let mut items = groups::items(conn, checkout.id).await?;
    // Invoice locks in one order everywhere: no two deliveries deadlock.
    let mut ids: Vec<i64> = items.iter().map(|i| i.invoice_id).collect();
    ids.sort_unstable();
    for id in &ids {
        lock_invoice(conn, *id).await?;
    }
    items.sort_by_key(|i| i.position);
    if f.status != PaymentStatus::Failed {
        groups::close_checkout(conn, checkout.id, "complete").await?;
    }
    let known = groups::group_by_ref(conn, &f.payment_ref).await?;
    let (group, before) = match known {
        Some(g) => {
            let before = g.status;
            (g, Some(before))
        }
        None => {
            if !f.currency.eq_ignore_ascii_case(&checkout.currency) {
                // Never seen: the session was opened in the invoices' currency.
                tracing::warn!(
                    payment = %f.payment_ref,
                    checkout = checkout.id,
                    "statement payment in another currency than its checkout: not applied"
                );
                crate::server::db::audit::record_in(
                    conn,
                    None,
                    "payment_unmatched",
                    &f.payment_ref,
                )
                .await?;
                return Ok("unmatched: another currency");
            }
            let id = groups::insert_group(
                conn,
                &NewGroup {
                    checkout_id: checkout.id,
                    customer_id: checkout.customer_id,
                    provider: provider_of(&f.payment_ref),
                    provider_payment_id: &f.payment_ref,
                    status: f.status,
                    method: f.method,
                    amount: f.amount,
                    currency: &checkout.currency,
                    failure_reason: f
                        .failure_reason
                        .as_deref()
                        .filter(|_| f.status == PaymentStatus::Failed),
                },
                now,
            )
            .await?;
            let g = groups::group_by_id(conn, id)
                .await?
                .ok_or(AppError::NotFound)?;
            (g, None)
        }
    };
    let after = before.map_or(f.status, |b| b.merge(f.status));
    if before == Some(after) {
        return Ok("no change");
    }
    let method = crate::server::db::provider_facts::charge_method(conn, &f.payment_ref)
        .await?
        .unwrap_or_else(|| group.method.merge(f.method));
    let reason = f
        .failure_reason
        .as_deref()
        .or(group.failure_reason.as_deref())
        .filter(|_| after == PaymentStatus::Failed);
    let mut parts = groups::parts(conn, group.id).await?;
    if parts.is_empty() && after != PaymentStatus::Failed {
        create_parts(conn, &group, &items, after, method, f, now).await?;
        parts = groups::parts(conn, group.id).await?;
    }
    groups::set_state(conn, group.id, after, method, reason, now).await?;
    spread_taken_back(conn, &group).await?;
    for p in &parts {
        pay::log(
            conn,
            &LogEntry {
                invoice_id: p.invoice_id,
                payment_id: Some(p.payment_id),
                kind: after.as_str(),
                amount: Some(p.amount),
                detail: if after == PaymentStatus::Failed {
                    reason.unwrap_or("")
                } else {
                    ""
                },
                actor: None,
            },
            now,
        )
        .await?;
    }
    let mut settled = Vec::with_capacity(parts.len());
    for p in &parts {
        let inv = invoices::get(conn, p.invoice_id)
            .await?
            .ok_or(AppError::NotFound)?;
        settled.push((p.clone(), ledger::settle(conn, &inv, now).await?));
    }
    if after == PaymentStatus::Succeeded {
        for (p, s) in &settled {
            ledger::flag_overpayment(conn, p.invoice_id, p.payment_id, s, now).await?;
            crate::server::services::lifecycle::collected(
                conn,
                p.invoice_id,
                p.payment_id,
                (p.amount, &group.currency),
                None,
                now,
            )
            .await?;
        }
        let group = groups::group_by_id(conn, group.id)
            .await?
            .ok_or(AppError::NotFound)?;
        queue_receipt(conn, &group, now).await?;
    }
    Ok(after.as_str())
}

/// The parts of a group, from the first event that says money is coming:
/// the amount over the checkout's invoices in order, each up to what it can
/// take now.
async fn create_parts(
    conn: &mut AnyConnection,
    group: &PaymentGroup,
    items: &[groups::CheckoutItem],
    status: PaymentStatus,
    method: PaymentMethod,
    f: &PaymentFact,
    now: i64,
) -> Result<(), AppError> {
    let mut room = Vec::with_capacity(items.len());
    let open = groups::open_invoices(conn, group.customer_id).await?;
    for item in items {
        room.push(
            open.iter()
                .find(|o| o.invoice_id == item.invoice_id)
                .map_or(0, |o| {
                    payable(undisputed_payable(o.balance, o.disputed), o.in_flight)
                }),
        );
    }
    let amounts = apply_received(&room, group.amount);
    for (item, amount) in items.iter().zip(amounts) {
        if amount <= 0 {
            continue;
        }
        groups::insert_part(
            conn,
            &NewPart {
                group_id: group.id,
                position: item.position,
                invoice_id: item.invoice_id,
                amount,
                provider: provider_of(&f.payment_ref),
                method,
                status,
                currency: &group.currency,
                reference: &f.payment_ref,
                session_id: f.session_id.as_deref(),
            },
            now,
        )
        .await?;
    }
    Ok(())
}

/// Takes what the provider took back from a group payment off its parts in
/// reverse order (refunds first, then chargebacks on what is left); returns
/// the invoices whose share changed.
async fn spread_taken_back(
    conn: &mut AnyConnection,
    group: &PaymentGroup,
) -> Result<Vec<i64>, AppError> {
    let parts = groups::parts(conn, group.id).await?;
    let (refunded, charged_back) = groups::taken_back(conn, &group.provider_payment_id).await?;
    let amounts: Vec<i64> = parts.iter().map(|p| p.amount).collect();
    let refunds = claw_back(&amounts, refunded);
    let left: Vec<i64> = amounts.iter().zip(&refunds).map(|(a, r)| a - r).collect();
    let chargebacks = claw_back(&left, charged_back);
    let mut changed = Vec::new();
    for ((p, r), c) in parts.iter().zip(refunds).zip(chargebacks) {
        if p.refunded != r || p.charged_back != c {
            groups::set_taken_back(conn, p.payment_id, r, c).await?;
            changed.push(p.invoice_id);
        }
    }
    Ok(changed)
}

/// A refund or chargeback of a group payment changed what it holds: spread
/// it over the parts, log it on each invoice it reaches and settle them.
pub async fn taken_back_changed(
    conn: &mut AnyConnection,
    group: &PaymentGroup,
    kind: &'static str,
    detail: &str,
    now: i64,
) -> Result<&'static str, AppError> {
    let parts = groups::parts(conn, group.id).await?;
    let mut ids: Vec<i64> = parts.iter().map(|p| p.invoice_id).collect();
    ids.sort_unstable();
    for id in &ids {
        lock_invoice(conn, *id).await?;
    }
    let before: Vec<(i64, i64)> = parts.iter().map(|p| (p.refunded, p.charged_back)).collect();
    let changed = spread_taken_back(conn, group).await?;
    let after = groups::parts(conn, group.id).await?;
    for (p, (r0, c0)) in after.iter().zip(before) {
        if !changed.contains(&p.invoice_id) {
            continue;
        }
        let delta = (p.refunded - r0) + (p.charged_back - c0);
        pay::log(
            conn,
            &LogEntry {
                invoice_id: p.invoice_id,
                payment_id: Some(p.payment_id),
                kind,
                amount: Some(delta.abs()),
                detail,
                actor: None,
            },
            now,
        )
        .await?;
        ledger::recompute(conn, p.invoice_id, now).await?;
    }
    Ok(kind)
}

/// Queues the one receipt of a succeeded group payment (its dedupe key is
/// the group's: a replay queues nothing more).
async fn queue_receipt(
    conn: &mut AnyConnection,
    group: &PaymentGroup,
    now: i64,
) -> Result<(), AppError> {
    let receipt = crate::server::services::statement_pay::receipt_in(conn, group).await?;
    let Some((to, lang, _, _)) = outbox::receipt_parties(conn, group.customer_id).await? else {
        return Err(AppError::NotFound);
    };
    let lang = Lang::parse(&lang).unwrap_or_default();
    let link = crate::server::email::absolute_link("/statement");
    let mail = crate::server::email::group_receipt_mail::group_receipt_mail(lang, &receipt, &link);
    outbox::enqueue(
        conn,
        &outbox::NewMessage {
            dedupe_key: format!("receipt-group-{}", group.id),
            to_address: to,
            subject: mail.subject,
            body_text: mail.text,
            body_html: Some(mail.html),
            attachment: None,
        },
        now,
    )
    .await?;
    Ok(())
}

/// The provider closed a session: a statement checkout of it can no longer
/// be paid.
pub async fn session_expired(conn: &mut AnyConnection, session_id: &str) -> Result<(), AppError> {
    if let Some(c) = groups::checkout_by_session(conn, session_id).await? {
        groups::close_checkout(conn, c.id, "expired").await?;
    }
    Ok(())
}
