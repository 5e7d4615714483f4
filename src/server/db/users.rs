//! Users (customer contacts and staff).
use crate::model::role::Role;
use crate::model::user::SessionUser;
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

/// A user row with its password hash; server-only, never serialized.
pub struct UserWithHash {
    pub user: SessionUser,
    pub password_hash: String,
    pub active: bool,
}

fn user_from_row(row: &AnyRow) -> Result<SessionUser, sqlx::Error> {
    let role: String = row.try_get("role")?;
    let role =
        Role::parse(&role).ok_or_else(|| sqlx::Error::Decode(format!("bad role {role}").into()))?;
    Ok(SessionUser {
        id: row.try_get("id")?,
        email: row.try_get("email")?,
        display_name: row.try_get("display_name")?,
        role,
        customer_id: row.try_get("customer_id")?,
    })
}

const COLUMNS: &str = "id, email, display_name, role, customer_id, password_hash, active";

/// Looks a user up by normalized email.
pub async fn find_by_email(
    pool: &AnyPool,
    email: &str,
) -> Result<Option<UserWithHash>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE email = $1");
    let row = sqlx::query(&sql).bind(email).fetch_optional(pool).await?;
    row.map(|r| {
        Ok(UserWithHash {
            user: user_from_row(&r)?,
            password_hash: r.try_get("password_hash")?,
            active: r.try_get::<i64, _>("active")? != 0,
        })
    })
    .transpose()
}

/// Loads an active user by id (the session holds only the id).
pub async fn find_active(pool: &AnyPool, id: i64) -> Result<Option<SessionUser>, sqlx::Error> {
    let sql = format!("SELECT {COLUMNS} FROM users WHERE id = $1 AND active = 1");
    let row = sqlx::query(&sql).bind(id).fetch_optional(pool).await?;
    row.map(|r| user_from_row(&r)).transpose()
}

/// Inserts a user; the email must already be normalized and the password hashed.
pub async fn insert<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    email: &str,
    password_hash: &str,
    role: Role,
    customer_id: Option<i64>,
    display_name: &str,
) -> Result<i64, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO users (email, password_hash, role, customer_id, display_name, active, created_at) \
         VALUES ($1, $2, $3, $4, $5, 1, $6) RETURNING id",
    )
    .bind(email)
    .bind(password_hash)
    .bind(role.as_str())
    .bind(customer_id)
    .bind(display_name)
    .bind(super::now_ts())
    .fetch_one(exec)
    .await?;
    row.try_get("id")
}

/// Number of users, used to tell an empty database from a seeded one.
pub async fn count(pool: &AnyPool) -> Result<i64, sqlx::Error> {
    sqlx::query("SELECT COUNT(*) AS n FROM users")
        .fetch_one(pool)
        .await?
        .try_get("n")
}

/// Staff accounts (agents and admins) with their active flag, by name.
pub async fn list_staff(pool: &AnyPool) -> Result<Vec<(SessionUser, bool)>, sqlx::Error> {
    let sql = format!(
        "SELECT {COLUMNS} FROM users WHERE role IN ('agent', 'admin') ORDER BY display_name, id"
    );
    let rows = sqlx::query(&sql).fetch_all(pool).await?;
    rows.iter()
        .map(|r| Ok((user_from_row(r)?, r.try_get::<i64, _>("active")? != 0)))
        .collect()
}

/// Changes a staff account's role and active flag (never a customer's).
pub async fn update_staff<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    id: i64,
    role: Role,
    active: bool,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE users SET role = $1, active = $2 WHERE id = $3 AND role IN ('agent', 'admin')",
    )
    .bind(role.as_str())
    .bind(i64::from(active))
    .bind(id)
    .execute(exec)
    .await?
    .rows_affected())
}
