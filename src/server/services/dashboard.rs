//! The staff dashboard: boundary dates and instants computed here, sums and
//! counts by the database, ratios and the median by `crate::model::dashboard`.
//! Days and months start at midnight in the company's time zone (the
//! reminder settings' zone, Europe/Paris by default), not at UTC.
use crate::error::AppError;
use crate::model::dashboard::{
    self as dash, AgeBucket, AgeLine, CashMonth, DashboardView, Dso, Figures, MonthSales,
    OverdueCustomer,
};
use crate::model::user::SessionUser;
use crate::server::db::dashboard as db;
use crate::server::services::reminders::instant_at;
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

/// The company's time zone, by which days and months are cut.
struct Zone(String);

impl Zone {
    async fn of(pool: &AnyPool) -> Result<Zone, AppError> {
        let mut conn = pool.acquire().await?;
        let settings = crate::server::db::reminders::settings(&mut conn).await?;
        Ok(Zone(settings.timezone))
    }

    /// Midnight at the start of `d` in the company's zone, in unix seconds.
    fn instant(&self, d: NaiveDate) -> i64 {
        instant_at(&self.0, d, 0).timestamp()
    }
}

async fn figures(
    pool: &AnyPool,
    from: NaiveDate,
    to: NaiveDate,
    today: NaiveDate,
    now: i64,
) -> Result<Figures, AppError> {
    let zone = Zone::of(pool).await?;
    let ageing = ageing(pool, today).await?;
    let open: i64 = ageing.iter().map(|a| a.amount).sum();
    let current = ageing.first().map_or(0, |a| a.amount);
    let overdue_lines = ageing.iter().skip(1);
    let overdue: i64 = overdue_lines.clone().map(|a| a.amount).sum();
    let overdue_count: i64 = overdue_lines.map(|a| a.count).sum();
    let (start, end) = (zone.instant(from), zone.instant(to + TimeDelta::days(1)));
    let (in_dispute, disputes_by_age) =
        db::open_disputes(pool, [now - 8 * 86_400, now - 31 * 86_400]).await?;
    let received = db::cash(pool, &[(start, end)]).await?;
    let returned = db::returned(pool, &[(start, end)]).await?;
    let paid = received.iter().sum::<i64>() - returned.iter().sum::<i64>();
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
        cash: cash_months(pool, &zone, to).await?,
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

/// Cash received, money given back (refunds, chargebacks) and the net, in
/// each of the 12 months ending with `to`'s month.
async fn cash_months(
    pool: &AnyPool,
    zone: &Zone,
    to: NaiveDate,
) -> Result<Vec<CashMonth>, AppError> {
    let starts = dash::cash_month_starts(to);
    let ranges: Vec<(i64, i64)> = starts
        .windows(2)
        .map(|w| (zone.instant(w[0]), zone.instant(w[1])))
        .collect();
    let received = db::cash(pool, &ranges).await?;
    let returned = db::returned(pool, &ranges).await?;
    Ok(starts
        .iter()
        .zip(received.into_iter().zip(returned))
        .map(|(m, (received, returned))| CashMonth {
            month: m.format("%Y-%m").to_string(),
            received,
            returned,
            amount: received - returned,
        })
        .collect())
}
