//! `/forgot-password`, `/reset-password/:token` and `/invite/:token`: plain
//! forms that work without JavaScript. After a refusal the server redirects
//! back here with the reason in the query; the link pages first check that
//! their link still works, and say so plainly when it does not.
use crate::api::accounts::{AcceptInvitation, ForgotPassword, ResetPassword, account_link};
use crate::components::errors::{FormAlert, error_text, problem_text, refusal_in_query};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::validate::{FieldProblem, MAX_EMAIL_LEN, MAX_PASSWORD_LEN};
use leptos::prelude::*;

use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

/// The refusal carried back in the query string after a plain post.
fn form_error() -> Memo<Option<AppError>> {
    let error = refusal_in_query("").map(|r| r.error());
    Memo::new(move |_| error.clone())
}

/// The message under one field; a password outside the length rule gets the rule itself.
fn field_message(error: Memo<Option<AppError>>, name: &'static str) -> Signal<Option<String>> {
    let i18n = use_i18n();
    Signal::derive(move || match error.get() {
        Some(AppError::Validation(f)) => f.get(name).map(|p| match (name, p) {
            ("password", FieldProblem::OutOfRange | FieldProblem::TooLong) => {
                t_string!(i18n, account_password_rule).to_string()
            }
            _ => problem_text(p),
        }),
        _ => None,
    })
}

/// The form-level alert: field problems are shown next to their fields.
fn alert_text(error: Memo<Option<AppError>>) -> Signal<Option<String>> {
    Signal::derive(move || error.get().map(|e| error_text(&e)))
}

/// A labelled input with an optional hint and its error message, linked for screen readers.
#[component]
fn AccountField(
    name: &'static str,
    kind: &'static str,
    autocomplete: &'static str,
    label: Signal<String>,
    #[prop(optional)] hint: Option<Signal<String>>,
    value: Signal<String>,
    error: Signal<Option<String>>,
    maxlength: usize,
) -> impl IntoView {
    let id = format!("field-{name}");
    let (hint_id, err_id) = (format!("{id}-hint"), format!("{id}-error"));
    let (hint_id2, err_id2) = (hint_id.clone(), err_id.clone());
    let has_hint = hint.is_some();
    let described = move || {
        let mut ids = Vec::new();
        if has_hint {
            ids.push(hint_id.clone());
        }
        if error.get().is_some() {
            ids.push(err_id.clone());
        }
        (!ids.is_empty()).then(|| ids.join(" "))
    };
    view! {
        <div class="field" class:has-error=move || error.get().is_some()>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="intro" id=hint_id2.clone()>{h}</p> })}
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                maxlength=maxlength
                prop:value=value
                value=value
                aria-invalid=move || error.get().is_some().then_some("true")
                aria-describedby=described
            />
            {move || error.get().map(|m| view! {
                <p class="field-error" id=err_id2.clone() data-testid=format!("error-{name}")>{m}</p>
            })}
        </div>
    }
}

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let action = ServerAction::<ForgotPassword>::new();
    let error = form_error();
    let sent = move || query.with(|m| m.get("sent").is_some());
    let typed = refusal_in_query("")
        .and_then(|r| r.kept("email").map(str::to_string))
        .unwrap_or_default();
    let typed = Signal::stored(typed);
    view! {
        <Title text=page_title(i18n, LinkKind::Forgot) />
        <section class="panel narrow">
            <h1>{t!(i18n, account_forgot_title)}</h1>
            <Show
                when=sent
                fallback=move || view! {
                    <p class="intro">{t!(i18n, account_forgot_intro)}</p>
                    <FormAlert message=alert_text(error) />
                    <ActionForm action=action attr:class="stack" attr:novalidate=true>
                        <AccountField
                            name="email"
                            kind="email"
                            autocomplete="username"
                            label=Signal::derive(move || t_string!(i18n, email_label).to_string())
                            value=typed
                            error=field_message(error, "email")
                            maxlength=MAX_EMAIL_LEN
                        />
                        <button type="submit" class="primary" data-testid="forgot-submit">
                            {t!(i18n, account_forgot_submit)}
                        </button>
                    </ActionForm>
                }
            >
                <p role="status" data-testid="forgot-sent">{t!(i18n, account_forgot_sent)}</p>
            </Show>
            <p class="back"><a href="/login">{t!(i18n, account_back_to_login)}</a></p>
        </section>
    }
}

/// Which page this is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LinkKind {
    Forgot,
    Reset,
    Invite,
}

/// The document title, as plain text read once. A reactive title would be
/// read again when the server injects it into `<head>`, outside the page's
/// reactive arena, which panics now and then under concurrent requests.
fn page_title(i18n: leptos_i18n::I18nContext<Locale>, kind: LinkKind) -> String {
    let locale = i18n.get_locale_untracked();
    match kind {
        LinkKind::Forgot => td_string!(locale, account_forgot_title).to_string(),
        LinkKind::Reset => td_string!(locale, account_reset_title).to_string(),
        LinkKind::Invite => td_string!(locale, account_invite_title).to_string(),
    }
}

/// The page around a link's form: checks the link, then shows the form (with
/// the account's email for password managers) or says the link is dead.
#[component]
fn LinkPage(kind: LinkKind, form: fn(String, String) -> AnyView) -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token")).unwrap_or_default();
    let purpose = if kind == LinkKind::Reset {
        "reset"
    } else {
        "invite"
    };
    let link = Resource::new(token, move |t| account_link(purpose.to_string(), t));
    let title = page_title(i18n, kind);
    let heading = title.clone();
    view! {
        // The token is a secret: keep it out of other sites' logs. Not
        // "no-referrer": with it, browsers send `Origin: null` on this page's
        // own form posts, which the same-origin guard refuses.
        <Meta name="referrer" content="same-origin" />
        <Title text=title />
        <section class="panel narrow">
            <Suspense fallback=move || view! { <p aria-busy="true">{t!(i18n, loading)}</p> }>
                {move || {
                    let heading = heading.clone();
                    Suspend::new(async move { match link.await {
                    Ok(Some(email)) => view! { <h1>{heading.clone()}</h1> {form(token(), email)} }.into_any(),
                    _ => view! { <DeadLink kind /> }.into_any(),
                }})
                }}
            </Suspense>
        </section>
    }
}

#[component]
fn DeadLink(kind: LinkKind) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{t!(i18n, account_link_invalid_title)}</h1>
        <div data-testid="dead-link">
            {match kind {
                LinkKind::Reset => view! {
                    <p>{t!(i18n, account_reset_invalid_text)}</p>
                    <p class="back"><a href="/forgot-password">{t!(i18n, account_request_new_link)}</a></p>
                }.into_any(),
                LinkKind::Invite | LinkKind::Forgot => view! {
                    <p>{t!(i18n, account_invite_invalid_text)}</p>
                    <p class="back"><a href="/login">{t!(i18n, account_back_to_login)}</a></p>
                }.into_any(),
            }}
        </div>
    }
}

/// The fields both link forms share: the token, the account (for password
/// managers, not submitted), and the new password.
#[component]
fn NewPasswordFields(token: String, email: String, error: Memo<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <input type="hidden" name="token" value=token />
        <input type="email" autocomplete="username" value=email.clone() readonly hidden />
        <p data-testid="account-email">{t!(i18n, email_label)} ": " <strong>{email}</strong></p>
        <AccountField
            name="password"
            kind="password"
            autocomplete="new-password"
            label=Signal::derive(move || t_string!(i18n, account_new_password_label).to_string())
            hint=Signal::derive(move || t_string!(i18n, account_password_hint).to_string())
            value=Signal::derive(String::new)
            error=field_message(error, "password")
            maxlength=MAX_PASSWORD_LEN
        />
    }
}

fn reset_form(token: String, email: String) -> AnyView {
    view! { <ResetForm token email /> }.into_any()
}

#[component]
fn ResetForm(token: String, email: String) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<ResetPassword>::new();
    let error = form_error();
    view! {
        <FormAlert message=alert_text(error) />
        <ActionForm action=action attr:class="stack" attr:novalidate=true>
            <NewPasswordFields token email error />
            <button type="submit" class="primary" data-testid="reset-submit">{t!(i18n, account_reset_submit)}</button>
        </ActionForm>
    }
}

fn invite_form(token: String, email: String) -> AnyView {
    view! { <InviteForm token email /> }.into_any()
}

#[component]
fn InviteForm(token: String, email: String) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<AcceptInvitation>::new();
    let error = form_error();
    view! {
        <p class="intro">{t!(i18n, account_invite_intro)}</p>
        <FormAlert message=alert_text(error) />
        <ActionForm action=action attr:class="stack" attr:novalidate=true>
            <NewPasswordFields token email error />
            <button type="submit" class="primary" data-testid="invite-submit">{t!(i18n, account_invite_submit)}</button>
        </ActionForm>
    }
}

/// `/reset-password/:token`
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    view! { <LinkPage kind=LinkKind::Reset form=reset_form /> }
}

/// `/invite/:token`
#[component]
pub fn InvitePage() -> impl IntoView {
    view! { <LinkPage kind=LinkKind::Invite form=invite_form /> }
}
