//! Staff dispute page: recording the resolution. Every field is in the page,
//! each with a hint naming the kinds it applies to; once a kind is chosen, the
//! stylesheet hides the fields that do not apply to it (`:has()` on the
//! checked option: no JavaScript).
use crate::api::staff_disputes::{ResolveDispute, StaffDisputeData};
use crate::components::dispute_labels::resolution_label;
use crate::components::staff_dispute_labels::{FormRefusal, refusal, typed};
use crate::components::textarea::TypedTextarea;
use crate::i18n::*;
use crate::model::dispute::ResolutionKind;
use crate::model::format::format_money;
use crate::model::lang::Lang;
use crate::model::vat::VatRate;
use leptos::prelude::*;

/// Rows of instalments the form offers; empty rows are ignored.
const PLAN_ROWS: usize = 6;

type Refusal = Signal<Option<(String, String)>>;

/// The message for `field`, next to it.
fn field_error(error: Refusal, field: &'static str) -> impl IntoView {
    move || {
        error.get().filter(|(f, _)| f == field).map(|(_, m)| {
            view! { <p class="field-error" data-testid=format!("sd-error-resolve-{field}")>{m}</p> }
        })
    }
}

#[component]
pub fn ResolvePanel(d: StaffDisputeData) -> impl IntoView {
    let i18n = use_i18n();
    let resolve = ServerAction::<ResolveDispute>::new();
    let error = refusal("resolve");
    let t = |k: &str| typed("resolve", k);
    let options = ResolutionKind::ALL
        .into_iter()
        .map(|k| view! { <option value=k.as_str() selected=t("kind") == k.as_str()>{resolution_label(k)}</option> })
        .collect_view();
    view! {
        <section class="panel" id="resolve" aria-labelledby="sd-resolve-h">
            <h2 id="sd-resolve-h">{t!(i18n, sd_resolve_title)}</h2>
            <FormRefusal error form="resolve" />
            <ActionForm action=resolve attr:class="stack" attr:data-testid="sd-resolve-form">
                <input type="hidden" name="id" value=d.thread.header.id.to_string() />
                <div class="field">
                    <label for="sd-resolve-kind">{t!(i18n, sd_resolve_kind)}</label>
                    <select id="sd-resolve-kind" name="kind" required data-testid="sd-resolve-kind">
                        <option value="">{t!(i18n, sd_resolve_choose)}</option>
                        {options}
                    </select>
                    {field_error(error, "kind")}
                </div>
                <fieldset class="sd-kind-fields sd-kind-amount">
                    <legend>{t!(i18n, sd_resolve_amount_legend)}</legend>
                    <AmountFields error />
                </fieldset>
                <fieldset class="sd-kind-fields sd-kind-plan">
                    <legend>{t!(i18n, sd_resolve_plan_legend)}</legend>
                    <PlanFields error balance=d.balance currency=d.thread.header.currency.clone() today=d.today.clone() />
                </fieldset>
                <div class="field">
                    <label for="sd-resolve-explanation">{t!(i18n, sd_resolve_explanation)}</label>
                    <p class="hint" id="sd-resolve-explanation-hint">{t!(i18n, sd_resolve_explanation_hint)}</p>
                    <TypedTextarea id="sd-resolve-explanation" name="explanation" rows=4 required=false
                        described_by=Some("sd-resolve-explanation-hint".to_string()) text=t("explanation") />
                    {field_error(error, "explanation")}
                </div>
                <button type="submit" class="primary" data-testid="sd-resolve-submit">{t!(i18n, sd_resolve_submit)}</button>
            </ActionForm>
        </section>
    }
}

/// Amount excl. VAT and VAT rate: partial credit note and commercial gesture.
#[component]
fn AmountFields(error: Refusal) -> impl IntoView {
    let i18n = use_i18n();
    let typed_rate = typed("resolve", "vat_rate");
    let rate = if typed_rate.is_empty() {
        "20".to_string()
    } else {
        typed_rate
    };
    let rates = VatRate::ALL
        .into_iter()
        .map(|r| {
            let pct = rust_decimal::Decimal::new(r.basis_points(), 2)
                .normalize()
                .to_string();
            view! { <option value=pct.clone() selected=pct == rate>{pct.clone()} " %"</option> }
        })
        .collect_view();
    view! {
        <p class="hint">{t!(i18n, sd_resolve_amount_hint)}</p>
        <div class="field">
            <label for="sd-resolve-amount">{t!(i18n, sd_resolve_amount)}</label>
            <input id="sd-resolve-amount" name="amount_ht" inputmode="decimal" data-testid="sd-resolve-amount"
                value=typed("resolve", "amount_ht") />
            {field_error(error, "amount_ht")}
        </div>
        <div class="field">
            <label for="sd-resolve-vat">{t!(i18n, sd_resolve_vat)}</label>
            <select id="sd-resolve-vat" name="vat_rate" data-testid="sd-resolve-vat">{rates}</select>
            {field_error(error, "vat_rate")}
        </div>
    }
}

/// Up to [`PLAN_ROWS`] instalments (date and amount): payment plan only.
#[component]
fn PlanFields(error: Refusal, balance: i64, currency: String, today: String) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let total = format_money(balance, &currency, lang);
    let rows = (0..PLAN_ROWS)
        .map(|i| {
            let label = t_string!(i18n, sd_plan_row, n = i + 1).to_string();
            view! {
                <div class="sd-plan-row" role="group" aria-label=label>
                    <div class="field">
                        <label for=format!("sd-plan-d{i}")>{t!(i18n, sd_plan_date)} " " {i + 1}</label>
                        <input id=format!("sd-plan-d{i}") type="date" min=today.clone() name=format!("instalment_dates[{i}]")
                            value=typed("resolve", &format!("plan_d{i}")) data-testid=format!("sd-plan-date-{i}") />
                    </div>
                    <div class="field">
                        <label for=format!("sd-plan-a{i}")>{t!(i18n, sd_plan_amount)} " " {i + 1}</label>
                        <input id=format!("sd-plan-a{i}") inputmode="decimal" name=format!("instalment_amounts[{i}]")
                            value=typed("resolve", &format!("plan_a{i}")) data-testid=format!("sd-plan-amount-{i}") />
                    </div>
                </div>
            }
        })
        .collect_view();
    view! {
        <p class="hint">{t!(i18n, sd_resolve_plan_hint, total = total)}</p>
        {field_error(error, "instalments")}
        {rows}
    }
}
