//! Signing in, with throttling that never reveals whether an email exists.
use crate::error::AppError;
use crate::model::user::SessionUser;
use crate::model::validate::{check_login, normalize_email};
use crate::server::auth::verify_password;
use crate::server::db::{audit, login_attempts, now_ts, users};
use sqlx::AnyPool;

/// Failed attempts allowed per email within [`WINDOW_SECS`] before refusing.
pub const MAX_FAILURES_PER_EMAIL: i64 = 5;
/// Failed attempts allowed per client address within the window (many emails).
pub const MAX_FAILURES_PER_IP: i64 = 50;
pub const WINDOW_SECS: i64 = 15 * 60;

/// Minutes until the oldest failure leaves the window (at least one).
fn retry_after_minutes(oldest: Option<i64>, now: i64) -> i64 {
    let remaining = oldest.map(|t| t + WINDOW_SECS - now).unwrap_or(WINDOW_SECS);
    ((remaining + 59) / 60).max(1)
}

async fn check_throttle(pool: &AnyPool, email: &str, ip: &str, now: i64) -> Result<(), AppError> {
    let since = now - WINDOW_SECS;
    let (n, oldest) = login_attempts::recent_failures_for_email(pool, email, since).await?;
    if n >= MAX_FAILURES_PER_EMAIL {
        return Err(AppError::Throttled {
            retry_after_minutes: retry_after_minutes(oldest, now),
        });
    }
    let (n, oldest) = login_attempts::recent_failures_for_ip(pool, ip, since).await?;
    if n >= MAX_FAILURES_PER_IP {
        return Err(AppError::Throttled {
            retry_after_minutes: retry_after_minutes(oldest, now),
        });
    }
    Ok(())
}

/// Checks the credentials. Unknown emails, inactive accounts and wrong passwords
/// all take one argon2 verification and give the same error.
pub async fn login(
    pool: &AnyPool,
    email: &str,
    password: String,
    ip: &str,
) -> Result<SessionUser, AppError> {
    let errors = check_login(email, &password);
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let email = normalize_email(email);
    let now = now_ts();
    check_throttle(pool, &email, ip, now).await?;
    let found = users::find_by_email(pool, &email)
        .await?
        .filter(|u| u.active);
    let (hash, user) = match found {
        Some(u) => (Some(u.password_hash), Some(u.user)),
        None => (None, None),
    };
    let ok = verify_password(password, hash).await?;
    login_attempts::record(pool, &email, ip, ok, now).await?;
    match user {
        Some(user) if ok => {
            audit::record(pool, Some(user.id), "login", &email, ip).await?;
            Ok(user)
        }
        _ => {
            audit::record(pool, None, "login_failed", &email, ip).await?;
            Err(AppError::InvalidCredentials)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_retry_delay_rounds_up_to_whole_minutes() {
        assert_eq!(retry_after_minutes(Some(1000), 1000), 15);
        assert_eq!(retry_after_minutes(Some(1000), 1000 + 14 * 60 + 1), 1);
        assert_eq!(retry_after_minutes(None, 0), 15);
    }
}
