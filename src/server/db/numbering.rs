//! Gapless numbering. The counter row is bumped inside the caller's transaction:
//! if the transaction rolls back, so does the number, and two transactions can
//! never read the same value (the UPDATE takes the row's write lock first).
use sqlx::{AnyConnection, Row};

/// The next number of `series` (1, 2, …), within the caller's transaction.
pub async fn next_in_series(conn: &mut AnyConnection, series: &str) -> Result<i64, sqlx::Error> {
    sqlx::query("INSERT INTO number_series (series, last_value) VALUES ($1, 0) ON CONFLICT (series) DO NOTHING")
        .bind(series)
        .execute(&mut *conn)
        .await?;
    sqlx::query("UPDATE number_series SET last_value = last_value + 1 WHERE series = $1 RETURNING last_value")
        .bind(series)
        .fetch_one(&mut *conn)
        .await?
        .try_get("last_value")
}

/// The latest issue date used in a series prefix (numbers must follow dates).
pub async fn latest_issue_date(
    conn: &mut AnyConnection,
    number_prefix: &str,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query("SELECT MAX(issue_date) AS d FROM invoices WHERE number LIKE $1")
        .bind(format!("{number_prefix}%"))
        .fetch_one(&mut *conn)
        .await?
        .try_get("d")
}
