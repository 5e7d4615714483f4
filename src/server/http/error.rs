//! How an [`AppError`] becomes an HTTP answer: here, once, for every plain
//! route and (through `status_code`) for server functions. `src/error.rs` is
//! shared with the browser build, so the axum side lives in server code.
use crate::error::AppError;
use axum::body::Body;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};

/// The header server functions mark their error answers with.
const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";
/// More than any encoded `AppError` (field errors included).
const MAX_ERROR_BODY: usize = 64 * 1024;

/// The status of an error (401, 403, 404, 409, 429, 500, …).
pub fn status_code(e: &AppError) -> StatusCode {
    StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The status and the error's short, cause-free text ("not found", "internal error").
impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        (status_code(&self), self.to_string()).into_response()
    }
}

/// Gives a server function's error answer the status of its `AppError`.
/// Server functions answer every error with 500; those that set a status
/// themselves (`api::ctx::fail`) or redirected a plain form post (302) are
/// left as they are.
pub async fn with_error_status(res: Response) -> Response {
    if res.status() != StatusCode::INTERNAL_SERVER_ERROR
        || !res.headers().contains_key(SERVER_FN_ERROR_HEADER)
    {
        return res;
    }
    let (mut parts, body) = res.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_ERROR_BODY).await {
        Ok(bytes) => bytes,
        Err(e) => return AppError::internal("server function error body", e).into_response(),
    };
    if let Ok(e) = serde_json::from_slice::<AppError>(&bytes) {
        parts.status = status_code(&e);
    }
    Response::from_parts(parts, Body::from(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_server_function_error_gets_the_status_of_its_kind() {
        let body = serde_json::to_vec(&AppError::Conflict).expect("json");
        let res = Response::builder()
            .status(StatusCode::INTERNAL_SERVER_ERROR)
            .header(SERVER_FN_ERROR_HEADER, "/api/x")
            .body(Body::from(body))
            .expect("response");
        assert_eq!(with_error_status(res).await.status(), StatusCode::CONFLICT);
    }

    #[tokio::test]
    async fn a_redirected_form_post_keeps_its_redirect() {
        let res = Response::builder()
            .status(StatusCode::FOUND)
            .header(SERVER_FN_ERROR_HEADER, "/api/x")
            .body(Body::from(
                serde_json::to_vec(&AppError::NotFound).expect("json"),
            ))
            .expect("response");
        assert_eq!(with_error_status(res).await.status(), StatusCode::FOUND);
    }

    #[test]
    fn each_error_answers_with_its_own_status() {
        assert_eq!(
            AppError::NotFound.into_response().status(),
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            AppError::Forbidden.into_response().status(),
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            AppError::Throttled {
                retry_after_minutes: 3
            }
            .into_response()
            .status(),
            StatusCode::TOO_MANY_REQUESTS
        );
        assert_eq!(
            AppError::Internal.into_response().status(),
            StatusCode::INTERNAL_SERVER_ERROR
        );
    }
}
