//! The reminder job: runs the engine every interval (`REMINDERS_INTERVAL_SECS`,
//! default 15 minutes) until the database pool closes. Each run is safe to
//! repeat and to overlap with another instance's (see `engine`): a run that
//! fails is logged and the next one catches up.
use super::engine::{RunOptions, run};
use crate::server::db::Db;
use std::time::Duration;

/// Starts the job; `None` (`REMINDERS_INTERVAL_SECS=0` or `off`) starts nothing.
pub fn spawn(db: Db, every: Option<Duration>) -> Option<tokio::task::JoinHandle<()>> {
    let every = every?;
    Some(tokio::spawn(async move {
        tracing::info!(every_secs = every.as_secs(), "reminder job started");
        while !db.pool.is_closed() {
            let opts = RunOptions {
                dry_run: false,
                respect_hour: true,
            };
            match run(&db, chrono::Utc::now(), opts).await {
                Ok(r) if r.steps_queued > 0 || r.already_dealt_with > 0 => tracing::info!(
                    emails = r.emails_queued,
                    steps = r.steps_queued,
                    already = r.already_dealt_with,
                    "reminders queued"
                ),
                Ok(_) => {}
                Err(e) if db.pool.is_closed() => {
                    tracing::debug!(error = %e, "reminder job stopping")
                }
                Err(e) => {
                    tracing::warn!(error = %e, "reminder run failed; the next one catches up")
                }
            }
            tokio::time::sleep(every).await;
        }
    }))
}
