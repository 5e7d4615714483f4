//! Customer accounts as staff edit them, with French identifier checks.
use super::validate::{FieldErrors, FieldProblem, check_email};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CustomerInput {
    pub name: String,
    /// `on` when the customer is a business (B2B): SIREN and VAT number then apply.
    pub is_business: Option<String>,
    pub address_line1: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub siren: String,
    pub vat_number: String,
    pub billing_email: String,
    pub lang: String,
    /// The delivery address, when it differs from the billing one: all four
    /// fields or none (a 2026 e-invoicing mention).
    #[serde(default)]
    pub delivery_line1: String,
    #[serde(default)]
    pub delivery_postal_code: String,
    #[serde(default)]
    pub delivery_city: String,
    #[serde(default)]
    pub delivery_country: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerRow {
    pub id: i64,
    pub name: String,
    pub is_business: bool,
    pub city: String,
    pub siren: String,
    pub vat_number: String,
    pub billing_email: String,
    pub lang: String,
}

/// The Luhn checksum that SIREN (9 digits) and SIRET (14 digits) numbers carry.
pub fn luhn_ok(digits: &str) -> bool {
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return false;
    }
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let dd = d * 2;
                if dd > 9 { dd - 9 } else { dd }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// A SIREN (9 digits) or SIRET (14 digits) with a valid checksum; spaces are ignored.
pub fn check_siren(s: &str) -> bool {
    let d: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    (d.len() == 9 || d.len() == 14) && luhn_ok(&d)
}

/// An intra-EU VAT number: two letters then 2 to 13 characters. French numbers
/// (`FR` + 2-character key + SIREN) are checked fully: key = (12 + 3 x (SIREN mod 97)) mod 97.
pub fn check_vat_number(s: &str) -> bool {
    let v: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase();
    if v.len() < 4 || v.len() > 15 || !v[..2].chars().all(|c| c.is_ascii_uppercase()) {
        return false;
    }
    if !v[2..].chars().all(|c| c.is_ascii_alphanumeric()) {
        return false;
    }
    if &v[..2] != "FR" {
        return true;
    }
    if v.len() != 13 {
        return false;
    }
    let (key, siren) = (&v[2..4], &v[4..]);
    if !luhn_ok(siren) {
        return false;
    }
    match (key.parse::<u64>(), siren.parse::<u64>()) {
        (Ok(k), Ok(n)) => k == (12 + 3 * (n % 97)) % 97,
        // Alphanumeric keys exist for some entities; accept them when the SIREN is valid.
        _ => key.chars().all(|c| c.is_ascii_alphanumeric()),
    }
}

/// An ISO 3166-1 alpha-2 country code as the e-invoice needs it: two
/// upper-case ASCII letters (`FR`, `DE`, `BE`).
pub fn check_country(code: &str) -> bool {
    code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase())
}

fn same_text(a: &str, b: &str) -> bool {
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    norm(a) == norm(b)
}

/// Checks a customer form; returns the cleaned values or every field error.
pub fn validate_customer(input: &CustomerInput) -> Result<CustomerInput, FieldErrors> {
    let mut e = FieldErrors::default();
    let t = |s: &str| s.trim().to_string();
    let mut out = CustomerInput {
        name: t(&input.name),
        is_business: input.is_business.clone().filter(|v| !v.is_empty()),
        address_line1: t(&input.address_line1),
        postal_code: t(&input.postal_code),
        city: t(&input.city),
        country: if input.country.trim().is_empty() {
            "FR".into()
        } else {
            t(&input.country).to_uppercase()
        },
        siren: input.siren.chars().filter(|c| !c.is_whitespace()).collect(),
        vat_number: input
            .vat_number
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_uppercase(),
        billing_email: t(&input.billing_email).to_lowercase(),
        lang: if input.lang == "en" {
            "en".into()
        } else {
            "fr".into()
        },
        delivery_line1: t(&input.delivery_line1),
        delivery_postal_code: t(&input.delivery_postal_code),
        delivery_city: t(&input.delivery_city),
        delivery_country: t(&input.delivery_country).to_uppercase(),
    };
    for (field, value, max) in [
        ("name", &out.name, 200),
        ("address_line1", &out.address_line1, 300),
        ("postal_code", &out.postal_code, 20),
        ("city", &out.city, 100),
    ] {
        if value.is_empty() {
            e.add(field, FieldProblem::Required);
        } else if value.chars().count() > max {
            e.add(field, FieldProblem::TooLong);
        }
    }
    if !check_country(&out.country) {
        e.add("country", FieldProblem::InvalidCountry);
    }
    check_delivery(&mut out, &mut e);
    if let Err(p) = check_email(&out.billing_email) {
        e.add("billing_email", p);
    }
    if out.is_business.is_some() {
        // A French business has a SIREN (printed on its invoices since the
        // 2026 reform); a business abroad may have none.
        if out.siren.is_empty() {
            if out.country == "FR" {
                e.add("siren", FieldProblem::Required);
            }
        } else if !check_siren(&out.siren) {
            e.add("siren", FieldProblem::InvalidSiren);
        }
        if !out.vat_number.is_empty() && !check_vat_number(&out.vat_number) {
            e.add("vat_number", FieldProblem::InvalidVatNumber);
        }
    } else {
        out.siren.clear();
        out.vat_number.clear();
    }
    if e.is_empty() { Ok(out) } else { Err(e) }
}

/// The delivery address: all four parts or none (each missing part of a
/// partial one is refused by its field), a valid country code, and none when
/// it is the billing address again.
fn check_delivery(out: &mut CustomerInput, e: &mut FieldErrors) {
    let parts = [
        ("delivery_line1", out.delivery_line1.as_str(), 300),
        (
            "delivery_postal_code",
            out.delivery_postal_code.as_str(),
            20,
        ),
        ("delivery_city", out.delivery_city.as_str(), 100),
        ("delivery_country", out.delivery_country.as_str(), 2),
    ];
    let filled = parts.iter().filter(|(_, v, _)| !v.is_empty()).count();
    if filled == 0 {
        return;
    }
    for (field, value, max) in parts {
        if value.is_empty() {
            if filled < 4 {
                e.add(field, FieldProblem::IncompleteAddress);
            }
        } else if field == "delivery_country" {
            if !check_country(value) {
                e.add(field, FieldProblem::InvalidCountry);
            }
        } else if value.chars().count() > max {
            e.add(field, FieldProblem::TooLong);
        }
    }
    let same = same_text(&out.delivery_line1, &out.address_line1)
        && same_text(&out.delivery_postal_code, &out.postal_code)
        && same_text(&out.delivery_city, &out.city)
        && out.delivery_country == out.country;
    if same {
        out.delivery_line1.clear();
        out.delivery_postal_code.clear();
        out.delivery_city.clear();
        out.delivery_country.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_siren_and_siret_numbers_pass_the_luhn_check() {
        assert!(check_siren("732 829 320"));
        assert!(check_siren("73282932000074"));
        assert!(check_siren("552100554"));
    }

    #[test]
    fn a_mistyped_siren_is_refused() {
        assert!(!check_siren("732829321"));
        assert!(!check_siren("12345"));
        assert!(!check_siren("abcdefghi"));
    }

    #[test]
    fn french_vat_numbers_carry_the_key_of_their_siren() {
        assert!(check_vat_number("FR44732829320"));
        assert!(check_vat_number("FR 96 552100554"));
        assert!(!check_vat_number("FR45732829320"));
        assert!(!check_vat_number("FR44732829321"));
    }

    #[test]
    fn other_eu_vat_numbers_are_checked_for_shape_only() {
        assert!(check_vat_number("DE123456789"));
        assert!(!check_vat_number("D1234"));
        assert!(!check_vat_number("DE12-345"));
    }

    fn person() -> CustomerInput {
        CustomerInput {
            name: "A".into(),
            address_line1: "1 rue".into(),
            postal_code: "75001".into(),
            city: "Paris".into(),
            billing_email: "a@b.fr".into(),
            ..Default::default()
        }
    }

    #[test]
    fn country_codes_are_two_letters_and_lower_case_ones_are_upper_cased() {
        assert!(check_country("FR"));
        assert!(check_country("DE"));
        assert!(!check_country("fr"));
        assert!(!check_country("FRA"));
        assert!(!check_country("F1"));
        assert!(!check_country("É"));
        let mut c = person();
        c.country = " be ".into();
        assert_eq!(validate_customer(&c).expect("valid").country, "BE");
        c.country.clear();
        assert_eq!(
            validate_customer(&c).expect("valid").country,
            "FR",
            "empty is France"
        );
        for bad in ["France", "F", "F1"] {
            c.country = bad.into();
            let e = validate_customer(&c).expect_err(bad);
            assert_eq!(
                e.get("country"),
                Some(FieldProblem::InvalidCountry),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_partly_filled_delivery_address_is_refused_by_each_missing_field() {
        let mut c = person();
        c.delivery_line1 = "9 rue du Dépôt".into();
        c.delivery_city = "Lyon".into();
        let e = validate_customer(&c).expect_err("partial");
        assert_eq!(
            e.get("delivery_postal_code"),
            Some(FieldProblem::IncompleteAddress)
        );
        assert_eq!(
            e.get("delivery_country"),
            Some(FieldProblem::IncompleteAddress)
        );
        assert_eq!(e.get("delivery_line1"), None);
        assert_eq!(e.get("delivery_city"), None);
    }

    #[test]
    fn a_whole_delivery_address_is_kept_with_its_country_checked() {
        let mut c = person();
        c.delivery_line1 = " 9 rue du Dépôt ".into();
        c.delivery_postal_code = "69007".into();
        c.delivery_city = "Lyon".into();
        c.delivery_country = "fr".into();
        let ok = validate_customer(&c).expect("valid");
        assert_eq!(ok.delivery_line1, "9 rue du Dépôt");
        assert_eq!(ok.delivery_country, "FR");
        c.delivery_country = "FRA".into();
        let e = validate_customer(&c).expect_err("bad country");
        assert_eq!(
            e.get("delivery_country"),
            Some(FieldProblem::InvalidCountry)
        );
    }

    #[test]
    fn a_delivery_address_equal_to_the_billing_one_is_stored_as_none() {
        let mut c = person();
        c.delivery_line1 = "1  RUE".into();
        c.delivery_postal_code = "75001".into();
        c.delivery_city = "paris".into();
        c.delivery_country = "FR".into();
        let ok = validate_customer(&c).expect("valid");
        assert!(ok.delivery_line1.is_empty());
        assert!(ok.delivery_postal_code.is_empty());
        assert!(ok.delivery_city.is_empty());
        assert!(ok.delivery_country.is_empty());
    }

    #[test]
    fn a_french_business_needs_a_siren_and_one_abroad_may_have_none() {
        let mut c = person();
        c.is_business = Some("on".into());
        let e = validate_customer(&c).expect_err("no siren");
        assert_eq!(e.get("siren"), Some(FieldProblem::Required));
        c.country = "DE".into();
        c.vat_number = "DE123456789".into();
        let ok = validate_customer(&c).expect("a German business");
        assert!(ok.siren.is_empty());
    }

    #[test]
    fn a_business_needs_a_valid_siren_and_a_person_needs_none() {
        let mut c = CustomerInput {
            name: "A".into(),
            is_business: Some("on".into()),
            address_line1: "1 rue".into(),
            postal_code: "75001".into(),
            city: "Paris".into(),
            billing_email: "a@b.fr".into(),
            siren: "123".into(),
            ..Default::default()
        };
        assert_eq!(
            validate_customer(&c).expect_err("bad").get("siren"),
            Some(FieldProblem::InvalidSiren)
        );
        c.is_business = None;
        let ok = validate_customer(&c).expect("person");
        assert!(ok.siren.is_empty());
    }
}
