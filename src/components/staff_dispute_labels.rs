//! Staff disputes: translated names of reasons, statuses and resolutions,
//! ages and instants, and the refusal shown next to a form.
use crate::components::staff_payments::{carried_error, returned_error};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::dispute::{DisputeReason, DisputeStatus, ResolutionKind};
use crate::model::format::format_instant_date;
use crate::model::lang::Lang;
use leptos::prelude::*;

pub fn reason_label(r: DisputeReason) -> String {
    let i18n = use_i18n();
    match r {
        DisputeReason::WrongAmount => t_string!(i18n, sd_reason_wrong_amount),
        DisputeReason::NotDelivered => t_string!(i18n, sd_reason_not_delivered),
        DisputeReason::Quality => t_string!(i18n, sd_reason_quality),
        DisputeReason::Duplicate => t_string!(i18n, sd_reason_duplicate),
        DisputeReason::AlreadyPaid => t_string!(i18n, sd_reason_already_paid),
        DisputeReason::Other => t_string!(i18n, sd_reason_other),
    }
    .to_string()
}

pub fn status_label(s: DisputeStatus) -> String {
    let i18n = use_i18n();
    match s {
        DisputeStatus::Open => t_string!(i18n, sd_status_open),
        DisputeStatus::InReview => t_string!(i18n, sd_status_in_review),
        DisputeStatus::WaitingForCustomer => t_string!(i18n, sd_status_waiting_for_customer),
        DisputeStatus::Resolved => t_string!(i18n, sd_status_resolved),
        DisputeStatus::Rejected => t_string!(i18n, sd_status_rejected),
    }
    .to_string()
}

pub fn kind_label(k: ResolutionKind) -> String {
    let i18n = use_i18n();
    match k {
        ResolutionKind::CreditNoteFull => t_string!(i18n, sd_kind_credit_note_full),
        ResolutionKind::CreditNotePartial => t_string!(i18n, sd_kind_credit_note_partial),
        ResolutionKind::CorrectedInvoice => t_string!(i18n, sd_kind_corrected_invoice),
        ResolutionKind::PaymentPlan => t_string!(i18n, sd_kind_payment_plan),
        ResolutionKind::CommercialGesture => t_string!(i18n, sd_kind_commercial_gesture),
        ResolutionKind::Rejected => t_string!(i18n, sd_kind_rejected),
    }
    .to_string()
}

/// A status as a coloured badge.
#[component]
pub fn DisputeBadge(status: DisputeStatus) -> impl IntoView {
    view! { <span class=format!("badge sd-badge-{}", status.as_str())>{status_label(status)}</span> }
}

/// A duration as the queue shows it: "3 d", "5 h", "12 min".
pub fn age_text(secs: i64) -> String {
    let i18n = use_i18n();
    let (d, h, m) = (secs / 86_400, secs / 3_600, (secs / 60).max(1));
    if d > 0 {
        t_string!(i18n, sd_age_days, n = d).to_string()
    } else if h > 0 {
        t_string!(i18n, sd_age_hours, n = h).to_string()
    } else {
        t_string!(i18n, sd_age_minutes, n = m).to_string()
    }
}

/// An instant (unix seconds) as date and time, UTC.
pub fn instant_text(ts: i64, lang: Lang) -> String {
    let time = chrono::DateTime::from_timestamp(ts, 0)
        .map(|d| d.format("%H:%M").to_string())
        .unwrap_or_default();
    format!("{} {time} UTC", format_instant_date(ts, lang))
}

/// The machine-readable form of an instant, for `<time datetime>`.
pub fn instant_iso(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// `(field, message)` of the refusal to show next to a form: the hydrated
/// action's own, else the one carried back in `?{param}=FIELD:CODE`.
pub fn refusal(
    value: impl Fn() -> Option<Result<(), AppError>> + Send + Sync + 'static,
    param: &'static str,
) -> Signal<Option<(String, String)>> {
    let carried = carried_error(param);
    Signal::derive(move || match value() {
        Some(Err(e)) => Some(returned_error(&e)),
        _ => carried.clone(),
    })
}

/// A value typed in the form refused with `?{error}=…`, carried back in the
/// query string (empty when another form was refused).
pub fn typed(error: &str, key: &str) -> String {
    leptos_router::hooks::use_query_map()
        .with_untracked(|q| q.get(error).and(q.get(key)))
        .unwrap_or_default()
}

/// The refusal of one form as an alert, with `data-testid="sd-error-{form}"`.
#[component]
pub fn FormRefusal(error: Signal<Option<(String, String)>>, form: &'static str) -> impl IntoView {
    move || {
        error.get().map(|(_, m)| {
            view! { <p class="alert" role="alert" data-testid=format!("sd-error-{form}")>{m}</p> }
        })
    }
}
