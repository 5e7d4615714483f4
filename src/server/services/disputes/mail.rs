//! The messages a dispute sends the customer (staff replies, resolutions),
//! queued in the outbox inside the transaction of the change.
//!
//! A dispute opened from a pay link has no account behind it: its messages
//! reach the thread (and the credit note) through a pay link of its invoice,
//! made for the message in the same transaction, since only a hash of the
//! link it was opened from is kept. A resolution's credit note also travels
//! as a PDF attachment.
use crate::error::AppError;
use crate::model::dispute::ResolutionKind;
use crate::model::lang::Lang;
use crate::server::db::disputes::DisputeRecord;
use crate::server::db::outbox::Attachment;
use crate::server::db::{audit, company, invoices, outbox, pay_links};
use crate::server::email::absolute_link;
use crate::server::email::messages::{
    DisputeLink, DisputeResolvedMail, credit_note_file_name, dispute_reply_mail,
    dispute_resolved_mail,
};
use crate::server::services::documents;
use chrono::NaiveDate;
use sqlx::AnyConnection;

/// How a message reaches the dispute.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Access {
    /// The portal, signed in.
    Portal,
    /// A pay link of the invoice (its token).
    PayLink(String),
}

impl Access {
    fn thread(&self, id: i64) -> String {
        match self {
            Access::Portal => absolute_link(&format!("/disputes/{id}")),
            Access::PayLink(token) => absolute_link(&format!("/pay/{token}/disputes/{id}")),
        }
    }

    fn credit_note_pdf(&self, number: &str) -> String {
        match self {
            Access::Portal => absolute_link(&format!("/invoices/{number}/pdf")),
            Access::PayLink(token) => {
                absolute_link(&format!("/pay/{token}/credit-notes/{number}/pdf"))
            }
        }
    }
}

/// The customer's contact and language.
struct Contact {
    to: String,
    lang: Lang,
    name: String,
    access: Access,
}

/// The customer's contact, and how the message reaches the dispute: a
/// dispute opened from a pay link gets a new pay link of its invoice, as long
/// as the invoice still has a live one (staff who revoked every link withdrew
/// that access; the message then points to the portal).
async fn contact(
    conn: &mut AnyConnection,
    d: &DisputeRecord,
    now: i64,
) -> Result<Option<Contact>, AppError> {
    let Some((to, lang, name)) = outbox::customer_contact(conn, d.customer_id).await? else {
        return Ok(None);
    };
    let lang = Lang::parse(&lang).unwrap_or_default();
    let access = if d.opened_by.is_none() && pay_links::has_live(conn, d.invoice_id).await? {
        let (token, hash) = crate::server::services::pay_links::new_token();
        pay_links::insert(conn, d.invoice_id, &hash, now).await?;
        let subject = format!("draft:{}", d.invoice_id);
        audit::record_in(conn, None, "pay_link_mailed_for_dispute", &subject).await?;
        Access::PayLink(token)
    } else {
        Access::Portal
    };
    Ok(Some(Contact {
        to,
        lang,
        name,
        access,
    }))
}

pub(super) async fn company_name(conn: &mut AnyConnection) -> Result<String, AppError> {
    Ok(company::legal_name(conn).await?)
}

pub(super) async fn queue_reply_mail(
    conn: &mut AnyConnection,
    d: &DisputeRecord,
    message_id: i64,
    body: &str,
    now: i64,
) -> Result<(), AppError> {
    let Some(c) = contact(conn, d, now).await? else {
        return Ok(());
    };
    let company = company_name(conn).await?;
    let url = c.access.thread(d.id);
    let link = DisputeLink {
        url: &url,
        via_pay_link: matches!(c.access, Access::PayLink(_)),
    };
    let mail = dispute_reply_mail(c.lang, &company, &c.name, &d.invoice_number, body, link);
    let key = format!("dispute-reply-{message_id}");
    enqueue(conn, key, c.to, mail, None, now).await
}

pub(super) struct ResolutionMail<'a> {
    pub(super) kind: ResolutionKind,
    pub(super) explanation: &'a str,
    /// The credit note the resolution issued: its id and number.
    pub(super) credit_note: Option<(i64, &'a str)>,
    /// The history entry of this resolution: a reopened dispute resolved
    /// again gets a new message.
    pub(super) event: i64,
    /// The company logo for the credit note's PDF.
    pub(super) logo: Option<company::Logo>,
    pub(super) today: NaiveDate,
}

pub(super) async fn queue_resolution_mail(
    conn: &mut AnyConnection,
    d: &DisputeRecord,
    r: ResolutionMail<'_>,
    now: i64,
) -> Result<(), AppError> {
    let Some(c) = contact(conn, d, now).await? else {
        return Ok(());
    };
    let company = company_name(conn).await?;
    let attachment = match r.credit_note {
        Some((id, _)) => Some(credit_note_pdf(conn, id, c.lang, r.today, r.logo).await?),
        None => None,
    };
    let url = c.access.thread(d.id);
    let number = r.credit_note.map(|(_, n)| n);
    let pdf_url = number.map(|n| c.access.credit_note_pdf(n));
    let mail = dispute_resolved_mail(DisputeResolvedMail {
        lang: c.lang,
        company: &company,
        display_name: &c.name,
        invoice_number: &d.invoice_number,
        kind: r.kind,
        explanation: r.explanation,
        credit_note_number: number,
        credit_note_url: pdf_url.as_deref(),
        link: DisputeLink {
            url: &url,
            via_pay_link: matches!(c.access, Access::PayLink(_)),
        },
    });
    let key = format!("dispute-resolved-{}-{}", d.id, r.event);
    enqueue(conn, key, c.to, mail, attachment, now).await
}

/// The credit note's PDF, in the customer's language, read in the caller's
/// transaction (the credit note was just issued in it).
async fn credit_note_pdf(
    conn: &mut AnyConnection,
    id: i64,
    lang: Lang,
    today: NaiveDate,
    logo: Option<company::Logo>,
) -> Result<Attachment, AppError> {
    let rec = invoices::get(conn, id).await?.ok_or(AppError::NotFound)?;
    let (etag, bytes) = logo.map_or((None, None), |l| (Some(l.etag), Some(l.bytes)));
    let doc = documents::issued_in(conn, &rec, today, etag).await?;
    let name = credit_note_file_name(lang, &doc.number);
    let pdf = tokio::task::spawn_blocking(move || {
        crate::server::pdf::render_pdf_with_logo(&doc, lang, bytes.as_deref())
    })
    .await
    .map_err(|e| AppError::internal("pdf task failed", e))?
    .map_err(|e| AppError::internal("credit note pdf for email", e))?;
    Ok(Attachment {
        name,
        content_type: "application/pdf".into(),
        bytes: pdf,
    })
}

async fn enqueue(
    conn: &mut AnyConnection,
    dedupe_key: String,
    to_address: String,
    mail: crate::server::email::messages::Mail,
    attachment: Option<Attachment>,
    now: i64,
) -> Result<(), AppError> {
    outbox::enqueue(
        conn,
        &outbox::NewMessage {
            dedupe_key,
            to_address,
            subject: mail.subject,
            body_text: mail.text,
            body_html: Some(mail.html),
            attachment,
        },
        now,
    )
    .await?;
    Ok(())
}
