//! Correcting an issued invoice in one action: a full credit note and a new
//! draft with the same lines. Staff only.
use crate::error::AppError;
use crate::model::correction::CorrectionInfo;
use leptos::prelude::*;

/// Whether the invoice may be corrected, and what it replaces or is replaced by.
#[server(endpoint = "invoice_correction")]
pub async fn invoice_correction(id: i64) -> Result<CorrectionInfo, AppError> {
    use crate::api::ctx;
    let (state, _) = ctx::require_staff().await?;
    ctx::no_store();
    crate::server::services::invoices::correction_info(&state.db, id)
        .await
        .map_err(ctx::fail)
}

/// Issues a full credit note for the invoice and opens a new draft with its
/// lines, then goes to that draft. A refusal comes back as the `correct` form's `Refusal`.
#[server(endpoint = "correct_invoice")]
pub async fn correct_invoice(id: i64) -> Result<(), AppError> {
    use crate::api::ctx;
    let (state, user) = ctx::require_staff().await?;
    let result =
        crate::server::services::invoicing::correct(&state.db, id, ctx::today(), Some(user.id))
            .await;
    match result {
        Ok(done) => {
            let page = format!("/staff/invoices/{}", done.draft_id);
            leptos_axum::redirect(&crate::error::Done::Corrected.redirect_to(&page, &[], None));
            Ok(())
        }
        Err(e) => {
            // Name the reason when it is one of the rules, for a clear message.
            let reason = crate::server::services::invoices::correction_block_of(&state.db, id)
                .await?
                .flatten()
                .map_or(e.code(), |b| b.code());
            let e = ctx::fail(e);
            let refusal = crate::error::Refusal::coded("correct", reason);
            leptos_axum::redirect(&refusal.redirect_to(&format!("/staff/invoices/{id}"), None));
            Err(e)
        }
    }
}
