//! The staff dashboard: boundary dates and instants computed here, sums and
//! counts by the database, ratios and the median by `crate::model::dashboard`.
use crate::error::AppError;
use crate::model::dashboard::{
    self as dash, AgeBucket, AgeLine, CashMonth, DashboardView, Dso, Figures, MonthSales,
    OverdueCustomer,
};
use crate::model::user::SessionUser;
use crate::server::db::dashboard as db;
use chrono::{NaiveDate, TimeDelta};
use sqlx::AnyPool;

/// The dashboard for the range typed (`None` or empty: the last 12 months),
/// as of `today` and `now` (unix seconds); staff only. A bad range is
/// returned with its problem and no figures.
pub async fn dashboard(
    pool: &AnyPool,
    user: &SessionUser,
    from: Option<&str>,
    to: Option<&str>,
    today: NaiveDate,
    now: i64,
) -> Result<DashboardView, AppError> {
    if !user.role.is_staff() {
        return Err(AppError::Forbidden);
    }
    match dash::parse_range(from, to, today) {
        Err(issue) => Ok(DashboardView {
            from: from.unwrap_or_default().to_string(),
            to: to.unwrap_or_default().to_string(),
            issue: Some(issue),
            figures: None,
        }),
        Ok((from, to)) => Ok(DashboardView {
            from: iso(from),
            to: iso(to),
            issue: None,
            figures: Some(figures(pool, from, to, today, now).await?),
        }),
    }
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// Midnight UTC at the start of `d`, in unix seconds.
fn instant(d: NaiveDate) -> i64 {
    d.and_hms_opt(0, 0, 0)
        .map_or(0, |t| t.and_utc().timestamp())
}

async fn figures(
    pool: &AnyPool,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    now: i64,
) -> Result<Figures, AppError> {
    let ageing = ageing(pool, today).await?;
    let open: i64 = ageing.iter().map(|a| a.amount).sum();
    let current = ageing.first().map_or(0, |a| a.amount);
    let overdue_lines = ageing.iter().skip(1);
    let overdue: i64 = overdue_lines.clone().map(|a| a.amount).sum();
    let overdue_count: i64 = overdue_lines.map(|a| a.count).sum();
    let (start, end) = (instant(from), instant(to + TimeDelta::days(1)));
    let (in_dispute, disputes_by_age) =
        db::open_disputes(pool, [now - 8 * 86_400, now - 31 * 86_400]).await?;
    let paid = db::cash(pool, &[(start, end)])
        .await?
        .first()
        .copied()
        .unwrap_or(0);
    let mut durations = db::resolution_durations(pool, start, end).await?;
    Ok(Figures {
        open,
        overdue,
        overdue_count,
        paid,
        in_dispute,
        dso: dso(pool, from, to, today, open, current).await?,
        ageing,
        disputes_by_status: db::disputes_by_status(pool, start, end).await?,
        disputes_by_age,
        median_resolution_days: dash::median(&mut durations).map(dash::seconds_to_days),
        resolutions_by_kind: db::resolutions_by_kind(pool, start, end).await?,
        cash: cash_months(pool, to).await?,
        top_overdue: db::top_overdue(pool, &iso(today), dash::TOP_OVERDUE)
            .await?
            .into_iter()
            .map(|(id, name, amount, count)| OverdueCustomer {
                id,
                name,
                amount,
                count,
            })
            .collect(),
    })
}

async fn ageing(pool: &AnyPool, today: NaiveDate) -> Result<Vec<AgeLine>, AppError> {
    let back = |d: i64| iso(today - TimeDelta::days(d));
    let (t, d30, d60, d90) = (iso(today), back(30), back(60), back(90));
    let rows = db::ageing(pool, [&t, &d30, &d60, &d90]).await?;
    Ok(AgeBucket::ALL
        .into_iter()
        .zip(rows)
        .map(|(bucket, (amount, count))| AgeLine {
            bucket,
            amount,
            count,
        })
        .collect())
}

/// The DSO figures: count-back on today's receivables over the last three
/// months' sales; simple and best possible over the range's sales.
async fn dso(
    pool: &AnyPool,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    receivables: i64,
    current: i64,
) -> Result<Dso, AppError> {
    let periods = dash::count_back_periods(today);
    let mut ranges: Vec<(String, String)> =
        periods.iter().map(|(a, b)| (iso(*a), iso(*b))).collect();
    ranges.push((iso(from), iso(to + TimeDelta::days(1))));
    let sales = db::sales(pool, &ranges).await?;
    let months: Vec<MonthSales> = periods
        .iter()
        .zip(&sales)
        .map(|((a, b), &sales)| MonthSales {
            days: (*b - *a).num_days(),
            sales,
        })
        .collect();
    let range_sales = sales.last().copied().unwrap_or(0);
    let days = dash::days_in(from, to);
    let simple = dash::ratio_dso(receivables, range_sales, days);
    let best = dash::ratio_dso(current, range_sales, days);
    Ok(Dso {
        count_back: dash::count_back(receivables, &months),
        simple,
        best,
        delinquent: simple.zip(best).map(|(s, b)| s - b),
        sales: range_sales,
        days,
    })
}

/// Cash received in each of the 12 months ending with `to`'s month.
async fn cash_months(pool: &AnyPool, to: NaiveDate) -> Result<Vec<CashMonth>, AppError> {
    let starts = dash::cash_month_starts(to);
    let ranges: Vec<(i64, i64)> = starts
        .windows(2)
        .map(|w| (instant(w[0]), instant(w[1])))
        .collect();
    let sums = db::cash(pool, &ranges).await?;
    Ok(starts
        .iter()
        .zip(sums)
        .map(|(m, amount)| CashMonth {
            month: m.format("%Y-%m").to_string(),
            amount,
        })
        .collect())
}
