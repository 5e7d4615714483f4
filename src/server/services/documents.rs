//! Loads an invoice or credit note as a full document, for one viewer. A viewer
//! who may not see it gets `NotFound`, never a hint that it exists.
use crate::error::AppError;
use crate::model::document::{DocKind, DocLine, InvoiceDocument};
use crate::model::format::parse_iso_date;
use crate::model::invoice::{DisplayStatus, InvoiceStatus, balance};
use crate::model::vat::{LineAmounts, compute_totals};
use crate::server::db::invoices::{self, InvoiceRecord};
use crate::server::db::{Db, company, customers};
use crate::server::services::invoicing::Snapshot;
use chrono::NaiveDate;

/// Who is looking.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// A contact of this customer account: its issued documents only.
    Customer(i64),
    /// Agents and admins: everything, drafts included.
    Staff,
    /// The holder of a pay link: that one invoice only.
    PayLink(i64),
}

fn may_see(viewer: Viewer, rec: &InvoiceRecord) -> bool {
    match viewer {
        Viewer::Staff => true,
        Viewer::Customer(c) => rec.customer_id == c && rec.status != InvoiceStatus::Draft,
        Viewer::PayLink(id) => rec.id == id && rec.status != InvoiceStatus::Draft,
    }
}

/// The document with this number, if the viewer may see it.
pub async fn by_number(
    db: &Db,
    number: &str,
    viewer: Viewer,
    today: NaiveDate,
) -> Result<(InvoiceRecord, InvoiceDocument), AppError> {
    let rec = invoices::get_by_number(&db.pool, number)
        .await?
        .ok_or(AppError::NotFound)?;
    if !may_see(viewer, &rec) {
        return Err(AppError::NotFound);
    }
    let doc = build(db, &rec, today).await?;
    Ok((rec, doc))
}

/// The document with this id, if the viewer may see it.
pub async fn by_id(
    db: &Db,
    id: i64,
    viewer: Viewer,
    today: NaiveDate,
) -> Result<(InvoiceRecord, InvoiceDocument), AppError> {
    let mut conn = db.pool.acquire().await?;
    let rec = invoices::get(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    drop(conn);
    if !may_see(viewer, &rec) {
        return Err(AppError::NotFound);
    }
    let doc = build(db, &rec, today).await?;
    Ok((rec, doc))
}

/// A draft's parties as they stand now (issued documents carry a snapshot).
async fn live_snapshot(db: &Db, customer_id: i64) -> Result<Snapshot, AppError> {
    let (seller, terms, _) = company::load(&db.pool).await?;
    let mut conn = db.pool.acquire().await?;
    let buyer = customers::buyer(&mut conn, customer_id).await?;
    Ok(Snapshot {
        seller,
        buyer,
        terms,
    })
}

fn date(s: &Option<String>, fallback: NaiveDate) -> NaiveDate {
    s.as_deref().and_then(parse_iso_date).unwrap_or(fallback)
}

async fn build(
    db: &Db,
    rec: &InvoiceRecord,
    today: NaiveDate,
) -> Result<InvoiceDocument, AppError> {
    // Pool-wide reads come before this function holds a connection: holding
    // one while waiting for another starves the pool under load.
    let logo_etag = company::logo_etag(&db.pool).await?;
    let snapshot = match frozen_snapshot(rec)? {
        Some(s) => s,
        None => live_snapshot(db, rec.customer_id).await?,
    };
    let mut conn = db.pool.acquire().await?;
    build_in(&mut conn, rec, snapshot, today, logo_etag).await
}

/// The parties and terms frozen into an issued document (`None` for a draft).
fn frozen_snapshot(rec: &InvoiceRecord) -> Result<Option<Snapshot>, AppError> {
    rec.snapshot
        .as_deref()
        .map(|json| {
            serde_json::from_str::<Snapshot>(json).map_err(|e| AppError::internal("snapshot", e))
        })
        .transpose()
}

/// An issued document read on the caller's connection (inside the
/// transaction that issued it, for its email), with the logo version given.
pub(crate) async fn issued_in(
    conn: &mut sqlx::AnyConnection,
    rec: &InvoiceRecord,
    today: NaiveDate,
    logo_etag: Option<String>,
) -> Result<InvoiceDocument, AppError> {
    let snapshot = frozen_snapshot(rec)?.ok_or(AppError::Conflict)?;
    build_in(conn, rec, snapshot, today, logo_etag).await
}

async fn build_in(
    conn: &mut sqlx::AnyConnection,
    rec: &InvoiceRecord,
    snapshot: Snapshot,
    today: NaiveDate,
    logo_etag: Option<String>,
) -> Result<InvoiceDocument, AppError> {
    let lines = invoices::lines(conn, rec.id).await?;
    let amounts: Vec<LineAmounts> = lines.iter().map(DocLine::amounts).collect();
    let totals = compute_totals(&amounts);
    let corrects_number = match rec.corrects_invoice_id {
        Some(id) => invoices::get(conn, id).await?.and_then(|r| r.number),
        None => None,
    };
    let issue_date = date(&rec.issue_date, today);
    let due_date = date(&rec.due_date, issue_date);
    let bal = balance(
        rec.total_ttc,
        rec.deposits,
        rec.amount_paid,
        rec.amount_credited,
    )
    .max(0);
    Ok(InvoiceDocument {
        kind: if rec.kind == "credit_note" {
            DocKind::CreditNote
        } else {
            DocKind::Invoice
        },
        number: rec.number.clone().unwrap_or_default(),
        issue_date,
        sale_date: date(&rec.sale_date, issue_date),
        due_date,
        currency: rec.currency.clone(),
        seller: snapshot.seller,
        buyer: snapshot.buyer,
        lines,
        per_rate: totals.per_rate,
        total_ht: rec.total_ht,
        total_vat: rec.total_vat,
        total_ttc: rec.total_ttc,
        deposits: rec.deposits,
        paid: rec.amount_paid,
        credited: rec.amount_credited,
        balance: if rec.kind == "credit_note" { 0 } else { bal },
        status: DisplayStatus::derive(rec.status, due_date, today, bal),
        terms: snapshot.terms,
        corrects_number,
        pay_url: None,
        // The current logo, even on issued invoices: the snapshot freezes the
        // seller's legal identity, and a logo is not a mandatory mention.
        logo_url: logo_etag.map(|etag| crate::model::settings::logo_url(&etag)),
    })
}
