//! `/staff/disputes/{id}`: one dispute for staff: its facts, the thread with
//! internal notes, the reply and note forms, assignment, status, resolution
//! (or the recorded outcome and reopening) and the history.
use crate::api::staff_disputes::{StaffDisputeData, staff_dispute};
use crate::components::errors::done_in_query;
use crate::components::page_load::{LoadFailed, id_param};
use crate::components::staff_dispute_header::DisputeFacts;
use crate::components::staff_dispute_history::{DisputeHistory, ResolutionPanel};
use crate::components::staff_dispute_manage::{AssignPanel, StatusPanel};
use crate::components::staff_dispute_messages::MessageList;
use crate::components::staff_dispute_resolve::ResolvePanel;
use crate::components::staff_dispute_write::{NoteForm, ReplyForm};
use crate::error::Done;
use crate::i18n::*;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_query_map};

#[component]
pub fn StaffDisputePage() -> impl IntoView {
    let i18n = use_i18n();
    let id = id_param();
    // Actions redirect back here with `?done=…`: the changed query refetches.
    let search = use_location().search;
    let data = Resource::new(move || (id(), search.get()), |(id, _)| staff_dispute(id));
    view! {
        <Suspense fallback=move || view! { <p aria-busy="true">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move { match data.await {
                Ok(d) => view! { <DisputeBody d /> }.into_any(),
                Err(error) => view! { <LoadFailed error here=format!("/staff/disputes/{}", id()) /> }.into_any(),
            }})}
        </Suspense>
    }
}

#[component]
fn DisputeBody(d: StaffDisputeData) -> impl IntoView {
    let i18n = use_i18n();
    let id = d.thread.header.id;
    let closed = d.thread.header.status.is_closed();
    let title = format!(
        "{} {}",
        t_string!(i18n, sd_thread_title),
        d.thread.header.invoice_number
    );
    view! {
        <Title text=title />
        <p class="back"><a href="/staff/disputes">"← " {t!(i18n, sd_back)}</a></p>
        <DoneNotice />
        <div class="sd-layout">
            <div class="sd-main">
                <DisputeFacts d=d.clone() />
                <MessageList id messages=d.thread.messages.clone() />
                {(!closed).then(|| view! { <ReplyForm id /> })}
                <NoteForm id />
            </div>
            <aside class="sd-side" aria-label=move || t_string!(i18n, sd_actions)>
                {(!closed).then(|| view! {
                    <AssignPanel d=d.clone() />
                    <StatusPanel id status=d.thread.header.status />
                    <ResolvePanel d=d.clone() />
                })}
                {closed.then(|| view! { <ResolutionPanel d=d.clone() /> })}
                <DisputeHistory d />
            </aside>
        </div>
    }
}

/// What the last action did, from `?done=…` (with the credit note or draft).
#[component]
fn DoneNotice() -> impl IntoView {
    let i18n = use_i18n();
    let q = use_query_map();
    let get = move |k: &str| q.with_untracked(|q| q.get(k));
    let notice = move || -> Option<_> {
        let text = match done_in_query()? {
            Done::Replied => t_string!(i18n, sd_done_replied),
            Done::Noted => t_string!(i18n, sd_done_noted),
            Done::Assigned => t_string!(i18n, sd_done_assigned),
            Done::Unassigned => t_string!(i18n, sd_done_unassigned),
            Done::Status => t_string!(i18n, sd_done_status),
            Done::Reopened => t_string!(i18n, sd_done_reopened),
            Done::Resolved => t_string!(i18n, sd_done_resolved),
            _ => return None,
        };
        let credit_note = get("credit_note").map(|n| {
        view! { " " {t!(i18n, sd_credit_note_number)} " " <strong data-testid="sd-done-credit-note">{n}</strong> }
    });
        let draft = get("draft").and_then(|v| v.parse::<i64>().ok()).map(|id| {
        view! { " " <a href=format!("/staff/invoices/{id}") data-testid="sd-done-draft">{t!(i18n, sd_open_draft)}</a> }
    });
        Some(view! {
            <p class="success" role="status" data-testid="sd-done">{text.to_string()} {credit_note} {draft}</p>
        })
    };
    notice()
}
