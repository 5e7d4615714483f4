//! Staff accounts: admins create them, set their role, deactivate them.
use crate::error::AppError;
use crate::model::staff_user::StaffAccount;
use leptos::prelude::*;

#[server(endpoint = "staff_accounts")]
pub async fn staff_accounts() -> Result<Vec<StaffAccount>, AppError> {
    let (state, me) = crate::api::ctx::require_admin().await?;
    crate::api::ctx::no_store();
    crate::server::services::staff::accounts(&state.db, me.id).await
}

/// Creates an agent or admin with an initial password (10 to 256 characters).
#[server(endpoint = "create_staff")]
pub async fn create_staff(
    email: String,
    name: String,
    role: String,
    password: String,
) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::services::staff::{self, NewStaff};
    let (state, me) = crate::api::ctx::require_admin().await?;
    let new = NewStaff {
        email: &email,
        name: &name,
        role: &role,
        password: &password,
    };
    match staff::create_account(&state.db, &new, me.id).await {
        Ok(_) => {
            leptos_axum::redirect("/staff/users?created=1");
            Ok(())
        }
        Err(e @ AppError::Validation(_)) => {
            // The status first: the redirect of the plain form post must win.
            let e = ctx::fail(e);
            let refusal = crate::error::Refusal::new("", &e)
                .keep("email", &email.chars().take(254).collect::<String>())
                .keep("name", &name.trim().chars().take(200).collect::<String>());
            leptos_axum::redirect(&refusal.redirect_to("/staff/users", None));
            Err(e)
        }
        Err(e) => Err(e),
    }
}

/// Sets a staff account's role and whether it may sign in. Admins cannot change their own.
#[server(endpoint = "update_staff")]
pub async fn update_staff(
    id: i64,
    role: String,
    #[server(default)] active: Option<String>,
) -> Result<(), AppError> {
    use crate::api::ctx;
    let (state, me) = crate::api::ctx::require_admin().await?;
    let active = active.is_some_and(|a| !a.is_empty());
    crate::server::services::staff::update_account(&state.db, id, &role, active, me.id)
        .await
        .map_err(ctx::fail)?;
    leptos_axum::redirect("/staff/users?updated=1");
    Ok(())
}
