//! Translated messages for errors and field problems, and the refusal or
//! outcome a page finds in its query string.
use crate::error::{AppError, Done, Refusal};
use crate::i18n::*;
use crate::model::validate::FieldProblem;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The refusal of `form` carried in this page's query string, after a plain
/// form post was refused (see [`Refusal`] for the format).
pub fn refusal_in_query(form: &str) -> Option<Refusal> {
    Refusal::from_query(form, &use_location().search.get_untracked())
}

/// `(field, message)` of the refusal of `form` in this page's query string:
/// the first refused field and its problem, or no field and "conflict".
pub fn carried_error(form: &str) -> Option<(String, String)> {
    let refusal = refusal_in_query(form)?;
    let i18n = use_i18n();
    Some(match refusal.first_field() {
        Some((field, p)) => (field.to_string(), problem_text(p)),
        None => (String::new(), t_string!(i18n, err_conflict).to_string()),
    })
}

/// What the last form post did, from this page's `?done=`.
pub fn done_in_query() -> Option<Done> {
    Done::from_query(&use_location().search.get_untracked())
}

/// The message shown next to a field.
pub fn problem_text(problem: FieldProblem) -> String {
    let i18n = use_i18n();
    match problem {
        FieldProblem::Required => t_string!(i18n, err_required).to_string(),
        FieldProblem::TooLong => t_string!(i18n, err_too_long).to_string(),
        FieldProblem::InvalidEmail => t_string!(i18n, err_invalid_email).to_string(),
        FieldProblem::NotANumber => t_string!(i18n, err_not_a_number).to_string(),
        FieldProblem::MustBePositive => t_string!(i18n, err_must_be_positive).to_string(),
        FieldProblem::TooLarge => t_string!(i18n, err_too_large).to_string(),
        FieldProblem::TooManyDecimals => t_string!(i18n, err_too_many_decimals).to_string(),
        FieldProblem::OutOfRange => t_string!(i18n, err_out_of_range).to_string(),
        FieldProblem::VatRateNotAllowed => t_string!(i18n, err_vat_rate_not_allowed).to_string(),
        FieldProblem::InvalidDate => t_string!(i18n, err_invalid_date).to_string(),
        FieldProblem::DueBeforeIssue => t_string!(i18n, err_due_before_issue).to_string(),
        FieldProblem::NoLines => t_string!(i18n, err_no_lines).to_string(),
        FieldProblem::InvalidCurrency => t_string!(i18n, err_invalid_currency).to_string(),
        FieldProblem::InvalidSiren => t_string!(i18n, err_invalid_siren).to_string(),
        FieldProblem::InvalidVatNumber => t_string!(i18n, err_invalid_vat_number).to_string(),
        FieldProblem::AlreadyUsed => t_string!(i18n, err_already_used).to_string(),
        FieldProblem::FileTooLarge => t_string!(i18n, err_file_too_large).to_string(),
        FieldProblem::FileType => t_string!(i18n, err_file_type).to_string(),
        FieldProblem::TooManyFiles => t_string!(i18n, err_too_many_files).to_string(),
        FieldProblem::OffsetOrder => t_string!(i18n, err_offset_order).to_string(),
        FieldProblem::DuplicateOffset => t_string!(i18n, err_duplicate_offset).to_string(),
        FieldProblem::UnknownPlaceholder => t_string!(i18n, err_unknown_placeholder).to_string(),
        FieldProblem::FormalNoticeLast => t_string!(i18n, err_formal_notice_last).to_string(),
        FieldProblem::DateInPast => t_string!(i18n, err_date_in_past).to_string(),
        FieldProblem::TooFarAhead => t_string!(i18n, err_too_far_ahead).to_string(),
        FieldProblem::RateBelowFloor => t_string!(i18n, err_rate_below_floor).to_string(),
        FieldProblem::InvalidCountry => t_string!(i18n, err_invalid_country).to_string(),
        FieldProblem::IncompleteAddress => t_string!(i18n, err_incomplete_address).to_string(),
        FieldProblem::BuyerSirenRequired => t_string!(i18n, err_buyer_siren_required).to_string(),
    }
}

/// A sentence for an error, with nothing of its internal cause.
pub fn error_text(err: &AppError) -> String {
    let i18n = use_i18n();
    match err {
        AppError::Unauthenticated => t_string!(i18n, err_unauthenticated).to_string(),
        AppError::Forbidden => t_string!(i18n, err_forbidden).to_string(),
        AppError::NotFound => t_string!(i18n, err_not_found).to_string(),
        AppError::Validation(_) => t_string!(i18n, form_has_errors).to_string(),
        AppError::InvalidCredentials => t_string!(i18n, err_credentials).to_string(),
        AppError::Throttled {
            retry_after_minutes,
        } => t_string!(i18n, err_throttled, minutes = *retry_after_minutes).to_string(),
        AppError::BadRequest => t_string!(i18n, err_bad_request).to_string(),
        AppError::Conflict => t_string!(i18n, err_conflict).to_string(),
        AppError::Internal => t_string!(i18n, err_internal).to_string(),
    }
}

/// An alert box for a form-level error, announced by screen readers.
#[component]
pub fn FormAlert(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    move || {
        message.get().map(|m| {
            view! { <p class="alert" role="alert" data-testid="form-error">{m}</p> }
        })
    }
}
