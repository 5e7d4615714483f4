//! A draft invoice as typed by staff, and the rules that turn it into valid
//! lines. Every problem names its field (`lines[2].quantity`) so the form can
//! show it in place; nothing is saved unless everything is valid.
use super::format::minor_digits;
use super::validate::{FieldErrors, FieldProblem};
use super::vat::{LineAmounts, VatRate, compute_totals};
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

/// The largest amount accepted anywhere, in major units (10^12).
pub const MAX_AMOUNT_MAJOR: i64 = 1_000_000_000_000;
pub const MAX_DESCRIPTION_LEN: usize = 500;
pub const MAX_LINES: usize = 200;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DraftLineInput {
    pub description: String,
    pub quantity: String,
    pub unit: String,
    /// Unit price excl. VAT in major units as typed (`12.50` or `12,50`).
    pub unit_price: String,
    /// VAT rate in percent as typed (`20`, `5.5`).
    pub vat_rate: String,
    /// Discount percent as typed; empty means none.
    pub discount_pct: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DraftInput {
    pub customer_id: i64,
    pub currency: String,
    /// Date of the sale or end of the service, `YYYY-MM-DD`.
    pub sale_date: String,
    /// Optional explicit due date, `YYYY-MM-DD`; otherwise the company's terms apply at issue.
    pub due_date: String,
    pub lines: Vec<DraftLineInput>,
    /// Deposits (acomptes) already paid, incl. VAT, in major units as typed;
    /// empty means none.
    #[serde(default)]
    pub deposits: String,
}

/// A line that passed every rule, ready to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidLine {
    pub description: String,
    pub quantity: Decimal,
    pub unit: String,
    pub amounts: LineAmounts,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidDraft {
    pub customer_id: i64,
    pub currency: String,
    pub sale_date: NaiveDate,
    pub due_date: Option<NaiveDate>,
    pub lines: Vec<ValidLine>,
    /// Deposits already paid, incl. VAT, minor units (0 when none).
    pub deposits: i64,
}

fn parse_decimal(s: &str) -> Option<Decimal> {
    let t = s
        .trim()
        .replace(',', ".")
        .replace([' ', '\u{a0}', '\u{202f}'], "");
    if t.is_empty() {
        return None;
    }
    t.parse::<Decimal>().ok()
}

/// Deposits already paid (incl. VAT) as typed (`1 234,56` or `1234.56`):
/// empty is none; otherwise at least zero, in whole minor units, and not over
/// the draft's total incl. VAT (`total_ttc`, minor units).
pub fn parse_deposits(s: &str, currency: &str, total_ttc: i64) -> Result<i64, FieldProblem> {
    if s.trim().is_empty() {
        return Ok(0);
    }
    let d = parse_decimal(s).ok_or(FieldProblem::NotANumber)?;
    if d < Decimal::ZERO {
        return Err(FieldProblem::OutOfRange);
    }
    let digits = minor_digits(currency);
    if d.normalize().scale() > digits {
        return Err(FieldProblem::TooManyDecimals);
    }
    let minor = (d * Decimal::from(10_i64.pow(digits)))
        .to_i64()
        .ok_or(FieldProblem::TooLarge)?;
    if minor > total_ttc {
        return Err(FieldProblem::TooLarge);
    }
    Ok(minor)
}

fn check_line(
    i: usize,
    l: &DraftLineInput,
    currency: &str,
    errors: &mut FieldErrors,
) -> Option<ValidLine> {
    let f = |name: &str| format!("lines[{i}].{name}");
    let start = errors.0.len();
    let description = l.description.trim().to_string();
    if description.is_empty() {
        errors.add(&f("description"), FieldProblem::Required);
    } else if description.chars().count() > MAX_DESCRIPTION_LEN {
        errors.add(&f("description"), FieldProblem::TooLong);
    }
    let max = Decimal::from(MAX_AMOUNT_MAJOR);
    let quantity = match parse_decimal(&l.quantity) {
        None if l.quantity.trim().is_empty() => {
            errors.add(&f("quantity"), FieldProblem::Required);
            None
        }
        None => {
            errors.add(&f("quantity"), FieldProblem::NotANumber);
            None
        }
        Some(q) if q <= Decimal::ZERO => {
            errors.add(&f("quantity"), FieldProblem::MustBePositive);
            None
        }
        Some(q) if q > max => {
            errors.add(&f("quantity"), FieldProblem::TooLarge);
            None
        }
        Some(q) => Some(q),
    };
    let digits = minor_digits(currency);
    let price_minor = match parse_decimal(&l.unit_price) {
        None if l.unit_price.trim().is_empty() => {
            errors.add(&f("unit_price"), FieldProblem::Required);
            None
        }
        None => {
            errors.add(&f("unit_price"), FieldProblem::NotANumber);
            None
        }
        Some(p) if p < Decimal::ZERO => {
            errors.add(&f("unit_price"), FieldProblem::MustBePositive);
            None
        }
        Some(p) if p > max => {
            errors.add(&f("unit_price"), FieldProblem::TooLarge);
            None
        }
        Some(p) if p.scale() > digits && p.normalize().scale() > digits => {
            errors.add(&f("unit_price"), FieldProblem::TooManyDecimals);
            None
        }
        Some(p) => (p * Decimal::from(10_i64.pow(digits))).to_i64(),
    };
    let vat_rate = VatRate::parse_percent(&l.vat_rate);
    if vat_rate.is_none() {
        errors.add(&f("vat_rate"), FieldProblem::VatRateNotAllowed);
    }
    let discount = if l.discount_pct.trim().is_empty() {
        Some(Decimal::ZERO)
    } else {
        match parse_decimal(&l.discount_pct) {
            Some(d) if d >= Decimal::ZERO && d <= Decimal::from(100) => Some(d),
            Some(_) => {
                errors.add(&f("discount_pct"), FieldProblem::OutOfRange);
                None
            }
            None => {
                errors.add(&f("discount_pct"), FieldProblem::NotANumber);
                None
            }
        }
    };
    let unit = l.unit.trim().to_string();
    if unit.chars().count() > 20 {
        errors.add(&f("unit"), FieldProblem::TooLong);
    }
    if errors.0.len() > start {
        return None;
    }
    let amounts = LineAmounts {
        quantity: quantity?,
        unit_price_ht: price_minor?,
        vat_rate: vat_rate?,
        discount_pct: discount?,
    };
    // The line total must stay under the cap too (quantity x price).
    if amounts.net() > max * Decimal::from(10_i64.pow(digits)) {
        errors.add(&f("unit_price"), FieldProblem::TooLarge);
        return None;
    }
    Some(ValidLine {
        description,
        quantity: amounts.quantity,
        unit,
        amounts,
    })
}

/// Checks a whole draft; `today` bounds the due date (an invoice is issued today at the earliest).
pub fn validate_draft(input: &DraftInput, today: NaiveDate) -> Result<ValidDraft, FieldErrors> {
    let mut errors = FieldErrors::default();
    let currency = input.currency.trim().to_uppercase();
    let currency = if currency.is_empty() {
        "EUR".to_string()
    } else {
        currency
    };
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
        errors.add("currency", FieldProblem::InvalidCurrency);
    }
    let sale_date = match NaiveDate::parse_from_str(input.sale_date.trim(), "%Y-%m-%d") {
        Ok(d) => Some(d),
        Err(_) if input.sale_date.trim().is_empty() => Some(today),
        Err(_) => {
            errors.add("sale_date", FieldProblem::InvalidDate);
            None
        }
    };
    let due_date = match input.due_date.trim() {
        "" => None,
        s => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) if d < today => {
                errors.add("due_date", FieldProblem::DueBeforeIssue);
                None
            }
            Ok(d) => Some(d),
            Err(_) => {
                errors.add("due_date", FieldProblem::InvalidDate);
                None
            }
        },
    };
    // A form offers a few empty rows; a row with neither description nor price is not a line.
    let filled: Vec<(usize, &DraftLineInput)> = input
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| !(l.description.trim().is_empty() && l.unit_price.trim().is_empty()))
        .collect();
    if filled.is_empty() {
        errors.add("lines", FieldProblem::NoLines);
    } else if filled.len() > MAX_LINES {
        errors.add("lines", FieldProblem::TooLong);
    }
    let lines: Vec<Option<ValidLine>> = filled
        .into_iter()
        .map(|(i, l)| check_line(i, l, &currency, &mut errors))
        .collect();
    if !errors.is_empty() {
        // Deposits are only checked against the total once the lines are right.
        if parse_deposits(&input.deposits, &currency, i64::MAX) == Err(FieldProblem::NotANumber) {
            errors.add("deposits", FieldProblem::NotANumber);
        }
        return Err(errors);
    }
    let lines: Vec<ValidLine> = lines.into_iter().flatten().collect();
    let amounts: Vec<LineAmounts> = lines.iter().map(|l| l.amounts.clone()).collect();
    let total_ttc = compute_totals(&amounts).total_ttc;
    let deposits = parse_deposits(&input.deposits, &currency, total_ttc).map_err(|p| {
        let mut e = FieldErrors::default();
        e.add("deposits", p);
        e
    })?;
    Ok(ValidDraft {
        customer_id: input.customer_id,
        currency,
        sale_date: sale_date.unwrap_or(today),
        due_date,
        lines,
        deposits,
    })
}

/// The form values that reproduce a stored draft, for editing it again:
/// amounts in major units, rates in percent, as the form takes them.
pub fn draft_input_of(
    customer_id: i64,
    currency: &str,
    sale_date: &str,
    due_date: &str,
    lines: &[super::document::DocLine],
    deposits: i64,
) -> DraftInput {
    let major = |minor: i64| super::format::to_decimal(minor, currency).to_string();
    DraftInput {
        customer_id,
        currency: currency.to_string(),
        sale_date: sale_date.to_string(),
        due_date: due_date.to_string(),
        lines: lines
            .iter()
            .map(|l| DraftLineInput {
                description: l.description.clone(),
                quantity: l.quantity.clone(),
                unit: l.unit.clone(),
                unit_price: major(l.unit_price_ht),
                vat_rate: Decimal::new(l.vat_rate.basis_points(), 2)
                    .normalize()
                    .to_string(),
                discount_pct: if l.discount_pct == "0" {
                    String::new()
                } else {
                    l.discount_pct.clone()
                },
            })
            .collect(),
        deposits: if deposits == 0 {
            String::new()
        } else {
            major(deposits)
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")
    }

    fn line(desc: &str, qty: &str, price: &str, vat: &str) -> DraftLineInput {
        DraftLineInput {
            description: desc.into(),
            quantity: qty.into(),
            unit: "h".into(),
            unit_price: price.into(),
            vat_rate: vat.into(),
            discount_pct: String::new(),
        }
    }

    fn draft(lines: Vec<DraftLineInput>) -> DraftInput {
        DraftInput {
            customer_id: 1,
            currency: "EUR".into(),
            sale_date: String::new(),
            due_date: String::new(),
            lines,
            deposits: String::new(),
        }
    }

    #[test]
    fn a_well_formed_draft_becomes_valid_lines_in_minor_units() {
        let v = validate_draft(
            &draft(vec![line("Conseil", "1,5", "120,50", "20")]),
            today(),
        )
        .expect("valid");
        assert_eq!(v.lines[0].amounts.unit_price_ht, 12_050);
        assert_eq!(v.lines[0].amounts.quantity.to_string(), "1.5");
        assert_eq!(v.sale_date, today());
    }

    #[test]
    fn zero_and_negative_quantities_are_refused() {
        let e = validate_draft(
            &draft(vec![line("A", "0", "1", "20"), line("B", "-2", "1", "20")]),
            today(),
        )
        .expect_err("invalid");
        assert_eq!(
            e.get("lines[0].quantity"),
            Some(FieldProblem::MustBePositive)
        );
        assert_eq!(
            e.get("lines[1].quantity"),
            Some(FieldProblem::MustBePositive)
        );
    }

    #[test]
    fn vat_rates_outside_the_french_list_are_refused() {
        let e = validate_draft(&draft(vec![line("A", "1", "1", "19.6")]), today())
            .expect_err("invalid");
        assert_eq!(
            e.get("lines[0].vat_rate"),
            Some(FieldProblem::VatRateNotAllowed)
        );
    }

    #[test]
    fn a_draft_needs_at_least_one_line() {
        let e = validate_draft(&draft(vec![]), today()).expect_err("invalid");
        assert_eq!(e.get("lines"), Some(FieldProblem::NoLines));
    }

    #[test]
    fn amounts_over_ten_to_the_twelve_are_refused() {
        let e = validate_draft(&draft(vec![line("A", "1", "1000000000001", "20")]), today())
            .expect_err("invalid");
        assert_eq!(e.get("lines[0].unit_price"), Some(FieldProblem::TooLarge));
        let e = validate_draft(
            &draft(vec![line("A", "1000000", "10000000", "20")]),
            today(),
        )
        .expect_err("invalid");
        assert_eq!(e.get("lines[0].unit_price"), Some(FieldProblem::TooLarge));
    }

    #[test]
    fn a_due_date_before_the_issue_date_is_refused() {
        let mut d = draft(vec![line("A", "1", "1", "20")]);
        d.due_date = "2026-11-01".into();
        let e = validate_draft(&d, today()).expect_err("invalid");
        assert_eq!(e.get("due_date"), Some(FieldProblem::DueBeforeIssue));
    }

    #[test]
    fn prices_with_fractions_of_a_cent_are_refused() {
        let e = validate_draft(&draft(vec![line("A", "1", "1.005", "20")]), today())
            .expect_err("invalid");
        assert_eq!(
            e.get("lines[0].unit_price"),
            Some(FieldProblem::TooManyDecimals)
        );
    }

    #[test]
    fn blank_rows_of_the_form_are_not_lines() {
        let blank = DraftLineInput {
            quantity: "1".into(),
            vat_rate: "20".into(),
            ..DraftLineInput::default()
        };
        let v = validate_draft(
            &draft(vec![line("A", "1", "1", "20"), blank.clone()]),
            today(),
        )
        .expect("valid");
        assert_eq!(v.lines.len(), 1);
        let e = validate_draft(&draft(vec![blank]), today()).expect_err("invalid");
        assert_eq!(e.get("lines"), Some(FieldProblem::NoLines));
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let e =
            validate_draft(&draft(vec![line("", "x", "abc", "7")]), today()).expect_err("invalid");
        assert_eq!(e.get("lines[0].description"), Some(FieldProblem::Required));
        assert_eq!(e.get("lines[0].quantity"), Some(FieldProblem::NotANumber));
        assert_eq!(e.get("lines[0].unit_price"), Some(FieldProblem::NotANumber));
        assert_eq!(
            e.get("lines[0].vat_rate"),
            Some(FieldProblem::VatRateNotAllowed)
        );
    }

    #[test]
    fn deposits_are_read_in_french_or_english_notation_in_minor_units() {
        let mut d = draft(vec![line("A", "1", "2000", "20")]);
        d.deposits = "1 234,56".into();
        assert_eq!(
            validate_draft(&d, today()).expect("valid").deposits,
            123_456
        );
        d.deposits = "1234.56".into();
        assert_eq!(
            validate_draft(&d, today()).expect("valid").deposits,
            123_456
        );
        d.deposits = "1\u{a0}000".into();
        assert_eq!(
            validate_draft(&d, today()).expect("valid").deposits,
            100_000
        );
        d.deposits = "  ".into();
        assert_eq!(validate_draft(&d, today()).expect("valid").deposits, 0);
    }

    #[test]
    fn deposits_may_equal_the_total_incl_vat_but_not_exceed_it() {
        // 2,000 HT + 20 % = 2,400.00 TTC.
        let mut d = draft(vec![line("A", "1", "2000", "20")]);
        d.deposits = "2400".into();
        assert_eq!(
            validate_draft(&d, today()).expect("valid").deposits,
            240_000
        );
        d.deposits = "2400,01".into();
        let e = validate_draft(&d, today()).expect_err("invalid");
        assert_eq!(e.get("deposits"), Some(FieldProblem::TooLarge));
    }

    #[test]
    fn negative_unreadable_or_sub_cent_deposits_are_refused() {
        assert_eq!(
            parse_deposits("-1", "EUR", 10_000),
            Err(FieldProblem::OutOfRange)
        );
        assert_eq!(
            parse_deposits("abc", "EUR", 10_000),
            Err(FieldProblem::NotANumber)
        );
        assert_eq!(
            parse_deposits("1.005", "EUR", 10_000),
            Err(FieldProblem::TooManyDecimals)
        );
        assert_eq!(parse_deposits("0", "EUR", 0), Ok(0));
        assert_eq!(parse_deposits("10.50", "EUR", 10_000), Ok(1_050));
    }

    #[test]
    fn an_unreadable_deposit_is_reported_with_the_other_field_errors() {
        let mut d = draft(vec![line("", "1", "10", "20")]);
        d.deposits = "abc".into();
        let e = validate_draft(&d, today()).expect_err("invalid");
        assert_eq!(e.get("lines[0].description"), Some(FieldProblem::Required));
        assert_eq!(e.get("deposits"), Some(FieldProblem::NotANumber));
    }

    #[test]
    fn a_stored_draft_reads_back_as_the_same_valid_draft() {
        let mut d = draft(vec![
            line("Conseil", "1,5", "120,50", "5.5"),
            line("Licence", "3", "99", "20"),
        ]);
        d.lines[1].discount_pct = "12.5".into();
        d.deposits = "100".into();
        d.sale_date = "2026-11-01".into();
        let v = validate_draft(&d, today()).expect("valid");
        let stored: Vec<super::super::document::DocLine> = v
            .lines
            .iter()
            .map(|l| super::super::document::DocLine {
                description: l.description.clone(),
                quantity: l.quantity.normalize().to_string(),
                unit: l.unit.clone(),
                unit_price_ht: l.amounts.unit_price_ht,
                vat_rate: l.amounts.vat_rate,
                discount_pct: l.amounts.discount_pct.normalize().to_string(),
                total_ht: l.amounts.net_rounded(),
            })
            .collect();
        let again = draft_input_of(1, "EUR", "2026-11-01", "", &stored, v.deposits);
        assert_eq!(again.lines[0].unit_price, "120.50");
        assert_eq!(again.lines[0].vat_rate, "5.5");
        assert_eq!(again.deposits, "100.00");
        let v2 = validate_draft(&again, today()).expect("still valid");
        assert_eq!(v2, v);
    }
}
