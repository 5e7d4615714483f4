//! `POST /webhooks/stripe`: the raw body is verified against `Stripe-Signature`
//! before anything is read from it; a bad, missing or stale signature gets 400
//! and changes nothing. A verified event is applied once (see
//! `services::webhooks`) and answered 200 at once; a failure to apply answers
//! 500 so that the provider delivers it again later.
use crate::server::payments::{events, signature};
use crate::server::services::webhooks::{self, Applied};
use crate::server::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;

pub fn router() -> Router<AppState> {
    Router::new().route("/webhooks/stripe", post(stripe_webhook))
}

pub async fn stripe_webhook(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let header = headers
        .get("stripe-signature")
        .and_then(|v| v.to_str().ok());
    let now = chrono::Utc::now().timestamp();
    if let Err(e) = signature::verify(state.payments.webhook_secret.expose(), header, &body, now) {
        tracing::warn!(reason = %e, "webhook refused");
        super::metrics::webhook_event("refused");
        return (StatusCode::BAD_REQUEST, "invalid signature").into_response();
    }
    let event = match events::parse(&body) {
        Ok(e) => e,
        Err(e) => {
            tracing::warn!(error = %e, "webhook body is not an event");
            super::metrics::webhook_event("refused");
            return (StatusCode::BAD_REQUEST, "not an event").into_response();
        }
    };
    match webhooks::apply(&state.db, &event).await {
        Ok(Applied::Done(outcome)) => {
            tracing::info!(event = %event.id, kind = %event.kind, outcome, "webhook applied");
            super::metrics::webhook_event("applied");
            (
                StatusCode::OK,
                axum::Json(serde_json::json!({"received": true, "outcome": outcome})),
            )
                .into_response()
        }
        Ok(Applied::Duplicate) => {
            tracing::info!(event = %event.id, kind = %event.kind, "webhook duplicate ignored");
            super::metrics::webhook_event("duplicate");
            (
                StatusCode::OK,
                axum::Json(serde_json::json!({"received": true, "outcome": "duplicate"})),
            )
                .into_response()
        }
        Err(e) => {
            tracing::error!(event = %event.id, error = ?e, "webhook not applied; the provider will retry");
            super::metrics::webhook_event("failed");
            (StatusCode::INTERNAL_SERVER_ERROR, "not applied").into_response()
        }
    }
}
