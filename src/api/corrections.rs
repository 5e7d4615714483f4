//! Correcting an issued invoice in one action: a full credit note and a new
//! draft with the same lines. Staff only.
use crate::error::AppError;
use crate::model::correction::CorrectionInfo;
use leptos::prelude::*;

/// Whether the invoice may be corrected, and what it replaces or is replaced by.
#[server(endpoint = "invoice_correction")]
pub async fn invoice_correction(id: i64) -> Result<CorrectionInfo, AppError> {
    use crate::api::ctx;
    use crate::model::correction::correction_block;
    use crate::server::db::invoices;
    let (state, _) = ctx::require_staff().await?;
    ctx::no_store();
    let mut conn = state.db.pool.acquire().await?;
    let rec = invoices::get(&mut conn, id)
        .await?
        .ok_or_else(|| ctx::fail(AppError::NotFound))?;
    drop(conn);
    let links = invoices::correction_links(&state.db.pool, id).await?;
    Ok(CorrectionInfo {
        blocked: correction_block(&rec.kind, rec.status, rec.amount_paid, rec.amount_credited),
        replaces: links.replaces,
        replaced_by: links.replaced_by,
    })
}

/// Issues a full credit note for the invoice and opens a new draft with its
/// lines, then goes to that draft. A refusal comes back as the `correct` form's `Refusal`.
#[server(endpoint = "correct_invoice")]
pub async fn correct_invoice(id: i64) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::model::correction::correction_block;
    use crate::server::db::invoices;
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
            let mut conn = state.db.pool.acquire().await?;
            let reason = invoices::get(&mut conn, id)
                .await?
                .and_then(|r| correction_block(&r.kind, r.status, r.amount_paid, r.amount_credited))
                .map_or(e.code(), |b| b.code());
            let e = ctx::fail(e);
            let refusal = crate::error::Refusal::coded("correct", reason);
            leptos_axum::redirect(&refusal.redirect_to(&format!("/staff/invoices/{id}"), None));
            Err(e)
        }
    }
}
