//! Page frame: header with navigation, language switch and logout.
use crate::api::auth::{Logout, current_user};
use crate::i18n::*;
use crate::model::user::SessionUser;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_location;

/// The signed-in user, refetched on every navigation (sign-in and sign-out
/// both navigate), shared with pages through context.
#[derive(Clone, Copy)]
pub struct UserResource(pub Resource<Option<SessionUser>>);

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let location = use_location();
    let user = Resource::new(
        move || location.pathname.get(),
        |_| async { current_user().await.ok().flatten() },
    );
    provide_context(UserResource(user));
    let i18n = use_i18n();
    view! {
        <a class="skip-link" href="#main">{t!(i18n, skip_to_content)}</a>
        <header class="site-header">
            <a class="brand" href="/" rel="external">{t!(i18n, app_name)}</a>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    user.await.map(|u| view! { <UserNav user=u /> })
                })}
            </Transition>
            <LangSwitch />
        </header>
        <main id="main" tabindex="-1">{children()}</main>
    }
}

/// Links to the user's area and the logout button. On phones they open from
/// a "Menu" button (a native popover: no script), so that the header stays
/// one row; from 48rem they show in the header itself (style/main.css).
#[component]
fn UserNav(user: SessionUser) -> impl IntoView {
    let i18n = use_i18n();
    // A plain form, not an `ActionForm`: the header is on every page, and an
    // action's signals read during a render whose client went away panicked
    // ("already disposed", tests/disconnect.rs). Islands mode posts it
    // without JavaScript either way; the server function redirects.
    let logout = Logout::url();
    let area = if user.role.is_staff() {
        view! { <a href="/staff">{t!(i18n, nav_staff)}</a> }.into_any()
    } else {
        view! {
            <a href="/invoices">{t!(i18n, nav_invoices)}</a>
            <a href="/disputes" data-testid="nav-disputes">{t!(i18n, dispute_nav)}</a>
            <a href="/statement" data-testid="nav-statement">{t!(i18n, st_nav)}</a>
        }
        .into_any()
    };
    view! {
        <button type="button" class="menu-button" popovertarget="user-menu" data-testid="menu-button">
            {t!(i18n, nav_menu)}
        </button>
        <nav id="user-menu" class="user-nav" popover="auto" aria-label=move || t_string!(i18n, nav_main)>
            {area}
            <span class="who" data-testid="signed-in-as">
                <span class="visually-hidden">{t!(i18n, signed_in_as)} " "</span>
                {user.display_name}
            </span>
            <form method="post" action=logout class="inline-form">
                <button type="submit" class="link-button" data-testid="logout">
                    {t!(i18n, nav_logout)}
                </button>
            </form>
        </nav>
    }
}

/// Two plain links to `/lang/{code}`, which sets the language cookie and comes
/// back to this page: it works without JavaScript, and a full reload renders
/// every string in the new language.
#[component]
fn LangSwitch() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let back = move || {
        let search = location.search.get();
        let here = if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{}", location.pathname.get(), search)
        };
        url_escape(&here)
    };
    let current = move || i18n.get_locale();
    view! {
        <nav class="lang-switch" aria-label=move || t_string!(i18n, lang_switch_label)>
            <a
                href=move || format!("/lang/fr?next={}", back())
                rel="external"
                lang="fr"
                hreflang="fr"
                aria-current=move || (current() == Locale::fr).then_some("true")
                data-testid="lang-fr"
            >
                "FR"
                <span class="visually-hidden">" " {t!(i18n, lang_fr)}</span>
            </a>
            <a
                href=move || format!("/lang/en?next={}", back())
                rel="external"
                lang="en"
                hreflang="en"
                aria-current=move || (current() == Locale::en).then_some("true")
                data-testid="lang-en"
            >
                "EN"
                <span class="visually-hidden">" " {t!(i18n, lang_en)}</span>
            </a>
        </nav>
    }
}

/// Percent-encodes a path-and-query for use as a query value.
pub fn url_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => {
                out.push(b as char)
            }
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::url_escape;

    #[test]
    fn query_characters_are_escaped_but_slashes_stay_readable() {
        assert_eq!(
            url_escape("/invoices?status=paid&x=é"),
            "/invoices%3Fstatus%3Dpaid%26x%3D%C3%A9"
        );
    }
}
