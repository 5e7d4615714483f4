//! Password hashing and the signed-in user of a request.
//!
//! argon2id runs on the blocking pool: hashing takes tens of milliseconds of
//! CPU and would otherwise stall every request sharing the async thread.
use crate::error::AppError;
use crate::model::user::SessionUser;
use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};
use std::sync::OnceLock;
use tower_sessions::Session;

/// Session key holding the signed-in user's id.
pub const SESSION_USER_ID: &str = "uid";

/// Hashes a password with argon2id and a random salt (PHC string).
pub async fn hash_password(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(password.as_bytes(), &salt)
            .map(|h| h.to_string())
            .map_err(|e| AppError::internal("password hashing failed", e))
    })
    .await
    .map_err(|e| AppError::internal("hashing task failed", e))?
}

/// A hash of a random password, verified against when the email is unknown so
/// that a wrong email takes as long as a wrong password (no timing oracle).
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(b"no such user: this never matches", &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

/// Checks a password against a stored hash (or the dummy one when `hash` is `None`).
pub async fn verify_password(password: String, hash: Option<String>) -> Result<bool, AppError> {
    tokio::task::spawn_blocking(move || {
        let known = hash.is_some();
        let hash = hash.unwrap_or_else(|| dummy_hash().to_string());
        let parsed = match PasswordHash::new(&hash) {
            Ok(p) => p,
            Err(e) => return Err(AppError::internal("stored password hash unreadable", e)),
        };
        let ok = Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok();
        Ok(ok && known)
    })
    .await
    .map_err(|e| AppError::internal("verification task failed", e))?
}

/// The signed-in user, loaded fresh from the database (a deactivated account
/// loses access at once), or `None`.
pub async fn current_user(
    session: &Session,
    pool: &sqlx::AnyPool,
) -> Result<Option<SessionUser>, AppError> {
    let id: Option<i64> = session
        .get(SESSION_USER_ID)
        .await
        .map_err(|e| AppError::internal("session read failed", e))?;
    match id {
        Some(id) => Ok(crate::server::db::users::find_active(pool, id).await?),
        None => Ok(None),
    }
}

/// Starts an authenticated session: a new session id (no fixation), then the user id.
pub async fn sign_in(session: &Session, user_id: i64) -> Result<(), AppError> {
    session
        .cycle_id()
        .await
        .map_err(|e| AppError::internal("session cycle failed", e))?;
    session
        .insert(SESSION_USER_ID, user_id)
        .await
        .map_err(|e| AppError::internal("session write failed", e))
}

/// Ends the session and deletes it from the store.
pub async fn sign_out(session: &Session) -> Result<(), AppError> {
    session
        .flush()
        .await
        .map_err(|e| AppError::internal("session flush failed", e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_password_verifies_against_its_own_hash_only() {
        let hash = hash_password("correct horse".into()).await.expect("hash");
        assert!(hash.starts_with("$argon2id$"));
        assert!(
            verify_password("correct horse".into(), Some(hash.clone()))
                .await
                .expect("verify")
        );
        assert!(
            !verify_password("wrong".into(), Some(hash))
                .await
                .expect("verify")
        );
    }

    #[tokio::test]
    async fn an_unknown_user_never_verifies_even_with_the_dummy_password() {
        let ok = verify_password("no such user: this never matches".into(), None)
            .await
            .expect("verify");
        assert!(!ok);
    }
}
