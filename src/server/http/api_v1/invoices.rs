//! `/api/v1/invoices` and `/api/v1/credit-notes`: drafts with lines, issue,
//! reads, the PDF and Factur-X XML, credit notes. Through `invoicing` and
//! `documents`, as the staff pages.
use super::problem::{ApiError, Problem};
use super::types::{
    CreditNoteIn, CreditNoteList, CreditNoteOut, CreditNoteQuery, InvoiceIn, InvoiceList,
    InvoiceOut, InvoiceQuery, IssueIn,
};
use super::{audit, json, parse, query, today};
use crate::error::AppError;
use crate::model::invoice::InvoiceStatus;
use crate::model::validate::{FieldErrors, FieldProblem};
use crate::model::vat::VatRate;
use crate::server::db::api_v1::DocFilter;
use crate::server::services::api_keys::ApiCaller;
use crate::server::services::api_v1 as svc;
use crate::server::services::documents::{self, Viewer};
use crate::server::services::invoicing::{self, CreditRequest};
use crate::server::state::AppState;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

async fn invoice_out(state: &AppState, id: i64) -> Result<InvoiceOut, ApiError> {
    let d = svc::doc(&state.db, "invoice", id).await?;
    let lines = svc::lines(&state.db, id).await?;
    Ok(InvoiceOut::new(d, lines))
}

async fn credit_note_out(state: &AppState, id: i64) -> Result<CreditNoteOut, ApiError> {
    let d = svc::doc(&state.db, "credit_note", id).await?;
    let lines = svc::lines(&state.db, id).await?;
    Ok(CreditNoteOut::new(d, lines))
}

/// Creates a draft invoice with its lines (checked as on the staff form).
#[utoipa::path(post, path = "/api/v1/invoices", tag = "invoices",
    params(("Idempotency-Key" = String, Header, description = "required on every POST")),
    request_body = InvoiceIn,
    responses(
        (status = 201, body = InvoiceOut),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_invoice(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: InvoiceIn = parse(&body)?;
    let id = invoicing::create_draft_by(&state.db, &body.to_input(), today(), None).await?;
    audit(&state, &caller, "draft_created", &format!("draft:{id}")).await;
    Ok(json(StatusCode::CREATED, &invoice_out(&state, id).await?))
}

/// Issues a draft today: its number (gapless, in the issuing transaction) and pay link.
#[utoipa::path(post, path = "/api/v1/invoices/{id}/issue", tag = "invoices",
    params(("id" = i64, Path), ("Idempotency-Key" = String, Header, description = "required on every POST")),
    request_body(content = IssueIn, description = "empty or {}"),
    responses(
        (status = 200, body = InvoiceOut),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "not a draft: an issued invoice cannot change", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn issue_invoice(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let _: IssueIn = parse(&body)?;
    svc::doc(&state.db, "invoice", id).await?;
    let issued = invoicing::issue(&state.db, id, today(), None).await?;
    audit(&state, &caller, "issued", &issued.number).await;
    let mut out = invoice_out(&state, id).await?;
    out.pay_url = Some(format!(
        "{}/pay/{}",
        state.config.public_base_url, issued.pay_token
    ));
    Ok(json(StatusCode::OK, &out))
}

/// One invoice: totals, status, balance, number, pay link state, lines.
#[utoipa::path(get, path = "/api/v1/invoices/{id}", tag = "invoices",
    params(("id" = i64, Path)),
    responses(
        (status = 200, body = InvoiceOut),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_invoice(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    Ok(json(StatusCode::OK, &invoice_out(&state, id).await?))
}

/// Invoices by id, a page at a time (new invoices come at the end: a walk
/// through the pages sees each invoice once).
#[utoipa::path(get, path = "/api/v1/invoices", tag = "invoices",
    params(InvoiceQuery),
    responses(
        (status = 200, body = InvoiceList),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_invoices(
    State(state): State<AppState>,
    q: Result<Query<InvoiceQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let q = query(q)?;
    let limit = svc::limit(q.limit)?;
    if let Some(s) = q.status.as_deref()
        && InvoiceStatus::parse(s).is_none()
    {
        let mut e = FieldErrors::default();
        e.add("status", FieldProblem::OutOfRange);
        return Err(AppError::Validation(e).into());
    }
    let filter = DocFilter {
        status: q.status.as_deref(),
        customer_id: q.customer_id,
        invoice_id: None,
    };
    let (rows, more) = svc::docs_page(
        &state.db,
        "invoice",
        &filter,
        q.starting_after.unwrap_or(0),
        limit,
    )
    .await?;
    let last = rows.last().map(|d| d.id);
    let mut data = Vec::with_capacity(rows.len());
    for d in rows {
        let lines = svc::lines(&state.db, d.id).await?;
        data.push(InvoiceOut::new(d, lines));
    }
    Ok(json(StatusCode::OK, &InvoiceList::new(data, more, last)))
}

/// The invoice (staff view: drafts too) and its customer's language.
async fn document(
    state: &AppState,
    id: i64,
) -> Result<
    (
        crate::model::document::InvoiceDocument,
        crate::model::lang::Lang,
    ),
    ApiError,
> {
    svc::doc(&state.db, "invoice", id).await?;
    let (rec, doc) = documents::by_id(&state.db, id, Viewer::Staff, today()).await?;
    let lang = crate::server::db::customers::lang(&state.db.pool, rec.customer_id)
        .await
        .unwrap_or_default();
    Ok((doc, lang))
}

/// The invoice's PDF (Factur-X PDF/A-3 once issued).
#[utoipa::path(get, path = "/api/v1/invoices/{id}/pdf", tag = "invoices",
    params(("id" = i64, Path)),
    responses(
        (status = 200, content_type = "application/pdf", body = Vec<u8>),
        (status = 404, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn invoice_pdf(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (doc, lang) = document(&state, id).await?;
    let logo = crate::server::db::company::logo(&state.db.pool)
        .await
        .ok()
        .flatten()
        .map(|l| l.bytes);
    let rendered = tokio::task::spawn_blocking(move || {
        crate::server::pdf::render_pdf_with_logo(&doc, lang, logo.as_deref())
            .map_err(|e| e.to_string())
    })
    .await
    .map_err(|e| AppError::internal("pdf task", e))?
    .map_err(|e| AppError::internal("pdf rendering", e))?;
    let mut res = rendered.into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    Ok(res)
}

/// The issued invoice's Factur-X (CII, EN 16931) XML.
#[utoipa::path(get, path = "/api/v1/invoices/{id}/factur-x.xml", tag = "invoices",
    params(("id" = i64, Path)),
    responses(
        (status = 200, content_type = "application/xml", body = String),
        (status = 404, description = "unknown, or a draft", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn invoice_facturx(
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (doc, lang) = document(&state, id).await?;
    if doc.number.is_empty() || doc.status == crate::model::invoice::DisplayStatus::Draft {
        return Err(AppError::NotFound.into());
    }
    let mut res = crate::server::facturx::xml(&doc, lang).into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml; charset=utf-8"),
    );
    Ok(res)
}

/// Issues a credit note against an issued invoice: the whole remaining
/// invoice, or `amount_ht` at `vat_rate`.
#[utoipa::path(post, path = "/api/v1/invoices/{id}/credit-notes", tag = "credit notes",
    params(("id" = i64, Path), ("Idempotency-Key" = String, Header, description = "required on every POST")),
    request_body = CreditNoteIn,
    responses(
        (status = 201, body = CreditNoteOut),
        (status = 400, body = Problem, content_type = "application/problem+json"),
        (status = 404, body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "a draft, or nothing left to credit", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn create_credit_note(
    State(state): State<AppState>,
    Extension(caller): Extension<ApiCaller>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let body: CreditNoteIn = parse(&body)?;
    let request = match body.amount_ht {
        None => {
            if body.vat_rate.is_some() {
                return Err(Problem::bad_request("vat_rate goes with amount_ht")
                    .field("amount_ht", "required")
                    .into());
            }
            CreditRequest::Full
        }
        Some(amount_ht) => {
            let vat_rate = body.vat_rate.as_deref().unwrap_or("");
            let Some(vat_rate) = VatRate::parse_percent(vat_rate) else {
                let mut e = FieldErrors::default();
                e.add(
                    "vat_rate",
                    if vat_rate.is_empty() {
                        FieldProblem::Required
                    } else {
                        FieldProblem::VatRateNotAllowed
                    },
                );
                return Err(AppError::Validation(e).into());
            };
            CreditRequest::Partial {
                amount_ht,
                vat_rate,
                description: body.description.clone().unwrap_or_default(),
            }
        }
    };
    svc::doc(&state.db, "invoice", id).await?;
    let issued = invoicing::credit(&state.db, id, &request, today(), None).await?;
    audit(&state, &caller, "credited", &issued.number).await;
    Ok(json(
        StatusCode::CREATED,
        &credit_note_out(&state, issued.id).await?,
    ))
}

/// Credit notes by id, a page at a time.
#[utoipa::path(get, path = "/api/v1/credit-notes", tag = "credit notes",
    params(CreditNoteQuery),
    responses(
        (status = 200, body = CreditNoteList),
        (status = 400, body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_credit_notes(
    State(state): State<AppState>,
    q: Result<Query<CreditNoteQuery>, QueryRejection>,
) -> Result<Response, ApiError> {
    let q = query(q)?;
    let limit = svc::limit(q.limit)?;
    let filter = DocFilter {
        status: None,
        customer_id: q.customer_id,
        invoice_id: q.invoice_id,
    };
    let (rows, more) = svc::docs_page(
        &state.db,
        "credit_note",
        &filter,
        q.starting_after.unwrap_or(0),
        limit,
    )
    .await?;
    let last = rows.last().map(|d| d.id);
    let mut data = Vec::with_capacity(rows.len());
    for d in rows {
        let lines = svc::lines(&state.db, d.id).await?;
        data.push(CreditNoteOut::new(d, lines));
    }
    Ok(json(StatusCode::OK, &CreditNoteList::new(data, more, last)))
}
