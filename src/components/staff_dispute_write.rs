//! Staff dispute page: replying to the customer (a plain multipart form to
//! `POST /staff/disputes/{id}/reply`, files included) and internal notes.
use crate::api::staff_disputes::AddInternalNote;
use crate::components::staff_dispute_labels::{FormRefusal, refusal, typed};
use crate::components::textarea::TypedTextarea;
use crate::i18n::*;
use crate::model::dispute::MAX_ATTACHMENTS;
use leptos::prelude::*;

#[component]
pub fn ReplyForm(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let error = refusal("reply");
    let files_hint = t_string!(i18n, sd_files_hint, max = MAX_ATTACHMENTS).to_string();
    view! {
        <section class="panel" id="reply" aria-labelledby="sd-reply-h">
            <h2 id="sd-reply-h">{t!(i18n, sd_reply_title)}</h2>
            <p class="hint">{t!(i18n, sd_reply_hint)}</p>
            <FormRefusal error form="reply" />
            <form method="post" enctype="multipart/form-data" action=format!("/staff/disputes/{id}/reply")
                class="stack" data-testid="sd-reply-form">
                <div class="field">
                    <label for="sd-reply-message">{t!(i18n, sd_message)}</label>
                    <TypedTextarea id="sd-reply-message" name="message" rows=5 required=true text=typed("reply", "message") />
                </div>
                <div class="field">
                    <label for="sd-reply-files">{t!(i18n, sd_files)}</label>
                    <p class="hint" id="sd-reply-files-hint">{files_hint}</p>
                    <input id="sd-reply-files" type="file" name="files" multiple
                        accept="application/pdf,image/png,image/jpeg" aria-describedby="sd-reply-files-hint" />
                </div>
                <button type="submit" class="primary" data-testid="sd-reply-submit">{t!(i18n, sd_reply_submit)}</button>
            </form>
        </section>
    }
}

#[component]
pub fn NoteForm(id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let note = ServerAction::<AddInternalNote>::new();
    let error = refusal("note");
    view! {
        <section class="panel sd-note-panel" id="note" aria-labelledby="sd-note-h">
            <h2 id="sd-note-h">{t!(i18n, sd_note_title)}</h2>
            <p class="hint">{t!(i18n, sd_note_hint)}</p>
            <FormRefusal error form="note" />
            <ActionForm action=note attr:class="stack" attr:data-testid="sd-note-form">
                <input type="hidden" name="id" value=id.to_string() />
                <div class="field">
                    <label for="sd-note-message">{t!(i18n, sd_note_label)}</label>
                    <TypedTextarea id="sd-note-message" name="message" rows=3 required=true text=typed("note", "message") />
                </div>
                <button type="submit" class="secondary" data-testid="sd-note-submit">{t!(i18n, sd_note_submit)}</button>
            </ActionForm>
        </section>
    }
}
