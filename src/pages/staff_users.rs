//! `/staff/users`: admins create staff accounts, set roles, deactivate them.
use crate::api::staff_users::{CreateStaff, UpdateStaff, staff_accounts};
use crate::components::errors::{error_text, problem_text, refusal_in_query};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::role::Role;
use crate::pages::forbidden::ForbiddenPage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_location, use_query_map};

#[component]
pub fn StaffUsersPage() -> impl IntoView {
    let i18n = use_i18n();
    let search = use_location().search;
    let list = Resource::new(move || search.get(), |_| staff_accounts());
    view! {
        <Title text=t_string!(i18n, users_title).to_string() />
        <section class="panel narrow">
            <h1>{t!(i18n, users_title)}</h1>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move { match list.await {
                    Ok(accounts) => view! {
                        <ul class="customer-list" data-testid="staff-accounts">
                            {accounts.into_iter().map(|a| view! { <AccountRow a /> }).collect_view()}
                        </ul>
                        <NewStaffForm />
                    }.into_any(),
                    Err(AppError::Unauthenticated) => view! { <Redirect path="/login?next=/staff/users" /> }.into_any(),
                    Err(AppError::Forbidden) => view! { <ForbiddenPage /> }.into_any(),
                    Err(e) => view! { <p class="alert" role="alert">{error_text(&e)}</p> }.into_any(),
                }})}
            </Suspense>
        </section>
    }
}

#[component]
fn AccountRow(a: crate::model::staff_user::StaffAccount) -> impl IntoView {
    let i18n = use_i18n();
    let update = ServerAction::<UpdateStaff>::new();
    let admin = a.user.role == Role::Admin;
    view! {
        <li>
            <strong>{a.user.display_name.clone()}</strong>
            <span class="muted">" · " {a.user.email.clone()}</span>
            {a.is_me.then(|| view! { <span class="muted">" " {t!(i18n, users_me)}</span> })}
            {(!a.is_me).then(|| view! {
                <ActionForm action=update attr:class="inline-row">
                    <input type="hidden" name="id" value=a.user.id.to_string() />
                    <label class="visually-hidden" for=format!("role-{}", a.user.id)>{t!(i18n, users_role)}</label>
                    <select id=format!("role-{}", a.user.id) name="role">
                        <option value="agent" selected=!admin>{t!(i18n, role_agent)}</option>
                        <option value="admin" selected=admin>{t!(i18n, role_admin)}</option>
                    </select>
                    <label class="radio"><input type="checkbox" name="active" value="on" checked=a.active />{t!(i18n, users_active)}</label>
                    <button type="submit" class="secondary">{t!(i18n, users_update)}</button>
                </ActionForm>
            })}
        </li>
    }
}

#[component]
fn NewStaffForm() -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let create = ServerAction::<CreateStaff>::new();
    let q = move |k: &str| query.with(|m| m.get(k));
    let refusal = refusal_in_query("");
    let err = {
        let refusal = refusal.clone();
        move |f: &str| {
            refusal
                .as_ref()
                .and_then(|r| r.problem(f))
                .map(problem_text)
        }
    };
    let kept = move |k: &str| {
        refusal
            .as_ref()
            .and_then(|r| r.kept(k))
            .unwrap_or_default()
            .to_string()
    };
    let field = move |name: &'static str, label: String, kind: &'static str| {
        view! {
            <div class="field">
                <label for=format!("nu-{name}")>{label}</label>
                <input id=format!("nu-{name}") name=name type=kind value=if kind == "password" { String::new() } else { kept(name) } />
                {err(name).map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
            </div>
        }
    };
    view! {
        <h2>{t!(i18n, users_new)}</h2>
        {move || q("created").or(q("updated")).map(|_| view! { <p class="notice" role="status">{t!(i18n, users_saved)}</p> })}
        <ActionForm action=create attr:class="stack" attr:novalidate=true>
            {field("email", t_string!(i18n, email_label).to_string(), "email")}
            {field("name", t_string!(i18n, users_name).to_string(), "text")}
            <div class="field">
                <label for="nu-role">{t!(i18n, users_role)}</label>
                <select id="nu-role" name="role">
                    <option value="agent">{t!(i18n, role_agent)}</option>
                    <option value="admin">{t!(i18n, role_admin)}</option>
                </select>
            </div>
            {field("password", t_string!(i18n, users_password).to_string(), "password")}
            <button type="submit" class="primary" data-testid="create-staff">{t!(i18n, users_create)}</button>
        </ActionForm>
    }
}
