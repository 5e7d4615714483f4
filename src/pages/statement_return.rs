//! After a statement checkout (one payment over several invoices): the return
//! page under each way to a statement (`/statement/return`,
//! `/statements/{token}/return`, `/pay/{token}/statement/return`). It only
//! reads what webhooks recorded, reloading itself until they land, and then
//! shows the receipt: every invoice the payment settled and what is left.
use crate::api::statement_pay::statement_checkout_status;
use crate::error::AppError;
use crate::i18n::*;
use crate::model::allocation::{StatementOutcome, StatementReceipt};
use crate::model::format::{format_instant_date, format_money};
use crate::model::lang::Lang;
use crate::model::statement_access::StatementAccess;
use crate::pages::not_found::NotFoundPage;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

fn token() -> String {
    use_params_map()
        .with_untracked(|p| p.get("token"))
        .unwrap_or_default()
}

#[component]
pub fn StatementReturnPage() -> impl IntoView {
    view! { <ReturnFor access=StatementAccess::Account /> }
}

#[component]
pub fn StatementLinkReturnPage() -> impl IntoView {
    view! { <ReturnFor access=StatementAccess::Link(token()) /> }
}

#[component]
pub fn PayLinkStatementReturnPage() -> impl IntoView {
    view! { <ReturnFor access=StatementAccess::PayLink(token()) /> }
}

/// The page itself; its one resource is created here, at the top.
#[component]
fn ReturnFor(access: StatementAccess) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_query_map()
        .with_untracked(|q| q.get("session_id"))
        .unwrap_or_default();
    let back = access.page();
    let status = Resource::new(
        move || (access.clone(), session.clone()),
        |(a, s)| statement_checkout_status(a, s),
    );
    let title = t_string!(i18n, spay_return_title).to_string();
    view! {
        <Title text=title />
        <Meta name="referrer" content="no-referrer" />
        <h1>{t!(i18n, spay_return_title)}</h1>
        <Suspense fallback=move || view! { <p aria-busy="true">{t!(i18n, loading)}</p> }>
            {move || {
                let back = back.clone();
                Suspend::new(async move { match status.await {
                    Ok(outcome) => view! { <Outcome outcome back /> }.into_any(),
                    Err(AppError::NotFound) | Err(AppError::Forbidden) => view! { <NotFoundPage /> }.into_any(),
                    Err(e) => view! { <p class="alert" role="alert">{crate::components::errors::error_text(&e)}</p> }.into_any(),
                }})
            }}
        </Suspense>
    }
}

#[component]
fn Outcome(outcome: StatementOutcome, back: String) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let back =
        view! { <p><a href=back data-testid="back-to-statement">{t!(i18n, spay_back)}</a></p> };
    // Until a webhook lands the page reloads itself (no JavaScript needed).
    let refresh = |secs: &'static str| view! { <Meta http_equiv="refresh" content=secs /> };
    match outcome {
        StatementOutcome::Waiting => view! {
            {refresh("2")}
            <p class="notice" role="status" aria-busy="true" data-testid="spay-return-waiting">{t!(i18n, spay_return_waiting)}</p>
            {back}
        }
        .into_any(),
        StatementOutcome::Processing { amount, currency } => {
            let amount = format_money(amount, &currency, lang);
            view! {
                {refresh("3")}
                <p class="notice" role="status" data-testid="spay-return-processing">
                    {t!(i18n, spay_return_processing, amount = amount)}
                </p>
                {back}
            }
            .into_any()
        }
        StatementOutcome::Succeeded(receipt) => view! { <Receipt receipt /> {back} }.into_any(),
        StatementOutcome::Failed { reason } => view! {
            <p class="alert" role="alert" data-testid="spay-return-failed">{t!(i18n, spay_return_failed)} " " {reason}</p>
            {back}
        }
        .into_any(),
        StatementOutcome::Expired => view! {
            <p class="notice" role="status" data-testid="spay-return-expired">{t!(i18n, spay_return_expired)}</p>
            {back}
        }
        .into_any(),
    }
}

#[component]
fn Receipt(receipt: StatementReceipt) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let total = format_money(receipt.amount, &receipt.currency, lang);
    let rows = receipt
        .lines
        .iter()
        .map(|l| {
            view! {
                <tr>
                    <th scope="row">{l.number.clone()}</th>
                    <td class="num">{format_money(l.amount, &receipt.currency, lang)}</td>
                    <td class="num">{format_money(l.balance_after, &receipt.currency, lang)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="panel" data-testid="spay-receipt">
            <p class="notice" role="status" data-testid="spay-return-succeeded">
                {t!(i18n, spay_return_succeeded, amount = total.clone())}
            </p>
            <p>{format_instant_date(receipt.paid_at, lang)} " · " {receipt.reference.clone()}</p>
            <table class="spay-split">
                <caption class="visually-hidden">{t!(i18n, spay_preview_title)}</caption>
                <thead><tr>
                    <th scope="col">{t!(i18n, spay_col_invoice)}</th>
                    <th scope="col" class="num">{t!(i18n, spay_col_amount)}</th>
                    <th scope="col" class="num">{t!(i18n, spay_return_left)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
                <tfoot><tr>
                    <th scope="row">{t!(i18n, spay_total)}</th>
                    <td class="num">{total}</td>
                    <td></td>
                </tr></tfoot>
            </table>
        </section>
    }
}
