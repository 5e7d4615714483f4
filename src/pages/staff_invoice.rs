//! `/staff/invoices/{id}`: one document for staff, with its actions: issue a
//! draft, credit an issued invoice (full or partial), manage its pay link, and
//! the history of what happened to it.
use crate::api::staff_invoices::{
    CreditInvoice, IssueInvoice, ReissuePayLink, RevokePayLink, SendInvoiceAgain, staff_invoice,
};
use crate::components::correct_invoice::{CorrectInvoice, CorrectionResource, correction_resource};
use crate::components::document::DocumentView;
use crate::components::errors::{error_text, problem_text, refusal_in_query};
use crate::components::lifecycle::{LifecycleResource, LifecycleSection, staff_lifecycle_resource};
use crate::components::page_load::{LoadFailed, id_param};
use crate::components::reminder_labels::offset_label;
use crate::components::staff_invoice_reminders::{
    StaffRemindersPanel, StaffRemindersResource, staff_reminders_resource,
};
use crate::components::staff_payments::{
    StaffPaymentsPanel, StaffPaymentsResource, staff_payments_resource,
};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::staff_invoice::StaffInvoiceView;
use crate::model::vat::VatRate;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_location;

#[component]
pub fn StaffInvoicePage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    // Actions redirect back here with `?done=…`: the changed query refetches.
    // Every resource of the page starts here, never under the Suspense
    // (leptos-rs/leptos#4866); the panels only read theirs.
    let search = use_location().search;
    let loading = ArcResource::new(move || (id(), search.get()), |(id, _)| staff_invoice(id));
    let view_res = Resource::from(loading.clone());
    let correction = correction_resource(id, loading.clone());
    let payments = staff_payments_resource(id, loading.clone());
    let lifecycle = staff_lifecycle_resource(id, loading.clone());
    let reminders = staff_reminders_resource(id, loading);
    view! {
        <Suspense fallback=move || view! { <p aria-busy="true">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move { match view_res.await {
                Ok(v) => view! { <StaffInvoiceBody v correction payments reminders lifecycle /> }.into_any(),
                Err(error) => view! { <LoadFailed error here="/staff/invoices".to_string() /> }.into_any(),
            }})}
        </Suspense>
    }
}

#[component]
fn StaffInvoiceBody(
    v: StaffInvoiceView,
    correction: CorrectionResource,
    payments: StaffPaymentsResource,
    reminders: StaffRemindersResource,
    lifecycle: LifecycleResource,
) -> impl IntoView {
    let i18n = use_i18n();
    // A refused credit note comes back as the page's bare refusal (`?err=`).
    let err = refusal_in_query("").map(|r| match r.error() {
        e @ (AppError::Validation(_) | AppError::Conflict) => error_text(&e),
        _ => error_text(&AppError::Internal),
    });
    let err = move || err.clone();
    let title = v.doc.number.clone();
    let pdf = (!v.draft).then(|| format!("/invoices/{}/pdf", v.doc.number));
    view! {
        <Title text=if title.is_empty() { "Draft".to_string() } else { title } />
        <p class="back"><a href="/staff/invoices">"← " {t!(i18n, inv_back)}</a></p>
        {move || err().map(|m| view! { <p class="alert" role="alert">{m}</p> })}
        {v.draft.then(|| view! { <p class="notice" data-testid="draft-notice">{t!(i18n, inv_draft_notice)}</p> })}
        <div class="staff-invoice">
            <div class="doc-col">
                {match pdf {
                    Some(p) => view! { <DocumentView doc=v.doc.clone() pdf_href=p /> }.into_any(),
                    None => view! { <DocumentView doc=v.doc.clone() /> }.into_any(),
                }}
            </div>
            <aside class="actions-col" aria-label=move || t_string!(i18n, inv_actions)>
                <Actions v=v.clone() />
                <CorrectInvoice id=v.id info=correction />
                {(!v.draft && !v.credit_note).then(|| view! { <StaffPaymentsPanel invoice_id=v.id data=payments /> })}
                {(!v.draft && !v.credit_note).then(|| view! { <StaffRemindersPanel v=v.clone() data=reminders /> })}
                {(!v.draft).then(|| view! {
                    <LifecycleSection data=lifecycle />
                    <p><a href=format!("/staff/invoices/{}/lifecycle.json", v.id) rel="external" data-testid="lifecycle-json">{t!(i18n, lc_json)}</a></p>
                })}
                <History v />
            </aside>
        </div>
    }
}

#[component]
fn Actions(v: StaffInvoiceView) -> impl IntoView {
    let i18n = use_i18n();
    let issue = ServerAction::<IssueInvoice>::new();
    let credit = ServerAction::<CreditInvoice>::new();
    let reissue = ServerAction::<ReissuePayLink>::new();
    let revoke = ServerAction::<RevokePayLink>::new();
    let send_again = ServerAction::<SendInvoiceAgain>::new();
    let id = v.id;
    // A refused issue comes back as the `issue` form's refusal: each refused
    // field's message under the button, with a way to fix the customer.
    let issue_refusal = refusal_in_query("issue");
    let issue_errors: Vec<(String, String)> = match issue_refusal.as_ref().map(|r| r.error()) {
        Some(AppError::Validation(fields)) => fields
            .0
            .iter()
            .map(|(f, p)| (f.clone(), problem_text(*p)))
            .collect(),
        Some(e @ AppError::Conflict) => vec![(String::new(), error_text(&e))],
        Some(_) => vec![(String::new(), error_text(&AppError::Internal))],
        None => Vec::new(),
    };
    let fix_customer = issue_errors
        .iter()
        .any(|(f, _)| f == "buyer_siren")
        .then(|| format!("/staff/customers/{}", v.customer_id));
    view! {
        {v.draft.then(|| view! {
            <section class="panel">
                <h2>{t!(i18n, inv_issue)}</h2>
                <p class="hint">{t!(i18n, inv_issue_hint)}</p>
                <ActionForm action=issue>
                    <input type="hidden" name="id" value=id.to_string() />
                    <button type="submit" class="primary" data-testid="issue">{t!(i18n, inv_issue)}</button>
                </ActionForm>
                {issue_errors.into_iter().map(|(field, m)| view! {
                    <p class="field-error" role="alert" data-testid=format!("issue-error-{field}")>{m}</p>
                }).collect_view()}
                {fix_customer.map(|href| view! {
                    <p><a href=href data-testid="issue-fix-customer">{t!(i18n, inv_issue_edit_customer)}</a></p>
                })}
            </section>
        })}
        {v.new_pay_link.clone().map(|link| view! {
            <section class="panel notice">
                <p>{t!(i18n, inv_pay_link_new)}</p>
                <p><a href=link.clone() data-testid="new-pay-link">{link.clone()}</a></p>
            </section>
        })}
        {v.creditable.then(|| view! {
            <section class="panel">
                <h2>{t!(i18n, inv_credit)}</h2>
                <ActionForm action=credit attr:class="stack">
                    <input type="hidden" name="id" value=id.to_string() />
                    <fieldset>
                        <label class="radio"><input type="radio" name="mode" value="partial" checked=true />{t!(i18n, inv_credit_partial)}</label>
                        <label class="radio"><input type="radio" name="mode" value="full" data-testid="credit-full" />{t!(i18n, inv_credit_full)}</label>
                    </fieldset>
                    <div class="field"><label for="c-amount">{t!(i18n, inv_credit_amount)}</label><input id="c-amount" name="amount" inputmode="decimal" data-testid="credit-amount" /></div>
                    <div class="field">
                        <label for="c-rate">{t!(i18n, draft_vat_rate)}</label>
                        <select id="c-rate" name="vat_rate">
                            {VatRate::ALL.into_iter().map(|r| {
                                let pct = rust_decimal::Decimal::new(r.basis_points(), 2).normalize().to_string();
                                view! { <option value=pct.clone()>{pct.clone()} " %"</option> }
                            }).collect_view()}
                        </select>
                    </div>
                    <div class="field"><label for="c-reason">{t!(i18n, inv_credit_reason)}</label><input id="c-reason" name="description" maxlength="500" /></div>
                    <button type="submit" class="secondary" data-testid="credit-submit">{t!(i18n, inv_credit_submit)}</button>
                </ActionForm>
            </section>
        })}
        {(!v.draft && !v.credit_note).then(|| view! {
            <section class="panel">
                <h2>{t!(i18n, inv_pay_link)}</h2>
                <ActionForm action=send_again>
                    <input type="hidden" name="id" value=id.to_string() />
                    <button type="submit" class="primary" data-testid="send-again">{t!(i18n, inv_send_again)}</button>
                </ActionForm>
                <ActionForm action=reissue>
                    <input type="hidden" name="id" value=id.to_string() />
                    <button type="submit" class="secondary" data-testid="reissue-link">{t!(i18n, inv_pay_link_reissue)}</button>
                </ActionForm>
                <ActionForm action=revoke>
                    <input type="hidden" name="id" value=id.to_string() />
                    <button type="submit" class="link-button">{t!(i18n, inv_pay_link_revoke)}</button>
                </ActionForm>
            </section>
        })}
    }
}

#[component]
fn History(v: StaffInvoiceView) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="panel">
            <h2>{t!(i18n, inv_history)}</h2>
            <ol class="history" data-testid="history">
                {v.history.into_iter().map(|h| {
                    let when = chrono::DateTime::from_timestamp(h.at, 0).map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string()).unwrap_or_default();
                    view! { <li><time>{when}</time> " — " {history_label(&h.action)} {h.actor.map(|a| format!(" ({a})"))}</li> }
                }).collect_view()}
            </ol>
            {(!v.credit_notes.is_empty()).then(|| view! {
                <h3>{t!(i18n, inv_credit_notes)}</h3>
                <ul>{v.credit_notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
            })}
        </section>
    }
}

/// A readable label for an audit action; unknown actions show their code.
fn history_label(action: &str) -> String {
    let i18n = use_i18n();
    let (code, detail) = action.split_once(':').unwrap_or((action, ""));
    if let Some(label) = reminder_history_label(code, detail) {
        return label;
    }
    let label = match code {
        "draft_created" => t_string!(i18n, hist_draft_created).to_string(),
        "issued" => t_string!(i18n, hist_issued).to_string(),
        "credited" => t_string!(i18n, hist_credited).to_string(),
        "invoice_emailed" => t_string!(i18n, hist_emailed).to_string(),
        "sent_again" | "invoice_emailed_again" => t_string!(i18n, hist_sent_again).to_string(),
        "pay_link_reissued" => t_string!(i18n, hist_link_reissued).to_string(),
        "pay_link_revoked" => t_string!(i18n, hist_link_revoked).to_string(),
        "payment_recorded" => t_string!(i18n, tl_offline_recorded).to_string(),
        "refund_requested" => t_string!(i18n, tl_refund_requested).to_string(),
        "corrected" => t_string!(i18n, hist_corrected).to_string(),
        "replaces" => t_string!(i18n, hist_replaces).to_string(),
        "draft_updated" => t_string!(i18n, hist_draft_updated).to_string(),
        other => other.to_string(),
    };
    if detail.is_empty() {
        label
    } else {
        format!("{label} {detail}")
    }
}

/// The label of a reminder action (`reminder_queued:<offset>`,
/// `reminder_skipped:<offset>`, `payment_promised:<date>`, pauses), its
/// detail in words; `None` for other actions.
fn reminder_history_label(code: &str, detail: &str) -> Option<String> {
    let i18n = use_i18n();
    let lang = crate::model::lang::Lang::from(i18n.get_locale_untracked());
    let step = || {
        detail
            .parse::<i64>()
            .map_or(detail.to_string(), offset_label)
    };
    Some(match code {
        "reminder_queued" => {
            let step = step();
            t_string!(i18n, hist_reminder_queued, step = step).to_string()
        }
        "reminder_skipped" => {
            let step = step();
            t_string!(i18n, hist_reminder_skipped, step = step).to_string()
        }
        "payment_promised" => {
            let date = crate::model::format::parse_iso_date(detail)
                .map_or(detail.to_string(), |d| {
                    crate::model::format::format_date(d, lang)
                });
            t_string!(i18n, hist_payment_promised, date = date).to_string()
        }
        "reminders_paused" => t_string!(i18n, hist_reminders_paused).to_string(),
        "reminders_resumed" => t_string!(i18n, hist_reminders_resumed).to_string(),
        _ => return None,
    })
}
