//! The browser half of islands mode. Pages render on the server; only an
//! `#[island]` runs in the browser, and only a page that has one loads the
//! script and the wasm (`<IslandScripts />` at the end of that page). Every
//! other page ships no JavaScript at all.
use leptos::prelude::*;

/// The module script that loads the wasm and hydrates this page's islands.
/// In the body, after the islands: `modulepreload`/`preload` links are
/// allowed there, and pages without islands never pay for them.
#[component]
pub fn IslandScripts() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        use_context::<crate::server::state::AppState>()
            .map(|state| view! { <HydrationScripts options=state.leptos_options islands=true /> })
    }
    #[cfg(not(feature = "ssr"))]
    {
        // Never rendered in the browser: islands are hydrated, not built, there.
        None::<()>
    }
}

/// Server-rendered HTML outside islands carries no hydration markers: called
/// once by the shell before anything renders (what `HydrationScripts` does in
/// the head when every page loads the bundle).
pub fn render_without_hydration_markers() {
    if let Some(sc) = Owner::current_shared_context() {
        sc.set_is_hydrating(false);
    }
}
