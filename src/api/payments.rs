//! Paying invoices: the pay panel, starting a checkout, the return page, receipts,
//! the simulated provider's checkout page, and staff payment actions.
//!
//! The payer is named by `kind` and `key`: `invoice` + number for a signed-in
//! customer, `link` + token for anyone holding a pay link.
use crate::error::AppError;
use crate::model::payment::{
    CheckoutOutcome, PayOptions, PaymentView, Receipt, TimelineEntry, UnmatchedPaymentView,
};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the pay panel of an invoice shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayPanelData {
    pub options: PayOptions,
    /// Succeeded and processing payments, for receipts and progress.
    pub payments: Vec<PaymentView>,
}

#[cfg(feature = "ssr")]
pub(crate) mod payer {
    use crate::api::ctx;
    use crate::error::AppError;
    use crate::server::services::payments::{self, ReturnTo};
    use crate::server::services::{documents, pay_links};
    use crate::server::state::AppState;

    /// The invoice a payer may act on, and where the provider sends them back.
    pub async fn resolve(kind: &str, key: &str) -> Result<(AppState, i64, ReturnTo), AppError> {
        match kind {
            "link" => {
                let state = crate::server::state::app_state()?;
                let id = pay_links::resolve(&state.db, key, state.config.pay_link_days_after_paid)
                    .await
                    .map_err(ctx::fail)?;
                let back =
                    payments::return_to_invoice(&state.db, id, format!("/pay/{key}")).await?;
                Ok((state, id, back))
            }
            "invoice" => {
                let (state, user) = ctx::require_user().await?;
                let Some(customer) = user.customer_id.filter(|_| !user.role.is_staff()) else {
                    return Err(ctx::fail(AppError::Forbidden));
                };
                let (rec, _) = documents::by_number(
                    &state.db,
                    key,
                    documents::Viewer::Customer(customer),
                    ctx::today(),
                )
                .await
                .map_err(ctx::fail)?;
                let back =
                    payments::return_to(&state.db, rec.customer_id, format!("/invoices/{key}"))
                        .await?;
                Ok((state, rec.id, back))
            }
            _ => Err(ctx::fail(AppError::NotFound)),
        }
    }
}

/// What can be paid now and the payments so far.
#[server(endpoint = "pay_panel")]
pub async fn pay_panel(kind: String, key: String) -> Result<PayPanelData, AppError> {
    use crate::api::ctx;
    use crate::model::payment::PaymentStatus;
    use crate::server::services::payments;
    ctx::no_store();
    let (state, id, _) = payer::resolve(&kind, &key).await?;
    let options = payments::pay_options(&state.db, id)
        .await
        .map_err(ctx::fail)?;
    let list = payments::list(&state.db, id).await.map_err(ctx::fail)?;
    Ok(PayPanelData {
        options,
        payments: list
            .into_iter()
            .filter(|p| p.status != PaymentStatus::Failed)
            .collect(),
    })
}

/// Opens (or reuses) a checkout session and sends the browser to it. Errors
/// come back to the invoice page with the typed amount kept.
#[server(endpoint = "start_payment")]
pub async fn start_payment(
    kind: String,
    key: String,
    #[server(default)] amount: String,
) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::services::payments;
    let (state, id, back) = payer::resolve(&kind, &key).await?;
    let typed: String = amount.chars().take(40).collect();
    match payments::start_checkout(&state.db, &state.payments, id, Some(&typed), &back).await {
        Ok(url) => {
            leptos_axum::redirect(&url);
            Ok(())
        }
        Err(e) => {
            let refusal = crate::error::Refusal::new("pay", &e).keep("amount", &typed);
            let e = ctx::fail(e);
            ctx::redirect_local(&refusal.redirect_to(&back.path, Some("pay")), "/");
            Err(e)
        }
    }
}

/// Where a checkout stands, from our own records (the webhook decides).
#[server(endpoint = "checkout_status")]
pub async fn checkout_status(
    kind: String,
    key: String,
    session_id: String,
) -> Result<CheckoutOutcome, AppError> {
    use crate::api::ctx;
    ctx::no_store();
    let (state, id, _) = payer::resolve(&kind, &key).await?;
    crate::server::services::payments::checkout_outcome(&state.db, id, &session_id)
        .await
        .map_err(ctx::fail)
}

/// The receipt of one succeeded payment of the payer's invoice.
#[server(endpoint = "payment_receipt")]
pub async fn payment_receipt(
    kind: String,
    key: String,
    payment_id: i64,
) -> Result<Receipt, AppError> {
    use crate::api::ctx;
    ctx::no_store();
    let (state, id, _) = payer::resolve(&kind, &key).await?;
    crate::server::services::ledger::receipt(&state.db, id, payment_id)
        .await
        .map_err(ctx::fail)
}

/// The simulated provider's checkout page: what is being paid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimCheckout {
    pub invoice_number: String,
    pub amount: i64,
    pub currency: String,
    pub open: bool,
}

#[server(endpoint = "simulated_checkout")]
pub async fn simulated_checkout(session_id: String) -> Result<SimCheckout, AppError> {
    use crate::api::ctx;
    let state = crate::server::state::app_state()?;
    if state.payments.simulated.is_none() {
        return Err(ctx::fail(AppError::NotFound));
    }
    let s = crate::server::services::statement_pay::simulated_session(&state.db, &session_id)
        .await
        .map_err(ctx::fail)?;
    let now = chrono::Utc::now().timestamp();
    Ok(SimCheckout {
        invoice_number: s.label,
        amount: s.amount,
        currency: s.currency,
        open: s.status == "open" && s.expires_at > now,
    })
}

/// Plays the outcome the tester picked, through signed webhooks, then goes
/// where Stripe would: the success URL (or back to this page after a decline).
#[server(endpoint = "simulate_payment")]
pub async fn simulate_payment(session_id: String, outcome: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::payments::simulated::{Outcome, SimSession};
    let state = crate::server::state::app_state()?;
    let sim = state
        .payments
        .simulated
        .clone()
        .ok_or_else(|| ctx::fail(AppError::NotFound))?;
    let outcome = Outcome::parse(&outcome).ok_or_else(|| ctx::fail(AppError::BadRequest))?;
    let s = crate::server::services::statement_pay::simulated_session(&state.db, &session_id)
        .await
        .map_err(ctx::fail)?;
    if s.status != "open" {
        return Err(ctx::fail(AppError::Conflict));
    }
    sim.complete(
        &SimSession {
            id: session_id.clone(),
            invoice_id: s.invoice_id,
            group_checkout_id: s.group_checkout_id,
            amount: s.amount,
            currency: s.currency.clone(),
        },
        outcome,
    )
    .await;
    let next = match outcome {
        Outcome::CardDeclined => Some(format!("/checkout/simulated/{session_id}?declined=1")),
        _ => sim.success_path(&session_id),
    };
    ctx::redirect_local(next.as_deref().unwrap_or("/"), "/");
    Ok(())
}

/// The staff view of an invoice's payments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffPaymentsData {
    pub payments: Vec<PaymentView>,
    pub timeline: Vec<TimelineEntry>,
    /// Provider payments that named this invoice but were kept apart.
    pub unmatched: Vec<UnmatchedPaymentView>,
    /// Bank disputes of its payments (chargebacks and inquiries).
    pub chargebacks: Vec<crate::model::chargeback::ChargebackView>,
    pub balance_open: bool,
    pub currency: String,
    /// Today on the server (ISO), the default date of an offline payment.
    pub today: String,
}

#[server(endpoint = "staff_payments")]
pub async fn staff_payments(invoice_id: i64) -> Result<StaffPaymentsData, AppError> {
    use crate::api::ctx;
    use crate::server::services::payments;
    let (state, _) = ctx::require_staff().await?;
    ctx::no_store();
    let options = payments::pay_options(&state.db, invoice_id)
        .await
        .map_err(ctx::fail)?;
    Ok(StaffPaymentsData {
        payments: payments::list(&state.db, invoice_id)
            .await
            .map_err(ctx::fail)?,
        timeline: payments::timeline(&state.db, invoice_id)
            .await
            .map_err(ctx::fail)?,
        unmatched: payments::unmatched_for(&state.db, invoice_id)
            .await
            .map_err(ctx::fail)?,
        chargebacks: payments::chargebacks(&state.db, invoice_id)
            .await
            .map_err(ctx::fail)?,
        balance_open: options.payable + options.disputed > 0 || !options.processing.is_empty(),
        currency: options.currency,
        today: ctx::today().format("%Y-%m-%d").to_string(),
    })
}

#[cfg(feature = "ssr")]
fn staff_redirect(
    invoice_id: i64,
    outcome: Result<(), AppError>,
    done: crate::error::Done,
    form: &str,
) -> Result<(), AppError> {
    use crate::api::ctx;
    let page = format!("/staff/invoices/{invoice_id}");
    match outcome {
        Ok(()) => {
            leptos_axum::redirect(&done.redirect_to(&page, &[], Some("payments")));
            Ok(())
        }
        Err(e) => {
            let refusal = crate::error::Refusal::new(form, &e);
            let e = ctx::fail(e);
            leptos_axum::redirect(&refusal.redirect_to(&page, Some("payments")));
            Err(e)
        }
    }
}

/// Records a payment received by transfer, cheque or cash.
#[server(endpoint = "record_payment")]
pub async fn record_payment(
    invoice_id: i64,
    amount: String,
    method: String,
    received_on: String,
    #[server(default)] reference: String,
) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::services::payments::{OfflineInput, record_offline};
    let (state, user) = ctx::require_staff().await?;
    let input = OfflineInput {
        amount,
        method,
        received_on,
        reference,
    };
    let outcome = record_offline(&state.db, invoice_id, &input, ctx::today(), user.id)
        .await
        .map(|_| ());
    staff_redirect(
        invoice_id,
        outcome,
        crate::error::Done::PaymentRecorded,
        "offline",
    )
}

/// Starts a refund through the provider; applied when its webhook arrives.
#[server(endpoint = "refund_payment")]
pub async fn refund_payment(
    invoice_id: i64,
    payment_id: i64,
    refund_amount: String,
) -> Result<(), AppError> {
    use crate::api::ctx;
    let (state, user) = ctx::require_staff().await?;
    let outcome = crate::server::services::payments::request_refund(
        &state.db,
        &state.payments,
        invoice_id,
        payment_id,
        &refund_amount,
        user.id,
    )
    .await;
    staff_redirect(
        invoice_id,
        outcome,
        crate::error::Done::RefundRequested,
        "refund",
    )
}
