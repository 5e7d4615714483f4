//! Words and small formats of the customer's dispute pages: reasons,
//! statuses, outcomes, refusals carried back in a query string, file sizes.
use crate::components::errors::{error_text, problem_text};
use crate::error::AppError;
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

pub fn status_label(s: DisputeStatus) -> String {
    let i18n = use_i18n();
    match s {
        DisputeStatus::Open => t_string!(i18n, dispute_status_open),
        DisputeStatus::InReview => t_string!(i18n, dispute_status_in_review),
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
            {status_label(status)}
        </span>
    }
}

/// A refusal carried back after a plain form post: `FIELD:CODE` or a bare
/// error code. `field` is `None` for a bare code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub field: Option<String>,
    pub code: String,
}

impl Refusal {
    pub fn parse(text: &str) -> Refusal {
        match text.split_once(':') {
            Some((field, code)) => Refusal {
                field: Some(field.to_string()),
                code: code.to_string(),
            },
            None => Refusal {
                field: None,
                code: text.to_string(),
            },
        }
    }

    /// Whether this refusal belongs next to `field`.
    pub fn is_on(&self, field: &str) -> bool {
        self.field.as_deref() == Some(field)
    }

    /// The sentence for it; `conflict` reads `conflict_text` (what a conflict
    /// means depends on the form).
    pub fn text(&self, conflict_text: &str) -> String {
        let i18n = use_i18n();
        if self.is_on("invoice") && self.code == FieldProblem::AlreadyUsed.code() {
            return t_string!(i18n, dispute_err_already_open).to_string();
        }
        if let Some(p) = FieldProblem::parse(&self.code) {
            return problem_text(p);
        }
        let e = match self.code.as_str() {
            "conflict" => return conflict_text.to_string(),
            "unauthenticated" => AppError::Unauthenticated,
            "forbidden" => AppError::Forbidden,
            "not_found" => AppError::NotFound,
            "internal" => AppError::Internal,
            _ => AppError::BadRequest,
        };
        error_text(&e)
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

#[cfg(test)]
mod tests {
    use super::Refusal;

    #[test]
    fn a_field_refusal_names_its_field_and_a_bare_code_names_none() {
        let r = Refusal::parse("message:required");
        assert!(r.is_on("message"));
        assert_eq!(r.code, "required");
        let bare = Refusal::parse("conflict");
        assert_eq!(bare.field, None);
        assert!(!bare.is_on("message"));
    }
}
