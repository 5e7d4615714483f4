//! Staff disputes: the status badge, ages and instants, and the refusal
//! shown next to a form (the labels of the enums are in `dispute_labels`).
use crate::components::dispute_labels::{Reader, status_label};
use crate::components::errors::{carried_error, refusal_in_query};
use crate::i18n::*;
use crate::model::dispute::DisputeStatus;
use crate::model::format::format_instant_date;
use crate::model::lang::Lang;
use leptos::prelude::*;

/// A status as a coloured badge.
#[component]
pub fn DisputeBadge(status: DisputeStatus) -> impl IntoView {
    view! { <span class=format!("badge sd-badge-{}", status.as_str())>{status_label(status, Reader::Staff)}</span> }
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

/// `(field, message)` of the refusal of `form` carried back in the query
/// string after a plain post (pages render on the server only).
pub fn refusal(form: &str) -> Signal<Option<(String, String)>> {
    Signal::stored(carried_error(form))
}

/// A value typed in the refused `form`, carried back in the query string
/// (empty when another form, or none, was refused).
pub fn typed(form: &str, key: &str) -> String {
    refusal_in_query(form)
        .and_then(|r| r.kept(key).map(str::to_string))
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
