//! The staff dashboard's figures. Every sum and count is computed here, by the
//! database; boundary dates and instants are computed by the caller, so the
//! SQL compares `YYYY-MM-DD` text and unix seconds and needs no date maths.
use sqlx::{AnyPool, Row};

/// The balance of an open invoice (see `crate::model::invoice::balance`).
const OPEN_BALANCES: &str = "SELECT customer_id, due_date, \
     total_ttc - deposits - amount_paid - amount_credited AS b FROM invoices \
     WHERE kind = 'invoice' AND status IN ('issued', 'partially_paid', 'disputed')";

/// Dispute statuses that are not closed.
const OPEN_DISPUTE: &str = "status IN ('open', 'in_review', 'waiting_for_customer')";

/// Open balances by ageing bucket: `(amount, count)` per bucket, in the order
/// of `AgeBucket::ALL`. `bounds` are today, today - 30, - 60 and - 90 days.
pub async fn ageing(pool: &AnyPool, bounds: [&str; 4]) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    let cases = [
        "o.due_date IS NULL OR o.due_date >= $1",
        "o.due_date < $1 AND o.due_date >= $2",
        "o.due_date < $2 AND o.due_date >= $3",
        "o.due_date < $3 AND o.due_date >= $4",
        "o.due_date < $4",
    ];
    let cols: Vec<String> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| {
            format!(
                "CAST(COALESCE(SUM(CASE WHEN {c} THEN o.b ELSE 0 END), 0) AS BIGINT) AS a{i}, \
                 CAST(COALESCE(SUM(CASE WHEN {c} THEN 1 ELSE 0 END), 0) AS BIGINT) AS n{i}"
            )
        })
        .collect();
    let sql = format!(
        "SELECT {} FROM ({OPEN_BALANCES}) o WHERE o.b > 0",
        cols.join(", ")
    );
    let mut q = sqlx::query(&sql);
    for b in bounds {
        q = q.bind(b);
    }
    let row = q.fetch_one(pool).await?;
    (0..cases.len())
        .map(|i| {
            Ok((
                row.try_get(&*format!("a{i}"))?,
                row.try_get(&*format!("n{i}"))?,
            ))
        })
        .collect()
}

/// Sales (invoices issued, incl. VAT) in each `[start, end)` date range.
pub async fn sales(pool: &AnyPool, ranges: &[(String, String)]) -> Result<Vec<i64>, sqlx::Error> {
    sums(
        pool,
        "total_ttc",
        "issue_date",
        "FROM invoices WHERE kind = 'invoice' AND status <> 'draft'",
        ranges.iter().map(|(a, b)| (a.clone(), b.clone())),
    )
    .await
}

/// Succeeded payments in each `[start, end)` range of unix seconds. Refunds
/// and chargebacks are not subtracted: this is cash received, not net.
pub async fn cash(pool: &AnyPool, ranges: &[(i64, i64)]) -> Result<Vec<i64>, sqlx::Error> {
    sums(
        pool,
        "amount",
        "succeeded_at",
        "FROM payments WHERE status = 'succeeded'",
        ranges.iter().copied(),
    )
    .await
}

/// One `SUM(CASE ...)` column per range of `key`, over `from_where`.
async fn sums<T>(
    pool: &AnyPool,
    value: &str,
    key: &str,
    from_where: &str,
    ranges: impl Iterator<Item = (T, T)>,
) -> Result<Vec<i64>, sqlx::Error>
where
    T: for<'q> sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any> + Send + 'static,
{
    let ranges: Vec<(T, T)> = ranges.collect();
    if ranges.is_empty() {
        return Ok(Vec::new());
    }
    let cols: Vec<String> = (0..ranges.len())
        .map(|i| {
            let (lo, hi) = (2 * i + 1, 2 * i + 2);
            format!(
                "CAST(COALESCE(SUM(CASE WHEN {key} >= ${lo} AND {key} < ${hi} THEN {value} ELSE 0 END), 0) AS BIGINT) AS s{i}"
            )
        })
        .collect();
    let sql = format!("SELECT {} {from_where}", cols.join(", "));
    let mut q = sqlx::query(&sql);
    let n = ranges.len();
    for (lo, hi) in ranges {
        q = q.bind(lo).bind(hi);
    }
    let row = q.fetch_one(pool).await?;
    (0..n).map(|i| row.try_get(&*format!("s{i}"))).collect()
}

/// Not-closed disputes: the amount in dispute and the count by age, with
/// `bounds` the instants 8 and 31 days ago (0-7, 8-30, over 30 days open).
pub async fn open_disputes(
    pool: &AnyPool,
    bounds: [i64; 2],
) -> Result<(i64, [i64; 3]), sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT CAST(COALESCE(SUM(disputed_amount), 0) AS BIGINT) AS amount, \
         CAST(COALESCE(SUM(CASE WHEN created_at > $1 THEN 1 ELSE 0 END), 0) AS BIGINT) AS d0, \
         CAST(COALESCE(SUM(CASE WHEN created_at <= $1 AND created_at > $2 THEN 1 ELSE 0 END), 0) AS BIGINT) AS d1, \
         CAST(COALESCE(SUM(CASE WHEN created_at <= $2 THEN 1 ELSE 0 END), 0) AS BIGINT) AS d2 \
         FROM disputes WHERE {OPEN_DISPUTE}"
    ))
    .bind(bounds[0])
    .bind(bounds[1])
    .fetch_one(pool)
    .await?;
    Ok((
        row.try_get("amount")?,
        [row.try_get("d0")?, row.try_get("d1")?, row.try_get("d2")?],
    ))
}

/// Disputes opened in `[start, end)` (unix seconds), counted by status.
pub async fn disputes_by_status(
    pool: &AnyPool,
    start: i64,
    end: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    grouped(
        pool,
        "SELECT status AS k, COUNT(*) AS n FROM disputes \
         WHERE created_at >= $1 AND created_at < $2 GROUP BY status ORDER BY status",
        start,
        end,
    )
    .await
}

/// Disputes closed in `[start, end)` (unix seconds), counted by resolution kind.
pub async fn resolutions_by_kind(
    pool: &AnyPool,
    start: i64,
    end: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    grouped(
        pool,
        "SELECT resolution_kind AS k, COUNT(*) AS n FROM disputes \
         WHERE resolved_at >= $1 AND resolved_at < $2 AND resolution_kind IS NOT NULL \
         GROUP BY resolution_kind ORDER BY resolution_kind",
        start,
        end,
    )
    .await
}

async fn grouped(
    pool: &AnyPool,
    sql: &str,
    start: i64,
    end: i64,
) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query(sql)
        .bind(start)
        .bind(end)
        .fetch_all(pool)
        .await?
        .iter()
        .map(|r| Ok((r.try_get("k")?, r.try_get::<i64, _>("n")?)))
        .collect()
}

/// Seconds from opening to resolution of each dispute closed in `[start, end)`.
pub async fn resolution_durations(
    pool: &AnyPool,
    start: i64,
    end: i64,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query(
        "SELECT CAST(resolved_at - created_at AS BIGINT) AS s FROM disputes \
         WHERE resolved_at >= $1 AND resolved_at < $2",
    )
    .bind(start)
    .bind(end)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| r.try_get("s"))
    .collect()
}

/// The customers with the largest overdue balance (due before `today`):
/// (id, name, amount, invoices), largest first, at most `limit`.
pub async fn top_overdue(
    pool: &AnyPool,
    today: &str,
    limit: i64,
) -> Result<Vec<(i64, String, i64, i64)>, sqlx::Error> {
    sqlx::query(&format!(
        "SELECT c.id, c.name, CAST(SUM(o.b) AS BIGINT) AS amount, CAST(COUNT(*) AS BIGINT) AS n \
         FROM ({OPEN_BALANCES}) o JOIN customers c ON c.id = o.customer_id \
         WHERE o.b > 0 AND o.due_date < $1 GROUP BY c.id, c.name \
         ORDER BY amount DESC, c.id LIMIT $2"
    ))
    .bind(today)
    .bind(limit)
    .fetch_all(pool)
    .await?
    .iter()
    .map(|r| {
        Ok((
            r.try_get("id")?,
            r.try_get("name")?,
            r.try_get("amount")?,
            r.try_get("n")?,
        ))
    })
    .collect()
}
