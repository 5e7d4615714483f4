//! The plain HTTP routes beside the Leptos pages and server functions, one
//! module (and one `router()`) per concern, merged in `server/app.rs`.
pub mod checkout;
pub mod disputes;
pub mod downloads;
pub mod error;
pub mod exports;
pub mod guard;
pub mod health;
pub mod lang;
pub mod lifecycle;
pub mod logo;
pub mod metrics;
pub mod security_headers;
pub mod statement_pay;
pub mod statements;
pub mod webhooks;

use crate::model::redirect::LocalPath;
use axum::response::{IntoResponse, Redirect, Response};

/// A 303 to `to` when it is a path of this site ([`LocalPath`]), else to
/// `fallback`: the one way the plain routes redirect to a target built from
/// input, so a tampered value never leaves the site nor breaks the header.
pub fn see_other(to: &str, fallback: &'static str) -> Response {
    let target = LocalPath::parse_built_or(to, fallback);
    if target.as_str() != to {
        tracing::warn!(len = to.len(), "redirect target refused: not a local path");
    }
    Redirect::to(target.as_str()).into_response()
}

/// A 303 to the login page, which comes back to `page` after signing in
/// (the home page when `page` is not a path of this site).
pub fn to_login(page: &str) -> Response {
    Redirect::to(&LocalPath::parse_or(Some(page), "/").login_url()).into_response()
}
