//! Inserts used by the demo seed (and by tests that need data).
use sqlx::{AnyPool, Row};

pub struct CompanyInput<'a> {
    pub legal_name: &'a str,
    pub legal_form: &'a str,
    pub share_capital_minor: i64,
    pub address_line1: &'a str,
    pub postal_code: &'a str,
    pub city: &'a str,
    pub siren: &'a str,
    pub siret: &'a str,
    pub rcs_city: &'a str,
    pub vat_number: &'a str,
    pub iban: &'a str,
    pub bic: &'a str,
}

pub async fn insert_company(pool: &AnyPool, c: &CompanyInput<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO company (id, legal_name, legal_form, share_capital_minor, address_line1, postal_code, city, \
         country, siren, siret, rcs_city, vat_number, iban, bic, early_discount_terms, created_at) \
         VALUES (1, $1, $2, $3, $4, $5, $6, 'FR', $7, $8, $9, $10, $11, $12, '', $13)",
    )
    .bind(c.legal_name)
    .bind(c.legal_form)
    .bind(c.share_capital_minor)
    .bind(c.address_line1)
    .bind(c.postal_code)
    .bind(c.city)
    .bind(c.siren)
    .bind(c.siret)
    .bind(c.rcs_city)
    .bind(c.vat_number)
    .bind(c.iban)
    .bind(c.bic)
    .bind(super::now_ts())
    .execute(pool)
    .await?;
    Ok(())
}

pub struct CustomerInput<'a> {
    pub name: &'a str,
    pub is_business: bool,
    pub address_line1: &'a str,
    pub postal_code: &'a str,
    pub city: &'a str,
    pub siren: &'a str,
    pub vat_number: &'a str,
    pub billing_email: &'a str,
    pub lang: &'a str,
}

pub async fn insert_customer(pool: &AnyPool, c: &CustomerInput<'_>) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO customers (name, is_business, address_line1, postal_code, city, country, siren, vat_number, \
         billing_email, lang, created_at) VALUES ($1, $2, $3, $4, $5, 'FR', $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(c.name)
    .bind(i64::from(c.is_business))
    .bind(c.address_line1)
    .bind(c.postal_code)
    .bind(c.city)
    .bind(c.siren)
    .bind(c.vat_number)
    .bind(c.billing_email)
    .bind(c.lang)
    .bind(super::now_ts())
    .fetch_one(pool)
    .await?
    .try_get("id")
}

/// Gives a customer a delivery address other than its billing one.
pub async fn set_delivery(
    pool: &AnyPool,
    customer_id: i64,
    d: &crate::model::document::Address,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE customers SET delivery_line1 = $1, delivery_postal_code = $2, delivery_city = $3, \
         delivery_country = $4 WHERE id = $5",
    )
    .bind(&d.line1)
    .bind(&d.postal_code)
    .bind(&d.city)
    .bind(&d.country)
    .bind(customer_id)
    .execute(pool)
    .await?;
    Ok(())
}

/// Sets the company's 2026 mentions: its category of operation and whether
/// it opted to pay VAT on debits.
pub async fn set_company_mentions(
    pool: &AnyPool,
    operation: crate::model::document::OperationCategory,
    vat_on_debits: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE company SET operation_category = $1, vat_on_debits = $2 WHERE id = 1")
        .bind(operation.as_str())
        .bind(i64::from(vat_on_debits))
        .execute(pool)
        .await?;
    Ok(())
}
