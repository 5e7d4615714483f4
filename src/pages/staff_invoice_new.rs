//! `/staff/invoices/new`: a draft with lines. Works as a plain form (more rows
//! with `?rows=N`; a refused form comes back from the session with every error
//! next to its field); hydrated, totals update as you type.
use crate::api::drafts::{UpdateDraft, draft_for_edit};
use crate::api::staff_invoices::{CreateDraft, customer_options, take_draft_flash};
use crate::components::errors::{FormAlert, error_text, problem_text};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::draft::{DraftInput, DraftLineInput, parse_deposits};
use crate::model::format::format_money;
use crate::model::invoice::balance;
use crate::model::lang::Lang;
use crate::model::staff_invoice::DraftFlash;
use crate::model::validate::FieldErrors;
use crate::model::vat::{LineAmounts, VatRate, compute_totals};
use crate::pages::not_found::NotFoundPage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_params_map, use_query_map};

const MAX_ROWS: usize = 50;

#[derive(Clone, Copy)]
struct LineSignals {
    description: RwSignal<String>,
    quantity: RwSignal<String>,
    unit: RwSignal<String>,
    unit_price: RwSignal<String>,
    vat_rate: RwSignal<String>,
    discount_pct: RwSignal<String>,
}

impl LineSignals {
    fn new(l: &DraftLineInput) -> Self {
        let rate = if l.vat_rate.is_empty() {
            "20".to_string()
        } else {
            l.vat_rate.clone()
        };
        LineSignals {
            description: RwSignal::new(l.description.clone()),
            quantity: RwSignal::new(if l.quantity.is_empty() {
                "1".into()
            } else {
                l.quantity.clone()
            }),
            unit: RwSignal::new(l.unit.clone()),
            unit_price: RwSignal::new(l.unit_price.clone()),
            vat_rate: RwSignal::new(rate),
            discount_pct: RwSignal::new(l.discount_pct.clone()),
        }
    }

    /// The line's amounts if what is typed so far parses.
    fn amounts(&self) -> Option<LineAmounts> {
        let dec = |s: String| {
            s.trim()
                .replace(',', ".")
                .parse::<rust_decimal::Decimal>()
                .ok()
        };
        let price = dec(self.unit_price.get())?;
        Some(LineAmounts {
            quantity: dec(self.quantity.get())?,
            unit_price_ht: rust_decimal::prelude::ToPrimitive::to_i64(
                &(price * rust_decimal::Decimal::from(100)).round(),
            )?,
            vat_rate: VatRate::parse_percent(&self.vat_rate.get())?,
            discount_pct: if self.discount_pct.get().trim().is_empty() {
                Default::default()
            } else {
                dec(self.discount_pct.get())?
            },
        })
    }
}

#[component]
pub fn StaffInvoiceNewPage() -> impl IntoView {
    let i18n = use_i18n();
    // One fetcher for the form and its customer picker, at the top of the
    // route, never under the Suspense (leptos-rs/leptos#4866).
    let flash = Resource::new(
        || (),
        |_| async { Ok::<_, AppError>((take_draft_flash().await?, customer_options().await?)) },
    );
    view! {
        <Title text=t_string!(i18n, draft_title).to_string() />
        <section class="panel wide">
            <p class="back"><a href="/staff/invoices">"← " {t!(i18n, inv_back)}</a></p>
            <h1>{t!(i18n, draft_title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move { match flash.await {
                    Ok((f, customers)) => view! { <DraftForm flash=f customers /> }.into_any(),
                    Err(e) => view! { <p class="alert" role="alert">{error_text(&e)}</p> }.into_any(),
                }})}
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
    let form = Resource::new(id, |id| async move {
        Ok::<_, AppError>((draft_for_edit(id).await?, customer_options().await?))
    });
    view! {
        <Title text=t_string!(i18n, draft_edit_title).to_string() />
        <section class="panel wide">
            <p class="back"><a href=move || format!("/staff/invoices/{}", id())>"← " {t!(i18n, draft_back)}</a></p>
            <h1>{t!(i18n, draft_edit_title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move { match form.await {
                    Ok((f, customers)) => view! { <DraftForm flash=Some(f) customers edit=id() /> }.into_any(),
                    Err(AppError::Unauthenticated) => view! { <Redirect path="/login?next=/staff/invoices" /> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFoundPage /> }.into_any(),
                    Err(e) => view! { <p class="alert" role="alert">{error_text(&e)}</p> }.into_any(),
                }})}
            </Suspense>
        </section>
    }
}

/// The draft form: a new draft, or the draft `edit` saved in place.
#[component]
fn DraftForm(
    flash: Option<DraftFlash>,
    customers: Vec<(i64, String)>,
    #[prop(optional)] edit: Option<i64>,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let create = ServerAction::<CreateDraft>::new();
    let update = ServerAction::<UpdateDraft>::new();
    let DraftFlash { input, errors } = flash.unwrap_or_default();
    let wanted = query
        .with_untracked(|q| q.get("rows"))
        .and_then(|r| r.parse::<usize>().ok())
        .unwrap_or(3);
    let rows = wanted.max(input.lines.len()).clamp(1, MAX_ROWS);
    let lines: Vec<LineSignals> = (0..rows)
        .map(|i| LineSignals::new(input.lines.get(i).unwrap_or(&DraftLineInput::default())))
        .collect();
    let flash_errors = errors;
    let errors = Signal::derive(move || {
        let answer = match edit {
            Some(_) => update.value().get().and_then(Result::err),
            None => create.value().get().and_then(Result::err),
        };
        match answer {
            Some(AppError::Validation(e)) => e,
            _ => flash_errors.clone(),
        }
    });
    let alert = Signal::derive(move || {
        let e = errors.get();
        (!e.is_empty()).then(|| t_string!(i18n, form_has_errors).to_string())
    });
    let lines_for_totals = lines.clone();
    let deposits = RwSignal::new(input.deposits.clone());
    let here = match edit {
        Some(id) => format!("/staff/invoices/{id}/edit"),
        None => "/staff/invoices/new".to_string(),
    };
    let more = format!("{here}?rows={}", (rows + 1).min(MAX_ROWS));
    let fields = move || {
        view! {
            <DraftHeader input=input.clone() customers=customers.clone() errors />
            <fieldset>
                <legend>{t!(i18n, draft_lines)}</legend>
                <FieldMessage errors name="lines".to_string() />
                {lines.into_iter().enumerate().map(|(i, l)| view! { <LineRow i l errors /> }).collect_view()}
                <a href=more class="chip" rel="external">{t!(i18n, draft_add_line)}</a>
            </fieldset>
            <DepositsField deposits errors />
            <LiveTotals lines=lines_for_totals deposits />
            <button type="submit" class="primary" data-testid="save-draft">{t!(i18n, draft_save)}</button>
        }
    };
    view! {
        <FormAlert message=alert />
        {match edit {
            Some(id) => view! {
                <ActionForm action=update attr:class="stack draft-form" attr:novalidate=true>
                    <input type="hidden" name="id" value=id.to_string() />
                    {fields()}
                </ActionForm>
            }.into_any(),
            None => view! {
                <ActionForm action=create attr:class="stack draft-form" attr:novalidate=true>
                    {fields()}
                </ActionForm>
            }.into_any(),
        }}
    }
}

/// The error message of one field, if any.
#[component]
fn FieldMessage(errors: Signal<FieldErrors>, name: String) -> impl IntoView {
    let id = format!("err-{}", name.replace(['[', ']', '.'], "-"));
    move || {
        errors.get().get(&name).map(
            |p| view! { <p class="field-error" id=id.clone() role="alert">{problem_text(p)}</p> },
        )
    }
}

#[component]
fn DraftHeader(
    input: DraftInput,
    customers: Vec<(i64, String)>,
    errors: Signal<FieldErrors>,
) -> impl IntoView {
    let i18n = use_i18n();
    let chosen = input.customer_id;
    view! {
        <div class="grid-2">
            <div class="field">
                <label for="d-customer">{t!(i18n, draft_customer)}</label>
                <select id="d-customer" name="draft[customer_id]" data-testid="draft-customer">
                    {customers.into_iter().map(|(id, name)| {
                        view! { <option value=id.to_string() selected=id == chosen>{name}</option> }
                    }).collect_view()}
                </select>
                <FieldMessage errors name="customer_id".to_string() />
            </div>
            <div class="field">
                <label for="d-currency">{t!(i18n, draft_currency)}</label>
                <input id="d-currency" name="draft[currency]" maxlength="3" value=if input.currency.is_empty() { "EUR".to_string() } else { input.currency.clone() } />
                <FieldMessage errors name="currency".to_string() />
            </div>
            <div class="field">
                <label for="d-sale">{t!(i18n, draft_sale_date)}</label>
                <input id="d-sale" type="date" name="draft[sale_date]" value=input.sale_date.clone() />
                <FieldMessage errors name="sale_date".to_string() />
            </div>
            <div class="field">
                <label for="d-due">{t!(i18n, draft_due_date)}</label>
                <input id="d-due" type="date" name="draft[due_date]" value=input.due_date.clone() data-testid="draft-due" />
                <FieldMessage errors name="due_date".to_string() />
            </div>
        </div>
    }
}

#[component]
fn LineRow(i: usize, l: LineSignals, errors: Signal<FieldErrors>) -> impl IntoView {
    let i18n = use_i18n();
    let name = move |f: &str| format!("draft[lines][{i}][{f}]");
    let id = move |f: &str| format!("l{i}-{f}");
    let key = move |f: &str| format!("lines[{i}].{f}");
    let input = move |f: &'static str, sig: RwSignal<String>, label: String, kind: &'static str| {
        view! {
            <div class=format!("field line-{f}")>
                <label for=id(f)>{label}</label>
                <input
                    id=id(f)
                    name=name(f)
                    type=kind
                    inputmode=if kind == "text" && f != "description" && f != "unit" { "decimal" } else { "text" }
                    prop:value=move || sig.get()
                    value=sig.get_untracked()
                    on:input=move |ev| sig.set(event_target_value(&ev))
                    data-testid=format!("line-{i}-{f}")
                />
                <FieldMessage errors name=key(f) />
            </div>
        }
    };
    view! {
        <div class="line-row" role="group" aria-label=move || t_string!(i18n, draft_line, n = i + 1).to_string()>
            {input("description", l.description, t_string!(i18n, draft_description).to_string(), "text")}
            {input("quantity", l.quantity, t_string!(i18n, draft_quantity).to_string(), "text")}
            {input("unit", l.unit, t_string!(i18n, draft_unit).to_string(), "text")}
            {input("unit_price", l.unit_price, t_string!(i18n, draft_unit_price).to_string(), "text")}
            {input("vat_rate", l.vat_rate, t_string!(i18n, draft_vat_rate).to_string(), "text")}
            {input("discount_pct", l.discount_pct, t_string!(i18n, draft_discount).to_string(), "text")}
        </div>
    }
}

/// Deposits (acomptes) already received, incl. VAT; deducted from the balance.
#[component]
fn DepositsField(deposits: RwSignal<String>, errors: Signal<FieldErrors>) -> impl IntoView {
    let i18n = use_i18n();
    let invalid = move || errors.get().get("deposits").is_some();
    view! {
        <div class="field deposits" class:has-error=invalid>
            <label for="d-deposits">{t!(i18n, draft_deposits)}</label>
            <p class="hint" id="d-deposits-hint">{t!(i18n, draft_deposits_hint)}</p>
            <input
                id="d-deposits"
                name="draft[deposits]"
                inputmode="decimal"
                aria-describedby=move || if invalid() { "d-deposits-hint err-deposits" } else { "d-deposits-hint" }
                aria-invalid=move || invalid().then_some("true")
                prop:value=move || deposits.get()
                value=deposits.get_untracked()
                on:input=move |ev| deposits.set(event_target_value(&ev))
                data-testid="draft-deposits"
            />
            <FieldMessage errors name="deposits".to_string() />
        </div>
    }
}

/// Totals of the lines typed so far (empty or unreadable lines are skipped),
/// less the deposits when some are typed.
#[component]
fn LiveTotals(lines: Vec<LineSignals>, deposits: RwSignal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let totals = Memo::new(move |_| {
        let amounts: Vec<LineAmounts> = lines
            .iter()
            .filter(|l| !l.description.get().trim().is_empty())
            .filter_map(|l| l.amounts())
            .collect();
        compute_totals(&amounts)
    });
    // What is typed so far, when it reads as an amount (the server checks the rest).
    let deposit = move || parse_deposits(&deposits.get(), "EUR", i64::MAX).unwrap_or(0);
    view! {
        <dl class="grand live-totals" aria-live="polite" data-testid="live-totals">
            <div><dt>{t!(i18n, doc_total_ht)}</dt><dd>{move || format_money(totals.get().total_ht, "EUR", lang)}</dd></div>
            <div><dt>{t!(i18n, doc_total_vat)}</dt><dd>{move || format_money(totals.get().total_vat, "EUR", lang)}</dd></div>
            <div class="ttc"><dt>{t!(i18n, doc_total_ttc)}</dt><dd data-testid="live-ttc">{move || format_money(totals.get().total_ttc, "EUR", lang)}</dd></div>
            {move || (deposit() > 0).then(|| view! {
                <div><dt>{t!(i18n, doc_deposits)}</dt><dd data-testid="live-deposits">{format_money(-deposit(), "EUR", lang)}</dd></div>
                <div><dt>{t!(i18n, doc_balance)}</dt><dd data-testid="live-balance">{format_money(balance(totals.get().total_ttc, deposit(), 0, 0), "EUR", lang)}</dd></div>
            })}
        </dl>
    }
}
