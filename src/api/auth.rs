//! Sign-in, sign-out and "who am I".
use crate::error::AppError;
use crate::model::user::SessionUser;
use leptos::prelude::*;

/// Where a user lands after signing in when no `next` was given.
pub fn home_for(user: &SessionUser) -> &'static str {
    if user.role.is_staff() {
        "/staff"
    } else {
        "/invoices"
    }
}

/// The login page URL that shows `err` and keeps the typed email (never the password).
#[cfg(feature = "ssr")]
fn login_error_url(
    email: &str,
    next: Option<&crate::model::redirect::LocalPath>,
    err: &AppError,
) -> String {
    let refusal = crate::error::Refusal::new("", err)
        .keep("email", email)
        .keep("next", next.map(|n| n.as_str()).unwrap_or_default());
    refusal.redirect_to("/login", None)
}

/// Signs in. Works as a plain form post: success redirects to `next` (when it
/// is a path of this site, see [`LocalPath`](crate::model::redirect::LocalPath)) or the
/// user's home; a refusal redirects back to the login page with the reason and
/// the typed email, so the page shows the message next to the field.
#[server(endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::api::ctx;
    let state = crate::server::state::app_state()?;
    let session = ctx::session().await?;
    let ip = ctx::client_ip().await;
    let next = next
        .as_deref()
        .and_then(crate::model::redirect::LocalPath::parse);
    match crate::server::services::auth::login(&state.db.pool, &email, password, &ip).await {
        Ok(user) => {
            crate::server::auth::sign_in(&session, user.id).await?;
            let target = next.unwrap_or_else(|| {
                crate::model::redirect::LocalPath::parse_or(None, home_for(&user))
            });
            ctx::redirect(&target);
            Ok(())
        }
        Err(e) => {
            let shown_email: String = email
                .chars()
                .take(crate::model::validate::MAX_EMAIL_LEN)
                .collect();
            leptos_axum::redirect(&login_error_url(&shown_email, next.as_ref(), &e));
            Err(e)
        }
    }
}

/// Signs out and returns to the login page.
#[server(endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let session = crate::api::ctx::session().await?;
    crate::server::auth::sign_out(&session).await?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// The signed-in user, if any.
#[server(endpoint = "me")]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    use crate::api::ctx;
    let state = crate::server::state::app_state()?;
    let session = ctx::session().await?;
    ctx::no_store();
    crate::server::auth::current_user(&session, &state.db.pool).await
}
