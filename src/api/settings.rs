//! Company settings: admins only.
use crate::error::AppError;
use crate::model::settings::SettingsInput;
use crate::model::validate::FieldErrors;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
const SETTINGS_FLASH: &str = "settings_flash";

/// The form: a refused submission from the session, else the stored settings.
#[server(endpoint = "settings")]
pub async fn get_settings() -> Result<(SettingsInput, FieldErrors), AppError> {
    use crate::api::ctx;
    let (state, _) = crate::api::ctx::require_admin().await?;
    ctx::no_store();
    let session = ctx::session().await?;
    let flash: Option<(SettingsInput, FieldErrors)> = session
        .remove(SETTINGS_FLASH)
        .await
        .map_err(|e| AppError::internal("session", e))?;
    match flash {
        Some(f) => Ok(f),
        None => Ok((
            crate::server::services::settings::form(&state.db).await?,
            FieldErrors::default(),
        )),
    }
}

/// Saves the settings; each bad field comes back with its message.
#[server(endpoint = "save_settings")]
pub async fn save_settings(settings: SettingsInput) -> Result<(), AppError> {
    use crate::api::ctx;
    let (state, user) = crate::api::ctx::require_admin().await?;
    match crate::model::settings::validate_settings(&settings) {
        Ok(valid) => {
            crate::server::services::settings::save(&state.db, &valid, user.id).await?;
            leptos_axum::redirect("/staff/settings?saved=1");
            Ok(())
        }
        Err(errors) => {
            let session = ctx::session().await?;
            session
                .insert(SETTINGS_FLASH, (settings, errors.clone()))
                .await
                .map_err(|e| AppError::internal("session", e))?;
            let e = ctx::fail(AppError::Validation(errors));
            leptos_axum::redirect("/staff/settings");
            Err(e)
        }
    }
}

/// The URL of the current company logo, if one was uploaded (admins only).
/// Uploading and removing it are plain form posts to `/staff/settings/logo`
/// and `/staff/settings/logo/remove` (see `server/logo.rs`).
#[server(endpoint = "settings_logo")]
pub async fn settings_logo() -> Result<Option<String>, AppError> {
    let (state, _) = crate::api::ctx::require_admin().await?;
    crate::api::ctx::no_store();
    crate::server::services::settings::logo_url(&state.db).await
}
