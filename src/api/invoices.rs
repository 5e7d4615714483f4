//! The customer's invoices.
use crate::error::AppError;
use crate::model::invoice::InvoiceSummary;
use crate::model::listing::Page;
use leptos::prelude::*;

/// A page of the signed-in customer's invoices for a status filter (`all`,
/// `to_pay`, …), a search on the number, and the cursor of the previous page.
#[server(endpoint = "my_invoices")]
pub async fn my_invoices(
    status: String,
    #[server(default)] q: Option<String>,
    #[server(default)] after: Option<String>,
) -> Result<Page<InvoiceSummary>, AppError> {
    use crate::api::ctx;
    use crate::model::invoice::StatusFilter;
    use crate::model::listing::Cursor;
    let (state, user) = ctx::require_user().await?;
    ctx::no_store();
    let filter = StatusFilter::parse(&status);
    let cursor = after.as_deref().and_then(Cursor::decode);
    let q = q.map(|s| s.chars().take(100).collect::<String>());
    crate::server::services::invoices::customer_invoices(
        &state.db.pool,
        &user,
        filter,
        q,
        cursor,
        ctx::today(),
    )
    .await
    .map_err(ctx::fail)
}

/// One invoice or credit note, for its customer or for staff.
#[server(endpoint = "invoice_detail")]
pub async fn invoice_detail(
    number: String,
) -> Result<crate::model::document::InvoiceDocument, AppError> {
    use crate::api::ctx;
    use crate::server::services::documents::{self, Viewer};
    let (state, user) = ctx::require_user().await?;
    ctx::no_store();
    let viewer = match (user.role.is_staff(), user.customer_id) {
        (true, _) => Viewer::Staff,
        (false, Some(c)) => Viewer::Customer(c),
        (false, None) => return Err(ctx::fail(AppError::Forbidden)),
    };
    documents::by_number(&state.db, &number, viewer, ctx::today())
        .await
        .map(|(_, doc)| doc)
        .map_err(ctx::fail)
}

/// The invoice a pay link opens, for anyone holding the link.
#[server(endpoint = "pay_link_invoice")]
pub async fn pay_link_invoice(
    token: String,
) -> Result<crate::model::document::InvoiceDocument, AppError> {
    use crate::api::ctx;
    use crate::server::services::{documents, pay_links};
    let state = crate::server::state::app_state()?;
    ctx::no_store();
    let id = pay_links::resolve(&state.db, &token, state.config.pay_link_days_after_paid)
        .await
        .map_err(ctx::fail)?;
    documents::by_id(&state.db, id, documents::Viewer::PayLink(id), ctx::today())
        .await
        .map(|(_, doc)| doc)
        .map_err(ctx::fail)
}

/// From a pay link: emails the customer's billing address an invitation to
/// create a portal account. The answer is the same whether or not an account
/// already exists.
#[server(endpoint = "pay_link_signup")]
pub async fn pay_link_signup(token: String) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::services::{customers, pay_links};
    let state = crate::server::state::app_state()?;
    let id = pay_links::resolve(&state.db, &token, state.config.pay_link_days_after_paid)
        .await
        .map_err(ctx::fail)?;
    customers::invite_pay_link_holder(&state.db, id)
        .await
        .map_err(ctx::fail)?;
    ctx::redirect_local(&format!("/pay/{token}?invited=1"), "/");
    Ok(())
}
