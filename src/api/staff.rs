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
