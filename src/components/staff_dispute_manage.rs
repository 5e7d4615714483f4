//! Staff dispute page: who handles it (assign, assign to me, unassign) and
//! its status (only the moves the state machine allows are offered).
use crate::api::staff_disputes::{AssignDispute, SetDisputeStatus, StaffDisputeData};
use crate::components::dispute_labels::{Reader, status_label};
use crate::components::staff_dispute_labels::{FormRefusal, refusal};
use crate::i18n::*;
use crate::model::dispute::{DisputeStatus, Transition};
use leptos::prelude::*;

#[component]
pub fn AssignPanel(d: StaffDisputeData) -> impl IntoView {
    let i18n = use_i18n();
    let assign = ServerAction::<AssignDispute>::new();
    let error = refusal("assign");
    let id = d.thread.header.id.to_string();
    let current = d.thread.assignee.as_ref().map(|(u, _)| *u);
    let options = d
        .staff
        .iter()
        .filter(|m| m.active || Some(m.id) == current)
        .map(|m| view! { <option value=m.id.to_string() selected=Some(m.id) == current>{m.name.clone()}</option> })
        .collect_view();
    let hidden_form = |id: String, value: &'static str, label: String, testid: &'static str| {
        view! {
            <ActionForm action=assign attr:class="inline-form">
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="assignee" value=value />
                <button type="submit" class="secondary" data-testid=testid>{label}</button>
            </ActionForm>
        }
    };
    let to_me = (current != Some(d.me)).then(|| {
        hidden_form(
            id.clone(),
            "me",
            t_string!(i18n, sd_assign_me).to_string(),
            "sd-assign-me",
        )
    });
    let unassign = current.is_some().then(|| {
        hidden_form(
            id.clone(),
            "",
            t_string!(i18n, sd_unassign).to_string(),
            "sd-unassign",
        )
    });
    view! {
        <section class="panel" id="assign" aria-labelledby="sd-assign-h">
            <h2 id="sd-assign-h">{t!(i18n, sd_assign_title)}</h2>
            <FormRefusal error form="assign" />
            <ActionForm action=assign attr:class="inline-form">
                <input type="hidden" name="id" value=d.thread.header.id.to_string() />
                <label for="sd-assign-select">{t!(i18n, sd_assign_label)}</label>
                <select id="sd-assign-select" name="assignee" data-testid="sd-assign-select">
                    <option value="" selected=current.is_none()>{t!(i18n, sd_unassigned)}</option>
                    {options}
                </select>
                <button type="submit" class="primary" data-testid="sd-assign-submit">{t!(i18n, sd_assign_submit)}</button>
            </ActionForm>
            {to_me}
            {unassign}
        </section>
    }
}

#[component]
pub fn StatusPanel(id: i64, status: DisputeStatus) -> impl IntoView {
    let i18n = use_i18n();
    let set = ServerAction::<SetDisputeStatus>::new();
    let error = refusal("status");
    let moves: Vec<DisputeStatus> = DisputeStatus::ALL
        .into_iter()
        .filter(|to| status.can_become(*to, Transition::Manual))
        .collect();
    if moves.is_empty() {
        return ().into_any();
    }
    view! {
        <section class="panel" id="status" aria-labelledby="sd-status-h">
            <h2 id="sd-status-h">{t!(i18n, sd_status_title)}</h2>
            <p class="hint">{t!(i18n, sd_status_hint)}</p>
            <FormRefusal error form="status" />
            <ActionForm action=set attr:class="inline-form">
                <input type="hidden" name="id" value=id.to_string() />
                <label for="sd-status-select">{t!(i18n, sd_status_label)}</label>
                <select id="sd-status-select" name="status" data-testid="sd-status-select">
                    {moves.into_iter().map(|s| view! { <option value=s.as_str()>{status_label(s, Reader::Staff)}</option> }).collect_view()}
                </select>
                <button type="submit" class="primary" data-testid="sd-status-submit">{t!(i18n, sd_status_submit)}</button>
            </ActionForm>
        </section>
    }
    .into_any()
}
