//! The customer's invoices.
use crate::error::AppError;
use crate::model::invoice::InvoiceSummary;
use leptos::prelude::*;

/// The signed-in customer's invoices for a status filter (`all`, `to_pay`, …).
#[server(endpoint = "my_invoices")]
pub async fn my_invoices(status: String) -> Result<Vec<InvoiceSummary>, AppError> {
    use crate::api::ctx;
    use crate::model::invoice::StatusFilter;
    let (state, user) = ctx::require_user().await?;
    ctx::no_store();
    let filter = StatusFilter::parse(&status);
    crate::server::services::invoices::customer_invoices(
        &state.db.pool,
        &user,
        filter,
        ctx::today(),
    )
    .await
    .map_err(ctx::fail)
}
