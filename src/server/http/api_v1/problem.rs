//! Errors of the ERP API as `application/problem+json` (RFC 9457), made from
//! the app's [`AppError`] and its field errors.
use crate::error::AppError;
use crate::model::validate::FieldProblem;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

pub const PROBLEM_JSON: &str = "application/problem+json";

/// One refused field.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct FieldError {
    /// The field, as named in the request (`lines[0].quantity`).
    pub field: String,
    /// A stable code (`required`, `too_large`, `unknown_field`, …).
    pub code: String,
    pub message: String,
}

/// An error answer (RFC 9457).
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Problem {
    /// A URI naming the kind of problem (`about:blank` style tags of this API).
    #[serde(rename = "type")]
    pub kind: String,
    pub title: String,
    pub status: u16,
    pub detail: String,
    /// The refused fields, for validation problems.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Seconds to wait, for rate-limited requests.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

fn message(code: &str) -> String {
    match code {
        "required" => "is required".into(),
        "unknown_field" => "is not a field of this request".into(),
        "invalid_json" => "is not valid JSON of the expected shape".into(),
        other => other.replace('_', " "),
    }
}

impl Problem {
    pub fn new(status: StatusCode, slug: &str, title: &str, detail: impl Into<String>) -> Problem {
        Problem {
            kind: format!("/api/v1/docs#problem-{slug}"),
            title: title.to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            retry_after: None,
        }
    }

    pub fn field(mut self, field: &str, code: &str) -> Problem {
        self.errors.push(FieldError {
            field: field.to_string(),
            code: code.to_string(),
            message: message(code),
        });
        self
    }

    pub fn unauthenticated() -> Problem {
        Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "Unauthenticated",
            "a valid API key is required: Authorization: Bearer qk_live_…",
        )
    }

    pub fn bad_request(detail: impl Into<String>) -> Problem {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "bad-request",
            "Bad request",
            detail,
        )
    }

    /// A body that serde refused: malformed JSON, a wrong type, an unknown or
    /// missing field, with the field when serde names it.
    pub fn from_json_error(e: &serde_json::Error) -> Problem {
        let text = e.to_string();
        let named = |after: &str| {
            text.split_once(after)
                .and_then(|(_, rest)| rest.split('`').next())
                .map(str::to_string)
        };
        let p = Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid-body",
            "Invalid request body",
            text.clone(),
        );
        if let Some(f) = named("unknown field `") {
            p.field(&f, "unknown_field")
        } else if let Some(f) = named("missing field `") {
            p.field(&f, "required")
        } else {
            p.field("", "invalid_json")
        }
    }

    pub fn from_app(e: &AppError) -> Problem {
        let status = StatusCode::from_u16(e.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        match e {
            AppError::Validation(fields) => {
                let mut p = Problem::new(
                    status,
                    "validation",
                    "Validation failed",
                    "one or more fields were refused; nothing was saved",
                );
                for (field, problem) in &fields.0 {
                    p = p.field(field, FieldProblem::code(*problem));
                }
                p
            }
            AppError::Unauthenticated | AppError::InvalidCredentials => Problem::unauthenticated(),
            AppError::Forbidden => Problem::new(
                status,
                "forbidden",
                "Forbidden",
                "this key may not do this (a read key cannot write)",
            ),
            AppError::NotFound => {
                Problem::new(status, "not-found", "Not found", "no such resource")
            }
            AppError::Conflict => Problem::new(
                status,
                "conflict",
                "Conflict",
                "the action does not fit the resource's current state (an issued invoice cannot change)",
            ),
            AppError::Throttled { .. } => {
                Problem::new(status, "rate-limited", "Too many requests", "slow down")
            }
            AppError::BadRequest => Problem::bad_request("the request could not be read"),
            AppError::Internal => Problem::new(
                status,
                "internal",
                "Internal error",
                "something failed on our side; it was logged",
            ),
        }
    }

    pub fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = self.status_code();
        let retry = self.retry_after;
        let body = serde_json::to_string(&self).unwrap_or_default();
        let mut res = (status, body).into_response();
        let h = res.headers_mut();
        h.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        if let Some(s) = retry
            && let Ok(v) = HeaderValue::from_str(&s.to_string())
        {
            h.insert(header::RETRY_AFTER, v);
        }
        res
    }
}

/// What a handler returns on failure.
pub struct ApiError(pub Problem);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> ApiError {
        ApiError(Problem::from_app(&e))
    }
}

impl From<Problem> for ApiError {
    fn from(p: Problem) -> ApiError {
        ApiError(p)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        self.0.into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unknown_field_is_named_in_the_problem() {
        #[derive(Debug, Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct B {
            name: String,
        }
        let e = serde_json::from_str::<B>(r#"{"name":"a","nmae":"b"}"#).expect_err("refused");
        let p = Problem::from_json_error(&e);
        assert_eq!(p.status, 400);
        assert_eq!(p.errors[0].field, "nmae");
        assert_eq!(p.errors[0].code, "unknown_field");
        let e = serde_json::from_str::<B>("{").expect_err("malformed");
        assert_eq!(Problem::from_json_error(&e).errors[0].code, "invalid_json");
        let e = serde_json::from_str::<B>("{}").expect_err("missing");
        assert_eq!(Problem::from_json_error(&e).errors[0].field, "name");
    }
}
