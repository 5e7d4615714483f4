//! Invoice queries.
use crate::model::invoice::InvoiceStatus;
use sqlx::{AnyPool, Row};

/// A stored invoice as the list needs it, before status derivation.
pub struct InvoiceRow {
    pub number: String,
    pub status: InvoiceStatus,
    pub issue_date: String,
    pub due_date: String,
    pub currency: String,
    pub total_ttc: i64,
    pub amount_paid: i64,
    pub amount_credited: i64,
}

/// The issued invoices of one customer (never drafts, never credit notes), newest first.
pub async fn list_for_customer(
    pool: &AnyPool,
    customer_id: i64,
    limit: i64,
) -> Result<Vec<InvoiceRow>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT number, status, issue_date, due_date, currency, total_ttc, amount_paid, amount_credited \
         FROM invoices WHERE customer_id = $1 AND kind = 'invoice' AND status <> 'draft' \
         ORDER BY issue_date DESC, id DESC LIMIT $2",
    )
    .bind(customer_id)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter()
        .map(|r| {
            let status: String = r.try_get("status")?;
            Ok(InvoiceRow {
                number: r.try_get("number")?,
                status: InvoiceStatus::parse(&status)
                    .ok_or_else(|| sqlx::Error::Decode(format!("bad status {status}").into()))?,
                issue_date: r.try_get("issue_date")?,
                due_date: r.try_get("due_date")?,
                currency: r.try_get("currency")?,
                total_ttc: r.try_get("total_ttc")?,
                amount_paid: r.try_get("amount_paid")?,
                amount_credited: r.try_get("amount_credited")?,
            })
        })
        .collect()
}

/// Figures for the staff home: open invoices, overdue ones, and the outstanding amount.
pub struct StaffFigures {
    pub open_count: i64,
    pub overdue_count: i64,
    pub outstanding: i64,
    pub customers: i64,
}

pub async fn staff_figures(pool: &AnyPool, today: &str) -> Result<StaffFigures, sqlx::Error> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS open_count, \
         COALESCE(SUM(CASE WHEN due_date < $1 THEN 1 ELSE 0 END), 0) AS overdue_count, \
         CAST(COALESCE(SUM(total_ttc - deposits - amount_paid - amount_credited), 0) AS BIGINT) AS outstanding \
         FROM invoices WHERE kind = 'invoice' AND status IN ('issued', 'partially_paid', 'disputed')",
    )
    .bind(today)
    .fetch_one(pool)
    .await?;
    let customers: i64 = sqlx::query("SELECT COUNT(*) AS n FROM customers")
        .fetch_one(pool)
        .await?
        .try_get("n")?;
    Ok(StaffFigures {
        open_count: row.try_get("open_count")?,
        overdue_count: row.try_get("overdue_count")?,
        outstanding: row.try_get("outstanding")?,
        customers,
    })
}

/// A whole invoice row.
#[derive(Debug, Clone)]
pub struct InvoiceRecord {
    pub id: i64,
    pub customer_id: i64,
    pub kind: String,
    pub number: Option<String>,
    pub status: InvoiceStatus,
    pub issue_date: Option<String>,
    pub due_date: Option<String>,
    pub sale_date: Option<String>,
    pub currency: String,
    pub total_ht: i64,
    pub total_vat: i64,
    pub total_ttc: i64,
    pub amount_paid: i64,
    pub amount_credited: i64,
    pub deposits: i64,
    pub corrects_invoice_id: Option<i64>,
    pub snapshot: Option<String>,
    pub paid_at: Option<i64>,
}

const RECORD_COLUMNS: &str = "id, customer_id, kind, number, status, issue_date, due_date, sale_date, currency, \
    total_ht, total_vat, total_ttc, amount_paid, amount_credited, deposits, corrects_invoice_id, snapshot, paid_at";

fn record(r: &sqlx::any::AnyRow) -> Result<InvoiceRecord, sqlx::Error> {
    let status: String = r.try_get("status")?;
    Ok(InvoiceRecord {
        id: r.try_get("id")?,
        customer_id: r.try_get("customer_id")?,
        kind: r.try_get("kind")?,
        number: r.try_get("number")?,
        status: InvoiceStatus::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode(format!("bad status {status}").into()))?,
        issue_date: r.try_get("issue_date")?,
        due_date: r.try_get("due_date")?,
        sale_date: r.try_get("sale_date")?,
        currency: r.try_get("currency")?,
        total_ht: r.try_get("total_ht")?,
        total_vat: r.try_get("total_vat")?,
        total_ttc: r.try_get("total_ttc")?,
        amount_paid: r.try_get("amount_paid")?,
        amount_credited: r.try_get("amount_credited")?,
        deposits: r.try_get("deposits")?,
        corrects_invoice_id: r.try_get("corrects_invoice_id")?,
        snapshot: r.try_get("snapshot")?,
        paid_at: r.try_get("paid_at")?,
    })
}

pub async fn get(
    conn: &mut sqlx::AnyConnection,
    id: i64,
) -> Result<Option<InvoiceRecord>, sqlx::Error> {
    let sql = format!("SELECT {RECORD_COLUMNS} FROM invoices WHERE id = $1");
    sqlx::query(&sql)
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| record(&r))
        .transpose()
}

pub async fn get_by_number(
    pool: &AnyPool,
    number: &str,
) -> Result<Option<InvoiceRecord>, sqlx::Error> {
    let sql = format!("SELECT {RECORD_COLUMNS} FROM invoices WHERE number = $1");
    sqlx::query(&sql)
        .bind(number)
        .fetch_optional(pool)
        .await?
        .map(|r| record(&r))
        .transpose()
}

/// What a new draft (or credit note before issue) holds.
pub struct NewDraft<'a> {
    pub customer_id: i64,
    pub kind: &'a str,
    pub currency: &'a str,
    pub sale_date: &'a str,
    pub due_date: Option<&'a str>,
    pub totals: &'a crate::model::vat::Totals,
    pub corrects_invoice_id: Option<i64>,
    /// Deposits already paid, incl. VAT, minor units.
    pub deposits: i64,
    /// For the new draft of a corrected invoice: the invoice it replaces.
    pub replaces_invoice_id: Option<i64>,
}

pub async fn insert_draft(
    conn: &mut sqlx::AnyConnection,
    d: &NewDraft<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO invoices (customer_id, kind, number, status, issue_date, due_date, sale_date, currency, total_ht, \
         total_vat, total_ttc, amount_paid, amount_credited, deposits, corrects_invoice_id, created_at, \
         replaces_invoice_id) \
         VALUES ($1, $2, NULL, 'draft', NULL, $3, $4, $5, $6, $7, $8, 0, 0, $9, $10, $11, $12) RETURNING id",
    )
    .bind(d.customer_id)
    .bind(d.kind)
    .bind(d.due_date)
    .bind(d.sale_date)
    .bind(d.currency)
    .bind(d.totals.total_ht)
    .bind(d.totals.total_vat)
    .bind(d.totals.total_ttc)
    .bind(d.deposits)
    .bind(d.corrects_invoice_id)
    .bind(super::now_ts())
    .bind(d.replaces_invoice_id)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")
}

pub async fn insert_line(
    conn: &mut sqlx::AnyConnection,
    invoice_id: i64,
    position: i64,
    l: &crate::model::document::DocLine,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO invoice_lines (invoice_id, position, description, quantity, unit, unit_price_ht, vat_rate_bp, \
         discount_pct, total_ht) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(invoice_id)
    .bind(position)
    .bind(&l.description)
    .bind(&l.quantity)
    .bind(&l.unit)
    .bind(l.unit_price_ht)
    .bind(l.vat_rate.basis_points())
    .bind(&l.discount_pct)
    .bind(l.total_ht)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn lines(
    conn: &mut sqlx::AnyConnection,
    invoice_id: i64,
) -> Result<Vec<crate::model::document::DocLine>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT description, quantity, unit, unit_price_ht, vat_rate_bp, discount_pct, total_ht FROM invoice_lines \
         WHERE invoice_id = $1 ORDER BY position",
    )
    .bind(invoice_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let bp: i64 = r.try_get("vat_rate_bp")?;
            Ok(crate::model::document::DocLine {
                description: r.try_get("description")?,
                quantity: r.try_get("quantity")?,
                unit: r.try_get("unit")?,
                unit_price_ht: r.try_get("unit_price_ht")?,
                vat_rate: crate::model::vat::VatRate::from_basis_points(bp)
                    .ok_or_else(|| sqlx::Error::Decode(format!("bad VAT rate {bp}").into()))?,
                discount_pct: r.try_get("discount_pct")?,
                total_ht: r.try_get("total_ht")?,
            })
        })
        .collect()
}

/// Gives a draft its number and dates, and freezes the parties and terms.
pub async fn mark_issued(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    number: &str,
    issue_date: &str,
    due_date: &str,
    snapshot: &str,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE invoices SET number = $1, status = 'issued', issue_date = $2, due_date = $3, snapshot = $4, \
         issued_at = $5 WHERE id = $6 AND status = 'draft'",
    )
    .bind(number)
    .bind(issue_date)
    .bind(due_date)
    .bind(snapshot)
    .bind(super::now_ts())
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// Deletes a draft and its lines (issued invoices are protected by triggers too).
pub async fn delete_draft(conn: &mut sqlx::AnyConnection, id: i64) -> Result<u64, sqlx::Error> {
    sqlx::query("DELETE FROM invoice_lines WHERE invoice_id = $1 AND EXISTS (SELECT 1 FROM invoices WHERE id = $1 AND status = 'draft')")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(
        sqlx::query("DELETE FROM invoices WHERE id = $1 AND status = 'draft'")
            .bind(id)
            .execute(&mut *conn)
            .await?
            .rows_affected(),
    )
}

/// What an invoice's money state is computed from, besides its own totals
/// and deposits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MoneyFacts {
    /// Succeeded payments, each net of its refunds and open chargebacks (never below zero).
    pub paid: i64,
    /// Issued credit notes against it, incl. VAT.
    pub credited: i64,
    /// Whether a dispute on it is open.
    pub open_dispute: bool,
}

/// Reads the money facts of an invoice in one query (see [`MoneyFacts`]).
pub async fn money_facts(
    conn: &mut sqlx::AnyConnection,
    invoice_id: i64,
) -> Result<MoneyFacts, sqlx::Error> {
    let r = sqlx::query(
        "SELECT \
         CAST(COALESCE((SELECT SUM(CASE WHEN n.net > 0 THEN n.net ELSE 0 END) FROM (\
           SELECT p.amount - COALESCE(r.counted, 0) - COALESCE((SELECT SUM(c.amount) FROM chargebacks c \
             WHERE c.provider_payment_id = p.provider_payment_id AND c.holds_money = 1), 0) \
             - p.part_refunded - p.part_charged_back AS net \
           FROM payments p LEFT JOIN provider_refunds r ON r.provider_payment_id = p.provider_payment_id \
           WHERE p.invoice_id = $1 AND p.status = 'succeeded') n), 0) AS BIGINT) AS paid, \
         CAST(COALESCE((SELECT SUM(cn.total_ttc) FROM invoices cn WHERE cn.corrects_invoice_id = $1 \
           AND cn.kind = 'credit_note' AND cn.status <> 'draft'), 0) AS BIGINT) AS credited, \
         (SELECT COUNT(*) FROM disputes d WHERE d.invoice_id = $1 AND d.status NOT IN ('resolved', 'rejected')) AS open_disputes",
    )
    .bind(invoice_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(MoneyFacts {
        paid: r.try_get("paid")?,
        credited: r.try_get("credited")?,
        open_dispute: r.try_get::<i64, _>("open_disputes")? > 0,
    })
}

/// Writes an invoice's money state. Called by `services::ledger` only: no
/// other code writes `amount_paid`, `amount_credited`, `paid_at` or a money
/// status (issuing a draft sets `issued` in [`mark_issued`]).
pub async fn set_money(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    amount_paid: i64,
    amount_credited: i64,
    status: InvoiceStatus,
    paid_at: Option<i64>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE invoices SET amount_paid = $1, amount_credited = $2, status = $3, paid_at = $4 WHERE id = $5",
    )
    .bind(amount_paid)
    .bind(amount_credited)
    .bind(status.as_str())
    .bind(paid_at)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The customer of an invoice: id, name, billing email and language.
pub async fn customer_of(
    pool: &AnyPool,
    invoice_id: i64,
) -> Result<Option<(i64, String, String, String)>, sqlx::Error> {
    sqlx::query(
        "SELECT c.id, c.name, c.billing_email, c.lang FROM invoices i JOIN customers c ON c.id = i.customer_id \
         WHERE i.id = $1",
    )
    .bind(invoice_id)
    .fetch_optional(pool)
    .await?
    .map(|r| {
        Ok((
            r.try_get("id")?,
            r.try_get("name")?,
            r.try_get("billing_email")?,
            r.try_get("lang")?,
        ))
    })
    .transpose()
}

/// Numbers of the credit notes issued against an invoice.
pub async fn credit_note_numbers(
    pool: &AnyPool,
    invoice_id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query("SELECT number FROM invoices WHERE corrects_invoice_id = $1 AND number IS NOT NULL ORDER BY id")
        .bind(invoice_id)
        .fetch_all(pool)
        .await?;
    rows.iter().map(|r| r.try_get("number")).collect()
}

/// An issued credit note, with the invoice it corrects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditNoteRow {
    pub corrects_invoice_id: i64,
    pub number: String,
    /// `YYYY-MM-DD`.
    pub issue_date: String,
    pub total_ttc: i64,
    pub currency: String,
}

/// The issued credit notes of customer `customer_id` that correct one of
/// `invoice_ids`, oldest first. Scoped by customer so that the
/// `(customer_id, kind, issue_date, id)` index serves it.
pub async fn credit_notes_of(
    conn: &mut sqlx::AnyConnection,
    customer_id: i64,
    invoice_ids: &[i64],
) -> Result<Vec<CreditNoteRow>, sqlx::Error> {
    if invoice_ids.is_empty() {
        return Ok(Vec::new());
    }
    let marks: Vec<String> = (0..invoice_ids.len())
        .map(|k| format!("${}", k + 2))
        .collect();
    let sql = format!(
        "SELECT corrects_invoice_id, number, issue_date, total_ttc, currency FROM invoices \
         WHERE customer_id = $1 AND kind = 'credit_note' AND status <> 'draft' \
         AND number IS NOT NULL AND corrects_invoice_id IN ({}) ORDER BY issue_date, id",
        marks.join(", ")
    );
    let mut q = sqlx::query(&sql).bind(customer_id);
    for id in invoice_ids {
        q = q.bind(*id);
    }
    let rows = q.fetch_all(&mut *conn).await?;
    rows.iter()
        .map(|r| {
            Ok(CreditNoteRow {
                corrects_invoice_id: r.try_get("corrects_invoice_id")?,
                number: r.try_get("number")?,
                issue_date: r
                    .try_get::<Option<String>, _>("issue_date")?
                    .unwrap_or_default(),
                total_ttc: r.try_get("total_ttc")?,
                currency: r.try_get("currency")?,
            })
        })
        .collect()
}

/// How an invoice and the drafts made by "correct" point at each other.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CorrectionLinks {
    /// The invoice this document replaces: id and number.
    pub replaces: Option<(i64, String)>,
    /// The documents that replace this invoice: id and number (`None` while a draft).
    pub replaced_by: Vec<(i64, Option<String>)>,
}

pub async fn correction_links(pool: &AnyPool, id: i64) -> Result<CorrectionLinks, sqlx::Error> {
    let replaces = sqlx::query(
        "SELECT o.id, o.number FROM invoices i JOIN invoices o ON o.id = i.replaces_invoice_id WHERE i.id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?
    .map(|r| -> Result<(i64, String), sqlx::Error> {
        Ok((
            r.try_get("id")?,
            r.try_get::<Option<String>, _>("number")?.unwrap_or_default(),
        ))
    })
    .transpose()?;
    let replaced_by =
        sqlx::query("SELECT id, number FROM invoices WHERE replaces_invoice_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(pool)
            .await?
            .iter()
            .map(|r| Ok((r.try_get("id")?, r.try_get("number")?)))
            .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(CorrectionLinks {
        replaces,
        replaced_by,
    })
}

/// Replaces what a draft holds (not its lines); 0 rows when it is no longer a draft.
pub async fn update_draft(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    d: &NewDraft<'_>,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE invoices SET customer_id = $1, currency = $2, sale_date = $3, due_date = $4, total_ht = $5, \
         total_vat = $6, total_ttc = $7, deposits = $8 WHERE id = $9 AND status = 'draft' AND kind = 'invoice'",
    )
    .bind(d.customer_id)
    .bind(d.currency)
    .bind(d.sale_date)
    .bind(d.due_date)
    .bind(d.totals.total_ht)
    .bind(d.totals.total_vat)
    .bind(d.totals.total_ttc)
    .bind(d.deposits)
    .bind(id)
    .execute(&mut *conn)
    .await?
    .rows_affected())
}

/// Removes a draft's lines before they are written again (refused by the
/// database for an issued invoice).
pub async fn delete_lines(conn: &mut sqlx::AnyConnection, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM invoice_lines WHERE invoice_id = $1")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}
