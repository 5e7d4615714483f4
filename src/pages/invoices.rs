//! `/invoices`: the customer's invoices, with a status filter carried in
//! `?status=`. The filter chips are links: a plain GET without JavaScript, an
//! in-place update (client-side navigation + refetch) once hydrated.
use crate::api::invoices::my_invoices;
use crate::components::errors::error_text;
use crate::error::AppError;
use crate::i18n::*;
use crate::model::format::{format_date, format_money};
use crate::components::document::status_label;
use crate::model::invoice::{InvoiceSummary, StatusFilter};
use crate::model::lang::Lang;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

#[component]
pub fn InvoicesPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        StatusFilter::parse(&query.with(|q| q.get("status")).unwrap_or_default())
    });
    let invoices = Resource::new(
        move || filter.get(),
        |f| my_invoices(f.as_str().to_string()),
    );
    view! {
        <Title text=move || t_string!(i18n, invoices_title) />
        <section class="panel">
            <h1>{t!(i18n, invoices_title)}</h1>
            <FilterBar current=filter />
            <Transition fallback=move || view! { <p aria-busy="true">{t!(i18n, loading)}</p> }>
                {move || invoices.get().map(|r| match r {
                    Ok(list) => view! { <InvoiceList list /> }.into_any(),
                    Err(AppError::Unauthenticated) => {
                        view! { <Redirect path="/login?next=/invoices" /> }.into_any()
                    }
                    Err(AppError::Forbidden) => view! { <Redirect path="/staff" /> }.into_any(),
                    Err(e) => view! { <p class="alert" role="alert">{error_text(&e)}</p> }.into_any(),
                })}
            </Transition>
        </section>
    }
}

fn filter_label(f: StatusFilter) -> String {
    let i18n = use_i18n();
    match f {
        StatusFilter::All => t_string!(i18n, filter_all),
        StatusFilter::ToPay => t_string!(i18n, filter_to_pay),
        StatusFilter::Overdue => t_string!(i18n, filter_overdue),
        StatusFilter::Paid => t_string!(i18n, filter_paid),
        StatusFilter::Disputed => t_string!(i18n, filter_disputed),
    }
    .to_string()
}

#[component]
fn FilterBar(current: Memo<StatusFilter>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="filters" aria-label=move || t_string!(i18n, filter_label)>
            {StatusFilter::ALL
                .into_iter()
                .map(|f| {
                    let href = if f == StatusFilter::All {
                        "/invoices".to_string()
                    } else {
                        format!("/invoices?status={}", f.as_str())
                    };
                    view! {
                        <a
                            href=href
                            class="chip"
                            data-testid=format!("filter-{}", f.as_str())
                            aria-current=move || (current.get() == f).then_some("page")
                        >
                            {move || filter_label(f)}
                        </a>
                    }
                })
                .collect_view()}
        </nav>
    }
}


/// The list as a table that stacks into cards on narrow screens (every cell
/// carries its column name for that layout).
#[component]
fn InvoiceList(list: Vec<InvoiceSummary>) -> impl IntoView {
    let i18n = use_i18n();
    if list.is_empty() {
        return view! { <p class="empty" data-testid="invoices-empty">{t!(i18n, invoices_empty)}</p> }.into_any();
    }
    let lang = Lang::from(i18n.get_locale_untracked());
    let due: i64 = list.iter().map(|i| i.balance.max(0)).sum();
    let currency = list[0].currency.clone();
    let rows = list
        .into_iter()
        .map(|inv| view! { <InvoiceRow inv lang /> })
        .collect_view();
    view! {
        <p class="total-due" data-testid="total-due">
            {t!(i18n, invoices_total_due)} ": " <strong>{format_money(due, &currency, lang)}</strong>
        </p>
        <table class="invoices" data-testid="invoice-list">
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, col_number)}</th>
                    <th scope="col">{t!(i18n, col_issue_date)}</th>
                    <th scope="col">{t!(i18n, col_due_date)}</th>
                    <th scope="col" class="num">{t!(i18n, col_total)}</th>
                    <th scope="col">{t!(i18n, col_status)}</th>
                    <th scope="col" class="num">{t!(i18n, col_balance)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

#[component]
fn InvoiceRow(inv: InvoiceSummary, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <tr data-testid="invoice-row" data-status=inv.status.css()>
            <th scope="row" data-label=t_string!(i18n, col_number)>
                <a href=format!("/invoices/{}", inv.number) data-testid="invoice-link">{inv.number.clone()}</a>
            </th>
            <td data-label=t_string!(i18n, col_issue_date)>{format_date(inv.issue_date, lang)}</td>
            <td data-label=t_string!(i18n, col_due_date)>{format_date(inv.due_date, lang)}</td>
            <td class="num" data-label=t_string!(i18n, col_total)>
                {format_money(inv.total_ttc, &inv.currency, lang)}
            </td>
            <td data-label=t_string!(i18n, col_status)>
                <span class=format!("badge badge-{}", inv.status.css())>{status_label(inv.status)}</span>
            </td>
            <td class="num" data-label=t_string!(i18n, col_balance)>
                {format_money(inv.balance, &inv.currency, lang)}
            </td>
        </tr>
    }
}
