//! Shared application state, given to axum handlers and, through Leptos context,
//! to server functions.
use super::config::Config;
use super::db::Db;
use super::payments::Payments;
use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

#[derive(Clone, Debug)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub db: Db,
    pub config: Arc<Config>,
    pub payments: Payments,
    /// Whether the database answered its last probe (`http::health::watch`).
    pub db_up: Arc<AtomicBool>,
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The state from inside a server function (provided as context by the router).
pub fn app_state() -> Result<AppState, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>()
        .ok_or_else(|| crate::error::AppError::internal("context", "AppState missing from context"))
}
