//! The customer's disputes: the dispute section of an invoice (on its page and
//! on its pay link), the customer's own list, a thread, and reopening a closed
//! dispute. Opening a dispute and replying are plain multipart posts (see the
//! attachment routes), so files travel without JavaScript.
//!
//! The viewer is named by `kind` and `key`: for the section, `invoice` +
//! number (a signed-in customer) or `link` + token; for a thread, `customer`
//! (a signed-in customer, key unused) or `link` + token.
use crate::error::AppError;
use crate::model::customer_dispute::{DisputeSectionData, ThreadPage};
use crate::model::dispute::CustomerDisputeRow;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
mod viewer {
    use crate::api::ctx;
    use crate::error::AppError;
    use crate::server::services::disputes::Viewer;
    use crate::server::services::pay_links;
    use crate::server::state::AppState;

    /// A signed-in contact of a customer account; staff are refused.
    pub async fn customer() -> Result<(AppState, Viewer), AppError> {
        let (state, user) = ctx::require_user().await?;
        match user.customer_id.filter(|_| !user.role.is_staff()) {
            Some(customer_id) => Ok((
                state,
                Viewer::Customer {
                    customer_id,
                    user_id: user.id,
                },
            )),
            None => Err(ctx::fail(AppError::Forbidden)),
        }
    }

    /// The holder of a pay link, and the invoice it opens.
    pub async fn link(token: &str) -> Result<(AppState, Viewer, i64), AppError> {
        let state = crate::server::state::app_state()?;
        let id = pay_links::resolve(&state.db, token, state.config.pay_link_days_after_paid)
            .await
            .map_err(ctx::fail)?;
        Ok((state, Viewer::PayLink(id), id))
    }

    /// The viewer of a thread: `customer` or `link` + token.
    pub async fn of_thread(kind: &str, key: &str) -> Result<(AppState, Viewer), AppError> {
        match kind {
            "customer" => customer().await,
            "link" => link(key).await.map(|(s, v, _)| (s, v)),
            _ => Err(ctx::fail(AppError::NotFound)),
        }
    }

    /// The page a thread lives on, for this viewer.
    pub fn thread_path(kind: &str, key: &str, id: i64) -> String {
        if kind == "link" {
            format!("/pay/{key}/disputes/{id}")
        } else {
            format!("/disputes/{id}")
        }
    }
}

/// The dispute section of an invoice: its open dispute, past ones, an agreed
/// payment plan, and what the form to open a dispute needs.
#[server(endpoint = "invoice_disputes")]
pub async fn invoice_disputes(kind: String, key: String) -> Result<DisputeSectionData, AppError> {
    use crate::api::ctx;
    use crate::server::services::disputes;
    ctx::no_store();
    let (state, who, invoice_id) = match kind.as_str() {
        "invoice" => {
            let (state, who) = viewer::customer().await?;
            let id = disputes::customer_invoice_id(&state.db, who, &key)
                .await
                .map_err(ctx::fail)?;
            (state, who, id)
        }
        "link" => viewer::link(&key).await?,
        _ => return Err(ctx::fail(AppError::NotFound)),
    };
    disputes::invoice_disputes(&state.db, who, invoice_id)
        .await
        .map_err(ctx::fail)
}

/// The signed-in customer's own disputes, newest first.
#[server(endpoint = "my_disputes")]
pub async fn my_disputes() -> Result<Vec<CustomerDisputeRow>, AppError> {
    use crate::api::ctx;
    ctx::no_store();
    let (state, who) = viewer::customer().await?;
    crate::server::services::disputes::customer_disputes(&state.db, who)
        .await
        .map_err(ctx::fail)
}

/// A dispute's thread as the customer sees it: never an internal note.
#[server(endpoint = "dispute_thread")]
pub async fn dispute_thread(kind: String, key: String, id: i64) -> Result<ThreadPage, AppError> {
    use crate::api::ctx;
    ctx::no_store();
    let (state, who) = viewer::of_thread(&kind, &key).await?;
    let now = crate::server::db::now_ts();
    crate::server::services::disputes::thread_page(&state.db, id, who, now)
        .await
        .map_err(ctx::fail)
}

/// Reopens a closed dispute (within 30 days of its closing), then goes back
/// to the thread; a refusal comes back as the `reopen` form's `Refusal`.
#[server(endpoint = "reopen_dispute")]
pub async fn reopen_dispute(kind: String, key: String, id: i64) -> Result<(), AppError> {
    use crate::api::ctx;
    let (state, who) = viewer::of_thread(&kind, &key).await?;
    let back = viewer::thread_path(&kind, &key, id);
    let now = crate::server::db::now_ts();
    match crate::server::services::disputes::reopen(&state.db, id, who, now).await {
        Ok(()) => {
            let done = crate::error::Done::Reopened;
            ctx::redirect_local(&done.redirect_to(&back, &[], None), "/");
            Ok(())
        }
        Err(e) => {
            let refusal = crate::error::Refusal::new("reopen", &e);
            let e = ctx::fail(e);
            ctx::redirect_local(&refusal.redirect_to(&back, Some("reopen")), "/");
            Err(e)
        }
    }
}
