//! The audit log of security- and money-relevant events.
use sqlx::AnyPool;

pub async fn record(
    pool: &AnyPool,
    actor: Option<i64>,
    action: &str,
    subject: &str,
    ip: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO audit_log (at, actor_user_id, action, subject, ip) VALUES ($1, $2, $3, $4, $5)")
        .bind(super::now_ts())
        .bind(actor)
        .bind(action)
        .bind(subject)
        .bind(ip)
        .execute(pool)
        .await?;
    Ok(())
}

/// The same, inside the caller's transaction (the event commits with the change).
pub async fn record_in(conn: &mut sqlx::AnyConnection, actor: Option<i64>, action: &str, subject: &str) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO audit_log (at, actor_user_id, action, subject, ip) VALUES ($1, $2, $3, $4, '')")
        .bind(super::now_ts())
        .bind(actor)
        .bind(action)
        .bind(subject)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
