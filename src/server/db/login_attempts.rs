//! Sign-in attempts, kept to throttle guessing per email and per address.
use sqlx::{AnyPool, Row};

pub async fn record(
    pool: &AnyPool,
    email: &str,
    ip: &str,
    succeeded: bool,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO login_attempts (email, ip, succeeded, at) VALUES ($1, $2, $3, $4)")
        .bind(email)
        .bind(ip)
        .bind(i64::from(succeeded))
        .bind(at)
        .execute(pool)
        .await?;
    Ok(())
}

/// Failures for `email` since `since` and after its latest success, with the oldest one's time.
pub async fn recent_failures_for_email(
    pool: &AnyPool,
    email: &str,
    since: i64,
) -> Result<(i64, Option<i64>), sqlx::Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, MIN(at) AS oldest FROM login_attempts \
         WHERE email = $1 AND succeeded = 0 AND at >= $2 \
         AND at > COALESCE((SELECT MAX(at) FROM login_attempts WHERE email = $1 AND succeeded = 1), 0)",
    )
    .bind(email)
    .bind(since)
    .fetch_one(pool)
    .await?;
    Ok((row.try_get("n")?, row.try_get("oldest")?))
}

/// Failures from one client address since `since`, with the oldest one's time.
pub async fn recent_failures_for_ip(
    pool: &AnyPool,
    ip: &str,
    since: i64,
) -> Result<(i64, Option<i64>), sqlx::Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n, MIN(at) AS oldest FROM login_attempts WHERE ip = $1 AND succeeded = 0 AND at >= $2",
    )
    .bind(ip)
    .bind(since)
    .fetch_one(pool)
    .await?;
    Ok((row.try_get("n")?, row.try_get("oldest")?))
}
