//! `/login`: a plain form that works without JavaScript. After a refusal the
//! server redirects back here with the reason and the typed email in the URL.
use crate::api::auth::Login;
use crate::components::errors::{FormAlert, error_text, problem_text, refusal_in_query};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::redirect::LocalPath;
use crate::model::validate::MAX_EMAIL_LEN;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let login = ServerAction::<Login>::new();
    let q = move |k: &str| query.with(|m| m.get(k));
    // A refused sign-in redirects back here with the refusal in the query.
    let refusal = refusal_in_query("");
    let typed_email = refusal
        .as_ref()
        .and_then(|r| r.kept("email"))
        .unwrap_or_default()
        .to_string();
    let error = Signal::stored(refusal.map(|r| r.error()));
    let field = move |name: &'static str| {
        Signal::derive(move || match error.get() {
            Some(AppError::Validation(f)) => f.get(name).map(problem_text),
            _ => None,
        })
    };
    let alert = Signal::derive(move || error.get().map(|e| error_text(&e)));
    view! {
        <Title text=t_string!(i18n, login_title).to_string() />
        <section class="panel narrow">
            <h1>{t!(i18n, login_title)}</h1>
            <p class="intro">{t!(i18n, login_intro)}</p>
            <FormAlert message=alert />
            <ActionForm action=login attr:class="stack" attr:novalidate=true>
                // Only a path of this site is carried on (the server checks again).
                <input type="hidden" name="next" value=move || q("next").filter(|n| LocalPath::parse(n).is_some()).unwrap_or_default() />
                <Field
                    name="email"
                    kind="email"
                    autocomplete="username"
                    label=Signal::derive(move || t_string!(i18n, email_label).to_string())
                    value=Signal::stored(typed_email)
                    error=field("email")
                    maxlength=MAX_EMAIL_LEN
                />
                <Field
                    name="password"
                    kind="password"
                    autocomplete="current-password"
                    label=Signal::derive(move || t_string!(i18n, password_label).to_string())
                    value=Signal::derive(String::new)
                    error=field("password")
                    maxlength=256
                />
                <button type="submit" class="primary" data-testid="login-submit">
                    {t!(i18n, login_submit)}
                </button>
            </ActionForm>
            <p class="back"><a href="/forgot-password" data-testid="forgot-link">{t!(i18n, account_forgot_link)}</a></p>
        </section>
    }
}

/// A labelled input with its error message below, linked for screen readers.
#[component]
fn Field(
    name: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    label: Signal<String>,
    value: Signal<String>,
    error: Signal<Option<String>>,
    maxlength: usize,
) -> impl IntoView {
    let id = format!("field-{name}");
    let err_id = format!("{id}-error");
    let err_id2 = err_id.clone();
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                maxlength=maxlength
                prop:value=value
                value=value
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=move || error.get().is_some().then(|| err_id.clone())
            />
            {move || {
                error
                    .get()
                    .map(|m| {
                        view! {
                            <p class="field-error" id=err_id2.clone() data-testid=format!("error-{name}")>
                                {m}
                            </p>
                        }
                    })
            }}
        </div>
    }
}
