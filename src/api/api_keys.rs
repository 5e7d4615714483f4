//! API keys of the ERP API: admins create, list and revoke them. The secret
//! of a new key goes through the session to the next page load, once.
use crate::error::AppError;
use crate::model::api_key::ApiKeysPage;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
const NEW_SECRET: &str = "api_key_secret";

/// Every key, and the secret of the one just created (taken out of the session).
#[server(endpoint = "api_keys")]
pub async fn api_keys() -> Result<ApiKeysPage, AppError> {
    use crate::api::ctx;
    let (state, _) = ctx::require_admin().await?;
    ctx::no_store();
    let session = ctx::session().await?;
    let new_secret: Option<String> = session
        .remove(NEW_SECRET)
        .await
        .map_err(|e| AppError::internal("session", e))?;
    Ok(ApiKeysPage {
        keys: crate::server::services::api_keys::list(&state.db).await?,
        new_secret,
    })
}

/// Creates a key with a name and a scope (`read` or `write`).
#[server(endpoint = "create_api_key")]
pub async fn create_api_key(name: String, scope: String) -> Result<(), AppError> {
    use crate::api::ctx;
    let (state, me) = ctx::require_admin().await?;
    match crate::model::api_key::validate_new_key(&name, &scope) {
        Ok(key) => {
            let secret = crate::server::services::api_keys::create(&state.db, &key, me.id).await?;
            let session = ctx::session().await?;
            session
                .insert(NEW_SECRET, secret)
                .await
                .map_err(|e| AppError::internal("session", e))?;
            leptos_axum::redirect("/staff/api-keys?created=1");
            Ok(())
        }
        Err(errors) => {
            let e = ctx::fail(AppError::Validation(errors));
            let refusal = crate::error::Refusal::new("", &e)
                .keep("name", &name.trim().chars().take(100).collect::<String>());
            leptos_axum::redirect(&refusal.redirect_to("/staff/api-keys", None));
            Err(e)
        }
    }
}

/// Revokes a key: its secret stops working at once.
#[server(endpoint = "revoke_api_key")]
pub async fn revoke_api_key(id: i64) -> Result<(), AppError> {
    use crate::api::ctx;
    let (state, me) = ctx::require_admin().await?;
    crate::server::services::api_keys::revoke(&state.db, id, me.id)
        .await
        .map_err(ctx::fail)?;
    leptos_axum::redirect("/staff/api-keys?revoked=1");
    Ok(())
}
