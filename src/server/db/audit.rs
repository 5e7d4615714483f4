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
pub async fn record_in(
    conn: &mut sqlx::AnyConnection,
    actor: Option<i64>,
    action: &str,
    subject: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO audit_log (at, actor_user_id, action, subject, ip) VALUES ($1, $2, $3, $4, '')")
        .bind(super::now_ts())
        .bind(actor)
        .bind(action)
        .bind(subject)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Events about one subject (an invoice number), oldest first, with the actor's name.
pub async fn for_subject(
    pool: &AnyPool,
    subject: &str,
) -> Result<Vec<(i64, String, Option<String>)>, sqlx::Error> {
    use sqlx::Row;
    let rows = sqlx::query(
        "SELECT a.at, a.action, u.display_name FROM audit_log a LEFT JOIN users u ON u.id = a.actor_user_id \
         WHERE a.subject = $1 ORDER BY a.at, a.id",
    )
    .bind(subject)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok((
                r.try_get("at")?,
                r.try_get("action")?,
                r.try_get("display_name")?,
            ))
        })
        .collect()
}
