//! Admins, on `/staff/exports`: the accounts and journals the FEC posts to.
//! A plain form post; a refusal comes back through the session with what was
//! typed and each field's message (see `api::exports`).
use crate::api::exports::SaveAccountingSettings;
use crate::components::errors::{FormAlert, problem_text};
use crate::i18n::*;
use crate::model::export::AccountingSettings;
use crate::model::validate::FieldErrors;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn AccountingSettingsForm(settings: AccountingSettings, errors: FieldErrors) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let saved = query.with_untracked(|q| q.get("saved")).is_some();
    let action = ServerAction::<SaveAccountingSettings>::new();
    let alert = (!errors.is_empty()).then(|| t_string!(i18n, form_has_errors).to_string());
    let field = move |name: &'static str, label: String, hint: String, journal: bool| {
        let err = errors.get(name).map(problem_text);
        let invalid = err.is_some();
        let id = format!("acc-{name}");
        let by = if invalid {
            format!("{id}-hint {id}-error")
        } else {
            format!("{id}-hint")
        };
        let mode = if journal { "text" } else { "numeric" };
        let max = if journal { "6" } else { "10" };
        view! {
            <div class="field" class:has-error=invalid>
                <label for=id.clone()>{label}</label>
                <p class="hint" id=format!("{id}-hint")>{hint}</p>
                <input id=id.clone() name=format!("settings[{name}]") value=settings.field(name).to_string()
                    inputmode=mode maxlength=max
                    data-testid=id.clone() aria-invalid=invalid.then_some("true") aria-describedby=by />
                {err.map(|m| view! { <p class="field-error" id=format!("{id}-error") role="alert">{m}</p> })}
            </div>
        }
    };
    let digits = move || t_string!(i18n, exp_acc_digits).to_string();
    let code = move || t_string!(i18n, exp_acc_journal_hint).to_string();
    view! {
        <section id="accounting" aria-labelledby="acc-h" data-testid="accounting-settings">
            <h2 id="acc-h">{t!(i18n, exp_acc_title)}</h2>
            <p class="hint">{t!(i18n, exp_acc_intro)}</p>
            {saved.then(|| view! { <p class="notice" role="status" data-testid="acc-saved">{t!(i18n, exp_acc_saved)}</p> })}
            <FormAlert message=Signal::derive(move || alert.clone()) />
            <ActionForm action attr:class="stack" attr:novalidate=true>
                {field("customer_account", t_string!(i18n, exp_acc_customer).to_string(), digits(), false)}
                {field("revenue_account", t_string!(i18n, exp_acc_revenue).to_string(), digits(), false)}
                {field("vat_account_2000", t_string!(i18n, exp_acc_vat_20).to_string(), digits(), false)}
                {field("vat_account_1000", t_string!(i18n, exp_acc_vat_10).to_string(), digits(), false)}
                {field("vat_account_550", t_string!(i18n, exp_acc_vat_5_5).to_string(), digits(), false)}
                {field("vat_account_210", t_string!(i18n, exp_acc_vat_2_1).to_string(), digits(), false)}
                {field("bank_account", t_string!(i18n, exp_acc_bank).to_string(), digits(), false)}
                {field("sales_journal", t_string!(i18n, exp_acc_sales_journal).to_string(), code(), true)}
                {field("bank_journal", t_string!(i18n, exp_acc_bank_journal).to_string(), code(), true)}
                <button type="submit" class="primary" data-testid="acc-save">{t!(i18n, exp_acc_save)}</button>
            </ActionForm>
        </section>
    }
}
