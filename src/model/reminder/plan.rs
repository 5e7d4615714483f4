//! Which step of the schedule an invoice is at today, or why it waits. Pure:
//! the engine reads the facts (in the transaction that will queue the email)
//! and asks here.
//!
//! The rule: the step due is the last one whose day (see
//! [`calendar::step_date`]) has come. It goes out if it was never dealt with
//! (nor any later one: the engine never goes back), if nothing holds the
//! invoice, and if its day, or the day a pause or promise ended, is at most
//! [`CATCH_UP_DAYS`] ago: a run missed for a few days (a server down, a
//! weekend of maintenance) still sends it, but a schedule installed today does
//! not mail every old invoice at once.
use super::calendar;
use super::schedule::{Step, Tone};
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// How many days late a step may still go out.
pub const CATCH_UP_DAYS: u64 = 7;

/// What the engine knows of an open invoice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Situation {
    pub due: NaiveDate,
    /// What remains to pay (negative when overpaid).
    pub balance: i64,
    /// The amount of the open dispute, 0 when none.
    pub disputed: i64,
    pub invoice_paused: bool,
    /// The customer's pause: `Some(None)` until lifted, `Some(Some(d))` until d.
    pub customer_paused: Option<Option<NaiveDate>>,
    /// The newest promise to pay.
    pub promised_for: Option<NaiveDate>,
    /// The largest offset already dealt with.
    pub last_offset: Option<i64>,
}

impl Situation {
    /// What a reminder may ask for: the balance less what is disputed.
    pub fn remindable(&self) -> i64 {
        (self.balance - self.disputed.clamp(0, self.balance.max(0))).max(0)
    }

    /// The day reminders start again after a pause or promise that is over
    /// (`None` when there was none).
    fn resumed_on(&self) -> Option<NaiveDate> {
        let after_promise = self
            .promised_for
            .and_then(|d| d.checked_add_days(Days::new(1)));
        let after_pause = self.customer_paused.flatten();
        after_promise.max(after_pause)
    }
}

/// Why an invoice gets no reminder today although a step is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Hold {
    /// Nothing left to pay.
    Settled,
    /// Everything left is disputed.
    Disputed,
    InvoicePaused,
    CustomerPaused,
    /// The customer promised to pay by this date.
    Promised(NaiveDate),
    /// A formal notice is never sent while a dispute is open.
    NoticeWhileDisputed,
}

impl Hold {
    pub fn code(self) -> &'static str {
        match self {
            Hold::Settled => "settled",
            Hold::Disputed => "disputed",
            Hold::InvoicePaused => "invoice_paused",
            Hold::CustomerPaused => "customer_paused",
            Hold::Promised(_) => "promised",
            Hold::NoticeWhileDisputed => "notice_while_disputed",
        }
    }
}

/// What holds the invoice today, if anything (whatever step is due).
pub fn hold(s: &Situation, today: NaiveDate) -> Option<Hold> {
    if s.remindable() <= 0 {
        return Some(if s.disputed > 0 && s.balance > 0 {
            Hold::Disputed
        } else {
            Hold::Settled
        });
    }
    if s.invoice_paused {
        return Some(Hold::InvoicePaused);
    }
    match s.customer_paused {
        Some(None) => return Some(Hold::CustomerPaused),
        Some(Some(until)) if today < until => return Some(Hold::CustomerPaused),
        _ => {}
    }
    match s.promised_for {
        Some(d) if d >= today => Some(Hold::Promised(d)),
        _ => None,
    }
}

/// The step to send today: `Ok(None)` when none is due (or it is dealt with,
/// or too old), `Err` when one is due but held.
pub fn step_due<'s>(
    steps: &'s [Step],
    s: &Situation,
    today: NaiveDate,
) -> Result<Option<&'s Step>, Hold> {
    let Some(step) = steps
        .iter()
        .filter(|st| calendar::step_date(s.due, st.offset_days) <= today)
        .max_by_key(|st| st.offset_days)
    else {
        return Ok(None);
    };
    if s.last_offset
        .is_some_and(|last| last >= i64::from(step.offset_days))
    {
        return Ok(None);
    }
    let fell_on = calendar::step_date(s.due, step.offset_days).max(s.resumed_on().unwrap_or(s.due));
    if fell_on.checked_add_days(Days::new(CATCH_UP_DAYS)) < Some(today) {
        return Ok(None);
    }
    if let Some(h) = hold(s, today) {
        return Err(h);
    }
    if step.tone == Tone::FormalNotice && s.disputed > 0 {
        return Err(Hold::NoticeWhileDisputed);
    }
    Ok(Some(step))
}

/// The steps an invoice will reach in `[from, to]` that are not dealt with
/// yet, with their day (for the staff's list of upcoming reminders).
pub fn upcoming<'s>(
    steps: &'s [Step],
    s: &Situation,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(NaiveDate, &'s Step)> {
    steps
        .iter()
        .filter(|st| {
            s.last_offset
                .is_none_or(|last| i64::from(st.offset_days) > last)
        })
        .map(|st| (calendar::step_date(s.due, st.offset_days), st))
        .filter(|(d, _)| *d >= from && *d <= to)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::reminder::schedule::default_schedule;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    /// Due Monday 2026-06-01, 100 EUR left, nothing else.
    fn open() -> Situation {
        Situation {
            due: day("2026-06-01"),
            balance: 10_000,
            disputed: 0,
            invoice_paused: false,
            customer_paused: None,
            promised_for: None,
            last_offset: None,
        }
    }

    fn offset_due(s: &Situation, today: &str) -> Result<Option<i32>, Hold> {
        let steps = default_schedule();
        step_due(&steps, s, day(today)).map(|o| o.map(|st| st.offset_days))
    }

    #[test]
    fn the_courteous_step_falls_three_days_before_the_due_date() {
        assert_eq!(offset_due(&open(), "2026-05-29"), Ok(Some(-3)));
        assert_eq!(offset_due(&open(), "2026-05-28"), Ok(None));
    }

    #[test]
    fn a_step_dealt_with_is_not_due_again_the_next_day() {
        let s = Situation {
            last_offset: Some(1),
            ..open()
        };
        assert_eq!(offset_due(&s, "2026-06-02"), Ok(None));
        assert_eq!(offset_due(&s, "2026-06-03"), Ok(None));
        assert_eq!(offset_due(&s, "2026-06-09"), Ok(Some(8)));
    }

    #[test]
    fn a_missed_run_is_caught_up_within_a_week_but_not_later() {
        let s = Situation {
            last_offset: Some(-3),
            ..open()
        };
        // +1 fell on 2026-06-02; +8 on 2026-06-09.
        assert_eq!(offset_due(&s, "2026-06-05"), Ok(Some(1)));
        assert_eq!(offset_due(&s, "2026-06-08"), Ok(Some(1)));
        let later = Situation {
            last_offset: Some(8),
            ..open()
        };
        // +15 fell on 2026-06-16 (Tuesday): too old on 2026-06-24.
        assert_eq!(offset_due(&later, "2026-06-23"), Ok(Some(15)));
        assert_eq!(offset_due(&later, "2026-06-24"), Ok(None));
    }

    #[test]
    fn only_the_latest_step_due_goes_out_never_the_ones_it_passed() {
        let s = Situation {
            last_offset: Some(-3),
            ..open()
        };
        // On 2026-06-09 both +1 and +8 have come: +8 only.
        assert_eq!(offset_due(&s, "2026-06-09"), Ok(Some(8)));
    }

    #[test]
    fn nothing_goes_out_on_a_settled_invoice() {
        let s = Situation {
            balance: 0,
            ..open()
        };
        assert_eq!(offset_due(&s, "2026-06-02"), Err(Hold::Settled));
    }

    #[test]
    fn a_fully_disputed_invoice_waits_and_a_partly_disputed_one_is_reminded_for_the_rest() {
        let all = Situation {
            disputed: 10_000,
            ..open()
        };
        assert_eq!(offset_due(&all, "2026-06-02"), Err(Hold::Disputed));
        let part = Situation {
            disputed: 2_500,
            ..open()
        };
        assert_eq!(part.remindable(), 7_500);
        assert_eq!(offset_due(&part, "2026-06-02"), Ok(Some(1)));
    }

    #[test]
    fn a_formal_notice_is_never_due_while_any_dispute_is_open() {
        let s = Situation {
            disputed: 100,
            last_offset: Some(15),
            ..open()
        };
        // +30 falls on 2026-07-01.
        assert_eq!(offset_due(&s, "2026-07-01"), Err(Hold::NoticeWhileDisputed));
    }

    #[test]
    fn a_promise_holds_reminders_until_its_date_then_they_resume_by_themselves() {
        let s = Situation {
            last_offset: Some(1),
            promised_for: Some(day("2026-06-20")),
            ..open()
        };
        assert_eq!(
            offset_due(&s, "2026-06-09"),
            Err(Hold::Promised(day("2026-06-20")))
        );
        assert_eq!(
            offset_due(&s, "2026-06-19"),
            Err(Hold::Promised(day("2026-06-20")))
        );
        // Not kept: the step due (+15, fell 2026-06-16) goes out after the date,
        // although it fell more than a week before the promise ended.
        assert_eq!(offset_due(&s, "2026-06-22"), Ok(Some(15)));
        assert_eq!(offset_due(&s, "2026-06-26"), Ok(Some(15)));
    }

    #[test]
    fn a_customer_pause_with_a_date_ends_on_that_date() {
        let s = Situation {
            customer_paused: Some(Some(day("2026-06-05"))),
            ..open()
        };
        assert_eq!(offset_due(&s, "2026-06-04"), Err(Hold::CustomerPaused));
        assert_eq!(offset_due(&s, "2026-06-05"), Ok(Some(1)));
        let forever = Situation {
            customer_paused: Some(None),
            ..open()
        };
        assert_eq!(
            offset_due(&forever, "2026-06-05"),
            Err(Hold::CustomerPaused)
        );
    }

    #[test]
    fn a_paused_invoice_waits() {
        let s = Situation {
            invoice_paused: true,
            ..open()
        };
        assert_eq!(offset_due(&s, "2026-06-02"), Err(Hold::InvoicePaused));
    }

    #[test]
    fn upcoming_lists_the_steps_of_the_next_two_weeks_not_dealt_with() {
        let steps = default_schedule();
        let s = Situation {
            last_offset: Some(-3),
            ..open()
        };
        let next: Vec<i32> = upcoming(&steps, &s, day("2026-06-01"), day("2026-06-15"))
            .iter()
            .map(|(_, st)| st.offset_days)
            .collect();
        assert_eq!(next, vec![1, 8]);
    }
}
