//! Words and small formats of the dispute pages: the labels of reasons,
//! statuses and outcomes (the one place they are translated, for customers
//! and staff alike), the sentence of a refused customer form, file sizes.
use crate::components::errors::{error_text, problem_text};
use crate::error::{AppError, Refusal};
use crate::i18n::*;
use crate::model::dispute::{DisputeReason, DisputeStatus, ResolutionKind};
use crate::model::format::format_instant_date;
use crate::model::lang::Lang;
use crate::model::validate::FieldProblem;
use leptos::prelude::*;

pub fn reason_label(r: DisputeReason) -> String {
    let i18n = use_i18n();
    match r {
        DisputeReason::WrongAmount => t_string!(i18n, dispute_reason_wrong_amount),
        DisputeReason::NotDelivered => t_string!(i18n, dispute_reason_not_delivered),
        DisputeReason::Quality => t_string!(i18n, dispute_reason_quality),
        DisputeReason::Duplicate => t_string!(i18n, dispute_reason_duplicate),
        DisputeReason::AlreadyPaid => t_string!(i18n, dispute_reason_already_paid),
        DisputeReason::Other => t_string!(i18n, dispute_reason_other),
    }
    .to_string()
}

/// Who reads a dispute's status: "waiting for your answer" to the customer
/// is "waiting for the customer" to staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    Customer,
    Staff,
}

pub fn status_label(s: DisputeStatus, reader: Reader) -> String {
    let i18n = use_i18n();
    match s {
        DisputeStatus::Open => t_string!(i18n, dispute_status_open),
        DisputeStatus::InReview => t_string!(i18n, dispute_status_in_review),
        DisputeStatus::WaitingForCustomer if reader == Reader::Staff => {
            t_string!(i18n, dispute_status_waiting_staff)
        }
        DisputeStatus::WaitingForCustomer => t_string!(i18n, dispute_status_waiting_for_customer),
        DisputeStatus::Resolved => t_string!(i18n, dispute_status_resolved),
        DisputeStatus::Rejected => t_string!(i18n, dispute_status_rejected),
    }
    .to_string()
}

pub fn resolution_label(k: ResolutionKind) -> String {
    let i18n = use_i18n();
    match k {
        ResolutionKind::CreditNoteFull => t_string!(i18n, dispute_res_credit_note_full),
        ResolutionKind::CreditNotePartial => t_string!(i18n, dispute_res_credit_note_partial),
        ResolutionKind::CorrectedInvoice => t_string!(i18n, dispute_res_corrected_invoice),
        ResolutionKind::PaymentPlan => t_string!(i18n, dispute_res_payment_plan),
        ResolutionKind::CommercialGesture => t_string!(i18n, dispute_res_commercial_gesture),
        ResolutionKind::Rejected => t_string!(i18n, dispute_res_rejected),
    }
    .to_string()
}

/// A dispute's status as a badge.
#[component]
pub fn StatusBadge(status: DisputeStatus) -> impl IntoView {
    view! {
        <span class=format!("badge dispute-badge dispute-{}", status.as_str()) data-testid="dispute-status">
            {status_label(status, Reader::Customer)}
        </span>
    }
}

/// The sentence for a refusal of a customer's dispute form; `conflict_text`
/// is what a conflict means on that form.
pub fn refusal_text(r: &Refusal, conflict_text: &str) -> String {
    let i18n = use_i18n();
    match r.first_field() {
        Some(("invoice", FieldProblem::AlreadyUsed)) => {
            t_string!(i18n, dispute_err_already_open).to_string()
        }
        Some((_, p)) => problem_text(p),
        None => match r.error() {
            AppError::Conflict => conflict_text.to_string(),
            e @ (AppError::Unauthenticated
            | AppError::Forbidden
            | AppError::NotFound
            | AppError::Internal) => error_text(&e),
            _ => error_text(&AppError::BadRequest),
        },
    }
}

/// The date and time (UTC) of an instant: `22/11/2026 14:05`, `22 Nov 2026 14:05`.
pub fn format_instant(ts: i64, lang: Lang) -> String {
    let time = chrono::DateTime::from_timestamp(ts, 0)
        .map(|d| d.format("%H:%M").to_string())
        .unwrap_or_default();
    format!("{} {time}", format_instant_date(ts, lang))
}

/// The machine-readable form of an instant, for `<time datetime>`.
pub fn iso_instant(ts: i64) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|d| d.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_default()
}

/// A file size in words: `12 KB`, `1.5 MB` (`1,5 Mo` in French).
pub fn file_size(bytes: i64, lang: Lang) -> String {
    let i18n = use_i18n();
    const MB: i64 = 1024 * 1024;
    if bytes < MB {
        let kb = ((bytes + 1023) / 1024).max(1);
        return t_string!(i18n, dispute_size_kb, size = kb).to_string();
    }
    let tenths = bytes * 10 / MB;
    let sep = if lang == Lang::Fr { ',' } else { '.' };
    let size = format!("{}{sep}{}", tenths / 10, tenths % 10);
    t_string!(i18n, dispute_size_mb, size = size).to_string()
}
