//! Paying several invoices at once from a statement: what may be paid, the
//! allocation preview, and where a statement checkout stands. The checkout
//! itself starts from a plain form post (`server/http/statement_pay.rs`).
use crate::error::AppError;
use crate::model::allocation::{Allocation, Payable, StatementOutcome};
use crate::model::statement_access::StatementAccess;
use crate::model::validate::FieldErrors;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the statement's pay form shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementPayData {
    /// The customer's open invoices, oldest due first, with what each may take now.
    pub items: Vec<Payable>,
    pub partial_allowed: bool,
    /// The allocation asked for (`preview` in the query), when it holds.
    pub preview: Option<Allocation>,
    /// Why the allocation asked for does not hold, by field.
    pub refused: Option<FieldErrors>,
}

/// The pay form of the statement reached by `access`; with `preview`, the
/// allocation of `amount` over `picks` (oldest due first).
#[server(endpoint = "statement_pay")]
pub async fn statement_pay(
    access: StatementAccess,
    #[server(default)] picks: Vec<String>,
    #[server(default)] amount: String,
    #[server(default)] preview: bool,
) -> Result<StatementPayData, AppError> {
    use crate::api::ctx;
    use crate::server::services::statement_pay as pay;
    ctx::no_store();
    let (state, customer) = payer(&access).await?;
    let (items, partial_allowed) = pay::payables(&state.db, customer)
        .await
        .map_err(ctx::fail)?;
    let (preview, refused) = if preview {
        let picks: Vec<String> = picks.into_iter().take(200).collect();
        let amount: String = amount.chars().take(40).collect();
        match pay::plan(&items, partial_allowed, &picks, &amount) {
            Ok(a) => (Some(a), None),
            Err(AppError::Validation(e)) => (None, Some(e)),
            Err(e) => return Err(ctx::fail(e)),
        }
    } else {
        (None, None)
    };
    Ok(StatementPayData {
        items,
        partial_allowed,
        preview,
        refused,
    })
}

/// Where a statement checkout stands, from our own records (the webhook decides).
#[server(endpoint = "statement_checkout_status")]
pub async fn statement_checkout_status(
    access: StatementAccess,
    session_id: String,
) -> Result<StatementOutcome, AppError> {
    use crate::api::ctx;
    ctx::no_store();
    let (state, customer) = payer(&access).await?;
    crate::server::services::statement_pay::outcome(&state.db, customer, &session_id)
        .await
        .map_err(ctx::fail)
}

/// The customer whose statement `access` opens, for whoever is asking.
#[cfg(feature = "ssr")]
async fn payer(
    access: &StatementAccess,
) -> Result<(crate::server::state::AppState, i64), AppError> {
    use crate::api::ctx;
    let state = crate::server::state::app_state()?;
    let session = ctx::session().await?;
    let user = crate::server::auth::current_user(&session, &state.db.pool).await?;
    let customer = crate::server::services::statements::customer_for(
        &state.db,
        access,
        user.as_ref(),
        crate::server::db::now_ts(),
    )
    .await
    .map_err(ctx::fail)?;
    Ok((state, customer))
}
