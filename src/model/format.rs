//! Money and date formatting per locale. Amounts arrive as integer minor units
//! and are turned into `rust_decimal::Decimal` for display; floats never appear.
use super::lang::Lang;
use chrono::NaiveDate;
use rust_decimal::Decimal;

/// No-break space: keeps `1 234,56 €` on one line.
const NBSP: char = '\u{a0}';

/// Number of decimal places of an ISO 4217 currency.
pub fn minor_digits(currency: &str) -> u32 {
    match currency {
        "JPY" | "KRW" | "XOF" | "XAF" | "XPF" | "CLP" | "ISK" => 0,
        "BHD" | "KWD" | "OMR" | "TND" | "JOD" => 3,
        _ => 2,
    }
}

/// Converts integer minor units to a decimal amount in the currency's major unit.
pub fn to_decimal(minor: i64, currency: &str) -> Decimal {
    Decimal::new(minor, minor_digits(currency))
}

/// The date (UTC) of an instant stored as unix seconds.
pub fn format_instant_date(ts: i64, lang: Lang) -> String {
    chrono::DateTime::from_timestamp(ts, 0)
        .map(|d| format_date(d.date_naive(), lang))
        .unwrap_or_default()
}

/// An amount of minor units as a person would type it back (`1234,56` in French).
pub fn amount_for_input(minor: i64, currency: &str, lang: Lang) -> String {
    let s = to_decimal(minor, currency).to_string();
    match lang {
        Lang::Fr => s.replace('.', ","),
        Lang::En => s,
    }
}

/// Reads an amount typed by a person (`1 234,56`, `1234.56`, `12`) into minor
/// units of `currency`, with the reason it is refused otherwise.
pub fn parse_amount_in(
    text: &str,
    currency: &str,
) -> Result<i64, crate::model::validate::FieldProblem> {
    use crate::model::validate::FieldProblem;
    let t = text
        .trim()
        .replace(',', ".")
        .replace([' ', NBSP, '\u{202f}', '€'], "");
    if t.is_empty() {
        return Err(FieldProblem::Required);
    }
    let d: Decimal = t.parse().map_err(|_| FieldProblem::NotANumber)?;
    let digits = minor_digits(currency);
    if d.normalize().scale() > digits {
        return Err(FieldProblem::TooManyDecimals);
    }
    if d <= Decimal::ZERO {
        return Err(FieldProblem::MustBePositive);
    }
    if d > Decimal::from(1_000_000_000_000i64) {
        return Err(FieldProblem::TooLarge);
    }
    let minor = d * Decimal::from(10i64.pow(digits));
    i64::try_from(minor.trunc()).map_err(|_| FieldProblem::TooLarge)
}

/// [`parse_amount_in`] for euros.
pub fn parse_amount_minor(text: &str) -> Result<i64, crate::model::validate::FieldProblem> {
    parse_amount_in(text, "EUR")
}

fn symbol(currency: &str) -> Option<&'static str> {
    match currency {
        "EUR" => Some("€"),
        "USD" => Some("$"),
        "GBP" => Some("£"),
        "JPY" => Some("¥"),
        _ => None,
    }
}

/// Groups the integer digits by three with `sep`.
fn group_thousands(int_digits: &str, sep: char) -> String {
    let mut out = String::with_capacity(int_digits.len() + int_digits.len() / 3);
    for (i, ch) in int_digits.chars().enumerate() {
        if i > 0 && (int_digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(ch);
    }
    out
}

/// Formats an amount of minor units: `1 234,56 €` in French, `€1,234.56` in English.
pub fn format_money(minor: i64, currency: &str, lang: Lang) -> String {
    let digits = minor_digits(currency);
    let mut amount = to_decimal(minor, currency).abs();
    amount.rescale(digits);
    let text = amount.to_string();
    let (int_part, frac_part) = match text.split_once('.') {
        Some((i, f)) => (i.to_string(), Some(f.to_string())),
        None => (text, None),
    };
    let sign = if minor < 0 { "-" } else { "" };
    match lang {
        Lang::Fr => {
            let mut n = group_thousands(&int_part, NBSP);
            if let Some(f) = frac_part {
                n.push(',');
                n.push_str(&f);
            }
            let unit = symbol(currency).unwrap_or(currency);
            format!("{sign}{n}{NBSP}{unit}")
        }
        Lang::En => {
            let mut n = group_thousands(&int_part, ',');
            if let Some(f) = frac_part {
                n.push('.');
                n.push_str(&f);
            }
            match symbol(currency) {
                Some(s) => format!("{sign}{s}{n}"),
                None => format!("{sign}{currency}{NBSP}{n}"),
            }
        }
    }
}

/// Formats a calendar date: `22/11/2026` in French, `22 Nov 2026` in English.
pub fn format_date(date: NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Fr => date.format("%d/%m/%Y").to_string(),
        Lang::En => date.format("%-d %b %Y").to_string(),
    }
}

/// Parses a stored `YYYY-MM-DD` date.
pub fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: String) -> String {
        s.replace(NBSP, " ")
    }

    #[test]
    fn french_money_uses_spaces_for_thousands_a_comma_and_a_trailing_euro() {
        assert_eq!(plain(format_money(123456, "EUR", Lang::Fr)), "1 234,56 €");
    }

    #[test]
    fn english_money_uses_commas_a_dot_and_a_leading_euro() {
        assert_eq!(format_money(123456, "EUR", Lang::En), "€1,234.56");
    }

    #[test]
    fn small_and_zero_amounts_keep_two_decimals() {
        assert_eq!(format_money(5, "EUR", Lang::En), "€0.05");
        assert_eq!(plain(format_money(0, "EUR", Lang::Fr)), "0,00 €");
    }

    #[test]
    fn negative_amounts_carry_a_leading_minus_sign() {
        assert_eq!(format_money(-123456, "EUR", Lang::En), "-€1,234.56");
        assert_eq!(plain(format_money(-100, "EUR", Lang::Fr)), "-1,00 €");
    }

    #[test]
    fn millions_are_grouped_by_three_digits() {
        assert_eq!(
            format_money(12_345_678_900, "EUR", Lang::En),
            "€123,456,789.00"
        );
        assert_eq!(
            plain(format_money(100_000_000, "EUR", Lang::Fr)),
            "1 000 000,00 €"
        );
    }

    #[test]
    fn currencies_without_minor_units_show_no_decimals() {
        assert_eq!(format_money(1500, "JPY", Lang::En), "¥1,500");
    }

    #[test]
    fn unknown_currencies_are_shown_by_their_code() {
        assert_eq!(plain(format_money(1000, "CHF", Lang::En)), "CHF 10.00");
        assert_eq!(plain(format_money(1000, "CHF", Lang::Fr)), "10,00 CHF");
    }

    #[test]
    fn dates_follow_the_locale() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 7).expect("valid date");
        assert_eq!(format_date(d, Lang::Fr), "07/03/2026");
        assert_eq!(format_date(d, Lang::En), "7 Mar 2026");
    }

    #[test]
    fn typed_amounts_are_read_in_minor_units_whatever_the_separators() {
        assert_eq!(parse_amount_minor("1 234,56"), Ok(123_456));
        assert_eq!(parse_amount_minor("1234.5"), Ok(123_450));
        assert_eq!(parse_amount_minor(" 12 € "), Ok(1_200));
        assert_eq!(parse_amount_in("1500", "JPY"), Ok(1_500));
    }

    #[test]
    fn typed_amounts_that_are_not_money_are_refused_with_the_reason() {
        use crate::model::validate::FieldProblem;
        assert_eq!(parse_amount_minor(""), Err(FieldProblem::Required));
        assert_eq!(parse_amount_minor("douze"), Err(FieldProblem::NotANumber));
        assert_eq!(
            parse_amount_minor("1.234"),
            Err(FieldProblem::TooManyDecimals)
        );
        assert_eq!(parse_amount_minor("-5"), Err(FieldProblem::MustBePositive));
        assert_eq!(parse_amount_minor("0"), Err(FieldProblem::MustBePositive));
        assert_eq!(
            parse_amount_minor("1000000000001"),
            Err(FieldProblem::TooLarge)
        );
    }
}
