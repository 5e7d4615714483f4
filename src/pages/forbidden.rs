//! The 403 page, shown in place of an area the user may not enter.
use crate::components::status::set_http_status;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn ForbiddenPage() -> impl IntoView {
    set_http_status(403);
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, forbidden_title).to_string() />
        <section class="panel narrow" data-testid="forbidden">
            <h1>{t!(i18n, forbidden_title)}</h1>
            <p>{t!(i18n, forbidden_text)}</p>
            <p>
                <a href="/">{t!(i18n, back_home)}</a>
            </p>
        </section>
    }
}
