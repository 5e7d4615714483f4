//! `GET /metrics` in the Prometheus text format, for the operator's scraper:
//! requests by route, method and status with their latency, webhook events by
//! outcome, email sends, the outbox's depth and oldest message, and the
//! database pool. Served only when `METRICS_TOKEN` is set (404 otherwise),
//! to callers sending `Authorization: Bearer <token>` (401 otherwise).
//!
//! The recorder is process-wide (the `metrics` facade has one); several
//! servers in one process (the tests) share it.
use crate::server::db::{now_ts, outbox};
use crate::server::state::AppState;
use axum::Router;
use axum::body::Body;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Request latency buckets, in seconds (time to the response head: pages stream).
const LATENCY_BUCKETS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// How often histograms are folded in between two scrapes.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);
const REQUEST_DURATION: &str = "http_request_duration_seconds";
/// The route pattern of the server functions; each function is counted by its path.
const SERVER_FNS: &str = "/api/{*fn_name}";

static HANDLE: OnceLock<Option<PrometheusHandle>> = OnceLock::new();

pub fn router() -> Router<AppState> {
    Router::new().route("/metrics", get(serve))
}

/// Installs the process-wide recorder, once; later calls do nothing.
pub fn install() {
    HANDLE.get_or_init(|| {
        let built = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Full(REQUEST_DURATION.into()), LATENCY_BUCKETS)
            .and_then(|b| b.install_recorder());
        match built {
            Ok(handle) => {
                let upkeep = handle.clone();
                // A thread rather than a task: test servers come and go with their runtimes.
                std::thread::spawn(move || {
                    loop {
                        std::thread::sleep(UPKEEP_INTERVAL);
                        upkeep.run_upkeep();
                    }
                });
                Some(handle)
            }
            Err(e) => {
                tracing::warn!(error = %e, "metrics recorder not installed: /metrics stays empty");
                None
            }
        }
    });
}

/// Whether `Authorization: Bearer …` carries the token (compared as digests,
/// so the comparison takes the same time wherever the values differ).
fn bearer_matches(headers: &HeaderMap, token: &str) -> bool {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    Sha256::digest(given.trim().as_bytes()) == Sha256::digest(token.as_bytes())
}

async fn serve(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let Some(token) = &state.config.metrics_token else {
        return StatusCode::NOT_FOUND.into_response();
    };
    if !bearer_matches(&headers, token.expose()) {
        let mut res = StatusCode::UNAUTHORIZED.into_response();
        res.headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        return res;
    }
    let Some(handle) = HANDLE.get().and_then(Option::as_ref) else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    record_state(&state).await;
    handle.run_upkeep();
    let mut res = handle.render().into_response();
    res.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; version=0.0.4; charset=utf-8"),
    );
    res
}

/// The gauges read at scrape time: pool, database reachability, outbox, and
/// the page renders the stall guard cut.
async fn record_state(state: &AppState) {
    metrics::counter!("page_renders_stalled_total")
        .absolute(crate::server::stall::STALLED_RENDERS.load(Ordering::Relaxed));
    let pool = &state.db.pool;
    let idle = pool.num_idle() as f64;
    let open = f64::from(pool.size());
    metrics::gauge!("db_pool_connections", "state" => "idle").set(idle);
    metrics::gauge!("db_pool_connections", "state" => "in_use").set((open - idle).max(0.0));
    metrics::gauge!("db_pool_max_connections").set(f64::from(pool.options().get_max_connections()));
    metrics::gauge!("db_up").set(if state.db_up.load(Ordering::Relaxed) {
        1.0
    } else {
        0.0
    });
    match outbox::pending_depth(pool).await {
        Ok((depth, oldest)) => {
            metrics::gauge!("outbox_pending_messages").set(depth as f64);
            let age = oldest.map(|t| (now_ts() - t).max(0)).unwrap_or(0);
            metrics::gauge!("outbox_oldest_pending_age_seconds").set(age as f64);
        }
        Err(e) => tracing::warn!(error = %e, "outbox depth not read for /metrics"),
    }
}

/// Whether a path is one of the registered server functions.
fn is_server_fn(path: &str) -> bool {
    static PATHS: OnceLock<std::collections::HashSet<&'static str>> = OnceLock::new();
    PATHS
        .get_or_init(|| {
            leptos::server_fn::axum::server_fn_paths()
                .map(|(p, _)| p)
                .collect()
        })
        .contains(path)
}

/// The route label of a request: its pattern, or for server functions their
/// path (a fixed set: any other path under `/api/` keeps the pattern).
fn route_label(pattern: &str, path: &str) -> String {
    if pattern == SERVER_FNS && is_server_fn(path) {
        path.to_string()
    } else {
        pattern.to_string()
    }
}

/// Counts and times every routed request (a `route_layer`, so the matched
/// route is known).
pub async fn track(req: Request<Body>, next: Next) -> Response {
    let started = Instant::now();
    let pattern = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "unmatched".into());
    let path = req.uri().path().to_string();
    let method = req.method().to_string();
    let res = next.run(req).await;
    let status = res.status();
    let labels = [
        ("route", route_label(&pattern, &path)),
        ("method", method),
        ("status", status.as_u16().to_string()),
    ];
    metrics::counter!("http_requests_total", &labels).increment(1);
    metrics::histogram!(REQUEST_DURATION, &labels).record(started.elapsed().as_secs_f64());
    res
}

/// Counts a webhook delivery by what became of it:
/// `applied`, `duplicate`, `refused` (bad signature or body) or `failed`.
pub fn webhook_event(outcome: &'static str) {
    metrics::counter!("webhook_events_total", "outcome" => outcome).increment(1);
}

/// Counts an email delivery attempt: `sent` or `failed`.
pub fn email_send(result: &'static str) {
    metrics::counter!("email_sends_total", "result" => result).increment(1);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_exact_bearer_token_opens_the_metrics() {
        let mut h = HeaderMap::new();
        assert!(!bearer_matches(&h, "s3cret"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer s3cre"),
        );
        assert!(!bearer_matches(&h, "s3cret"));
        h.insert(header::AUTHORIZATION, HeaderValue::from_static("s3cret"));
        assert!(!bearer_matches(&h, "s3cret"));
        h.insert(
            header::AUTHORIZATION,
            HeaderValue::from_static("Bearer s3cret"),
        );
        assert!(bearer_matches(&h, "s3cret"));
    }

    #[test]
    fn server_functions_are_counted_by_name_and_unknown_ones_by_pattern() {
        assert_eq!(route_label(SERVER_FNS, "/api/login"), "/api/login");
        assert_eq!(route_label(SERVER_FNS, "/api/nonsense"), SERVER_FNS);
        assert_eq!(route_label("/pay/{token}", "/pay/abc"), "/pay/{token}");
    }
}
