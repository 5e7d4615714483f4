//! Staff dispute page: the messages in order, internal notes set apart.
//! Bodies are text nodes (never HTML) shown with their line breaks.
use crate::components::staff_dispute_labels::{instant_iso, instant_text};
use crate::i18n::*;
use crate::model::dispute::{AttachmentView, AuthorKind, StaffMessage};
use crate::model::lang::Lang;
use leptos::prelude::*;

#[component]
pub fn MessageList(id: i64, messages: Vec<StaffMessage>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="panel" aria-labelledby="sd-messages-h">
            <h2 id="sd-messages-h">{t!(i18n, sd_messages)}</h2>
            <ol class="sd-messages">
                {messages.into_iter().map(|m| view! { <MessageItem dispute=id m /> }).collect_view()}
            </ol>
        </section>
    }
}

#[component]
fn MessageItem(dispute: i64, m: StaffMessage) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let class = match (m.internal, m.author) {
        (true, _) => "sd-message sd-note",
        (false, AuthorKind::Staff) => "sd-message sd-from-staff",
        (false, AuthorKind::Customer) => "sd-message sd-from-customer",
    };
    let side = match m.author {
        AuthorKind::Staff => t_string!(i18n, sd_author_staff),
        AuthorKind::Customer => t_string!(i18n, sd_author_customer),
    };
    let files = m.attachments.clone();
    view! {
        <li id=format!("m{}", m.id) class=class data-testid=if m.internal { "sd-note" } else { "sd-message" }>
            {m.internal.then(|| view! { <p class="sd-note-mark"><strong>{t!(i18n, sd_internal_note)}</strong></p> })}
            <p class="sd-meta">
                <strong>{m.author_name.clone()}</strong> " (" {side.to_string()} ") · "
                <time datetime=instant_iso(m.created_at)>{instant_text(m.created_at, lang)}</time>
            </p>
            <p class="sd-body">{m.body.clone()}</p>
            {(!files.is_empty()).then(|| view! { <Attachments dispute files /> })}
        </li>
    }
}

#[component]
fn Attachments(dispute: i64, files: Vec<AttachmentView>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <ul class="sd-files" aria-label=move || t_string!(i18n, sd_attachments)>
            {files.into_iter().map(|f| {
                let kb = (f.size_bytes + 1023) / 1024;
                view! {
                    <li>
                        <a href=format!("/disputes/{dispute}/attachments/{}", f.id) rel="external" data-testid="sd-attachment">{f.filename}</a>
                        " " <span class="hint">{format!("({kb} KB)")}</span>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
