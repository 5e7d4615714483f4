//! `/staff/exports` (agents and admins): a plain GET form for the range and
//! the files' language, one download link per export (plain links to the
//! streamed routes of `server/http/exports.rs`), and for admins the accounts
//! and journals the FEC posts to. A customer gets the 403 page.
use crate::api::exports::{ExportsPage, get_exports_page};
use crate::components::accounting_settings_form::AccountingSettingsForm;
use crate::components::dashboard_labels::range_problem_text;
use crate::components::errors::error_text;
use crate::error::AppError;
use crate::i18n::*;
use crate::model::dashboard::RangeIssue;
use crate::model::lang::Lang;
use crate::pages::forbidden::ForbiddenPage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_query_map;

#[component]
pub fn StaffExportsPage() -> impl IntoView {
    let i18n = use_i18n();
    // The resource starts here, never under the Suspense (leptos-rs/leptos#4866).
    let query = use_query_map();
    let typed = move || query.with(|q| (q.get("from"), q.get("to"), q.get("lang")));
    let page = Resource::new(typed, |(from, to, lang)| get_exports_page(from, to, lang));
    view! {
        <Title text=t_string!(i18n, exp_title).to_string() />
        <section class="panel wide" data-testid="exports">
            <h1>{t!(i18n, exp_title)}</h1>
            <p>{t!(i18n, exp_intro)}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move { match page.await {
                    Ok(p) => view! { <ExportsView page=p /> }.into_any(),
                    Err(AppError::Unauthenticated) => view! { <Redirect path="/login?next=/staff/exports" /> }.into_any(),
                    Err(AppError::Forbidden) => view! { <ForbiddenPage /> }.into_any(),
                    Err(e) => view! { <p class="alert" role="alert">{error_text(&e)}</p> }.into_any(),
                }})}
            </Suspense>
        </section>
    }
}

#[component]
fn ExportsView(page: ExportsPage) -> impl IntoView {
    let i18n = use_i18n();
    let lang = match Lang::parse(&page.lang) {
        Some(l) => l,
        None => Lang::from(i18n.get_locale_untracked()),
    };
    let links = page.issue.is_none().then(|| {
        view! { <ExportLinks from=page.from.clone() to=page.to.clone() lang /> }
    });
    view! {
        <RangeForm from=page.from.clone() to=page.to.clone() lang issue=page.issue.clone() />
        {links}
        {page.settings.map(|(settings, errors)| view! { <AccountingSettingsForm settings errors /> })}
    }
}

#[component]
fn RangeForm(from: String, to: String, lang: Lang, issue: Option<RangeIssue>) -> impl IntoView {
    let i18n = use_i18n();
    let problem = |field: &str| {
        issue
            .as_ref()
            .filter(|i| i.field == field)
            .map(|i| range_problem_text(i.problem))
    };
    let date = |id: &'static str, name: &'static str, label: String, value: String| {
        let err = problem(name);
        let invalid = err.is_some();
        let err_id = format!("{id}-error");
        view! {
            <div class="field" class:has-error=invalid>
                <label for=id>{label}</label>
                <input id=id type="date" name=name value=value data-testid=id
                    aria-invalid=invalid.then_some("true")
                    aria-describedby=invalid.then(|| err_id.clone()) />
                {err.map(|e| view! { <p class="field-error" id=err_id role="alert" data-testid=format!("{id}-error")>{e}</p> })}
            </div>
        }
    };
    view! {
        <form method="get" action="/staff/exports" class="filter-form" aria-label=t_string!(i18n, exp_range)>
            {date("exp-from", "from", t_string!(i18n, dash_from).to_string(), from)}
            {date("exp-to", "to", t_string!(i18n, dash_to).to_string(), to)}
            <div class="field">
                <label for="exp-lang">{t!(i18n, exp_lang)}</label>
                <select id="exp-lang" name="lang" data-testid="exp-lang">
                    <option value="fr" selected=lang == Lang::Fr>{t!(i18n, exp_lang_fr)}</option>
                    <option value="en" selected=lang == Lang::En>{t!(i18n, exp_lang_en)}</option>
                </select>
            </div>
            <button type="submit" class="secondary" data-testid="exp-apply">{t!(i18n, dash_apply)}</button>
        </form>
    }
}

/// One plain link per file: the browser downloads it, no script involved.
#[component]
fn ExportLinks(from: String, to: String, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    let mut q = form_urlencoded::Serializer::new(String::new());
    q.append_pair("from", &from)
        .append_pair("to", &to)
        .append_pair("lang", lang.code());
    let q = q.finish();
    let link = |file: &'static str, label: String, hint: String, id: &'static str| {
        view! {
            <li>
                <a class="button secondary" href=format!("/staff/exports/{file}?{q}") rel="external"
                    download="" data-testid=id>{label}</a>
                <span class="hint">{hint}</span>
            </li>
        }
    };
    view! {
        <h2>{t!(i18n, exp_files)}</h2>
        <ul class="export-links" data-testid="export-links">
            {link("invoices.csv", t_string!(i18n, exp_invoices).to_string(), t_string!(i18n, exp_invoices_hint).to_string(), "exp-invoices")}
            {link("credit-notes.csv", t_string!(i18n, exp_credit_notes).to_string(), t_string!(i18n, exp_credit_notes_hint).to_string(), "exp-credit-notes")}
            {link("payments.csv", t_string!(i18n, exp_payments).to_string(), t_string!(i18n, exp_payments_hint).to_string(), "exp-payments")}
            {link("fec.txt", t_string!(i18n, exp_fec).to_string(), t_string!(i18n, exp_fec_hint).to_string(), "exp-fec")}
            {link("e-reporting.csv", t_string!(i18n, exp_ereporting).to_string(), t_string!(i18n, exp_ereporting_hint).to_string(), "exp-ereporting")}
            <li>
                <a class="button secondary" href=format!("/staff/lifecycle.csv?{q}") rel="external"
                    download="" data-testid="exp-lifecycle">{t!(i18n, exp_lifecycle)}</a>
                <span class="hint">{t!(i18n, exp_lifecycle_hint)}</span>
            </li>
        </ul>
    }
}
