//! One payment over several invoices of a customer, from their statement:
//! what may be paid, the allocation preview, the checkout, and the return
//! page's outcome. The money itself moves only when the provider's verified
//! webhook arrives ([`crate::server::services::group_webhooks`]), by the rules
//! of [`crate::model::allocation`].
use crate::error::AppError;
use crate::model::allocation::{
    Allocation, Payable, ReceiptLine, StatementOutcome, StatementReceipt, allocate,
};
use crate::model::dispute::undisputed_payable;
use crate::model::format::parse_amount_in;
use crate::model::payment::{PaymentStatus, payable};
use crate::model::statement_access::StatementAccess;
use crate::model::validate::{FieldErrors, FieldProblem};
use crate::server::db::group_payments::{self as groups, NewCheckout};
use crate::server::db::payments::{self as pay, LogEntry};
use crate::server::db::{Db, company, now_ts, outbox};
use crate::server::payments::{CheckoutRequest, Payments, ProviderError};
use crate::server::services::payments::ReturnTo;

/// Sessions live one hour, as for one invoice's checkout.
const SESSION_SECS: i64 = 3600;
const SESSION_MARGIN_SECS: i64 = 60;

fn field(name: &str, p: FieldProblem) -> AppError {
    let mut e = FieldErrors::default();
    e.add(name, p);
    AppError::Validation(e)
}

/// The customer's invoices a statement payment may take now, oldest due
/// first, and whether the company takes part payments.
pub async fn payables(db: &Db, customer_id: i64) -> Result<(Vec<Payable>, bool), AppError> {
    let mut conn = db.pool.acquire().await?;
    let open = groups::open_invoices(&mut conn, customer_id).await?;
    drop(conn);
    let (_, _, partial_allowed) = company::load(&db.pool).await?;
    let items = open
        .into_iter()
        .filter(|o| o.balance > 0)
        .map(|o| Payable {
            payable: payable(undisputed_payable(o.balance, o.disputed), o.in_flight),
            invoice_id: o.invoice_id,
            number: o.number,
            issue_date: o.issue_date,
            due_date: o.due_date,
            currency: o.currency,
            balance: o.balance,
            disputed: o.disputed,
        })
        .collect();
    Ok((items, partial_allowed))
}

/// The allocation of `amount` (everything payable when blank) over `picks`
/// (every payable invoice when empty), or the field error that stops it.
pub fn plan(
    items: &[Payable],
    partial_allowed: bool,
    picks: &[String],
    amount: &str,
) -> Result<Allocation, AppError> {
    let amount = amount.trim();
    let amount = if amount.is_empty() {
        None
    } else {
        let currency = items
            .iter()
            .find(|i| picks.is_empty() || picks.contains(&i.number))
            .map_or("EUR", |i| i.currency.as_str());
        Some(parse_amount_in(amount, currency).map_err(|p| field("amount", p))?)
    };
    allocate(items, picks, amount, partial_allowed)
        .map_err(|p| AppError::Validation(p.to_field_errors()))
}

/// What the same request names, so a double click or a second tab gets the
/// open session back instead of a second one.
fn plan_key(a: &Allocation) -> String {
    let parts: Vec<String> = a
        .parts
        .iter()
        .map(|p| format!("{}:{}", p.invoice_id, p.amount))
        .collect();
    format!("{} {}", a.currency, parts.join(","))
}

/// Opens (or reuses) one checkout for the allocation of `picks` and
/// `amount` and returns the URL to send the customer to. Any other open
/// checkout that could pay the same invoices is closed first, so two tabs
/// can never both be paid for the same balance.
pub async fn start(
    db: &Db,
    payments: &Payments,
    customer_id: i64,
    access: &StatementAccess,
    picks: &[String],
    amount: &str,
    back: &ReturnTo,
) -> Result<String, AppError> {
    let (items, partial_allowed) = payables(db, customer_id).await?;
    let alloc = plan(&items, partial_allowed, picks, amount)?;
    let key = plan_key(&alloc);
    let now = now_ts();
    let mut conn = db.pool.acquire().await?;
    let open = groups::open_checkouts(&mut conn, customer_id).await?;
    if let Some(same) = open.iter().find(|c| {
        c.plan_key == key && c.expires_at > now + SESSION_MARGIN_SECS && !c.url.is_empty()
    }) {
        return Ok(same.url.clone());
    }
    for other in &open {
        expire(payments, other.provider_session_id.as_deref()).await?;
        groups::close_checkout(&mut conn, other.id, "expired").await?;
    }
    for part in &alloc.parts {
        for s in pay::open_sessions(&mut conn, part.invoice_id).await? {
            expire(payments, Some(&s.provider_session_id)).await?;
            pay::close_session(&mut conn, &s.provider_session_id, "expired").await?;
        }
    }
    drop(conn);
    let checkout_id = record_checkout(db, payments, customer_id, &alloc, &key, now).await?;
    let numbers: Vec<&str> = alloc.parts.iter().map(|p| p.number.as_str()).collect();
    let req = CheckoutRequest {
        invoice_id: 0,
        invoice_number: numbers.join(", "),
        group_checkout_id: Some(checkout_id),
        amount: alloc.total,
        currency: alloc.currency.clone(),
        success_url: format!(
            "{}{}?session_id={{CHECKOUT_SESSION_ID}}",
            payments.base_url,
            access.return_path()
        ),
        cancel_url: format!("{}{}?cancelled=1", payments.base_url, access.page()),
        idempotency_key: format!("quittance-statement-checkout-{checkout_id}"),
        customer_email: back.customer_email.clone(),
        locale: back.lang.code().to_string(),
        expires_at: now + SESSION_SECS,
    };
    let session = match payments.provider.create_checkout(&req).await {
        Ok(s) => s,
        Err(e) => {
            let mut conn = db.pool.acquire().await?;
            groups::close_checkout(&mut conn, checkout_id, "expired").await?;
            return Err(AppError::internal("create statement checkout session", e));
        }
    };
    let mut tx = db.begin_write().await?;
    groups::set_session(
        &mut tx,
        checkout_id,
        &session.id,
        &session.url,
        session.expires_at,
    )
    .await?;
    for part in &alloc.parts {
        pay::log(
            &mut tx,
            &LogEntry {
                invoice_id: part.invoice_id,
                payment_id: None,
                kind: "checkout_started",
                amount: Some(part.amount),
                detail: &session.id,
                actor: None,
            },
            now,
        )
        .await?;
        crate::server::services::lifecycle::checkout_started(
            &mut tx,
            part.invoice_id,
            &session.id,
            (part.amount, &alloc.currency),
            now,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(session.url)
}

/// Closes a provider session that could still be paid; one the provider
/// says is already closed may have been paid meanwhile: the customer is
/// told a payment is on its way rather than charged twice.
async fn expire(payments: &Payments, session_id: Option<&str>) -> Result<(), AppError> {
    let Some(sid) = session_id else {
        return Ok(());
    };
    match payments.provider.expire_checkout(sid).await {
        Ok(()) => Ok(()),
        Err(ProviderError::SessionClosed) => Err(field("pick", FieldProblem::AlreadyUsed)),
        Err(e) => Err(AppError::internal("expire checkout session", e)),
    }
}

/// The checkout and its invoices, in one transaction, before the provider
/// is asked (the session's metadata carries the checkout's id).
async fn record_checkout(
    db: &Db,
    payments: &Payments,
    customer_id: i64,
    alloc: &Allocation,
    key: &str,
    now: i64,
) -> Result<i64, AppError> {
    let mut tx = db.begin_write().await?;
    let id = groups::insert_checkout(
        &mut tx,
        &NewCheckout {
            customer_id,
            provider: payments.provider.name(),
            amount: alloc.total,
            currency: &alloc.currency,
            plan_key: key,
            expires_at: now + SESSION_SECS,
        },
        now,
    )
    .await?;
    for (i, part) in alloc.parts.iter().enumerate() {
        groups::insert_item(&mut tx, id, i as i64 + 1, part.invoice_id, part.amount).await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// What the return page shows for a statement checkout of this customer.
pub async fn outcome(
    db: &Db,
    customer_id: i64,
    session_id: &str,
) -> Result<StatementOutcome, AppError> {
    let mut conn = db.pool.acquire().await?;
    let Some(checkout) = groups::checkout_by_session(&mut conn, session_id).await? else {
        return Ok(StatementOutcome::Waiting);
    };
    if checkout.customer_id != customer_id {
        return Err(AppError::NotFound);
    }
    let Some(group) = groups::group_of_checkout(&mut conn, checkout.id).await? else {
        return Ok(if checkout.status == "expired" {
            StatementOutcome::Expired
        } else {
            StatementOutcome::Waiting
        });
    };
    Ok(match group.status {
        PaymentStatus::Processing => StatementOutcome::Processing {
            amount: group.amount,
            currency: group.currency,
        },
        PaymentStatus::Failed => StatementOutcome::Failed {
            reason: group.failure_reason.unwrap_or_default(),
        },
        PaymentStatus::Succeeded => {
            StatementOutcome::Succeeded(receipt_in(&mut conn, &group).await?)
        }
    })
}

/// The receipt of a succeeded group payment: every invoice it settled and
/// what is left on each now.
pub async fn receipt_in(
    conn: &mut sqlx::AnyConnection,
    group: &groups::PaymentGroup,
) -> Result<StatementReceipt, AppError> {
    let parts = groups::parts(conn, group.id).await?;
    let mut lines = Vec::with_capacity(parts.len());
    for p in &parts {
        let inv = crate::server::db::invoices::get(conn, p.invoice_id)
            .await?
            .ok_or(AppError::NotFound)?;
        lines.push(ReceiptLine {
            number: p.number.clone(),
            amount: p.amount,
            balance_after: crate::server::services::ledger::settlement(&inv)
                .balance()
                .max(0),
        });
    }
    let (_, _, buyer_name, seller_name) = outbox::receipt_parties(conn, group.customer_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(StatementReceipt {
        group_id: group.id,
        seller_name,
        buyer_name,
        amount: group.amount,
        currency: group.currency.clone(),
        method: group.method,
        reference: group.provider_payment_id.clone(),
        paid_at: group.succeeded_at.unwrap_or(group.updated_at),
        lines,
    })
}

/// A session of the simulated provider's checkout page: one invoice's, or a
/// statement checkout's (`label` lists the invoices it pays).
#[derive(Debug, Clone)]
pub struct SimulatedSession {
    pub invoice_id: i64,
    pub group_checkout_id: Option<i64>,
    pub label: String,
    pub amount: i64,
    pub currency: String,
    pub status: String,
    pub expires_at: i64,
}

/// The session behind a simulated checkout page; `NotFound` for an unknown one.
pub async fn simulated_session(db: &Db, session_id: &str) -> Result<SimulatedSession, AppError> {
    match crate::server::services::payments::session_with_number(db, session_id).await {
        Ok((s, number)) => {
            return Ok(SimulatedSession {
                invoice_id: s.invoice_id,
                group_checkout_id: None,
                label: number,
                amount: s.amount,
                currency: s.currency,
                status: s.status,
                expires_at: s.expires_at,
            });
        }
        Err(AppError::NotFound) => {}
        Err(e) => return Err(e),
    }
    let mut conn = db.pool.acquire().await?;
    let c = groups::checkout_by_session(&mut conn, session_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let numbers: Vec<String> = groups::items(&mut conn, c.id)
        .await?
        .into_iter()
        .map(|i| i.number)
        .collect();
    Ok(SimulatedSession {
        invoice_id: 0,
        group_checkout_id: Some(c.id),
        label: numbers.join(", "),
        amount: c.amount,
        currency: c.currency,
        status: c.status,
        expires_at: c.expires_at,
    })
}
