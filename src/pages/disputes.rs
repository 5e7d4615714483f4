//! `/disputes`: the signed-in customer's own disputes, newest first, each
//! with its invoice, reason, status, amount, opening date and last message.
use crate::api::disputes::my_disputes;
use crate::components::dispute_labels::{StatusBadge, format_instant, reason_label};
use crate::components::errors::error_text;
use crate::error::AppError;
use crate::i18n::*;
use crate::model::dispute::CustomerDisputeRow;
use crate::model::format::{format_instant_date, format_money};
use crate::model::lang::Lang;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;

#[component]
pub fn DisputesPage() -> impl IntoView {
    let i18n = use_i18n();
    let list = Resource::new(|| (), |_| my_disputes());
    view! {
        <Title text=t_string!(i18n, dispute_list_title).to_string() />
        <section class="panel">
            <h1>{t!(i18n, dispute_list_title)}</h1>
            <Suspense fallback=move || view! { <p aria-busy="true">{t!(i18n, loading)}</p> }>
                {move || Suspend::new(async move { match list.await {
                    Ok(rows) => view! { <DisputeList rows /> }.into_any(),
                    Err(AppError::Unauthenticated) => view! { <Redirect path="/login?next=/disputes" /> }.into_any(),
                    Err(AppError::Forbidden) => view! { <Redirect path="/staff" /> }.into_any(),
                    Err(e) => view! { <p class="alert" role="alert">{error_text(&e)}</p> }.into_any(),
                }})}
            </Suspense>
        </section>
    }
}

/// A table that stacks into cards on phones (as the invoice list does).
#[component]
fn DisputeList(rows: Vec<CustomerDisputeRow>) -> impl IntoView {
    let i18n = use_i18n();
    if rows.is_empty() {
        return view! { <p class="empty" data-testid="disputes-empty">{t!(i18n, dispute_list_empty)}</p> }.into_any();
    }
    let lang = Lang::from(i18n.get_locale_untracked());
    let rows = rows
        .into_iter()
        .map(|d| view! { <DisputeRow d lang /> })
        .collect_view();
    view! {
        <table class="invoices disputes" data-testid="my-disputes">
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, dispute_col_invoice)}</th>
                    <th scope="col">{t!(i18n, dispute_col_reason)}</th>
                    <th scope="col">{t!(i18n, dispute_col_status)}</th>
                    <th scope="col" class="num">{t!(i18n, dispute_col_amount)}</th>
                    <th scope="col">{t!(i18n, dispute_col_opened)}</th>
                    <th scope="col">{t!(i18n, dispute_col_last_message)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

#[component]
fn DisputeRow(d: CustomerDisputeRow, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <tr data-testid="my-disputes-row" data-status=d.status.as_str()>
            <th scope="row" data-label=t_string!(i18n, dispute_col_invoice)>
                <a href=format!("/disputes/{}", d.id) data-testid="my-dispute-link">{d.invoice_number.clone()}</a>
            </th>
            <td data-label=t_string!(i18n, dispute_col_reason)>{reason_label(d.reason)}</td>
            <td data-label=t_string!(i18n, dispute_col_status)><StatusBadge status=d.status /></td>
            <td class="num" data-label=t_string!(i18n, dispute_col_amount)>
                {format_money(d.disputed_amount, &d.currency, lang)}
            </td>
            <td data-label=t_string!(i18n, dispute_col_opened)>{format_instant_date(d.created_at, lang)}</td>
            <td data-label=t_string!(i18n, dispute_col_last_message)>{format_instant(d.last_message_at, lang)}</td>
        </tr>
    }
}
