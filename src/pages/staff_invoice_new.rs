//! `/staff/invoices/new`: a draft with lines. Works as a plain form (more rows
//! with `?rows=N`; a refused form comes back from the session with every error
//! next to its field); the lines are an island, so totals update as you type.
use crate::api::drafts::{UpdateDraft, draft_for_edit};
use crate::api::staff_invoices::{CreateDraft, customer_options, take_draft_flash};
use crate::components::draft_lines::{DraftLines, DraftLinesData, DraftLinesText};
use crate::components::errors::{FormAlert, error_text, problem_text};
use crate::components::islands::IslandScripts;
use crate::error::AppError;
use crate::i18n::*;
use crate::model::draft::DraftInput;
use crate::model::lang::Lang;
use crate::model::staff_invoice::DraftFlash;
use crate::model::validate::FieldErrors;
use crate::pages::not_found::NotFoundPage;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_params_map, use_query_map};

const MAX_ROWS: usize = 50;

/// The staff's customers for the select, `(id, name)`.
type Customers = Vec<(i64, String)>;

#[component]
pub fn StaffInvoiceNewPage() -> impl IntoView {
    let i18n = use_i18n();
    let flash = Resource::new(|| (), |_| take_draft_flash());
    let customers = Resource::new(|| (), |_| customer_options());
    view! {
        <Title text=t_string!(i18n, draft_title).to_string() />
        <section class="panel wide">
            <p class="back"><a href="/staff/invoices">"← " {t!(i18n, inv_back)}</a></p>
            <h1>{t!(i18n, draft_title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let customers = customers.await.unwrap_or_default();
                    match flash.await {
                        Ok(f) => view! { <DraftForm flash=f customers /> }.into_any(),
                        Err(e) => view! { <p class="alert" role="alert">{error_text(&e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// `/staff/invoices/:id/edit`: the same form over a draft as stored (or as
/// refused a moment ago), saved in place.
#[component]
pub fn StaffInvoiceEditPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let id = move || {
        params
            .with(|p| p.get("id"))
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    };
    let form = Resource::new(id, draft_for_edit);
    let customers = Resource::new(|| (), |_| customer_options());
    view! {
        <Title text=t_string!(i18n, draft_edit_title).to_string() />
        <section class="panel wide">
            <p class="back"><a href=move || format!("/staff/invoices/{}", id())>"← " {t!(i18n, draft_back)}</a></p>
            <h1>{t!(i18n, draft_edit_title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    let customers = customers.await.unwrap_or_default();
                    match form.await {
                        Ok(f) => view! { <DraftForm flash=Some(f) edit=id() customers /> }.into_any(),
                        Err(AppError::Unauthenticated) => view! { <Redirect path="/login?next=/staff/invoices" /> }.into_any(),
                        Err(AppError::NotFound) => view! { <NotFoundPage /> }.into_any(),
                        Err(e) => view! { <p class="alert" role="alert">{error_text(&e)}</p> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The draft form: a new draft, or the draft `edit` saved in place. A plain
/// form post to the server function; a refusal comes back through the session.
#[component]
fn DraftForm(
    flash: Option<DraftFlash>,
    #[prop(optional)] edit: Option<i64>,
    customers: Customers,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let DraftFlash { input, errors } = flash.unwrap_or_default();
    let wanted = query
        .with_untracked(|q| q.get("rows"))
        .and_then(|r| r.parse::<usize>().ok())
        .unwrap_or(3);
    let rows = wanted.max(input.lines.len()).clamp(1, MAX_ROWS);
    let alert = (!errors.is_empty()).then(|| t_string!(i18n, form_has_errors).to_string());
    let (here, action) = match edit {
        Some(id) => (format!("/staff/invoices/{id}/edit"), UpdateDraft::url()),
        None => ("/staff/invoices/new".to_string(), CreateDraft::url()),
    };
    let data = DraftLinesData {
        lines: (0..rows)
            .map(|i| input.lines.get(i).cloned().unwrap_or_default())
            .collect(),
        deposits: input.deposits.clone(),
        errors: errors
            .0
            .iter()
            .map(|(k, p)| (k.clone(), problem_text(*p)))
            .collect(),
        more_href: format!("{here}?rows={}", (rows + 1).min(MAX_ROWS)),
        lang: Lang::from(i18n.get_locale_untracked()),
    };
    view! {
        <FormAlert message=Signal::stored(alert) />
        <form method="post" action=action class="stack draft-form" novalidate>
            {edit.map(|id| view! { <input type="hidden" name="id" value=id.to_string() /> })}
            <DraftHeader input customers errors=errors.clone() />
            <DraftLines data text=lines_text(rows) />
            <button type="submit" class="primary" data-testid="save-draft">{t!(i18n, draft_save)}</button>
        </form>
        <IslandScripts />
    }
}

/// The island's labels in the page's language.
fn lines_text(rows: usize) -> DraftLinesText {
    let i18n = use_i18n();
    let s = |v: &dyn std::fmt::Display| v.to_string();
    DraftLinesText {
        legend: s(&t_string!(i18n, draft_lines)),
        add_line: s(&t_string!(i18n, draft_add_line)),
        row_names: (1..=rows)
            .map(|n| s(&t_string!(i18n, draft_line, n = n)))
            .collect(),
        description: s(&t_string!(i18n, draft_description)),
        quantity: s(&t_string!(i18n, draft_quantity)),
        unit: s(&t_string!(i18n, draft_unit)),
        unit_price: s(&t_string!(i18n, draft_unit_price)),
        vat_rate: s(&t_string!(i18n, draft_vat_rate)),
        discount: s(&t_string!(i18n, draft_discount)),
        deposits: s(&t_string!(i18n, draft_deposits)),
        deposits_hint: s(&t_string!(i18n, draft_deposits_hint)),
        total_ht: s(&t_string!(i18n, doc_total_ht)),
        total_vat: s(&t_string!(i18n, doc_total_vat)),
        total_ttc: s(&t_string!(i18n, doc_total_ttc)),
        less_deposits: s(&t_string!(i18n, doc_deposits)),
        balance: s(&t_string!(i18n, doc_balance)),
    }
}

/// The error message of one field, if any.
fn field_message(errors: &FieldErrors, name: &str) -> impl IntoView + use<> {
    let id = format!("err-{}", name.replace(['[', ']', '.'], "-"));
    errors
        .get(name)
        .map(|p| view! { <p class="field-error" id=id role="alert">{problem_text(p)}</p> })
}

#[component]
fn DraftHeader(input: DraftInput, customers: Customers, errors: FieldErrors) -> impl IntoView {
    let i18n = use_i18n();
    let chosen = input.customer_id;
    let currency = if input.currency.is_empty() {
        "EUR".to_string()
    } else {
        input.currency.clone()
    };
    view! {
        <div class="grid-2">
            <div class="field">
                <label for="d-customer">{t!(i18n, draft_customer)}</label>
                <select id="d-customer" name="draft[customer_id]" data-testid="draft-customer">
                    {customers.into_iter().map(|(id, name)| {
                        view! { <option value=id.to_string() selected=id == chosen>{name}</option> }
                    }).collect_view()}
                </select>
                {field_message(&errors, "customer_id")}
            </div>
            <div class="field">
                <label for="d-currency">{t!(i18n, draft_currency)}</label>
                <input id="d-currency" name="draft[currency]" maxlength="3" value=currency />
                {field_message(&errors, "currency")}
            </div>
            <div class="field">
                <label for="d-sale">{t!(i18n, draft_sale_date)}</label>
                <input id="d-sale" type="date" name="draft[sale_date]" value=input.sale_date.clone() />
                {field_message(&errors, "sale_date")}
            </div>
            <div class="field">
                <label for="d-due">{t!(i18n, draft_due_date)}</label>
                <input id="d-due" type="date" name="draft[due_date]" value=input.due_date.clone() data-testid="draft-due" />
                {field_message(&errors, "due_date")}
            </div>
        </div>
    }
}
