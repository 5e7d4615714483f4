//! The reminders block of an invoice for its customer, on the invoice's page
//! and on its pay link: the late charges to date, the days it was reminded
//! on, and the promise to pay (a plain form post; a refusal comes back in the
//! query string as the `promise` form's `Refusal`, with the typed date).
use crate::api::reminders::{PromiseToPay, ReminderSection, customer_invoice_reminders};
use crate::components::errors::{error_text, problem_text, refusal_in_query};
use crate::components::reminder_labels::LateChargesFacts;
use crate::error::AppError;
use crate::i18n::*;
use crate::model::document::{DocKind, InvoiceDocument};
use crate::model::format::{format_date, format_money, parse_iso_date};
use crate::model::lang::Lang;
use crate::model::reminder::penalty::LateCharges;
use crate::model::reminder::view::PROMISE_MAX_DAYS;
use chrono::{Days, NaiveDate};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The block's data. Created by the route component (never under a
/// `<Suspense>`: leptos-rs/leptos#4866).
pub type ReminderSectionResource = Resource<Result<ReminderSection, AppError>>;

/// Starts loading the block of `kind`/`key` once the page's document `doc`
/// has loaded (a refused document decides the page; a credit note has no
/// reminders). Call it at the top of a route component.
pub fn reminder_section_resource(
    kind: &'static str,
    key: impl Fn() -> String + Send + Sync + 'static,
    doc: ArcResource<Result<InvoiceDocument, AppError>>,
) -> ReminderSectionResource {
    Resource::new(key, move |key| {
        let doc = doc.clone();
        async move {
            if crate::components::page_load::untracked(doc).await?.kind == DocKind::CreditNote {
                return Err(AppError::NotFound);
            }
            customer_invoice_reminders(kind.to_string(), key).await
        }
    })
}

/// The block, after the pay panel. Shows nothing when there is nothing to
/// say (paid, never reminded, nothing promised).
#[component]
pub fn ReminderBlock(
    kind: &'static str,
    key: String,
    currency: String,
    data: ReminderSectionResource,
) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let (key, currency) = (key.clone(), currency.clone());
                Suspend::new(async move {
                    data.await.ok().map(move |d| view! { <BlockBody kind key currency d /> })
                })
            }}
        </Suspense>
    }
}

#[component]
fn BlockBody(
    kind: &'static str,
    key: String,
    currency: String,
    d: ReminderSection,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let r = d.reminders;
    let refused = refusal_in_query("promise");
    let just_promised = use_query_map()
        .with_untracked(|q| q.get("promised"))
        .and_then(|p| parse_iso_date(&p));
    let shown = r.late.is_some()
        || !r.sent.is_empty()
        || r.can_promise
        || r.promised_for.is_some()
        || refused.is_some();
    let dates: Vec<String> = r.sent.iter().map(|s| format_date(s.date, lang)).collect();
    let promised = r
        .promised_for
        .filter(|p| d.today.is_none_or(|t| *p >= t) && just_promised.is_none());
    shown.then(|| view! {
        <section class="panel reminders" id="reminders" aria-labelledby="rem-h" data-testid="rem-customer">
            <h2 id="rem-h">{t!(i18n, rem_cust_title)}</h2>
            {just_promised.map(|p| view! {
                <p class="success" role="status" data-testid="rem-promised">
                    {t!(i18n, rem_promise_done, date = format_date(p, lang))}
                </p>
            })}
            {promised.map(|p| view! {
                <p class="notice" data-testid="rem-promise-current">{t!(i18n, rem_promise_current, date = format_date(p, lang))}</p>
            })}
            {r.late.map(|c| view! { <LateBlock charges=c currency=currency.clone() /> })}
            {(!dates.is_empty()).then(|| view! {
                <p data-testid="rem-reminded">{t!(i18n, rem_reminded_on, dates = dates.join(", "))}</p>
            })}
            {(r.can_promise || refused.is_some()).then(|| view! {
                <PromiseForm kind key today=d.today refused=refused.clone() />
            })}
        </section>
    })
}

/// The late charges: the total with them in the summary, the detail inside.
#[component]
fn LateBlock(charges: LateCharges, currency: String) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let total = format_money(charges.total_minor(), &currency, lang);
    let days = charges.days_late;
    view! {
        <details class="late-charges" data-testid="rem-late">
            <summary>{t!(i18n, rem_late_summary, days = days, total = total)}</summary>
            <LateChargesFacts charges currency />
            <p class="hint">{t!(i18n, rem_late_hint)}</p>
        </details>
    }
}

/// The promise to pay: a date from today to 30 days ahead.
#[component]
fn PromiseForm(
    kind: &'static str,
    key: String,
    today: Option<NaiveDate>,
    refused: Option<crate::error::Refusal>,
) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<PromiseToPay>::new();
    let typed = refused
        .as_ref()
        .and_then(|r| r.kept("promised_for"))
        .unwrap_or_default()
        .to_string();
    let error = refused
        .as_ref()
        .map(|r| match (r.problem("promised_for"), r.error()) {
            (Some(p), _) => problem_text(p),
            (None, AppError::Conflict) => t_string!(i18n, rem_promise_conflict).to_string(),
            (None, e) => error_text(&e),
        });
    let invalid = error.is_some();
    let min = today.map(|t| t.to_string());
    let max = today
        .and_then(|t| t.checked_add_days(Days::new(PROMISE_MAX_DAYS)))
        .map(|t| t.to_string());
    let described = if invalid {
        "rem-promise-hint rem-promise-error"
    } else {
        "rem-promise-hint"
    };
    view! {
        <h3>{t!(i18n, rem_promise_title)}</h3>
        <ActionForm action attr:class="stack promise-form" attr:novalidate=true attr:data-testid="rem-promise-form">
            <input type="hidden" name="kind" value=kind />
            <input type="hidden" name="key" value=key />
            <div class="field" class:has-error=invalid>
                <label for="rem-promise-date">{t!(i18n, rem_promise_label)}</label>
                <p class="hint" id="rem-promise-hint">{t!(i18n, rem_promise_intro)}</p>
                <input id="rem-promise-date" type="date" name="promised_for" required=true
                    min=min max=max value=typed data-testid="rem-promise-date"
                    aria-invalid=invalid.then_some("true") aria-describedby=described />
                {error.map(|m| view! {
                    <p class="field-error" id="rem-promise-error" role="alert" data-testid="rem-promise-error">{m}</p>
                })}
            </div>
            <button type="submit" class="secondary" data-testid="rem-promise-submit">{t!(i18n, rem_promise_submit)}</button>
        </ActionForm>
    }
}
