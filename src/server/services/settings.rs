//! The company's settings as admins edit them.
use crate::error::AppError;
use crate::model::settings::{SettingsInput, ValidSettings};
use crate::server::db::{Db, audit, company};

/// The settings form's stored values.
pub async fn form(db: &Db) -> Result<SettingsInput, AppError> {
    Ok(company::settings_input(&db.pool).await?)
}

/// Stores validated settings with their audit row, in one transaction.
pub async fn save(db: &Db, valid: &ValidSettings, admin: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    company::save(&mut *tx, valid).await?;
    audit::record_in(&mut tx, Some(admin), "settings_saved", "company").await?;
    tx.commit().await?;
    Ok(())
}

/// The URL of the current logo, if one was uploaded.
pub async fn logo_url(db: &Db) -> Result<Option<String>, AppError> {
    Ok(company::logo_etag(&db.pool)
        .await?
        .map(|etag| crate::model::settings::logo_url(&etag)))
}

/// Replaces the logo (already checked) with its audit row, in one transaction.
pub async fn save_logo(db: &Db, logo: &company::Logo, admin: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    company::save_logo(&mut *tx, logo).await?;
    audit::record_in(&mut tx, Some(admin), "logo_saved", "company").await?;
    tx.commit().await?;
    Ok(())
}

/// Removes the logo with its audit row, in one transaction.
pub async fn remove_logo(db: &Db, admin: i64) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    company::delete_logo(&mut *tx).await?;
    audit::record_in(&mut tx, Some(admin), "logo_removed", "company").await?;
    tx.commit().await?;
    Ok(())
}
