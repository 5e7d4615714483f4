//! Single-use links of accounts by email: invitations and password resets.
//! Only a SHA-256 of each token is stored. Using a token is one conditional
//! update (unused, unexpired), so two concurrent uses cannot both succeed.
use crate::model::role::Role;
use sqlx::{AnyConnection, AnyPool, Row};

/// What a token is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Invite,
    Reset,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::Invite => "invite",
            Purpose::Reset => "reset",
        }
    }
}

/// A token to store.
#[derive(Debug, Clone)]
pub struct NewToken<'a> {
    pub purpose: Purpose,
    pub user_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub email: &'a str,
    pub display_name: &'a str,
    pub token_hash: &'a str,
    pub expires_at: i64,
}

pub async fn insert(
    conn: &mut AnyConnection,
    t: &NewToken<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO account_tokens (user_id, customer_id, email, display_name, purpose, token_hash, expires_at, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(t.user_id)
    .bind(t.customer_id)
    .bind(t.email)
    .bind(t.display_name)
    .bind(t.purpose.as_str())
    .bind(t.token_hash)
    .bind(t.expires_at)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")
}

/// What a used token carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsedToken {
    pub user_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub email: String,
    pub display_name: String,
}

/// Marks a live token (this purpose, unused, unexpired) as used and returns
/// what it carries; `None` for an unknown, used or expired token.
pub async fn use_token(
    conn: &mut AnyConnection,
    purpose: Purpose,
    token_hash: &str,
    now: i64,
) -> Result<Option<UsedToken>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE account_tokens SET used_at = $1 \
         WHERE token_hash = $2 AND purpose = $3 AND used_at IS NULL AND expires_at > $1 \
         RETURNING user_id, customer_id, email, display_name",
    )
    .bind(now)
    .bind(token_hash)
    .bind(purpose.as_str())
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| {
        Ok(UsedToken {
            user_id: r.try_get("user_id")?,
            customer_id: r.try_get("customer_id")?,
            email: r.try_get("email")?,
            display_name: r.try_get("display_name")?,
        })
    })
    .transpose()
}

/// The email of a live token, without using it (to show the form or a "link
/// expired" page).
pub async fn live_email(
    pool: &AnyPool,
    purpose: Purpose,
    token_hash: &str,
    now: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT email FROM account_tokens WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
    )
    .bind(token_hash)
    .bind(purpose.as_str())
    .bind(now)
    .fetch_optional(pool)
    .await?;
    row.map(|r| r.try_get("email")).transpose()
}

/// Retires every unused reset token of a user (after a reset, or a new one).
pub async fn retire_resets_of_user(
    conn: &mut AnyConnection,
    user_id: i64,
    now: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query("UPDATE account_tokens SET used_at = $1 WHERE user_id = $2 AND purpose = 'reset' AND used_at IS NULL")
        .bind(now)
        .bind(user_id)
        .execute(&mut *conn)
        .await?
        .rows_affected())
}

/// Retires the unused invitations of an email to a customer account (when a
/// newer invitation replaces them).
pub async fn retire_invites(
    conn: &mut AnyConnection,
    customer_id: i64,
    email: &str,
    now: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE account_tokens SET used_at = $1 WHERE customer_id = $2 AND email = $3 AND purpose = 'invite' AND used_at IS NULL",
    )
    .bind(now)
    .bind(customer_id)
    .bind(email)
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

// The two user writes below belong with `users`, but must run inside the
// token's transaction, and `users` only offers pool-level queries.

/// Creates a user inside the caller's transaction; the email must already be
/// normalized and the password hashed.
pub async fn insert_user_in(
    conn: &mut AnyConnection,
    email: &str,
    password_hash: &str,
    role: Role,
    customer_id: Option<i64>,
    display_name: &str,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO users (email, password_hash, role, customer_id, display_name, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, 1, $6) RETURNING id",
    )
    .bind(email)
    .bind(password_hash)
    .bind(role.as_str())
    .bind(customer_id)
    .bind(display_name)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")
}

/// Replaces the password hash of an active user; `false` if there is none.
pub async fn set_password_in(
    conn: &mut AnyConnection,
    user_id: i64,
    password_hash: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2 AND active = 1")
        .bind(password_hash)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether a user already has this (normalized) email.
pub async fn email_taken(conn: &mut AnyConnection, email: &str) -> Result<bool, sqlx::Error> {
    let row = sqlx::query("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_optional(&mut *conn)
        .await?;
    Ok(row.is_some())
}
