//! The messages a dispute sends the customer (staff replies, resolutions),
//! queued in the outbox inside the transaction of the change.
use crate::error::AppError;
use crate::model::dispute::ResolutionKind;
use crate::model::lang::Lang;
use crate::server::db::disputes::DisputeRecord;
use crate::server::db::{company, outbox};
use crate::server::email::messages::{
    DisputeResolvedMail, dispute_reply_mail, dispute_resolved_mail,
};
use sqlx::AnyConnection;

/// The customer's contact, language and the portal link of a dispute.
async fn contact(
    conn: &mut AnyConnection,
    d: &DisputeRecord,
) -> Result<Option<(String, Lang, String, String)>, AppError> {
    let Some((to, lang, name)) = outbox::customer_contact(conn, d.customer_id).await? else {
        return Ok(None);
    };
    let lang = Lang::parse(&lang).unwrap_or_default();
    let link = crate::server::email::absolute_link(&format!("/disputes/{}", d.id));
    Ok(Some((to, lang, name, link)))
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
    let Some((to, lang, name, link)) = contact(conn, d).await? else {
        return Ok(());
    };
    let company = company_name(conn).await?;
    let mail = dispute_reply_mail(lang, &company, &name, &d.invoice_number, body, &link);
    enqueue(conn, format!("dispute-reply-{message_id}"), to, mail, now).await
}

pub(super) struct ResolutionMail<'a> {
    pub(super) kind: ResolutionKind,
    pub(super) explanation: &'a str,
    pub(super) credit_note: Option<&'a str>,
    /// The history entry of this resolution: a reopened dispute resolved
    /// again gets a new message.
    pub(super) event: i64,
}

pub(super) async fn queue_resolution_mail(
    conn: &mut AnyConnection,
    d: &DisputeRecord,
    r: &ResolutionMail<'_>,
    now: i64,
) -> Result<(), AppError> {
    let Some((to, lang, name, link)) = contact(conn, d).await? else {
        return Ok(());
    };
    let company = company_name(conn).await?;
    let mail = dispute_resolved_mail(DisputeResolvedMail {
        lang,
        company: &company,
        display_name: &name,
        invoice_number: &d.invoice_number,
        kind: r.kind,
        explanation: r.explanation,
        credit_note_number: r.credit_note,
        link: &link,
    });
    let key = format!("dispute-resolved-{}-{}", d.id, r.event);
    enqueue(conn, key, to, mail, now).await
}

async fn enqueue(
    conn: &mut AnyConnection,
    dedupe_key: String,
    to_address: String,
    mail: crate::server::email::messages::Mail,
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
            attachment: None,
        },
        now,
    )
    .await?;
    Ok(())
}
