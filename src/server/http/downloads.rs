//! File downloads as plain axum routes: invoice and credit note PDFs for their
//! customer and staff, and through a pay link for its holder (the invoice and
//! the credit notes issued against it); the formal notice of a late invoice
//! for staff.
use crate::error::AppError;
use crate::model::document::InvoiceDocument;
use crate::model::lang::Lang;
use crate::model::redirect::path_segment;
use crate::server::auth::current_user;
use crate::server::services::documents::{self, Viewer};
use crate::server::services::pay_links;
use crate::server::state::AppState;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tower_sessions::Session;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/invoices/{number}/pdf", get(invoice_pdf))
        .route("/invoices/{number}/factur-x.xml", get(invoice_xml))
        .route("/pay/{token}/pdf", get(pay_link_pdf))
        .route("/pay/{token}/factur-x.xml", get(pay_link_xml))
        .route(
            "/pay/{token}/credit-notes/{number}/pdf",
            get(pay_link_credit_note_pdf),
        )
        .route(
            "/pay/{token}/credit-notes/{number}/factur-x.xml",
            get(pay_link_credit_note_xml),
        )
        .route(
            "/invoices/{number}/receipts/{id}/pdf",
            get(invoice_receipt_pdf),
        )
        .route("/pay/{token}/receipts/{id}/pdf", get(pay_link_receipt_pdf))
        .route(
            "/staff/invoices/{id}/formal-notice.pdf",
            get(formal_notice_pdf),
        )
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// Documents of others are not found rather than forbidden: nothing tells they exist.
fn error_response(e: AppError) -> Response {
    match e {
        AppError::NotFound | AppError::Forbidden => AppError::NotFound.into_response(),
        other => other.into_response(),
    }
}

async fn pdf_response(state: &AppState, doc: InvoiceDocument, lang: Lang) -> Response {
    let name = format!("{}.pdf", doc.number);
    // The current logo: the snapshot freezes the seller's identity, not its artwork.
    let logo = crate::server::db::company::logo(&state.db.pool)
        .await
        .ok()
        .flatten()
        .map(|l| l.bytes);
    rendered_pdf(name, move || {
        crate::server::pdf::render_pdf_with_logo(&doc, lang, logo.as_deref())
    })
    .await
}

/// Renders off the async threads and answers with the PDF, never cached.
async fn rendered_pdf<E: std::fmt::Display + Send + 'static>(
    name: String,
    render: impl FnOnce() -> Result<Vec<u8>, E> + Send + 'static,
) -> Response {
    let rendered = tokio::task::spawn_blocking(render).await;
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
    match account_document(&state, &session, &number).await {
        Ok((doc, lang)) => pdf_response(&state, doc, lang).await,
        Err(res) => res,
    }
}

/// `GET /invoices/{number}/factur-x.xml`: the same document's Factur-X XML,
/// with the same access rules.
pub async fn invoice_xml(
    State(state): State<AppState>,
    session: Session,
    Path(number): Path<String>,
) -> Response {
    match account_document(&state, &session, &number).await {
        Ok((doc, lang)) => xml_response(&doc, lang),
        Err(res) => res,
    }
}

/// The document with this number for the signed-in user (its customer's
/// contacts or staff), in the customer's language; signed out goes to login.
async fn account_document(
    state: &AppState,
    session: &Session,
    number: &str,
) -> Result<(InvoiceDocument, Lang), Response> {
    let user = match current_user(session, &state.db.pool).await {
        Ok(Some(u)) => u,
        Ok(None) => {
            return Err(super::to_login(&format!(
                "/invoices/{}",
                path_segment(number)
            )));
        }
        Err(e) => return Err(error_response(e)),
    };
    let viewer = match (user.role.is_staff(), user.customer_id) {
        (true, _) => Viewer::Staff,
        (false, Some(c)) => Viewer::Customer(c),
        _ => return Err(error_response(AppError::NotFound)),
    };
    let (rec, doc) = documents::by_number(&state.db, number, viewer, today())
        .await
        .map_err(error_response)?;
    Ok((doc, customer_lang(state, rec.customer_id).await))
}

async fn customer_lang(state: &AppState, customer_id: i64) -> Lang {
    crate::server::db::customers::lang(&state.db.pool, customer_id)
        .await
        .unwrap_or_default()
}

/// `GET /pay/{token}/pdf`: the invoice of a live pay link.
pub async fn pay_link_pdf(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match pay_link_document(&state, &token, None).await {
        Ok((doc, lang)) => pdf_response(&state, doc, lang).await,
        Err(res) => res,
    }
}

/// `GET /pay/{token}/factur-x.xml`: the Factur-X XML of a live pay link's invoice.
pub async fn pay_link_xml(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    match pay_link_document(&state, &token, None).await {
        Ok((doc, lang)) => xml_response(&doc, lang),
        Err(res) => res,
    }
}

/// `GET /pay/{token}/credit-notes/{number}/pdf`: a credit note issued against
/// the invoice of a live pay link; any other number is not found.
pub async fn pay_link_credit_note_pdf(
    State(state): State<AppState>,
    Path((token, number)): Path<(String, String)>,
) -> Response {
    match pay_link_document(&state, &token, Some(&number)).await {
        Ok((doc, lang)) => pdf_response(&state, doc, lang).await,
        Err(res) => res,
    }
}

/// `GET /pay/{token}/credit-notes/{number}/factur-x.xml`: that credit note's XML.
pub async fn pay_link_credit_note_xml(
    State(state): State<AppState>,
    Path((token, number)): Path<(String, String)>,
) -> Response {
    match pay_link_document(&state, &token, Some(&number)).await {
        Ok((doc, lang)) => xml_response(&doc, lang),
        Err(res) => res,
    }
}

/// The invoice of a live pay link, or with `credit_note` one of the credit
/// notes issued against it; anything else is not found.
async fn pay_link_document(
    state: &AppState,
    token: &str,
    credit_note: Option<&str>,
) -> Result<(InvoiceDocument, Lang), Response> {
    let id = pay_links::resolve(&state.db, token, state.config.pay_link_days_after_paid)
        .await
        .map_err(error_response)?;
    let found = match credit_note {
        None => documents::by_id(&state.db, id, Viewer::PayLink(id), today()).await,
        Some(number) => {
            let viewer = Viewer::PayLinkCreditNote(id);
            documents::by_number(&state.db, number, viewer, today()).await
        }
    };
    let (rec, doc) = found.map_err(error_response)?;
    Ok((doc, customer_lang(state, rec.customer_id).await))
}

/// The Factur-X XML of an issued document as a download, never cached.
fn xml_response(doc: &InvoiceDocument, lang: Lang) -> Response {
    if doc.number.is_empty() || doc.status == crate::model::invoice::DisplayStatus::Draft {
        return error_response(AppError::NotFound);
    }
    let mut res = crate::server::facturx::xml(doc, lang).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/xml; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    let name = format!("factur-x-{}.xml", doc.number);
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

/// The receipt PDF of a payment of invoice `invoice_id`, in the customer's language.
async fn receipt_pdf(
    state: &AppState,
    invoice_id: i64,
    customer_id: i64,
    payment_id: i64,
) -> Response {
    let receipt =
        match crate::server::services::payments::receipt(&state.db, invoice_id, payment_id).await {
            Ok(r) => r,
            Err(e) => return error_response(e),
        };
    let seller = match crate::server::db::company::load(&state.db.pool).await {
        Ok((seller, _, _)) => seller,
        Err(e) => return error_response(AppError::internal("company", e)),
    };
    let lang = crate::server::db::customers::lang(&state.db.pool, customer_id)
        .await
        .unwrap_or_default();
    let name = crate::server::pdf::receipt_file_name(lang, &receipt.invoice_number, payment_id);
    rendered_pdf(name, move || {
        crate::server::pdf::render_receipt(&receipt, &seller, lang)
    })
    .await
}

/// `GET /invoices/{number}/receipts/{id}/pdf`: the owning customer and staff only.
pub async fn invoice_receipt_pdf(
    State(state): State<AppState>,
    session: Session,
    Path((number, payment_id)): Path<(String, i64)>,
) -> Response {
    let viewer = match current_user(&session, &state.db.pool).await {
        Ok(Some(u)) if u.role.is_staff() => Viewer::Staff,
        Ok(Some(u)) => match u.customer_id {
            Some(c) => Viewer::Customer(c),
            None => return error_response(AppError::NotFound),
        },
        Ok(None) => {
            return super::to_login(&format!("/invoices/{}", path_segment(&number)));
        }
        Err(e) => return error_response(e),
    };
    match documents::by_number(&state.db, &number, viewer, today()).await {
        Ok((rec, _)) => receipt_pdf(&state, rec.id, rec.customer_id, payment_id).await,
        Err(e) => error_response(e),
    }
}

/// `GET /pay/{token}/receipts/{id}/pdf`: a receipt of the pay link's invoice.
pub async fn pay_link_receipt_pdf(
    State(state): State<AppState>,
    Path((token, payment_id)): Path<(String, i64)>,
) -> Response {
    let id =
        match pay_links::resolve(&state.db, &token, state.config.pay_link_days_after_paid).await {
            Ok(id) => id,
            Err(e) => return error_response(e),
        };
    let mut conn = match state.db.pool.acquire().await {
        Ok(c) => c,
        Err(e) => return error_response(AppError::internal("pool", e)),
    };
    let customer = match crate::server::db::invoices::get(&mut conn, id).await {
        Ok(Some(rec)) => rec.customer_id,
        Ok(None) => return error_response(AppError::NotFound),
        Err(e) => return error_response(AppError::internal("invoice", e)),
    };
    drop(conn);
    receipt_pdf(&state, id, customer, payment_id).await
}

/// The language the person reads the portal in: the language cookie (what
/// the switch chose), else the browser's first known language, else French.
fn reader_lang(headers: &HeaderMap) -> Lang {
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == super::lang::LANG_COOKIE)
        .and_then(|(_, v)| Lang::parse(v));
    let browser = || {
        headers
            .get(header::ACCEPT_LANGUAGE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| {
                v.split(',')
                    .find_map(|l| Lang::parse(l.split(';').next().unwrap_or("")))
            })
    };
    cookie.or_else(browser).unwrap_or_default()
}

/// Why no formal notice can be made, as a short page in the reader's language.
fn notice_refused(lang: Lang) -> Response {
    let locale = match lang {
        Lang::Fr => crate::i18n::Locale::fr,
        Lang::En => crate::i18n::Locale::en,
    };
    let text = leptos_i18n::td_string!(locale, rem_notice_refused).to_string();
    let mut res = (StatusCode::CONFLICT, text).into_response();
    res.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
}

/// `GET /staff/invoices/{id}/formal-notice.pdf`: the formal notice (mise en
/// demeure) of a late invoice as of today, for staff, in their language.
/// 409 while a dispute is open or when the invoice is not late.
pub async fn formal_notice_pdf(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    Path(id): Path<i64>,
) -> Response {
    match current_user(&session, &state.db.pool).await {
        Ok(Some(u)) if u.role.is_staff() => {}
        Ok(Some(_)) => return error_response(AppError::Forbidden),
        Ok(None) => return super::to_login(&format!("/staff/invoices/{id}")),
        Err(e) => return error_response(e),
    }
    let lang = reader_lang(&headers);
    let made = crate::server::services::reminders::manage::notice_of_invoice(
        &state.db,
        id,
        lang,
        chrono::Utc::now(),
    )
    .await;
    let (name, bytes) = match made {
        Ok(found) => found,
        Err(AppError::Conflict) => return notice_refused(lang),
        Err(e) => return error_response(e),
    };
    rendered_pdf(name, move || Ok::<_, std::convert::Infallible>(bytes)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(header::HeaderName, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(k.clone(), HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn the_chosen_language_wins_over_the_browser_s_and_french_is_the_default() {
        let chosen = headers(&[
            (header::COOKIE, "a=1; i18n_pref_locale=en"),
            (header::ACCEPT_LANGUAGE, "fr-FR,fr;q=0.9"),
        ]);
        assert_eq!(reader_lang(&chosen), Lang::En);
        let browser = headers(&[(header::ACCEPT_LANGUAGE, "de-DE, en-GB;q=0.8, fr;q=0.5")]);
        assert_eq!(reader_lang(&browser), Lang::En);
        assert_eq!(reader_lang(&HeaderMap::new()), Lang::Fr);
    }
}
