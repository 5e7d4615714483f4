//! Disputes as plain axum routes: the multipart form posts that open a dispute
//! or reply to one (with attachments, working without JavaScript), and the
//! attachment downloads. Every post ends in a 303: to the thread on success,
//! back to the form with `FIELD:CODE` and the typed values otherwise (files are
//! never carried back).
//!
//! Cross-site posts are refused by [`super::guard::same_origin_guard`], which
//! wraps every route.
use crate::error::{AppError, Done, Refusal};
use crate::model::attachment::{Upload, content_disposition};
use crate::model::dispute::{
    AttachmentView, DisputeReason, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, MAX_MESSAGE_CHARS,
};
use crate::model::format::parse_amount_in;
use crate::model::validate::{FieldErrors, FieldProblem};
use crate::server::auth::current_user;
use crate::server::services::disputes::{self, OpenDispute, Viewer};
use crate::server::services::pay_links;
use crate::server::state::AppState;
use axum::Router;
use axum::extract::multipart::{Field, MultipartRejection};
use axum::extract::{DefaultBodyLimit, Multipart, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use tower_sessions::Session;

/// The body limit of the dispute posts: five files of 5 MB and the text
/// fields. Bodies up to it are read to the end even when a file is too large,
/// so that browsers get the answer rather than a reset connection.
pub const DISPUTE_BODY_LIMIT: usize = 27 * 1024 * 1024;
/// The multipart posts (with their larger body limit, on these routes only)
/// and the attachment downloads.
pub fn router() -> Router<AppState> {
    let limit = DefaultBodyLimit::max(DISPUTE_BODY_LIMIT);
    Router::new()
        .route(
            "/invoices/{number}/disputes",
            post(open_from_invoice).layer(limit),
        )
        .route(
            "/pay/{token}/disputes",
            post(open_from_pay_link).layer(limit),
        )
        .route("/disputes/{id}/reply", post(customer_reply).layer(limit))
        .route(
            "/pay/{token}/disputes/{id}/reply",
            post(pay_link_reply).layer(limit),
        )
        .route("/staff/disputes/{id}/reply", post(staff_reply).layer(limit))
        .route("/disputes/{id}/attachments/{aid}", get(customer_attachment))
        .route(
            "/pay/{token}/disputes/{id}/attachments/{aid}",
            get(pay_link_attachment),
        )
}

/// The most bytes kept of a text field (the message's limit is checked later).
const MAX_TEXT_BYTES: usize = 64 * 1024;

fn enc(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

fn not_found() -> Response {
    AppError::NotFound.into_response()
}

use super::{see_other, to_login};

/// What a dispute form sent.
#[derive(Debug, Default)]
struct DisputeForm {
    reason: String,
    amount: String,
    lines: Vec<String>,
    message: String,
    files: Vec<Upload>,
    /// Why the body could not be read to its end: too large (a problem of
    /// the field "files"), or `None` inside when it was malformed.
    unreadable: Option<Option<FieldProblem>>,
}

impl DisputeForm {
    /// A body over the size limit is refused on the field "files", a
    /// malformed one as a bad request.
    fn readable(&self) -> Result<(), AppError> {
        match self.unreadable {
            Some(Some(p)) => {
                let mut e = FieldErrors::default();
                e.add("files", p);
                Err(AppError::Validation(e))
            }
            Some(None) => Err(AppError::BadRequest),
            None => Ok(()),
        }
    }
}

/// Reads a field to its end, keeping at most `keep` bytes (none at all past
/// it). Returns the bytes and the real size, or the status that cut the stream.
async fn read_field(mut field: Field<'_>, keep: usize) -> Result<(Vec<u8>, usize), StatusCode> {
    let mut bytes = Vec::new();
    let mut size = 0usize;
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) => {
                size = size.saturating_add(chunk.len());
                if size <= keep {
                    bytes.extend_from_slice(&chunk);
                } else {
                    bytes = Vec::new();
                }
            }
            Ok(None) => return Ok((bytes, size)),
            Err(e) => return Err(e.status()),
        }
    }
}

fn text(bytes: Vec<u8>) -> String {
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Reads the whole form. A body cut by the size limit is "too many files"
/// when more than five came, "file too large" otherwise; any other cut makes
/// it malformed.
async fn read_form(multipart: Result<Multipart, MultipartRejection>) -> DisputeForm {
    let mut form = DisputeForm::default();
    let Ok(mut multipart) = multipart else {
        tracing::warn!("dispute form: not a multipart body");
        form.unreadable = Some(None);
        return form;
    };
    let cut = loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break None,
            Err(e) => break Some(e.status()),
        };
        let name = field.name().unwrap_or_default().to_string();
        if name == "files" {
            let filename = field.file_name().unwrap_or_default().to_string();
            // Past the fifth file only the count matters.
            let keep = if form.files.len() < MAX_ATTACHMENTS {
                MAX_ATTACHMENT_BYTES
            } else {
                0
            };
            match read_field(field, keep).await {
                // No file chosen: browsers still send an empty part.
                Ok((_, 0)) if filename.is_empty() => {}
                Ok((bytes, size)) => form.files.push(Upload {
                    filename,
                    size,
                    bytes,
                }),
                Err(status) => break Some(status),
            }
            continue;
        }
        let value = match read_field(field, MAX_TEXT_BYTES).await {
            Ok((bytes, _)) => text(bytes),
            Err(status) => break Some(status),
        };
        match name.as_str() {
            "reason" => form.reason = value,
            "amount" => form.amount = value,
            "lines" => form.lines.push(value),
            "message" => form.message = value,
            _ => {}
        }
    };
    if let Some(status) = cut {
        tracing::warn!(%status, "dispute form: body cut short");
        form.unreadable = Some(if status != StatusCode::PAYLOAD_TOO_LARGE {
            None
        } else if form.files.len() >= MAX_ATTACHMENTS {
            Some(FieldProblem::TooManyFiles)
        } else {
            Some(FieldProblem::FileTooLarge)
        });
    }
    form
}

/// Whether the declared body is over the limit: then it is refused unread.
fn declared_too_large(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok())
        .is_some_and(|n| n > DISPUTE_BODY_LIMIT)
}

/// The message as carried back to the form: at most the length it accepts.
fn typed_message(message: &str) -> String {
    message.chars().take(MAX_MESSAGE_CHARS).collect()
}

/// Where a refused form goes back to: its page, its form (the refusal's
/// query prefix) and its anchor.
struct Back<'a> {
    page: &'a str,
    form: &'a str,
    anchor: &'a str,
}

/// Back to the form with the refusal and what was typed (never the files).
fn refused(
    back: &Back<'_>,
    error: &AppError,
    form: &DisputeForm,
    with_dispute_fields: bool,
) -> Response {
    let mut refusal = Refusal::new(back.form, error);
    if with_dispute_fields {
        refusal = refusal
            .keep("reason", &form.reason)
            .keep("amount", &form.amount)
            .keep("lines", &form.lines.join(","));
    }
    refusal = refusal.keep("message", &typed_message(&form.message));
    see_other(&refusal.redirect_to(back.page, Some(back.anchor)), "/")
}

/// The service's answer to a form post: the thread, a 404, or back to the form.
fn answer(
    result: Result<String, AppError>,
    back: &Back<'_>,
    form: &DisputeForm,
    with_dispute_fields: bool,
) -> Response {
    match result {
        Ok(to) => see_other(&to, "/"),
        Err(AppError::NotFound | AppError::Forbidden) => not_found(),
        Err(e) => refused(back, &e, form, with_dispute_fields),
    }
}

/// Reads the typed fields of an opening into the service's input; problems
/// are collected on their fields.
fn opening(form: &DisputeForm, invoice_id: i64, currency: &str) -> Result<OpenDispute, AppError> {
    let mut e = FieldErrors::default();
    let reason = match form.reason.trim() {
        "" => {
            e.add("reason", FieldProblem::Required);
            None
        }
        r => DisputeReason::parse(r).or_else(|| {
            e.add("reason", FieldProblem::OutOfRange);
            None
        }),
    };
    let amount = match form.amount.trim() {
        "" => None,
        a => parse_amount_in(a, currency)
            .map_err(|p| e.add("amount", p))
            .ok(),
    };
    let lines: Vec<i64> = form
        .lines
        .iter()
        .filter_map(|l| l.trim().parse().ok())
        .collect();
    if lines.len() != form.lines.len() {
        e.add("lines", FieldProblem::OutOfRange);
    }
    match reason {
        Some(reason) if e.is_empty() => Ok(OpenDispute {
            invoice_id,
            reason,
            disputed_amount: amount,
            lines,
            message: form.message.clone(),
        }),
        _ => Err(AppError::Validation(e)),
    }
}

/// What a post is about: the invoice of an opening or the dispute of a reply.
#[derive(Debug, Clone, Copy)]
enum Target {
    Invoice(i64),
    Dispute(i64),
}

/// Reads the form and hands it to the service. Returns the form (to carry
/// back what was typed) and the new dispute's or message's id.
async fn submit(
    state: &AppState,
    viewer: Viewer,
    target: Target,
    headers: &HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> (DisputeForm, Result<i64, AppError>) {
    let form = form_of(headers, multipart).await;
    let result = match form.readable() {
        Ok(()) => send(state, viewer, target, &form).await,
        Err(e) => Err(e),
    };
    (form, result)
}

async fn send(
    state: &AppState,
    viewer: Viewer,
    target: Target,
    form: &DisputeForm,
) -> Result<i64, AppError> {
    let now = crate::server::db::now_ts();
    match target {
        Target::Invoice(invoice_id) => {
            let mut conn = state.db.pool.acquire().await?;
            let invoice = crate::server::db::invoices::get(&mut conn, invoice_id)
                .await?
                .ok_or(AppError::NotFound)?;
            drop(conn);
            let input = opening(form, invoice_id, &invoice.currency)?;
            disputes::open_with_files(&state.db, viewer, &input, &form.files, now).await
        }
        Target::Dispute(id) => {
            disputes::reply_with_files(&state.db, id, viewer, &form.message, &form.files, now).await
        }
    }
}

/// Opens a dispute: to its thread (under `threads`) on success, back to
/// the invoice's form (`page`) otherwise.
async fn open(
    state: &AppState,
    viewer: Viewer,
    invoice_id: i64,
    (page, threads): (&str, &str),
    (headers, multipart): (&HeaderMap, Result<Multipart, MultipartRejection>),
) -> Response {
    let target = Target::Invoice(invoice_id);
    let (form, result) = submit(state, viewer, target, headers, multipart).await;
    let back = Back {
        page,
        form: "dispute",
        anchor: "dispute",
    };
    let to = result.map(|id| Done::Opened.redirect_to(&format!("{threads}/{id}"), &[], None));
    answer(to, &back, &form, true)
}

/// Posts a reply: to the thread at the new message on success, back to the
/// reply form otherwise.
async fn reply(
    state: &AppState,
    viewer: Viewer,
    id: i64,
    thread: &str,
    (headers, multipart): (&HeaderMap, Result<Multipart, MultipartRejection>),
) -> Response {
    let (form, result) = submit(state, viewer, Target::Dispute(id), headers, multipart).await;
    let back = Back {
        page: thread,
        form: "reply",
        anchor: "reply",
    };
    let to = result.map(|mid| Done::Replied.redirect_to(thread, &[], Some(&format!("m{mid}"))));
    answer(to, &back, &form, false)
}

/// A form whose body is over the limit, refused unread.
fn oversize_form() -> DisputeForm {
    DisputeForm {
        unreadable: Some(Some(FieldProblem::FileTooLarge)),
        ..DisputeForm::default()
    }
}

async fn form_of(
    headers: &HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> DisputeForm {
    if declared_too_large(headers) {
        oversize_form()
    } else {
        read_form(multipart).await
    }
}

/// The signed-in customer contact as a viewer; the login redirect when
/// signed out, 404 for staff and anyone else.
async fn customer_viewer(
    state: &AppState,
    session: &Session,
    page: &str,
) -> Result<Viewer, Response> {
    match current_user(session, &state.db.pool).await {
        Ok(Some(u)) if !u.role.is_staff() => match u.customer_id {
            Some(customer_id) => Ok(Viewer::Customer {
                customer_id,
                user_id: u.id,
            }),
            None => Err(not_found()),
        },
        Ok(Some(_)) => Err(not_found()),
        Ok(None) => Err(to_login(page)),
        Err(e) => Err(internal(e)),
    }
}

fn internal(e: AppError) -> Response {
    e.into_response()
}

/// `POST /invoices/{number}/disputes`: the signed-in customer owning the invoice.
pub async fn open_from_invoice(
    State(state): State<AppState>,
    session: Session,
    Path(number): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let page = format!("/invoices/{}", enc(&number));
    let viewer = match customer_viewer(&state, &session, &page).await {
        Ok(v) => v,
        Err(res) => return res,
    };
    let invoice = match crate::server::db::invoices::get_by_number(&state.db.pool, &number).await {
        Ok(Some(inv)) => inv,
        Ok(None) => return not_found(),
        Err(e) => return internal(AppError::internal("dispute invoice", e)),
    };
    if !matches!(viewer, Viewer::Customer { customer_id, .. } if customer_id == invoice.customer_id)
    {
        return not_found();
    }
    let places = (page.as_str(), "/disputes");
    open(&state, viewer, invoice.id, places, (&headers, multipart)).await
}

/// `POST /pay/{token}/disputes`: the holder of the invoice's pay link.
pub async fn open_from_pay_link(
    State(state): State<AppState>,
    Path(token): Path<String>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let Ok(invoice_id) =
        pay_links::resolve(&state.db, &token, state.config.pay_link_days_after_paid).await
    else {
        return not_found();
    };
    let page = format!("/pay/{token}");
    let threads = format!("{page}/disputes");
    let viewer = Viewer::PayLink(invoice_id);
    let places = (page.as_str(), threads.as_str());
    open(&state, viewer, invoice_id, places, (&headers, multipart)).await
}

/// `POST /disputes/{id}/reply`: a signed-in contact of the dispute's customer.
pub async fn customer_reply(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let thread = format!("/disputes/{id}");
    match customer_viewer(&state, &session, &thread).await {
        Ok(viewer) => reply(&state, viewer, id, &thread, (&headers, multipart)).await,
        Err(res) => res,
    }
}

/// `POST /pay/{token}/disputes/{id}/reply`: the pay-link holder of its invoice.
pub async fn pay_link_reply(
    State(state): State<AppState>,
    Path((token, id)): Path<(String, i64)>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let Ok(invoice_id) =
        pay_links::resolve(&state.db, &token, state.config.pay_link_days_after_paid).await
    else {
        return not_found();
    };
    let thread = format!("/pay/{token}/disputes/{id}");
    let viewer = Viewer::PayLink(invoice_id);
    reply(&state, viewer, id, &thread, (&headers, multipart)).await
}

/// `POST /staff/disputes/{id}/reply`: agents and admins.
pub async fn staff_reply(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
    headers: HeaderMap,
    multipart: Result<Multipart, MultipartRejection>,
) -> Response {
    let thread = format!("/staff/disputes/{id}");
    let viewer = match current_user(&session, &state.db.pool).await {
        Ok(Some(u)) if u.role.is_staff() => Viewer::Staff(u.id),
        Ok(Some(_)) => return not_found(),
        Ok(None) => return to_login(&thread),
        Err(e) => return internal(e),
    };
    reply(&state, viewer, id, &thread, (&headers, multipart)).await
}

/// The file as a download: its own type, never sniffed by the browser, never cached.
fn file_response(view: AttachmentView, bytes: Vec<u8>) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    if let Ok(t) = HeaderValue::from_str(&view.content_type) {
        h.insert(header::CONTENT_TYPE, t);
    }
    if let Ok(d) = HeaderValue::from_str(&content_disposition(&view.filename)) {
        h.insert(header::CONTENT_DISPOSITION, d);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
}

async fn download(state: &AppState, id: i64, aid: i64, viewer: Viewer) -> Response {
    match disputes::attachment(&state.db, id, aid, viewer).await {
        Ok((view, bytes)) => file_response(view, bytes),
        Err(AppError::NotFound | AppError::Forbidden) => not_found(),
        Err(e) => internal(e),
    }
}

/// `GET /disputes/{id}/attachments/{aid}`: the dispute's customer contacts and staff.
pub async fn customer_attachment(
    State(state): State<AppState>,
    session: Session,
    Path((id, aid)): Path<(i64, i64)>,
) -> Response {
    let viewer = match current_user(&session, &state.db.pool).await {
        Ok(Some(u)) if u.role.is_staff() => Viewer::Staff(u.id),
        Ok(Some(u)) => match u.customer_id {
            Some(customer_id) => Viewer::Customer {
                customer_id,
                user_id: u.id,
            },
            None => return not_found(),
        },
        Ok(None) => return to_login(&format!("/disputes/{id}")),
        Err(e) => return internal(e),
    };
    download(&state, id, aid, viewer).await
}

/// `GET /pay/{token}/disputes/{id}/attachments/{aid}`: the pay-link holder.
pub async fn pay_link_attachment(
    State(state): State<AppState>,
    Path((token, id, aid)): Path<(String, i64, i64)>,
) -> Response {
    match pay_links::resolve(&state.db, &token, state.config.pay_link_days_after_paid).await {
        Ok(invoice_id) => download(&state, id, aid, Viewer::PayLink(invoice_id)).await,
        Err(_) => not_found(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> DisputeForm {
        DisputeForm {
            reason: "wrong_amount".into(),
            amount: "12,50".into(),
            lines: vec!["1".into(), "3".into()],
            message: "Trop cher".into(),
            ..DisputeForm::default()
        }
    }

    #[test]
    fn a_typed_amount_is_read_in_the_invoice_currency() {
        let input = opening(&form(), 7, "EUR").expect("valid");
        assert_eq!(input.disputed_amount, Some(1_250));
        assert_eq!(input.lines, vec![1, 3]);
        assert_eq!(input.reason, DisputeReason::WrongAmount);
        let whole = DisputeForm {
            amount: " ".into(),
            ..form()
        };
        assert_eq!(
            opening(&whole, 7, "EUR").expect("valid").disputed_amount,
            None
        );
    }

    #[test]
    fn unreadable_fields_are_refused_on_their_field_in_form_order() {
        let bad = DisputeForm {
            reason: "because".into(),
            amount: "douze".into(),
            ..form()
        };
        let first = |e: &AppError| {
            let r = Refusal::new("dispute", e);
            r.first_field().map(|(f, p)| (f.to_string(), p))
        };
        let e = opening(&bad, 7, "EUR").expect_err("refused");
        assert_eq!(first(&e), Some(("reason".into(), FieldProblem::OutOfRange)));
        let bad = DisputeForm {
            amount: "douze".into(),
            ..form()
        };
        let e = opening(&bad, 7, "EUR").expect_err("refused");
        assert_eq!(first(&e), Some(("amount".into(), FieldProblem::NotANumber)));
        assert_eq!(first(&AppError::Conflict), None);
    }

    #[test]
    fn a_refused_form_goes_back_with_the_error_and_what_was_typed() {
        let back = Back {
            page: "/pay/abc",
            form: "dispute",
            anchor: "dispute",
        };
        let mut required = FieldErrors::default();
        required.add("message", FieldProblem::Required);
        let res = refused(&back, &AppError::Validation(required), &form(), true);
        let to = res
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert_eq!(
            to,
            "/pay/abc?dispute_err=invalid&dispute_err_message=required&reason=wrong_amount\
             &amount=12%2C50&lines=1%2C3&message=Trop+cher#dispute"
        );
    }
}
