//! `POST <statement>/pay`: starts one checkout over several invoices from a
//! statement page (signed in, a statement link or a pay link). A plain form
//! post with repeated `pick` fields and an optional `amount`; success is a
//! 303 to the provider's checkout page, a refusal a 303 back to the
//! statement's preview with the ticks and the amount kept and the reason in
//! the query (the `spay` form's `Refusal`).
use crate::error::{AppError, Refusal};
use crate::model::statement_access::StatementAccess;
use crate::server::auth::current_user;
use crate::server::services::{payments, statement_pay, statements};
use crate::server::state::AppState;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use tower_sessions::Session;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/statement/pay", post(account))
        .route("/statements/{token}/pay", post(link))
        .route("/pay/{token}/statement/pay", post(pay_link))
}

async fn account(State(state): State<AppState>, session: Session, body: Bytes) -> Response {
    start(&state, &session, StatementAccess::Account, &body).await
}

async fn link(
    State(state): State<AppState>,
    session: Session,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    start(&state, &session, StatementAccess::Link(token), &body).await
}

async fn pay_link(
    State(state): State<AppState>,
    session: Session,
    Path(token): Path<String>,
    body: Bytes,
) -> Response {
    start(&state, &session, StatementAccess::PayLink(token), &body).await
}

/// The ticked invoice numbers and the typed amount of the form, bounded.
fn read_form(body: &[u8]) -> (Vec<String>, String) {
    let mut picks = Vec::new();
    let mut amount = String::new();
    for (k, v) in form_urlencoded::parse(body) {
        match k.as_ref() {
            "pick" if picks.len() < 200 => picks.push(v.chars().take(64).collect()),
            "amount" => amount = v.chars().take(40).collect(),
            _ => {}
        }
    }
    (picks, amount)
}

async fn start(
    state: &AppState,
    session: &Session,
    access: StatementAccess,
    body: &[u8],
) -> Response {
    let user = match current_user(session, &state.db.pool).await {
        Ok(u) => u,
        Err(e) => return e.into_response(),
    };
    if user.is_none() && access == StatementAccess::Account {
        return super::to_login(&access.page());
    }
    let now = crate::server::db::now_ts();
    let customer = match statements::customer_for(&state.db, &access, user.as_ref(), now).await {
        Ok(c) => c,
        Err(AppError::Unauthenticated) => return super::to_login(&access.page()),
        // Others' statements are not found: nothing tells they exist.
        Err(_) => return AppError::NotFound.into_response(),
    };
    let (picks, amount) = read_form(body);
    let back = match payments::return_to(&state.db, customer, access.page()).await {
        Ok(b) => b,
        Err(e) => return e.into_response(),
    };
    let started = statement_pay::start(
        &state.db,
        &state.payments,
        customer,
        &access,
        &picks,
        &amount,
        &back,
    )
    .await;
    match started {
        // The provider's own page (Stripe Checkout, or our simulated one):
        // an address it gave us, never one built from input.
        Ok(url) => Redirect::to(&url).into_response(),
        Err(e) => {
            let mut refusal = Refusal::new("spay", &e).keep("amount", &amount);
            for p in &picks {
                refusal = refusal.keep("pick", p);
            }
            if !matches!(e, AppError::Validation(_)) {
                tracing::warn!(error = ?e, "statement payment refused");
            }
            let to = format!(
                "{}?preview=1&{}#statement-pay",
                access.page(),
                refusal.to_query()
            );
            super::see_other(&to, "/")
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_keeps_every_tick_and_the_amount_and_ignores_the_rest() {
        let (picks, amount) = read_form(b"pick=F-1&pick=F-2&amount=12%2C50&other=x");
        assert_eq!(picks, vec!["F-1".to_string(), "F-2".to_string()]);
        assert_eq!(amount, "12,50");
    }
}
