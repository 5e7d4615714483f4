//! The staff dashboard's figures. Every sum and count is computed here, by the
//! database; boundary dates and instants are computed by the caller, so the
//! SQL compares `YYYY-MM-DD` text and unix seconds and needs no date maths.
//!
//! At scale (benches/dashboard.rs, 1,000,000 invoices) every query reads one
//! index of migration 0014 by ranges of its first column: a figure over
//! several ranges is a `UNION ALL` of one range scan each (each row read
//! once), never one scan with a `CASE` per range. The `WHERE` terms of the
//! partial indexes are repeated here word for word ([`OPEN`], [`SALES`]).
use sqlx::{AnyPool, Row};

/// An open invoice (the `invoices_dashboard_open` index).
const OPEN: &str = "kind = 'invoice' AND status IN ('issued', 'partially_paid', 'disputed')";

/// An issued invoice (the `invoices_dashboard_sales` index).
const SALES: &str = "kind = 'invoice' AND status <> 'draft'";

/// The balance of an open invoice (see `crate::model::invoice::balance`).
const BALANCE: &str = "total_ttc - deposits - amount_paid - amount_credited";

/// Dispute statuses that are not closed.
const OPEN_DISPUTE: &str = "status IN ('open', 'in_review', 'waiting_for_customer')";

/// Open balances by ageing bucket: `(amount, count)` per bucket, in the order
/// of `AgeBucket::ALL`. `bounds` are today, today - 30, - 60 and - 90 days.
pub async fn ageing(pool: &AnyPool, bounds: [&str; 4]) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    // Bucket 0 (not due) is two ranges: due later, and no due date.
    let due = [
        (0, "due_date >= $1"),
        (0, "due_date IS NULL"),
        (1, "due_date < $1 AND due_date >= $2"),
        (2, "due_date < $2 AND due_date >= $3"),
        (3, "due_date < $3 AND due_date >= $4"),
        (4, "due_date < $4"),
    ];
    let branches: Vec<String> = due
        .iter()
        .map(|(i, d)| {
            format!(
                "SELECT CAST({i} AS BIGINT) AS i, CAST(COALESCE(SUM(b), 0) AS BIGINT) AS a, \
                 CAST(COUNT(*) AS BIGINT) AS n FROM (SELECT {BALANCE} AS b FROM invoices \
                 WHERE {OPEN} AND {d}) o WHERE b > 0"
            )
        })
        .collect();
    let sql = branches.join(" UNION ALL ");
    let mut q = sqlx::query_as::<_, (i64, i64, i64)>(&sql);
    for b in bounds {
        q = q.bind(b);
    }
    let mut out = vec![(0, 0); 5];
    for (i, a, n) in q.fetch_all(pool).await? {
        if let Some(slot) = usize::try_from(i).ok().and_then(|i| out.get_mut(i)) {
            *slot = (slot.0 + a, slot.1 + n);
        }
    }
    Ok(out)
}

/// Sales (invoices issued, incl. VAT) in each `[start, end)` date range.
pub async fn sales(pool: &AnyPool, ranges: &[(String, String)]) -> Result<Vec<i64>, sqlx::Error> {
    let from_where = format!("FROM invoices WHERE {SALES}");
    sums(
        pool,
        "total_ttc",
        "issue_date",
        &from_where,
        ranges.to_vec(),
    )
    .await
}

/// Succeeded payments in each `[start, end)` range of unix seconds, gross.
pub async fn cash(pool: &AnyPool, ranges: &[(i64, i64)]) -> Result<Vec<i64>, sqlx::Error> {
    let from_where = "FROM payments WHERE status = 'succeeded'";
    sums(pool, "amount", "succeeded_at", from_where, ranges.to_vec()).await
}

/// Money given back on succeeded payments in each `[start, end)` range of
/// unix seconds, as the ledger counts it: refunds (`provider_refunds.counted`,
/// the provider's cumulative amount, dated by its last change) and
/// chargebacks that hold money (dated by their last change).
pub async fn returned(pool: &AnyPool, ranges: &[(i64, i64)]) -> Result<Vec<i64>, sqlx::Error> {
    let paid = "EXISTS (SELECT 1 FROM payments p WHERE p.provider_payment_id = x.provider_payment_id \
                AND p.status = 'succeeded')";
    let refunds = format!("FROM provider_refunds x WHERE x.counted > 0 AND {paid}");
    let refunds = sums(pool, "x.counted", "x.updated_at", &refunds, ranges.to_vec()).await?;
    let chargebacks = format!("FROM chargebacks x WHERE x.holds_money = 1 AND {paid}");
    let chargebacks = sums(
        pool,
        "x.amount",
        "x.updated_at",
        &chargebacks,
        ranges.to_vec(),
    )
    .await?;
    Ok(refunds
        .iter()
        .zip(chargebacks)
        .map(|(r, c)| r + c)
        .collect())
}

/// The sum of `value` over `from_where` (a `FROM … WHERE …`) for each range
/// of `key`: one branch, so one index range scan, per range.
async fn sums<T>(
    pool: &AnyPool,
    value: &str,
    key: &str,
    from_where: &str,
    ranges: Vec<(T, T)>,
) -> Result<Vec<i64>, sqlx::Error>
where
    T: for<'q> sqlx::Encode<'q, sqlx::Any> + sqlx::Type<sqlx::Any> + Send + 'static,
{
    if ranges.is_empty() {
        return Ok(Vec::new());
    }
    let branches: Vec<String> = (0..ranges.len())
        .map(|i| {
            let (lo, hi) = (2 * i + 1, 2 * i + 2);
            format!(
                "SELECT CAST({i} AS BIGINT) AS i, CAST(COALESCE(SUM({value}), 0) AS BIGINT) AS s \
                 {from_where} AND {key} >= ${lo} AND {key} < ${hi}"
            )
        })
        .collect();
    let sql = branches.join(" UNION ALL ");
    let mut q = sqlx::query_as::<_, (i64, i64)>(&sql);
    let n = ranges.len();
    for (lo, hi) in ranges {
        q = q.bind(lo).bind(hi);
    }
    let mut out = vec![0; n];
    for (i, s) in q.fetch_all(pool).await? {
        if let Some(slot) = usize::try_from(i).ok().and_then(|i| out.get_mut(i)) {
            *slot = s;
        }
    }
    Ok(out)
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
    // Summed per customer first; only the ten rows found are joined to names.
    sqlx::query(&format!(
        "SELECT c.id, c.name, t.amount, t.n FROM (\
         SELECT customer_id, CAST(SUM(b) AS BIGINT) AS amount, CAST(COUNT(*) AS BIGINT) AS n FROM (\
         SELECT customer_id, {BALANCE} AS b FROM invoices WHERE {OPEN} AND due_date < $1) o \
         WHERE b > 0 GROUP BY customer_id ORDER BY amount DESC, customer_id LIMIT $2) t \
         JOIN customers c ON c.id = t.customer_id ORDER BY t.amount DESC, c.id"
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
