//! Editing a draft invoice (before it is issued, nothing is frozen). Staff only.
use crate::error::AppError;
use crate::model::draft::DraftInput;
use crate::model::staff_invoice::DraftFlash;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
const EDIT_FLASH: &str = "draft_edit_flash";

/// The edit form of draft `id`: a refused submission from the session, else
/// the draft as stored.
#[server(endpoint = "draft_for_edit")]
pub async fn draft_for_edit(id: i64) -> Result<DraftFlash, AppError> {
    use crate::api::ctx;
    use crate::model::draft::draft_input_of;
    use crate::model::invoice::InvoiceStatus;
    use crate::server::db::invoices;
    let (state, _) = ctx::require_staff().await?;
    ctx::no_store();
    let session = ctx::session().await?;
    let flash: Option<(i64, DraftFlash)> = session
        .remove(EDIT_FLASH)
        .await
        .map_err(|e| AppError::internal("session", e))?;
    if let Some((flash_id, f)) = flash
        && flash_id == id
    {
        return Ok(f);
    }
    let mut conn = state.db.pool.acquire().await?;
    let rec = invoices::get(&mut conn, id)
        .await?
        .ok_or_else(|| ctx::fail(AppError::NotFound))?;
    if rec.status != InvoiceStatus::Draft || rec.kind != "invoice" {
        return Err(ctx::fail(AppError::Conflict));
    }
    let lines = invoices::lines(&mut conn, id).await?;
    Ok(DraftFlash {
        input: draft_input_of(
            rec.customer_id,
            &rec.currency,
            rec.sale_date.as_deref().unwrap_or_default(),
            rec.due_date.as_deref().unwrap_or_default(),
            &lines,
            rec.deposits,
        ),
        errors: Default::default(),
    })
}

/// Saves the edited draft; refusals come back with every field error and what was typed.
#[server(endpoint = "update_draft")]
pub async fn update_draft(id: i64, draft: DraftInput) -> Result<(), AppError> {
    use crate::api::ctx;
    let (state, user) = ctx::require_staff().await?;
    match crate::server::services::invoicing::update_draft(&state.db, id, &draft, ctx::today())
        .await
    {
        Ok(()) => {
            let _ = crate::server::db::audit::record(
                &state.db.pool,
                Some(user.id),
                "draft_updated",
                &format!("draft:{id}"),
                "",
            )
            .await;
            leptos_axum::redirect(&format!("/staff/invoices/{id}"));
            Ok(())
        }
        Err(AppError::Validation(errors)) => {
            let session = ctx::session().await?;
            let flash = DraftFlash {
                input: draft,
                errors: errors.clone(),
            };
            session
                .insert(EDIT_FLASH, (id, flash))
                .await
                .map_err(|e| AppError::internal("session", e))?;
            // Status first: for a plain form post the redirect must win (302).
            let e = ctx::fail(AppError::Validation(errors));
            leptos_axum::redirect(&format!("/staff/invoices/{id}/edit"));
            Err(e)
        }
        Err(e) => Err(ctx::fail(e)),
    }
}
