//! Paying an invoice: what may be paid now, opening (or reusing) a checkout
//! session, what the return page shows, receipts, offline payments recorded by
//! staff, and refunds started through the provider. Nothing here marks an
//! invoice paid from the browser: only verified webhooks do (see `webhooks`),
//! and offline payments recorded by staff.
use crate::error::AppError;
use crate::model::dispute::undisputed_payable;
use crate::model::format::parse_amount_in;
use crate::model::lang::Lang;
use crate::model::payment::{
    CheckoutOutcome, PayOptions, PaymentMethod, PaymentStatus, PaymentView, PendingPayment,
    TimelineEntry, UnmatchedPaymentView, check_amount, net_amount, payable,
};
use crate::model::validate::{FieldErrors, FieldProblem};
use crate::server::db::invoices::{self, InvoiceRecord};
use crate::server::db::payments::{self as pay, LogEntry, NewPayment, PaymentRow, SessionRow};
use crate::server::db::{Db, company, now_ts};
use crate::server::payments::{CheckoutRequest, Payments, ProviderError, RefundRequest};
use crate::server::services::ledger::{self, Succeeded, settlement};

/// Receipts are the ledger's; the download route still reaches them here.
pub use crate::server::services::ledger::receipt;

/// Sessions live one hour at most (Stripe's minimum is 30 minutes); one that
/// expires within a minute is not handed out again.
const SESSION_SECS: i64 = 3600;
const SESSION_MARGIN_SECS: i64 = 60;

fn field(name: &str, p: FieldProblem) -> AppError {
    let mut e = FieldErrors::default();
    e.add(name, p);
    AppError::Validation(e)
}

/// What can be paid on an invoice now, with what is on its way.
pub async fn pay_options(db: &Db, invoice_id: i64) -> Result<PayOptions, AppError> {
    let mut conn = db.pool.acquire().await?;
    let inv = invoices::get(&mut conn, invoice_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let rows = pay::for_invoice(&mut conn, invoice_id).await?;
    drop(conn);
    let (_, _, partial_allowed) = company::load(&db.pool).await?;
    let disputed = crate::server::db::disputes::balance_and_disputed(&db.pool, invoice_id)
        .await?
        .map_or(0, |(_, d)| d);
    Ok(options_from(&inv, &rows, partial_allowed, disputed))
}

/// What may be paid now: the balance less what is on its way, less the amount
/// under an open dispute (the undisputed part stays payable).
fn options_from(
    inv: &InvoiceRecord,
    rows: &[PaymentRow],
    partial_allowed: bool,
    disputed: i64,
) -> PayOptions {
    let processing: Vec<PendingPayment> = rows
        .iter()
        .filter(|p| p.status == PaymentStatus::Processing)
        .map(|p| PendingPayment {
            amount: p.amount,
            since: p.processing_at.unwrap_or(p.created_at),
            method: p.method,
        })
        .collect();
    let in_flight: i64 = processing.iter().map(|p| p.amount).sum();
    let open = inv.kind == "invoice" && inv.status.is_open();
    let last_failure = rows
        .iter()
        .max_by_key(|p| (p.updated_at, p.id))
        .filter(|p| p.status == PaymentStatus::Failed)
        .map(|p| p.failure_reason.clone().unwrap_or_default());
    PayOptions {
        payable: if open {
            payable(
                undisputed_payable(settlement(inv).balance(), disputed),
                in_flight,
            )
        } else {
            0
        },
        disputed: if open { disputed } else { 0 },
        currency: inv.currency.clone(),
        partial_allowed,
        processing,
        last_failure,
    }
}

/// Where the provider sends the customer back: the invoice page or the pay link.
#[derive(Debug, Clone)]
pub struct ReturnTo {
    /// e.g. `/invoices/F-2026-000001` or `/pay/<token>`; `/return` and `?cancelled=1` are added.
    pub path: String,
    pub customer_email: Option<String>,
    pub lang: Lang,
}

/// Where the provider sends a customer of `customer_id` back (`path`), with
/// the customer's billing email and language for the checkout page.
pub async fn return_to(db: &Db, customer_id: i64, path: String) -> Result<ReturnTo, AppError> {
    let mut conn = db.pool.acquire().await?;
    let contact = crate::server::db::outbox::customer_contact(&mut conn, customer_id).await?;
    let (email, lang) = contact
        .map(|(e, l, _)| (Some(e), Lang::parse(&l).unwrap_or_default()))
        .unwrap_or((None, Lang::default()));
    Ok(ReturnTo {
        path,
        customer_email: email,
        lang,
    })
}

/// [`return_to`] for the customer of an invoice.
pub async fn return_to_invoice(
    db: &Db,
    invoice_id: i64,
    path: String,
) -> Result<ReturnTo, AppError> {
    let customer = {
        let mut conn = db.pool.acquire().await?;
        invoices::get(&mut conn, invoice_id)
            .await?
            .ok_or(AppError::NotFound)?
            .customer_id
    };
    return_to(db, customer, path).await
}

/// A checkout session by its provider id, with its invoice's number (for the
/// simulated provider's checkout page); `NotFound` for an unknown one.
pub async fn session_with_number(
    db: &Db,
    session_id: &str,
) -> Result<(SessionRow, String), AppError> {
    let mut conn = db.pool.acquire().await?;
    let s = pay::session_by_provider_id(&mut conn, session_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let number = invoices::get(&mut conn, s.invoice_id)
        .await?
        .and_then(|i| i.number)
        .unwrap_or_default();
    Ok((s, number))
}

/// Opens a checkout session for `amount` (the payable amount when `None`), or
/// hands back the open one for the same amount, and returns the URL to send
/// the customer to. An amount above what is payable is refused here.
pub async fn start_checkout(
    db: &Db,
    payments: &Payments,
    invoice_id: i64,
    amount: Option<&str>,
    back: &ReturnTo,
) -> Result<String, AppError> {
    let opts = pay_options(db, invoice_id).await?;
    if opts.payable <= 0 {
        return Err(if opts.processing.is_empty() {
            AppError::Conflict
        } else {
            field("amount", FieldProblem::AlreadyUsed)
        });
    }
    let amount = match amount.map(str::trim).filter(|a| !a.is_empty()) {
        Some(text) => parse_amount_in(text, &opts.currency).map_err(|p| field("amount", p))?,
        None => opts.payable,
    };
    check_amount(amount, opts.payable, opts.partial_allowed).map_err(|p| field("amount", p))?;
    let mut conn = db.pool.acquire().await?;
    let inv = invoices::get(&mut conn, invoice_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let now = now_ts();
    let open = pay::open_sessions(&mut conn, invoice_id).await?;
    if let Some(s) = open
        .iter()
        .find(|s| s.amount == amount && s.expires_at > now + SESSION_MARGIN_SECS)
    {
        return Ok(s.url.clone());
    }
    // One open session per invoice: another amount's session is closed first,
    // so two tabs can never both be paid for the same balance.
    for s in &open {
        match payments
            .provider
            .expire_checkout(&s.provider_session_id)
            .await
        {
            Ok(()) => pay::close_session(&mut conn, &s.provider_session_id, "expired").await?,
            Err(ProviderError::SessionClosed) => {
                return Err(field("amount", FieldProblem::AlreadyUsed));
            }
            Err(e) => return Err(AppError::internal("expire checkout session", e)),
        }
    }
    // A statement checkout that would pay this invoice too is closed as well.
    for g in crate::server::db::group_payments::open_checkouts_with_invoice(&mut conn, invoice_id)
        .await?
    {
        if let Some(sid) = &g.provider_session_id {
            match payments.provider.expire_checkout(sid).await {
                Ok(()) => {}
                Err(ProviderError::SessionClosed) => {
                    return Err(field("amount", FieldProblem::AlreadyUsed));
                }
                Err(e) => return Err(AppError::internal("expire checkout session", e)),
            }
        }
        crate::server::db::group_payments::close_checkout(&mut conn, g.id, "expired").await?;
    }
    let count = pay::session_count(&mut conn, invoice_id).await?;
    let number = inv.number.clone().unwrap_or_default();
    let req = CheckoutRequest {
        invoice_id,
        invoice_number: number.clone(),
        group_checkout_id: None,
        amount,
        currency: inv.currency.clone(),
        success_url: format!(
            "{}{}/return?session_id={{CHECKOUT_SESSION_ID}}",
            payments.base_url, back.path
        ),
        cancel_url: format!("{}{}?cancelled=1", payments.base_url, back.path),
        idempotency_key: format!(
            "quittance-checkout-{invoice_id}-{amount}-{}-{}-{count}",
            inv.amount_paid, inv.amount_credited
        ),
        customer_email: back.customer_email.clone(),
        locale: back.lang.code().to_string(),
        expires_at: now + SESSION_SECS,
    };
    let session = payments
        .provider
        .create_checkout(&req)
        .await
        .map_err(|e| AppError::internal("create checkout session", e))?;
    let mut tx = db.begin_write().await?;
    pay::insert_session(
        &mut tx,
        payments.provider.name(),
        &SessionRow {
            invoice_id,
            provider_session_id: session.id.clone(),
            amount,
            currency: inv.currency.clone(),
            url: session.url.clone(),
            status: "open".into(),
            expires_at: session.expires_at,
        },
        now,
    )
    .await?;
    pay::log(
        &mut tx,
        &LogEntry {
            invoice_id,
            payment_id: None,
            kind: "checkout_started",
            amount: Some(amount),
            detail: &session.id,
            actor: None,
        },
        now,
    )
    .await?;
    crate::server::services::lifecycle::checkout_started(
        &mut tx,
        invoice_id,
        &session.id,
        (amount, &inv.currency),
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(session.url)
}

/// What the return page shows for a session of this invoice. Read from our
/// own records only: the webhook decides, never the return URL.
pub async fn checkout_outcome(
    db: &Db,
    invoice_id: i64,
    session_id: &str,
) -> Result<CheckoutOutcome, AppError> {
    let mut conn = db.pool.acquire().await?;
    let Some(session) = pay::session_by_provider_id(&mut conn, session_id).await? else {
        return Ok(CheckoutOutcome::Waiting);
    };
    if session.invoice_id != invoice_id {
        return Err(AppError::NotFound);
    }
    Ok(match pay::by_session(&mut conn, session_id).await? {
        Some(p) => match p.status {
            PaymentStatus::Succeeded => CheckoutOutcome::Succeeded {
                payment_id: p.id,
                amount: p.amount,
                currency: p.currency.clone(),
            },
            PaymentStatus::Processing => CheckoutOutcome::Processing {
                amount: p.amount,
                currency: p.currency.clone(),
                since: p.processing_at.unwrap_or(p.created_at),
            },
            PaymentStatus::Failed => CheckoutOutcome::Failed {
                reason: p.failure_reason.unwrap_or_default(),
            },
        },
        None if session.status == "expired" => CheckoutOutcome::Expired,
        None => CheckoutOutcome::Waiting,
    })
}

fn view(p: &PaymentRow) -> PaymentView {
    let online = p.provider != "offline" && p.provider_payment_id.is_some();
    let refundable = if online && p.status == PaymentStatus::Succeeded {
        net_amount(p.amount, p.refunded, p.charged_back)
    } else {
        0
    };
    PaymentView {
        id: p.id,
        status: p.status,
        method: p.method,
        amount: p.amount,
        refunded: p.refunded,
        charged_back: p.charged_back,
        currency: p.currency.clone(),
        reference: p.reference.clone(),
        failure_reason: p.failure_reason.clone(),
        at: p.updated_at,
        refundable,
        overpaid: p.overpaid,
    }
}

/// What staff see of a provider payment kept apart.
pub fn unmatched_view(u: &pay::UnmatchedRow) -> UnmatchedPaymentView {
    UnmatchedPaymentView {
        reference: u.provider_payment_id.clone(),
        reason: u.reason,
        status: u.status,
        method: u.method,
        amount: u.amount,
        currency: u.currency.clone(),
        named_invoice_id: u.named_invoice_id,
        named_number: u.named_number.clone(),
        at: u.updated_at,
    }
}

/// The provider payments kept apart that named this invoice (one cancelled
/// by a credit note, one paid in another currency), oldest first.
pub async fn unmatched_for(
    db: &Db,
    invoice_id: i64,
) -> Result<Vec<UnmatchedPaymentView>, AppError> {
    let mut conn = db.pool.acquire().await?;
    Ok(pay::unmatched_for_invoice(&mut conn, invoice_id)
        .await?
        .iter()
        .map(unmatched_view)
        .collect())
}

/// The payments of an invoice, oldest first.
pub async fn list(db: &Db, invoice_id: i64) -> Result<Vec<PaymentView>, AppError> {
    let mut conn = db.pool.acquire().await?;
    Ok(pay::for_invoice(&mut conn, invoice_id)
        .await?
        .iter()
        .map(view)
        .collect())
}

pub async fn timeline(db: &Db, invoice_id: i64) -> Result<Vec<TimelineEntry>, AppError> {
    let mut conn = db.pool.acquire().await?;
    Ok(pay::timeline(&mut conn, invoice_id).await?)
}

/// The bank disputes (chargebacks and inquiries) of an invoice's payments,
/// with their reason and the date the evidence is due.
pub async fn chargebacks(
    db: &Db,
    invoice_id: i64,
) -> Result<Vec<crate::model::chargeback::ChargebackView>, AppError> {
    let mut conn = db.pool.acquire().await?;
    Ok(crate::server::db::provider_facts::chargebacks_for_invoice(&mut conn, invoice_id).await?)
}

/// An offline payment as typed by staff.
#[derive(Debug, Clone)]
pub struct OfflineInput {
    pub amount: String,
    pub method: String,
    pub received_on: String,
    pub reference: String,
}

/// Records a transfer, cheque or cash payment received; the balance, status
/// and receipt follow in the same transaction. Over the balance is refused.
pub async fn record_offline(
    db: &Db,
    invoice_id: i64,
    input: &OfflineInput,
    today: chrono::NaiveDate,
    actor: i64,
) -> Result<i64, AppError> {
    let mut errors = FieldErrors::default();
    let method = PaymentMethod::parse(&input.method).filter(|m| PaymentMethod::OFFLINE.contains(m));
    if method.is_none() {
        errors.add("method", FieldProblem::Required);
    }
    let date = crate::model::format::parse_iso_date(input.received_on.trim());
    match date {
        None => errors.add("received_on", FieldProblem::InvalidDate),
        Some(d) if d > today => errors.add("received_on", FieldProblem::OutOfRange),
        Some(_) => {}
    }
    let reference = input.reference.trim();
    if reference.chars().count() > 100 {
        errors.add("reference", FieldProblem::TooLong);
    }
    let now = now_ts();
    let mut tx = db.begin_money().await?;
    let inv = invoices::get(&mut tx, invoice_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if inv.kind != "invoice" || !inv.status.is_open() {
        return Err(AppError::Conflict);
    }
    let amount = parse_amount_in(&input.amount, &inv.currency)
        .map_err(|p| errors.add("amount", p))
        .ok();
    if let Some(a) = amount {
        if a <= 0 {
            errors.add("amount", FieldProblem::MustBePositive);
        } else if a > settlement(&inv).balance() {
            errors.add("amount", FieldProblem::TooLarge);
        }
    }
    let (Some(amount), Some(method), Some(date), true) = (amount, method, date, errors.is_empty())
    else {
        return Err(AppError::Validation(errors));
    };
    let received_on = date.format("%Y-%m-%d").to_string();
    let id = pay::insert(
        &mut tx,
        &NewPayment {
            invoice_id,
            provider: "offline",
            method,
            status: PaymentStatus::Succeeded,
            amount,
            currency: &inv.currency,
            provider_payment_id: None,
            provider_session_id: None,
            reference,
            failure_reason: None,
            received_on: Some(&received_on),
            recorded_by: Some(actor),
        },
        now,
    )
    .await?;
    pay::log(
        &mut tx,
        &LogEntry {
            invoice_id,
            payment_id: Some(id),
            kind: "offline_recorded",
            amount: Some(amount),
            detail: &format!("{} {received_on} {reference}", method.as_str()),
            actor: Some(actor),
        },
        now,
    )
    .await?;
    let settled = ledger::settle(&mut tx, &inv, now).await?;
    let paid = Succeeded {
        id,
        amount,
        currency: &inv.currency,
        method,
        reference,
        paid_at: now,
    };
    ledger::payment_succeeded(&mut tx, &inv, &settled, &paid, now).await?;
    crate::server::services::lifecycle::collected(
        &mut tx,
        invoice_id,
        id,
        (amount, &inv.currency),
        Some(&received_on),
        now,
    )
    .await?;
    crate::server::db::audit::record_in(
        &mut tx,
        Some(actor),
        "payment_recorded",
        inv.number.as_deref().unwrap_or_default(),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Starts a refund of (part of) an online payment through the provider. The
/// balance changes when the provider's `charge.refunded` webhook arrives.
pub async fn request_refund(
    db: &Db,
    payments: &Payments,
    invoice_id: i64,
    payment_id: i64,
    amount: &str,
    actor: i64,
) -> Result<(), AppError> {
    let mut conn = db.pool.acquire().await?;
    let p = pay::by_id(&mut conn, payment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if p.invoice_id != invoice_id {
        return Err(AppError::NotFound);
    }
    let amount = parse_amount_in(amount, &p.currency).map_err(|p| field("refund_amount", p))?;
    let v = view(&p);
    let Some(pi) = p.provider_payment_id.clone().filter(|_| v.refundable > 0) else {
        return Err(AppError::Conflict);
    };
    if amount <= 0 {
        return Err(field("refund_amount", FieldProblem::MustBePositive));
    }
    if amount > v.refundable {
        return Err(field("refund_amount", FieldProblem::TooLarge));
    }
    drop(conn);
    let refund_id = payments
        .provider
        .refund(&RefundRequest {
            invoice_id,
            provider_payment_id: pi,
            amount,
            currency: p.currency.clone(),
            refunded_before: p.refunded,
            idempotency_key: format!("quittance-refund-{payment_id}-{}-{amount}", p.refunded),
        })
        .await
        .map_err(|e| AppError::internal("refund", e))?;
    let now = now_ts();
    let mut tx = db.begin_write().await?;
    pay::log(
        &mut tx,
        &LogEntry {
            invoice_id,
            payment_id: Some(payment_id),
            kind: "refund_requested",
            amount: Some(amount),
            detail: &refund_id,
            actor: Some(actor),
        },
        now,
    )
    .await?;
    let number = invoices::get(&mut tx, invoice_id)
        .await?
        .and_then(|i| i.number)
        .unwrap_or_default();
    crate::server::db::audit::record_in(&mut tx, Some(actor), "refund_requested", &number).await?;
    tx.commit().await?;
    Ok(())
}
