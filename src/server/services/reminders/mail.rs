//! The messages the engine queues: one reminder per customer and run (with
//! the formal notice letter attached at that step), and the thank-you.
use super::Context;
use crate::error::AppError;
use crate::model::lang::Lang;
use crate::model::reminder::notice::{FormalNotice, NoticeItem};
use crate::model::reminder::plan::Situation;
use crate::model::reminder::schedule::{Step, Tone};
use crate::server::db::outbox::{self, Attachment, NewMessage};
use crate::server::db::reminders::{self as db, Candidate};
use crate::server::db::{customers, invoices};
use crate::server::email::absolute_link;
use crate::server::email::reminder_mail::{self, ReminderItem, ReminderMail};
use chrono::{Days, NaiveDate};
use sqlx::AnyConnection;

/// How firm a tone is, to pick the step whose texts lead a multi-invoice email.
fn rank(t: Tone) -> usize {
    Tone::ALL.iter().position(|x| *x == t).unwrap_or(0)
}

fn item(
    ctx: &Context,
    c: &Candidate,
    s: &Situation,
    token: &str,
    today: NaiveDate,
) -> ReminderItem {
    let amount = s.remindable();
    ReminderItem {
        number: c.number.clone(),
        due: s.due,
        amount,
        disputed: s.balance.max(0) - amount,
        currency: c.currency.clone(),
        charges: ctx.charges(amount, s.due, today, c.business_customer),
        pay_url: absolute_link(&format!("/pay/{token}")),
    }
}

/// The reminder message of one customer's steps (at least one), under `key`.
pub(super) async fn message(
    conn: &mut AnyConnection,
    ctx: &Context,
    today: NaiveDate,
    steps: &[(Candidate, Situation, Step, String)],
    key: &str,
) -> Result<NewMessage, AppError> {
    let mut order: Vec<usize> = (0..steps.len()).collect();
    // The firmest step leads; among equals, the oldest debt.
    order.sort_by_key(|&i| (std::cmp::Reverse(rank(steps[i].2.tone)), steps[i].1.due));
    let lead = &steps[order[0]];
    let first = &lead.0;
    let lang = Lang::parse(&first.customer_lang).unwrap_or_default();
    let items: Vec<ReminderItem> = order
        .iter()
        .map(|&i| item(ctx, &steps[i].0, &steps[i].1, &steps[i].3, today))
        .collect();
    let mail = reminder_mail::reminder_mail(ReminderMail {
        lang,
        company: &ctx.seller.legal_name,
        customer: &first.customer_name,
        step: &lead.2,
        items: &items,
        today,
    });
    let attachment = if lead.2.tone == Tone::FormalNotice {
        Some(notice_pdf(conn, ctx, today, steps, &items, lang).await?)
    } else {
        None
    };
    Ok(NewMessage {
        dedupe_key: key.to_string(),
        to_address: first.customer_email.clone(),
        subject: mail.subject,
        body_text: mail.text,
        body_html: Some(mail.html),
        attachment,
    })
}

/// The formal notice of the invoices at that step, as a PDF attachment.
async fn notice_pdf(
    conn: &mut AnyConnection,
    ctx: &Context,
    today: NaiveDate,
    steps: &[(Candidate, Situation, Step, String)],
    items: &[ReminderItem],
    lang: Lang,
) -> Result<Attachment, AppError> {
    let notice = formal_notice(conn, ctx, today, steps, items).await?;
    let name = crate::server::pdf::notice_file_name(lang, today);
    let bytes = tokio::task::spawn_blocking(move || {
        crate::server::pdf::render_formal_notice(&notice, lang)
    })
    .await
    .map_err(|e| AppError::internal("notice pdf task failed", e))?
    .map_err(|e| AppError::internal("formal notice pdf", e))?;
    Ok(Attachment {
        name,
        content_type: "application/pdf".into(),
        bytes,
    })
}

/// The letter for the formal-notice invoices among `steps`.
pub(super) async fn formal_notice(
    conn: &mut AnyConnection,
    ctx: &Context,
    today: NaiveDate,
    steps: &[(Candidate, Situation, Step, String)],
    items: &[ReminderItem],
) -> Result<FormalNotice, AppError> {
    let first = &steps[0].0;
    let buyer = customers::buyer(conn, first.customer_id).await?;
    let mut notice_items = Vec::new();
    for (c, s, _, _) in steps.iter().filter(|x| x.2.tone == Tone::FormalNotice) {
        let issue_date = invoices::get(conn, c.invoice_id)
            .await?
            .and_then(|r| r.issue_date)
            .and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())
            .unwrap_or(s.due);
        let amount = s.remindable();
        let Some(charges) = ctx.charges(amount, s.due, today, c.business_customer) else {
            continue;
        };
        notice_items.push(NoticeItem {
            number: c.number.clone(),
            issue_date,
            due_date: s.due,
            principal: amount,
            charges,
        });
    }
    Ok(FormalNotice {
        seller: ctx.seller.clone(),
        buyer,
        date: today,
        deadline: today
            .checked_add_days(Days::new(
                u64::try_from(ctx.settings.notice_days).unwrap_or(8),
            ))
            .unwrap_or(today),
        currency: first.currency.clone(),
        items: notice_items,
        pay_url: items.first().map(|i| i.pay_url.clone()),
    })
}

/// Queues the thank-you of an invoice just paid in full, when the company
/// sends them and the invoice was reminded (once per invoice).
pub(super) async fn queue_thanks(
    conn: &mut AnyConnection,
    invoice_id: i64,
    now: i64,
) -> Result<(), AppError> {
    if !db::settings(conn).await?.thank_you || !db::was_reminded(conn, invoice_id).await? {
        return Ok(());
    }
    let Some(c) = db::candidate_of(conn, invoice_id).await? else {
        return Ok(());
    };
    let company = crate::server::db::company::legal_name(conn).await?;
    let lang = Lang::parse(&c.customer_lang).unwrap_or_default();
    let mail = reminder_mail::thanks_mail(lang, &company, &c.customer_name, &c.number);
    outbox::enqueue(
        conn,
        &NewMessage {
            dedupe_key: format!("thanks:{invoice_id}"),
            to_address: c.customer_email,
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
