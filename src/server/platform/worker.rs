//! Feeds the platform connector from `lifecycle_outbox`, as the email worker
//! feeds SMTP: a status is claimed with a compare-and-set that counts the
//! attempt and leases it for [`LEASE_SECS`] (two workers or instances never
//! send it at the same time), sent, then marked sent; a failure is retried
//! later ([`retry_after`]), without end: every status must reach the
//! platform. A crash between sending and marking resends it once its lease
//! ends, with the same message id and file name.
use super::{PlatformConnector, StatusMessage};
use crate::server::db::lifecycle::{self as store, Due};
use crate::server::db::{Db, now_ts};
use std::sync::Arc;
use std::time::Duration;

pub const LEASE_SECS: i64 = 10 * 60;
pub const BATCH: i64 = 50;
const POLL_INTERVAL: Duration = Duration::from_secs(5);

/// Seconds before the next attempt after `attempts` failures: the email
/// outbox's delays, then once a day.
pub fn retry_after(attempts: i64) -> i64 {
    crate::server::email::worker::backoff_after(attempts).unwrap_or(86_400)
}

/// Starts sending in the background until the database pool is closed.
pub fn spawn(db: Db, connector: Arc<dyn PlatformConnector>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        tracing::info!(connector = connector.name(), "platform worker started");
        while !db.pool.is_closed() {
            match drain_at(&db, connector.as_ref(), now_ts()).await {
                Ok(sent) if sent as i64 >= BATCH => continue,
                Ok(_) => {}
                Err(e) if db.pool.is_closed() => {
                    tracing::debug!(error = %e, "platform worker stopping")
                }
                Err(e) => tracing::warn!(error = %e, "platform queue round failed"),
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    })
}

/// Sends the statuses due at `now`; returns how many were handed over.
pub async fn drain_at(
    db: &Db,
    connector: &dyn PlatformConnector,
    now: i64,
) -> Result<usize, sqlx::Error> {
    let mut sent = 0;
    for due in store::due(&db.pool, now, BATCH).await? {
        if deliver(db, connector, due, now).await? {
            sent += 1;
        }
    }
    Ok(sent)
}

async fn deliver(
    db: &Db,
    connector: &dyn PlatformConnector,
    due: Due,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let won = store::claim(&mut tx, due, now, now + LEASE_SECS).await?;
    tx.commit().await?;
    if !won {
        return Ok(false);
    }
    let attempt = due.attempts + 1;
    let Some(fact) = store::fact_of(&db.pool, due.status_id).await? else {
        return Ok(false);
    };
    let message = StatusMessage::from_fact(&fact);
    let outcome = connector.send(&message).await;
    let mut tx = db.begin_write().await?;
    let settled = match &outcome {
        Ok(()) => store::mark_sent(&mut tx, due.status_id, attempt, now).await?,
        Err(e) => {
            tracing::warn!(status = due.status_id, attempt, error = %e, "lifecycle status not handed to the platform");
            let reason: String = e.to_string().chars().take(500).collect();
            store::mark_failed(
                &mut tx,
                due.status_id,
                attempt,
                now + retry_after(attempt),
                &reason,
            )
            .await?
        }
    };
    tx.commit().await?;
    Ok(settled && outcome.is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_status_is_retried_after_a_minute_and_at_most_a_day_later_forever() {
        assert_eq!(retry_after(1), 60);
        assert_eq!(retry_after(8), 86_400);
        assert_eq!(retry_after(50), 86_400);
    }
}
