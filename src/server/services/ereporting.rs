//! The payments e-reporting export (VAT due on receipt): what was collected
//! in a range, net of what was given back in it, split across each
//! invoice's VAT rates and summed per day and rate
//! ([`crate::model::ereporting`] has the rules and the rounding).
use crate::error::AppError;
use crate::model::document::DocLine;
use crate::model::ereporting::{Collected, Report, ReportRow};
use crate::model::vat::{LineAmounts, RateTotal, compute_totals};
use crate::server::db::{Db, ereporting as store, invoices};
use crate::server::services::exports::span;
use crate::server::services::lifecycle::day_of;
use chrono::NaiveDate;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// The report of `[from, to]` (both days included).
pub async fn report(db: &Db, from: NaiveDate, to: NaiveDate) -> Result<Vec<ReportRow>, AppError> {
    let movements = store::movements(&db.pool, &span(from, to)).await?;
    let mut rates: HashMap<i64, Vec<RateTotal>> = HashMap::new();
    let mut report = Report::default();
    let mut conn = db.pool.acquire().await?;
    for m in movements {
        let per_rate = match rates.entry(m.invoice_id) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => {
                let lines = invoices::lines(&mut conn, m.invoice_id).await?;
                let amounts: Vec<LineAmounts> = lines.iter().map(DocLine::amounts).collect();
                e.insert(compute_totals(&amounts).per_rate)
            }
        };
        report.add(&Collected {
            day: m.received_on.clone().unwrap_or_else(|| day_of(m.at)),
            currency: m.currency,
            amount: m.amount,
            per_rate: per_rate.clone(),
        });
    }
    Ok(report.rows())
}
