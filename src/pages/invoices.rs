//! `/invoices`: the customer's invoices, with a status filter carried in
//! `?status=`. The filter chips are plain links (a GET, rendered on the server).
use crate::api::invoices::my_invoices;
use crate::components::document::{CreditNoteLinks, CreditNoteList, status_label};
use crate::components::errors::error_text;
use crate::error::AppError;
use crate::i18n::*;
use crate::model::format::{format_date, format_money};
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
    let search = Memo::new(move |_| query.with(|q| q.get("q")).filter(|s| !s.trim().is_empty()));
    let after = Memo::new(move |_| query.with(|q| q.get("after")).filter(|s| !s.is_empty()));
    let invoices = Resource::new(
        move || (filter.get(), search.get(), after.get()),
        |(f, q, a)| my_invoices(f.as_str().to_string(), q, a),
    );
    view! {
        <Title text=t_string!(i18n, invoices_title).to_string() />
        <section class="panel">
            <h1>{t!(i18n, invoices_title)}</h1>
            <FilterBar current=filter search />
            <SearchForm filter search />
            <Transition fallback=move || view! { <p aria-busy="true">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move { match invoices.await {
                    Ok(page) => {
                        let next = page.next.clone().map(|c| page_href(filter.get_untracked(), search.get_untracked(), Some(c)));
                        let first = after.get_untracked().map(|_| page_href(filter.get_untracked(), search.get_untracked(), None));
                        view! {
                            <InvoiceList list=page.rows />
                            <Pager next first />
                        }
                        .into_any()
                    }
                    Err(AppError::Unauthenticated) => {
                        view! { <Redirect path="/login?next=/invoices" /> }.into_any()
                    }
                    Err(AppError::Forbidden) => view! { <Redirect path="/staff" /> }.into_any(),
                    Err(e) => view! { <p class="alert" role="alert">{error_text(&e)}</p> }.into_any(),
                }})}
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

/// The list URL for a filter, a search and a page cursor.
fn page_href(f: StatusFilter, q: Option<String>, after: Option<String>) -> String {
    let mut parts = Vec::new();
    if f != StatusFilter::All {
        parts.push(format!("status={}", f.as_str()));
    }
    if let Some(q) = q {
        parts.push(format!("q={}", crate::components::layout::url_escape(&q)));
    }
    if let Some(a) = after {
        parts.push(format!(
            "after={}",
            crate::components::layout::url_escape(&a)
        ));
    }
    if parts.is_empty() {
        "/invoices".into()
    } else {
        format!("/invoices?{}", parts.join("&"))
    }
}

#[component]
fn SearchForm(filter: Memo<StatusFilter>, search: Memo<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <form method="get" action="/invoices" class="search" role="search">
            <input type="hidden" name="status" value=move || filter.get().as_str() />
            <label for="invoice-search" class="visually-hidden">{t!(i18n, search_label)}</label>
            <input
                id="invoice-search"
                type="search"
                name="q"
                maxlength="100"
                placeholder=move || t_string!(i18n, search_placeholder)
                value=move || search.get().unwrap_or_default()
                data-testid="invoice-search"
            />
            <button type="submit" class="secondary">{t!(i18n, search_submit)}</button>
        </form>
    }
}

#[component]
fn Pager(next: Option<String>, first: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="pager" aria-label=move || t_string!(i18n, pager_label)>
            {first.map(|h| view! { <a href=h class="chip">{t!(i18n, pager_first)}</a> })}
            {next.map(|h| view! { <a href=h class="chip" data-testid="next-page">{t!(i18n, pager_next)}</a> })}
        </nav>
    }
}

#[component]
fn FilterBar(current: Memo<StatusFilter>, search: Memo<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="filters" aria-label=move || t_string!(i18n, filter_label)>
            {StatusFilter::ALL
                .into_iter()
                .map(|f| {
                    let href = move || page_href(f, search.get(), None);
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
        <p><a href="/statement" class="chip" data-testid="statement-link">{t!(i18n, st_title)}</a></p>
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
        {(!inv.credit_notes.is_empty()).then(|| view! {
            // Listed under the invoice they correct.
            <tr class="credit-notes-row" data-testid="invoice-credit-notes">
                <td colspan="6">
                    <ul class="credit-note-list">
                        <CreditNoteList notes=inv.credit_notes.clone() links=CreditNoteLinks::Account />
                    </ul>
                </td>
            </tr>
        })}
    }
}
