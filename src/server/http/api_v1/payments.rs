//! `/api/v1/payments`: the list, and offline payments recorded through
//! `services::payments::record_offline`, as staff do.
use super::problem::{ApiError, Problem};
use super::types::{PaymentIn, PaymentList, PaymentOut, PaymentQuery};
use super::{audit, json, parse, query, today};
use crate::server::services::api_keys::ApiCaller;
use crate::server::services::api_v1 as svc;
use crate::server::state::AppState;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

/// Payments by id, a page at a time.
#[utoipa::path(get, path = "/api/v1/payments", tag = "payments",
    params(PaymentQuery),
    responses(
        (status = 200, body = PaymentList),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_payments(
    State(state): State<AppState>,
    q: Result<Query<PaymentQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let q = query(q)?;
    let limit = svc::limit(q.limit)?;
    let (rows, more) = svc::payments_page(
        &state.db,
        q.invoice_id.unwrap_or(0),
        q.starting_after.unwrap_or(0),
        limit,
    )
    .await?;
    let last = rows.last().map(|p| p.id);
    let data = rows.into_iter().map(PaymentOut::from).collect();
    Ok(json(StatusCode::OK, &PaymentList::new(data, more, last)))
}

/// Records an offline payment (transfer, cheque, cash) on an issued invoice.
#[utoipa::path(post, path = "/api/v1/invoices/{id}/payments", tag = "payments",
    params(("id" = i64, Path), ("Idempotency-Key" = String, Header, description = "required on every POST")),
    request_body = PaymentIn,
    responses(
        (status = 201, body = PaymentOut),
        (status = 400, description = "over the balance, a future date, …", body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "the invoice takes no payment (draft, paid, credited)", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn record_payment(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: PaymentIn = parse(&body)?;
    let inv = svc::doc(&state.db, "invoice", id).await?;
    let input = body.to_input(&inv.currency);
    let payment = crate::server::services::payments::record_offline(
        &state.db,
        id,
        &input,
        today(),
        caller.created_by,
    )
    .await?;
    audit(
        &state,
        &caller,
        "payment_recorded",
        &format!("payment:{payment}"),
    )
    .await;
    let (rows, _) = svc::payments_page(&state.db, id, payment - 1, 1).await?;
    let out = rows
        .into_iter()
        .next()
        .map(PaymentOut::from)
        .ok_or(crate::error::AppError::NotFound)?;
    Ok(json(StatusCode::CREATED, &out))
}
