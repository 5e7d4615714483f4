//! Staff: the statement section of a customer's page ("Email the
//! statement", the customer's statement links with a revoke button each),
//! and the admins' statement settings form on `/staff/settings`. Plain form
//! posts; a refusal comes back in the query (`components::errors`).
use crate::api::statements::{
    EmailStatement, RevokeStatementLink, SaveStatementSettings, staff_statement_links,
    statement_settings,
};
use crate::components::errors::{error_text, problem_text, refusal_in_query};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::format::format_date;
use crate::model::lang::Lang;
use crate::model::statement::{LinkRow, LinkStatus, SettingsView};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The statement links of the customer the page edits; `None` on the
/// new-customer form.
pub type StatementLinksResource = Resource<Result<Option<Vec<LinkRow>>, AppError>>;

/// Starts loading the links of customer `id()` once the page's form `form`
/// has loaded. Call it at the top of the route component.
pub fn statement_links_resource<T: Clone + Send + Sync + 'static>(
    id: impl Fn() -> Option<i64> + Send + Sync + 'static,
    form: ArcResource<Result<T, AppError>>,
) -> StatementLinksResource {
    Resource::new(id, move |id| {
        let form = form.clone();
        async move {
            crate::components::page_load::untracked(form).await?;
            match id {
                Some(id) => staff_statement_links(id).await.map(Some),
                None => Ok(None),
            }
        }
    })
}

/// The day of an instant (UTC: this also renders in the browser build).
fn instant_date(at: i64, lang: Lang) -> String {
    chrono::DateTime::from_timestamp(at, 0)
        .map(|d| format_date(d.date_naive(), lang))
        .unwrap_or_default()
}

#[component]
pub fn CustomerStatementSection(customer_id: i64, data: StatementLinksResource) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="customer-statement" id="statement" aria-labelledby="cu-st-h" data-testid="st-staff">
            <h2 id="cu-st-h">{t!(i18n, st_staff_title)}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    data.await.ok().flatten().map(|links| view! { <SectionBody customer_id links /> })
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SectionBody(customer_id: i64, links: Vec<LinkRow>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let done = use_query_map().with_untracked(|q| q.get("statement"));
    let done = done.and_then(|w| match w.as_str() {
        "sent" => Some(t_string!(i18n, st_staff_emailed).to_string()),
        "revoked" => Some(t_string!(i18n, st_staff_revoked).to_string()),
        _ => None,
    });
    let refused = refusal_in_query("statement").map(|r| error_text(&r.error()));
    let action = ServerAction::<EmailStatement>::new();
    view! {
        {done.map(|m| view! { <p class="success" role="status" data-testid="st-staff-done">{m}</p> })}
        {refused.map(|m| view! { <p class="alert" role="alert">{m}</p> })}
        <p class="hint" id="st-email-hint">{t!(i18n, st_staff_email_hint)}</p>
        <ActionForm action>
            <input type="hidden" name="customer_id" value=customer_id.to_string() />
            <button type="submit" class="secondary" aria-describedby="st-email-hint" data-testid="st-email">
                {t!(i18n, st_staff_email)}
            </button>
        </ActionForm>
        <h3>{t!(i18n, st_staff_links)}</h3>
        <LinkTable customer_id links lang />
    }
}

#[component]
fn LinkTable(customer_id: i64, links: Vec<LinkRow>, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    if links.is_empty() {
        return view! { <p class="empty" data-testid="st-no-links">{t!(i18n, st_staff_no_links)}</p> }.into_any();
    }
    let rows = links
        .into_iter()
        .map(|l| view! { <LinkLine customer_id l lang /> })
        .collect_view();
    view! {
        <table class="invoices" data-testid="st-links">
            <thead><tr>
                <th scope="col">{t!(i18n, st_staff_created)}</th>
                <th scope="col">{t!(i18n, st_staff_by)}</th>
                <th scope="col">{t!(i18n, st_staff_expires)}</th>
                <th scope="col">{t!(i18n, st_staff_status)}</th>
                <th scope="col"><span class="visually-hidden">{t!(i18n, st_staff_revoke)}</span></th>
            </tr></thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

#[component]
fn LinkLine(customer_id: i64, l: LinkRow, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<RevokeStatementLink>::new();
    let status = match l.status {
        LinkStatus::Live => t_string!(i18n, st_status_live),
        LinkStatus::Revoked => t_string!(i18n, st_status_revoked),
        LinkStatus::Expired => t_string!(i18n, st_status_expired),
    };
    let live = l.status == LinkStatus::Live;
    view! {
        <tr data-testid="st-link" data-status=format!("{:?}", l.status).to_lowercase()>
            <th scope="row" data-label=t_string!(i18n, st_staff_created)>{instant_date(l.created_at, lang)}</th>
            <td data-label=t_string!(i18n, st_staff_by)>{l.created_by.clone()}</td>
            <td data-label=t_string!(i18n, st_staff_expires)>{instant_date(l.expires_at, lang)}</td>
            <td data-label=t_string!(i18n, st_staff_status)>{status}</td>
            <td>
                {live.then(|| view! {
                    <ActionForm action>
                        <input type="hidden" name="customer_id" value=customer_id.to_string() />
                        <input type="hidden" name="link_id" value=l.id.to_string() />
                        <button type="submit" class="secondary" data-testid="st-revoke">{t!(i18n, st_staff_revoke)}</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}

/// The admins' statement settings; loads with the page (`settings_resource`).
pub type StatementSettingsResource = Resource<Result<SettingsView, AppError>>;

/// Starts loading the statement settings. Call it at the top of the route component.
pub fn settings_resource() -> StatementSettingsResource {
    Resource::new(|| (), |_| statement_settings())
}

#[component]
pub fn StatementSettingsForm(data: StatementSettingsResource) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section id="statement-settings" aria-labelledby="st-set-h" data-testid="st-settings">
            <h2 id="st-set-h">{t!(i18n, st_settings_title)}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    data.await.ok().map(|s| view! { <SettingsBody saved=s /> })
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn SettingsBody(saved: SettingsView) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveStatementSettings>::new();
    let done = use_query_map()
        .with_untracked(|q| q.get("statement_saved"))
        .is_some();
    let refused = refusal_in_query("st_settings");
    let days = refused
        .as_ref()
        .and_then(|r| r.kept("link_days").map(str::to_string))
        .unwrap_or(saved.link_days);
    let on = refused
        .as_ref()
        .and_then(|r| r.kept("on_pay_link").map(|v| v == "1"))
        .unwrap_or(saved.on_pay_link);
    let error = refused.as_ref().map(|r| match r.problem("link_days") {
        Some(p) => problem_text(p),
        None => error_text(&r.error()),
    });
    let invalid = error.is_some();
    view! {
        {done.then(|| view! { <p class="notice" role="status" data-testid="st-settings-saved">{t!(i18n, st_settings_saved)}</p> })}
        <ActionForm action attr:class="stack" attr:novalidate=true>
            <label class="radio">
                <input type="checkbox" name="on_pay_link" value="on" checked=on data-testid="st-on-pay-link" />
                {t!(i18n, st_settings_on_pay_link)}
            </label>
            <div class="field" class:has-error=invalid>
                <label for="st-link-days">{t!(i18n, st_settings_link_days)}</label>
                <input id="st-link-days" name="link_days" value=days inputmode="numeric" maxlength="4"
                    data-testid="st-link-days" aria-invalid=invalid.then_some("true")
                    aria-describedby=invalid.then_some("st-link-days-error") />
                {error.map(|m| view! { <p class="field-error" id="st-link-days-error" role="alert">{m}</p> })}
            </div>
            <button type="submit" class="secondary" data-testid="st-settings-save">{t!(i18n, st_settings_save)}</button>
        </ActionForm>
    }
}
