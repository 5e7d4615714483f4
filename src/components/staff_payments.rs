//! Staff: an invoice's payments and their timeline, recording an offline
//! payment (transfer, cheque, cash), and refunds through the provider.
use crate::api::payments::{RecordPayment, RefundPayment, StaffPaymentsData, staff_payments};
use crate::components::errors::carried_error;
use crate::components::labels::{
    chargeback_reason_label, chargeback_status_label, method_label, payment_status_label,
    timeline_label, unmatched_label,
};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::chargeback::ChargebackView;
use crate::model::format::{amount_for_input, format_instant_date, format_money};
use crate::model::lang::Lang;
use crate::model::payment::{PaymentMethod, PaymentView, UnmatchedPaymentView};
use crate::model::staff_invoice::StaffInvoiceView;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The panel's data, loaded by the route component (never under a
/// `<Suspense>`: leptos-rs/leptos#4866); `None` for a document without
/// payments (a draft or a credit note).
pub type StaffPaymentsResource = Resource<Result<Option<StaffPaymentsData>, AppError>>;

/// Starts loading the payments of the invoice `id()` once the page's
/// document `page` has loaded. The forms come back to the page with a new
/// query string, which refetches both.
pub fn staff_payments_resource(
    id: impl Fn() -> i64 + Send + Sync + 'static,
    page: ArcResource<Result<StaffInvoiceView, AppError>>,
) -> StaffPaymentsResource {
    let search = use_location().search;
    Resource::new(
        move || (id(), search.get()),
        move |(id, _)| {
            let page = page.clone();
            async move {
                let v = crate::components::page_load::untracked(page).await?;
                if v.draft || v.credit_note {
                    return Ok(None);
                }
                staff_payments(id).await.map(Some)
            }
        },
    )
}

#[component]
pub fn StaffPaymentsPanel(invoice_id: i64, data: StaffPaymentsResource) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="panel" id="payments" aria-labelledby="payments-h" data-testid="staff-payments">
            <h2 id="payments-h">{t!(i18n, sp_title)}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    data.await.ok().flatten().map(|d| view! { <PaymentsBody invoice_id d /> })
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn PaymentsBody(invoice_id: i64, d: StaffPaymentsData) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let rows = d
        .payments
        .iter()
        .map(|p| view! { <PaymentRow invoice_id p=p.clone() lang /> })
        .collect_view();
    let timeline = d
        .timeline
        .iter()
        .map(|e| {
            let amount = e
                .amount
                .map(|a| format_money(a, &d.currency, lang))
                .unwrap_or_default();
            let who = e.actor.clone().unwrap_or_default();
            let detail = timeline_detail(&e.kind, &e.detail);
            let method = e
                .method
                .filter(|_| matches!(e.kind.as_str(), "processing" | "succeeded" | "failed"))
                .map(|m| method_label(lang, m));
            view! {
                <li>
                    <time>{format_instant_date(e.at, lang)}</time> " · " {timeline_label(&e.kind)}
                    {(!amount.is_empty()).then(|| format!(" · {amount}"))}
                    {method.map(|m| format!(" · {m}"))}
                    {(!detail.is_empty()).then(|| format!(" · {detail}"))}
                    {(!who.is_empty()).then(|| format!(" · {who}"))}
                </li>
            }
        })
        .collect_view();
    view! {
        {carried_error("refund").map(|(_, m)| view! { <p class="alert" role="alert" data-testid="refund-error">{m}</p> })}
        {if d.payments.is_empty() {
            view! { <p>{t!(i18n, sp_none)}</p> }.into_any()
        } else {
            view! { <ul class="payments" data-testid="payment-list">{rows}</ul> }.into_any()
        }}
        {(!d.chargebacks.is_empty()).then(|| view! { <Chargebacks list=d.chargebacks.clone() lang /> })}
        {(!d.unmatched.is_empty()).then(|| view! { <UnmatchedPayments payments=d.unmatched.clone() /> })}
        {d.balance_open.then(|| view! { <OfflineForm invoice_id today=d.today.clone() /> })}
        <h3>{t!(i18n, sp_timeline)}</h3>
        <ol class="timeline" data-testid="payment-timeline">{timeline}</ol>
    }
}

/// A timeline entry's detail in words: a dispute's status is named.
fn timeline_detail(kind: &str, detail: &str) -> String {
    match kind {
        "inquiry" | "charged_back" | "funds_reinstated" | "chargeback_closed"
        | "chargeback_status"
            if !detail.is_empty() =>
        {
            chargeback_status_label(detail)
        }
        _ => detail.to_string(),
    }
}

/// The bank disputes of the invoice's payments: status, reason, the date the
/// evidence is due, and whether the funds are withdrawn.
#[component]
fn Chargebacks(list: Vec<ChargebackView>, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    let items = list
        .into_iter()
        .map(|c| {
            let due = match c.due_by {
                Some(at) if !crate::model::chargeback::is_final(&c.status) => format!(
                    "{} {}",
                    t_string!(i18n, cb_due_by),
                    format_instant_date(at, lang)
                ),
                Some(_) => String::new(),
                None => t_string!(i18n, cb_no_evidence).to_string(),
            };
            let money = if c.holds_money {
                t_string!(i18n, cb_money_held)
            } else {
                t_string!(i18n, cb_no_money)
            };
            let parts = [
                format_money(c.amount, &c.currency, lang),
                chargeback_reason_label(&c.reason),
                money.to_string(),
                due,
                c.payment_reference.clone(),
            ]
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" · ");
            view! {
                <li data-testid="chargeback-row">
                    <strong>{chargeback_status_label(&c.status)}</strong>
                    <span class="hint">" · " {parts}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <h3>{t!(i18n, sp_chargebacks)}</h3>
        <ul class="payments" data-testid="chargeback-list">{items}</ul>
    }
}

#[component]
fn PaymentRow(invoice_id: i64, p: PaymentView, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    let refund = ServerAction::<RefundPayment>::new();
    let summary = format!(
        "{} · {} · {} · {}",
        format_instant_date(p.at, lang),
        format_money(p.amount, &p.currency, lang),
        method_label(lang, p.method),
        payment_status_label(p.status),
    );
    let extra = [
        (p.refunded > 0).then(|| {
            format!(
                "{} {}",
                t_string!(i18n, sp_refunded),
                format_money(p.refunded, &p.currency, lang)
            )
        }),
        (p.charged_back > 0).then(|| {
            format!(
                "{} {}",
                t_string!(i18n, sp_charged_back),
                format_money(p.charged_back, &p.currency, lang)
            )
        }),
        p.failure_reason.clone().filter(|r| !r.is_empty()),
        (!p.reference.is_empty()).then(|| p.reference.clone()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(" · ");
    let refund_id = format!("refund-{}", p.id);
    view! {
        <li data-testid="payment-row">
            <span>{summary}</span>
            {(!extra.is_empty()).then(|| view! { <span class="hint">" · " {extra}</span> })}
            {p.overpaid.then(|| view! { <strong class="flag" data-testid="overpaid">{t!(i18n, sp_overpaid)}</strong> })}
            {(p.refundable > 0).then(|| view! {
                <ActionForm action=refund attr:class="inline-form">
                    <input type="hidden" name="invoice_id" value=invoice_id.to_string() />
                    <input type="hidden" name="payment_id" value=p.id.to_string() />
                    <label for=refund_id.clone()>{t!(i18n, sp_refund_amount)}</label>
                    <input id=refund_id name="refund_amount" inputmode="decimal"
                        value=amount_for_input(p.refundable, &p.currency, lang) data-testid="refund-amount" />
                    <button type="submit" class="secondary" data-testid="refund-submit">{t!(i18n, sp_refund)}</button>
                </ActionForm>
            })}
        </li>
    }
}

#[component]
fn OfflineForm(invoice_id: i64, today: String) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let record = ServerAction::<RecordPayment>::new();
    let error = carried_error("offline");
    let general = error
        .clone()
        .filter(|(field, _)| field.is_empty())
        .map(|(_, m)| view! { <p class="alert" role="alert" data-testid="offline-error">{m}</p> });
    let err_for = move |f: &'static str| {
        error
            .clone()
            .filter(|(field, _)| field == f)
            .map(|(_, m)| view! { <p class="field-error" data-testid=format!("offline-{f}-error")>{m}</p> })
    };
    let methods = PaymentMethod::OFFLINE
        .into_iter()
        .map(|m| view! { <option value=m.as_str()>{method_label(lang, m)}</option> })
        .collect_view();
    view! {
        <h3>{t!(i18n, sp_record)}</h3>
        {general}
        <ActionForm action=record attr:class="stack">
            <input type="hidden" name="invoice_id" value=invoice_id.to_string() />
            <div class="field">
                <label for="op-amount">{t!(i18n, sp_amount)}</label>
                <input id="op-amount" name="amount" inputmode="decimal" required data-testid="offline-amount" />
                {err_for("amount")}
            </div>
            <div class="field">
                <label for="op-method">{t!(i18n, sp_method)}</label>
                <select id="op-method" name="method" data-testid="offline-method">{methods}</select>
            </div>
            <div class="field">
                <label for="op-date">{t!(i18n, sp_received_on)}</label>
                <input id="op-date" name="received_on" type="date" value=today required data-testid="offline-date" />
                {err_for("received_on")}
            </div>
            <div class="field">
                <label for="op-ref">{t!(i18n, sp_reference)}</label>
                <input id="op-ref" name="reference" maxlength="100" data-testid="offline-reference" />
                {err_for("reference")}
            </div>
            <button type="submit" class="primary" data-testid="offline-submit">{t!(i18n, sp_record_submit)}</button>
        </ActionForm>
    }
}

/// Provider payments kept apart (no invoice could take them), for staff to
/// settle with the provider: on the staff home, and on the invoice they named.
/// `top`: a section of its page (an `h2`), not of a panel (an `h3`).
#[component]
pub fn UnmatchedPayments(
    payments: Vec<UnmatchedPaymentView>,
    #[prop(optional)] top: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let rows = payments
        .into_iter()
        .map(|u| {
            let named = match (&u.named_number, u.named_invoice_id) {
                (Some(n), _) if !n.is_empty() => Some(n.clone()),
                (_, Some(id)) => Some(format!("{} #{id}", t_string!(i18n, um_named))),
                _ => None,
            };
            let link = u.named_invoice_id.map(|id| format!("/staff/invoices/{id}"));
            view! {
                <li data-testid="unmatched-row">
                    <span>
                        {format!(
                            "{} · {} · {} · {}",
                            format_instant_date(u.at, lang),
                            format_money(u.amount, &u.currency, lang),
                            method_label(lang, u.method),
                            payment_status_label(u.status),
                        )}
                    </span>
                    " · " <strong data-testid="unmatched-reason">{unmatched_label(u.reason)}</strong>
                    {named.map(|n| match link.clone() {
                        Some(href) => view! { " · " <a href=href>{n}</a> }.into_any(),
                        None => view! { " · " {n} }.into_any(),
                    })}
                    <span class="hint">" · " {u.reference.clone()}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="unmatched" aria-labelledby="unmatched-h" data-testid="unmatched-payments">
            {if top {
                view! { <h2 id="unmatched-h">{t!(i18n, um_title)}</h2> }.into_any()
            } else {
                view! { <h3 id="unmatched-h">{t!(i18n, um_title)}</h3> }.into_any()
            }}
            <p class="hint">{t!(i18n, um_intro)}</p>
            <ul class="payments">{rows}</ul>
        </section>
    }
}
