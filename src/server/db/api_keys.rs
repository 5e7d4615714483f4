//! API keys and the idempotency records of their POSTs.
use crate::model::api_key::{ApiKeyView, ApiScope};
use sqlx::{AnyPool, Row};

/// A live key, as the API's authentication needs it.
#[derive(Debug, Clone)]
pub struct KeyRow {
    pub id: i64,
    pub name: String,
    pub scope: ApiScope,
    pub created_by: i64,
    pub last_used_at: Option<i64>,
}

fn scope_of(s: &str) -> Result<ApiScope, sqlx::Error> {
    ApiScope::parse(s).ok_or_else(|| sqlx::Error::Decode(format!("bad api key scope {s}").into()))
}

pub async fn insert(
    pool: &AnyPool,
    name: &str,
    scope: ApiScope,
    prefix: &str,
    secret_hash: &str,
    created_by: i64,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO api_keys (name, scope, prefix, secret_hash, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(name)
    .bind(scope.as_str())
    .bind(prefix)
    .bind(secret_hash)
    .bind(created_by)
    .bind(now)
    .fetch_one(pool)
    .await?
    .try_get("id")
}

/// Every key, newest first.
pub async fn list(pool: &AnyPool) -> Result<Vec<ApiKeyView>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, name, scope, prefix, created_at, last_used_at, revoked_at FROM api_keys ORDER BY id DESC",
    )
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            let scope: String = r.try_get("scope")?;
            Ok(ApiKeyView {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                scope: scope_of(&scope)?,
                prefix: r.try_get("prefix")?,
                created_at: r.try_get("created_at")?,
                last_used_at: r.try_get("last_used_at")?,
                revoked_at: r.try_get("revoked_at")?,
            })
        })
        .collect()
}

/// Revokes a key; returns its name when it was live.
pub async fn revoke(pool: &AnyPool, id: i64, now: i64) -> Result<Option<String>, sqlx::Error> {
    let row = sqlx::query(
        "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING name",
    )
    .bind(now)
    .bind(id)
    .fetch_optional(pool)
    .await?;
    row.map(|r| r.try_get("name")).transpose()
}

/// The live key whose secret has this hash.
pub async fn find_live(pool: &AnyPool, secret_hash: &str) -> Result<Option<KeyRow>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT id, name, scope, created_by, last_used_at FROM api_keys \
         WHERE secret_hash = $1 AND revoked_at IS NULL",
    )
    .bind(secret_hash)
    .fetch_optional(pool)
    .await?;
    row.map(|r| {
        let scope: String = r.try_get("scope")?;
        Ok(KeyRow {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            scope: scope_of(&scope)?,
            created_by: r.try_get("created_by")?,
            last_used_at: r.try_get("last_used_at")?,
        })
    })
    .transpose()
}

/// Records a use of the key (at most one write per `every` seconds).
pub async fn touch(pool: &AnyPool, id: i64, now: i64, every: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE api_keys SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at <= $3)",
    )
    .bind(now)
    .bind(id)
    .bind(now - every)
    .execute(pool)
    .await?;
    Ok(())
}

/// A stored idempotency record.
#[derive(Debug, Clone)]
pub struct IdemRow {
    pub request_hash: String,
    /// `None` while the first request still runs.
    pub status: Option<i64>,
    pub body: Option<String>,
    pub content_type: Option<String>,
    pub created_at: i64,
}

/// Claims (key, idempotency key) for a request; false when it is taken. Its
/// own statement (autocommit): the claim is visible to every other request
/// before the handler runs.
pub async fn claim(
    pool: &AnyPool,
    api_key_id: i64,
    idem_key: &str,
    request_hash: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let n = sqlx::query(
        "INSERT INTO api_idempotency (api_key_id, idem_key, request_hash, created_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (api_key_id, idem_key) DO NOTHING",
    )
    .bind(api_key_id)
    .bind(idem_key)
    .bind(request_hash)
    .bind(now)
    .execute(pool)
    .await?
    .rows_affected();
    Ok(n == 1)
}

pub async fn get_claim(
    pool: &AnyPool,
    api_key_id: i64,
    idem_key: &str,
) -> Result<Option<IdemRow>, sqlx::Error> {
    let row = sqlx::query(
        "SELECT request_hash, status, body, content_type, created_at FROM api_idempotency \
         WHERE api_key_id = $1 AND idem_key = $2",
    )
    .bind(api_key_id)
    .bind(idem_key)
    .fetch_optional(pool)
    .await?;
    row.map(|r| {
        Ok(IdemRow {
            request_hash: r.try_get("request_hash")?,
            status: r.try_get("status")?,
            body: r.try_get("body")?,
            content_type: r.try_get("content_type")?,
            created_at: r.try_get("created_at")?,
        })
    })
    .transpose()
}

/// Stores the first answer of a claimed request.
pub async fn complete(
    pool: &AnyPool,
    api_key_id: i64,
    idem_key: &str,
    status: i64,
    body: &str,
    content_type: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE api_idempotency SET status = $1, body = $2, content_type = $3 WHERE api_key_id = $4 AND idem_key = $5",
    )
    .bind(status)
    .bind(body)
    .bind(content_type)
    .bind(api_key_id)
    .bind(idem_key)
    .execute(pool)
    .await?;
    Ok(())
}

/// Gives a claim back (the request failed on our side: it may be retried),
/// or removes an expired record.
pub async fn release(pool: &AnyPool, api_key_id: i64, idem_key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM api_idempotency WHERE api_key_id = $1 AND idem_key = $2")
        .bind(api_key_id)
        .bind(idem_key)
        .execute(pool)
        .await?;
    Ok(())
}

/// Removes the records older than `before` (unix seconds).
pub async fn purge_before(pool: &AnyPool, before: i64) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM api_idempotency WHERE created_at < $1 AND status IS NOT NULL")
            .bind(before)
            .execute(pool)
            .await?
            .rows_affected(),
    )
}
