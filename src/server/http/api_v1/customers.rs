//! `/api/v1/customers`: create, update, upsert by the ERP's id, get, list.
use super::problem::{ApiError, Problem};
use super::types::{CustomerIn, CustomerList, CustomerOut, PageQuery};
use super::{audit, json, parse, query};
use crate::error::AppError;
use crate::model::customer::validate_customer;
use crate::server::services::api_keys::ApiCaller;
use crate::server::services::api_v1::{self as svc, CustomerTarget};
use crate::server::state::AppState;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;

async fn save(
    state: &AppState,
    caller: &ApiCaller,
    target: CustomerTarget<'_>,
    body: &CustomerIn,
) -> Result<(CustomerOut, bool), ApiError> {
    let clean = validate_customer(&body.to_input()).map_err(AppError::Validation)?;
    let (id, created) = svc::save_customer(&state.db, target, &clean, caller.created_by).await?;
    let action = if created {
        "customer_created"
    } else {
        "customer_updated"
    };
    audit(state, caller, action, &format!("customer:{id}")).await;
    Ok((svc::customer(&state.db, id).await?.into(), created))
}

/// Creates a customer.
#[utoipa::path(post, path = "/api/v1/customers", tag = "customers",
    params(("Idempotency-Key" = String, Header, description = "required on every POST")),
    request_body = CustomerIn,
    responses(
        (status = 201, body = CustomerOut),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "external_id taken", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_customer(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: CustomerIn = parse(&body)?;
    let target = CustomerTarget::New(body.external_id.as_deref());
    let (out, _) = save(&state, &caller, target, &body).await?;
    Ok(json(StatusCode::CREATED, &out))
}

/// Replaces a customer's fields.
#[utoipa::path(put, path = "/api/v1/customers/{id}", tag = "customers",
    params(("id" = i64, Path)),
    request_body = CustomerIn,
    responses(
        (status = 200, body = CustomerOut),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn update_customer(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: CustomerIn = parse(&body)?;
    if body.external_id.is_some() {
        return Err(Problem::bad_request(
            "external_id is set by PUT /api/v1/customers/by-external-id/{external_id}",
        )
        .field("external_id", "unknown_field")
        .into());
    }
    let (out, _) = save(&state, &caller, CustomerTarget::Id(id), &body).await?;
    Ok(json(StatusCode::OK, &out))
}

/// Creates or updates the customer with this ERP id.
#[utoipa::path(put, path = "/api/v1/customers/by-external-id/{external_id}", tag = "customers",
    params(("external_id" = String, Path)),
    request_body = CustomerIn,
    responses(
        (status = 200, description = "updated", body = CustomerOut),
        (status = 201, description = "created", body = CustomerOut),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn upsert_customer(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(external_id): Path<String>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: CustomerIn = parse(&body)?;
    if body
        .external_id
        .as_deref()
        .is_some_and(|e| e != external_id)
    {
        return Err(Problem::bad_request("external_id differs from the path")
            .field("external_id", "out_of_range")
            .into());
    }
    let (out, created) = save(
        &state,
        &caller,
        CustomerTarget::External(&external_id),
        &body,
    )
    .await?;
    let status = if created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok(json(status, &out))
}

/// One customer.
#[utoipa::path(get, path = "/api/v1/customers/{id}", tag = "customers",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = CustomerOut),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_customer(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let c: CustomerOut = svc::customer(&state.db, id).await?.into();
    Ok(json(StatusCode::OK, &c))
}

/// Customers by id, a page at a time.
#[utoipa::path(get, path = "/api/v1/customers", tag = "customers",
    params(PageQuery),
    responses(
        (status = 200, body = CustomerList),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_customers(
    State(state): State<AppState>,
    q: Result<Query<PageQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let q = query(q)?;
    let limit = svc::limit(q.limit)?;
    let (rows, more) = svc::customers_page(&state.db, q.starting_after.unwrap_or(0), limit).await?;
    let last = rows.last().map(|c| c.id);
    let data = rows.into_iter().map(CustomerOut::from).collect();
    Ok(json(StatusCode::OK, &CustomerList::new(data, more, last)))
}
