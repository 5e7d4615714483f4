//! `GET /healthz`: what a load balancer or orchestrator polls.
//!
//! While the database is unreachable every request that needs it is answered
//! 503 at once ([`fail_fast`]) instead of each waiting out the pool's acquire
//! timeout; a probe ([`watch`]) notices when it is back, and the pool opens
//! new connections by itself.
use crate::server::db::Db;
use crate::server::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Pause between two probes of the database.
const PROBE_INTERVAL: Duration = Duration::from_secs(1);

pub fn router() -> Router<AppState> {
    Router::new().route("/healthz", get(healthz))
}

/// 200 when the database answers, 503 when it does not (and what it saw is
/// what [`fail_fast`] goes by from now on).
pub async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    let up = state.db.is_healthy().await;
    state.db_up.store(up, Ordering::Relaxed);
    if up {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unavailable")
    }
}

/// Probes the database every second until its pool is closed; the flag says
/// whether the last probe was answered.
pub fn watch(db: Db) -> Arc<AtomicBool> {
    let up = Arc::new(AtomicBool::new(true));
    let flag = up.clone();
    tokio::spawn(async move {
        while !db.pool.is_closed() {
            let ok = db.is_healthy().await;
            let was = flag.swap(ok, Ordering::Relaxed);
            match (was, ok) {
                (true, false) if !db.pool.is_closed() => {
                    tracing::error!("database unreachable: answering 503")
                }
                (false, true) => tracing::info!("database reachable again"),
                _ => {}
            }
            tokio::time::sleep(PROBE_INTERVAL).await;
        }
    });
    up
}

/// Paths that do not need the database: health, metrics and static files.
fn needs_no_database(path: &str) -> bool {
    path == "/healthz"
        || path == "/metrics"
        || path.starts_with("/pkg/")
        || path
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains('.'))
}

fn unavailable() -> Response {
    let mut res = (StatusCode::SERVICE_UNAVAILABLE, "database unavailable").into_response();
    res.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
    res
}

/// Answers 503 while the database is known to be down, and turns a 500 into
/// a 503 when the database went down during the request (asking it again
/// then: failures are rare, and the probe may not have run yet).
pub async fn fail_fast(State(state): State<AppState>, req: Request<Body>, next: Next) -> Response {
    if needs_no_database(req.uri().path()) {
        return next.run(req).await;
    }
    if !state.db_up.load(Ordering::Relaxed) {
        return unavailable();
    }
    let res = next.run(req).await;
    // A failure may be the database going away before the probe saw it: ask it now.
    if res.status() == StatusCode::INTERNAL_SERVER_ERROR
        && (!state.db_up.load(Ordering::Relaxed) || !state.db.is_healthy().await)
    {
        state.db_up.store(false, Ordering::Relaxed);
        return unavailable();
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_files_health_and_metrics_are_served_without_the_database() {
        assert!(needs_no_database("/healthz"));
        assert!(needs_no_database("/metrics"));
        assert!(needs_no_database("/pkg/quittance.wasm"));
        assert!(needs_no_database("/favicon.ico"));
        assert!(!needs_no_database("/invoices/F-2026-0001/pdf"));
        assert!(!needs_no_database("/pay/abc"));
        assert!(!needs_no_database("/company/logo"));
    }
}
