//! "Pay several invoices at once" on a statement: the customer ticks open
//! invoices (all of them at first) or types an amount, previews how it is
//! split (oldest due first, disputed amounts left out), then pays the total
//! in one checkout. Plain GET and POST forms: no JavaScript needed. A refused
//! payment comes back in the query string (the `spay` form's `Refusal`) with
//! the ticks and the amount kept.
use crate::api::statement_pay::{StatementPayData, statement_pay};
use crate::components::errors::{problem_text, refusal_in_query};
use crate::error::{AppError, Refusal};
use crate::i18n::*;
use crate::model::allocation::{Allocation, Payable};
use crate::model::format::{format_date, format_money};
use crate::model::lang::Lang;
use crate::model::statement_access::StatementAccess;
use crate::model::validate::{FieldErrors, FieldProblem};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The pay form's data. Created by the route component (never under a
/// `<Suspense>`: leptos-rs/leptos#4866).
pub type StatementPayResource = Resource<Result<StatementPayData, AppError>>;

/// Starts loading the pay form of the statement reached by `access`, with
/// the preview the query asks for (`pick`, `amount`, `preview`). Call it at
/// the top of a route component.
pub fn pay_resource(access: StatementAccess) -> StatementPayResource {
    let query = use_query_map();
    Resource::new(
        move || {
            query.with(|q| {
                (
                    access.clone(),
                    q.get_all("pick").unwrap_or_default(),
                    q.get("amount").unwrap_or_default(),
                    q.get("preview").is_some(),
                )
            })
        },
        |(access, picks, amount, preview)| statement_pay(access, picks, amount, preview),
    )
}

/// The pay section of a statement page; `pay` comes from [`pay_resource`].
#[component]
pub fn StatementPay(access: StatementAccess, pay: StatementPayResource) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let access = access.clone();
                Suspend::new(async move {
                    pay.await.ok().map(move |data| view! { <PaySection access data /> })
                })
            }}
        </Suspense>
    }
}

/// The message for a problem of the pay form's `field`.
fn problem_message(field: &str, p: FieldProblem) -> String {
    let i18n = use_i18n();
    match (field, p) {
        ("pick", FieldProblem::Required) => t_string!(i18n, spay_err_nothing).to_string(),
        ("pick", FieldProblem::AlreadyUsed) => t_string!(i18n, spay_err_not_payable).to_string(),
        ("pick", FieldProblem::InvalidCurrency) => t_string!(i18n, spay_err_currency).to_string(),
        ("amount", FieldProblem::TooLarge) => t_string!(i18n, spay_err_too_large).to_string(),
        ("amount", FieldProblem::OutOfRange) => t_string!(i18n, spay_err_whole).to_string(),
        (_, p) => problem_text(p),
    }
}

/// The refused fields: the preview's own, or a refused payment's (the query).
fn refused_fields(data: &StatementPayData, refusal: Option<&Refusal>) -> FieldErrors {
    if let Some(e) = &data.refused {
        return e.clone();
    }
    refusal.map(|r| r.fields.clone()).unwrap_or_default()
}

#[component]
fn PaySection(access: StatementAccess, data: StatementPayData) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let refusal = refusal_in_query("spay");
    let fields = refused_fields(&data, refusal.as_ref());
    let (picks, amount, asked) = query.with_untracked(|q| {
        (
            q.get_all("pick").unwrap_or_default(),
            q.get("amount").unwrap_or_default(),
            q.get("preview").is_some() || refusal.is_some(),
        )
    });
    let alert = refusal
        .as_ref()
        .filter(|r| r.fields.is_empty())
        .map(|r| match r.error() {
            AppError::Internal => t_string!(i18n, pay_err_provider).to_string(),
            _ => t_string!(i18n, spay_err_not_payable).to_string(),
        });
    let payable: Vec<Payable> = data
        .items
        .iter()
        .filter(|i| i.payable > 0)
        .cloned()
        .collect();
    let body = if payable.is_empty() {
        view! { <p data-testid="spay-nothing">{t!(i18n, spay_nothing)}</p> }.into_any()
    } else {
        let pick_error = fields.get("pick").map(|p| problem_message("pick", p));
        let amount_error = fields.get("amount").map(|p| problem_message("amount", p));
        view! {
            <PickForm access=access.clone() items=payable picks amount=amount.clone() asked
                pick_error amount_error partial=data.partial_allowed />
            {data.preview.map(|a| view! { <Preview access a amount /> })}
        }
        .into_any()
    };
    view! {
        <section class="panel statement-pay" id="statement-pay" aria-labelledby="spay-h" data-testid="statement-pay">
            <h2 id="spay-h">{t!(i18n, spay_title)}</h2>
            {alert.map(|m| view! { <p class="alert" role="alert" data-testid="spay-alert">{m}</p> })}
            {body}
        </section>
    }
}

#[component]
fn PickForm(
    access: StatementAccess,
    items: Vec<Payable>,
    picks: Vec<String>,
    amount: String,
    asked: bool,
    pick_error: Option<String>,
    amount_error: Option<String>,
    partial: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let currency = items
        .first()
        .map(|i| i.currency.clone())
        .unwrap_or_default();
    let rows = items
        .into_iter()
        .map(|item| {
            let checked = !asked || picks.contains(&item.number);
            let id = format!("spay-{}", item.invoice_id);
            let due = chrono::NaiveDate::parse_from_str(&item.due_date, "%Y-%m-%d")
                .map(|d| format_date(d, lang))
                .unwrap_or_default();
            let amount = format_money(item.payable, &item.currency, lang);
            let disputed = (item.disputed > 0).then(|| {
                let d = format_money(item.disputed, &item.currency, lang);
                view! { <span class="hint">{t!(i18n, spay_disputed_left_out, amount = d)}</span> }
            });
            view! {
                <li class="spay-item">
                    <input type="checkbox" name="pick" id=id.clone() value=item.number.clone()
                        checked=checked data-testid="spay-pick" />
                    <label for=id>
                        <strong>{item.number.clone()}</strong>
                        <span>{t!(i18n, spay_due_on, date = due)}</span>
                        <span class="spay-amount">{amount}</span>
                        {disputed}
                    </label>
                </li>
            }
        })
        .collect_view();
    let action = format!("{}#statement-pay", access.page());
    view! {
        <form method="get" action=action class="spay-form" data-testid="spay-form">
            <input type="hidden" name="preview" value="1" />
            <fieldset aria-describedby="spay-pick-error">
                <legend>{t!(i18n, spay_pick_legend)}</legend>
                <ul class="spay-items">{rows}</ul>
                {pick_error.clone().map(|m| view! { <p class="field-error" id="spay-pick-error" data-testid="spay-pick-error">{m}</p> })}
            </fieldset>
            {partial.then(|| view! {
                <div class="field">
                    <label for="spay-amount">{t!(i18n, spay_amount_label, currency = currency.clone())}</label>
                    <input id="spay-amount" name="amount" inputmode="decimal" autocomplete="off" value=amount.clone()
                        aria-describedby="spay-amount-hint spay-amount-error"
                        aria-invalid=amount_error.is_some().then_some("true") data-testid="spay-amount" />
                    <p class="hint" id="spay-amount-hint">{t!(i18n, spay_amount_hint)}</p>
                    {amount_error.clone().map(|m| view! { <p class="field-error" id="spay-amount-error" data-testid="spay-amount-error">{m}</p> })}
                </div>
            })}
            {(!partial).then(|| amount_error.clone().map(|m| view! { <p class="alert" role="alert" data-testid="spay-amount-error">{m}</p> }))}
            <button type="submit" class="secondary" data-testid="spay-preview">{t!(i18n, spay_preview_button)}</button>
        </form>
    }
}

#[component]
fn Preview(access: StatementAccess, a: Allocation, amount: String) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let total = format_money(a.total, &a.currency, lang);
    let rows = a
        .parts
        .iter()
        .map(|p| {
            view! {
                <tr>
                    <th scope="row">{p.number.clone()}</th>
                    <td class="num">{format_money(p.amount, &a.currency, lang)}</td>
                </tr>
            }
        })
        .collect_view();
    let hidden = a
        .parts
        .iter()
        .map(|p| view! { <input type="hidden" name="pick" value=p.number.clone() /> })
        .collect_view();
    view! {
        <div class="spay-preview" data-testid="spay-preview-table">
            <h3>{t!(i18n, spay_preview_title)}</h3>
            <table class="spay-split">
                <caption class="visually-hidden">{t!(i18n, spay_preview_title)}</caption>
                <thead><tr>
                    <th scope="col">{t!(i18n, spay_col_invoice)}</th>
                    <th scope="col" class="num">{t!(i18n, spay_col_amount)}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
                <tfoot><tr>
                    <th scope="row">{t!(i18n, spay_total)}</th>
                    <td class="num" data-testid="spay-total">{total.clone()}</td>
                </tr></tfoot>
            </table>
            <form method="post" action=access.pay_path() class="pay-form">
                {hidden}
                <input type="hidden" name="amount" value=amount />
                <button type="submit" class="primary pay-button" data-testid="spay-pay">
                    {t!(i18n, spay_pay_button, amount = total)}
                </button>
                <p class="hint">{t!(i18n, pay_secure_note)}</p>
            </form>
        </div>
    }
}
