//! Staff dispute page: the history (every change, who and when) and, once
//! closed, the recorded resolution with the reopen button.
use crate::api::staff_disputes::{ReopenStaffDispute, StaffDisputeData};
use crate::components::dispute_labels::{Reader, reason_label, resolution_label, status_label};
use crate::components::staff_dispute_labels::{FormRefusal, instant_iso, instant_text, refusal};
use crate::i18n::*;
use crate::model::dispute::{DisputeEvent, DisputeReason, DisputeStatus, ResolutionKind};
use crate::model::format::{format_date, format_money};
use crate::model::lang::Lang;
use leptos::prelude::*;

/// A sentence for one history entry; unknown kinds show their code.
fn event_text(e: &DisputeEvent, d: &StaffDisputeData) -> String {
    let i18n = use_i18n();
    let status = |s: &str| {
        DisputeStatus::parse(s)
            .map(|s| status_label(s, Reader::Staff))
            .unwrap_or(s.to_string())
    };
    let kind = |k: &str| {
        ResolutionKind::parse(k)
            .map(resolution_label)
            .unwrap_or(k.to_string())
    };
    match e.kind.as_str() {
        "opened" => {
            let reason = DisputeReason::parse(&e.detail)
                .map(reason_label)
                .unwrap_or_default();
            t_string!(i18n, sd_ev_opened, reason = reason).to_string()
        }
        "status" => {
            let (from, to) = e.detail.split_once("->").unwrap_or(("", &e.detail));
            t_string!(i18n, sd_ev_status, from = status(from), to = status(to)).to_string()
        }
        "assigned" => {
            let name = d.staff.iter().find(|m| m.id.to_string() == e.detail);
            let name = name.map(|m| m.name.clone()).unwrap_or(e.detail.clone());
            t_string!(i18n, sd_ev_assigned, name = name).to_string()
        }
        "unassigned" => t_string!(i18n, sd_ev_unassigned).to_string(),
        "resolved" => {
            let (k, number) = e.detail.split_once(':').unwrap_or((&e.detail, ""));
            let text = t_string!(i18n, sd_ev_resolved, kind = kind(k)).to_string();
            if number.is_empty() {
                text
            } else {
                format!("{text} ({number})")
            }
        }
        "reopened" => t_string!(i18n, sd_ev_reopened).to_string(),
        other => other.to_string(),
    }
}

#[component]
pub fn DisputeHistory(d: StaffDisputeData) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let items = d
        .thread
        .events
        .iter()
        .map(|e| {
            let who = e.actor_name.clone().unwrap_or_else(|| t_string!(i18n, sd_author_customer).to_string());
            view! {
                <li>
                    <time datetime=instant_iso(e.created_at)>{instant_text(e.created_at, lang)}</time>
                    " — " {event_text(e, &d)} " · " <span class="hint">{who}</span>
                </li>
            }
        })
        .collect_view();
    view! {
        <section class="panel" aria-labelledby="sd-history-h">
            <h2 id="sd-history-h">{t!(i18n, sd_history)}</h2>
            <ol class="history" data-testid="sd-history">{items}</ol>
        </section>
    }
}

#[component]
pub fn ResolutionPanel(d: StaffDisputeData) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let reopen = ServerAction::<ReopenStaffDispute>::new();
    let error = refusal("reopen");
    let Some(r) = d.thread.resolution.clone() else {
        return ().into_any();
    };
    let currency = d.thread.header.currency.clone();
    // Who closed it: the last "resolved" entry of the history.
    let by = d
        .thread
        .events
        .iter()
        .rev()
        .find(|e| e.kind == "resolved")
        .and_then(|e| e.actor_name.clone());
    let plan = r.instalments.iter().map(|i| view! {
        <li>{format_date(i.due_date, lang)} " · " {format_money(i.amount, &currency, lang)}</li>
    }).collect_view();
    view! {
        <section class="panel" id="reopen" aria-labelledby="sd-resolution-h" data-testid="sd-resolution">
            <h2 id="sd-resolution-h">{t!(i18n, sd_resolution_title)}</h2>
            <dl class="facts">
                <div><dt>{t!(i18n, sd_resolve_kind)}</dt><dd data-testid="sd-resolution-kind">{resolution_label(r.kind)}</dd></div>
                <div><dt>{t!(i18n, sd_resolution_when)}</dt><dd>{instant_text(r.resolved_at, lang)}</dd></div>
                {by.map(|b| view! { <div><dt>{t!(i18n, sd_resolution_by)}</dt><dd>{b}</dd></div> })}
                {r.credit_note_number.clone().map(|n| view! { <div><dt>{t!(i18n, sd_credit_note_number)}</dt><dd data-testid="sd-resolution-credit-note">{n}</dd></div> })}
            </dl>
            {(!r.explanation.is_empty()).then(|| view! { <p class="sd-body">{r.explanation.clone()}</p> })}
            {(!r.instalments.is_empty()).then(|| view! { <h3>{t!(i18n, sd_plan_title)}</h3> <ol class="timeline">{plan}</ol> })}
            <FormRefusal error form="reopen" />
            {d.may_reopen.then(|| view! {
                <ActionForm action=reopen>
                    <input type="hidden" name="id" value=d.thread.header.id.to_string() />
                    <p class="hint">{t!(i18n, sd_reopen_hint)}</p>
                    <button type="submit" class="secondary" data-testid="sd-reopen">{t!(i18n, sd_reopen)}</button>
                </ActionForm>
            })}
        </section>
    }
    .into_any()
}
