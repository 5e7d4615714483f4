//! `/staff/settings`: the company's legal identity and default terms (admins).
use crate::api::settings::{SaveSettings, get_settings, settings_logo};
use crate::components::document::operation_label;
use crate::components::errors::{FormAlert, error_text, problem_text};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::document::OperationCategory;
use crate::model::settings::{LogoProblem, SettingsInput};
use crate::model::validate::FieldErrors;
use crate::pages::forbidden::ForbiddenPage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffSettingsPage() -> impl IntoView {
    let i18n = use_i18n();
    // Both resources start here, never under the Suspense
    // (leptos-rs/leptos#4866); the logo follows the form's answer.
    let form_loading = ArcResource::new(|| (), |_| get_settings());
    let form = Resource::from(form_loading.clone());
    let statement_settings = crate::components::staff_statements::settings_resource();
    let logo = Resource::new(
        || (),
        move |_| {
            let form = form_loading.clone();
            async move {
                crate::components::page_load::untracked(form).await?;
                settings_logo().await
            }
        },
    );
    view! {
        <Title text=t_string!(i18n, settings_title).to_string() />
        <section class="panel narrow">
            <h1>{t!(i18n, settings_title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move { match form.await {
                    Ok((input, errors)) => view! {
                        <LogoSection logo /> <SettingsForm input errors />
                        <crate::components::staff_statements::StatementSettingsForm data=statement_settings />
                    }.into_any(),
                    Err(AppError::Unauthenticated) => view! { <Redirect path="/login?next=/staff/settings" /> }.into_any(),
                    Err(AppError::Forbidden) => view! { <ForbiddenPage /> }.into_any(),
                    Err(e) => view! { <p class="alert" role="alert">{error_text(&e)}</p> }.into_any(),
                }})}
            </Suspense>
        </section>
    }
}

#[component]
fn SettingsForm(input: SettingsInput, errors: FieldErrors) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let action = ServerAction::<SaveSettings>::new();
    let initial = errors;
    let errors = Signal::derive(move || match action.value().get() {
        Some(Err(AppError::Validation(e))) => e,
        _ => initial.clone(),
    });
    let alert = Signal::derive(move || {
        (!errors.get().is_empty()).then(|| t_string!(i18n, form_has_errors).to_string())
    });
    let saved = move || query.with(|q| q.get("saved")).is_some();
    let field = move |name: &'static str, label: String, value: String| {
        let err = move || errors.get().get(name).map(problem_text);
        view! {
            <div class="field" class:has-error=move || err().is_some()>
                <label for=format!("s-{name}")>{label}</label>
                <input id=format!("s-{name}") name=format!("settings[{name}]") value=value data-testid=format!("settings-{name}") />
                {move || err().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            </div>
        }
    };
    let partial = input.accept_partial.is_some();
    let debits = input.vat_on_debits.is_some();
    let operation = input.operation_category.clone();
    let operation_err = move || errors.get().get("operation_category").map(problem_text);
    view! {
        {move || saved().then(|| view! { <p class="notice" role="status">{t!(i18n, settings_saved)}</p> })}
        <FormAlert message=alert />
        <p class="hint">{t!(i18n, settings_hint)}</p>
        <ActionForm action attr:class="stack" attr:novalidate=true>
            {field("legal_name", t_string!(i18n, settings_legal_name).to_string(), input.legal_name.clone())}
            {field("legal_form", t_string!(i18n, settings_legal_form).to_string(), input.legal_form.clone())}
            {field("share_capital", t_string!(i18n, doc_share_capital).to_string(), input.share_capital.clone())}
            {field("address_line1", t_string!(i18n, customer_address).to_string(), input.address_line1.clone())}
            {field("postal_code", t_string!(i18n, customer_postal_code).to_string(), input.postal_code.clone())}
            {field("city", t_string!(i18n, customer_city).to_string(), input.city.clone())}
            {field("siren", t_string!(i18n, doc_siren).to_string(), input.siren.clone())}
            {field("siret", t_string!(i18n, doc_siret).to_string(), input.siret.clone())}
            {field("rcs_city", t_string!(i18n, doc_rcs).to_string(), input.rcs_city.clone())}
            {field("vat_number", t_string!(i18n, doc_vat_number).to_string(), input.vat_number.clone())}
            {field("iban", "IBAN".to_string(), input.iban.clone())}
            {field("bic", "BIC".to_string(), input.bic.clone())}
            {field("payment_terms_days", t_string!(i18n, settings_terms_days).to_string(), input.payment_terms_days.clone())}
            {field("late_penalty_rate", t_string!(i18n, settings_penalty_rate).to_string(), input.late_penalty_rate.clone())}
            {field("early_discount_terms", t_string!(i18n, settings_early_discount).to_string(), input.early_discount_terms.clone())}
            <label class="radio"><input type="checkbox" name="settings[accept_partial]" value="on" checked=partial />{t!(i18n, settings_accept_partial)}</label>
            <fieldset class="einvoice-mentions">
                <legend>{t!(i18n, settings_einvoice_hint)}</legend>
                <label class="radio"><input type="checkbox" name="settings[vat_on_debits]" value="on" checked=debits data-testid="settings-vat_on_debits" />{t!(i18n, settings_vat_on_debits)}</label>
                <div class="field" class:has-error=move || operation_err().is_some()>
                    <label for="s-operation_category">{t!(i18n, settings_operation_category)}</label>
                    <select id="s-operation_category" name="settings[operation_category]" data-testid="settings-operation_category">
                        {OperationCategory::ALL.into_iter().map(|c| {
                            let label = operation_label(c);
                            view! { <option value=c.as_str() selected=c.as_str() == operation>{label}</option> }
                        }).collect_view()}
                    </select>
                    {move || operation_err().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                </div>
            </fieldset>
            <p class="hint">{t!(i18n, settings_indemnity_note)}</p>
            <button type="submit" class="primary" data-testid="save-settings">{t!(i18n, customer_save)}</button>
        </ActionForm>
    }
}

/// The logo: a plain multipart form (no JavaScript needed) that posts to
/// `/staff/settings/logo`, which redirects back with `?logo=` or `?logo_err=`.
#[component]
fn LogoSection(logo: Resource<Result<Option<String>, AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = move |k: &str| query.with(|m| m.get(k));
    let error = move || {
        q("logo_err")
            .and_then(|c| LogoProblem::parse(&c))
            .map(|p| match p {
                LogoProblem::Missing => t_string!(i18n, settings_logo_err_missing).to_string(),
                LogoProblem::NotAnImage => t_string!(i18n, settings_logo_err_type).to_string(),
                LogoProblem::TooLarge => t_string!(i18n, settings_logo_err_size).to_string(),
            })
    };
    let done = move || match q("logo").as_deref() {
        Some("saved") => Some(t_string!(i18n, settings_logo_saved).to_string()),
        Some("removed") => Some(t_string!(i18n, settings_logo_removed).to_string()),
        _ => None,
    };
    view! {
        <section class="logo-settings" aria-labelledby="logo-h">
            <h2 id="logo-h">{t!(i18n, settings_logo_title)}</h2>
            {move || done().map(|m| view! { <p class="notice" role="status" data-testid="logo-done">{m}</p> })}
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move { logo.await.ok().map(|url| match url {
                    Some(src) => view! {
                        <img class="logo-preview" src=src alt=t_string!(i18n, settings_logo_current).to_string() data-testid="logo-preview" />
                        <form method="post" action="/staff/settings/logo/remove">
                            <button type="submit" class="link-button" data-testid="logo-remove">{t!(i18n, settings_logo_remove)}</button>
                        </form>
                    }.into_any(),
                    None => view! { <p class="hint" data-testid="logo-none">{t!(i18n, settings_logo_none)}</p> }.into_any(),
                })})}
            </Suspense>
            <form class="stack" method="post" action="/staff/settings/logo" enctype="multipart/form-data">
                <div class="field" class:has-error=move || error().is_some()>
                    <label for="logo-file">{t!(i18n, settings_logo_file)}</label>
                    <p class="hint" id="logo-hint">{t!(i18n, settings_logo_hint)}</p>
                    <input
                        id="logo-file"
                        type="file"
                        name="logo"
                        accept="image/png,image/jpeg"
                        aria-describedby=move || if error().is_some() { "logo-hint logo-error" } else { "logo-hint" }
                        aria-invalid=move || error().is_some().then_some("true")
                        data-testid="logo-file"
                    />
                    {move || error().map(|m| view! { <p class="field-error" id="logo-error" role="alert" data-testid="logo-error">{m}</p> })}
                </div>
                <button type="submit" class="secondary" data-testid="logo-upload">{t!(i18n, settings_logo_upload)}</button>
            </form>
        </section>
    }
}
