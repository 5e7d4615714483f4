//! Words for reminders: tones, steps, what holds a step, delivery states,
//! and the late-payment charges of an invoice as a list of facts.
use crate::components::document::percent_bp;
use crate::i18n::*;
use crate::model::format::{format_date, format_money};
use crate::model::lang::Lang;
use crate::model::reminder::penalty::LateCharges;
use crate::model::reminder::plan::Hold;
use crate::model::reminder::schedule::Tone;
use leptos::prelude::*;

pub fn tone_label(t: Tone) -> String {
    let i18n = use_i18n();
    match t {
        Tone::Courteous => t_string!(i18n, rem_tone_courteous),
        Tone::Reminder => t_string!(i18n, rem_tone_reminder),
        Tone::Firm => t_string!(i18n, rem_tone_firm),
        Tone::FormalNotice => t_string!(i18n, rem_tone_formal_notice),
    }
    .to_string()
}

/// A step's day from the due date, short: `J-3`, `J`, `J+15` (`D…` in English).
pub fn offset_label(offset: i64) -> String {
    let i18n = use_i18n();
    let day = t_string!(i18n, rem_day_letter).to_string();
    if offset == 0 {
        day
    } else {
        format!("{day}{offset:+}")
    }
}

/// A step: its day and its tone, `J+15 · Ferme`.
pub fn step_label(offset: i64, tone: Tone) -> String {
    format!("{} · {}", offset_label(offset), tone_label(tone))
}

/// What holds a step, in words.
pub fn hold_label(h: Hold) -> String {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    match h {
        Hold::Settled => t_string!(i18n, rem_hold_settled).to_string(),
        Hold::Disputed => t_string!(i18n, rem_hold_disputed).to_string(),
        Hold::InvoicePaused => t_string!(i18n, rem_hold_invoice_paused).to_string(),
        Hold::CustomerPaused => t_string!(i18n, rem_hold_customer_paused).to_string(),
        Hold::Promised(d) => {
            let date = format_date(d, lang);
            t_string!(i18n, rem_hold_promised, date = date).to_string()
        }
        Hold::NoticeWhileDisputed => t_string!(i18n, rem_hold_notice_while_disputed).to_string(),
    }
}

/// Whether a step dealt with was queued or skipped.
pub fn outcome_label(outcome: &str) -> String {
    let i18n = use_i18n();
    match outcome {
        "skipped" => t_string!(i18n, rem_outcome_skipped).to_string(),
        "queued" => t_string!(i18n, rem_outcome_queued).to_string(),
        other => other.to_string(),
    }
}

/// Where a queued reminder's email stands.
pub fn delivery_label(state: &str) -> String {
    let i18n = use_i18n();
    match state {
        "pending" => t_string!(i18n, rem_delivery_pending).to_string(),
        "sent" => t_string!(i18n, rem_delivery_sent).to_string(),
        "failed" => t_string!(i18n, rem_delivery_failed).to_string(),
        "withdrawn" => t_string!(i18n, rem_delivery_withdrawn).to_string(),
        other => other.to_string(),
    }
}

/// Days late, penalties at their rate, the recovery indemnity when owed,
/// and the total with them.
#[component]
pub fn LateChargesFacts(charges: LateCharges, currency: String) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let money = move |m: i64| format_money(m, &currency, lang);
    let rate = percent_bp(charges.rate_bp, lang);
    view! {
        <dl class="facts late-facts" data-testid="rem-late-facts">
            <div><dt>{t!(i18n, rem_days_late)}</dt><dd data-testid="rem-days-late">{charges.days_late}</dd></div>
            <div><dt>{t!(i18n, rem_overdue)}</dt><dd>{money(charges.overdue_minor)}</dd></div>
            <div>
                <dt>{t!(i18n, rem_penalties, rate = rate)}</dt>
                <dd data-testid="rem-penalties">{money(charges.penalties_minor)}</dd>
            </div>
            {(charges.indemnity_minor > 0).then(|| view! {
                <div><dt>{t!(i18n, rem_indemnity)}</dt><dd data-testid="rem-indemnity">{money(charges.indemnity_minor)}</dd></div>
            })}
            <div><dt>{t!(i18n, rem_total_with_charges)}</dt><dd data-testid="rem-total">{money(charges.total_minor())}</dd></div>
        </dl>
    }
}
