//! What pages share around loading their data: the numeric `:id` of the
//! route, and what to show when the data could not be loaded.
use crate::components::errors::error_text;
use crate::error::AppError;
use crate::pages::forbidden::ForbiddenPage;
use crate::pages::not_found::NotFoundPage;
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;

/// What a dependent resource's fetcher awaits of the page's own resource
/// (its document, its home data): the value, without subscribing to it. A
/// tracked `.await` there marks the dependent dirty when the page's resource
/// resolves, so its fetcher, and its server function, run a second time
/// while the render waits for the first; the page's resource is loaded once
/// per render, so there is nothing to follow.
pub async fn untracked<F: std::future::IntoFuture>(resource: F) -> F::Output {
    ScopedFuture::new_untracked(resource.into_future()).await
}

/// The route's `:id` as a number (0, which matches nothing, when it is not one).
pub fn id_param() -> impl Fn() -> i64 + Copy + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .with(|p| p.get("id"))
            .and_then(|v| v.parse::<i64>().ok())
            .unwrap_or(0)
    }
}

/// A refused or failed load: the login page (back to `here` afterwards),
/// the 403 or 404 page, or the error's sentence.
#[component]
pub fn LoadFailed(error: AppError, here: String) -> impl IntoView {
    match error {
        AppError::Unauthenticated => {
            view! { <Redirect path=format!("/login?next={here}") /> }.into_any()
        }
        AppError::Forbidden => view! { <ForbiddenPage /> }.into_any(),
        AppError::NotFound => view! { <NotFoundPage /> }.into_any(),
        e => view! { <p class="alert" role="alert">{error_text(&e)}</p> }.into_any(),
    }
}
