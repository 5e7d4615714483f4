//! File downloads as plain axum routes: invoice and credit note PDFs for their
//! customer and staff, and through a pay link for its holder.
use super::auth::current_user;
use super::services::documents::{self, Viewer};
use super::services::pay_links;
use super::state::AppState;
use crate::error::AppError;
use crate::model::document::InvoiceDocument;
use crate::model::lang::Lang;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use tower_sessions::Session;

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

fn error_response(e: AppError) -> Response {
    match e {
        AppError::NotFound | AppError::Forbidden => {
            (StatusCode::NOT_FOUND, "not found").into_response()
        }
        other => (
            StatusCode::from_u16(other.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            "error",
        )
            .into_response(),
    }
}

async fn pdf_response(state: &AppState, doc: InvoiceDocument, lang: Lang) -> Response {
    let name = format!("{}.pdf", doc.number);
    // The current logo: the snapshot freezes the seller's identity, not its artwork.
    let logo = super::db::company::logo(&state.db.pool)
        .await
        .ok()
        .flatten()
        .map(|l| l.bytes);
    let rendered = tokio::task::spawn_blocking(move || {
        super::pdf::render_pdf_with_logo(&doc, lang, logo.as_deref())
    })
    .await;
    let bytes = match rendered {
        Ok(Ok(b)) => b,
        Ok(Err(e)) => return error_response(AppError::internal("pdf rendering", e)),
        Err(e) => return error_response(AppError::internal("pdf task", e)),
    };
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// `GET /invoices/{number}/pdf`: the owning customer's contacts and staff only.
pub async fn invoice_pdf(
    State(state): State<AppState>,
    session: Session,
    Path(number): Path<String>,
) -> Response {
    let user = match current_user(&session, &state.db.pool).await {
        Ok(Some(u)) => u,
        Ok(None) => {
            return Redirect::to(&format!("/login?next=/invoices/{number}")).into_response();
        }
        Err(e) => return error_response(e),
    };
    let viewer = match (user.role.is_staff(), user.customer_id) {
        (true, _) => Viewer::Staff,
        (false, Some(c)) => Viewer::Customer(c),
        _ => return error_response(AppError::NotFound),
    };
    let (rec, doc) = match documents::by_number(&state.db, &number, viewer, today()).await {
        Ok(found) => found,
        Err(e) => return error_response(e),
    };
    let lang = super::db::customers::lang(&state.db.pool, rec.customer_id)
        .await
        .unwrap_or_default();
    pdf_response(&state, doc, lang).await
}

/// `GET /pay/{token}/pdf`: the invoice of a live pay link.
pub async fn pay_link_pdf(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    let id = match pay_links::resolve(&state.db, &token).await {
        Ok(id) => id,
        Err(e) => return error_response(e),
    };
    let (rec, doc) = match documents::by_id(&state.db, id, Viewer::PayLink(id), today()).await {
        Ok(found) => found,
        Err(e) => return error_response(e),
    };
    let lang = super::db::customers::lang(&state.db.pool, rec.customer_id)
        .await
        .unwrap_or_default();
    pdf_response(&state, doc, lang).await
}
