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
         billing_email, lang, created_at) VALUES ($1, 1, $2, $3, $4, 'FR', $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(c.name)
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

pub struct InvoiceInput<'a> {
    pub customer_id: i64,
    pub number: &'a str,
    pub status: &'a str,
    pub issue_date: &'a str,
    pub due_date: &'a str,
    pub total_ht: i64,
    pub total_vat: i64,
    pub amount_paid: i64,
}

pub async fn insert_invoice(pool: &AnyPool, i: &InvoiceInput<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO invoices (customer_id, kind, number, status, issue_date, due_date, currency, total_ht, \
         total_vat, total_ttc, amount_paid, amount_credited, created_at) \
         VALUES ($1, 'invoice', $2, $3, $4, $5, 'EUR', $6, $7, $8, $9, 0, $10)",
    )
    .bind(i.customer_id)
    .bind(i.number)
    .bind(i.status)
    .bind(i.issue_date)
    .bind(i.due_date)
    .bind(i.total_ht)
    .bind(i.total_vat)
    .bind(i.total_ht + i.total_vat)
    .bind(i.amount_paid)
    .bind(super::now_ts())
    .execute(pool)
    .await?;
    Ok(())
}
