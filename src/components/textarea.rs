//! A textarea that may hold what the user typed before a refusal.
use crate::model::dispute::MAX_MESSAGE_CHARS;
use leptos::prelude::*;

/// A textarea holding `text`. tachys writes a textarea's children unescaped,
/// so the server escapes the text itself (the browser decodes it; hydration
/// keeps the server's text node), and an empty textarea gets no child at all
/// (an empty text node would not hydrate). `id` is also the test id.
#[component]
pub fn TypedTextarea(
    id: &'static str,
    name: &'static str,
    rows: u8,
    required: bool,
    #[prop(optional)] invalid: bool,
    #[prop(default = None)] described_by: Option<String>,
    text: String,
) -> impl IntoView {
    let max = MAX_MESSAGE_CHARS.to_string();
    let invalid = invalid.then_some("true");
    let rows = rows.to_string();
    if text.is_empty() {
        view! {
            <textarea id=id name=name rows=rows required=required maxlength=max data-testid=id
                aria-invalid=invalid aria-describedby=described_by></textarea>
        }
        .into_any()
    } else {
        view! {
            <textarea id=id name=name rows=rows required=required maxlength=max data-testid=id
                aria-invalid=invalid aria-describedby=described_by>{textarea_text(text)}</textarea>
        }
        .into_any()
    }
}

/// The text of a textarea as the server must write it (see [`TypedTextarea`]).
pub fn textarea_text(text: String) -> String {
    #[cfg(feature = "ssr")]
    {
        text.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    }
    #[cfg(not(feature = "ssr"))]
    {
        text
    }
}
