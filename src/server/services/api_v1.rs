//! What the ERP API (`/api/v1`) needs beyond the services the pages use:
//! customers known by the ERP's own id, and the API's lists. Writes of
//! invoices, credit notes and payments go through `invoicing` and
//! `payments` as the pages' do.
use crate::error::AppError;
use crate::model::customer::CustomerInput;
use crate::model::validate::{FieldErrors, FieldProblem};
use crate::server::db::api_v1::{self, CustomerRecord, DocFilter, DocRecord, PaymentRecord};
use crate::server::db::{Db, audit, customers};

/// The most rows one page of a list holds.
pub const MAX_LIMIT: i64 = 100;
pub const DEFAULT_LIMIT: i64 = 20;

/// An external id: 1 to 100 characters among letters, digits and `._:-`.
pub fn check_external_id(s: &str) -> Result<(), FieldProblem> {
    if s.is_empty() {
        return Err(FieldProblem::Required);
    }
    if s.chars().count() > 100 {
        return Err(FieldProblem::TooLong);
    }
    if !s
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
    {
        return Err(FieldProblem::OutOfRange);
    }
    Ok(())
}

/// Where a save goes.
#[derive(Debug, Clone, Copy)]
pub enum CustomerTarget<'a> {
    /// A new customer, with the ERP's id when given (taken: `Conflict`).
    New(Option<&'a str>),
    /// An existing customer (unknown: `NotFound`).
    Id(i64),
    /// The customer with this external id, created when there is none.
    External(&'a str),
}

/// Saves a validated customer (the same `db::customers::save` as the staff
/// form, with its audit row in the same transaction); returns its id and
/// whether it was created.
pub async fn save_customer(
    db: &Db,
    target: CustomerTarget<'_>,
    clean: &CustomerInput,
    actor: i64,
) -> Result<(i64, bool), AppError> {
    let external = match target {
        CustomerTarget::New(e) => e,
        CustomerTarget::External(e) => Some(e),
        CustomerTarget::Id(_) => None,
    };
    if let Some(e) = external
        && let Err(p) = check_external_id(e)
    {
        let mut errors = FieldErrors::default();
        errors.add("external_id", p);
        return Err(AppError::Validation(errors));
    }
    let mut tx = db.begin_write().await?;
    let existing = match target {
        CustomerTarget::New(None) => None,
        CustomerTarget::New(Some(e)) => {
            if api_v1::customer_id_by_external(&mut tx, e).await?.is_some() {
                return Err(AppError::Conflict);
            }
            None
        }
        CustomerTarget::Id(id) => {
            customers::get_input(&db.pool, id)
                .await?
                .ok_or(AppError::NotFound)?;
            Some(id)
        }
        CustomerTarget::External(e) => api_v1::customer_id_by_external(&mut tx, e).await?,
    };
    let saved = customers::save(&mut *tx, existing, clean).await?;
    if existing.is_none() && external.is_some() {
        // Two first upserts of one id at once: the unique index refuses the second.
        api_v1::set_external_id(&mut tx, saved, external)
            .await
            .map_err(|e| match &e {
                sqlx::Error::Database(d) if d.is_unique_violation() => AppError::Conflict,
                _ => AppError::from(e),
            })?;
    }
    audit::record_in(
        &mut tx,
        Some(actor),
        "customer_saved",
        &format!("customer:{saved}"),
    )
    .await?;
    tx.commit().await?;
    Ok((saved, existing.is_none()))
}

pub async fn customer(db: &Db, id: i64) -> Result<CustomerRecord, AppError> {
    api_v1::customer_by_id(&db.pool, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// A page size asked for: 1 to [`MAX_LIMIT`], [`DEFAULT_LIMIT`] when not given.
pub fn limit(asked: Option<i64>) -> Result<i64, AppError> {
    match asked {
        None => Ok(DEFAULT_LIMIT),
        Some(n) if (1..=MAX_LIMIT).contains(&n) => Ok(n),
        Some(_) => {
            let mut e = FieldErrors::default();
            e.add("limit", FieldProblem::OutOfRange);
            Err(AppError::Validation(e))
        }
    }
}

/// One page of customers after `after`, and whether more follow.
pub async fn customers_page(
    db: &Db,
    after: i64,
    limit: i64,
) -> Result<(Vec<CustomerRecord>, bool), AppError> {
    let mut rows = api_v1::customers_after(&db.pool, after, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

/// The document of `kind` with this id (a credit note is not an invoice).
pub async fn doc(db: &Db, kind: &str, id: i64) -> Result<DocRecord, AppError> {
    api_v1::doc_by_id(&db.pool, kind, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The lines of a document.
pub async fn lines(db: &Db, id: i64) -> Result<Vec<crate::model::document::DocLine>, AppError> {
    let mut conn = db.pool.acquire().await?;
    Ok(crate::server::db::invoices::lines(&mut conn, id).await?)
}

/// One page of documents of `kind` after `after`, and whether more follow.
pub async fn docs_page(
    db: &Db,
    kind: &str,
    filter: &DocFilter<'_>,
    after: i64,
    limit: i64,
) -> Result<(Vec<DocRecord>, bool), AppError> {
    let mut rows = api_v1::docs_after(&db.pool, kind, filter, after, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

/// One page of payments after `after` (of one invoice when not 0).
pub async fn payments_page(
    db: &Db,
    invoice_id: i64,
    after: i64,
    limit: i64,
) -> Result<(Vec<PaymentRecord>, bool), AppError> {
    let mut rows = api_v1::payments_after(&db.pool, invoice_id, after, limit + 1).await?;
    let more = rows.len() as i64 > limit;
    rows.truncate(limit as usize);
    Ok((rows, more))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn external_ids_are_short_plain_strings() {
        assert!(check_external_id("ERP-42:a_b.c").is_ok());
        assert_eq!(check_external_id(""), Err(FieldProblem::Required));
        assert_eq!(check_external_id("a b"), Err(FieldProblem::OutOfRange));
        assert_eq!(check_external_id("é"), Err(FieldProblem::OutOfRange));
        assert_eq!(
            check_external_id(&"x".repeat(101)),
            Err(FieldProblem::TooLong)
        );
    }
}
