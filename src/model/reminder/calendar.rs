//! The business-day calendar of metropolitan France, on which reminder steps fall.
//!
//! Dates here are calendar dates with no clock and no time zone: the server
//! turns "now" into the company's local date before asking anything, so
//! daylight-saving changes (always on a Sunday) play no part. Public holidays
//! are the eleven national ones; the Alsace-Moselle extras (Good Friday,
//! Saint Stephen's Day) are not counted.
use chrono::{Datelike, Duration, NaiveDate, Weekday};

/// Fixed-date public holidays, as (month, day).
const FIXED_HOLIDAYS: [(u32, u32); 8] = [
    (1, 1),   // Jour de l'an
    (5, 1),   // Fête du travail
    (5, 8),   // Victoire 1945
    (7, 14),  // Fête nationale
    (8, 15),  // Assomption
    (11, 1),  // Toussaint
    (11, 11), // Armistice
    (12, 25), // Noël
];

/// Public holidays as days after Easter Sunday: Easter Monday, Ascension, Whit Monday.
const EASTER_HOLIDAYS: [i64; 3] = [1, 39, 50];

/// `d` moved by `days`, saturating at the ends of chrono's date range.
fn add_days(d: NaiveDate, days: i64) -> NaiveDate {
    d.checked_add_signed(Duration::days(days))
        .unwrap_or(if days < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
}

/// Easter Sunday of a Gregorian year (anonymous computus of Meeus/Jones/Butcher).
///
/// A year outside chrono's range, of which no date exists, gives `NaiveDate::MAX`.
pub fn easter_sunday(year: i32) -> NaiveDate {
    let a = year.rem_euclid(19);
    let (b, c) = (year.div_euclid(100), year.rem_euclid(100));
    let (d, e) = (b.div_euclid(4), b.rem_euclid(4));
    let f = (b + 8).div_euclid(25);
    let g = (b - f + 1).div_euclid(3);
    let h = (19 * a + b - d - g + 15).rem_euclid(30);
    let (i, k) = (c.div_euclid(4), c.rem_euclid(4));
    let l = (32 + 2 * e + 2 * i - h - k).rem_euclid(7);
    let m = (a + 11 * h + 22 * l).div_euclid(451);
    let n = h + l - 7 * m + 114;
    let (month, day) = (n / 31, n % 31 + 1);
    u32::try_from(month)
        .ok()
        .zip(u32::try_from(day).ok())
        .and_then(|(month, day)| NaiveDate::from_ymd_opt(year, month, day))
        .unwrap_or(NaiveDate::MAX)
}

/// Whether `d` is a national public holiday in France.
pub fn is_public_holiday(d: NaiveDate) -> bool {
    if FIXED_HOLIDAYS.contains(&(d.month(), d.day())) {
        return true;
    }
    let after_easter = d.signed_duration_since(easter_sunday(d.year())).num_days();
    EASTER_HOLIDAYS.contains(&after_easter)
}

/// Monday to Friday, and not a public holiday.
pub fn is_business_day(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !is_public_holiday(d)
}

/// `d` itself when it is a business day, else the next business day.
pub fn business_day_on_or_after(d: NaiveDate) -> NaiveDate {
    let mut day = d;
    while !is_business_day(day) {
        match day.succ_opt() {
            Some(next) => day = next,
            None => break,
        }
    }
    day
}

/// The last business day strictly before `d`.
fn business_day_before(d: NaiveDate) -> NaiveDate {
    let mut day = d;
    while let Some(prev) = day.pred_opt() {
        day = prev;
        if is_business_day(day) {
            break;
        }
    }
    day
}

/// The day a reminder step `offset_days` from the due date falls on: that
/// date, or the next business day when it is a weekend or a holiday.
pub fn step_date(due: NaiveDate, offset_days: i32) -> NaiveDate {
    business_day_on_or_after(add_days(due, i64::from(offset_days)))
}

/// The inclusive range of due dates whose step at `offset_days` falls on
/// `today`; `None` when `today` is not a business day (no step falls on it).
///
/// A step falls on `today` when due + offset lies after the previous business
/// day and no later than `today`; e.g. on a Monday, the steps of the Saturday
/// and Sunday before fall too. Every due date is in exactly one such range.
pub fn due_dates_stepping_on(today: NaiveDate, offset_days: i32) -> Option<(NaiveDate, NaiveDate)> {
    if !is_business_day(today) {
        return None;
    }
    let offset = i64::from(offset_days);
    let first = add_days(business_day_before(today), 1 - offset);
    Some((first, add_days(today, -offset)))
}

/// Days after the due date: 0 on or before it, 1 on the day after.
pub fn days_late(due: NaiveDate, today: NaiveDate) -> i64 {
    today.signed_duration_since(due).num_days().max(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    #[test]
    fn easter_2024_is_on_march_31() {
        assert_eq!(easter_sunday(2024), date(2024, 3, 31));
    }

    #[test]
    fn easter_2025_is_on_april_20() {
        assert_eq!(easter_sunday(2025), date(2025, 4, 20));
    }

    #[test]
    fn easter_2026_is_on_april_5() {
        assert_eq!(easter_sunday(2026), date(2026, 4, 5));
    }

    #[test]
    fn easter_2027_is_on_march_28() {
        assert_eq!(easter_sunday(2027), date(2027, 3, 28));
    }

    #[test]
    fn easter_2038_is_on_april_25() {
        assert_eq!(easter_sunday(2038), date(2038, 4, 25));
    }

    #[test]
    fn ascension_and_whit_monday_2026_are_holidays() {
        assert!(is_public_holiday(date(2026, 5, 14)));
        assert!(is_public_holiday(date(2026, 5, 25)));
        assert!(!is_public_holiday(date(2026, 5, 13)));
    }

    #[test]
    fn fixed_holidays_are_holidays_and_good_friday_is_not() {
        assert!(is_public_holiday(date(2026, 7, 14)));
        assert!(is_public_holiday(date(2027, 11, 11)));
        assert!(!is_public_holiday(date(2026, 4, 3)));
        assert!(is_business_day(date(2026, 4, 3)));
    }

    #[test]
    fn a_step_on_a_saturday_moves_to_monday() {
        // 2026-03-07 is a Saturday.
        assert_eq!(step_date(date(2026, 3, 6), 1), date(2026, 3, 9));
    }

    #[test]
    fn a_step_on_easter_monday_moves_to_tuesday() {
        assert_eq!(step_date(date(2026, 3, 30), 7), date(2026, 4, 7));
    }

    #[test]
    fn a_negative_offset_counts_back_from_the_due_date() {
        assert_eq!(step_date(date(2026, 3, 12), -3), date(2026, 3, 9));
    }

    #[test]
    fn a_monday_covers_the_saturday_and_sunday_before() {
        let range = due_dates_stepping_on(date(2026, 3, 9), 0);
        assert_eq!(range, Some((date(2026, 3, 7), date(2026, 3, 9))));
        let shifted = due_dates_stepping_on(date(2026, 3, 9), 8);
        assert_eq!(shifted, Some((date(2026, 2, 27), date(2026, 3, 1))));
    }

    #[test]
    fn the_tuesday_after_easter_monday_covers_saturday_to_tuesday() {
        let range = due_dates_stepping_on(date(2026, 4, 7), 0);
        assert_eq!(range, Some((date(2026, 4, 4), date(2026, 4, 7))));
    }

    #[test]
    fn no_step_falls_on_a_weekend_or_a_holiday() {
        assert_eq!(due_dates_stepping_on(date(2026, 3, 7), 1), None);
        assert_eq!(due_dates_stepping_on(date(2026, 3, 8), 1), None);
        assert_eq!(due_dates_stepping_on(date(2026, 4, 6), 1), None);
    }

    #[test]
    fn steps_on_daylight_saving_sundays_move_to_monday() {
        assert_eq!(step_date(date(2026, 3, 28), 1), date(2026, 3, 30));
        assert_eq!(step_date(date(2026, 10, 24), 1), date(2026, 10, 26));
        assert_eq!(due_dates_stepping_on(date(2026, 3, 29), 0), None);
        assert_eq!(due_dates_stepping_on(date(2026, 10, 25), 0), None);
    }

    #[test]
    fn every_due_date_steps_exactly_once() {
        let (start, end) = (date(2026, 1, 1), date(2028, 12, 31));
        for offset in [-3, 1, 8, 15, 30] {
            let mut due = start;
            while due <= end {
                let step = step_date(due, offset);
                assert!(is_business_day(step), "{due} {offset}");
                let mut falls_on = Vec::new();
                let anchor = add_days(due, i64::from(offset));
                for delta in -10..=10 {
                    let day = add_days(anchor, delta);
                    let range = due_dates_stepping_on(day, offset);
                    if range.is_some_and(|(first, last)| first <= due && due <= last) {
                        falls_on.push(day);
                    }
                }
                assert_eq!(falls_on, vec![step], "{due} {offset}");
                due = add_days(due, 1);
            }
        }
    }

    #[test]
    fn lateness_starts_the_day_after_the_due_date() {
        let due = date(2026, 3, 31);
        assert_eq!(days_late(due, date(2026, 3, 1)), 0);
        assert_eq!(days_late(due, due), 0);
        assert_eq!(days_late(due, date(2026, 4, 1)), 1);
        assert_eq!(days_late(due, date(2026, 4, 30)), 30);
    }
}
