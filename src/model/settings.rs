//! The company's identity and default terms, as the admin edits them.
use super::customer::{check_siren, check_vat_number};
use super::document::OperationCategory;
use super::validate::{FieldErrors, FieldProblem};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

/// Form values (text as typed; amounts in major units, rates in percent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SettingsInput {
    pub legal_name: String,
    pub legal_form: String,
    pub share_capital: String,
    pub address_line1: String,
    pub postal_code: String,
    pub city: String,
    pub siren: String,
    pub siret: String,
    pub rcs_city: String,
    pub vat_number: String,
    pub iban: String,
    pub bic: String,
    pub payment_terms_days: String,
    pub late_penalty_rate: String,
    pub early_discount_terms: String,
    pub accept_partial: Option<String>,
    /// `on` when the company opted to pay VAT on debits.
    #[serde(default)]
    pub vat_on_debits: Option<String>,
    /// The default category of operation: `goods`, `services` or `mixed`.
    #[serde(default)]
    pub operation_category: String,
}

/// Checked values ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSettings {
    pub text: SettingsInput,
    pub share_capital_minor: Option<i64>,
    pub payment_terms_days: i64,
    pub late_penalty_rate_bp: i64,
    pub accept_partial: bool,
    pub vat_on_debits: bool,
    pub operation_category: OperationCategory,
}

/// IBAN check: country letters, check digits, mod 97 = 1 (ISO 13616).
pub fn check_iban(s: &str) -> bool {
    let v: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    if v.len() < 15 || v.len() > 34 || !v.chars().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    let (head, tail) = v.split_at(4);
    let mut rem: u32 = 0;
    for c in tail.chars().chain(head.chars()) {
        let digits = if c.is_ascii_digit() {
            c.to_string()
        } else {
            (c as u32 - 'A' as u32 + 10).to_string()
        };
        for d in digits.chars() {
            rem = (rem * 10 + d.to_digit(10).unwrap_or(0)) % 97;
        }
    }
    rem == 1
}

/// BIC: 8 or 11 characters, bank (4 letters), country (2 letters), location, branch.
pub fn check_bic(s: &str) -> bool {
    let v: String = s.trim().to_uppercase();
    (v.len() == 8 || v.len() == 11)
        && v[..6].chars().all(|c| c.is_ascii_uppercase())
        && v[6..].chars().all(|c| c.is_ascii_alphanumeric())
}

fn dec(s: &str) -> Option<Decimal> {
    s.trim()
        .replace(',', ".")
        .replace([' ', '\u{a0}'], "")
        .parse()
        .ok()
}

pub fn validate_settings(input: &SettingsInput) -> Result<ValidSettings, FieldErrors> {
    let mut e = FieldErrors::default();
    let mut t = input.clone();
    for f in [
        &mut t.legal_name,
        &mut t.legal_form,
        &mut t.address_line1,
        &mut t.postal_code,
        &mut t.city,
        &mut t.rcs_city,
        &mut t.early_discount_terms,
    ] {
        *f = f.trim().to_string();
    }
    t.siren = t.siren.chars().filter(|c| !c.is_whitespace()).collect();
    t.siret = t.siret.chars().filter(|c| !c.is_whitespace()).collect();
    t.vat_number = t
        .vat_number
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    t.iban = t
        .iban
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    t.bic = t.bic.trim().to_uppercase();
    for (name, v) in [
        ("legal_name", &t.legal_name),
        ("address_line1", &t.address_line1),
        ("postal_code", &t.postal_code),
        ("city", &t.city),
    ] {
        if v.is_empty() {
            e.add(name, FieldProblem::Required);
        } else if v.chars().count() > 300 {
            e.add(name, FieldProblem::TooLong);
        }
    }
    if t.siren.len() != 9 || !check_siren(&t.siren) {
        e.add("siren", FieldProblem::InvalidSiren);
    }
    if !t.siret.is_empty()
        && (t.siret.len() != 14 || !check_siren(&t.siret) || !t.siret.starts_with(&t.siren))
    {
        e.add("siret", FieldProblem::InvalidSiren);
    }
    if !t.vat_number.is_empty() && !check_vat_number(&t.vat_number) {
        e.add("vat_number", FieldProblem::InvalidVatNumber);
    }
    if !t.iban.is_empty() && !check_iban(&t.iban) {
        e.add("iban", FieldProblem::NotANumber);
    }
    if !t.bic.is_empty() && !check_bic(&t.bic) {
        e.add("bic", FieldProblem::NotANumber);
    }
    let share_capital_minor = match t.share_capital.trim() {
        "" => None,
        s => match dec(s) {
            Some(d) if d >= Decimal::ZERO && d < Decimal::from(1_000_000_000_000_i64) => {
                (d * Decimal::from(100)).round().to_i64()
            }
            _ => {
                e.add("share_capital", FieldProblem::NotANumber);
                None
            }
        },
    };
    // French law caps payment terms at 60 days from the invoice date.
    let payment_terms_days = match t.payment_terms_days.trim().parse::<i64>() {
        Ok(d) if (0..=60).contains(&d) => d,
        _ => {
            e.add("payment_terms_days", FieldProblem::OutOfRange);
            0
        }
    };
    let late_penalty_rate_bp = match dec(&t.late_penalty_rate) {
        Some(r) if r > Decimal::ZERO && r <= Decimal::from(100) => {
            (r * Decimal::from(100)).round().to_i64().unwrap_or(0)
        }
        _ => {
            e.add("late_penalty_rate", FieldProblem::OutOfRange);
            0
        }
    };
    if t.early_discount_terms.chars().count() > 300 {
        e.add("early_discount_terms", FieldProblem::TooLong);
    }
    t.operation_category = t.operation_category.trim().to_string();
    let operation_category = match OperationCategory::parse(&t.operation_category) {
        Some(c) => c,
        None => {
            e.add(
                "operation_category",
                if t.operation_category.is_empty() {
                    FieldProblem::Required
                } else {
                    FieldProblem::OutOfRange
                },
            );
            OperationCategory::default()
        }
    };
    if !e.is_empty() {
        return Err(e);
    }
    let accept_partial = t.accept_partial.as_deref().is_some_and(|v| !v.is_empty());
    let vat_on_debits = t.vat_on_debits.as_deref().is_some_and(|v| !v.is_empty());
    Ok(ValidSettings {
        text: t,
        share_capital_minor,
        payment_terms_days,
        late_penalty_rate_bp,
        accept_partial,
        vat_on_debits,
        operation_category,
    })
}

/// The largest company logo accepted, in bytes.
pub const MAX_LOGO_BYTES: usize = 512 * 1024;

/// Why a logo upload was refused; carried back to the form in `?logo_err=`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LogoProblem {
    /// No file was chosen.
    Missing,
    /// The file is not a PNG or JPEG image (whatever its name says).
    NotAnImage,
    /// The file is over [`MAX_LOGO_BYTES`].
    TooLarge,
}

impl LogoProblem {
    pub fn code(self) -> &'static str {
        match self {
            LogoProblem::Missing => "missing",
            LogoProblem::NotAnImage => "type",
            LogoProblem::TooLarge => "size",
        }
    }

    pub fn parse(s: &str) -> Option<LogoProblem> {
        [
            LogoProblem::Missing,
            LogoProblem::NotAnImage,
            LogoProblem::TooLarge,
        ]
        .into_iter()
        .find(|p| p.code() == s)
    }
}

/// The image type of a file from its first bytes (its magic number), never
/// from its name: `image/png` or `image/jpeg`.
pub fn sniff_image(bytes: &[u8]) -> Option<&'static str> {
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n";
    const JPEG: &[u8] = &[0xFF, 0xD8, 0xFF];
    if bytes.starts_with(PNG) {
        Some("image/png")
    } else if bytes.starts_with(JPEG) {
        Some("image/jpeg")
    } else {
        None
    }
}

/// Where the logo of version `etag` is served (the version lets browsers keep it).
pub fn logo_url(etag: &str) -> String {
    format!("/company/logo?v={etag}")
}

/// Checks an uploaded logo; returns its content type.
pub fn check_logo(bytes: &[u8]) -> Result<&'static str, LogoProblem> {
    if bytes.is_empty() {
        return Err(LogoProblem::Missing);
    }
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(LogoProblem::TooLarge);
    }
    sniff_image(bytes).ok_or(LogoProblem::NotAnImage)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_valid_french_iban_passes_and_a_typo_fails() {
        assert!(check_iban("FR76 3000 6000 0112 3456 7890 189"));
        assert!(!check_iban("FR76 3000 6000 0112 3456 7890 188"));
        assert!(!check_iban("FR76"));
    }

    #[test]
    fn bics_have_eight_or_eleven_characters() {
        assert!(check_bic("AGRIFRPPXXX"));
        assert!(check_bic("AGRIFRPP"));
        assert!(!check_bic("AGRI"));
    }

    fn ok_input() -> SettingsInput {
        SettingsInput {
            legal_name: "Demo SAS".into(),
            address_line1: "1 rue".into(),
            postal_code: "75001".into(),
            city: "Paris".into(),
            siren: "732829320".into(),
            siret: "73282932000074".into(),
            vat_number: "FR44732829320".into(),
            iban: "FR7630006000011234567890189".into(),
            bic: "AGRIFRPPXXX".into(),
            payment_terms_days: "30".into(),
            late_penalty_rate: "10,5".into(),
            share_capital: "10 000".into(),
            operation_category: "services".into(),
            ..Default::default()
        }
    }

    #[test]
    fn the_debits_option_and_the_category_of_operation_are_read_from_the_form() {
        let v = validate_settings(&ok_input()).expect("valid");
        assert!(!v.vat_on_debits);
        assert_eq!(v.operation_category, OperationCategory::Services);
        let mut i = ok_input();
        i.vat_on_debits = Some("on".into());
        i.operation_category = " mixed ".into();
        let v = validate_settings(&i).expect("valid");
        assert!(v.vat_on_debits);
        assert_eq!(v.operation_category, OperationCategory::Mixed);
        assert_eq!(v.text.operation_category, "mixed");
    }

    #[test]
    fn an_unknown_or_missing_category_of_operation_is_refused_by_its_field() {
        let mut i = ok_input();
        i.operation_category = "weapons".into();
        let e = validate_settings(&i).expect_err("invalid");
        assert_eq!(e.get("operation_category"), Some(FieldProblem::OutOfRange));
        i.operation_category = String::new();
        let e = validate_settings(&i).expect_err("invalid");
        assert_eq!(e.get("operation_category"), Some(FieldProblem::Required));
    }

    #[test]
    fn settings_are_converted_to_minor_units_and_basis_points() {
        let v = validate_settings(&ok_input()).expect("valid");
        assert_eq!(v.share_capital_minor, Some(1_000_000));
        assert_eq!(v.late_penalty_rate_bp, 1050);
    }

    #[test]
    fn payment_terms_over_sixty_days_and_a_siret_of_another_siren_are_refused() {
        let mut i = ok_input();
        i.payment_terms_days = "90".into();
        i.siret = "55210055400013".into();
        let e = validate_settings(&i).expect_err("invalid");
        assert_eq!(e.get("payment_terms_days"), Some(FieldProblem::OutOfRange));
        assert_eq!(e.get("siret"), Some(FieldProblem::InvalidSiren));
    }

    #[test]
    fn a_logo_is_typed_from_its_magic_bytes_not_its_name() {
        assert_eq!(check_logo(b"\x89PNG\r\n\x1a\n rest"), Ok("image/png"));
        assert_eq!(
            check_logo(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]),
            Ok("image/jpeg")
        );
        assert_eq!(check_logo(b"GIF89a..."), Err(LogoProblem::NotAnImage));
        assert_eq!(check_logo(b"<svg></svg>"), Err(LogoProblem::NotAnImage));
        assert_eq!(check_logo(b""), Err(LogoProblem::Missing));
    }

    #[test]
    fn a_logo_over_512_kb_is_refused() {
        let mut big = b"\x89PNG\r\n\x1a\n".to_vec();
        big.resize(MAX_LOGO_BYTES, 0);
        assert_eq!(check_logo(&big), Ok("image/png"));
        big.push(0);
        assert_eq!(check_logo(&big), Err(LogoProblem::TooLarge));
    }

    #[test]
    fn logo_problems_round_trip_through_their_codes() {
        for p in [
            LogoProblem::Missing,
            LogoProblem::NotAnImage,
            LogoProblem::TooLarge,
        ] {
            assert_eq!(LogoProblem::parse(p.code()), Some(p));
        }
        assert_eq!(LogoProblem::parse("nonsense"), None);
    }
}
