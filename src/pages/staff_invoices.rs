//! `/staff/invoices`: every invoice, credit note and draft, with filters by
//! status, customer and date, search by number or customer name, and keyset
//! pagination. The filter form is a plain GET.
use crate::api::staff_invoices::{customer_options, staff_invoice_list};
use crate::components::dashboard_labels::age_label;
use crate::components::document::status_label;
use crate::components::errors::error_text;
use crate::components::layout::url_escape;
use crate::error::AppError;
use crate::i18n::*;
use crate::model::dashboard::AgeBucket;
use crate::model::format::{format_date, format_money};
use crate::model::lang::Lang;
use crate::model::listing::{StaffInvoiceRow, StaffStatus};
use crate::pages::forbidden::ForbiddenPage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

fn staff_status_label(s: StaffStatus) -> String {
    let i18n = use_i18n();
    match s {
        StaffStatus::All => t_string!(i18n, filter_all),
        StaffStatus::Draft => t_string!(i18n, status_draft),
        StaffStatus::ToPay => t_string!(i18n, filter_to_pay),
        StaffStatus::Overdue => t_string!(i18n, filter_overdue),
        StaffStatus::Paid => t_string!(i18n, filter_paid),
        StaffStatus::Disputed => t_string!(i18n, filter_disputed),
        StaffStatus::Credited => t_string!(i18n, status_credited),
    }
    .to_string()
}

#[component]
pub fn StaffInvoicesPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let get = move |k: &str| query.with(|q| q.get(k)).filter(|v| !v.trim().is_empty());
    let key = move || {
        (
            get("status").unwrap_or_default(),
            get("q"),
            get("customer").and_then(|c| c.parse::<i64>().ok()),
            get("from"),
            get("to"),
            get("after"),
            get("age"),
        )
    };
    let list = Resource::new(key, |(s, q, c, f, t, a, age)| {
        staff_invoice_list(s, q, c, f, t, a, age)
    });
    let customers = Resource::new(|| (), |_| customer_options());
    view! {
        <Title text=t_string!(i18n, staff_invoices_title).to_string() />
        <section class="panel wide">
            <div class="title-row">
                <h1>{t!(i18n, staff_invoices_title)}</h1>
                <a class="button-link" href="/staff/invoices/new" data-testid="new-invoice">{t!(i18n, staff_new_invoice)}</a>
            </div>
            <form method="get" action="/staff/invoices" class="filter-form" role="search">
                <div class="field">
                    <label for="f-status">{t!(i18n, col_status)}</label>
                    <select id="f-status" name="status">
                        {StaffStatus::ALL.into_iter().map(|s| view! {
                            <option value=s.as_str() selected=move || get("status").unwrap_or_default() == s.as_str()>{move || staff_status_label(s)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="f-customer">{t!(i18n, col_customer)}</label>
                    <select id="f-customer" name="customer">
                        <option value="">{t!(i18n, filter_all)}</option>
                        <Suspense fallback=|| ()>
                            {move || Suspend::new(async move {
                                customers.await.ok().map(|cs| cs.into_iter().map(|(id, name)| {
                                    let v = id.to_string();
                                    let sel = get("customer") == Some(v.clone());
                                    view! { <option value=v selected=sel>{name}</option> }
                                }).collect_view())
                            })}
                        </Suspense>
                    </select>
                </div>
                <div class="field">
                    <label for="f-age">{t!(i18n, dash_age_filter)}</label>
                    <select id="f-age" name="age" data-testid="filter-age">
                        <option value="">{t!(i18n, filter_all)}</option>
                        {AgeBucket::ALL.into_iter().map(|b| view! {
                            <option value=b.as_str() selected=move || get("age").as_deref() == Some(b.as_str())>{move || age_label(b)}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field"><label for="f-from">{t!(i18n, filter_from)}</label><input id="f-from" type="date" name="from" value=move || get("from").unwrap_or_default() /></div>
                <div class="field"><label for="f-to">{t!(i18n, filter_to)}</label><input id="f-to" type="date" name="to" value=move || get("to").unwrap_or_default() /></div>
                <div class="field grow"><label for="f-q">{t!(i18n, staff_search_label)}</label><input id="f-q" type="search" name="q" maxlength="100" value=move || get("q").unwrap_or_default() data-testid="staff-search" /></div>
                <button type="submit" class="secondary">{t!(i18n, search_submit)}</button>
            </form>
            <Transition fallback=move || view! { <p aria-busy="true">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move { match list.await {
                    Ok(page) => {
                        let next = page.next.clone().map(|c| {
                            let mut qs: Vec<String> = ["status", "q", "customer", "from", "to", "age"].iter()
                                .filter_map(|k| get(k).map(|v| format!("{k}={}", url_escape(&v)))).collect();
                            qs.push(format!("after={}", url_escape(&c)));
                            format!("/staff/invoices?{}", qs.join("&"))
                        });
                        view! {
                            <StaffTable rows=page.rows />
                            {next.map(|h| view! { <nav class="pager"><a class="chip" href=h>{t!(i18n, pager_next)}</a></nav> })}
                        }.into_any()
                    }
                    Err(AppError::Unauthenticated) => view! { <Redirect path="/login?next=/staff/invoices" /> }.into_any(),
                    Err(AppError::Forbidden) => view! { <ForbiddenPage /> }.into_any(),
                    Err(e) => view! { <p class="alert" role="alert">{error_text(&e)}</p> }.into_any(),
                }})}
            </Transition>
        </section>
    }
}

#[component]
fn StaffTable(rows: Vec<StaffInvoiceRow>) -> impl IntoView {
    let i18n = use_i18n();
    if rows.is_empty() {
        return view! { <p class="empty">{t!(i18n, invoices_empty)}</p> }.into_any();
    }
    let lang = Lang::from(i18n.get_locale_untracked());
    let draft_label = t_string!(i18n, status_draft).to_string();
    let av_label = t_string!(i18n, doc_credit_note).to_string();
    view! {
        <table class="invoices" data-testid="staff-invoice-list">
            <thead><tr>
                <th scope="col">{t!(i18n, col_number)}</th>
                <th scope="col">{t!(i18n, col_customer)}</th>
                <th scope="col">{t!(i18n, col_issue_date)}</th>
                <th scope="col">{t!(i18n, col_due_date)}</th>
                <th scope="col" class="num">{t!(i18n, col_total)}</th>
                <th scope="col">{t!(i18n, col_status)}</th>
                <th scope="col" class="num">{t!(i18n, col_balance)}</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| {
                    let label = match (&r.number, r.credit_note) {
                        (Some(n), true) => format!("{n} ({av_label})"),
                        (Some(n), false) => n.clone(),
                        (None, _) => format!("{draft_label} #{}", r.id),
                    };
                    view! {
                        <tr data-testid="staff-invoice-row">
                            <th scope="row" data-label=t_string!(i18n, col_number)><a href=format!("/staff/invoices/{}", r.id)>{label}</a></th>
                            <td data-label=t_string!(i18n, col_customer)>{r.customer_name.clone()}</td>
                            <td data-label=t_string!(i18n, col_issue_date)>{r.issue_date.map(|d| format_date(d, lang)).unwrap_or_default()}</td>
                            <td data-label=t_string!(i18n, col_due_date)>{r.due_date.map(|d| format_date(d, lang)).unwrap_or_default()}</td>
                            <td class="num" data-label=t_string!(i18n, col_total)>{format_money(r.total_ttc, &r.currency, lang)}</td>
                            <td data-label=t_string!(i18n, col_status)><span class=format!("badge badge-{}", r.status.css())>{status_label(r.status)}</span></td>
                            <td class="num" data-label=t_string!(i18n, col_balance)>{format_money(r.balance, &r.currency, lang)}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
    }.into_any()
}
