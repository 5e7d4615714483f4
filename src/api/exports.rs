//! The exports page: the range form's state (staff), and the accounting
//! settings (read by staff on the page only when admin; saved by admins).
//! The files themselves are plain routes (`server/http/exports.rs`).
use crate::error::AppError;
use crate::model::dashboard::RangeIssue;
use crate::model::export::AccountingSettings;
use crate::model::validate::FieldErrors;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
const SETTINGS_FLASH: &str = "accounting_settings_flash";

#[cfg(feature = "ssr")]
const PAGE: &str = "/staff/exports";

/// What `/staff/exports` shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportsPage {
    /// The range as typed (or its default), and the file language (`fr`/`en`).
    pub from: String,
    pub to: String,
    pub lang: String,
    /// Why the range is refused; no links then.
    pub issue: Option<RangeIssue>,
    /// The accounting settings form, for admins only: stored, or as typed
    /// when refused, with each field's problem.
    pub settings: Option<(AccountingSettings, FieldErrors)>,
}

/// The page's state for the range typed (`None`: the last 12 months) and
/// the file language (`None`: the reader's); agents and admins only.
#[server(endpoint = "exports_page")]
pub async fn get_exports_page(
    #[server(default)] from: Option<String>,
    #[server(default)] to: Option<String>,
    #[server(default)] lang: Option<String>,
) -> Result<ExportsPage, AppError> {
    use crate::api::ctx;
    use crate::model::export::iso_date;
    use crate::server::services::exports;
    let (state, user) = ctx::require_staff().await?;
    ctx::no_store();
    let lang = lang
        .as_deref()
        .and_then(crate::model::lang::Lang::parse)
        .map(|l| l.code().to_string())
        .unwrap_or_default();
    let (from, to, issue) = match exports::range(from.as_deref(), to.as_deref(), ctx::today()) {
        Ok((f, t)) => (iso_date(f), iso_date(t), None),
        Err(i) => (from.unwrap_or_default(), to.unwrap_or_default(), Some(i)),
    };
    let settings = if user.role.can_administer() {
        let session = ctx::session().await?;
        let flash: Option<(AccountingSettings, FieldErrors)> = session
            .remove(SETTINGS_FLASH)
            .await
            .map_err(|e| AppError::internal("session", e))?;
        match flash {
            Some(f) => Some(f),
            None => Some((
                exports::settings(&state.db).await.map_err(ctx::fail)?,
                FieldErrors::default(),
            )),
        }
    } else {
        None
    };
    Ok(ExportsPage {
        from,
        to,
        lang,
        issue,
        settings,
    })
}

/// Saves the accounts and journals of the FEC (admins); a refusal comes back
/// to the page with what was typed and each field's message.
#[server(endpoint = "save_accounting_settings")]
pub async fn save_accounting_settings(settings: AccountingSettings) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::services::exports;
    let (state, user) = ctx::require_admin().await?;
    match exports::save_settings(&state.db, &user, settings.clone()).await {
        Ok(()) => {
            leptos_axum::redirect(&format!("{PAGE}?saved=1#accounting"));
            Ok(())
        }
        Err(AppError::Validation(errors)) => {
            let session = ctx::session().await?;
            session
                .insert(SETTINGS_FLASH, (settings, errors.clone()))
                .await
                .map_err(|e| AppError::internal("session", e))?;
            // Status first: for a plain form post the redirect must win.
            let e = ctx::fail(AppError::Validation(errors));
            leptos_axum::redirect(&format!("{PAGE}#accounting"));
            Err(e)
        }
        Err(e) => Err(ctx::fail(e)),
    }
}
