//! The ledger: the one owner of an invoice's money state. It alone writes what
//! an invoice has received (`amount_paid`), what credit notes took off
//! (`amount_credited`), its money status and `paid_at`, always recomputed from
//! the facts: succeeded payments net of refunds and chargebacks, issued credit
//! notes, deposits, and whether a dispute is open. It also queues receipts.
//!
//! Every money path (webhook, offline payment, credit note, correction,
//! dispute opened, reopened or resolved) calls [`recompute`] or [`settle`]
//! inside its own money transaction ([`Db::begin_money`]), so the balance
//! changes with the fact that changes it, and a receipt is queued if and only
//! if its payment is recorded. The rules themselves are pure: see
//! [`Settlement`].
use crate::error::AppError;
use crate::model::invoice::{InvoiceStatus, Settlement};
use crate::model::lang::Lang;
use crate::model::payment::{PaymentMethod, PaymentStatus, Receipt};
use crate::server::db::invoices::{self, InvoiceRecord};
use crate::server::db::payments::{self as pay, LogEntry};
use crate::server::db::{Db, outbox};
use sqlx::AnyConnection;

/// What an invoice's stored figures say it has received (for reads: pages,
/// checks before a payment). The ledger keeps them true.
pub fn settlement(inv: &InvoiceRecord) -> Settlement {
    Settlement {
        total_ttc: inv.total_ttc,
        deposits: inv.deposits,
        paid: inv.amount_paid,
        credited: inv.amount_credited,
    }
}

/// An invoice's money state after the ledger recomputed it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settled {
    pub settlement: Settlement,
    pub status: InvoiceStatus,
}

impl Settled {
    /// What remains to pay; negative when overpaid.
    pub fn balance(&self) -> i64 {
        self.settlement.balance()
    }
}

/// Recomputes the money state of an invoice from its facts and stores it;
/// inside the caller's money transaction.
pub async fn recompute(
    conn: &mut AnyConnection,
    invoice_id: i64,
    now: i64,
) -> Result<Settled, AppError> {
    let inv = invoices::get(conn, invoice_id)
        .await?
        .ok_or(AppError::NotFound)?;
    settle(conn, &inv, now).await
}

/// [`recompute`] for an invoice the caller has just read in this transaction
/// (its totals, deposits and status cannot have changed since: they are
/// frozen at issue, and only the ledger writes the rest). Drafts are left as
/// they are.
pub async fn settle(
    conn: &mut AnyConnection,
    inv: &InvoiceRecord,
    now: i64,
) -> Result<Settled, AppError> {
    let facts = invoices::money_facts(conn, inv.id).await?;
    let settlement = Settlement {
        total_ttc: inv.total_ttc,
        deposits: inv.deposits,
        paid: facts.paid,
        credited: facts.credited,
    };
    let status = match inv.status {
        InvoiceStatus::Draft => InvoiceStatus::Draft,
        _ => settlement.status_of_issued(facts.open_dispute),
    };
    let paid_at = match status {
        InvoiceStatus::Paid => Some(inv.paid_at.unwrap_or(now)),
        _ => None,
    };
    if facts.paid != inv.amount_paid
        || facts.credited != inv.amount_credited
        || status != inv.status
        || paid_at != inv.paid_at
    {
        invoices::set_money(conn, inv.id, facts.paid, facts.credited, status, paid_at).await?;
    }
    if status != inv.status && inv.status != InvoiceStatus::Draft {
        crate::server::services::reminders::status_changed(conn, inv.id, status, now).await?;
    }
    Ok(Settled { settlement, status })
}

/// A payment that has just succeeded, as its caller knows it.
#[derive(Debug, Clone, Copy)]
pub struct Succeeded<'a> {
    pub id: i64,
    pub amount: i64,
    pub currency: &'a str,
    pub method: PaymentMethod,
    pub reference: &'a str,
    pub paid_at: i64,
}

/// After a payment succeeded and the invoice was settled: an overpayment is
/// flagged on the payment and logged, and the receipt is queued, all in the
/// caller's transaction.
pub async fn payment_succeeded(
    conn: &mut AnyConnection,
    inv: &InvoiceRecord,
    settled: &Settled,
    p: &Succeeded<'_>,
    now: i64,
) -> Result<(), AppError> {
    let balance = settled.balance();
    flag_overpayment(conn, inv.id, p.id, settled, now).await?;
    let (to, lang, buyer_name, seller_name) = outbox::receipt_parties(conn, inv.customer_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let receipt = Receipt {
        payment_id: p.id,
        invoice_number: inv.number.clone().unwrap_or_default(),
        seller_name,
        buyer_name,
        amount: p.amount,
        currency: p.currency.to_string(),
        method: p.method,
        reference: p.reference.to_string(),
        paid_at: p.paid_at,
        invoice_total: inv.total_ttc,
        balance_after: balance.max(0),
    };
    queue_receipt(
        conn,
        &receipt,
        &to,
        Lang::parse(&lang).unwrap_or_default(),
        now,
    )
    .await
}

/// Flags a payment that took its invoice below zero, and logs it: staff
/// decide what to do with the excess (a refund, or credit).
pub async fn flag_overpayment(
    conn: &mut AnyConnection,
    invoice_id: i64,
    payment_id: i64,
    settled: &Settled,
    now: i64,
) -> Result<(), AppError> {
    let balance = settled.balance();
    if balance >= 0 {
        return Ok(());
    }
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
    Ok(())
}

/// Queues the receipt email of a payment (one per payment: its dedupe key).
async fn queue_receipt(
    conn: &mut AnyConnection,
    receipt: &Receipt,
    to: &str,
    lang: Lang,
    now: i64,
) -> Result<(), AppError> {
    let link =
        crate::server::email::absolute_link(&format!("/invoices/{}", receipt.invoice_number));
    let mail = crate::server::email::messages::receipt_mail(lang, receipt, &link);
    outbox::enqueue(
        conn,
        &outbox::NewMessage {
            dedupe_key: format!("receipt-{}", receipt.payment_id),
            to_address: to.to_string(),
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

/// The receipt of a succeeded payment of this invoice.
pub async fn receipt(db: &Db, invoice_id: i64, payment_id: i64) -> Result<Receipt, AppError> {
    let mut conn = db.pool.acquire().await?;
    receipt_in(&mut conn, invoice_id, payment_id).await
}

async fn receipt_in(
    conn: &mut AnyConnection,
    invoice_id: i64,
    payment_id: i64,
) -> Result<Receipt, AppError> {
    let p = pay::by_id(conn, payment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if p.invoice_id != invoice_id || p.status != PaymentStatus::Succeeded {
        return Err(AppError::NotFound);
    }
    let inv = invoices::get(conn, invoice_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (_, _, buyer_name, seller_name) = outbox::receipt_parties(conn, inv.customer_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Receipt {
        payment_id,
        invoice_number: inv.number.clone().unwrap_or_default(),
        seller_name,
        buyer_name,
        amount: p.amount,
        currency: p.currency.clone(),
        method: p.method,
        reference: p.reference.clone(),
        paid_at: p.succeeded_at.unwrap_or(p.updated_at),
        invoice_total: inv.total_ttc,
        balance_after: settlement(&inv).balance().max(0),
    })
}
