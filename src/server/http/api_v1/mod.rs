//! `/api/v1`: the ERP API, plain axum routes with JSON bodies. Every call
//! passes [`gate`]: an API key (`Authorization: Bearer qk_live_…`; a wrong
//! and a revoked key get the same 401), its rate limit (429 with
//! `Retry-After`), its scope (a read key writing: 403), and for POSTs the
//! `Idempotency-Key` (required; the first answer is stored and replayed
//! for 24 h; another body with the same key: 422; the same key while the
//! first request runs: 409). Writes go through the services the pages use.
//! The OpenAPI 3.1 document is generated from the handlers
//! ([`ApiDoc`]) and served with its reference page, without a key.
pub mod customers;
pub mod docs;
pub mod invoices;
pub mod payments;
pub mod problem;
pub mod rate_limit;
pub mod types;

use crate::error::AppError;
use crate::server::services::api_keys::{self, ApiCaller, Idempotency};
use crate::server::state::AppState;
use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use problem::{ApiError, Problem};
use rate_limit::RateLimiter;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Instant;
use utoipa::OpenApi;

/// The largest request body taken.
const MAX_BODY: usize = 1024 * 1024;
/// The largest answer stored for a replay (documents are never POST answers).
const MAX_STORED: usize = 4 * 1024 * 1024;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Quittance ERP API",
        version = "1",
        description = "Customers, invoices, credit notes and payments of the portal, for an ERP or billing system. \
Authenticate with `Authorization: Bearer <key>` (keys are made by admins on /staff/api-keys). Every POST needs an \
`Idempotency-Key` header. Errors are application/problem+json (RFC 9457). Amounts are integer minor units."
    ),
    paths(
        customers::create_customer,
        customers::update_customer,
        customers::upsert_customer,
        customers::get_customer,
        customers::list_customers,
        invoices::create_invoice,
        invoices::issue_invoice,
        invoices::get_invoice,
        invoices::list_invoices,
        invoices::invoice_pdf,
        invoices::invoice_facturx,
        invoices::create_credit_note,
        invoices::list_credit_notes,
        payments::list_payments,
        payments::record_payment,
    ),
    components(schemas(problem::Problem, problem::FieldError)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("An API key: qk_live_…"))
                    .build(),
            ),
        );
    }
}

/// The document as JSON text.
pub fn openapi_json() -> String {
    ApiDoc::openapi().to_pretty_json().unwrap_or_default()
}

#[derive(Clone)]
struct Gate {
    state: AppState,
    limiter: Arc<RateLimiter>,
}

/// The routes: the keyed API behind [`gate`], the document and its page open.
pub fn router(state: &AppState) -> Router<AppState> {
    let gate_state = Gate {
        state: state.clone(),
        limiter: Arc::new(RateLimiter::new(state.config.api_rate)),
    };
    let keyed = Router::new()
        .route(
            "/api/v1/customers",
            post(customers::create_customer).get(customers::list_customers),
        )
        .route(
            "/api/v1/customers/{id}",
            put(customers::update_customer).get(customers::get_customer),
        )
        .route(
            "/api/v1/customers/by-external-id/{external_id}",
            put(customers::upsert_customer),
        )
        .route(
            "/api/v1/invoices",
            post(invoices::create_invoice).get(invoices::list_invoices),
        )
        .route("/api/v1/invoices/{id}", get(invoices::get_invoice))
        .route("/api/v1/invoices/{id}/issue", post(invoices::issue_invoice))
        .route("/api/v1/invoices/{id}/pdf", get(invoices::invoice_pdf))
        .route(
            "/api/v1/invoices/{id}/factur-x.xml",
            get(invoices::invoice_facturx),
        )
        .route(
            "/api/v1/invoices/{id}/credit-notes",
            post(invoices::create_credit_note),
        )
        .route("/api/v1/credit-notes", get(invoices::list_credit_notes))
        .route(
            "/api/v1/invoices/{id}/payments",
            post(payments::record_payment),
        )
        .route("/api/v1/payments", get(payments::list_payments))
        .route_layer(axum::middleware::from_fn_with_state(gate_state, gate));
    Router::new()
        .route("/api/v1/openapi.json", get(openapi_document))
        .route("/api/v1/docs", get(docs::reference_page))
        .merge(keyed)
}

async fn openapi_document() -> Response {
    let mut res = openapi_json().into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    res
}

fn bearer(headers: &HeaderMap) -> &str {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .unwrap_or("")
}

/// Authentication, rate limit, scope and idempotency, before every keyed route.
async fn gate(State(g): State<Gate>, mut req: Request, next: Next) -> Response {
    let caller = match api_keys::authenticate(&g.state.db, bearer(req.headers())).await {
        Ok(c) => c,
        Err(e) => return ApiError::from(e).into_response(),
    };
    if let Err(wait) = g.limiter.take(caller.key_id, Instant::now()) {
        let mut p = Problem::from_app(&AppError::Throttled {
            retry_after_minutes: 0,
        });
        p.detail = format!("rate limit of this key reached; retry in {wait} s");
        p.retry_after = Some(wait);
        return p.into_response();
    }
    let method = req.method().clone();
    if !matches!(method, Method::GET | Method::HEAD) && !caller.scope.may_write() {
        return ApiError::from(AppError::Forbidden).into_response();
    }
    if method != Method::POST {
        req.extensions_mut().insert(caller);
        return next.run(req).await;
    }
    let idem_key = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .unwrap_or("")
        .to_string();
    if idem_key.is_empty() || idem_key.len() > 255 {
        return Problem::bad_request(
            "every POST needs an Idempotency-Key header (1 to 255 characters)",
        )
        .field("Idempotency-Key", "required")
        .into_response();
    }
    let (parts, body) = req.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, MAX_BODY).await else {
        return Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "too-large",
            "Body too large",
            "at most 1 MiB",
        )
        .into_response();
    };
    let path = parts
        .uri
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let hash = api_keys::request_hash(caller.key_id, method.as_str(), &path, &bytes);
    let db = g.state.db.clone();
    match api_keys::begin(&db, caller.key_id, &idem_key, &hash).await {
        Ok(Idempotency::Run) => {}
        Ok(Idempotency::Replay {
            status,
            content_type,
            body,
        }) => return replay(status, &content_type, body),
        Ok(Idempotency::Mismatch) => {
            return Problem::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "idempotency-mismatch",
                "Idempotency key reused",
                "this Idempotency-Key was used with another request; use a new key",
            )
            .into_response();
        }
        Ok(Idempotency::InProgress) => {
            return Problem::new(
                StatusCode::CONFLICT,
                "idempotency-in-progress",
                "Request in progress",
                "a request with this Idempotency-Key is still running; retry later",
            )
            .into_response();
        }
        Err(e) => return ApiError::from(e).into_response(),
    }
    let key_id = caller.key_id;
    let mut req = Request::from_parts(parts, Body::from(bytes));
    req.extensions_mut().insert(caller);
    // Its own task: a client that hangs up does not cut the request between
    // its effect and the stored answer.
    let task = tokio::spawn(async move {
        let res = next.run(req).await;
        let (parts, body) = res.into_parts();
        let bytes = match axum::body::to_bytes(body, MAX_STORED).await {
            Ok(b) => b,
            Err(e) => {
                let _ = api_keys::give_back(&db, key_id, &idem_key).await;
                return ApiError::from(AppError::internal("api answer", e)).into_response();
            }
        };
        let stored = if parts.status.is_server_error() {
            api_keys::give_back(&db, key_id, &idem_key).await
        } else {
            let content_type = parts
                .headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("application/json");
            api_keys::finish(
                &db,
                key_id,
                &idem_key,
                parts.status.as_u16(),
                content_type,
                &String::from_utf8_lossy(&bytes),
            )
            .await
        };
        if let Err(e) = stored {
            tracing::error!(error = %e, "could not store an idempotent answer");
        }
        Response::from_parts(parts, Body::from(bytes))
    });
    match task.await {
        Ok(res) => res,
        Err(e) => ApiError::from(AppError::internal("api task", e)).into_response(),
    }
}

fn replay(status: u16, content_type: &str, body: String) -> Response {
    let mut res = (StatusCode::from_u16(status).unwrap_or(StatusCode::OK), body).into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert("idempotent-replayed", HeaderValue::from_static("true"));
    res
}

/// A JSON body of `T`, or a 400 problem naming the field. An empty body
/// reads as `{}`.
pub fn parse<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        body
    };
    serde_json::from_slice(text).map_err(|e| ApiError(Problem::from_json_error(&e)))
}

/// A query string of `T`, or a 400 problem.
pub fn query<T: DeserializeOwned + Default>(
    q: Result<axum::extract::Query<T>, axum::extract::rejection::QueryRejection>,
) -> Result<T, ApiError> {
    q.map(|axum::extract::Query(t)| t).map_err(|e| {
        let text = e.body_text();
        let p = Problem::bad_request(text.clone());
        let p = match text
            .split_once("unknown field `")
            .and_then(|(_, r)| r.split('`').next())
        {
            Some(f) => p.field(f, "unknown_field"),
            None => p.field("", "invalid_query"),
        };
        ApiError(p)
    })
}

/// A JSON answer.
pub fn json<T: Serialize>(status: StatusCode, value: &T) -> Response {
    match serde_json::to_string(value) {
        Ok(body) => {
            let mut res = (status, body).into_response();
            let h = res.headers_mut();
            h.insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Err(e) => ApiError::from(AppError::internal("api json", e)).into_response(),
    }
}

/// Today where the business is.
pub fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Records a write in the audit log with the key's name (a failure to write
/// it is logged: the change itself is done).
pub async fn audit(state: &AppState, caller: &ApiCaller, action: &str, subject: &str) {
    if let Err(e) = api_keys::audit_write(&state.db, caller, action, subject).await {
        tracing::error!(error = ?e, action, "could not record an API audit row");
    }
}
