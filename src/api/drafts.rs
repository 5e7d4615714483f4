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
    let input = crate::server::services::invoices::draft_form(&state.db, id)
        .await
        .map_err(ctx::fail)?;
    Ok(DraftFlash {
        input,
        errors: Default::default(),
    })
}

/// Saves the edited draft; refusals come back with every field error and what was typed.
#[server(endpoint = "update_draft")]
pub async fn update_draft(id: i64, draft: DraftInput) -> Result<(), AppError> {
    use crate::api::ctx;
    let (state, user) = ctx::require_staff().await?;
    let updated = crate::server::services::invoicing::update_draft_by(
        &state.db,
        id,
        &draft,
        ctx::today(),
        Some(user.id),
    )
    .await;
    match updated {
        Ok(()) => {
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
