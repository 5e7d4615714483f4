//! After a checkout: the return page (`…/return?session_id=`) and receipts
//! (`…/receipts/{id}`), under an invoice page or a pay link. The return page
//! only reads what webhooks recorded, refreshing itself until they land.
use crate::api::payments::{checkout_status, payment_receipt};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::format::{format_instant_date, format_money};
use crate::model::lang::Lang;
use crate::model::payment::CheckoutOutcome;
use crate::pages::not_found::NotFoundPage;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

/// (kind, key, base path) from the route: a pay-link token or an invoice number.
fn payer() -> (String, String, String) {
    let params = use_params_map();
    params.with_untracked(|p| match (p.get("token"), p.get("number")) {
        (Some(t), _) => ("link".into(), t.clone(), format!("/pay/{t}")),
        (None, Some(n)) => ("invoice".into(), n.clone(), format!("/invoices/{n}")),
        _ => (String::new(), String::new(), String::new()),
    })
}

#[component]
pub fn CheckoutReturnPage() -> impl IntoView {
    let i18n = use_i18n();
    let (kind, key, base) = payer();
    let session = use_query_map()
        .with_untracked(|q| q.get("session_id"))
        .unwrap_or_default();
    let status = Resource::new(
        move || (kind.clone(), key.clone(), session.clone()),
        |(k, key, s)| checkout_status(k, key, s),
    );
    let title = t_string!(i18n, return_title).to_string();
    view! {
        <Title text=title />
        <Meta name="referrer" content="no-referrer" />
        <h1>{t!(i18n, return_title)}</h1>
        <Suspense fallback=move || view! { <p aria-busy="true">{t!(i18n, loading)}</p> }>
            {move || {
                let base = base.clone();
                Suspend::new(async move { match status.await {
                    Ok(outcome) => view! { <Outcome outcome base /> }.into_any(),
                    Err(AppError::NotFound) | Err(AppError::Forbidden) => view! { <NotFoundPage /> }.into_any(),
                    Err(e) => view! { <p class="alert" role="alert">{crate::components::errors::error_text(&e)}</p> }.into_any(),
                }})
            }}
        </Suspense>
    }
}

#[component]
fn Outcome(outcome: CheckoutOutcome, base: String) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let back = view! { <p><a href=base.clone() data-testid="back-to-invoice">{t!(i18n, return_back)}</a></p> };
    // Until a webhook lands the page reloads itself (no JavaScript needed).
    let refresh = |secs: &'static str| view! { <Meta http_equiv="refresh" content=secs /> };
    match outcome {
        CheckoutOutcome::Waiting => view! {
            {refresh("2")}
            <p class="notice" role="status" aria-busy="true" data-testid="return-waiting">{t!(i18n, return_waiting)}</p>
            {back}
        }
        .into_any(),
        CheckoutOutcome::Processing { amount, currency, since } => {
            let amount = format_money(amount, &currency, lang);
            let date = format_instant_date(since, lang);
            view! {
                {refresh("3")}
                <p class="notice" role="status" data-testid="return-processing">
                    {t!(i18n, return_processing, amount = amount, date = date)}
                </p>
                {back}
            }
            .into_any()
        }
        CheckoutOutcome::Succeeded { payment_id, amount, currency } => {
            let amount = format_money(amount, &currency, lang);
            let receipt = format!("{base}/receipts/{payment_id}");
            view! {
                <p class="success" role="status" data-testid="return-paid">{t!(i18n, return_paid, amount = amount)}</p>
                <p><a class="button primary" href=receipt data-testid="see-receipt">{t!(i18n, pay_receipt_link)}</a></p>
                {back}
            }
            .into_any()
        }
        CheckoutOutcome::Failed { reason } => view! {
            <p class="alert" role="alert" data-testid="return-failed">{t!(i18n, return_failed)} " " {reason}</p>
            <p><a class="button" href=format!("{base}#pay") data-testid="try-again">{t!(i18n, return_try_again)}</a></p>
        }
        .into_any(),
        CheckoutOutcome::Expired => view! {
            <p class="alert" role="alert" data-testid="return-expired">{t!(i18n, return_expired)}</p>
            {back}
        }
        .into_any(),
    }
}

#[component]
pub fn ReceiptPage() -> impl IntoView {
    let i18n = use_i18n();
    let (kind, key, base) = payer();
    let id: i64 = use_params_map()
        .with_untracked(|p| p.get("id"))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let receipt = Resource::new(
        move || (kind.clone(), key.clone(), id),
        |(k, key, id)| payment_receipt(k, key, id),
    );
    let title = t_string!(i18n, receipt_title).to_string();
    view! {
        <Title text=title />
        <Meta name="referrer" content="no-referrer" />
        <Suspense fallback=move || view! { <p aria-busy="true">{t!(i18n, loading)}</p> }>
            {move || {
                let base = base.clone();
                Suspend::new(async move { match receipt.await {
                    Ok(r) => {
                        let lang = Lang::from(i18n.get_locale_untracked());
                        let method = crate::components::labels::method_label(lang, r.method);
                        let pdf = format!("{base}/receipts/{}/pdf", r.payment_id);
                        view! {
                            <article class="panel receipt" data-testid="receipt">
                                <h1>{t!(i18n, receipt_title)}</h1>
                                <p>{t!(i18n, receipt_from_to, buyer = r.buyer_name.clone(), seller = r.seller_name.clone())}</p>
                                <dl class="facts">
                                    <div><dt>{t!(i18n, receipt_invoice)}</dt><dd>{r.invoice_number.clone()}</dd></div>
                                    <div><dt>{t!(i18n, receipt_amount)}</dt><dd data-testid="receipt-amount">{format_money(r.amount, &r.currency, lang)}</dd></div>
                                    <div><dt>{t!(i18n, receipt_date)}</dt><dd>{format_instant_date(r.paid_at, lang)}</dd></div>
                                    <div><dt>{t!(i18n, receipt_method)}</dt><dd>{method}</dd></div>
                                    {(!r.reference.is_empty()).then(|| view! { <div><dt>{t!(i18n, receipt_reference)}</dt><dd>{r.reference.clone()}</dd></div> })}
                                    <div><dt>{t!(i18n, receipt_balance)}</dt><dd data-testid="receipt-balance">{format_money(r.balance_after, &r.currency, lang)}</dd></div>
                                </dl>
                                <p><a class="button primary" href=pdf rel="external" download="" data-testid="receipt-pdf">{t!(i18n, receipt_download)}</a></p>
                                <p><a href=base.clone()>{t!(i18n, return_back)}</a></p>
                            </article>
                        }
                        .into_any()
                    }
                    Err(_) => view! { <NotFoundPage /> }.into_any(),
                }})
            }}
        </Suspense>
    }
}
