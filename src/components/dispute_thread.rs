//! A dispute's thread as the customer sees it (signed in or from a pay link):
//! the facts, the messages in order, the outcome once recorded, and the reply
//! form, or the button to reopen a closed dispute within 30 days.
//!
//! Message bodies are text nodes (shown with their line breaks by CSS), never
//! HTML. Replies are plain multipart posts; a refusal comes back in the query
//! string (the `reply` form's `Refusal`: `reply_err=…&message=…#reply`).
use crate::api::disputes::ReopenDispute;
use crate::components::dispute_form::{FilesField, MessageBox, PlanView};
use crate::components::dispute_labels::{
    StatusBadge, file_size, format_instant, iso_instant, reason_label, refusal_text,
    resolution_label,
};
use crate::components::document::CreditNoteLinks;
use crate::components::errors::{done_in_query, refusal_in_query};
use crate::error::Done;
use crate::i18n::*;
use crate::model::customer_dispute::{AgreedPlan, DisputeLine, ThreadPage};
use crate::model::dispute::{
    AuthorKind, DisputeHeader, REOPEN_WINDOW_SECS, ResolutionView, ThreadMessage, may_reopen,
};
use crate::model::format::{format_instant_date, format_money};
use crate::model::lang::Lang;
use leptos::prelude::*;

/// Who is reading and where the thread lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThreadPlace {
    /// `customer` or `link`, as the server functions take it.
    pub kind: &'static str,
    /// The pay-link token (empty for a signed-in customer).
    pub key: String,
    /// The thread's own page, under which replies and attachments live.
    pub base: String,
    /// The invoice's page (or the pay link).
    pub invoice_href: String,
}

#[component]
pub fn DisputeThreadView(page: ThreadPage, place: ThreadPlace) -> impl IntoView {
    let i18n = use_i18n();
    let header = page.thread.header.clone();
    let closed = header.status.is_closed();
    let reopen_until = page
        .thread
        .resolution
        .as_ref()
        .filter(|r| may_reopen(header.status, Some(r.resolved_at), page.now))
        .map(|r| r.resolved_at + REOPEN_WINDOW_SECS);
    let title = t_string!(
        i18n,
        dispute_thread_title,
        number = header.invoice_number.clone()
    )
    .to_string();
    view! {
        <article class="dispute-thread" data-testid="dispute-thread">
            <h1>{title}</h1>
            <DoneNotice closed />
            {view! { <Facts header=header.clone() lines=page.lines.clone() invoice_href=place.invoice_href.clone() /> }.into_any()}
            <h2>{t!(i18n, dispute_messages_title)}</h2>
            {view! { <Messages messages=page.thread.messages.clone() company=page.company.clone() base=place.base.clone() /> }.into_any()}
            {page.thread.resolution.clone().map(|r| view! { <Resolution r currency=header.currency.clone() id=header.id place=place.clone() /> }.into_any())}
            {(!closed).then(|| view! { <ReplyForm action=format!("{}/reply", place.base) /> }.into_any())}
            {closed.then(|| view! { <p class="muted" data-testid="dispute-closed">{t!(i18n, dispute_closed_note)}</p> })}
            {reopen_until.map(|until| view! { <Reopen place=place.clone() id=header.id until /> }.into_any())}
        </article>
    }
}

/// `done=opened|replied|reopened`, after a successful post (an address kept
/// in the history must not say "open" of a dispute closed since).
#[component]
fn DoneNotice(closed: bool) -> impl IntoView {
    let i18n = use_i18n();
    let text = match done_in_query() {
        Some(Done::Opened) if !closed => Some(t_string!(i18n, dispute_done_opened).to_string()),
        Some(Done::Replied) if !closed => Some(t_string!(i18n, dispute_done_replied).to_string()),
        Some(Done::Reopened) => Some(t_string!(i18n, dispute_done_reopened).to_string()),
        _ => None,
    };
    text.map(|t| view! { <p class="success" role="status" data-testid="dispute-done">{t}</p> })
}

#[component]
fn Facts(header: DisputeHeader, lines: Vec<DisputeLine>, invoice_href: String) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let cur = header.currency.clone();
    let disputed = if lines.is_empty() {
        view! { <dd>{t!(i18n, dispute_fact_whole)}</dd> }.into_any()
    } else {
        let items = lines
            .into_iter()
            .map(
                |l| view! { <li>{l.description} " · " {format_money(l.total_ht, &cur, lang)}</li> },
            )
            .collect_view();
        view! { <dd><ul class="disputed-lines" data-testid="disputed-lines">{items}</ul></dd> }
            .into_any()
    };
    view! {
        <dl class="facts dispute-facts">
            <div>
                <dt>{t!(i18n, dispute_col_invoice)}</dt>
                <dd><a href=invoice_href data-testid="dispute-invoice-link">{header.invoice_number.clone()}</a></dd>
            </div>
            <div><dt>{t!(i18n, dispute_col_status)}</dt><dd><StatusBadge status=header.status /></dd></div>
            <div><dt>{t!(i18n, dispute_col_reason)}</dt><dd data-testid="dispute-reason-text">{reason_label(header.reason)}</dd></div>
            <div>
                <dt>{t!(i18n, dispute_col_amount)}</dt>
                <dd data-testid="dispute-amount-text">{format_money(header.disputed_amount, &header.currency, lang)}</dd>
            </div>
            <div><dt>{t!(i18n, dispute_col_opened)}</dt><dd>{format_instant_date(header.created_at, lang)}</dd></div>
            <div class="wide-fact"><dt>{t!(i18n, dispute_fact_lines)}</dt>{disputed}</div>
        </dl>
    }
}

#[component]
fn Messages(messages: Vec<ThreadMessage>, company: String, base: String) -> impl IntoView {
    let items = messages
        .into_iter()
        .map(|m| view! { <Message m company=company.clone() base=base.clone() /> }.into_any())
        .collect_view();
    view! { <ol class="thread">{items}</ol> }
}

#[component]
fn Message(m: ThreadMessage, company: String, base: String) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let (side, author) = match m.author {
        AuthorKind::Customer if m.author_name.is_empty() => {
            ("customer", t_string!(i18n, dispute_author_you).to_string())
        }
        AuthorKind::Customer => ("customer", m.author_name.clone()),
        AuthorKind::Staff if m.author_name.is_empty() => ("staff", company),
        AuthorKind::Staff => ("staff", format!("{} · {company}", m.author_name)),
    };
    let files = (!m.attachments.is_empty()).then(|| {
        let items = m
            .attachments
            .iter()
            .map(|a| {
                let href = format!("{base}/attachments/{}", a.id);
                view! {
                    <li>
                        <a href=href rel="external" data-testid="thread-attachment">{a.filename.clone()}</a>
                        " " <span class="muted">"(" {file_size(a.size_bytes, lang)} ")"</span>
                    </li>
                }
            })
            .collect_view();
        view! {
            <ul class="attachments" aria-label=t_string!(i18n, dispute_attachments_label).to_string()>{items}</ul>
        }
    });
    view! {
        <li id=format!("m{}", m.id) class=format!("message message-{side}") data-testid="thread-message">
            <p class="message-meta">
                <strong class="message-author">{author}</strong>
                " " <time datetime=iso_instant(m.created_at)>{format_instant(m.created_at, lang)}</time>
            </p>
            <p class="message-body">{m.body}</p>
            {files}
        </li>
    }
}

/// How this reader opens a credit note: its page when signed in, its PDF
/// through the pay link otherwise.
fn credit_note_link(place: &ThreadPlace, number: &str) -> (String, String) {
    let i18n = use_i18n();
    let links = if place.kind == "link" {
        CreditNoteLinks::PayLink(place.key.clone())
    } else {
        CreditNoteLinks::Account
    };
    match links.page(number) {
        Some(page) => (
            page,
            t_string!(i18n, dispute_credit_note_open, number = number).to_string(),
        ),
        None => (
            links.pdf(number),
            t_string!(i18n, dispute_credit_note_pdf, number = number).to_string(),
        ),
    }
}

#[component]
fn Resolution(r: ResolutionView, currency: String, id: i64, place: ThreadPlace) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let date = format_instant_date(r.resolved_at, lang);
    let plan = (!r.instalments.is_empty()).then(|| AgreedPlan {
        dispute_id: id,
        instalments: r.instalments.clone(),
    });
    view! {
        <section class="resolution" aria-labelledby="resolution-h" data-testid="resolution">
            <h2 id="resolution-h">{t!(i18n, dispute_resolution_title)}</h2>
            <p><strong data-testid="resolution-kind">{resolution_label(r.kind)}</strong></p>
            {(!r.explanation.is_empty()).then(|| view! { <p class="message-body">{r.explanation.clone()}</p> })}
            {r.credit_note_number.clone().map(|n| {
                let (href, text) = credit_note_link(&place, &n);
                view! {
                    <p data-testid="resolution-credit-note">
                        <a class="button-link" href=href rel="external" data-testid="resolution-credit-note-link">{text}</a>
                    </p>
                }
            })}
            {plan.map(|plan| view! { <PlanView plan currency /> })}
            <p class="muted">{t_string!(i18n, dispute_resolution_on, date = date).to_string()}</p>
        </section>
    }
}

#[component]
fn ReplyForm(action: String) -> impl IntoView {
    let i18n = use_i18n();
    let refusal = refusal_in_query("reply");
    let typed = refusal
        .as_ref()
        .and_then(|r| r.kept("message"))
        .unwrap_or_default()
        .to_string();
    let closed = t_string!(i18n, dispute_err_closed).to_string();
    let on = |field: &str| {
        refusal
            .as_ref()
            .filter(|r| r.is_on(field))
            .map(|r| refusal_text(r, &closed))
    };
    let message_error = on("message");
    let files_error = on("files");
    let general = refusal
        .as_ref()
        .filter(|r| !r.is_on("message") && !r.is_on("files"))
        .map(|r| refusal_text(r, &closed));
    let invalid = message_error.is_some();
    let described = if invalid {
        "reply-message-hint reply-message-error"
    } else {
        "reply-message-hint"
    };
    view! {
        <section class="reply" aria-labelledby="reply-h">
            <h2 id="reply-h">{t!(i18n, dispute_reply_title)}</h2>
            {general.map(|m| view! { <p class="alert" role="alert" data-testid="reply-error-form">{m}</p> })}
            <form method="post" enctype="multipart/form-data" action=action id="reply" class="stack reply-form" data-testid="reply-form">
                <div class="field" class:has-error=invalid>
                    <label for="reply-message">{t!(i18n, dispute_reply_label)}</label>
                    <MessageBox id="reply-message" invalid described_by=Some(described.to_string()) text=typed />
                    <p class="hint" id="reply-message-hint">{t!(i18n, dispute_message_hint)}</p>
                    {message_error.map(|m| view! { <p class="field-error" id="reply-message-error" data-testid="reply-error-message">{m}</p> })}
                </div>
                <FilesField error=files_error refused=refusal.is_some() prefix="reply" />
                <button type="submit" class="primary" data-testid="reply-submit">{t!(i18n, dispute_reply_submit)}</button>
            </form>
        </section>
    }
}

/// Reopening a closed dispute, while its 30 days run.
#[component]
fn Reopen(place: ThreadPlace, id: i64, until: i64) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let reopen = ServerAction::<ReopenDispute>::new();
    let refusal = refusal_in_query("reopen");
    let date = format_instant_date(until, lang);
    view! {
        <section class="reopen" id="reopen">
            <p>{t_string!(i18n, dispute_reopen_text, date = date).to_string()}</p>
            {refusal.map(|r| {
                let text = refusal_text(&r, t_string!(i18n, dispute_err_reopen));
                view! { <p class="alert" role="alert" data-testid="reopen-error">{text}</p> }
            })}
            <ActionForm action=reopen>
                <input type="hidden" name="kind" value=place.kind />
                <input type="hidden" name="key" value=place.key.clone() />
                <input type="hidden" name="id" value=id.to_string() />
                <button type="submit" class="secondary" data-testid="reopen-button"
                    disabled=move || reopen.pending().get()>{t!(i18n, dispute_reopen_button)}</button>
            </ActionForm>
        </section>
    }
}
