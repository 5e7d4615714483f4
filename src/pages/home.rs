//! `/`: sends each visitor to their own area.
use crate::api::auth::{current_user, home_for};
use leptos::prelude::*;
use leptos_router::components::Redirect;

#[component]
pub fn HomePage() -> impl IntoView {
    let user = Resource::new(|| (), |_| current_user());
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let target = match user.await {
                    Ok(Some(u)) => home_for(&u).to_string(),
                    _ => "/login".to_string(),
                };
                view! { <Redirect path=target /> }
            })}
        </Suspense>
    }
}
