//! The one error type shared by the server and the browser.
//!
//! It carries a *kind* and, for bad input, which field failed and why: never an
//! internal cause. Server-side conversions log the cause, then collapse it to
//! [`AppError::Internal`], so a database message can never reach a user.
use crate::model::validate::FieldErrors;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Nobody is signed in, or the session expired.
    #[error("not signed in")]
    Unauthenticated,
    /// Signed in, but this role or account may not see or do this.
    #[error("forbidden")]
    Forbidden,
    /// The thing does not exist, or exists but belongs to someone else.
    #[error("not found")]
    NotFound,
    /// One or more fields were refused; nothing was saved.
    #[error("invalid input")]
    Validation(FieldErrors),
    /// Wrong email or password, worded so it never tells which.
    #[error("invalid credentials")]
    InvalidCredentials,
    /// Too many failed sign-ins for this email or address; retry later.
    #[error("too many attempts")]
    Throttled { retry_after_minutes: i64 },
    /// The action does not fit the current state (e.g. issuing an issued invoice).
    #[error("conflict")]
    Conflict,
    /// The request itself was malformed (unreadable arguments).
    #[error("bad request")]
    BadRequest,
    /// Something failed on our side; the cause is in the server log only.
    #[error("internal error")]
    Internal,
}

impl AppError {
    /// The HTTP status that goes with this error.
    pub fn status(&self) -> u16 {
        match self {
            AppError::Unauthenticated => 401,
            AppError::Forbidden => 403,
            AppError::NotFound => 404,
            AppError::Validation(_) | AppError::BadRequest => 400,
            AppError::InvalidCredentials => 401,
            AppError::Throttled { .. } => 429,
            AppError::Conflict => 409,
            AppError::Internal => 500,
        }
    }

    /// A short code carried in redirect URLs after a plain (no-JS) form post.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::NotFound => "not_found",
            AppError::Validation(_) => "invalid",
            AppError::InvalidCredentials => "credentials",
            AppError::Throttled { .. } => "throttled",
            AppError::Conflict => "conflict",
            AppError::BadRequest => "bad_request",
            AppError::Internal => "internal",
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_)
            | ServerFnErrorErr::Deserialization(_)
            | ServerFnErrorErr::MissingArg(_)
            | ServerFnErrorErr::UnsupportedRequestMethod(_) => AppError::BadRequest,
            _ => AppError::Internal,
        }
    }
}

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => AppError::NotFound,
            other => {
                tracing::error!(error = %other, "database error");
                AppError::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Logs an internal cause and returns the generic error shown to users.
    pub fn internal(context: &str, cause: impl std::fmt::Display) -> AppError {
        tracing::error!(error = %cause, "{context}");
        AppError::Internal
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_errors_map_to_500_and_say_nothing_of_their_cause() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::ServerError("db down".into()));
        assert_eq!(e, AppError::Internal);
        assert_eq!(e.status(), 500);
        assert!(!format!("{e}").contains("db"));
    }

    #[test]
    fn unreadable_arguments_are_a_bad_request() {
        let e = AppError::from_server_fn_error(ServerFnErrorErr::Args("x".into()));
        assert_eq!(e.status(), 400);
    }
}
