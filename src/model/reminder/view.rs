//! What the pages show of reminders, and the rules of what people type about
//! them (a promise to pay, the reminder settings, the reference rates).
use super::penalty::LateCharges;
use super::plan::Hold;
use super::schedule::{StepInput, Tone};
use crate::model::validate::{FieldErrors, FieldProblem};
use chrono::{Days, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// How far ahead a customer may promise to pay.
pub const PROMISE_MAX_DAYS: u64 = 30;

/// A step due in the coming days, for the staff's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upcoming {
    pub invoice_id: i64,
    pub number: String,
    pub customer: String,
    pub date: NaiveDate,
    pub offset_days: i32,
    pub tone: Tone,
    pub amount: i64,
    pub currency: String,
    /// What holds it today, if anything.
    pub hold: Option<Hold>,
}

/// A step of an invoice that was dealt with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentReminder {
    pub offset_days: i64,
    pub tone: Tone,
    /// `queued` or `skipped`.
    pub outcome: String,
    pub date: NaiveDate,
    pub amount: i64,
    /// `pending`, `sent`, `failed`, `withdrawn`.
    pub delivery: Option<String>,
}

/// Reminders as the invoice's page shows them (customer and staff).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct InvoiceReminders {
    pub sent: Vec<SentReminder>,
    pub promised_for: Option<NaiveDate>,
    /// Whether the customer may promise a date now (open, not promised ahead).
    pub can_promise: bool,
    /// Late-payment charges to date, when late.
    pub late: Option<LateCharges>,
    /// A dispute is open on it (no formal notice then).
    pub dispute_open: bool,
    /// Staff only: paused for this invoice, or for its customer (until).
    pub invoice_paused: bool,
    pub customer_paused: Option<Option<NaiveDate>>,
}

/// Reads a promise date typed by a customer on `today`.
pub fn check_promise(text: &str, today: NaiveDate) -> Result<NaiveDate, FieldProblem> {
    let t = text.trim();
    if t.is_empty() {
        return Err(FieldProblem::Required);
    }
    let d = NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| FieldProblem::InvalidDate)?;
    if d < today {
        return Err(FieldProblem::DateInPast);
    }
    if Some(d) > today.checked_add_days(Days::new(PROMISE_MAX_DAYS)) {
        return Err(FieldProblem::TooFarAhead);
    }
    Ok(d)
}

/// The reminder settings as typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SettingsInput {
    pub timezone: String,
    pub send_hour: String,
    pub rate_kind: String,
    pub notice_days: String,
    pub thank_you: bool,
    pub steps: Vec<StepInput>,
}

/// The settings once checked (the schedule is checked by `schedule`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidSettings {
    pub timezone: String,
    pub send_hour: i64,
    pub rate_kind: String,
    pub notice_days: i64,
}

fn integer_in(text: &str, lo: i64, hi: i64) -> Result<i64, FieldProblem> {
    let t = text.trim();
    if t.is_empty() {
        return Err(FieldProblem::Required);
    }
    let n: i64 = t.parse().map_err(|_| FieldProblem::NotANumber)?;
    if n < lo || n > hi {
        return Err(FieldProblem::OutOfRange);
    }
    Ok(n)
}

/// Checks the settings fields; `timezone_known` says whether the zone name
/// exists (the server knows the zone database). A contractual rate
/// (`contractual_bp`) below three times the legal interest rate in force
/// (`legal_bp`, when entered) is refused.
pub fn check_settings(
    input: &SettingsInput,
    timezone_known: bool,
    contractual_bp: i64,
    legal_bp: Option<i64>,
) -> Result<ValidSettings, FieldErrors> {
    let mut errors = FieldErrors::default();
    let timezone = input.timezone.trim().to_string();
    if timezone.is_empty() {
        errors.add("timezone", FieldProblem::Required);
    } else if !timezone_known {
        errors.add("timezone", FieldProblem::OutOfRange);
    }
    let send_hour = integer_in(&input.send_hour, 0, 23)
        .map_err(|p| errors.add("send_hour", p))
        .unwrap_or(0);
    let notice_days = integer_in(&input.notice_days, 1, 60)
        .map_err(|p| errors.add("notice_days", p))
        .unwrap_or(8);
    let rate_kind = input.rate_kind.trim().to_string();
    match rate_kind.as_str() {
        "statutory" => {}
        "contractual" => {
            if legal_bp.is_some_and(|l| contractual_bp < super::penalty::contractual_floor_bp(l)) {
                errors.add("rate_kind", FieldProblem::RateBelowFloor);
            }
        }
        "" => errors.add("rate_kind", FieldProblem::Required),
        _ => errors.add("rate_kind", FieldProblem::OutOfRange),
    }
    if errors.is_empty() {
        Ok(ValidSettings {
            timezone,
            send_hour,
            rate_kind,
            notice_days,
        })
    } else {
        Err(errors)
    }
}

/// Reference rates of a half-year as typed (percent, `2,15` or `2.15`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RateInput {
    pub year: String,
    pub half: String,
    pub ecb_rate: String,
    pub legal_rate: String,
}

/// A percent typed with at most two decimals, as basis points.
pub fn percent_bp(text: &str) -> Result<i64, FieldProblem> {
    let t = text.trim().replace(',', ".").replace('%', "");
    let t = t.trim();
    if t.is_empty() {
        return Err(FieldProblem::Required);
    }
    let d: Decimal = t.parse().map_err(|_| FieldProblem::NotANumber)?;
    if d.normalize().scale() > 2 {
        return Err(FieldProblem::TooManyDecimals);
    }
    if d < Decimal::ZERO || d > Decimal::from(100) {
        return Err(FieldProblem::OutOfRange);
    }
    let bp = d * Decimal::from(100);
    i64::try_from(bp.trunc()).map_err(|_| FieldProblem::OutOfRange)
}

/// Checks a half-year's rates: (year, half, ECB bp, legal bp).
pub fn check_rates(input: &RateInput) -> Result<(i32, u8, i64, i64), FieldErrors> {
    let mut errors = FieldErrors::default();
    let year = integer_in(&input.year, 2000, 2100)
        .map_err(|p| errors.add("year", p))
        .unwrap_or(0);
    let half = integer_in(&input.half, 1, 2)
        .map_err(|p| errors.add("half", p))
        .unwrap_or(1);
    let ecb = percent_bp(&input.ecb_rate)
        .map_err(|p| errors.add("ecb_rate", p))
        .unwrap_or(0);
    let legal = percent_bp(&input.legal_rate)
        .map_err(|p| errors.add("legal_rate", p))
        .unwrap_or(0);
    if errors.is_empty() {
        Ok((
            i32::try_from(year).unwrap_or(0),
            u8::try_from(half).unwrap_or(1),
            ecb,
            legal,
        ))
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn a_promise_must_be_between_today_and_thirty_days_ahead() {
        let today = day("2026-06-10");
        assert_eq!(check_promise("2026-06-10", today), Ok(today));
        assert_eq!(check_promise("2026-07-10", today), Ok(day("2026-07-10")));
        assert_eq!(
            check_promise("2026-07-11", today),
            Err(FieldProblem::TooFarAhead)
        );
        assert_eq!(
            check_promise("2026-06-09", today),
            Err(FieldProblem::DateInPast)
        );
        assert_eq!(check_promise(" ", today), Err(FieldProblem::Required));
        assert_eq!(
            check_promise("10/06/2026", today),
            Err(FieldProblem::InvalidDate)
        );
    }

    fn settings(kind: &str) -> SettingsInput {
        SettingsInput {
            timezone: "Europe/Paris".into(),
            send_hour: "9".into(),
            rate_kind: kind.into(),
            notice_days: "8".into(),
            thank_you: true,
            steps: Vec::new(),
        }
    }

    #[test]
    fn a_contractual_rate_below_three_times_the_legal_rate_is_refused() {
        // Legal rate 2.76 %: the floor is 8.28 %.
        let low = check_settings(&settings("contractual"), true, 800, Some(276));
        assert_eq!(
            low.err().map(|e| e.0),
            Some(vec![(
                "rate_kind".to_string(),
                FieldProblem::RateBelowFloor
            )])
        );
        assert!(check_settings(&settings("contractual"), true, 828, Some(276)).is_ok());
        assert!(check_settings(&settings("statutory"), true, 0, Some(276)).is_ok());
    }

    #[test]
    fn settings_out_of_range_name_their_fields() {
        let mut s = settings("other");
        s.send_hour = "24".into();
        s.notice_days = "x".into();
        let e = check_settings(&s, false, 0, None).expect_err("refused");
        let fields: Vec<&str> = e.0.iter().map(|(f, _)| f.as_str()).collect();
        assert_eq!(
            fields,
            vec!["timezone", "send_hour", "notice_days", "rate_kind"]
        );
    }

    #[test]
    fn rates_are_typed_as_percents_with_two_decimals() {
        assert_eq!(percent_bp("2,15"), Ok(215));
        assert_eq!(percent_bp("3.15 %"), Ok(315));
        assert_eq!(percent_bp("2.155"), Err(FieldProblem::TooManyDecimals));
        assert_eq!(percent_bp("-1"), Err(FieldProblem::OutOfRange));
        let ok = check_rates(&RateInput {
            year: "2026".into(),
            half: "1".into(),
            ecb_rate: "2,15".into(),
            legal_rate: "2,62".into(),
        });
        assert_eq!(ok, Ok((2026, 1, 215, 262)));
    }
}
