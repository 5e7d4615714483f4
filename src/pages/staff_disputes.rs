//! `/staff/disputes`: the queue of disputes, those waiting for a staff answer
//! first, filtered by status and assignee with a plain GET form.
use crate::api::staff_disputes::{DisputeQueueData, StaffMember, dispute_queue};
use crate::components::dispute_labels::{Reader, reason_label, status_label};
use crate::components::errors::error_text;
use crate::components::staff_dispute_labels::{DisputeBadge, age_text};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::dispute::{DisputeStatus, QueueRow};
use crate::model::format::format_money;
use crate::model::lang::Lang;
use crate::model::staff::StaffHome;
use crate::pages::forbidden::ForbiddenPage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffDisputesPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let get = move |k: &str| query.with(|q| q.get(k)).unwrap_or_default();
    let list = Resource::new(
        move || (get("status"), get("assignee")),
        |(s, a)| dispute_queue(s, a),
    );
    view! {
        <Title text=t_string!(i18n, sd_queue_title).to_string() />
        <section class="panel wide" data-testid="sd-queue">
            <h1>{t!(i18n, sd_queue_title)}</h1>
            <Transition fallback=move || view! { <p aria-busy="true">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move { match list.await {
                    Ok(d) => view! { <QueueFilters staff=d.staff.clone() /> <QueueTable d /> }.into_any(),
                    Err(AppError::Unauthenticated) => view! { <Redirect path="/login?next=/staff/disputes" /> }.into_any(),
                    Err(AppError::Forbidden) => view! { <ForbiddenPage /> }.into_any(),
                    Err(e) => view! { <p class="alert" role="alert">{error_text(&e)}</p> }.into_any(),
                }})}
            </Transition>
        </section>
    }
}

/// Status and assignee filters, a GET form that works without JavaScript.
#[component]
fn QueueFilters(staff: Vec<StaffMember>) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let get = move |k: &str| query.with_untracked(|q| q.get(k)).unwrap_or_default();
    let (status, assignee) = (get("status"), get("assignee"));
    let option = |value: String, label: String, current: &str| {
        let selected = value == current;
        view! { <option value=value selected=selected>{label}</option> }
    };
    let statuses = DisputeStatus::ALL
        .into_iter()
        .map(|s| option(s.as_str().into(), status_label(s, Reader::Staff), &status))
        .collect_view();
    let people = staff
        .into_iter()
        .filter(|m| m.active)
        .map(|m| option(m.id.to_string(), m.name, &assignee))
        .collect_view();
    view! {
        <form method="get" action="/staff/disputes" class="filter-form" role="search">
            <div class="field">
                <label for="sdf-status">{t!(i18n, sd_col_status)}</label>
                <select id="sdf-status" name="status" data-testid="queue-filter-status">
                    {option(String::new(), t_string!(i18n, sd_filter_not_closed).to_string(), &status)}
                    {statuses}
                </select>
            </div>
            <div class="field">
                <label for="sdf-assignee">{t!(i18n, sd_col_assignee)}</label>
                <select id="sdf-assignee" name="assignee" data-testid="queue-filter-assignee">
                    {option(String::new(), t_string!(i18n, sd_filter_anyone).to_string(), &assignee)}
                    {option("mine".into(), t_string!(i18n, sd_filter_mine).to_string(), &assignee)}
                    {option("unassigned".into(), t_string!(i18n, sd_filter_unassigned).to_string(), &assignee)}
                    {people}
                </select>
            </div>
            <button type="submit" class="secondary" data-testid="queue-filter-submit">{t!(i18n, sd_filter_submit)}</button>
        </form>
    }
}

#[component]
fn QueueTable(d: DisputeQueueData) -> impl IntoView {
    let i18n = use_i18n();
    if d.rows.is_empty() {
        return view! { <p class="empty" data-testid="sd-queue-empty">{t!(i18n, sd_queue_empty)}</p> }
            .into_any();
    }
    view! {
        <table class="invoices sd-queue" data-testid="sd-queue-list">
            <caption class="visually-hidden">{t!(i18n, sd_queue_caption)}</caption>
            <thead><tr>
                <th scope="col">{t!(i18n, sd_col_invoice)}</th>
                <th scope="col">{t!(i18n, sd_col_customer)}</th>
                <th scope="col">{t!(i18n, sd_col_reason)}</th>
                <th scope="col">{t!(i18n, sd_col_status)}</th>
                <th scope="col" class="num">{t!(i18n, sd_col_amount)}</th>
                <th scope="col">{t!(i18n, sd_col_assignee)}</th>
                <th scope="col">{t!(i18n, sd_col_age)}</th>
                <th scope="col">{t!(i18n, sd_col_last_customer)}</th>
            </tr></thead>
            <tbody>{d.rows.into_iter().map(|r| view! { <QueueRowView r /> }).collect_view()}</tbody>
        </table>
    }
    .into_any()
}

#[component]
fn QueueRowView(r: QueueRow) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let since = r
        .since_customer_message_secs
        .map(age_text)
        .unwrap_or_else(|| "—".into());
    let assignee = r
        .assignee_name
        .clone()
        .unwrap_or_else(|| t_string!(i18n, sd_unassigned).to_string());
    view! {
        <tr data-testid="queue-row" class:sd-waiting-row=r.waiting_for_staff>
            <th scope="row" data-label=t_string!(i18n, sd_col_invoice)>
                <a href=format!("/staff/disputes/{}", r.id)>{r.invoice_number.clone()}</a>
                {r.waiting_for_staff.then(|| view! { " " <strong class="sd-waiting" data-testid="queue-waiting">{t!(i18n, sd_waiting_for_you)}</strong> })}
            </th>
            <td data-label=t_string!(i18n, sd_col_customer)>{r.customer_name.clone()}</td>
            <td data-label=t_string!(i18n, sd_col_reason)>{reason_label(r.reason)}</td>
            <td data-label=t_string!(i18n, sd_col_status)><DisputeBadge status=r.status /></td>
            <td class="num" data-label=t_string!(i18n, sd_col_amount)>{format_money(r.disputed_amount, &r.currency, lang)}</td>
            <td data-label=t_string!(i18n, sd_col_assignee)>{assignee}</td>
            <td data-label=t_string!(i18n, sd_col_age) data-testid="queue-age">{age_text(r.age_secs)}</td>
            <td data-label=t_string!(i18n, sd_col_last_customer)>{since}</td>
        </tr>
    }
}

/// How many disputes wait for a staff answer, for [`DisputesNavLink`].
pub type WaitingResource = Resource<Result<usize, AppError>>;

/// Starts counting the disputes that wait for staff once the staff home
/// `home` has loaded (a refusal decides the page). Call it at the top of the
/// route component, never under a `<Suspense>` (leptos-rs/leptos#4866).
pub fn waiting_resource(home: ArcResource<Result<StaffHome, AppError>>) -> WaitingResource {
    Resource::new(
        || (),
        move |_| {
            let home = home.clone();
            async move {
                crate::components::page_load::untracked(home).await?;
                crate::api::staff_disputes::disputes_waiting().await
            }
        },
    )
}

/// The staff navigation's link to the queue, with how many disputes wait
/// for a staff answer.
#[component]
pub fn DisputesNavLink(waiting: WaitingResource) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <a class="chip" href="/staff/disputes" data-testid="nav-staff-disputes">
            {t!(i18n, sd_nav)}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    waiting.await.ok().filter(|n| *n > 0).map(|n| view! {
                        " " <span class="sd-count" data-testid="nav-disputes-waiting">{t!(i18n, sd_nav_waiting, n = n)}</span>
                    })
                })}
            </Suspense>
        </a>
    }
}
