//! Lifecycle statuses and payment e-reporting for staff:
//! `GET /staff/invoices/{id}/lifecycle.json` (one invoice's statuses as the
//! platform's messages), `GET /staff/lifecycle.csv?from=&to=` (every status
//! dated in a range, streamed) and `GET /staff/exports/e-reporting.csv?from=&to=&lang=`
//! (collected amounts per day and VAT rate). Staff only, as the accounting
//! exports: a customer gets 403, nobody signed in goes to the login page; a
//! bad range goes back to `/staff/exports` with what was typed.
use crate::error::AppError;
use crate::model::export::{BOM, CsvStyle};
use crate::model::lang::Lang;
use crate::server::auth::current_user;
use crate::server::services::{ereporting, exports, lifecycle};
use crate::server::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use tower_sessions::Session;

const EXPORTS: &str = "/staff/exports";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/invoices/{id}/lifecycle.json", get(invoice_json))
        .route("/staff/lifecycle.csv", get(lifecycle_csv))
        .route("/staff/exports/e-reporting.csv", get(ereporting_csv))
}

#[derive(Debug, Default, Deserialize)]
pub struct RangeQuery {
    from: Option<String>,
    to: Option<String>,
    lang: Option<String>,
}

impl RangeQuery {
    fn back(&self) -> Response {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [("from", &self.from), ("to", &self.to), ("lang", &self.lang)] {
            if let Some(v) = v {
                q.append_pair(k, v);
            }
        }
        super::see_other(&format!("{EXPORTS}?{}", q.finish()), EXPORTS)
    }

    fn range(&self) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
        exports::range(
            self.from.as_deref(),
            self.to.as_deref(),
            chrono::Local::now().date_naive(),
        )
        .ok()
    }
}

/// `Ok` for staff; else the answer to give (login page, 403, error).
async fn staff(state: &AppState, session: &Session, page: &str) -> Result<(), Response> {
    match current_user(session, &state.db.pool).await {
        Ok(Some(u)) if u.role.is_staff() => Ok(()),
        Ok(Some(_)) => Err(AppError::Forbidden.into_response()),
        Ok(None) => Err(super::to_login(page)),
        Err(e) => Err(e.into_response()),
    }
}

fn file(body: Body, content_type: &'static str, name: &str) -> Response {
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

pub async fn invoice_json(
    State(state): State<AppState>,
    session: Session,
    Path(id): Path<i64>,
) -> Response {
    if let Err(refused) = staff(&state, &session, &format!("/staff/invoices/{id}")).await {
        return refused;
    }
    match lifecycle::messages_of_invoice(&state.db, id).await {
        Ok(messages) => {
            let mut res = axum::Json(messages).into_response();
            res.headers_mut().insert(
                header::CACHE_CONTROL,
                HeaderValue::from_static("private, no-store"),
            );
            res
        }
        Err(e) => e.into_response(),
    }
}

pub async fn lifecycle_csv(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<RangeQuery>,
) -> Response {
    if let Err(refused) = staff(&state, &session, EXPORTS).await {
        return refused;
    }
    let Some((from, to)) = q.range() else {
        return q.back();
    };
    let (from, to) = (from.format("%Y-%m-%d"), to.format("%Y-%m-%d"));
    let name = format!("lifecycle-{from}-{to}.csv");
    let body = lifecycle::csv_in_range(&state.db, from.to_string(), to.to_string());
    file(Body::from_stream(body), "text/csv; charset=utf-8", &name)
}

pub async fn ereporting_csv(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<RangeQuery>,
) -> Response {
    if let Err(refused) = staff(&state, &session, EXPORTS).await {
        return refused;
    }
    let Some((from, to)) = q.range() else {
        return q.back();
    };
    let lang = q.lang.as_deref().and_then(Lang::parse).unwrap_or_default();
    let rows = match ereporting::report(&state.db, from, to).await {
        Ok(rows) => rows,
        Err(e) => return e.into_response(),
    };
    let style = CsvStyle::of(lang);
    let mut w = csv::WriterBuilder::new()
        .delimiter(style.delimiter)
        .terminator(csv::Terminator::CRLF)
        .from_writer(if style.bom { BOM.to_vec() } else { Vec::new() });
    let written = w
        .write_record(crate::model::ereporting::headers(lang))
        .and_then(|()| {
            rows.iter()
                .try_for_each(|r| w.write_record(r.record(style.comma)))
        });
    let bytes = match written
        .map_err(|e| e.to_string())
        .and_then(|()| w.into_inner().map_err(|e| e.to_string()))
    {
        Ok(b) => b,
        Err(e) => return AppError::internal("e-reporting csv", e).into_response(),
    };
    let name = format!(
        "e-reporting-{}-{}.csv",
        from.format("%Y-%m-%d"),
        to.format("%Y-%m-%d")
    );
    file(Body::from(bytes), "text/csv; charset=utf-8", &name)
}
