//! The staff home.
use crate::error::AppError;
use crate::model::staff::StaffHome;
use leptos::prelude::*;

/// Figures for the staff home; agents and admins only.
#[server(endpoint = "staff_home")]
pub async fn get_staff_home() -> Result<StaffHome, AppError> {
    use crate::api::ctx;
    let (state, user) = ctx::require_staff().await?;
    ctx::no_store();
    crate::server::services::staff::home(&state.db.pool, user, ctx::today()).await
}

/// The dashboard for a date range (`YYYY-MM-DD`, both included; empty: the
/// last 12 months); agents and admins only.
#[server(endpoint = "staff_dashboard")]
pub async fn get_staff_dashboard(
    #[server(default)] from: Option<String>,
    #[server(default)] to: Option<String>,
) -> Result<crate::model::dashboard::DashboardView, AppError> {
    use crate::api::ctx;
    let (state, user) = ctx::require_staff().await?;
    ctx::no_store();
    // The company's date, as its days and months are cut in its time zone.
    let today =
        crate::server::services::reminders::local_today(&state.db, chrono::Utc::now()).await?;
    crate::server::services::dashboard::dashboard(
        &state.db.pool,
        &user,
        from.as_deref(),
        to.as_deref(),
        today,
        crate::server::db::now_ts(),
    )
    .await
}
