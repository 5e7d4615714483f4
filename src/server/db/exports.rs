//! The accounting exports' SQL: rows of a date range as streams (sqlx
//! `fetch`, one row at a time, never the whole range in memory), and the
//! accounting settings (`accounting_settings`, one row).
//!
//! Ranges are `YYYY-MM-DD` text for stored dates (issue dates, the date an
//! offline payment was received) and `[start, end)` unix seconds for
//! instants, both computed by the caller.
use crate::model::export::{AccountingSettings, CreditNoteRow, InvoiceRow};
use futures::stream::{BoxStream, StreamExt};
use sqlx::any::AnyRow;
use sqlx::{AnyPool, Row};

/// A date range: `from` and `to` as text (both included), and the instants
/// of their first and next-to-last midnight (UTC).
#[derive(Debug, Clone)]
pub struct Span {
    pub from: String,
    pub to: String,
    pub start: i64,
    pub end: i64,
}

fn map_rows<'a, T: Send + 'a>(
    rows: BoxStream<'a, Result<AnyRow, sqlx::Error>>,
    f: fn(&AnyRow) -> Result<T, sqlx::Error>,
) -> BoxStream<'a, Result<T, sqlx::Error>> {
    rows.map(move |r| r.and_then(|r| f(&r))).boxed()
}

const INVOICES: &str = "SELECT i.number, i.issue_date, i.sale_date, i.due_date, c.name, c.siren, \
    c.vat_number, i.currency, i.total_ht, i.total_vat, i.total_ttc, i.deposits, i.amount_paid, \
    i.amount_credited, i.status \
    FROM invoices i JOIN customers c ON c.id = i.customer_id \
    WHERE i.kind = 'invoice' AND i.status <> 'draft' AND i.issue_date >= $1 AND i.issue_date <= $2 \
    ORDER BY i.issue_date, i.id";

fn invoice_row(r: &AnyRow) -> Result<InvoiceRow, sqlx::Error> {
    Ok(InvoiceRow {
        number: r
            .try_get::<Option<String>, _>("number")?
            .unwrap_or_default(),
        issue_date: r
            .try_get::<Option<String>, _>("issue_date")?
            .unwrap_or_default(),
        sale_date: r.try_get("sale_date")?,
        due_date: r.try_get("due_date")?,
        customer: r.try_get("name")?,
        siren: r.try_get("siren")?,
        vat_number: r.try_get("vat_number")?,
        currency: r.try_get("currency")?,
        total_ht: r.try_get("total_ht")?,
        total_vat: r.try_get("total_vat")?,
        total_ttc: r.try_get("total_ttc")?,
        deposits: r.try_get("deposits")?,
        paid: r.try_get("amount_paid")?,
        credited: r.try_get("amount_credited")?,
        status: r.try_get("status")?,
    })
}

/// Invoices issued in the range, by issue date.
pub fn invoices<'a>(
    pool: &'a AnyPool,
    span: &Span,
) -> BoxStream<'a, Result<InvoiceRow, sqlx::Error>> {
    let rows = sqlx::query(INVOICES)
        .bind(span.from.clone())
        .bind(span.to.clone())
        .fetch(pool);
    map_rows(rows, invoice_row)
}

const CREDIT_NOTES: &str = "SELECT cn.number, cn.issue_date, o.number AS corrects, c.name, \
    cn.currency, cn.total_ht, cn.total_vat, cn.total_ttc \
    FROM invoices cn JOIN customers c ON c.id = cn.customer_id \
    LEFT JOIN invoices o ON o.id = cn.corrects_invoice_id \
    WHERE cn.kind = 'credit_note' AND cn.status <> 'draft' \
      AND cn.issue_date >= $1 AND cn.issue_date <= $2 \
    ORDER BY cn.issue_date, cn.id";

fn credit_note_row(r: &AnyRow) -> Result<CreditNoteRow, sqlx::Error> {
    Ok(CreditNoteRow {
        number: r
            .try_get::<Option<String>, _>("number")?
            .unwrap_or_default(),
        issue_date: r
            .try_get::<Option<String>, _>("issue_date")?
            .unwrap_or_default(),
        corrects: r.try_get("corrects")?,
        customer: r.try_get("name")?,
        currency: r.try_get("currency")?,
        total_ht: r.try_get("total_ht")?,
        total_vat: r.try_get("total_vat")?,
        total_ttc: r.try_get("total_ttc")?,
    })
}

/// Credit notes issued in the range, by issue date.
pub fn credit_notes<'a>(
    pool: &'a AnyPool,
    span: &Span,
) -> BoxStream<'a, Result<CreditNoteRow, sqlx::Error>> {
    let rows = sqlx::query(CREDIT_NOTES)
        .bind(span.from.clone())
        .bind(span.to.clone())
        .fetch(pool);
    map_rows(rows, credit_note_row)
}

/// A succeeded payment with what was taken back from it so far.
#[derive(Debug, Clone)]
pub struct PaymentFact {
    pub received_on: Option<String>,
    pub succeeded_at: i64,
    pub invoice: String,
    pub customer_id: i64,
    pub customer: String,
    pub method: String,
    pub reference: String,
    pub amount: i64,
    pub refunded: i64,
    pub charged_back: i64,
    pub currency: String,
    pub provider: String,
}

/// A payment is in the range by the day it was received: the date staff
/// typed for an offline payment, else the day (UTC) the provider confirmed it.
const PAYMENTS: &str = "SELECT p.received_on, p.succeeded_at, i.number, i.customer_id, c.name, \
    p.method, p.reference, p.amount, p.currency, p.provider, \
    COALESCE(r.counted, 0) AS refunded, \
    CAST(COALESCE((SELECT SUM(cb.amount) FROM chargebacks cb \
      WHERE cb.provider_payment_id = p.provider_payment_id AND cb.holds_money = 1), 0) AS BIGINT) AS charged_back \
    FROM payments p JOIN invoices i ON i.id = p.invoice_id JOIN customers c ON c.id = i.customer_id \
    LEFT JOIN provider_refunds r ON r.provider_payment_id = p.provider_payment_id \
    WHERE p.status = 'succeeded' AND ( \
      (p.received_on IS NOT NULL AND p.received_on >= $1 AND p.received_on <= $2) \
      OR (p.received_on IS NULL AND p.succeeded_at >= $3 AND p.succeeded_at < $4)) \
    ORDER BY p.succeeded_at, p.id";

fn payment_fact(r: &AnyRow) -> Result<PaymentFact, sqlx::Error> {
    Ok(PaymentFact {
        received_on: r.try_get("received_on")?,
        succeeded_at: r.try_get::<Option<i64>, _>("succeeded_at")?.unwrap_or(0),
        invoice: r
            .try_get::<Option<String>, _>("number")?
            .unwrap_or_default(),
        customer_id: r.try_get("customer_id")?,
        customer: r.try_get("name")?,
        method: r.try_get("method")?,
        reference: r.try_get("reference")?,
        amount: r.try_get("amount")?,
        refunded: r.try_get("refunded")?,
        charged_back: r.try_get("charged_back")?,
        currency: r.try_get("currency")?,
        provider: r.try_get("provider")?,
    })
}

/// Payments received in the range, in the order they were recorded.
pub fn payments<'a>(
    pool: &'a AnyPool,
    span: &Span,
) -> BoxStream<'a, Result<PaymentFact, sqlx::Error>> {
    let rows = sqlx::query(PAYMENTS)
        .bind(span.from.clone())
        .bind(span.to.clone())
        .bind(span.start)
        .bind(span.end)
        .fetch(pool);
    map_rows(rows, payment_fact)
}

/// One line of an issued document, with the document's own columns
/// repeated (the rows of a document come together, in line order).
#[derive(Debug, Clone)]
pub struct SaleLine {
    pub id: i64,
    pub kind: String,
    pub number: String,
    pub issue_date: String,
    pub customer_id: i64,
    pub customer: String,
    pub currency: String,
    pub total_ht: i64,
    pub total_vat: i64,
    pub total_ttc: i64,
    /// `None` for a document without lines.
    pub quantity: Option<String>,
    pub unit_price_ht: Option<i64>,
    pub vat_rate_bp: Option<i64>,
    pub discount_pct: Option<String>,
}

const SALE_LINES: &str = "SELECT i.id, i.kind, i.number, i.issue_date, i.customer_id, c.name, \
    i.currency, i.total_ht, i.total_vat, i.total_ttc, \
    l.quantity, l.unit_price_ht, l.vat_rate_bp, l.discount_pct \
    FROM invoices i JOIN customers c ON c.id = i.customer_id \
    LEFT JOIN invoice_lines l ON l.invoice_id = i.id \
    WHERE i.status <> 'draft' AND i.issue_date >= $1 AND i.issue_date <= $2 \
    ORDER BY i.issue_date, i.id, l.position";

fn sale_line(r: &AnyRow) -> Result<SaleLine, sqlx::Error> {
    Ok(SaleLine {
        id: r.try_get("id")?,
        kind: r.try_get("kind")?,
        number: r
            .try_get::<Option<String>, _>("number")?
            .unwrap_or_default(),
        issue_date: r
            .try_get::<Option<String>, _>("issue_date")?
            .unwrap_or_default(),
        customer_id: r.try_get("customer_id")?,
        customer: r.try_get("name")?,
        currency: r.try_get("currency")?,
        total_ht: r.try_get("total_ht")?,
        total_vat: r.try_get("total_vat")?,
        total_ttc: r.try_get("total_ttc")?,
        quantity: r.try_get("quantity")?,
        unit_price_ht: r.try_get("unit_price_ht")?,
        vat_rate_bp: r.try_get("vat_rate_bp")?,
        discount_pct: r.try_get("discount_pct")?,
    })
}

/// The lines of the invoices and credit notes issued in the range, by issue
/// date and document.
pub fn sale_lines<'a>(
    pool: &'a AnyPool,
    span: &Span,
) -> BoxStream<'a, Result<SaleLine, sqlx::Error>> {
    let rows = sqlx::query(SALE_LINES)
        .bind(span.from.clone())
        .bind(span.to.clone())
        .fetch(pool);
    map_rows(rows, sale_line)
}

/// Money given back from a payment: `refund` (what the ledger counts as
/// refunded, at its last change) or `chargeback` (one that holds money, at
/// the time of its status).
#[derive(Debug, Clone)]
pub struct GivenBack {
    pub kind: String,
    pub at: i64,
    pub amount: i64,
    pub invoice: String,
    pub customer_id: i64,
    pub customer: String,
    pub currency: String,
    pub reference: String,
}

const GIVEN_BACK: &str = "SELECT g.kind, g.at, g.amount, i.number, i.customer_id, c.name, \
    p.currency, g.reference FROM ( \
      SELECT 'refund' AS kind, r.updated_at AS at, r.counted AS amount, r.provider_payment_id AS ppid, \
        r.provider_payment_id AS reference \
      FROM provider_refunds r WHERE r.counted > 0 \
      UNION ALL \
      SELECT 'chargeback' AS kind, CASE WHEN cb.status_at > 0 THEN cb.status_at ELSE cb.updated_at END AS at, \
        cb.amount AS amount, cb.provider_payment_id AS ppid, cb.provider_dispute_id AS reference \
      FROM chargebacks cb WHERE cb.holds_money = 1 \
    ) g JOIN payments p ON p.provider_payment_id = g.ppid \
    JOIN invoices i ON i.id = p.invoice_id JOIN customers c ON c.id = i.customer_id \
    WHERE g.at >= $1 AND g.at < $2 ORDER BY g.at, g.kind, g.reference";

fn given_back(r: &AnyRow) -> Result<GivenBack, sqlx::Error> {
    Ok(GivenBack {
        kind: r.try_get("kind")?,
        at: r.try_get("at")?,
        amount: r.try_get("amount")?,
        invoice: r
            .try_get::<Option<String>, _>("number")?
            .unwrap_or_default(),
        customer_id: r.try_get("customer_id")?,
        customer: r.try_get("name")?,
        currency: r.try_get("currency")?,
        reference: r.try_get("reference")?,
    })
}

/// Refunds and chargebacks dated in the range, in time order.
pub fn given_back_in<'a>(
    pool: &'a AnyPool,
    span: &Span,
) -> BoxStream<'a, Result<GivenBack, sqlx::Error>> {
    let rows = sqlx::query(GIVEN_BACK)
        .bind(span.start)
        .bind(span.end)
        .fetch(pool);
    map_rows(rows, given_back)
}

const SETTINGS_COLUMNS: &str = "customer_account, revenue_account, vat_account_2000, \
    vat_account_1000, vat_account_550, vat_account_210, bank_account, sales_journal, bank_journal";

/// The accounts and journals of the FEC (the migration's defaults until an
/// admin changes them).
pub async fn settings(pool: &AnyPool) -> Result<AccountingSettings, sqlx::Error> {
    let row = sqlx::query(&format!(
        "SELECT {SETTINGS_COLUMNS} FROM accounting_settings WHERE id = 1"
    ))
    .fetch_optional(pool)
    .await?;
    let Some(r) = row else {
        return Ok(AccountingSettings::default());
    };
    Ok(AccountingSettings {
        customer_account: r.try_get("customer_account")?,
        revenue_account: r.try_get("revenue_account")?,
        vat_account_2000: r.try_get("vat_account_2000")?,
        vat_account_1000: r.try_get("vat_account_1000")?,
        vat_account_550: r.try_get("vat_account_550")?,
        vat_account_210: r.try_get("vat_account_210")?,
        bank_account: r.try_get("bank_account")?,
        sales_journal: r.try_get("sales_journal")?,
        bank_journal: r.try_get("bank_journal")?,
    })
}

/// Writes the accounting settings (already validated).
pub async fn save_settings(
    conn: &mut sqlx::AnyConnection,
    s: &AccountingSettings,
    actor: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE accounting_settings SET customer_account = $1, revenue_account = $2, \
         vat_account_2000 = $3, vat_account_1000 = $4, vat_account_550 = $5, vat_account_210 = $6, \
         bank_account = $7, sales_journal = $8, bank_journal = $9, updated_at = $10, updated_by = $11 \
         WHERE id = 1",
    )
    .bind(&s.customer_account)
    .bind(&s.revenue_account)
    .bind(&s.vat_account_2000)
    .bind(&s.vat_account_1000)
    .bind(&s.vat_account_550)
    .bind(&s.vat_account_210)
    .bind(&s.bank_account)
    .bind(&s.sales_journal)
    .bind(&s.bank_journal)
    .bind(now)
    .bind(actor)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
