//! The reads of the ERP API (`/api/v1`): customers with their external id,
//! invoices, credit notes and payments listed by id (keyset pagination:
//! `id > starting_after ORDER BY id`, stable while rows are added), and the
//! external id of customers.
use crate::model::customer::CustomerInput;
use sqlx::{AnyConnection, AnyPool, Row};

/// A customer as the API shows it.
#[derive(Debug, Clone)]
pub struct CustomerRecord {
    pub id: i64,
    pub external_id: Option<String>,
    pub input: CustomerInput,
    pub created_at: i64,
}

const CUSTOMER_COLUMNS: &str = "id, external_id, name, is_business, address_line1, postal_code, city, country, siren, \
    vat_number, billing_email, lang, delivery_line1, delivery_postal_code, delivery_city, delivery_country, created_at";

fn customer(r: &sqlx::any::AnyRow) -> Result<CustomerRecord, sqlx::Error> {
    Ok(CustomerRecord {
        id: r.try_get("id")?,
        external_id: r.try_get("external_id")?,
        created_at: r.try_get("created_at")?,
        input: CustomerInput {
            name: r.try_get("name")?,
            is_business: (r.try_get::<i64, _>("is_business")? != 0).then(|| "on".to_string()),
            address_line1: r.try_get("address_line1")?,
            postal_code: r.try_get("postal_code")?,
            city: r.try_get("city")?,
            country: r.try_get("country")?,
            siren: r.try_get("siren")?,
            vat_number: r.try_get("vat_number")?,
            billing_email: r.try_get("billing_email")?,
            lang: r.try_get("lang")?,
            delivery_line1: r.try_get("delivery_line1")?,
            delivery_postal_code: r.try_get("delivery_postal_code")?,
            delivery_city: r.try_get("delivery_city")?,
            delivery_country: r.try_get("delivery_country")?,
        },
    })
}

pub async fn customer_by_id(
    pool: &AnyPool,
    id: i64,
) -> Result<Option<CustomerRecord>, sqlx::Error> {
    let sql = format!("SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id = $1");
    sqlx::query(&sql)
        .bind(id)
        .fetch_optional(pool)
        .await?
        .map(|r| customer(&r))
        .transpose()
}

/// Up to `limit` customers with an id above `after`, by id.
pub async fn customers_after(
    pool: &AnyPool,
    after: i64,
    limit: i64,
) -> Result<Vec<CustomerRecord>, sqlx::Error> {
    let sql =
        format!("SELECT {CUSTOMER_COLUMNS} FROM customers WHERE id > $1 ORDER BY id LIMIT $2");
    let rows = sqlx::query(&sql)
        .bind(after)
        .bind(limit)
        .fetch_all(pool)
        .await?;
    rows.iter().map(customer).collect()
}

pub async fn customer_id_by_external(
    conn: &mut AnyConnection,
    external_id: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query("SELECT id FROM customers WHERE external_id = $1")
        .bind(external_id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| r.try_get("id"))
        .transpose()
}

pub async fn set_external_id(
    conn: &mut AnyConnection,
    id: i64,
    external_id: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE customers SET external_id = $1 WHERE id = $2")
        .bind(external_id)
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// An invoice or credit note as the API shows it.
#[derive(Debug, Clone)]
pub struct DocRecord {
    pub id: i64,
    pub customer_id: i64,
    pub kind: String,
    pub number: Option<String>,
    pub status: String,
    pub issue_date: Option<String>,
    pub due_date: Option<String>,
    pub sale_date: Option<String>,
    pub currency: String,
    pub total_ht: i64,
    pub total_vat: i64,
    pub total_ttc: i64,
    pub deposits: i64,
    pub amount_paid: i64,
    pub amount_credited: i64,
    pub corrects_invoice_id: Option<i64>,
    pub live_links: i64,
    pub all_links: i64,
    pub created_at: i64,
}

const DOC_SELECT: &str = "SELECT i.id, i.customer_id, i.kind, i.number, i.status, i.issue_date, i.due_date, i.sale_date, \
    i.currency, i.total_ht, i.total_vat, i.total_ttc, i.deposits, i.amount_paid, i.amount_credited, \
    i.corrects_invoice_id, i.created_at, \
    (SELECT COUNT(*) FROM pay_links p WHERE p.invoice_id = i.id AND p.revoked_at IS NULL) AS live_links, \
    (SELECT COUNT(*) FROM pay_links p WHERE p.invoice_id = i.id) AS all_links \
    FROM invoices i";

fn doc(r: &sqlx::any::AnyRow) -> Result<DocRecord, sqlx::Error> {
    Ok(DocRecord {
        id: r.try_get("id")?,
        customer_id: r.try_get("customer_id")?,
        kind: r.try_get("kind")?,
        number: r.try_get("number")?,
        status: r.try_get("status")?,
        issue_date: r.try_get("issue_date")?,
        due_date: r.try_get("due_date")?,
        sale_date: r.try_get("sale_date")?,
        currency: r.try_get("currency")?,
        total_ht: r.try_get("total_ht")?,
        total_vat: r.try_get("total_vat")?,
        total_ttc: r.try_get("total_ttc")?,
        deposits: r.try_get("deposits")?,
        amount_paid: r.try_get("amount_paid")?,
        amount_credited: r.try_get("amount_credited")?,
        corrects_invoice_id: r.try_get("corrects_invoice_id")?,
        live_links: r.try_get("live_links")?,
        all_links: r.try_get("all_links")?,
        created_at: r.try_get("created_at")?,
    })
}

/// The document of this kind (`invoice`, `credit_note`) with this id.
pub async fn doc_by_id(
    pool: &AnyPool,
    kind: &str,
    id: i64,
) -> Result<Option<DocRecord>, sqlx::Error> {
    let sql = format!("{DOC_SELECT} WHERE i.id = $1 AND i.kind = $2");
    sqlx::query(&sql)
        .bind(id)
        .bind(kind)
        .fetch_optional(pool)
        .await?
        .map(|r| doc(&r))
        .transpose()
}

/// What a list of documents is narrowed to.
#[derive(Debug, Clone, Default)]
pub struct DocFilter<'a> {
    pub status: Option<&'a str>,
    pub customer_id: Option<i64>,
    /// For credit notes: those of one invoice.
    pub invoice_id: Option<i64>,
}

/// Up to `limit` documents of `kind` with an id above `after`, by id.
pub async fn docs_after(
    pool: &AnyPool,
    kind: &str,
    f: &DocFilter<'_>,
    after: i64,
    limit: i64,
) -> Result<Vec<DocRecord>, sqlx::Error> {
    let sql = format!(
        "{DOC_SELECT} WHERE i.kind = $1 AND i.id > $2 AND ($3 = '' OR i.status = $3) \
         AND ($4 = 0 OR i.customer_id = $4) AND ($5 = 0 OR i.corrects_invoice_id = $5) ORDER BY i.id LIMIT $6"
    );
    let rows = sqlx::query(&sql)
        .bind(kind)
        .bind(after)
        .bind(f.status.unwrap_or(""))
        .bind(f.customer_id.unwrap_or(0))
        .bind(f.invoice_id.unwrap_or(0))
        .bind(limit)
        .fetch_all(pool)
        .await?;
    rows.iter().map(doc).collect()
}

/// A payment as the API lists it.
#[derive(Debug, Clone)]
pub struct PaymentRecord {
    pub id: i64,
    pub invoice_id: i64,
    pub provider: String,
    pub method: String,
    pub status: String,
    pub amount: i64,
    pub currency: String,
    pub reference: String,
    pub received_on: Option<String>,
    pub created_at: i64,
}

/// Up to `limit` payments with an id above `after` (of one invoice when
/// `invoice_id` is not 0), by id.
pub async fn payments_after(
    pool: &AnyPool,
    invoice_id: i64,
    after: i64,
    limit: i64,
) -> Result<Vec<PaymentRecord>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT id, invoice_id, provider, method, status, amount, currency, reference, received_on, created_at \
         FROM payments WHERE id > $1 AND ($2 = 0 OR invoice_id = $2) ORDER BY id LIMIT $3",
    )
    .bind(after)
    .bind(invoice_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(PaymentRecord {
                id: r.try_get("id")?,
                invoice_id: r.try_get("invoice_id")?,
                provider: r.try_get("provider")?,
                method: r.try_get("method")?,
                status: r.try_get("status")?,
                amount: r.try_get("amount")?,
                currency: r.try_get("currency")?,
                reference: r.try_get("reference")?,
                received_on: r.try_get("received_on")?,
                created_at: r.try_get("created_at")?,
            })
        })
        .collect()
}
