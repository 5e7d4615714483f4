//! An invoice's e-invoicing lifecycle statuses: for its customer (signed
//! in: `invoice` + number; or holding its pay link: `link` + token) and for
//! staff. The customer's first look records 204 (taken over); a staff member
//! opening a pay link records nothing. Each function authorizes, then calls
//! `services::lifecycle`.
use crate::error::AppError;
use crate::model::lifecycle::LifecycleEntry;
use leptos::prelude::*;

/// The statuses of the invoice `kind`/`key` names, for its customer; another
/// customer's invoice is not found.
#[server(endpoint = "invoice_lifecycle")]
pub async fn invoice_lifecycle(kind: String, key: String) -> Result<Vec<LifecycleEntry>, AppError> {
    use crate::api::ctx;
    use crate::server::services::disputes::{self, Viewer};
    use crate::server::services::{lifecycle, pay_links};
    ctx::no_store();
    let (state, invoice_id, customer_view) = match kind.as_str() {
        "invoice" => {
            let (state, user) = ctx::require_user().await?;
            let Some(customer_id) = user.customer_id.filter(|_| !user.role.is_staff()) else {
                return Err(ctx::fail(AppError::Forbidden));
            };
            let viewer = Viewer::Customer {
                customer_id,
                user_id: user.id,
            };
            let id = disputes::customer_invoice_id(&state.db, viewer, &key)
                .await
                .map_err(ctx::fail)?;
            (state, id, true)
        }
        "link" => {
            let state = crate::server::state::app_state()?;
            let id = pay_links::resolve(&state.db, &key, state.config.pay_link_days_after_paid)
                .await
                .map_err(ctx::fail)?;
            let session = ctx::session().await?;
            let staff = crate::server::auth::current_user(&session, &state.db.pool)
                .await?
                .is_some_and(|u| u.role.is_staff());
            (state, id, !staff)
        }
        _ => return Err(ctx::fail(AppError::NotFound)),
    };
    if customer_view {
        lifecycle::viewed_by_customer(&state.db, invoice_id, crate::server::db::now_ts())
            .await
            .map_err(ctx::fail)?;
    }
    lifecycle::timeline(&state.db, invoice_id)
        .await
        .map_err(ctx::fail)
}

/// The statuses of any invoice, for staff.
#[server(endpoint = "staff_invoice_lifecycle")]
pub async fn staff_invoice_lifecycle(id: i64) -> Result<Vec<LifecycleEntry>, AppError> {
    use crate::api::ctx;
    let (state, _) = ctx::require_staff().await?;
    ctx::no_store();
    crate::server::services::lifecycle::timeline(&state.db, id)
        .await
        .map_err(ctx::fail)
}
