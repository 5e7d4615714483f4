//! Input rules for forms. Each failure names the field and a message key, so
//! the page can show the message next to the field in the user's language.
use serde::{Deserialize, Serialize};

pub const MAX_EMAIL_LEN: usize = 254;
pub const MAX_PASSWORD_LEN: usize = 256;

/// Why one field was refused; the page turns it into a translated message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldProblem {
    Required,
    TooLong,
    InvalidEmail,
    NotANumber,
    MustBePositive,
    TooLarge,
    TooManyDecimals,
    OutOfRange,
    VatRateNotAllowed,
    InvalidDate,
    DueBeforeIssue,
    NoLines,
    InvalidCurrency,
    InvalidSiren,
    InvalidVatNumber,
    AlreadyUsed,
    /// An attachment above the size limit.
    FileTooLarge,
    /// An attachment that is not a PDF, PNG or JPEG by its content.
    FileType,
    /// More attachments than one message may carry.
    TooManyFiles,
    /// A reminder step whose offset is not after the previous step's.
    OffsetOrder,
    /// Two reminder steps with the same offset.
    DuplicateOffset,
    /// A `{name}` in a reminder text that is not a known placeholder.
    UnknownPlaceholder,
    /// A formal notice that is not the last reminder step.
    FormalNoticeLast,
    /// A date before today where only today or later makes sense.
    DateInPast,
    /// A date further from today than allowed.
    TooFarAhead,
    /// A late-payment rate below three times the legal interest rate.
    RateBelowFloor,
    /// A country that is not an ISO 3166-1 alpha-2 code (two letters).
    InvalidCountry,
    /// An address with some of its parts filled and others empty.
    IncompleteAddress,
    /// A B2B invoice to a French customer whose SIREN is unknown (a 2026
    /// e-invoicing mention): refused at issue.
    BuyerSirenRequired,
}

const PROBLEM_CODES: [(FieldProblem, &str); 29] = [
    (FieldProblem::Required, "required"),
    (FieldProblem::TooLong, "too_long"),
    (FieldProblem::InvalidEmail, "invalid_email"),
    (FieldProblem::NotANumber, "not_a_number"),
    (FieldProblem::MustBePositive, "must_be_positive"),
    (FieldProblem::TooLarge, "too_large"),
    (FieldProblem::TooManyDecimals, "too_many_decimals"),
    (FieldProblem::OutOfRange, "out_of_range"),
    (FieldProblem::VatRateNotAllowed, "vat_rate_not_allowed"),
    (FieldProblem::InvalidDate, "invalid_date"),
    (FieldProblem::DueBeforeIssue, "due_before_issue"),
    (FieldProblem::NoLines, "no_lines"),
    (FieldProblem::InvalidCurrency, "invalid_currency"),
    (FieldProblem::InvalidSiren, "invalid_siren"),
    (FieldProblem::InvalidVatNumber, "invalid_vat_number"),
    (FieldProblem::AlreadyUsed, "already_used"),
    (FieldProblem::FileTooLarge, "file_too_large"),
    (FieldProblem::FileType, "file_type"),
    (FieldProblem::TooManyFiles, "too_many_files"),
    (FieldProblem::OffsetOrder, "offset_order"),
    (FieldProblem::DuplicateOffset, "duplicate_offset"),
    (FieldProblem::UnknownPlaceholder, "unknown_placeholder"),
    (FieldProblem::FormalNoticeLast, "formal_notice_last"),
    (FieldProblem::DateInPast, "date_in_past"),
    (FieldProblem::TooFarAhead, "too_far_ahead"),
    (FieldProblem::RateBelowFloor, "rate_below_floor"),
    (FieldProblem::InvalidCountry, "invalid_country"),
    (FieldProblem::IncompleteAddress, "incomplete_address"),
    (FieldProblem::BuyerSirenRequired, "buyer_siren_required"),
];

impl FieldProblem {
    pub fn code(self) -> &'static str {
        PROBLEM_CODES
            .iter()
            .find(|(p, _)| *p == self)
            .map(|(_, c)| *c)
            .unwrap_or("invalid")
    }

    pub fn parse(s: &str) -> Option<FieldProblem> {
        PROBLEM_CODES.iter().find(|(_, c)| *c == s).map(|(p, _)| *p)
    }
}

/// Field name -> problem, in form order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldErrors(pub Vec<(String, FieldProblem)>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, problem: FieldProblem) {
        self.0.push((field.to_string(), problem));
    }
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    pub fn get(&self, field: &str) -> Option<FieldProblem> {
        self.0.iter().find(|(f, _)| f == field).map(|(_, p)| *p)
    }
}

/// Lower-cases and trims an email so that lookups and throttling see one key per address.
pub fn normalize_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// A deliberately plain check: one `@`, a non-empty local part, a dotted domain,
/// no spaces. Deliverability is proven by sending, not by a regex.
pub fn check_email(email: &str) -> Result<(), FieldProblem> {
    let email = email.trim();
    if email.is_empty() {
        return Err(FieldProblem::Required);
    }
    if email.len() > MAX_EMAIL_LEN {
        return Err(FieldProblem::TooLong);
    }
    let Some((local, domain)) = email.split_once('@') else {
        return Err(FieldProblem::InvalidEmail);
    };
    let domain_ok = domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@');
    if local.is_empty() || !domain_ok || email.chars().any(char::is_whitespace) {
        return Err(FieldProblem::InvalidEmail);
    }
    Ok(())
}

/// Validates the login form.
pub fn check_login(email: &str, password: &str) -> FieldErrors {
    let mut errors = FieldErrors::default();
    if let Err(p) = check_email(email) {
        errors.add("email", p);
    }
    if password.is_empty() {
        errors.add("password", FieldProblem::Required);
    } else if password.len() > MAX_PASSWORD_LEN {
        errors.add("password", FieldProblem::TooLong);
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_addresses_are_accepted() {
        assert!(check_email("client@demo.test").is_ok());
        assert!(check_email("  a.b+c@sub.example.fr ").is_ok());
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for bad in [
            "client",
            "client@",
            "@demo.test",
            "a@b",
            "a b@c.d",
            "a@.fr",
            "a@b@c.fr",
        ] {
            assert_eq!(check_email(bad), Err(FieldProblem::InvalidEmail), "{bad}");
        }
    }

    #[test]
    fn empty_and_overlong_addresses_get_their_own_problem() {
        assert_eq!(check_email("  "), Err(FieldProblem::Required));
        let long = format!("{}@demo.test", "a".repeat(300));
        assert_eq!(check_email(&long), Err(FieldProblem::TooLong));
    }

    #[test]
    fn the_login_form_reports_each_field_separately() {
        let errors = check_login("", "");
        assert_eq!(errors.get("email"), Some(FieldProblem::Required));
        assert_eq!(errors.get("password"), Some(FieldProblem::Required));
        assert!(check_login("a@b.fr", "x").is_empty());
    }

    #[test]
    fn every_problem_round_trips_through_its_code() {
        for (p, _) in PROBLEM_CODES {
            assert_eq!(FieldProblem::parse(p.code()), Some(p));
        }
    }

    #[test]
    fn emails_are_normalized_for_lookup() {
        assert_eq!(normalize_email("  Client@Demo.TEST "), "client@demo.test");
    }
}
