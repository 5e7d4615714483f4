//! Pay links: a random 256-bit token per invoice, given out once and stored as
//! a SHA-256 hash, revocable, expiring some days after the invoice is paid.
use crate::error::AppError;
use crate::server::db::{Db, audit, now_ts, pay_links};
use rand::RngCore;
use sha2::{Digest, Sha256};

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of a token, as stored.
pub fn hash_token(token: &str) -> String {
    hex(&Sha256::digest(token.as_bytes()))
}

/// A fresh token (64 hex characters, 256 bits from the OS) and its hash.
pub fn new_token() -> (String, String) {
    let mut raw = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut raw);
    let token = hex(&raw);
    let hash = hash_token(&token);
    (token, hash)
}

/// The invoice a token opens, or `NotFound` for an unknown, revoked or expired
/// token (all three look the same from outside). A link expires
/// `days_after_paid` days after its invoice is paid (`Config::pay_link_days_after_paid`).
pub async fn resolve(db: &Db, token: &str, days_after_paid: i64) -> Result<i64, AppError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(AppError::NotFound);
    }
    let (invoice_id, paid_at) = pay_links::find_live(&db.pool, &hash_token(token))
        .await?
        .ok_or(AppError::NotFound)?;
    if paid_at.is_some_and(|paid| now_ts() > paid + days_after_paid * 86_400) {
        return Err(AppError::NotFound);
    }
    Ok(invoice_id)
}

/// Revokes the invoice's links and returns a new token (staff "re-issue").
pub async fn reissue(db: &Db, invoice_id: i64) -> Result<String, AppError> {
    reissue_by(db, invoice_id, None).await
}

/// [`reissue`] by a staff member, recorded in the audit log in the same
/// transaction.
pub async fn reissue_by(db: &Db, invoice_id: i64, staff: Option<i64>) -> Result<String, AppError> {
    let mut tx = db.begin_write().await?;
    pay_links::revoke_all(&mut tx, invoice_id, now_ts()).await?;
    let (token, hash) = new_token();
    pay_links::insert(&mut tx, invoice_id, &hash, now_ts()).await?;
    if let Some(staff) = staff {
        let subject = format!("draft:{invoice_id}");
        audit::record_in(&mut tx, Some(staff), "pay_link_reissued", &subject).await?;
    }
    tx.commit().await?;
    Ok(token)
}

/// Revokes every link of an invoice.
pub async fn revoke(db: &Db, invoice_id: i64) -> Result<(), AppError> {
    revoke_by(db, invoice_id, None).await
}

/// [`revoke`] by a staff member, recorded in the audit log in the same
/// transaction.
pub async fn revoke_by(db: &Db, invoice_id: i64, staff: Option<i64>) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    pay_links::revoke_all(&mut tx, invoice_id, now_ts()).await?;
    if let Some(staff) = staff {
        let subject = format!("draft:{invoice_id}");
        audit::record_in(&mut tx, Some(staff), "pay_link_revoked", &subject).await?;
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_carry_256_bits_and_are_stored_only_as_a_hash() {
        let (t1, h1) = new_token();
        let (t2, _) = new_token();
        assert_eq!(t1.len(), 64);
        assert_ne!(t1, t2);
        assert_eq!(h1, hash_token(&t1));
        assert_ne!(h1, t1);
    }
}
