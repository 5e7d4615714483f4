//! The staff dashboard: what it shows and its pure maths (date range,
//! ageing buckets, days sales outstanding, median, bar heights).
//!
//! Stocks (open, overdue, ageing, amount in dispute, open disputes by age,
//! largest overdue balances, the count-back DSO) are as of today; flows
//! (paid, sales of the simple DSO, disputes opened, resolutions) are over
//! the chosen range; the cash chart is the 12 months ending with the range.
use chrono::{Datelike, Months, NaiveDate, TimeDelta};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The longest range the dashboard computes.
pub const MAX_RANGE_MONTHS: u32 = 120;
/// How many months the count-back DSO looks back.
pub const COUNT_BACK_MONTHS: u32 = 3;
/// How many months the cash chart shows.
pub const CASH_MONTHS: u32 = 12;
/// How many customers the largest overdue balances list shows.
pub const TOP_OVERDUE: i64 = 10;

/// An ageing bucket of the open balance, by days past the due date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AgeBucket {
    NotDue,
    Days1To30,
    Days31To60,
    Days61To90,
    Over90,
}

impl AgeBucket {
    pub const ALL: [AgeBucket; 5] = [
        AgeBucket::NotDue,
        AgeBucket::Days1To30,
        AgeBucket::Days31To60,
        AgeBucket::Days61To90,
        AgeBucket::Over90,
    ];

    /// The value of the `age` filter of the staff invoice list.
    pub fn as_str(self) -> &'static str {
        match self {
            AgeBucket::NotDue => "not_due",
            AgeBucket::Days1To30 => "1-30",
            AgeBucket::Days31To60 => "31-60",
            AgeBucket::Days61To90 => "61-90",
            AgeBucket::Over90 => "over_90",
        }
    }

    pub fn parse(s: &str) -> Option<AgeBucket> {
        AgeBucket::ALL.into_iter().find(|b| b.as_str() == s)
    }

    /// The bucket of an invoice `days` past due (0 or less: not due).
    pub fn of_days_past_due(days: i64) -> AgeBucket {
        match days {
            ..=0 => AgeBucket::NotDue,
            1..=30 => AgeBucket::Days1To30,
            31..=60 => AgeBucket::Days31To60,
            61..=90 => AgeBucket::Days61To90,
            _ => AgeBucket::Over90,
        }
    }

    /// The due dates of the bucket on `today`: `due_date >= lower` and
    /// `due_date < upper`, either bound absent when open. Dates compare as
    /// `YYYY-MM-DD` text, so SQL needs no date arithmetic.
    pub fn due_bounds(self, today: NaiveDate) -> (Option<NaiveDate>, Option<NaiveDate>) {
        let back = |d: i64| today - TimeDelta::days(d);
        match self {
            AgeBucket::NotDue => (Some(today), None),
            AgeBucket::Days1To30 => (Some(back(30)), Some(today)),
            AgeBucket::Days31To60 => (Some(back(60)), Some(back(30))),
            AgeBucket::Days61To90 => (Some(back(90)), Some(back(60))),
            AgeBucket::Over90 => (None, Some(back(90))),
        }
    }
}

/// What is wrong with a typed range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RangeProblem {
    InvalidDate,
    /// The end is before the start.
    Backwards,
    /// More than [`MAX_RANGE_MONTHS`].
    TooLong,
}

/// A refused range: the field to show the message next to, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RangeIssue {
    /// `from` or `to`.
    pub field: String,
    pub problem: RangeProblem,
}

/// The default range: the 12 months ending today (both days included).
pub fn default_range(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    let from = today
        .checked_sub_months(Months::new(12))
        .map_or(today, |d| d + TimeDelta::days(1));
    (from, today)
}

/// The range typed in the form (an empty field takes its default), both days
/// included; backwards or over 10 years is refused.
pub fn parse_range(
    from: Option<&str>,
    to: Option<&str>,
    today: NaiveDate,
) -> Result<(NaiveDate, NaiveDate), RangeIssue> {
    let (d_from, d_to) = default_range(today);
    let issue = |field: &str, problem| RangeIssue {
        field: field.into(),
        problem,
    };
    let parse = |s: Option<&str>, default, field| match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => crate::model::format::parse_iso_date(s)
            .ok_or_else(|| issue(field, RangeProblem::InvalidDate)),
    };
    let to = parse(to, d_to, "to")?;
    let from = parse(from, d_from.min(to), "from")?;
    if to < from {
        return Err(issue("to", RangeProblem::Backwards));
    }
    match from.checked_add_months(Months::new(MAX_RANGE_MONTHS)) {
        Some(limit) if to <= limit => Ok((from, to)),
        _ => Err(issue("to", RangeProblem::TooLong)),
    }
}

/// Days from `from` to `to`, both included.
pub fn days_in(from: NaiveDate, to: NaiveDate) -> i64 {
    (to - from).num_days() + 1
}

/// The count-back periods ending today, the most recent first: period `k`
/// runs from `k` months before tomorrow (included) to `k - 1` months before
/// tomorrow (excluded), so the first ends with today.
pub fn count_back_periods(today: NaiveDate) -> Vec<(NaiveDate, NaiveDate)> {
    let end = today + TimeDelta::days(1);
    let back = |k: u32| end.checked_sub_months(Months::new(k)).unwrap_or(end);
    (1..=COUNT_BACK_MONTHS)
        .map(|k| (back(k), back(k - 1)))
        .collect()
}

/// First days of the [`CASH_MONTHS`] months ending with `to`'s month, then
/// the first day of the month after (the end of the last bar).
pub fn cash_month_starts(to: NaiveDate) -> Vec<NaiveDate> {
    let first = to.with_day(1).unwrap_or(to);
    (0..=CASH_MONTHS)
        .rev()
        .map(|k| {
            let start = first.checked_sub_months(Months::new(k)).unwrap_or(first);
            start.checked_add_months(Months::new(1)).unwrap_or(start)
        })
        .collect()
}

/// One month of sales for the count-back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthSales {
    pub days: i64,
    /// Invoiced (incl. VAT), minor units.
    pub sales: i64,
}

/// The count-back DSO.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CountBack {
    pub days: Decimal,
    /// The balance outlasted every month given: the DSO is more than `days`.
    pub beyond: bool,
}

/// DSO by the count-back (exhaustion) method: take the receivables balance,
/// subtract each month's sales going back, counting full months of days
/// until the balance is exhausted, then the remaining fraction of the next
/// month. `months` are the most recent first. Rounded to a tenth of a day.
pub fn count_back(receivables: i64, months: &[MonthSales]) -> CountBack {
    let mut left = receivables.max(0);
    let mut days = Decimal::ZERO;
    for m in months {
        if left == 0 {
            break;
        }
        if left >= m.sales {
            left -= m.sales;
            days += Decimal::from(m.days);
        } else {
            days += Decimal::from(left) * Decimal::from(m.days) / Decimal::from(m.sales);
            left = 0;
        }
    }
    CountBack {
        days: days.round_dp(1),
        beyond: left > 0,
    }
}

/// `receivables / sales x days`, a tenth of a day; `None` without sales.
/// With all receivables it is the simple DSO, with the current (not yet due)
/// ones the best possible DSO.
pub fn ratio_dso(receivables: i64, sales: i64, days: i64) -> Option<Decimal> {
    (sales > 0).then(|| {
        (Decimal::from(receivables) * Decimal::from(days) / Decimal::from(sales)).round_dp(1)
    })
}

/// The median of `values` (the mean of the two middle ones for an even count).
pub fn median(values: &mut [i64]) -> Option<Decimal> {
    values.sort_unstable();
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(Decimal::from(values[n / 2])),
        _ => Some((Decimal::from(values[n / 2 - 1]) + Decimal::from(values[n / 2])) / Decimal::TWO),
    }
}

/// Seconds as days, to a tenth.
pub fn seconds_to_days(seconds: Decimal) -> Decimal {
    (seconds / Decimal::from(86_400)).round_dp(1)
}

/// Bar heights in pixels: each value scaled to `max_px` for the largest
/// (integer maths, rounded down; negative values draw nothing).
pub fn bar_heights(values: &[i64], max_px: i64) -> Vec<i64> {
    let top = values.iter().copied().max().unwrap_or(0).max(0);
    values
        .iter()
        .map(|&v| {
            if top == 0 || v <= 0 {
                0
            } else {
                (i128::from(v) * i128::from(max_px) / i128::from(top)) as i64
            }
        })
        .collect()
}

/// The dashboard as the page asks for it: the range used and, when the range
/// is good, the figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DashboardView {
    /// `YYYY-MM-DD`, as typed (or the default).
    pub from: String,
    pub to: String,
    pub issue: Option<RangeIssue>,
    pub figures: Option<Figures>,
}

/// Every figure, money in minor units of EUR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Figures {
    pub open: i64,
    pub overdue: i64,
    pub overdue_count: i64,
    /// Payments succeeded in the range, net of the refunds and chargebacks
    /// of the range.
    pub paid: i64,
    /// Disputed amounts of the disputes not yet closed.
    pub in_dispute: i64,
    pub ageing: Vec<AgeLine>,
    pub dso: Dso,
    /// Disputes opened in the range, by status.
    pub disputes_by_status: Vec<(String, i64)>,
    /// Disputes not yet closed: 0-7, 8-30, over 30 days open.
    pub disputes_by_age: [i64; 3],
    /// Of the disputes closed in the range, in days.
    pub median_resolution_days: Option<Decimal>,
    /// Disputes closed in the range, by resolution kind.
    pub resolutions_by_kind: Vec<(String, i64)>,
    pub cash: Vec<CashMonth>,
    pub top_overdue: Vec<OverdueCustomer>,
}

/// One ageing bucket.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgeLine {
    pub bucket: AgeBucket,
    pub amount: i64,
    pub count: i64,
}

/// The days sales outstanding figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dso {
    pub count_back: CountBack,
    /// All receivables over the range's sales.
    pub simple: Option<Decimal>,
    /// Current (not yet due) receivables over the range's sales.
    pub best: Option<Decimal>,
    /// `simple - best`.
    pub delinquent: Option<Decimal>,
    /// Invoiced in the range (incl. VAT), minor units.
    pub sales: i64,
    pub days: i64,
}

/// Cash in one month (cut at midnight in the company's time zone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CashMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// Payments succeeded in the month.
    pub received: i64,
    /// Refunds and chargebacks of succeeded payments in the month.
    pub returned: i64,
    /// `received - returned` (negative when more went back than came in).
    pub amount: i64,
}

/// A customer with an overdue balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OverdueCustomer {
    pub id: i64,
    pub name: String,
    pub amount: i64,
    pub count: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        s.parse().expect("decimal")
    }

    fn d(s: &str) -> NaiveDate {
        crate::model::format::parse_iso_date(s).expect("date")
    }

    /// Worked example of the count-back (exhaustion) method: take the
    /// receivables balance, subtract each month's sales going back, counting
    /// full months of days until the balance is exhausted, then the remaining
    /// fraction of the next month.
    ///
    /// Receivables 100,000.00; sales of the last three months, most recent
    /// first: November 40,000.00 (30 days), October 35,000.00 (31 days),
    /// September 50,000.00 (30 days).
    ///   100,000 - 40,000 = 60,000 left -> 30 days
    ///    60,000 - 35,000 = 25,000 left -> 30 + 31 = 61 days
    ///    25,000 < 50,000: 25,000 / 50,000 x 30 = 15 days -> 61 + 15 = 76 days.
    #[test]
    fn the_count_back_worked_example_gives_76_days() {
        let months = [
            MonthSales {
                days: 30,
                sales: 4_000_000,
            },
            MonthSales {
                days: 31,
                sales: 3_500_000,
            },
            MonthSales {
                days: 30,
                sales: 5_000_000,
            },
        ];
        let dso = count_back(10_000_000, &months);
        assert_eq!(
            dso,
            CountBack {
                days: dec("76"),
                beyond: false
            }
        );
    }

    #[test]
    fn a_balance_within_the_first_month_is_a_fraction_of_it() {
        // 1,000 / 3,000 x 30 = 10 days.
        let months = [MonthSales {
            days: 30,
            sales: 300_000,
        }];
        assert_eq!(count_back(100_000, &months).days, dec("10"));
        // 1,000 / 7,000 x 31 = 4.428... -> 4.4
        let months = [MonthSales {
            days: 31,
            sales: 700_000,
        }];
        assert_eq!(count_back(100_000, &months).days, dec("4.4"));
    }

    #[test]
    fn a_balance_outlasting_the_months_is_flagged_beyond() {
        let months = [
            MonthSales {
                days: 30,
                sales: 100,
            },
            MonthSales { days: 31, sales: 0 },
            MonthSales {
                days: 30,
                sales: 100,
            },
        ];
        assert_eq!(
            count_back(500, &months),
            CountBack {
                days: dec("91"),
                beyond: true
            }
        );
        assert_eq!(count_back(0, &months).days, Decimal::ZERO);
    }

    #[test]
    fn simple_and_best_dso_are_receivables_over_sales_times_days() {
        // 30,000 / 120,000 x 365 = 91.25 -> 91.2 (a half rounds to even)
        let simple = ratio_dso(3_000_000, 12_000_000, 365).expect("sales");
        assert_eq!(simple, dec("91.2"));
        // 12,000 / 120,000 x 365 = 36.5
        let best = ratio_dso(1_200_000, 12_000_000, 365).expect("sales");
        assert_eq!(best, dec("36.5"));
        assert_eq!(simple - best, dec("54.7"));
        assert_eq!(ratio_dso(1, 0, 365), None);
    }

    #[test]
    fn ageing_buckets_follow_days_past_due_and_their_bounds_agree() {
        let today = d("2026-12-01");
        for days in [-5, 0, 1, 30, 31, 60, 61, 90, 91, 400] {
            let due = today - TimeDelta::days(days);
            let bucket = AgeBucket::of_days_past_due(days);
            let (lo, hi) = bucket.due_bounds(today);
            assert!(lo.is_none_or(|lo| due >= lo), "{days} {bucket:?}");
            assert!(hi.is_none_or(|hi| due < hi), "{days} {bucket:?}");
        }
        assert_eq!(AgeBucket::of_days_past_due(31), AgeBucket::Days31To60);
        assert_eq!(AgeBucket::parse("over_90"), Some(AgeBucket::Over90));
        assert_eq!(AgeBucket::parse("x"), None);
    }

    #[test]
    fn the_range_defaults_to_twelve_months_and_refuses_backwards_or_long() {
        let today = d("2026-12-01");
        assert_eq!(
            parse_range(None, Some(""), today),
            Ok((d("2025-12-02"), today))
        );
        assert_eq!(
            parse_range(Some("2026-02-01"), Some("2026-01-31"), today).map_err(|e| e.problem),
            Err(RangeProblem::Backwards)
        );
        assert_eq!(
            parse_range(Some("2010-01-01"), Some("2020-01-02"), today).map_err(|e| e.problem),
            Err(RangeProblem::TooLong)
        );
        assert!(parse_range(Some("2010-01-01"), Some("2020-01-01"), today).is_ok());
        assert_eq!(
            parse_range(Some("2026-13-01"), None, today).map_err(|e| e.field),
            Err("from".to_string())
        );
        // Only an early end: the start defaults to no later than the end.
        assert_eq!(
            parse_range(None, Some("2020-05-05"), today),
            Ok((d("2020-05-05"), d("2020-05-05")))
        );
    }

    #[test]
    fn count_back_periods_and_cash_months_are_calendar_months() {
        assert_eq!(
            count_back_periods(d("2026-12-01")),
            vec![
                (d("2026-11-02"), d("2026-12-02")),
                (d("2026-10-02"), d("2026-11-02")),
                (d("2026-09-02"), d("2026-10-02")),
            ]
        );
        let starts = cash_month_starts(d("2026-12-01"));
        assert_eq!(starts.len(), 13);
        assert_eq!(starts[0], d("2026-01-01"));
        assert_eq!(starts[12], d("2027-01-01"));
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut []), None);
        assert_eq!(median(&mut [5, 1, 3]), Some(dec("3")));
        assert_eq!(median(&mut [4, 1, 3, 2]), Some(dec("2.5")));
        assert_eq!(seconds_to_days(dec("129600")), dec("1.5"));
    }

    #[test]
    fn bars_scale_to_the_largest_with_integer_maths() {
        assert_eq!(
            bar_heights(&[0, 50, 100, 33, -4], 200),
            vec![0, 100, 200, 66, 0]
        );
        assert_eq!(bar_heights(&[0, 0], 200), vec![0, 0]);
        assert_eq!(bar_heights(&[i64::MAX, 1], 200), vec![200, 0]);
    }
}
