//! Loads an invoice or credit note as a full document, for one viewer. A viewer
//! who may not see it gets `NotFound`, never a hint that it exists.
use crate::error::AppError;
use crate::model::document::{CreditNoteRef, DocKind, DocLine, InvoiceDocument};
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
    /// The holder of a pay link, asking for a credit note: those issued
    /// against its invoice only.
    PayLinkCreditNote(i64),
}

fn may_see(viewer: Viewer, rec: &InvoiceRecord) -> bool {
    match viewer {
        Viewer::Staff => true,
        Viewer::Customer(c) => rec.customer_id == c && rec.status != InvoiceStatus::Draft,
        Viewer::PayLink(id) => rec.id == id && rec.status != InvoiceStatus::Draft,
        Viewer::PayLinkCreditNote(id) => {
            rec.kind == "credit_note"
                && rec.corrects_invoice_id == Some(id)
                && rec.status != InvoiceStatus::Draft
        }
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
    let operation = company::operation_category(&mut conn).await?;
    Ok(Snapshot {
        seller,
        buyer,
        terms,
        operation,
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
    let corrected = match rec.corrects_invoice_id {
        Some(id) => invoices::get(conn, id).await?,
        None => None,
    };
    let corrects_issue_date = corrected
        .as_ref()
        .and_then(|r| r.issue_date.as_deref())
        .and_then(parse_iso_date);
    let corrects_number = corrected.and_then(|r| r.number);
    let credit_notes = if rec.kind == "invoice" && rec.status != InvoiceStatus::Draft {
        invoices::credit_notes_of(conn, rec.customer_id, &[rec.id])
            .await?
            .into_iter()
            .filter_map(credit_note_ref)
            .collect()
    } else {
        Vec::new()
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
        operation: snapshot.operation,
        corrects_number,
        corrects_issue_date,
        pay_url: None,
        // The current logo, even on issued invoices: the snapshot freezes the
        // seller's legal identity, and a logo is not a mandatory mention.
        logo_url: logo_etag.map(|etag| crate::model::settings::logo_url(&etag)),
        credit_notes,
    })
}

/// A stored credit note as listed beside its invoice (`None` without a date,
/// which an issued one always has).
pub(crate) fn credit_note_ref(r: invoices::CreditNoteRow) -> Option<CreditNoteRef> {
    Some(CreditNoteRef {
        issue_date: parse_iso_date(&r.issue_date)?,
        number: r.number,
        total_ttc: r.total_ttc,
        currency: r.currency,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(id: i64, kind: &str, corrects: Option<i64>, status: InvoiceStatus) -> InvoiceRecord {
        InvoiceRecord {
            id,
            customer_id: 1,
            kind: kind.into(),
            number: Some(format!("N-{id}")),
            status,
            issue_date: Some("2026-03-01".into()),
            due_date: Some("2026-03-31".into()),
            sale_date: None,
            currency: "EUR".into(),
            total_ht: 100,
            total_vat: 20,
            total_ttc: 120,
            amount_paid: 0,
            amount_credited: 0,
            deposits: 0,
            corrects_invoice_id: corrects,
            snapshot: None,
            paid_at: None,
        }
    }

    #[test]
    fn a_pay_link_opens_the_credit_notes_of_its_invoice_and_nothing_else() {
        let viewer = Viewer::PayLinkCreditNote(7);
        let issued = InvoiceStatus::Issued;
        assert!(may_see(viewer, &rec(9, "credit_note", Some(7), issued)));
        assert!(!may_see(viewer, &rec(9, "credit_note", Some(8), issued)));
        assert!(!may_see(viewer, &rec(9, "credit_note", None, issued)));
        assert!(!may_see(viewer, &rec(7, "invoice", None, issued)));
        assert!(!may_see(viewer, &rec(9, "invoice", Some(7), issued)));
        let draft = rec(9, "credit_note", Some(7), InvoiceStatus::Draft);
        assert!(!may_see(viewer, &draft));
        // The plain pay-link viewer never reaches a credit note of its invoice.
        assert!(!may_see(
            Viewer::PayLink(7),
            &rec(9, "credit_note", Some(7), issued)
        ));
    }
}
