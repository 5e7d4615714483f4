//! Sign-in, sign-out and "who am I".
use crate::error::AppError;
use crate::model::user::SessionUser;
use leptos::prelude::*;

/// Only a local path may follow a sign-in (no open redirect to another site).
pub fn safe_next(next: Option<&str>) -> Option<String> {
    let n = next?.trim();
    let local =
        n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') && !n.contains("://");
    (local && n.len() <= 512).then(|| n.to_string())
}

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
fn login_error_url(email: &str, next: Option<&str>, err: &AppError) -> String {
    let refusal = crate::error::Refusal::new("", err)
        .keep("email", email)
        .keep("next", next.unwrap_or_default());
    refusal.redirect_to("/login", None)
}

/// Signs in. Works as a plain form post: success redirects to `next` or the
/// user's home; a refusal redirects back to the login page with the reason and
/// the typed email, so the page shows the message next to the field.
#[server(endpoint = "login")]
pub async fn login(email: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use crate::api::ctx;
    let state = crate::server::state::app_state()?;
    let session = ctx::session().await?;
    let ip = ctx::client_ip().await;
    let next = safe_next(next.as_deref());
    match crate::server::services::auth::login(&state.db.pool, &email, password, &ip).await {
        Ok(user) => {
            crate::server::auth::sign_in(&session, user.id).await?;
            let target = next.unwrap_or_else(|| home_for(&user).to_string());
            leptos_axum::redirect(&target);
            Ok(())
        }
        Err(e) => {
            let shown_email: String = email
                .chars()
                .take(crate::model::validate::MAX_EMAIL_LEN)
                .collect();
            leptos_axum::redirect(&login_error_url(&shown_email, next.as_deref(), &e));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_accepted_after_sign_in() {
        assert_eq!(
            safe_next(Some("/invoices?status=paid")).as_deref(),
            Some("/invoices?status=paid")
        );
        assert_eq!(safe_next(Some("//evil.example")), None);
        assert_eq!(safe_next(Some("https://evil.example")), None);
        assert_eq!(safe_next(Some("/\\evil.example")), None);
        assert_eq!(safe_next(None), None);
    }
}
