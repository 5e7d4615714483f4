//! Staff accounts: admins create them, set their role, deactivate them.
use crate::error::AppError;
use crate::model::staff_user::StaffAccount;
use leptos::prelude::*;

#[server(endpoint = "staff_accounts")]
pub async fn staff_accounts() -> Result<Vec<StaffAccount>, AppError> {
    let (state, me) = crate::api::ctx::require_admin().await?;
    crate::api::ctx::no_store();
    Ok(crate::server::db::users::list_staff(&state.db.pool)
        .await?
        .into_iter()
        .map(|(user, active)| StaffAccount {
            is_me: user.id == me.id,
            user,
            active,
        })
        .collect())
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
    use crate::model::role::Role;
    use crate::model::validate::{FieldErrors, FieldProblem, check_email, normalize_email};
    let (state, me) = crate::api::ctx::require_admin().await?;
    let mut errors = FieldErrors::default();
    if let Err(p) = check_email(&email) {
        errors.add("email", p);
    }
    let name = name.trim().to_string();
    if name.is_empty() {
        errors.add("name", FieldProblem::Required);
    } else if name.chars().count() > 200 {
        errors.add("name", FieldProblem::TooLong);
    }
    let role = Role::parse(&role).filter(|r| r.is_staff());
    if role.is_none() {
        errors.add("role", FieldProblem::Required);
    }
    if let Err(p) = crate::server::services::accounts::check_new_password(&password) {
        errors.add("password", p);
    }
    let fail = |errors: FieldErrors| {
        let e = AppError::Validation(errors);
        let refusal = crate::error::Refusal::new("", &e)
            .keep("email", &email.chars().take(254).collect::<String>())
            .keep("name", &name.chars().take(200).collect::<String>());
        leptos_axum::redirect(&refusal.redirect_to("/staff/users", None));
        ctx::fail(e)
    };
    let Some(role) = role.filter(|_| errors.is_empty()) else {
        return Err(fail(errors));
    };
    let email_norm = normalize_email(&email);
    if crate::server::db::users::find_by_email(&state.db.pool, &email_norm)
        .await?
        .is_some()
    {
        let mut e = FieldErrors::default();
        e.add("email", FieldProblem::AlreadyUsed);
        return Err(fail(e));
    }
    let hash = crate::server::auth::hash_password(password).await?;
    let id =
        crate::server::db::users::insert(&state.db.pool, &email_norm, &hash, role, None, &name)
            .await?;
    let _ = crate::server::db::audit::record(
        &state.db.pool,
        Some(me.id),
        "staff_created",
        &format!("user:{id}"),
        "",
    )
    .await;
    leptos_axum::redirect("/staff/users?created=1");
    Ok(())
}

/// Sets a staff account's role and whether it may sign in. Admins cannot change their own.
#[server(endpoint = "update_staff")]
pub async fn update_staff(
    id: i64,
    role: String,
    #[server(default)] active: Option<String>,
) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::model::role::Role;
    let (state, me) = crate::api::ctx::require_admin().await?;
    if id == me.id {
        return Err(ctx::fail(AppError::Conflict));
    }
    let role = Role::parse(&role)
        .filter(|r| r.is_staff())
        .ok_or_else(|| ctx::fail(AppError::BadRequest))?;
    let active = active.is_some_and(|a| !a.is_empty());
    if crate::server::db::users::update_staff(&state.db.pool, id, role, active).await? == 0 {
        return Err(ctx::fail(AppError::NotFound));
    }
    let action = if active {
        "staff_updated"
    } else {
        "staff_deactivated"
    };
    let _ = crate::server::db::audit::record(
        &state.db.pool,
        Some(me.id),
        action,
        &format!("user:{id}"),
        "",
    )
    .await;
    leptos_axum::redirect("/staff/users?updated=1");
    Ok(())
}
