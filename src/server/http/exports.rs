//! `GET /staff/exports/{invoices,credit-notes,payments}.csv` and
//! `GET /staff/exports/fec.txt?from=&to=&lang=`: the accounting exports,
//! streamed as they are written (`services::exports`). Staff only: a customer
//! gets 403, nobody signed in goes to the login page. A bad range goes back
//! to `/staff/exports` with what was typed, where the page shows the message.
use crate::error::AppError;
use crate::model::export::CsvKind;
use crate::model::lang::Lang;
use crate::model::user::SessionUser;
use crate::server::auth::current_user;
use crate::server::services::exports::{self, ExportFile};
use crate::server::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;
use tower_sessions::Session;

/// The page with the form and the links.
pub const PAGE: &str = "/staff/exports";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/exports/invoices.csv", get(invoices_csv))
        .route("/staff/exports/credit-notes.csv", get(credit_notes_csv))
        .route("/staff/exports/payments.csv", get(payments_csv))
        .route("/staff/exports/fec.txt", get(fec_txt))
}

/// What the page's form sends.
#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    from: Option<String>,
    to: Option<String>,
    lang: Option<String>,
}

impl ExportQuery {
    /// The page again with what was typed (it shows the range's problem).
    fn back(&self) -> Response {
        let mut q = form_urlencoded::Serializer::new(String::new());
        for (k, v) in [("from", &self.from), ("to", &self.to), ("lang", &self.lang)] {
            if let Some(v) = v {
                q.append_pair(k, v);
            }
        }
        super::see_other(&format!("{PAGE}?{}", q.finish()), PAGE)
    }
}

/// Why someone may not download.
enum Refused {
    /// Nobody signed in: the login page, back to the exports after.
    Login,
    Error(AppError),
}

impl IntoResponse for Refused {
    fn into_response(self) -> Response {
        match self {
            Refused::Login => super::to_login(PAGE),
            Refused::Error(e) => e.into_response(),
        }
    }
}

/// Who may download: staff; a customer is forbidden.
async fn staff(state: &AppState, session: &Session) -> Result<SessionUser, Refused> {
    match current_user(session, &state.db.pool).await {
        Ok(Some(u)) if u.role.is_staff() => Ok(u),
        Ok(Some(_)) => Err(Refused::Error(AppError::Forbidden)),
        Ok(None) => Err(Refused::Login),
        Err(e) => Err(Refused::Error(e)),
    }
}

fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

/// The streamed file, as an attachment never kept by caches.
fn attachment(file: ExportFile) -> Response {
    let mut res = Body::from_stream(file.body).into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(file.content_type),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{}\"", file.name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    res
}

async fn csv_export(state: AppState, session: Session, q: ExportQuery, kind: CsvKind) -> Response {
    let user = match staff(&state, &session).await {
        Ok(u) => u,
        Err(refused) => return refused.into_response(),
    };
    let Ok(range) = exports::range(q.from.as_deref(), q.to.as_deref(), today()) else {
        return q.back();
    };
    let lang = q.lang.as_deref().and_then(Lang::parse).unwrap_or_default();
    match exports::csv(&state.db, &user, kind, range, lang) {
        Ok(file) => attachment(file),
        Err(e) => e.into_response(),
    }
}

pub async fn invoices_csv(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<ExportQuery>,
) -> Response {
    csv_export(state, session, q, CsvKind::Invoices).await
}

pub async fn credit_notes_csv(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<ExportQuery>,
) -> Response {
    csv_export(state, session, q, CsvKind::CreditNotes).await
}

pub async fn payments_csv(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<ExportQuery>,
) -> Response {
    csv_export(state, session, q, CsvKind::Payments).await
}

/// The FEC (its language is French whatever `lang` says).
pub async fn fec_txt(
    State(state): State<AppState>,
    session: Session,
    Query(q): Query<ExportQuery>,
) -> Response {
    let user = match staff(&state, &session).await {
        Ok(u) => u,
        Err(refused) => return refused.into_response(),
    };
    let Ok(range) = exports::range(q.from.as_deref(), q.to.as_deref(), today()) else {
        return q.back();
    };
    match exports::fec(&state.db, &user, range).await {
        Ok(file) => attachment(file),
        Err(e) => e.into_response(),
    }
}
