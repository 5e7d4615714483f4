//! The "pay online" panel of an invoice (its page and its pay link): the amount,
//! the pay button, payments on their way, the last failure, and receipts.
//! Works as a plain form post; a refusal comes back in the query string (the
//! `pay` form's `Refusal`) with the typed amount kept.
use crate::api::payments::{PayPanelData, StartPayment, pay_panel};
use crate::components::errors::{problem_text, refusal_in_query};
use crate::error::{AppError, Refusal};
use crate::i18n::*;
use crate::model::document::InvoiceDocument;
use crate::model::format::{amount_for_input, format_instant_date, format_money};
use crate::model::lang::Lang;
use crate::model::payment::{PaymentStatus, PaymentView};
use crate::model::validate::FieldProblem;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The message for the refusal of the pay form.
fn pay_error_text(r: &Refusal) -> String {
    let i18n = use_i18n();
    match (r.first_field().map(|(_, p)| p), r.error()) {
        (Some(FieldProblem::OutOfRange), _) => t_string!(i18n, pay_err_partial).to_string(),
        (Some(FieldProblem::AlreadyUsed), _) => t_string!(i18n, pay_err_in_progress).to_string(),
        (Some(p), _) => problem_text(p),
        (None, AppError::Conflict) => t_string!(i18n, pay_err_nothing).to_string(),
        (None, AppError::Internal) => t_string!(i18n, pay_err_provider).to_string(),
        _ => t_string!(i18n, err_bad_request).to_string(),
    }
}

/// The pay panel's data, loaded for `kind` and `key`. Created by the route
/// component (never under a `<Suspense>`: leptos-rs/leptos#4866).
pub type PayPanelResource = Resource<Result<PayPanelData, AppError>>;

/// Starts loading the panel of `kind`/`key` once the page's document `doc`
/// has loaded (a refused document decides the page; nothing more is asked).
/// Call it at the top of a route component.
pub fn pay_panel_resource(
    kind: &'static str,
    key: impl Fn() -> String + Send + Sync + 'static,
    doc: ArcResource<Result<InvoiceDocument, AppError>>,
) -> PayPanelResource {
    Resource::new(key, move |key| {
        let doc = doc.clone();
        async move {
            // A credit note is neither paid nor disputed.
            if crate::components::page_load::untracked(doc).await?.kind
                == crate::model::document::DocKind::CreditNote
            {
                return Err(AppError::NotFound);
            }
            pay_panel(kind.to_string(), key).await
        }
    })
}

/// `kind` is `invoice` (signed-in customer) or `link` (pay-link holder);
/// `base` is the page's path, under which receipts live; `panel` comes from
/// [`pay_panel_resource`].
#[component]
pub fn PayPanelView(
    kind: &'static str,
    key: String,
    base: String,
    panel: PayPanelResource,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let (key, base) = (key.clone(), base.clone());
                Suspend::new(async move {
                    panel.await.ok().map(move |p| view! {
                        <section class="panel pay-panel" id="pay" aria-labelledby="pay-h" data-testid="pay-panel">
                            <h2 id="pay-h">{t!(i18n, pay_title)}</h2>
                            <PayNotices panel=p.clone() />
                            <PayForm kind key panel=p.clone() />
                            <Receipts payments=p.payments base />
                        </section>
                    })
                })
            }}
        </Suspense>
    }
}

#[component]
fn PayNotices(panel: PayPanelData) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let query = use_query_map();
    let cancelled = query.with_untracked(|q| q.get("cancelled")).is_some();
    let currency = panel.options.currency.clone();
    let processing = panel
        .options
        .processing
        .iter()
        .map(|p| {
            let amount = format_money(p.amount, &currency, lang);
            let date = format_instant_date(p.since, lang);
            view! {
                <p class="notice" role="status" data-testid="pay-processing">
                    {t!(i18n, pay_processing, amount = amount, date = date)}
                </p>
            }
        })
        .collect_view();
    let failure = panel.options.last_failure.clone().map(|reason| {
        view! {
            <p class="alert" role="alert" data-testid="pay-failed">
                {t!(i18n, pay_last_failed)} " " {reason}
            </p>
        }
    });
    let disputed = (panel.options.disputed > 0 && panel.options.payable > 0).then(|| {
        let amount = format_money(panel.options.disputed, &currency, lang);
        view! {
            <p class="notice" role="status" data-testid="pay-disputed">
                {t!(i18n, pay_disputed_part, amount = amount)}
            </p>
        }
    });
    view! {
        {cancelled.then(|| view! { <p class="notice" role="status" data-testid="pay-cancelled">{t!(i18n, pay_cancelled)}</p> })}
        {disputed}
        {processing}
        {failure}
    }
}

#[component]
fn PayForm(kind: &'static str, key: String, panel: PayPanelData) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let start = ServerAction::<StartPayment>::new();
    let o = panel.options;
    if o.payable <= 0 {
        let text = if !o.processing.is_empty() {
            t_string!(i18n, pay_wait_bank).to_string()
        } else if o.disputed > 0 {
            t_string!(i18n, pay_all_disputed).to_string()
        } else {
            t_string!(i18n, pay_nothing_due).to_string()
        };
        return view! { <p data-testid="pay-nothing">{text}</p> }.into_any();
    }
    let refusal = refusal_in_query("pay");
    let default_amount = refusal
        .as_ref()
        .and_then(|r| r.kept("amount").map(str::to_string))
        .unwrap_or_else(|| amount_for_input(o.payable, &o.currency, lang));
    let full = format_money(o.payable, &o.currency, lang);
    let err_text = refusal.as_ref().map(pay_error_text);
    let partial = o.partial_allowed;
    let amount_field = if o.partial_allowed {
        view! {
            <div class="field">
                <label for="pay-amount">{t!(i18n, pay_amount_label, currency = o.currency.clone())}</label>
                <input id="pay-amount" name="amount" inputmode="decimal" autocomplete="off"
                    value=default_amount aria-describedby="pay-amount-hint pay-amount-error"
                    aria-invalid=err_text.is_some().then_some("true") data-testid="pay-amount" />
                <p class="hint" id="pay-amount-hint">{t!(i18n, pay_amount_hint, amount = full.clone())}</p>
                {err_text.map(|m| view! { <p class="field-error" id="pay-amount-error" data-testid="pay-error">{m}</p> })}
            </div>
        }
        .into_any()
    } else {
        view! {
            <input type="hidden" name="amount" value=amount_for_input(o.payable, &o.currency, lang) />
            {err_text.map(|m| view! { <p class="alert" role="alert" data-testid="pay-error">{m}</p> })}
        }
        .into_any()
    };
    view! {
        <ActionForm action=start attr:class="pay-form">
            <input type="hidden" name="kind" value=kind />
            <input type="hidden" name="key" value=key />
            {amount_field}
            <button type="submit" class="primary pay-button" data-testid="pay-button"
                disabled=move || start.pending().get()>
                {if partial {
                    t_string!(i18n, pay_button_plain).to_string()
                } else {
                    t_string!(i18n, pay_button, amount = full.clone()).to_string()
                }}
            </button>
            <p class="hint">{t!(i18n, pay_secure_note)}</p>
        </ActionForm>
    }
    .into_any()
}

#[component]
fn Receipts(payments: Vec<PaymentView>, base: String) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let paid: Vec<PaymentView> = payments
        .into_iter()
        .filter(|p| p.status == PaymentStatus::Succeeded)
        .collect();
    (!paid.is_empty()).then(|| {
        let items = paid
            .into_iter()
            .map(|p| {
                let href = format!("{base}/receipts/{}", p.id);
                let line = format!(
                    "{} · {}",
                    format_instant_date(p.at, lang),
                    format_money(p.amount, &p.currency, lang)
                );
                view! {
                    <li>{line} " · " <a href=href data-testid="receipt-link">{t!(i18n, pay_receipt_link)}</a></li>
                }
            })
            .collect_view();
        view! {
            <h3>{t!(i18n, pay_payments_so_far)}</h3>
            <ul class="receipts">{items}</ul>
        }
    })
}
