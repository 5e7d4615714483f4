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
    let rows = rows
        .iter()
        .take(limit as usize)
        .filter_map(|r| {
            let (issue, due, bal, status) = derive(r, today);
            Some(InvoiceSummary {
                number: r.number.clone()?,
                issue_date: issue?,
                due_date: due?,
                currency: r.currency.clone(),
                total_ttc: r.total_ttc,
                balance: bal,
                status,
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
