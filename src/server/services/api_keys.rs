//! API keys (create, list, revoke, authenticate) and the idempotency of the
//! API's POSTs. Secrets are 32 random bytes from the OS, base64url, after
//! `qk_live_`; only their SHA-256 is stored.
use crate::error::AppError;
use crate::model::api_key::{
    ApiKeyView, ApiScope, NewApiKey, SECRET_PREFIX, SHOWN_PREFIX_LEN, looks_like_secret,
};
use crate::server::db::{Db, api_keys, audit, now_ts};
use crate::server::services::pay_links::hash_token;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// How long a stored answer is replayed.
pub const IDEMPOTENCY_TTL_SECS: i64 = 24 * 3600;
/// A claim still unanswered after this long was left by a stopped process.
const ABANDONED_AFTER_SECS: i64 = 600;
/// `last_used_at` is written at most this often per key.
const TOUCH_EVERY_SECS: i64 = 10;

/// base64url without padding (RFC 4648 §5).
fn base64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// A fresh secret and its hash.
pub fn new_secret() -> (String, String) {
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    let secret = format!("{SECRET_PREFIX}{}", base64url(&raw));
    let hash = hash_token(&secret);
    (secret, hash)
}

/// Creates a key for an admin; returns the secret, shown once.
pub async fn create(db: &Db, key: &NewApiKey, admin: i64) -> Result<String, AppError> {
    let (secret, hash) = new_secret();
    let prefix: String = secret.chars().take(SHOWN_PREFIX_LEN).collect();
    let id = api_keys::insert(
        &db.pool,
        &key.name,
        key.scope,
        &prefix,
        &hash,
        admin,
        now_ts(),
    )
    .await?;
    audit::record(
        &db.pool,
        Some(admin),
        "api_key_created",
        &format!("api_key:{id}"),
        "",
    )
    .await?;
    Ok(secret)
}

pub async fn list(db: &Db) -> Result<Vec<ApiKeyView>, AppError> {
    Ok(api_keys::list(&db.pool).await?)
}

/// Revokes a key; an unknown or already revoked one is `NotFound`.
pub async fn revoke(db: &Db, id: i64, admin: i64) -> Result<(), AppError> {
    api_keys::revoke(&db.pool, id, now_ts())
        .await?
        .ok_or(AppError::NotFound)?;
    audit::record(
        &db.pool,
        Some(admin),
        "api_key_revoked",
        &format!("api_key:{id}"),
        "",
    )
    .await?;
    Ok(())
}

/// Who calls the API: a live key.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    pub key_id: i64,
    pub name: String,
    pub scope: ApiScope,
    /// The admin who created the key: the user the services record as the
    /// one who acted where they need a user (offline payments, customers).
    pub created_by: i64,
}

/// The caller a bearer secret stands for; `Unauthenticated` for a malformed,
/// unknown or revoked secret alike. Records the use.
pub async fn authenticate(db: &Db, secret: &str) -> Result<ApiCaller, AppError> {
    if !looks_like_secret(secret) {
        return Err(AppError::Unauthenticated);
    }
    let key = api_keys::find_live(&db.pool, &hash_token(secret))
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let now = now_ts();
    if key.last_used_at.is_none_or(|t| t <= now - TOUCH_EVERY_SECS) {
        api_keys::touch(&db.pool, key.id, now, TOUCH_EVERY_SECS).await?;
    }
    Ok(ApiCaller {
        key_id: key.id,
        name: key.name,
        scope: key.scope,
        created_by: key.created_by,
    })
}

/// An audit row for a write through the API, with the key's name.
pub async fn audit_write(
    db: &Db,
    caller: &ApiCaller,
    action: &str,
    subject: &str,
) -> Result<(), AppError> {
    audit::record_labeled(
        &db.pool,
        &format!("api_key:{}", caller.name),
        &format!("api:{action}"),
        subject,
        "",
    )
    .await?;
    Ok(())
}

/// The hash that ties an idempotency key to one request.
pub fn request_hash(key_id: i64, method: &str, path: &str, body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(key_id.to_string().as_bytes());
    h.update(b"\n");
    h.update(method.as_bytes());
    h.update(b"\n");
    h.update(path.as_bytes());
    h.update(b"\n");
    h.update(body);
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// What to do with a POST that carries an idempotency key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Idempotency {
    /// First time: run it, then [`finish`] (or [`give_back`] on a 5xx).
    Run,
    /// Answered before: replay this status, content type and body.
    Replay {
        status: u16,
        content_type: String,
        body: String,
    },
    /// The same key with another request: refused (422).
    Mismatch,
    /// The first request with this key is still running (409).
    InProgress,
}

/// Claims `idem_key` for this request, or says what was stored for it.
pub async fn begin(
    db: &Db,
    key_id: i64,
    idem_key: &str,
    hash: &str,
) -> Result<Idempotency, AppError> {
    let now = now_ts();
    for _ in 0..2 {
        if api_keys::claim(&db.pool, key_id, idem_key, hash, now).await? {
            return Ok(Idempotency::Run);
        }
        let Some(row) = api_keys::get_claim(&db.pool, key_id, idem_key).await? else {
            continue; // given back meanwhile: claim again
        };
        if row.created_at < now - IDEMPOTENCY_TTL_SECS && row.status.is_some() {
            api_keys::release(&db.pool, key_id, idem_key).await?;
            continue;
        }
        if row.status.is_none() && row.created_at < now - ABANDONED_AFTER_SECS {
            // Its process stopped while it ran: let the retry run.
            api_keys::release(&db.pool, key_id, idem_key).await?;
            continue;
        }
        if row.request_hash != hash {
            return Ok(Idempotency::Mismatch);
        }
        return Ok(match (row.status, row.body) {
            (Some(status), Some(body)) => Idempotency::Replay {
                status: u16::try_from(status).unwrap_or(500),
                content_type: row
                    .content_type
                    .unwrap_or_else(|| "application/json".into()),
                body,
            },
            _ => Idempotency::InProgress,
        });
    }
    Ok(Idempotency::InProgress)
}

/// Stores the answer of a request that [`begin`] let run.
pub async fn finish(
    db: &Db,
    key_id: i64,
    idem_key: &str,
    status: u16,
    content_type: &str,
    body: &str,
) -> Result<(), AppError> {
    api_keys::complete(
        &db.pool,
        key_id,
        idem_key,
        i64::from(status),
        body,
        content_type,
    )
    .await?;
    // Old records go as new ones come.
    api_keys::purge_before(&db.pool, now_ts() - IDEMPOTENCY_TTL_SECS).await?;
    Ok(())
}

/// Gives the key back after a failure on our side, so a retry runs again.
pub async fn give_back(db: &Db, key_id: i64, idem_key: &str) -> Result<(), AppError> {
    api_keys::release(&db.pool, key_id, idem_key).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_the_rfc_examples() {
        assert_eq!(base64url(b""), "");
        assert_eq!(base64url(b"f"), "Zg");
        assert_eq!(base64url(b"fo"), "Zm8");
        assert_eq!(base64url(b"foo"), "Zm9v");
        assert_eq!(base64url(b"foob"), "Zm9vYg");
        assert_eq!(base64url(&[0xfb, 0xff]), "-_8");
    }

    #[test]
    fn a_new_secret_has_the_shape_the_api_accepts() {
        let (secret, hash) = new_secret();
        assert!(looks_like_secret(&secret), "{secret}");
        assert_eq!(hash, hash_token(&secret));
        assert_ne!(new_secret().0, secret);
    }

    #[test]
    fn the_request_hash_changes_with_the_body_the_path_and_the_key() {
        let a = request_hash(1, "POST", "/api/v1/invoices", b"{}");
        assert_eq!(a, request_hash(1, "POST", "/api/v1/invoices", b"{}"));
        assert_ne!(a, request_hash(1, "POST", "/api/v1/invoices", b"{ }"));
        assert_ne!(a, request_hash(1, "POST", "/api/v1/customers", b"{}"));
        assert_ne!(a, request_hash(2, "POST", "/api/v1/invoices", b"{}"));
    }
}
