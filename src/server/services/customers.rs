//! Customer accounts as staff manage them: search, the form, saving (with its
//! audit row in the same transaction) and inviting a contact to the portal.
use crate::error::AppError;
use crate::model::customer::{CustomerInput, CustomerRow};
use crate::server::db::{Db, audit, customers};
use crate::server::services::accounts;

/// Customers matching a search (name, email, SIREN), at most 200.
pub async fn search(db: &Db, q: &str) -> Result<Vec<CustomerRow>, AppError> {
    let q: String = q.chars().take(100).collect();
    Ok(customers::search(&db.pool, &q, 200).await?)
}

/// (id, name) of every customer, for pickers.
pub async fn options(db: &Db) -> Result<Vec<(i64, String)>, AppError> {
    Ok(customers::options(&db.pool).await?)
}

/// The stored form values of a customer, `NotFound` for an unknown one.
pub async fn form(db: &Db, id: i64) -> Result<CustomerInput, AppError> {
    customers::get_input(&db.pool, id)
        .await?
        .ok_or(AppError::NotFound)
}

/// Creates (`id` = None) or updates a validated customer, with its audit row
/// in the same transaction; returns its id.
pub async fn save(
    db: &Db,
    id: Option<i64>,
    clean: &CustomerInput,
    staff: i64,
) -> Result<i64, AppError> {
    let mut tx = db.begin_write().await?;
    let saved = customers::save(&mut *tx, id, clean).await?;
    let subject = format!("customer:{saved}");
    audit::record_in(&mut tx, Some(staff), "customer_saved", &subject).await?;
    tx.commit().await?;
    Ok(saved)
}

/// Invites a contact of a customer account, in the customer's language; the
/// invitation and its audit rows are one transaction.
pub async fn invite_contact(
    db: &Db,
    customer_id: i64,
    email: &str,
    name: &str,
    staff: i64,
) -> Result<(), AppError> {
    let lang = customers::lang(&db.pool, customer_id).await?;
    accounts::invite_contact_by(db, customer_id, email, name, lang, Some(staff)).await
}

/// Invites the customer of the invoice a pay link opens, at its billing
/// address (a contact who already has an account is not invited again).
pub async fn invite_pay_link_holder(db: &Db, invoice_id: i64) -> Result<(), AppError> {
    let (customer_id, name, email, lang) =
        crate::server::db::invoices::customer_of(&db.pool, invoice_id)
            .await?
            .ok_or(AppError::NotFound)?;
    let lang = crate::model::lang::Lang::parse(&lang).unwrap_or_default();
    match accounts::invite_contact(db, customer_id, &email, &name, lang).await {
        Ok(()) | Err(AppError::Conflict) => Ok(()),
        Err(e) => Err(e),
    }
}
