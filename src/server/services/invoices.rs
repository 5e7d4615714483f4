//! The customer's view of their invoices.
use crate::error::AppError;
use crate::model::format::parse_iso_date;
use crate::model::invoice::{DisplayStatus, InvoiceSummary, StatusFilter, balance};
use crate::model::role::Role;
use crate::model::user::SessionUser;
use crate::server::db::invoices;
use chrono::NaiveDate;
use sqlx::AnyPool;

/// At most this many rows per page of the list.
pub const PAGE_SIZE: i64 = 200;

/// The customer's issued invoices matching `filter`, newest first. Staff have no
/// customer account and are refused: they use the staff pages.
pub async fn customer_invoices(
    pool: &AnyPool,
    user: &SessionUser,
    filter: StatusFilter,
    today: NaiveDate,
) -> Result<Vec<InvoiceSummary>, AppError> {
    let customer_id = match (user.role, user.customer_id) {
        (Role::Customer, Some(id)) => id,
        _ => return Err(AppError::Forbidden),
    };
    let rows = invoices::list_for_customer(pool, customer_id, PAGE_SIZE).await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        let (Some(issue_date), Some(due_date)) =
            (parse_iso_date(&r.issue_date), parse_iso_date(&r.due_date))
        else {
            return Err(AppError::internal(
                "invoice list",
                format!("bad dates on {}", r.number),
            ));
        };
        let bal = balance(r.total_ttc, r.amount_paid, r.amount_credited);
        let status = DisplayStatus::derive(r.status, due_date, today, bal);
        if filter.admits(status) {
            out.push(InvoiceSummary {
                number: r.number,
                issue_date,
                due_date,
                currency: r.currency,
                total_ttc: r.total_ttc,
                balance: bal,
                status,
            });
        }
    }
    Ok(out)
}
