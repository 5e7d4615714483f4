//! The email of an issued invoice: summary, pay link and PDF, to the
//! customer's billing address in the customer's language. It is queued in the
//! transaction that issues the invoice or gives it its new pay link, so an
//! invoice is never issued without its email, nor a link made without it.
use crate::error::AppError;
use crate::model::invoice::InvoiceStatus;
use crate::model::lang::Lang;
use crate::server::db::outbox::{self, Attachment, NewMessage};
use crate::server::db::{Db, audit, company, invoices, now_ts, pay_links};
use crate::server::email::absolute_link;
use crate::server::email::messages::{self, InvoiceMail};
use crate::server::services::documents;
use crate::server::services::invoicing::{self, Issued};
use crate::server::services::pay_links::{hash_token, new_token};
use chrono::NaiveDate;
use sqlx::AnyConnection;

/// Issues a draft on `issue_date` and queues its email in the same
/// transaction (credit notes are issued with no email).
pub async fn issue_and_email(
    db: &Db,
    invoice_id: i64,
    issue_date: NaiveDate,
    actor: Option<i64>,
) -> Result<Issued, AppError> {
    let (seller, terms, _) = company::load(&db.pool).await?;
    let logo = company::logo(&db.pool).await?;
    let mut tx = db.begin_write().await?;
    let issued =
        invoicing::issue_within(&mut tx, invoice_id, issue_date, seller, terms, actor).await?;
    let rec = invoices::get(&mut tx, invoice_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if rec.kind == "invoice" {
        queue_in(&mut tx, invoice_id, &issued.pay_token, false, logo).await?;
    }
    tx.commit().await?;
    Ok(issued)
}

/// Queues the email of an issued invoice with this pay token, in its own
/// transaction; `false` when it was queued before (same invoice and token).
pub async fn send(
    db: &Db,
    invoice_id: i64,
    pay_token: &str,
    resent: bool,
) -> Result<bool, AppError> {
    let logo = company::logo(&db.pool).await?;
    let mut tx = db.begin_write().await?;
    let queued = queue_in(&mut tx, invoice_id, pay_token, resent, logo).await?;
    tx.commit().await?;
    Ok(queued)
}

/// Sends the invoice again: its pay links revoked, a new one made, and the
/// email with it queued, with the staff member's audit row, in one
/// transaction. Returns the new token.
pub async fn send_again(db: &Db, invoice_id: i64, staff: i64) -> Result<String, AppError> {
    let logo = company::logo(&db.pool).await?;
    let mut tx = db.begin_write().await?;
    let now = now_ts();
    pay_links::revoke_all(&mut tx, invoice_id, now).await?;
    let (token, hash) = new_token();
    pay_links::insert(&mut tx, invoice_id, &hash, now).await?;
    queue_in(&mut tx, invoice_id, &token, true, logo).await?;
    let subject = format!("draft:{invoice_id}");
    audit::record_in(&mut tx, Some(staff), "sent_again", &subject).await?;
    tx.commit().await?;
    Ok(token)
}

/// Queues the email in the caller's transaction. `Conflict` for a draft or a
/// credit note; `false` when a message with the same key exists already.
async fn queue_in(
    conn: &mut AnyConnection,
    invoice_id: i64,
    pay_token: &str,
    resent: bool,
    logo: Option<company::Logo>,
) -> Result<bool, AppError> {
    let rec = invoices::get(conn, invoice_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if rec.status == InvoiceStatus::Draft || rec.kind != "invoice" {
        return Err(AppError::Conflict);
    }
    let today = chrono::Local::now().date_naive();
    let (logo_etag, logo_bytes) = logo.map_or((None, None), |l| (Some(l.etag), Some(l.bytes)));
    let mut doc = documents::issued_in(conn, &rec, today, logo_etag).await?;
    let (to, lang, _) = outbox::customer_contact(conn, rec.customer_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let lang = Lang::parse(&lang).unwrap_or_default();
    let pay_url = absolute_link(&format!("/pay/{pay_token}"));
    doc.pay_url = Some(pay_url.clone());
    let company = doc.seller.legal_name.clone();
    let mail = messages::invoice_mail(InvoiceMail {
        lang,
        company: &company,
        doc: &doc,
        pay_url: &pay_url,
        resent,
    });
    let name = messages::invoice_file_name(lang, &doc.number);
    let number = doc.number.clone();
    let pdf = tokio::task::spawn_blocking(move || {
        crate::server::pdf::render_pdf_with_logo(&doc, lang, logo_bytes.as_deref())
    })
    .await
    .map_err(|e| AppError::internal("pdf task failed", e))?
    .map_err(|e| AppError::internal("invoice pdf for email", e))?;
    let message = NewMessage {
        dedupe_key: format!("invoice:{invoice_id}:{}", hash_token(pay_token)),
        to_address: to,
        subject: mail.subject,
        body_text: mail.text,
        body_html: Some(mail.html),
        attachment: Some(Attachment {
            name,
            content_type: "application/pdf".into(),
            bytes: pdf,
        }),
    };
    let queued = outbox::enqueue(conn, &message, now_ts()).await?;
    if queued {
        let action = if resent {
            "invoice_emailed_again"
        } else {
            "invoice_emailed"
        };
        audit::record_in(conn, None, action, &number).await?;
    }
    Ok(queued)
}
