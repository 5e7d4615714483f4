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
/// lines, then goes to that draft. A refusal comes back as `?correct_err=`.
#[server(endpoint = "correct_invoice")]
pub async fn correct_invoice(id: i64) -> Result<(), AppError> {
    use crate::api::ctx;
    let (state, user) = ctx::require_staff().await?;
    let result =
        crate::server::services::invoicing::correct(&state.db, id, ctx::today(), Some(user.id))
            .await;
    match result {
        Ok(done) => {
            leptos_axum::redirect(&format!("/staff/invoices/{}?done=corrected", done.draft_id));
            Ok(())
        }
        Err(e) => {
            // Name the reason when it is one of the rules, for a clear message.
            let reason = crate::server::services::invoices::correction_block_of(&state.db, id)
                .await?
                .flatten()
                .map_or(e.code(), |b| b.code());
            let e = ctx::fail(e);
            leptos_axum::redirect(&format!("/staff/invoices/{id}?correct_err={reason}"));
            Err(e)
        }
    }
}
