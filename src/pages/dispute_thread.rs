//! `/disputes/{id}` (a signed-in customer) and `/pay/{token}/disputes/{id}`
//! (the holder of that invoice's pay link): one dispute's thread. Anyone
//! else gets a plain 404.
use crate::api::disputes::dispute_thread;
use crate::components::dispute_thread::{DisputeThreadView, ThreadPlace};
use crate::components::errors::error_text;
use crate::error::AppError;
use crate::i18n::*;
use crate::pages::not_found::NotFoundPage;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;

/// The dispute id of the route, if it is a number.
fn dispute_id() -> Memo<Option<i64>> {
    let params = use_params_map();
    Memo::new(move |_| params.with(|p| p.get("id")).and_then(|s| s.parse().ok()))
}

#[component]
pub fn CustomerDisputePage() -> impl IntoView {
    view! { <ThreadPage kind="customer" token=Signal::derive(String::new) /> }
}

#[component]
pub fn PayLinkDisputePage() -> impl IntoView {
    let params = use_params_map();
    let token = Signal::derive(move || params.with(|p| p.get("token")).unwrap_or_default());
    view! {
        // The token is a secret: keep it out of other sites' logs (as the pay page does).
        <Meta name="referrer" content="same-origin" />
        <ThreadPage kind="link" token />
    }
}

/// Where the thread lives and where its invoice is, for this reader.
fn place(kind: &'static str, token: String, id: i64, invoice_number: &str) -> ThreadPlace {
    if kind == "link" {
        ThreadPlace {
            kind,
            base: format!("/pay/{token}/disputes/{id}"),
            invoice_href: format!("/pay/{token}#dispute"),
            key: token,
        }
    } else {
        ThreadPlace {
            kind,
            key: String::new(),
            base: format!("/disputes/{id}"),
            invoice_href: format!("/invoices/{invoice_number}#dispute"),
        }
    }
}

/// `kind` is `customer` (signed in) or `link` (the pay-link `token`).
#[component]
fn ThreadPage(kind: &'static str, token: Signal<String>) -> impl IntoView {
    let i18n = use_i18n();
    let id = dispute_id();
    let data = Resource::new(
        move || (id.get(), token.get()),
        move |(id, key)| async move {
            match id {
                Some(id) => dispute_thread(kind.to_string(), key, id).await,
                None => Err(AppError::NotFound),
            }
        },
    );
    view! {
        <Meta name="robots" content="noindex" />
        <Suspense fallback=move || view! { <p aria-busy="true">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move {
                let r = data.await;
                let id = id.get_untracked().unwrap_or_default();
                match r {
                    Ok(page) => {
                        let number = page.thread.header.invoice_number.clone();
                        let place = place(kind, token.get_untracked(), id, &number);
                        view! {
                            <Title text=number />
                            <DisputeThreadView page place />
                        }
                        .into_any()
                    }
                    Err(AppError::Unauthenticated) => {
                        view! { <Redirect path=format!("/login?next=/disputes/{id}") /> }.into_any()
                    }
                    Err(AppError::Forbidden) => {
                        view! { <Redirect path=format!("/staff/disputes/{id}") /> }.into_any()
                    }
                    Err(AppError::NotFound) => view! { <NotFoundPage /> }.into_any(),
                    Err(e) => view! { <p class="alert" role="alert">{error_text(&e)}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}
