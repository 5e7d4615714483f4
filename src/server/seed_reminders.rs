//! The demo's reminders: the engine run as it would have run on the last
//! three weeks of business days (so timelines show reminders already sent,
//! marked delivered rather than mailed), and three invoices with a step due
//! on the day the demo is made (so `quittance reminders run --dry-run` lists
//! them on a business day).
use super::db::reminders::{RatePeriod, mark_demo_delivered, save_rate_period};
use super::db::{Db, now_ts};
use super::services::invoicing;
use super::services::reminders::{RunOptions, instant_at, local_now, run};
use crate::error::AppError;
use crate::model::draft::DraftInput;
use crate::model::reminder::calendar::is_business_day;
use chrono::{Duration, NaiveDate};

/// Drafts whose step falls on `today`, with the day each is issued: due
/// yesterday (+1), in three days (-3) and eight days ago (+8). The seed
/// issues them among its other invoices, in date order (numbers follow dates).
pub fn due_today(
    today: NaiveDate,
    customers: [i64; 2],
    lines: impl Fn(usize) -> Vec<crate::model::draft::DraftLineInput>,
) -> Vec<(NaiveDate, DraftInput)> {
    let mut drafts: Vec<(NaiveDate, DraftInput)> =
        [(customers[0], -1), (customers[1], 3), (customers[0], -8)]
            .into_iter()
            .enumerate()
            .map(|(k, (customer_id, due_in))| {
                let due = today + Duration::days(due_in);
                let issued = due - Duration::days(30);
                let input = DraftInput {
                    customer_id,
                    currency: "EUR".into(),
                    sale_date: issued.format("%Y-%m-%d").to_string(),
                    due_date: due.format("%Y-%m-%d").to_string(),
                    deposits: String::new(),
                    lines: lines(40 + k),
                };
                (issued, input)
            })
            .collect();
    drafts.sort_by_key(|(issued, _)| *issued);
    drafts
}

/// Issues a draft of [`due_today`] on its day.
pub async fn issue(db: &Db, issued: NaiveDate, input: &DraftInput) -> Result<(), AppError> {
    let id = invoicing::create_draft(db, input, issued).await?;
    invoicing::issue(db, id, issued, None).await?;
    Ok(())
}

/// Runs the engine at 10:00 (company time) on each business day of the last
/// three weeks before `today`; what it queued counts as delivered.
pub async fn history(db: &Db, today: NaiveDate) -> Result<(), AppError> {
    const ZONE: &str = "Europe/Paris";
    // The 2025 reference rates (ECB main refinancing rate on 1 January and
    // 1 July; legal interest rate for professionals): admins enter the
    // current half-years, the latest entered applies meanwhile.
    let mut conn = db.pool.acquire().await?;
    for (half, ecb_rate_bp, legal_rate_bp) in [(1, 315, 371), (2, 215, 276)] {
        let period = RatePeriod {
            year: 2025,
            half,
            ecb_rate_bp,
            legal_rate_bp,
        };
        save_rate_period(&mut conn, &period).await?;
    }
    drop(conn);
    for back in (1..=21).rev() {
        let day = today - Duration::days(back);
        if !is_business_day(day) {
            continue;
        }
        let at = instant_at(ZONE, day, 10);
        debug_assert_eq!(local_now(ZONE, at).date(), day);
        let opts = RunOptions {
            dry_run: false,
            respect_hour: false,
        };
        run(db, at, opts).await?;
    }
    mark_demo_delivered(&db.pool, "reminder:", now_ts()).await?;
    Ok(())
}
