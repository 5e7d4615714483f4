//! Staff: the reminders panel of an invoice: the steps dealt with and their
//! delivery, the customer's promise to pay (and whether it was kept), the
//! invoice's and the customer's pauses, the late charges to date and the
//! formal notice to download.
use crate::api::reminders::{ReminderSection, SetInvoiceReminderPause, staff_invoice_reminders};
use crate::components::errors::{error_text, refusal_in_query};
use crate::components::reminder_labels::{
    LateChargesFacts, delivery_label, outcome_label, step_label,
};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::format::format_date;
use crate::model::lang::Lang;
use crate::model::reminder::view::{InvoiceReminders, SentReminder};
use crate::model::staff_invoice::StaffInvoiceView;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_query_map};

/// The panel's data, loaded by the route component (never under a
/// `<Suspense>`: leptos-rs/leptos#4866); `None` for a document without
/// reminders (a draft or a credit note).
pub type StaffRemindersResource = Resource<Result<Option<ReminderSection>, AppError>>;

/// Starts loading the reminders of the invoice `id()` once the page's
/// document `page` has loaded; the pause forms come back with a new query
/// string, which refetches it.
pub fn staff_reminders_resource(
    id: impl Fn() -> i64 + Send + Sync + 'static,
    page: ArcResource<Result<StaffInvoiceView, AppError>>,
) -> StaffRemindersResource {
    let search = use_location().search;
    Resource::new(
        move || (id(), search.get()),
        move |(id, _)| {
            let page = page.clone();
            async move {
                let v = crate::components::page_load::untracked(page).await?;
                if v.draft || v.credit_note {
                    return Ok(None);
                }
                staff_invoice_reminders(id).await.map(Some)
            }
        },
    )
}

/// The panel, for an issued invoice `v`.
#[component]
pub fn StaffRemindersPanel(v: StaffInvoiceView, data: StaffRemindersResource) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="panel" id="reminders" aria-labelledby="reminders-h" data-testid="rem-staff">
            <h2 id="reminders-h">{t!(i18n, rem_staff_title)}</h2>
            <PauseOutcome />
            <Suspense fallback=|| ()>
                {move || {
                    let v = v.clone();
                    Suspend::new(async move {
                        data.await.ok().flatten().map(|d| view! { <PanelBody v d /> })
                    })
                }}
            </Suspense>
        </section>
    }
}

/// What the last pause or resume did, from the query string.
#[component]
fn PauseOutcome() -> impl IntoView {
    let i18n = use_i18n();
    let done = use_query_map().with_untracked(|q| q.get("reminders"));
    let refused = refusal_in_query("reminders").map(|r| error_text(&r.error()));
    view! {
        {done.and_then(|w| match w.as_str() {
            "paused" => Some(t_string!(i18n, rem_paused_done).to_string()),
            "resumed" => Some(t_string!(i18n, rem_resumed_done).to_string()),
            _ => None,
        }).map(|m| view! { <p class="success" role="status" data-testid="rem-pause-done">{m}</p> })}
        {refused.map(|m| view! { <p class="alert" role="alert">{m}</p> })}
    }
}

#[component]
fn PanelBody(v: StaffInvoiceView, d: ReminderSection) -> impl IntoView {
    let i18n = use_i18n();
    let r = d.reminders;
    let notice = (r.late.is_some() && !r.dispute_open)
        .then(|| format!("/staff/invoices/{}/formal-notice.pdf", v.id));
    let currency = v.doc.currency.clone();
    view! {
        <SentList sent=r.sent.clone() />
        <PromiseLine r=r.clone() today=d.today />
        <InvoicePause id=v.id paused=r.invoice_paused />
        <CustomerPauseLine customer_id=v.customer_id pause=r.customer_paused />
        {r.late.map(|c| view! {
            <h3>{t!(i18n, rem_late_title)}</h3>
            <LateChargesFacts charges=c currency />
        })}
        {notice.map(|href| view! {
            <p><a class="button" href=href rel="external" data-testid="rem-notice">{t!(i18n, rem_notice_pdf)}</a></p>
        })}
    }
}

#[component]
fn SentList(sent: Vec<SentReminder>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    if sent.is_empty() {
        return view! { <p class="hint" data-testid="rem-none">{t!(i18n, rem_none_yet)}</p> }
            .into_any();
    }
    let items = sent
        .into_iter()
        .map(|s| {
            let delivery = s
                .delivery
                .as_deref()
                .map(|d| format!(" · {}", delivery_label(d)));
            view! {
                <li data-testid="rem-sent">
                    <time datetime=s.date.to_string()>{format_date(s.date, lang)}</time>
                    " — " {step_label(s.offset_days, s.tone)}
                    " — " {outcome_label(&s.outcome)} {delivery}
                </li>
            }
        })
        .collect_view();
    view! { <ol class="history">{items}</ol> }.into_any()
}

/// The customer's promise, and "not kept" once its day is past with money still owed.
#[component]
fn PromiseLine(r: InvoiceReminders, today: Option<NaiveDate>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    r.promised_for.map(|p| {
        let broken = today.is_some_and(|t| p < t) && (r.can_promise || r.late.is_some());
        view! {
            <p data-testid="rem-promise">
                {t!(i18n, rem_promised_for, date = format_date(p, lang))}
                {broken.then(|| view! { " " <span class="badge badge-overdue" data-testid="rem-promise-broken">{t!(i18n, rem_promise_not_kept)}</span> })}
            </p>
        }
    })
}

#[component]
fn InvoicePause(id: i64, paused: bool) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SetInvoiceReminderPause>::new();
    let (label, testid) = if paused {
        (t_string!(i18n, rem_resume_invoice), "rem-resume")
    } else {
        (t_string!(i18n, rem_pause_invoice), "rem-pause")
    };
    view! {
        {paused.then(|| view! { <p class="notice" data-testid="rem-invoice-paused">{t!(i18n, rem_invoice_paused)}</p> })}
        <ActionForm action>
            <input type="hidden" name="id" value=id.to_string() />
            <input type="hidden" name="paused" value=(!paused).to_string() />
            <button type="submit" class="secondary" data-testid=testid>{label}</button>
        </ActionForm>
    }
}

#[component]
fn CustomerPauseLine(customer_id: i64, pause: Option<Option<NaiveDate>>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let text = pause.map(|until| match until {
        Some(d) => {
            t_string!(i18n, rem_customer_paused_until, date = format_date(d, lang)).to_string()
        }
        None => t_string!(i18n, rem_customer_paused).to_string(),
    });
    view! {
        {text.map(|m| view! { <p class="notice" data-testid="rem-customer-paused">{m}</p> })}
        <p><a href=format!("/staff/customers/{customer_id}#reminders")>{t!(i18n, rem_customer_link)}</a></p>
    }
}
