//! `GET /lang/{code}`: the language switch, a plain link that works without JavaScript.
use crate::server::state::AppState;
use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new().route("/lang/{code}", get(switch_lang))
}

#[derive(Deserialize)]
pub struct LangQuery {
    next: Option<String>,
}

/// The cookie leptos_i18n reads to remember the chosen language.
pub const LANG_COOKIE: &str = "i18n_pref_locale";

/// Remembers the language in a cookie and goes back to the page: a plain link,
/// so switching works with JavaScript off.
pub async fn switch_lang(
    State(state): State<AppState>,
    Path(code): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let Some(lang) = crate::model::lang::Lang::parse(&code) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    // Only a path of this site: never `/\t/evil.test` and its kin.
    let next = crate::model::redirect::LocalPath::parse_or(q.next.as_deref(), "/");
    let secure = if state.config.secure_cookies() {
        "; Secure"
    } else {
        ""
    };
    let cookie = format!(
        "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Lax{secure}",
        lang.code()
    );
    let mut res = StatusCode::SEE_OTHER.into_response();
    let headers = res.headers_mut();
    if let (Ok(c), Ok(l)) = (
        HeaderValue::from_str(&cookie),
        HeaderValue::from_str(next.as_str()),
    ) {
        headers.insert(header::SET_COOKIE, c);
        headers.insert(header::LOCATION, l);
    }
    res
}
