//! Accounts by email: asking for a reset link, setting a password from a
//! reset or invitation link. Each works as a plain form post: success
//! redirects (signed in, to the user's home), a refusal redirects back to the
//! form with the reason in the query (never the password).
use crate::error::AppError;
use leptos::prelude::*;

/// Keeps only what a token can hold, so a tampered value cannot steer a redirect.
pub fn token_segment(token: &str) -> String {
    token
        .chars()
        .filter(char::is_ascii_hexdigit)
        .take(64)
        .collect()
}

/// The form's URL carrying the refusal (`err`, one `err_<field>` per bad
/// field) and the typed email when there is one.
#[cfg(feature = "ssr")]
fn refusal_url(path: &str, email: Option<&str>, err: &AppError) -> String {
    let shown: String = email
        .unwrap_or_default()
        .chars()
        .take(crate::model::validate::MAX_EMAIL_LEN)
        .collect();
    let refusal = crate::error::Refusal::new("", err).keep("email", &shown);
    refusal.redirect_to(path, None)
}

/// Sends a reset link if an account has this email. The answer is the same
/// whether or not one does: the page then says "if an account exists…".
#[server(endpoint = "forgot_password")]
pub async fn forgot_password(email: String) -> Result<(), AppError> {
    let state = crate::server::state::app_state()?;
    match crate::server::services::accounts::request_password_reset(&state.db, &email).await {
        Ok(()) => {
            leptos_axum::redirect("/forgot-password?sent=1");
            Ok(())
        }
        Err(e) => {
            leptos_axum::redirect(&refusal_url("/forgot-password", Some(&email), &e));
            Err(e)
        }
    }
}

/// Sets a new password from a reset link, then signs the user in.
#[server(endpoint = "reset_password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    let state = crate::server::state::app_state()?;
    let session = crate::api::ctx::session().await?;
    match crate::server::services::accounts::reset_password(&state.db, &token, password).await {
        Ok(user) => {
            crate::server::auth::sign_in(&session, user.id).await?;
            leptos_axum::redirect(crate::api::auth::home_for(&user));
            Ok(())
        }
        Err(e) => {
            let back = format!("/reset-password/{}", token_segment(&token));
            crate::api::ctx::redirect_local(&refusal_url(&back, None, &e), "/");
            Err(e)
        }
    }
}

/// Creates the invited contact's account with this password, then signs in.
#[server(endpoint = "accept_invitation")]
pub async fn accept_invitation(token: String, password: String) -> Result<(), AppError> {
    let state = crate::server::state::app_state()?;
    let session = crate::api::ctx::session().await?;
    match crate::server::services::accounts::accept_invitation(&state.db, &token, password).await {
        Ok(user) => {
            crate::server::auth::sign_in(&session, user.id).await?;
            leptos_axum::redirect(crate::api::auth::home_for(&user));
            Ok(())
        }
        Err(e) => {
            let back = format!("/invite/{}", token_segment(&token));
            crate::api::ctx::redirect_local(&refusal_url(&back, None, &e), "/");
            Err(e)
        }
    }
}

/// The email a live link is for (`purpose` is `invite` or `reset`), or
/// `None` when the link is unknown, used or expired.
#[server(endpoint = "account_link")]
pub async fn account_link(purpose: String, token: String) -> Result<Option<String>, AppError> {
    use crate::server::db::account_tokens::Purpose;
    let state = crate::server::state::app_state()?;
    crate::api::ctx::no_store();
    let purpose = match purpose.as_str() {
        "invite" => Purpose::Invite,
        "reset" => Purpose::Reset,
        _ => return Err(crate::api::ctx::fail(AppError::BadRequest)),
    };
    crate::server::services::accounts::link_email(&state.db, purpose, &token)
        .await
        .map_err(crate::api::ctx::fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tampered_token_cannot_change_where_a_refusal_redirects() {
        assert_eq!(token_segment("ab12/../../evil?x=1"), "ab12e1");
        assert_eq!(token_segment(&"f".repeat(100)).len(), 64);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn a_refusal_names_each_bad_field_and_never_carries_the_password() {
        use crate::model::validate::{FieldErrors, FieldProblem};
        let mut f = FieldErrors::default();
        f.add("password", FieldProblem::OutOfRange);
        let url = refusal_url("/invite/abc", None, &AppError::Validation(f));
        assert_eq!(url, "/invite/abc?err=invalid&err_password=out_of_range");
    }
}
