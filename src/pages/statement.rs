//! The customer statement pages: `/statement` (a signed-in customer),
//! `/statements/{token}` (a statement link staff emailed, no sign-in) and
//! `/pay/{token}/statement` (an invoice pay link, when the company allows
//! it). Each shows the statement as of `?as_of=` and hosts the pay form.
use crate::api::statements::get_statement;
use crate::components::errors::error_text;
use crate::components::statement::StatementBody;
use crate::components::statement_pay::{StatementPay, StatementPayResource, pay_resource};
use crate::components::status::set_http_status;
use crate::error::AppError;
use crate::i18n::*;
use crate::model::statement::StatementAnswer;
use crate::model::statement_access::StatementAccess;
use crate::pages::forbidden::ForbiddenPage;
use crate::pages::not_found::NotFoundPage;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_params_map, use_query_map};

type StatementResource = Resource<Result<StatementAnswer, AppError>>;

/// The statement of `access` as of the query's `as_of`.
fn statement_resource(access: StatementAccess) -> StatementResource {
    let query = use_query_map();
    Resource::new(
        move || query.with(|q| q.get("as_of")),
        move |as_of| get_statement(access.clone(), as_of),
    )
}

/// The token of a token route, read once (the page is rendered per request).
fn token() -> String {
    use_params_map()
        .with_untracked(|p| p.get("token"))
        .unwrap_or_default()
}

#[component]
pub fn StatementPage() -> impl IntoView {
    let access = StatementAccess::Account;
    // Every resource starts here, never under the Suspense (leptos-rs/leptos#4866).
    let statement = statement_resource(access.clone());
    let pay = pay_resource(access.clone());
    view! { <StatementScreen access statement pay /> }
}

#[component]
pub fn StatementLinkPage() -> impl IntoView {
    let access = StatementAccess::Link(token());
    let statement = statement_resource(access.clone());
    let pay = pay_resource(access.clone());
    view! {
        // The token is a secret: keep it out of other sites' logs.
        <Meta name="referrer" content="same-origin" />
        <StatementScreen access statement pay />
    }
}

#[component]
pub fn PayLinkStatementPage() -> impl IntoView {
    let t = token();
    let access = StatementAccess::PayLink(t.clone());
    let statement = statement_resource(access.clone());
    let pay = pay_resource(access.clone());
    let i18n = use_i18n();
    view! {
        <Meta name="referrer" content="same-origin" />
        <p class="back"><a href=format!("/pay/{}", crate::model::redirect::path_segment(&t))>
            "← " {t!(i18n, st_back_to_invoice)}</a></p>
        <StatementScreen access statement pay />
    }
}

/// What every statement page shows once its data is there.
#[component]
fn StatementScreen(
    access: StatementAccess,
    statement: StatementResource,
    pay: StatementPayResource,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, st_title).to_string() />
        <Suspense fallback=move || view! { <p aria-busy="true">{t!(i18n, loading)}</p> }>
            {move || {
                let access = access.clone();
                Suspend::new(async move { match statement.await {
                    Ok(StatementAnswer::Shown(view)) => view! {
                        <StatementBody view=*view access=access.clone()>
                            <StatementPay access=access.clone() pay=pay />
                        </StatementBody>
                    }.into_any(),
                    Ok(StatementAnswer::LinkEnded) => view! { <LinkEnded /> }.into_any(),
                    Err(AppError::Unauthenticated) => {
                        view! { <Redirect path="/login?next=/statement" /> }.into_any()
                    }
                    Err(AppError::Forbidden) => view! { <ForbiddenPage /> }.into_any(),
                    Err(AppError::NotFound) => view! { <NotFoundPage /> }.into_any(),
                    Err(e) => view! { <p class="alert" role="alert">{error_text(&e)}</p> }.into_any(),
                }})
            }}
        </Suspense>
    }
}

/// A revoked or expired statement link: a clear page, answered with 410.
#[component]
fn LinkEnded() -> impl IntoView {
    let i18n = use_i18n();
    set_http_status(410);
    view! {
        <section class="panel narrow" data-testid="st-link-ended">
            <h1>{t!(i18n, st_link_ended_title)}</h1>
            <p>{t!(i18n, st_link_ended_body)}</p>
            <p><a class="button-link" href="/login">{t!(i18n, nav_login)}</a></p>
        </section>
    }
}
