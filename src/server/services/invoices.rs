//! Invoice lists: the customer's own, and the staff's, with keyset pagination.
use crate::error::AppError;
use crate::model::format::parse_iso_date;
use crate::model::invoice::{DisplayStatus, InvoiceStatus, InvoiceSummary, StatusFilter, balance};
use crate::model::listing::{Cursor, Page, StaffInvoiceRow, StaffStatus};
use crate::model::role::Role;
use crate::model::user::SessionUser;
use crate::server::db::listing::{self, ListFilter, ListRow};
use chrono::NaiveDate;
use sqlx::AnyPool;

fn derive(
    r: &ListRow,
    today: NaiveDate,
) -> (Option<NaiveDate>, Option<NaiveDate>, i64, DisplayStatus) {
    let issue = r.issue_date.as_deref().and_then(parse_iso_date);
    let due = r.due_date.as_deref().and_then(parse_iso_date);
    let bal = if r.kind == "credit_note" {
        0
    } else {
        balance(r.total_ttc, r.deposits, r.amount_paid, r.amount_credited).max(0)
    };
    let status = InvoiceStatus::parse(&r.status).unwrap_or(InvoiceStatus::Issued);
    let shown = DisplayStatus::derive(status, due.unwrap_or(today), today, bal);
    (issue, due, bal, shown)
}

fn next_cursor(rows: &[ListRow], limit: i64) -> Option<String> {
    if rows.len() as i64 <= limit {
        return None;
    }
    rows.get(limit as usize - 1).map(|r| {
        Cursor {
            issue_date: r.issue_date.clone().unwrap_or_else(|| "9999-12-31".into()),
            id: r.id,
        }
        .encode()
    })
}

/// A page of the customer's issued invoices matching `filter` and `search`,
/// newest first. Staff have no customer account and are refused.
pub async fn customer_invoices(
    pool: &AnyPool,
    user: &SessionUser,
    filter: StatusFilter,
    search: Option<String>,
    cursor: Option<Cursor>,
    today: NaiveDate,
) -> Result<Page<InvoiceSummary>, AppError> {
    let customer_id = match (user.role, user.customer_id) {
        (Role::Customer, Some(id)) => id,
        _ => return Err(AppError::Forbidden),
    };
    let f = ListFilter {
        customer_id: Some(customer_id),
        status: filter.into(),
        search,
        today: today.format("%Y-%m-%d").to_string(),
        ..ListFilter::default()
    };
    let limit = crate::model::listing::PAGE_SIZE;
    let rows = listing::list(pool, &f, cursor.as_ref(), limit + 1).await?;
    let next = next_cursor(&rows, limit);
    let shown: Vec<&ListRow> = rows.iter().take(limit as usize).collect();
    // The credit notes of the page's invoices, listed under each of them.
    let ids: Vec<i64> = shown.iter().map(|r| r.id).collect();
    let mut conn = pool.acquire().await?;
    let mut notes =
        crate::server::db::invoices::credit_notes_of(&mut conn, customer_id, &ids).await?;
    drop(conn);
    let rows = shown
        .into_iter()
        .filter_map(|r| {
            let (issue, due, bal, status) = derive(r, today);
            let credit_notes = notes
                .extract_if(.., |n| n.corrects_invoice_id == r.id)
                .filter_map(crate::server::services::documents::credit_note_ref)
                .collect();
            Some(InvoiceSummary {
                number: r.number.clone()?,
                issue_date: issue?,
                due_date: due?,
                currency: r.currency.clone(),
                total_ttc: r.total_ttc,
                balance: bal,
                status,
                credit_notes,
            })
        })
        .collect();
    Ok(Page { rows, next })
}

/// The staff list: every invoice and credit note, drafts included.
pub async fn staff_invoices(
    pool: &AnyPool,
    mut f: ListFilter,
    cursor: Option<Cursor>,
    today: NaiveDate,
) -> Result<Page<StaffInvoiceRow>, AppError> {
    f.include_drafts = true;
    f.include_credit_notes = f.status == StaffStatus::All || f.status == StaffStatus::Draft;
    f.today = today.format("%Y-%m-%d").to_string();
    let limit = crate::model::listing::PAGE_SIZE;
    let rows = listing::list(pool, &f, cursor.as_ref(), limit + 1).await?;
    let next = next_cursor(&rows, limit);
    let rows = rows
        .iter()
        .take(limit as usize)
        .map(|r| {
            let (issue_date, due_date, bal, status) = derive(r, today);
            StaffInvoiceRow {
                id: r.id,
                number: r.number.clone(),
                credit_note: r.kind == "credit_note",
                customer_name: r.customer_name.clone(),
                issue_date,
                due_date,
                currency: r.currency.clone(),
                total_ttc: r.total_ttc,
                balance: bal,
                status,
            }
        })
        .collect();
    Ok(Page { rows, next })
}

/// The staff page of one document: the document, its history (the draft's
/// events, then its number's), its credit notes, and a pay link made just
/// now (`new_pay_token`, shown once, made absolute with `public_base_url`).
pub async fn staff_view(
    db: &crate::server::db::Db,
    id: i64,
    today: NaiveDate,
    new_pay_token: Option<String>,
    public_base_url: &str,
) -> Result<crate::model::staff_invoice::StaffInvoiceView, AppError> {
    use crate::model::staff_invoice::{HistoryEntry, StaffInvoiceView};
    use crate::server::db::{audit, invoices};
    use crate::server::services::documents::{self, Viewer};
    let (rec, doc) = documents::by_id(db, id, Viewer::Staff, today).await?;
    // A draft's events are all under `draft:{id}`; an issued one adds its number's.
    let numbered = match &rec.number {
        Some(n) => audit::for_subject(&db.pool, n).await?,
        None => Vec::new(),
    };
    let mut history: Vec<HistoryEntry> = audit::for_subject(&db.pool, &format!("draft:{id}"))
        .await?
        .into_iter()
        .chain(numbered)
        .map(|(at, action, actor)| HistoryEntry { at, action, actor })
        .collect();
    history.sort_by_key(|h| h.at);
    let base = public_base_url.trim_end_matches('/');
    Ok(StaffInvoiceView {
        id,
        customer_id: rec.customer_id,
        draft: rec.status == InvoiceStatus::Draft,
        credit_note: rec.kind == "credit_note",
        creditable: rec.kind == "invoice"
            && rec.total_ttc > rec.amount_credited
            && rec.status != InvoiceStatus::Draft,
        doc,
        credit_notes: invoices::credit_note_numbers(&db.pool, id).await?,
        history,
        new_pay_link: new_pay_token.map(|t| format!("{base}/pay/{t}")),
    })
}

/// A draft invoice's edit form as stored: `NotFound` for an unknown id,
/// `Conflict` once issued or for a credit note.
pub async fn draft_form(
    db: &crate::server::db::Db,
    id: i64,
) -> Result<crate::model::draft::DraftInput, AppError> {
    use crate::server::db::invoices;
    let mut conn = db.pool.acquire().await?;
    let rec = invoices::get(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if rec.status != InvoiceStatus::Draft || rec.kind != "invoice" {
        return Err(AppError::Conflict);
    }
    let lines = invoices::lines(&mut conn, id).await?;
    Ok(crate::model::draft::draft_input_of(
        rec.customer_id,
        &rec.currency,
        rec.sale_date.as_deref().unwrap_or_default(),
        rec.due_date.as_deref().unwrap_or_default(),
        &lines,
        rec.deposits,
    ))
}

/// Whether an invoice may be corrected (the rule that blocks it, if any),
/// and what it replaces or is replaced by.
pub async fn correction_info(
    db: &crate::server::db::Db,
    id: i64,
) -> Result<crate::model::correction::CorrectionInfo, AppError> {
    use crate::server::db::invoices;
    let blocked = correction_block_of(db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let links = invoices::correction_links(&db.pool, id).await?;
    Ok(crate::model::correction::CorrectionInfo {
        blocked,
        replaces: links.replaces,
        replaced_by: links.replaced_by,
    })
}

/// The rule that blocks correcting an invoice (`Some(None)`: none does;
/// `None`: no such invoice).
pub async fn correction_block_of(
    db: &crate::server::db::Db,
    id: i64,
) -> Result<Option<Option<crate::model::correction::CorrectionBlock>>, AppError> {
    let mut conn = db.pool.acquire().await?;
    let rec = crate::server::db::invoices::get(&mut conn, id).await?;
    Ok(rec.map(|r| {
        crate::model::correction::correction_block(
            &r.kind,
            r.status,
            r.amount_paid,
            r.amount_credited,
        )
    }))
}
