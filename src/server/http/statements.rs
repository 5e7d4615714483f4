//! Statement PDFs as plain axum routes, one per way in, with the access
//! rules of the statement pages (`services::statements::customer_for`):
//! `/statement.pdf` (signed-in customer), `/statements/{token}/pdf`
//! (statement link), `/pay/{token}/statement.pdf` (pay link, when allowed).
//! `?as_of=YYYY-MM-DD` as on the page. Anything refused is a 404; a refused
//! date a 400. In the customer's language.
use crate::error::AppError;
use crate::model::statement::parse_date;
use crate::model::statement_access::StatementAccess;
use crate::server::auth::current_user;
use crate::server::services::statements;
use crate::server::state::AppState;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use tower_sessions::Session;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/statement.pdf", get(account_pdf))
        .route("/statements/{token}/pdf", get(link_pdf))
        .route("/pay/{token}/statement.pdf", get(pay_link_pdf))
}

#[derive(Debug, Deserialize)]
pub struct AsOf {
    #[serde(default)]
    as_of: Option<String>,
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// `GET /statement.pdf`: the signed-in customer's own statement.
pub async fn account_pdf(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<AsOf>,
) -> Response {
    let user = match current_user(&session, &state.db.pool).await {
        Ok(Some(u)) => u,
        Ok(None) => return super::to_login("/statement"),
        Err(e) => return e.into_response(),
    };
    pdf(&state, &StatementAccess::Account, Some(&user), q).await
}

/// `GET /statements/{token}/pdf`: the statement of a live statement link.
pub async fn link_pdf(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(q): Query<AsOf>,
) -> Response {
    pdf(&state, &StatementAccess::Link(token), None, q).await
}

/// `GET /pay/{token}/statement.pdf`: the statement of a pay link's customer,
/// when the company allows statements from pay links.
pub async fn pay_link_pdf(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Query(q): Query<AsOf>,
) -> Response {
    pdf(&state, &StatementAccess::PayLink(token), None, q).await
}

async fn pdf(
    state: &AppState,
    access: &StatementAccess,
    user: Option<&crate::model::user::SessionUser>,
    q: AsOf,
) -> Response {
    let now = crate::server::db::now_ts();
    let days = state.config.pay_link_days_after_paid;
    let customer = match statements::customer_for_in(&state.db, access, user, now, days).await {
        Ok(c) => c,
        // Others' statements are not found rather than forbidden.
        Err(AppError::NotFound | AppError::Forbidden) => {
            return AppError::NotFound.into_response();
        }
        Err(e) => return e.into_response(),
    };
    let typed: Option<String> = q.as_of.map(|s| s.chars().take(20).collect());
    let view = match statements::statement(&state.db, customer, typed.as_deref(), today()).await {
        Ok(v) if v.problem.is_none() => v,
        Ok(_) => return AppError::BadRequest.into_response(),
        Err(e) => return e.into_response(),
    };
    let lang = crate::server::db::customers::lang(&state.db.pool, customer)
        .await
        .unwrap_or_default();
    let name = crate::server::pdf::statement::file_name(
        lang,
        parse_date(&view.as_of).unwrap_or_else(today),
    );
    let rendered =
        tokio::task::spawn_blocking(move || crate::server::pdf::statement::render(&view, lang))
            .await;
    let bytes = match rendered {
        Ok(Ok(b)) => b,
        Ok(Err(e)) => return AppError::internal("statement pdf", e).into_response(),
        Err(e) => return AppError::internal("statement pdf task", e).into_response(),
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
