//! The company logo as plain axum routes: admins upload it (a multipart form
//! post that works without JavaScript) or remove it from `/staff/settings`,
//! and anyone may fetch it, since it is printed on every invoice and pay page.
//!
//! Cross-site posts are refused by [`super::guard::same_origin_guard`], which
//! wraps every route.
use crate::error::AppError;
use crate::model::settings::{LogoProblem, MAX_LOGO_BYTES, check_logo};
use crate::server::auth::current_user;
use crate::server::db::company::{self, Logo};
use crate::server::state::AppState;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use tower_sessions::Session;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/company/logo", get(serve))
        .route(
            "/staff/settings/logo",
            post(upload).layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT)),
        )
        .route("/staff/settings/logo/remove", post(remove))
}

const SETTINGS: &str = "/staff/settings";
/// The request body limit of the upload route. Bodies up to it are read to
/// the end even when the file is too large, so that browsers get the answer
/// rather than a reset connection; larger ones are refused unread.
pub const UPLOAD_BODY_LIMIT: usize = 8 * 1024 * 1024;

/// The signed-in admin's id, or the response that refuses everyone else.
async fn admin(state: &AppState, session: &Session) -> Result<i64, Response> {
    match current_user(session, &state.db.pool).await {
        Ok(Some(u)) if u.role.can_administer() => Ok(u.id),
        Ok(Some(_)) => Err(AppError::Forbidden.into_response()),
        Ok(None) => Err(super::to_login(SETTINGS)),
        Err(e) => Err(internal(e)),
    }
}

fn internal(e: AppError) -> Response {
    e.into_response()
}

fn refused(problem: LogoProblem) -> Response {
    let refusal = crate::error::Refusal::coded("logo", problem.code());
    Redirect::to(&refusal.redirect_to(SETTINGS, None)).into_response()
}

/// Reads the `logo` file field. A file over the limit is read to its end but
/// not kept.
async fn read_logo_field(multipart: &mut Multipart) -> Result<Vec<u8>, LogoProblem> {
    let mut found = None;
    while let Ok(Some(mut field)) = multipart.next_field().await {
        if field.name() != Some("logo") || found.is_some() {
            continue;
        }
        let mut bytes = Vec::new();
        let mut too_large = false;
        loop {
            match field.chunk().await {
                Ok(Some(chunk)) if too_large || bytes.len() + chunk.len() > MAX_LOGO_BYTES => {
                    too_large = true;
                    bytes.clear();
                }
                Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
                Ok(None) => break,
                // The body limit cut the stream: the file was far too large.
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                    return Err(LogoProblem::TooLarge);
                }
                Err(_) => return Err(LogoProblem::Missing),
            }
        }
        found = Some(if too_large {
            Err(LogoProblem::TooLarge)
        } else {
            Ok(bytes)
        });
    }
    found.unwrap_or(Err(LogoProblem::Missing))
}

/// The version of a logo: the start of the SHA-256 of its bytes.
pub fn etag_of(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// `POST /staff/settings/logo` (multipart, field `logo`): admins only. Back
/// to the settings with `?logo=saved`, or `?logo_err=` and the reason.
pub async fn upload(
    State(state): State<AppState>,
    session: Session,
    headers: HeaderMap,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let actor = match admin(&state, &session).await {
        Ok(id) => id,
        Err(res) => return res,
    };
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|n| n > UPLOAD_BODY_LIMIT) {
        return refused(LogoProblem::TooLarge);
    }
    let Ok(mut multipart) = multipart else {
        return refused(LogoProblem::Missing);
    };
    let bytes = match read_logo_field(&mut multipart).await {
        Ok(b) => b,
        Err(p) => return refused(p),
    };
    let content_type = match check_logo(&bytes) {
        Ok(t) => t,
        Err(p) => return refused(p),
    };
    let logo = Logo {
        content_type: content_type.to_string(),
        etag: etag_of(&bytes),
        bytes,
    };
    // The logo and its audit row in one transaction.
    if let Err(e) = crate::server::services::settings::save_logo(&state.db, &logo, actor).await {
        return internal(e);
    }
    Redirect::to(&format!("{SETTINGS}?logo=saved")).into_response()
}

/// `POST /staff/settings/logo/remove`: admins only.
pub async fn remove(State(state): State<AppState>, session: Session) -> Response {
    let actor = match admin(&state, &session).await {
        Ok(id) => id,
        Err(res) => return res,
    };
    if let Err(e) = crate::server::services::settings::remove_logo(&state.db, actor).await {
        return internal(e);
    }
    Redirect::to(&format!("{SETTINGS}?logo=removed")).into_response()
}

#[derive(Deserialize)]
pub struct LogoQuery {
    v: Option<String>,
}

/// `GET /company/logo[?v=<etag>]`: the logo with its own type. A request
/// naming the current version may be cached for a year (a new logo gets a
/// new URL); any other is revalidated with its ETag.
pub async fn serve(
    State(state): State<AppState>,
    Query(q): Query<LogoQuery>,
    headers: HeaderMap,
) -> Response {
    let logo = match company::logo(&state.db.pool).await {
        Ok(Some(l)) => l,
        Ok(None) => return (StatusCode::NOT_FOUND, "no logo").into_response(),
        Err(e) => return internal(AppError::internal("load logo", e)),
    };
    let etag = format!("\"{}\"", logo.etag);
    let cache = if q.v.as_deref() == Some(logo.etag.as_str()) {
        "public, max-age=31536000, immutable"
    } else {
        "public, no-cache"
    };
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag || t.trim() == "*"));
    let mut res = if fresh {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        logo.bytes.into_response()
    };
    let h = res.headers_mut();
    if let Ok(t) = HeaderValue::from_str(&logo.content_type) {
        h.insert(header::CONTENT_TYPE, t);
    }
    if let Ok(e) = HeaderValue::from_str(&etag) {
        h.insert(header::ETAG, e);
    }
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_logo_version_is_short_stable_and_changes_with_the_bytes() {
        let a = etag_of(b"one");
        assert_eq!(a.len(), 16);
        assert_eq!(a, etag_of(b"one"));
        assert_ne!(a, etag_of(b"two"));
    }
}
