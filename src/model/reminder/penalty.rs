//! Late-payment charges under French law (Code de commerce, L441-10 and D441-5).
//!
//! Between businesses, a late invoice bears penalties at the contractual rate,
//! which may not be below three times the legal interest rate; without one,
//! the statutory rate is the ECB refinancing rate plus 10 points. A business
//! customer also owes a fixed 40 EUR recovery indemnity, once per late invoice.
//! Rates are in basis points (1215 = 12.15 %), amounts in minor units.
use chrono::{Datelike, NaiveDate};
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

use super::calendar::days_late;

/// The fixed recovery indemnity (40 EUR), owed by business customers only.
pub const RECOVERY_INDEMNITY_MINOR: i64 = 4000;

/// Points added to the ECB refinancing rate for the statutory rate (10 points).
pub const STATUTORY_MARGIN_BP: i64 = 1000;

/// Days in the year the penalty is divided by, leap years included.
const DAYS_PER_YEAR: i64 = 365;

/// Basis points in one (100 %).
const BP_PER_UNIT: i64 = 10_000;

/// The statutory rate: the ECB refinancing rate plus 10 points.
pub fn statutory_rate_bp(ecb_rate_bp: i64) -> i64 {
    ecb_rate_bp.saturating_add(STATUTORY_MARGIN_BP)
}

/// The lowest contractual rate allowed: three times the legal interest rate
/// (taux de l'intérêt légal).
pub fn contractual_floor_bp(legal_interest_rate_bp: i64) -> i64 {
    legal_interest_rate_bp.saturating_mul(3)
}

/// The half-year of `d`, as (year, 1 or 2).
///
/// The ECB rate in force on 1 January applies during the first half-year and
/// the one in force on 1 July during the second; an invoice takes the rate of
/// the half-year its due date is in, for its whole lateness.
pub fn half_year(d: NaiveDate) -> (i32, u8) {
    (d.year(), if d.month() <= 6 { 1 } else { 2 })
}

/// Penalties on `overdue_minor` at `annual_rate_bp` for `days_late` days:
///
/// `overdue × (rate_bp / 10 000) × days / 365`,
///
/// computed exactly in decimal and rounded once, at the end, to the minor
/// unit, half away from zero. The divisor stays 365 in leap years, as is the
/// usual practice. Zero when any input is zero or negative; an amount too
/// large for any real invoice saturates at `i64::MAX`.
pub fn penalty_minor(overdue_minor: i64, annual_rate_bp: i64, days_late: i64) -> i64 {
    if overdue_minor <= 0 || annual_rate_bp <= 0 || days_late <= 0 {
        return 0;
    }
    Decimal::from(overdue_minor)
        .checked_mul(Decimal::from(annual_rate_bp))
        .and_then(|v| v.checked_mul(Decimal::from(days_late)))
        .and_then(|v| v.checked_div(Decimal::from(BP_PER_UNIT * DAYS_PER_YEAR)))
        .and_then(|v| {
            v.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero)
                .to_i64()
        })
        .unwrap_or(i64::MAX)
}

/// What a late invoice owes on a given day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LateCharges {
    pub days_late: i64,
    /// The unpaid amount the penalties run on.
    pub overdue_minor: i64,
    pub rate_bp: i64,
    pub penalties_minor: i64,
    /// [`RECOVERY_INDEMNITY_MINOR`] for a business customer, else 0.
    pub indemnity_minor: i64,
}

impl LateCharges {
    /// Overdue amount, penalties and indemnity together.
    pub fn total_minor(&self) -> i64 {
        self.overdue_minor
            .saturating_add(self.penalties_minor)
            .saturating_add(self.indemnity_minor)
    }
}

/// The charges on `overdue_minor` due on `due`, as of `today`; `None` when
/// the invoice is not late or nothing is overdue.
pub fn late_charges(
    overdue_minor: i64,
    rate_bp: i64,
    due: NaiveDate,
    today: NaiveDate,
    business_customer: bool,
) -> Option<LateCharges> {
    let days_late = days_late(due, today);
    if days_late == 0 || overdue_minor <= 0 {
        return None;
    }
    Some(LateCharges {
        days_late,
        overdue_minor,
        rate_bp,
        penalties_minor: penalty_minor(overdue_minor, rate_bp, days_late),
        indemnity_minor: if business_customer {
            RECOVERY_INDEMNITY_MINOR
        } else {
            0
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    #[test]
    fn the_statutory_rate_is_the_ecb_rate_plus_ten_points() {
        assert_eq!(statutory_rate_bp(215), 1215);
        assert_eq!(statutory_rate_bp(0), 1000);
    }

    #[test]
    fn the_contractual_floor_is_three_times_the_legal_rate() {
        assert_eq!(contractual_floor_bp(316), 948);
    }

    #[test]
    fn thirty_days_on_a_thousand_euros_at_12_15_percent() {
        // 100000 × 0.1215 × 30 / 365 = 998.630…
        assert_eq!(penalty_minor(100_000, 1215, 30), 999);
    }

    #[test]
    fn one_day_late_bears_one_day_of_penalties() {
        // 100000 × 0.1215 / 365 = 33.287…
        assert_eq!(penalty_minor(100_000, 1215, 1), 33);
    }

    #[test]
    fn an_exact_half_rounds_away_from_zero() {
        // 73 × 0.10 × 25 / 365 = 0.5 and 219 × 0.10 × 25 / 365 = 1.5.
        assert_eq!(penalty_minor(73, 1000, 25), 1);
        assert_eq!(penalty_minor(219, 1000, 25), 2);
    }

    #[test]
    fn just_below_a_half_rounds_down() {
        // 72 × 0.10 × 25 / 365 = 0.493…
        assert_eq!(penalty_minor(72, 1000, 25), 0);
    }

    #[test]
    fn zero_or_negative_inputs_bear_nothing() {
        assert_eq!(penalty_minor(0, 1215, 30), 0);
        assert_eq!(penalty_minor(-100_000, 1215, 30), 0);
        assert_eq!(penalty_minor(100_000, 0, 30), 0);
        assert_eq!(penalty_minor(100_000, -5, 30), 0);
        assert_eq!(penalty_minor(100_000, 1215, 0), 0);
        assert_eq!(penalty_minor(100_000, 1215, -1), 0);
    }

    #[test]
    fn a_leap_year_still_divides_by_365() {
        // February 2028 has 29 days: 100000 × 0.1215 × 29 / 365 = 965.342…
        let charges = late_charges(100_000, 1215, date(2028, 2, 1), date(2028, 3, 1), false);
        let charges = charges.expect("late");
        assert_eq!(charges.days_late, 29);
        assert_eq!(charges.penalties_minor, 965);
        assert_eq!(penalty_minor(100_000, 1215, 366), 12_183);
    }

    #[test]
    fn huge_amounts_saturate_instead_of_overflowing() {
        assert_eq!(penalty_minor(i64::MAX, i64::MAX, i64::MAX), i64::MAX);
    }

    #[test]
    fn june_30_and_july_1_are_in_different_half_years() {
        assert_eq!(half_year(date(2026, 6, 30)), (2026, 1));
        assert_eq!(half_year(date(2026, 7, 1)), (2026, 2));
        assert_eq!(half_year(date(2026, 1, 1)), (2026, 1));
        assert_eq!(half_year(date(2026, 12, 31)), (2026, 2));
    }

    #[test]
    fn a_business_customer_owes_the_indemnity() {
        let c = late_charges(100_000, 1215, date(2026, 3, 31), date(2026, 4, 30), true);
        let c = c.expect("late");
        assert_eq!(c.days_late, 30);
        assert_eq!(c.penalties_minor, 999);
        assert_eq!(c.indemnity_minor, RECOVERY_INDEMNITY_MINOR);
        assert_eq!(c.total_minor(), 100_000 + 999 + 4000);
    }

    #[test]
    fn a_consumer_owes_no_indemnity() {
        let c = late_charges(100_000, 1215, date(2026, 3, 31), date(2026, 4, 30), false);
        let c = c.expect("late");
        assert_eq!(c.indemnity_minor, 0);
        assert_eq!(c.total_minor(), 100_999);
    }

    #[test]
    fn nothing_is_charged_before_lateness_or_without_an_overdue_amount() {
        let due = date(2026, 3, 31);
        assert_eq!(late_charges(100_000, 1215, due, due, true), None);
        assert_eq!(
            late_charges(100_000, 1215, due, date(2026, 3, 1), true),
            None
        );
        assert_eq!(late_charges(0, 1215, due, date(2026, 4, 30), true), None);
    }
}
