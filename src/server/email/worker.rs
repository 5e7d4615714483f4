//! The outbox worker: claims due messages, sends them, records the outcome.
//!
//! Delivery is at least once and, short of a crash between the SMTP server's
//! acceptance and our "sent" mark, exactly once:
//! - a claim is a compare-and-set (`status = 'pending' AND attempts = n AND
//!   due`) that counts the attempt and leases the message for [`LEASE_SECS`],
//!   so two workers or instances never send the same row at the same time;
//! - a message is marked sent only after the server accepted it; a crash
//!   before that leaves it pending, due again when its lease runs out;
//! - a failure schedules the next attempt with [`backoff_after`], and after
//!   [`MAX_ATTEMPTS`] (or a permanent refusal) the message is `failed`.
use super::transport::{Transport, TransportError, parse_from};
use crate::server::config::Secret;
use crate::server::db::outbox::{self, Due};
use crate::server::db::{Db, now_ts};
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

/// How long a claimed message stays hidden from other workers while it is sent.
pub const LEASE_SECS: i64 = 10 * 60;
/// Attempts before a message is given up as `failed`.
pub const MAX_ATTEMPTS: i64 = 8;
/// Messages claimed per round.
pub const BATCH: i64 = 20;
/// Delay before the next attempt after the 1st, 2nd, … failure; the last one repeats.
const BACKOFF_SECS: [i64; 7] = [
    60,
    5 * 60,
    30 * 60,
    2 * 3600,
    6 * 3600,
    12 * 3600,
    24 * 3600,
];
/// Pause between rounds when the outbox is empty or only holds later messages.
const POLL_INTERVAL: Duration = Duration::from_secs(5);

/// Seconds to wait after `attempts` failed attempts, or `None` to give up.
pub fn backoff_after(attempts: i64) -> Option<i64> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let index = usize::try_from(attempts.max(1) - 1)
        .unwrap_or(0)
        .min(BACKOFF_SECS.len() - 1);
    Some(BACKOFF_SECS[index])
}

/// Why a round of delivery stopped early.
#[derive(Debug, thiserror::Error)]
pub enum DrainError {
    /// The outbox could not be read or updated.
    #[error("outbox database error: {0}")]
    Db(#[from] sqlx::Error),
}

/// Where the worker sends mail (part of the server's `Config`; the module
/// table in `email/mod.rs` lists the variables).
#[derive(Clone)]
pub struct EmailConfig {
    /// `SMTP_URL`; may hold a password, so it is never shown.
    pub smtp_url: Option<Secret>,
    /// `OUTBOX_DIR`: the `.eml` folder used when there is no SMTP URL.
    pub outbox_dir: PathBuf,
    /// `MAIL_FROM`: the sender of every message.
    pub from: String,
    /// `OUTBOX_WORKER` is not `off`.
    pub worker_enabled: bool,
}

impl fmt::Debug for EmailConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EmailConfig")
            .field(
                "smtp_url",
                &self
                    .smtp_url
                    .as_ref()
                    .map(|url| crate::server::config::redact_url(url.expose())),
            )
            .field("outbox_dir", &self.outbox_dir)
            .field("from", &self.from)
            .field("worker_enabled", &self.worker_enabled)
            .finish()
    }
}

impl EmailConfig {
    /// The transport this configuration names.
    pub fn transport(&self) -> Result<Transport, TransportError> {
        let from = parse_from(&self.from)?;
        match &self.smtp_url {
            Some(url) => Transport::smtp(url.expose(), from),
            None => Ok(Transport::files(self.outbox_dir.clone(), from)),
        }
    }
}

/// Starts delivering in the background, every few seconds, until the
/// database pool is closed. A bad configuration is logged and leaves the
/// messages queued (they go out once it is fixed and the server restarted).
pub fn spawn_worker(db: Db, config: EmailConfig) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        if !config.worker_enabled {
            tracing::info!("email worker disabled (OUTBOX_WORKER=off)");
            return;
        }
        let transport = match config.transport() {
            Ok(t) => t,
            Err(e) => {
                tracing::error!(error = %e, "email worker not started: messages stay in the outbox");
                return;
            }
        };
        tracing::info!(?transport, "email worker started");
        while !db.pool.is_closed() {
            match drain_once(&db, &transport).await {
                // A full batch went out: more may be waiting, go on at once.
                Ok(sent) if sent as i64 >= BATCH => continue,
                Ok(_) => {}
                Err(e) if db.pool.is_closed() => {
                    tracing::debug!(error = %e, "email worker stopping")
                }
                Err(e) => tracing::warn!(error = %e, "email outbox round failed"),
            }
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    })
}

/// Delivers the messages due now; returns how many were sent.
pub async fn drain_once(db: &Db, transport: &Transport) -> Result<usize, DrainError> {
    drain_at(db, transport, now_ts()).await
}

/// Delivers the messages due at `now` (unix seconds); tests pass a later
/// `now` to reach a retry without waiting for it.
pub async fn drain_at(db: &Db, transport: &Transport, now: i64) -> Result<usize, DrainError> {
    let mut sent = 0;
    for due in outbox::due(&db.pool, now, BATCH).await? {
        if deliver(db, transport, due, now).await? {
            sent += 1;
        }
    }
    Ok(sent)
}

/// Claims one message in a short write transaction; `false` if another worker won.
async fn claim(db: &Db, due: Due, now: i64) -> Result<bool, sqlx::Error> {
    let mut tx = db.begin_write().await?;
    let won = outbox::claim(&mut tx, due, now, now + LEASE_SECS).await?;
    tx.commit().await?;
    Ok(won)
}

/// Claims, sends and settles one message; `true` when it was sent.
async fn deliver(db: &Db, transport: &Transport, due: Due, now: i64) -> Result<bool, sqlx::Error> {
    if !claim(db, due, now).await? {
        return Ok(false);
    }
    let attempt = due.attempts + 1;
    let Some(message) = outbox::get(&db.pool, due.id).await? else {
        return Ok(false);
    };
    let outcome = transport.send(&message).await;
    crate::server::http::metrics::email_send(if outcome.is_ok() { "sent" } else { "failed" });
    let mut tx = db.begin_write().await?;
    let settled = match &outcome {
        Ok(()) => outbox::mark_sent(&mut tx, due.id, attempt, now).await?,
        Err(e) => {
            let retry_at = if e.permanent {
                None
            } else {
                backoff_after(attempt).map(|s| now + s)
            };
            tracing::warn!(id = due.id, attempt, permanent = e.permanent, will_retry = retry_at.is_some(), error = %e.reason, "email not delivered");
            outbox::mark_failed_attempt(&mut tx, due.id, attempt, retry_at, &e.reason).await?
        }
    };
    tx.commit().await?;
    if !settled {
        // The lease ran out during a very slow send and another worker claimed it.
        tracing::warn!(
            id = due.id,
            attempt,
            "email outcome not recorded: the message was claimed again"
        );
    } else if outcome.is_ok() {
        tracing::info!(id = due.id, subject = %message.subject, "email sent");
    }
    Ok(settled && outcome.is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_one_minute_then_five_then_thirty_then_two_hours() {
        assert_eq!(backoff_after(1), Some(60));
        assert_eq!(backoff_after(2), Some(300));
        assert_eq!(backoff_after(3), Some(1800));
        assert_eq!(backoff_after(4), Some(7200));
    }

    #[test]
    fn the_longest_wait_is_a_day_and_the_last_attempt_gives_up() {
        assert_eq!(backoff_after(7), Some(86_400));
        assert_eq!(backoff_after(MAX_ATTEMPTS - 1), Some(86_400));
        assert_eq!(backoff_after(MAX_ATTEMPTS), None);
        assert_eq!(backoff_after(MAX_ATTEMPTS + 3), None);
    }

    #[test]
    fn a_nonsense_attempt_count_still_gets_the_first_delay() {
        assert_eq!(backoff_after(0), Some(60));
        assert_eq!(backoff_after(-4), Some(60));
    }

    #[test]
    fn the_smtp_password_never_appears_in_debug_output() {
        let c = EmailConfig {
            smtp_url: Some("smtps://mailer:s3cret@smtp.example.fr:465".into()),
            outbox_dir: "data/outbox".into(),
            from: "Quittance <no-reply@example.fr>".into(),
            worker_enabled: true,
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        let t = format!("{:?}", c.transport().expect("transport"));
        assert!(!t.contains("s3cret"), "{t}");
    }
}
