//! Words for payment facts, in the reader's language.
use crate::i18n::*;
use crate::model::lang::Lang;
use crate::model::payment::{PaymentMethod, PaymentStatus, Unmatched};
use leptos_i18n::td_string;

/// A payment method in words; also used by emails and PDFs (no UI context).
pub fn method_label(lang: Lang, m: PaymentMethod) -> String {
    let l = match lang {
        Lang::Fr => Locale::fr,
        Lang::En => Locale::en,
    };
    match m {
        PaymentMethod::Card => td_string!(l, pay_method_card),
        PaymentMethod::SepaDebit => td_string!(l, pay_method_sepa_debit),
        PaymentMethod::Link => td_string!(l, pay_method_link),
        PaymentMethod::Online => td_string!(l, pay_method_online),
        PaymentMethod::Transfer => td_string!(l, pay_method_transfer),
        PaymentMethod::Cheque => td_string!(l, pay_method_cheque),
        PaymentMethod::Cash => td_string!(l, pay_method_cash),
    }
    .to_string()
}

pub fn payment_status_label(s: PaymentStatus) -> String {
    let i18n = use_i18n();
    match s {
        PaymentStatus::Processing => t_string!(i18n, pay_status_processing),
        PaymentStatus::Failed => t_string!(i18n, pay_status_failed),
        PaymentStatus::Succeeded => t_string!(i18n, pay_status_succeeded),
    }
    .to_string()
}

/// A payment timeline event (`succeeded`, `refund_requested`, …) in words.
pub fn timeline_label(kind: &str) -> String {
    let i18n = use_i18n();
    match kind {
        "checkout_started" => t_string!(i18n, tl_checkout_started),
        "processing" => t_string!(i18n, tl_processing),
        "succeeded" => t_string!(i18n, tl_succeeded),
        "failed" => t_string!(i18n, tl_failed),
        "refund_requested" => t_string!(i18n, tl_refund_requested),
        "refunded" => t_string!(i18n, tl_refunded),
        "charged_back" => t_string!(i18n, tl_charged_back),
        "chargeback_closed" => t_string!(i18n, tl_chargeback_closed),
        "inquiry" => t_string!(i18n, tl_inquiry),
        "chargeback_status" => t_string!(i18n, tl_chargeback_status),
        "funds_reinstated" => t_string!(i18n, tl_funds_reinstated),
        "refund_failed" => t_string!(i18n, tl_refund_failed),
        "refund_canceled" => t_string!(i18n, tl_refund_canceled),
        "offline_recorded" => t_string!(i18n, tl_offline_recorded),
        "overpaid" => t_string!(i18n, tl_overpaid),
        _ => t_string!(i18n, tl_other),
    }
    .to_string()
}

/// A Stripe dispute status (`needs_response`, `warning_closed`, …) in words.
pub fn chargeback_status_label(status: &str) -> String {
    let i18n = use_i18n();
    match status {
        "warning_needs_response" => t_string!(i18n, cb_status_warning_needs_response),
        "warning_under_review" => t_string!(i18n, cb_status_warning_under_review),
        "warning_closed" => t_string!(i18n, cb_status_warning_closed),
        "needs_response" => t_string!(i18n, cb_status_needs_response),
        "under_review" => t_string!(i18n, cb_status_under_review),
        "won" => t_string!(i18n, cb_status_won),
        "lost" => t_string!(i18n, cb_status_lost),
        "prevented" => t_string!(i18n, cb_status_prevented),
        "appeal_needs_response" => t_string!(i18n, cb_status_appeal_needs_response),
        "appeal_under_review" => t_string!(i18n, cb_status_appeal_under_review),
        _ => t_string!(i18n, cb_status_other),
    }
    .to_string()
}

/// A Stripe dispute reason in words; an unknown one as Stripe names it.
pub fn chargeback_reason_label(reason: &str) -> String {
    let i18n = use_i18n();
    match reason {
        "bank_cannot_process" => t_string!(i18n, cb_reason_bank_cannot_process),
        "check_returned" => t_string!(i18n, cb_reason_check_returned),
        "credit_not_processed" => t_string!(i18n, cb_reason_credit_not_processed),
        "customer_initiated" => t_string!(i18n, cb_reason_customer_initiated),
        "debit_not_authorized" => t_string!(i18n, cb_reason_debit_not_authorized),
        "duplicate" => t_string!(i18n, cb_reason_duplicate),
        "fraudulent" => t_string!(i18n, cb_reason_fraudulent),
        "general" => t_string!(i18n, cb_reason_general),
        "incorrect_account_details" => t_string!(i18n, cb_reason_incorrect_account_details),
        "insufficient_funds" => t_string!(i18n, cb_reason_insufficient_funds),
        "noncompliant" => t_string!(i18n, cb_reason_noncompliant),
        "product_not_received" => t_string!(i18n, cb_reason_product_not_received),
        "product_unacceptable" => t_string!(i18n, cb_reason_product_unacceptable),
        "subscription_canceled" => t_string!(i18n, cb_reason_subscription_canceled),
        "unrecognized" => t_string!(i18n, cb_reason_unrecognized),
        other => return other.replace('_', " "),
    }
    .to_string()
}

/// Why a provider payment was kept apart, in words.
pub fn unmatched_label(u: Unmatched) -> String {
    let i18n = use_i18n();
    match u {
        Unmatched::NoInvoice => t_string!(i18n, um_reason_no_invoice),
        Unmatched::UnknownInvoice => t_string!(i18n, um_reason_unknown_invoice),
        Unmatched::Draft => t_string!(i18n, um_reason_draft),
        Unmatched::CreditNote => t_string!(i18n, um_reason_credit_note),
        Unmatched::Cancelled => t_string!(i18n, um_reason_cancelled),
        Unmatched::Currency => t_string!(i18n, um_reason_currency),
    }
    .to_string()
}
