//! `GET /checkout/simulated/{id}/cancel`: "cancel" on the simulated
//! provider's checkout page. It goes back to where the checkout was started
//! (the invoice page, the pay link or the statement) through the session id, which only its
//! holder knows (128 random bits), so the checkout page itself never carries
//! the pay-link token. Stripe's hosted page does the same with its cancel URL.
use crate::error::AppError;
use crate::server::services::statement_pay;
use crate::server::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

pub fn router() -> Router<AppState> {
    Router::new().route("/checkout/simulated/{id}/cancel", get(cancel))
}

async fn cancel(State(state): State<AppState>, Path(id): Path<String>) -> Response {
    let Some(sim) = state.payments.simulated.clone() else {
        return AppError::NotFound.into_response();
    };
    match statement_pay::simulated_session(&state.db, &id).await {
        // A session this process did not open (a restart) goes home.
        Ok(_) => super::see_other(sim.cancel_path(&id).as_deref().unwrap_or("/"), "/"),
        Err(e) => e.into_response(),
    }
}
