//! Request context for server functions: state, session, caller, client address.
use crate::error::AppError;
use crate::model::user::SessionUser;
use crate::server::state::{AppState, app_state};
use axum::extract::ConnectInfo;
use std::net::SocketAddr;
use tower_sessions::Session;

pub async fn session() -> Result<Session, AppError> {
    leptos_axum::extract::<Session>()
        .await
        .map_err(|e| AppError::internal("session extractor", e))
}

/// The peer address of the connection (the throttling key per client).
pub async fn client_ip() -> String {
    leptos_axum::extract::<ConnectInfo<SocketAddr>>()
        .await
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_else(|_| "unknown".into())
}

/// Redirects the browser to a path of this site (a plain form post gets its
/// 302; a hydrated call, the redirect header). Targets that come from input
/// are parsed into a [`LocalPath`](crate::model::redirect::LocalPath) first,
/// which also makes them valid header values.
pub fn redirect(to: &crate::model::redirect::LocalPath) {
    leptos_axum::redirect(to.as_str());
}

/// [`redirect`] to `to`, a target we built (one of our paths, maybe with a
/// query carrying typed values back) when it is a path of this site, else to
/// `fallback` (logged: it always should be one).
pub fn redirect_local(to: &str, fallback: &'static str) {
    let target = crate::model::redirect::LocalPath::parse_built_or(to, fallback);
    if target.as_str() != to {
        tracing::warn!(len = to.len(), "redirect target refused: not a local path");
    }
    redirect(&target);
}

/// Gives the response the status that goes with `e` (401, 403, …) and returns it,
/// so API clients see a meaningful status rather than a generic 500.
pub fn fail(e: AppError) -> AppError {
    if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        res.set_status(crate::server::http::error::status_code(&e));
    }
    e
}

/// The signed-in user, or `Unauthenticated`.
pub async fn require_user() -> Result<(AppState, SessionUser), AppError> {
    let state = app_state()?;
    let session = session().await?;
    let user = crate::server::auth::current_user(&session, &state.db.pool)
        .await?
        .ok_or_else(|| fail(AppError::Unauthenticated))?;
    Ok((state, user))
}

/// The signed-in agent or admin, or `Unauthenticated` / `Forbidden`.
pub async fn require_staff() -> Result<(AppState, SessionUser), AppError> {
    let (state, user) = require_user().await?;
    if !user.role.is_staff() {
        return Err(fail(AppError::Forbidden));
    }
    Ok((state, user))
}

/// Today's date where the business is (the server's local time zone).
pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Marks pages that show personal data as not cacheable by shared caches.
pub fn no_store() {
    if let Some(res) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        res.insert_header(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("private, no-store"),
        );
    }
}

/// The signed-in admin, or `Unauthenticated` / `Forbidden`.
pub async fn require_admin() -> Result<(AppState, SessionUser), AppError> {
    let (state, user) = require_staff().await?;
    if !user.role.can_administer() {
        return Err(fail(AppError::Forbidden));
    }
    Ok((state, user))
}
