//! The 404 page.
use crate::components::status::set_http_status;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    set_http_status(404);
    let i18n = use_i18n();
    view! {
        <Title text=t_string!(i18n, not_found_title).to_string() />
        <section class="panel narrow">
            <h1>{t!(i18n, not_found_title)}</h1>
            <p>{t!(i18n, not_found_text)}</p>
            <p>
                <a href="/">{t!(i18n, back_home)}</a>
            </p>
        </section>
    }
}
