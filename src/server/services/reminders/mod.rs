//! Reminders (relances): the engine that queues them, what holds them
//! (pauses, promises, disputes), the late-payment charges they and the pages
//! show, and what happens when a reminded invoice is settled.
pub mod engine;
pub mod job;
mod mail;
pub mod manage;

use crate::error::AppError;
use crate::model::document::{Seller, Terms};
use crate::model::invoice::InvoiceStatus;
use crate::model::reminder::penalty::{self, LateCharges};
use crate::model::reminder::schedule::{Step, default_schedule};
use crate::server::db::reminders::{self as db, RatePeriod, Settings};
use crate::server::db::{Db, company};
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use sqlx::AnyConnection;

pub use engine::{RunOptions, RunReport, run};

/// What every reminder decision reads once per run.
#[derive(Debug, Clone)]
pub struct Context {
    pub settings: Settings,
    pub steps: Vec<Step>,
    pub periods: Vec<RatePeriod>,
    pub seller: Seller,
    pub terms: Terms,
}

impl Context {
    /// Reads the settings, the schedule (putting the default one in place the
    /// first time), the rates and the company.
    pub async fn load(db: &Db) -> Result<Context, AppError> {
        let (seller, terms, _) = company::load(&db.pool).await?;
        let mut conn = db.pool.acquire().await?;
        let mut settings = db::settings(&mut conn).await?;
        if !settings.schedule_set {
            install_default_schedule(db).await?;
            settings = db::settings(&mut conn).await?;
        }
        Ok(Context {
            steps: db::steps(&mut conn).await?,
            periods: db::rate_periods(&mut conn).await?,
            settings,
            seller,
            terms,
        })
    }

    /// Due dates that may have a step due on `today`.
    pub fn due_window(&self, today: NaiveDate) -> (String, String) {
        let min = self.steps.iter().map(|s| s.offset_days).min().unwrap_or(0);
        let max = self.steps.iter().map(|s| s.offset_days).max().unwrap_or(0);
        let (from, to) = engine::window(today, min, max);
        (from.to_string(), to.to_string())
    }

    /// The annual penalty rate (basis points) of an invoice due on `due`: the
    /// contractual rate, or the ECB rate of the due date's half-year (the
    /// latest one entered before it when that half is missing) plus 10
    /// points; the contractual rate when no ECB rate was ever entered.
    pub fn rate_bp(&self, due: NaiveDate) -> i64 {
        if self.settings.rate_kind == "contractual" {
            return self.terms.late_penalty_rate_bp;
        }
        let half = penalty::half_year(due);
        self.periods
            .iter()
            .rev()
            .find(|p| (p.year, p.half) <= half)
            .map_or(self.terms.late_penalty_rate_bp, |p| {
                penalty::statutory_rate_bp(p.ecb_rate_bp)
            })
    }

    /// Days late, penalties and indemnity of `overdue` due on `due`, as of `today`.
    pub fn charges(
        &self,
        overdue: i64,
        due: NaiveDate,
        today: NaiveDate,
        business: bool,
    ) -> Option<LateCharges> {
        penalty::late_charges(overdue, self.rate_bp(due), due, today, business)
    }
}

/// Writes the default schedule once (the first time reminders are looked at).
async fn install_default_schedule(db: &Db) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    if db::claim_first_schedule(&mut tx).await? {
        db::replace_steps(&mut tx, &default_schedule()).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The wall-clock time in the company's zone; an unknown zone name (refused
/// when saved) reads as Europe/Paris.
pub fn local_now(timezone: &str, at: DateTime<Utc>) -> NaiveDateTime {
    let tz: chrono_tz::Tz = timezone.parse().unwrap_or(chrono_tz::Europe::Paris);
    at.with_timezone(&tz).naive_local()
}

/// The instant it is `hour`:00 on `day` in `timezone` (the first of two in
/// the autumn's repeated hour; the hour after a spring gap).
pub fn instant_at(timezone: &str, day: NaiveDate, hour: u32) -> DateTime<Utc> {
    use chrono::TimeZone;
    let tz: chrono_tz::Tz = timezone.parse().unwrap_or(chrono_tz::Europe::Paris);
    let local = day.and_hms_opt(hour.min(23), 0, 0).unwrap_or_default();
    let mapped = tz.from_local_datetime(&local).earliest().or_else(|| {
        tz.from_local_datetime(&(local + chrono::Duration::hours(1)))
            .earliest()
    });
    mapped.map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
}

/// The company's local date at `at`.
pub async fn local_today(db: &Db, at: DateTime<Utc>) -> Result<NaiveDate, AppError> {
    let mut conn = db.pool.acquire().await?;
    let s = db::settings(&mut conn).await?;
    Ok(local_now(&s.timezone, at).date())
}

/// Called by the ledger, in its transaction, when an invoice's money status
/// changes. Reminder messages about it that have not gone out are withdrawn
/// when none of their invoices is still owed (paid, credited, or all in
/// dispute); a reminded invoice now paid in full gets its thank-you email.
pub async fn status_changed(
    conn: &mut AnyConnection,
    invoice_id: i64,
    status: InvoiceStatus,
    now: i64,
) -> Result<(), AppError> {
    for key in db::pending_messages_of(conn, invoice_id).await? {
        let mut still_owed = false;
        for id in db::invoices_of_message(conn, &key).await? {
            let c = db::candidate_of(conn, id).await?;
            let owed = c
                .as_ref()
                .and_then(engine::situation)
                .is_some_and(|s| s.remindable() > 0);
            let open = c.is_some_and(|c| engine::is_open(&c.status));
            still_owed |= owed && open;
        }
        if !still_owed {
            db::withdraw_message(
                conn,
                &key,
                "withdrawn: settled or disputed before it went out",
            )
            .await?;
        }
    }
    if status == InvoiceStatus::Paid {
        mail::queue_thanks(conn, invoice_id, now).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s)
            .expect("instant")
            .with_timezone(&Utc)
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn half_past_midnight_in_paris_is_already_the_next_day_while_utc_is_still_the_day_before() {
        // Summer (UTC+2) and winter (UTC+1).
        assert_eq!(
            local_now("Europe/Paris", utc("2026-06-01T22:30:00Z")).date(),
            day("2026-06-02")
        );
        assert_eq!(
            local_now("Europe/Paris", utc("2026-12-01T23:30:00Z")).date(),
            day("2026-12-02")
        );
        assert_eq!(
            local_now("Europe/Paris", utc("2026-12-01T22:30:00Z")).date(),
            day("2026-12-01")
        );
    }

    #[test]
    fn the_sending_hour_follows_the_clock_change() {
        // 08:00 UTC is 09:00 in Paris the day before the spring change and 10:00 the day after.
        let before = local_now("Europe/Paris", utc("2026-03-28T08:00:00Z"));
        let after = local_now("Europe/Paris", utc("2026-03-30T08:00:00Z"));
        assert_eq!(chrono::Timelike::hour(&before), 9);
        assert_eq!(chrono::Timelike::hour(&after), 10);
        // 09:00 local is 08:00 UTC in winter and 07:00 UTC in summer.
        assert_eq!(
            instant_at("Europe/Paris", day("2026-03-27"), 9),
            utc("2026-03-27T08:00:00Z")
        );
        assert_eq!(
            instant_at("Europe/Paris", day("2026-03-30"), 9),
            utc("2026-03-30T07:00:00Z")
        );
    }

    #[test]
    fn an_hour_the_spring_change_skips_and_one_the_autumn_change_repeats_both_map_to_an_instant() {
        // 02:00 does not exist on 2026-03-29 in Paris: the hour after it is used.
        assert_eq!(
            instant_at("Europe/Paris", day("2026-03-29"), 2),
            utc("2026-03-29T01:00:00Z")
        );
        // 02:00 happens twice on 2026-10-25: the first one.
        assert_eq!(
            instant_at("Europe/Paris", day("2026-10-25"), 2),
            utc("2026-10-25T00:00:00Z")
        );
    }

    #[test]
    fn an_unknown_zone_reads_as_paris() {
        let at = utc("2026-06-01T22:30:00Z");
        assert_eq!(local_now("Mars/Olympus", at), local_now("Europe/Paris", at));
        let tokyo = chrono_tz::Asia::Tokyo.from_utc_datetime(&at.naive_utc());
        assert_eq!(local_now("Asia/Tokyo", at), tokyo.naive_local());
    }
}
