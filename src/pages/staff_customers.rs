//! `/staff/customers` (list and search) and `/staff/customers/new|{id}` (form).
use crate::api::customers::{InviteContact, SaveCustomer, customer_form, list_customers};
use crate::components::customer_reminder_pause::{CustomerReminderPause, customer_pause_resource};
use crate::components::errors::{FormAlert, error_text, problem_text, refusal_in_query};
use crate::components::staff_statements::{CustomerStatementSection, statement_links_resource};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::customer::CustomerInput;
use crate::model::validate::FieldErrors;
use crate::pages::forbidden::ForbiddenPage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_params_map, use_query_map};

fn refusal(e: AppError) -> AnyView {
    match e {
        AppError::Unauthenticated => {
            view! { <Redirect path="/login?next=/staff/customers" /> }.into_any()
        }
        AppError::Forbidden => view! { <ForbiddenPage /> }.into_any(),
        e => view! { <p class="alert" role="alert">{error_text(&e)}</p> }.into_any(),
    }
}

#[component]
pub fn StaffCustomersPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let q = move || query.with(|m| m.get("q")).unwrap_or_default();
    let list = Resource::new(q, list_customers);
    view! {
        <Title text=t_string!(i18n, nav_staff_customers).to_string() />
        <section class="panel wide">
            <div class="title-row">
                <h1>{t!(i18n, nav_staff_customers)}</h1>
                <a class="button-link" href="/staff/customers/new" data-testid="new-customer">{t!(i18n, customer_new)}</a>
            </div>
            <form method="get" action="/staff/customers" class="search" role="search">
                <label for="c-q" class="visually-hidden">{t!(i18n, search_submit)}</label>
                <input id="c-q" type="search" name="q" maxlength="100" value=q />
                <button type="submit" class="secondary">{t!(i18n, search_submit)}</button>
            </form>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move { match list.await {
                    Ok(rows) => view! {
                        <ul class="customer-list" data-testid="customer-list">
                            {rows.into_iter().map(|c| view! {
                                <li>
                                    <a href=format!("/staff/customers/{}", c.id)><strong>{c.name}</strong></a>
                                    <span class="muted">{format!(" · {} · {} · {}", c.city, c.billing_email, c.siren)}</span>
                                    " "
                                    <a class="chip" href=format!("/staff/invoices?customer={}", c.id)>{t!(i18n, nav_staff_invoices)}</a>
                                </li>
                            }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => refusal(e),
                }})}
            </Transition>
        </section>
    }
}

#[component]
pub fn StaffCustomerFormPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || {
        params
            .with(|p| p.get("id"))
            .and_then(|v| v.parse::<i64>().ok())
    };
    // Both resources start here, never under the Suspense
    // (leptos-rs/leptos#4866); the reminder pause follows the form's answer.
    let form_loading = ArcResource::new(id, customer_form);
    let form = Resource::from(form_loading.clone());
    let statement_links = statement_links_resource(id, form_loading.clone());
    let pause = customer_pause_resource(id, form_loading);
    view! {
        <Title text=t_string!(i18n, nav_staff_customers).to_string() />
        <section class="panel narrow">
            <p class="back"><a href="/staff/customers">"← " {t!(i18n, nav_staff_customers)}</a></p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move { match form.await {
                    Ok((input, errors)) => view! {
                        <CustomerForm id=id() input errors />
                        {id().map(|cid| view! { <InviteForm customer_id=cid /> })}
                        {id().map(|cid| view! { <CustomerReminderPause customer_id=cid data=pause /> })}
                        {id().map(|cid| view! { <CustomerStatementSection customer_id=cid data=statement_links /> })}
                    }.into_any(),
                    Err(e) => refusal(e),
                }})}
            </Suspense>
        </section>
    }
}

#[component]
fn CustomerForm(id: Option<i64>, input: CustomerInput, errors: FieldErrors) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveCustomer>::new();
    // A refused save comes back through the session: the form and its errors.
    let errors = Signal::stored(errors);
    let alert = Signal::derive(move || {
        (!errors.get().is_empty()).then(|| t_string!(i18n, form_has_errors).to_string())
    });
    let field = move |name: &'static str, label: String, value: String, kind: &'static str| {
        let err = move || errors.get().get(name).map(problem_text);
        view! {
            <div class="field" class:has-error=move || err().is_some()>
                <label for=format!("cu-{name}")>{label}</label>
                <input id=format!("cu-{name}") name=format!("customer[{name}]") type=kind value=value data-testid=format!("customer-{name}") />
                {move || err().map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            </div>
        }
    };
    let business = input.is_business.is_some();
    let en = input.lang == "en";
    view! {
        <h1>{if id.is_some() { t_string!(i18n, customer_edit) } else { t_string!(i18n, customer_new) }}</h1>
        <FormAlert message=alert />
        <ActionForm action attr:class="stack" attr:novalidate=true>
            {id.map(|i| view! { <input type="hidden" name="id" value=i.to_string() /> })}
            {field("name", t_string!(i18n, customer_name).to_string(), input.name.clone(), "text")}
            <label class="radio"><input type="checkbox" name="customer[is_business]" value="on" checked=business />{t!(i18n, customer_business)}</label>
            {field("siren", t_string!(i18n, doc_siren).to_string(), input.siren.clone(), "text")}
            {field("vat_number", t_string!(i18n, doc_vat_number).to_string(), input.vat_number.clone(), "text")}
            {field("address_line1", t_string!(i18n, customer_address).to_string(), input.address_line1.clone(), "text")}
            {field("postal_code", t_string!(i18n, customer_postal_code).to_string(), input.postal_code.clone(), "text")}
            {field("city", t_string!(i18n, customer_city).to_string(), input.city.clone(), "text")}
            {field("country", t_string!(i18n, customer_country).to_string(), input.country.clone(), "text")}
            {field("billing_email", t_string!(i18n, customer_email).to_string(), input.billing_email.clone(), "email")}
            <fieldset class="delivery" data-testid="customer-delivery">
                <legend>{t!(i18n, customer_delivery_title)}</legend>
                <p class="hint">{t!(i18n, customer_delivery_hint)}</p>
                {field("delivery_line1", t_string!(i18n, customer_address).to_string(), input.delivery_line1.clone(), "text")}
                {field("delivery_postal_code", t_string!(i18n, customer_postal_code).to_string(), input.delivery_postal_code.clone(), "text")}
                {field("delivery_city", t_string!(i18n, customer_city).to_string(), input.delivery_city.clone(), "text")}
                {field("delivery_country", t_string!(i18n, customer_country).to_string(), input.delivery_country.clone(), "text")}
            </fieldset>
            <div class="field">
                <label for="cu-lang">{t!(i18n, lang_switch_label)}</label>
                <select id="cu-lang" name="customer[lang]">
                    <option value="fr" selected=!en>"Français"</option>
                    <option value="en" selected=en>"English"</option>
                </select>
            </div>
            <button type="submit" class="primary" data-testid="save-customer">{t!(i18n, customer_save)}</button>
        </ActionForm>
    }
}

/// Invite a contact of this customer to the portal (single-use link by email).
#[component]
fn InviteForm(customer_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let action = ServerAction::<InviteContact>::new();
    let q = move |k: &str| query.with(|m| m.get(k));
    let refusal = refusal_in_query("invite");
    let err = {
        let refusal = refusal.clone();
        move |field: &str| {
            refusal
                .as_ref()
                .and_then(|r| r.problem(field))
                .map(problem_text)
        }
    };
    let other = refusal.as_ref().and_then(|r| match r.error() {
        AppError::Validation(_) => None,
        AppError::Conflict => Some(error_text(&AppError::Conflict)),
        _ => Some(error_text(&AppError::Internal)),
    });
    let other = move || other.clone();
    let kept = move |k: &str| {
        refusal
            .as_ref()
            .and_then(|r| r.kept(k))
            .unwrap_or_default()
            .to_string()
    };
    view! {
        <section class="invite" aria-labelledby="invite-h">
            <h2 id="invite-h">{t!(i18n, invite_title)}</h2>
            {move || q("invited").map(|_| view! { <p class="notice" role="status">{t!(i18n, invite_sent)}</p> })}
            {move || other().map(|m| view! { <p class="alert" role="alert">{m}</p> })}
            <ActionForm action attr:class="stack" attr:novalidate=true>
                <input type="hidden" name="customer_id" value=customer_id.to_string() />
                <div class="field">
                    <label for="inv-email">{t!(i18n, email_label)}</label>
                    <input id="inv-email" type="email" name="email" value=kept("invite_email") data-testid="invite-email" />
                    {err("email").map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                </div>
                <div class="field">
                    <label for="inv-name">{t!(i18n, invite_name)}</label>
                    <input id="inv-name" name="name" value=kept("invite_name") />
                    {err("display_name").map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                </div>
                <button type="submit" class="secondary" data-testid="invite-submit">{t!(i18n, invite_submit)}</button>
            </ActionForm>
        </section>
    }
}
