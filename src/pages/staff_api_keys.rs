//! `/staff/api-keys`: admins create, see and revoke the ERP API's keys. The
//! secret of a new key is shown once, right after it is created.
use crate::api::api_keys::{CreateApiKey, RevokeApiKey, api_keys};
use crate::components::errors::{error_text, problem_text, refusal_in_query};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::api_key::{ApiKeyView, ApiScope};
use crate::model::format::format_instant_date;
use crate::model::lang::Lang;
use crate::pages::forbidden::ForbiddenPage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_location, use_query_map};

#[component]
pub fn StaffApiKeysPage() -> impl IntoView {
    let i18n = use_i18n();
    let search = use_location().search;
    // At the top of the route component, never under the Suspense.
    let page = Resource::new(move || search.get(), |_| api_keys());
    view! {
        <Title text=t_string!(i18n, api_keys_title).to_string() />
        <section class="panel narrow">
            <h1>{t!(i18n, api_keys_title)}</h1>
            <p class="muted">{t!(i18n, api_keys_intro)} " " <a href="/api/v1/docs">{t!(i18n, api_keys_docs)}</a></p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move { match page.await {
                    Ok(p) => view! {
                        {p.new_secret.map(|s| view! { <NewSecret secret=s /> })}
                        <KeyList keys=p.keys />
                        <NewKeyForm />
                    }.into_any(),
                    Err(AppError::Unauthenticated) => view! { <Redirect path="/login?next=/staff/api-keys" /> }.into_any(),
                    Err(AppError::Forbidden) => view! { <ForbiddenPage /> }.into_any(),
                    Err(e) => view! { <p class="alert" role="alert">{error_text(&e)}</p> }.into_any(),
                }})}
            </Suspense>
        </section>
    }
}

#[component]
fn NewSecret(secret: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="notice" role="status" data-testid="api-key-secret">
            <p>{t!(i18n, api_keys_secret_once)}</p>
            <p><code class="secret">{secret}</code></p>
        </div>
    }
}

#[component]
fn KeyList(keys: Vec<ApiKeyView>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let query = use_query_map();
    let q = move |k: &str| query.with(|m| m.get(k));
    view! {
        {move || q("revoked").map(|_| view! { <p class="notice" role="status">{t!(i18n, api_keys_revoked_done)}</p> })}
        {keys.is_empty().then(|| view! { <p class="muted">{t!(i18n, api_keys_none)}</p> })}
        <ul class="customer-list" data-testid="api-keys">
            {keys.into_iter().map(|k| view! { <KeyRow k lang /> }).collect_view()}
        </ul>
    }
}

#[component]
fn KeyRow(k: ApiKeyView, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    let revoke = ServerAction::<RevokeApiKey>::new();
    let scope = match k.scope {
        ApiScope::Read => t_string!(i18n, api_keys_scope_read).to_string(),
        ApiScope::Write => t_string!(i18n, api_keys_scope_write).to_string(),
    };
    let last_used = match k.last_used_at {
        Some(t) => format_instant_date(t, lang),
        None => t_string!(i18n, api_keys_never_used).to_string(),
    };
    view! {
        <li>
            <strong>{k.name.clone()}</strong>
            <span class="muted">" · " {scope} " · " <code>{k.prefix.clone()} "…"</code></span>
            <br />
            <span class="muted">
                {t!(i18n, api_keys_created)} " " {format_instant_date(k.created_at, lang)}
                " · " {t!(i18n, api_keys_last_used)} " " {last_used}
            </span>
            {match k.revoked_at {
                Some(t) => view! {
                    <span class="muted">" · " {t!(i18n, api_keys_revoked)} " " {format_instant_date(t, lang)}</span>
                }.into_any(),
                None => view! {
                    <ActionForm action=revoke attr:class="inline-row">
                        <input type="hidden" name="id" value=k.id.to_string() />
                        <button type="submit" class="secondary">{t!(i18n, api_keys_revoke)}</button>
                    </ActionForm>
                }.into_any(),
            }}
        </li>
    }
}

#[component]
fn NewKeyForm() -> impl IntoView {
    let i18n = use_i18n();
    let create = ServerAction::<CreateApiKey>::new();
    let refusal = refusal_in_query("");
    let name_error = refusal
        .as_ref()
        .and_then(|r| r.problem("name"))
        .map(problem_text);
    let scope_error = refusal
        .as_ref()
        .and_then(|r| r.problem("scope"))
        .map(problem_text);
    let kept = refusal
        .as_ref()
        .and_then(|r| r.kept("name"))
        .unwrap_or_default()
        .to_string();
    view! {
        <h2>{t!(i18n, api_keys_new)}</h2>
        <ActionForm action=create attr:class="stack" attr:novalidate=true>
            <div class="field">
                <label for="ak-name">{t!(i18n, api_keys_name)}</label>
                <input id="ak-name" name="name" type="text" value=kept maxlength="100" />
                {name_error.map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            </div>
            <div class="field">
                <label for="ak-scope">{t!(i18n, api_keys_scope)}</label>
                <select id="ak-scope" name="scope">
                    <option value="read">{t!(i18n, api_keys_scope_read)}</option>
                    <option value="write">{t!(i18n, api_keys_scope_write)}</option>
                </select>
                {scope_error.map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            </div>
            <button type="submit" class="primary" data-testid="create-api-key">{t!(i18n, api_keys_create)}</button>
        </ActionForm>
    }
}
