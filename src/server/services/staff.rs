//! The staff home figures.
use crate::error::AppError;
use crate::model::staff::StaffHome;
use crate::model::user::SessionUser;
use crate::server::db::invoices;
use chrono::NaiveDate;
use sqlx::AnyPool;

pub async fn home(
    pool: &AnyPool,
    user: SessionUser,
    today: NaiveDate,
) -> Result<StaffHome, AppError> {
    if !user.role.is_staff() {
        return Err(AppError::Forbidden);
    }
    let f = invoices::staff_figures(pool, &today.format("%Y-%m-%d").to_string()).await?;
    Ok(StaffHome {
        user,
        open_count: f.open_count,
        overdue_count: f.overdue_count,
        outstanding: f.outstanding,
        customers: f.customers,
    })
}
