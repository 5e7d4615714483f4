//! `/staff/reminders` (admins): the reminder settings and schedule, a step's
//! preview on real data, the reference rates, the reminders coming in the
//! next two weeks (skip a step, send it now) and a dry run of the engine.
use crate::api::reminders::{
    DryRun, PreviewView, ReminderSettingsPage, SendReminderNow, SkipReminder, UPCOMING_DAYS,
    reminder_dry_run, reminder_preview, reminder_settings, reminders_upcoming,
};
use crate::components::errors::{error_text, refusal_in_query};
use crate::components::page_load::{LoadFailed, untracked};
use crate::components::reminder_labels::{hold_label, step_label};
use crate::components::reminder_settings_form::{ReminderRates, ReminderSettingsForm};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::format::{format_date, format_money};
use crate::model::lang::Lang;
use crate::model::reminder::view::Upcoming;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

const HERE: &str = "/staff/reminders";

type Loaded<T> = Resource<Result<T, AppError>>;

#[component]
pub fn StaffRemindersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let page_lang = Lang::from(i18n.get_locale_untracked()).code();
    // Every resource starts here, never under the Suspense
    // (leptos-rs/leptos#4866); the others follow the settings' answer,
    // which decides the page (sign-in, 403).
    let loading = ArcResource::new(|| (), |_| reminder_settings());
    let settings = Resource::from(loading.clone());
    let upcoming = {
        let loading = loading.clone();
        Resource::new(
            || (),
            move |_| {
                let loading = loading.clone();
                async move {
                    untracked(loading).await?;
                    reminders_upcoming().await
                }
            },
        )
    };
    let preview_key = move || {
        query.with(|q| {
            let index = q.get("preview").and_then(|p| p.parse::<usize>().ok());
            (
                index,
                q.get("lang").unwrap_or_else(|| page_lang.to_string()),
            )
        })
    };
    let preview = {
        let loading = loading.clone();
        Resource::new(preview_key, move |(index, lang)| {
            let loading = loading.clone();
            async move {
                untracked(loading).await?;
                match index {
                    Some(i) => reminder_preview(i, lang).await.map(Some),
                    None => Ok(None),
                }
            }
        })
    };
    let dry = Resource::new(
        move || query.with(|q| q.get("dry_run").is_some()),
        move |asked| {
            let loading = loading.clone();
            async move {
                untracked(loading).await?;
                if asked {
                    reminder_dry_run().await.map(Some)
                } else {
                    Ok(None)
                }
            }
        },
    );
    view! {
        <Title text=t_string!(i18n, rem_title).to_string() />
        <section class="panel wide reminders-page" data-testid="rem-page">
            <p class="back"><a href="/staff">"← " {t!(i18n, staff_title)}</a></p>
            <h1>{t!(i18n, rem_title)}</h1>
            <p class="intro">{t!(i18n, rem_intro)}</p>
            <Suspense fallback=move || view! { <p aria-busy="true">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move { match settings.await {
                    Ok(page) => view! { <PageBody page preview upcoming dry /> }.into_any(),
                    Err(error) => view! { <LoadFailed error here=HERE.to_string() /> }.into_any(),
                }})}
            </Suspense>
        </section>
    }
}

#[component]
fn PageBody(
    page: ReminderSettingsPage,
    preview: Loaded<Option<PreviewView>>,
    upcoming: Loaded<Vec<Upcoming>>,
    dry: Loaded<Option<DryRun>>,
) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match preview.await {
                    Ok(Some(p)) => view! { <PreviewPanel p /> }.into_any(),
                    Ok(None) => ().into_any(),
                    Err(e) => view! { <p class="alert" role="alert" id="preview">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
        <ReminderSettingsForm page=page.clone() />
        <ReminderRates rates=page.rates input=page.rate_input errors=page.rate_errors />
        <UpcomingSection upcoming />
        <DryRunSection dry />
    }
}

/// A saved step rendered on real data: subject and body as the email says them.
#[component]
fn PreviewPanel(p: PreviewView) -> impl IntoView {
    let i18n = use_i18n();
    let step = step_label(i64::from(p.offset_days), p.tone);
    let lang = p.lang.clone();
    view! {
        <section class="rem-preview" id="preview" aria-labelledby="preview-h" data-testid="rem-preview">
            <h2 id="preview-h">{t!(i18n, rem_preview_title, step = step)}</h2>
            {match p.invoice.clone() {
                Some(number) => view! { <p class="hint" data-testid="rem-preview-invoice">{t!(i18n, rem_preview_invoice, number = number)}</p> }.into_any(),
                None => view! { <p class="hint" data-testid="rem-preview-invoice">{t!(i18n, rem_preview_sample)}</p> }.into_any(),
            }}
            <div lang=lang.clone()>
                <h3>{t!(i18n, rem_preview_subject)}</h3>
                <p class="rem-preview-subject" data-testid="rem-preview-subject">{p.subject.clone()}</p>
                <h3>{t!(i18n, rem_preview_body)}</h3>
                <pre class="rem-preview-body" data-testid="rem-preview-body">{p.body.clone()}</pre>
            </div>
            <p><a href=format!("{HERE}#rem-step-{}", p.index)>{t!(i18n, rem_preview_close)}</a></p>
        </section>
    }
}

/// What the last skip or send did, from the query string.
fn upcoming_outcome() -> (Option<String>, Option<String>) {
    let i18n = use_i18n();
    let done = use_query_map().with_untracked(|q| q.get("upcoming"));
    let done = done.and_then(|w| match w.as_str() {
        "skipped" => Some(t_string!(i18n, rem_skipped_done).to_string()),
        "sent" => Some(t_string!(i18n, rem_sent_done).to_string()),
        _ => None,
    });
    let refused = refusal_in_query("upcoming").map(|r| match r.error() {
        AppError::Conflict | AppError::NotFound => t_string!(i18n, rem_action_conflict).to_string(),
        e => error_text(&e),
    });
    (done, refused)
}

#[component]
fn UpcomingSection(upcoming: Loaded<Vec<Upcoming>>) -> impl IntoView {
    let i18n = use_i18n();
    let (done, refused) = upcoming_outcome();
    let days = UPCOMING_DAYS;
    view! {
        <section id="upcoming" aria-labelledby="upcoming-h" data-testid="rem-upcoming">
            <h2 id="upcoming-h">{t!(i18n, rem_upcoming_title, days = days)}</h2>
            {done.map(|m| view! { <p class="success" role="status" data-testid="rem-upcoming-done">{m}</p> })}
            {refused.map(|m| view! { <p class="alert" role="alert" data-testid="rem-upcoming-error">{m}</p> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match upcoming.await {
                        Ok(rows) if rows.is_empty() => view! { <p class="empty">{t!(i18n, rem_upcoming_none, days = days)}</p> }.into_any(),
                        Ok(rows) => view! { <UpcomingTable rows /> }.into_any(),
                        Err(e) => view! { <p class="alert" role="alert">{error_text(&e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn UpcomingTable(rows: Vec<Upcoming>) -> impl IntoView {
    let i18n = use_i18n();
    let cols = [
        t_string!(i18n, rem_col_date).to_string(),
        t_string!(i18n, rem_col_invoice).to_string(),
        t_string!(i18n, rem_col_customer).to_string(),
        t_string!(i18n, rem_col_step).to_string(),
        t_string!(i18n, rem_col_amount).to_string(),
        t_string!(i18n, rem_col_hold).to_string(),
        t_string!(i18n, rem_col_actions).to_string(),
    ];
    let head = cols
        .iter()
        .map(|c| view! { <th scope="col">{c.clone()}</th> })
        .collect_view();
    let body = rows
        .into_iter()
        .map(|u| view! { <UpcomingRow u cols=cols.clone() /> })
        .collect_view();
    view! {
        <table class="invoices rem-upcoming">
            <thead><tr>{head}</tr></thead>
            <tbody>{body}</tbody>
        </table>
    }
}

#[component]
fn UpcomingRow(u: Upcoming, cols: [String; 7]) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let skip = ServerAction::<SkipReminder>::new();
    let send = ServerAction::<SendReminderNow>::new();
    let step = step_label(i64::from(u.offset_days), u.tone);
    let which = format!("{} {}", u.number, step);
    let held = u.hold.map(hold_label);
    let (id, offset) = (u.invoice_id.to_string(), u.offset_days.to_string());
    let send_now = held.is_none().then(|| {
        let (id, offset, which) = (id.clone(), offset.clone(), which.clone());
        view! {
            <ActionForm action=send>
                <input type="hidden" name="invoice_id" value=id />
                <input type="hidden" name="offset" value=offset />
                <button type="submit" class="secondary" data-testid="rem-send-now">
                    {t!(i18n, rem_send_now)} <span class="visually-hidden">" " {which}</span>
                </button>
            </ActionForm>
        }
    });
    view! {
        <tr data-testid="rem-upcoming-row">
            <th scope="row" data-label=cols[0].clone()><time datetime=u.date.to_string()>{format_date(u.date, lang)}</time></th>
            <td data-label=cols[1].clone()><a href=format!("/staff/invoices/{}", u.invoice_id)>{u.number.clone()}</a></td>
            <td data-label=cols[2].clone()>{u.customer.clone()}</td>
            <td data-label=cols[3].clone()>{step}</td>
            <td class="num" data-label=cols[4].clone()>{format_money(u.amount, &u.currency, lang)}</td>
            <td data-label=cols[5].clone() data-testid="rem-hold">
                {held.clone().unwrap_or_else(|| t_string!(i18n, rem_hold_none).to_string())}
            </td>
            <td data-label=cols[6].clone()>
                <div class="rem-actions">
                    <ActionForm action=skip>
                        <input type="hidden" name="invoice_id" value=id />
                        <input type="hidden" name="offset" value=offset />
                        <button type="submit" class="link-button" data-testid="rem-skip">
                            {t!(i18n, rem_skip)} <span class="visually-hidden">" " {which}</span>
                        </button>
                    </ActionForm>
                    {send_now}
                </div>
            </td>
        </tr>
    }
}

/// What a run now would send: asked for with a plain GET (`?dry_run=1`).
#[component]
fn DryRunSection(dry: Loaded<Option<DryRun>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section id="dry-run" aria-labelledby="dry-h" data-testid="rem-dry-run">
            <h2 id="dry-h">{t!(i18n, rem_dry_title)}</h2>
            <p class="hint">{t!(i18n, rem_dry_hint)}</p>
            <form method="get" action=format!("{HERE}#dry-run")>
                <input type="hidden" name="dry_run" value="1" />
                <button type="submit" class="secondary" data-testid="rem-dry-run-button">{t!(i18n, rem_dry_button)}</button>
            </form>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match dry.await {
                        Ok(Some(report)) => view! { <DryRunReport report /> }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(e) => view! { <p class="alert" role="alert">{error_text(&e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn DryRunReport(report: DryRun) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    if report.idle.is_some() {
        return view! { <p class="notice" data-testid="rem-dry-idle">{t!(i18n, rem_dry_idle)}</p> }
            .into_any();
    }
    let held = report.held.len();
    let items = report
        .planned
        .iter()
        .map(|p| {
            let disputed = (p.disputed > 0).then(|| {
                let amount = format_money(p.disputed, &p.currency, lang);
                view! { " · " <span class="muted">{t!(i18n, rem_dry_disputed, amount = amount)}</span> }
            });
            view! {
                <li data-testid="rem-dry-item">
                    <a href=format!("/staff/invoices/{}", p.invoice_id)>{p.number.clone()}</a>
                    " · " {p.customer.clone()}
                    " · " {step_label(i64::from(p.offset_days), p.tone)}
                    " · " {format_money(p.amount, &p.currency, lang)}
                    {disputed}
                </li>
            }
        })
        .collect_view();
    view! {
        {if report.planned.is_empty() {
            view! { <p class="empty" data-testid="rem-dry-none">{t!(i18n, rem_dry_none)}</p> }.into_any()
        } else {
            view! { <ul class="history" data-testid="rem-dry-list">{items}</ul> }.into_any()
        }}
        {(held > 0).then(|| view! { <p class="hint">{t!(i18n, rem_dry_held, count = held)}</p> })}
    }
    .into_any()
}
