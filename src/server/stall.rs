//! The stall guard: a page render that has not finished within a bound is
//! cut, logged at error level with its URL, counted, and rendered once more
//! (pages are GETs, so a second render is safe); a second cut is answered
//! 503. A render that never settles (e.g. leptos-rs/leptos#4866, or the rare
//! stall seen under CPU contention on any page, even `/login`, with nothing
//! slow in the database: about one load in 5,000 on a loaded 2-core
//! machine) can then neither hold a connection and its database work
//! forever nor, alone, cost the customer the page.
//!
//! Pages render in `SsrMode::Async`: the response head waits for the whole
//! render, so bounding the handler's future bounds the render. Cutting it
//! drops the render exactly as a client that goes away does.
//!
//! A render dropped before its page was sent (cut here, or its client gone)
//! must not leak: Leptos keeps each resource's serialisation future in the
//! render's shared context, and those futures hold the resources, whose
//! owners hold the shared context again. Only streaming the page's data
//! breaks that cycle, so the guard does it for a page that was never sent:
//! it resolves what is left and drops it (20,000 dropped requests kept
//! about 200 MB alive before this).
use axum::body::Body;
use axum::extract::MatchedPath;
use futures::{Stream, StreamExt};
use http::{Request, Response, StatusCode, header};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;
use tower::{Layer, Service};

/// Page renders the guard cut since the process started.
pub static STALLED_RENDERS: AtomicU64 = AtomicU64::new(0);

/// How long one try of a page render may take unless configured otherwise:
/// far beyond any healthy render (tens of milliseconds, a few seconds on a
/// loaded test machine); the two tries of a GET stay short of a client's
/// patience.
pub const DEFAULT_RENDER_BOUND: Duration = Duration::from_secs(15);

/// The page data still pending in a render (Leptos's shared context stream).
type PendingData = Pin<Box<dyn Stream<Item = String> + Send + Sync>>;
type TakePending = Box<dyn FnOnce() -> Option<PendingData> + Send>;

/// Where the page handler leaves its render's pending data for the guard.
#[derive(Clone, Default)]
struct RenderSlot(Arc<Mutex<Option<TakePending>>>);

tokio::task_local! {
    static RENDER: RenderSlot;
}

/// Called in the page handler's context (inside the render's reactive
/// owner): lets the guard release the render if its page is never sent.
pub fn watch_render() {
    let Some(shared) = leptos::prelude::Owner::current_shared_context() else {
        return;
    };
    let _ = RENDER.try_with(|slot| {
        if let Ok(mut s) = slot.0.lock() {
            *s = Some(Box::new(move || shared.pending_data()));
        }
    });
}

/// Dropped with the request's future or with its body, whichever lives
/// last: resolves and drops whatever the render left pending, within the
/// bound, on a task of its own. After a page was sent in full there is
/// nothing left and this costs next to nothing.
struct ReleaseRender {
    slot: RenderSlot,
    bound: Duration,
}

impl Drop for ReleaseRender {
    fn drop(&mut self) {
        let take = self.slot.0.lock().ok().and_then(|mut s| s.take());
        let Some(mut pending) = take.and_then(|take| take()) else {
            return;
        };
        let bound = self.bound;
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                let drain = async { while pending.next().await.is_some() {} };
                if tokio::time::timeout(bound, drain).await.is_err() {
                    tracing::warn!("a dropped render's data did not resolve in time");
                }
            });
        }
    }
}

/// Puts a [`StallGuard`] with the given bound around a service.
#[derive(Debug, Clone, Copy)]
pub struct StallGuardLayer {
    bound: Duration,
}

impl StallGuardLayer {
    pub fn new(bound: Duration) -> StallGuardLayer {
        StallGuardLayer { bound }
    }
}

impl<S> Layer<S> for StallGuardLayer {
    type Service = StallGuard<S>;

    fn layer(&self, inner: S) -> StallGuard<S> {
        StallGuard {
            inner,
            bound: self.bound,
        }
    }
}

/// See the module documentation.
#[derive(Debug, Clone)]
pub struct StallGuard<S> {
    inner: S,
    bound: Duration,
}

impl<S, B> Service<Request<B>> for StallGuard<S>
where
    S: Service<Request<B>, Response = Response<Body>> + Clone + Send + 'static,
    S::Future: Send + 'static,
    B: Default + Send + 'static,
{
    type Response = Response<Body>;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Response<Body>, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, req: Request<B>) -> Self::Future {
        // The clone that was driven to readiness serves this request; a
        // spare one serves the second try.
        let clone = self.inner.clone();
        let spare = clone.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let bound = self.bound;
        let url = redacted_path(req.uri().path());
        let route = req
            .extensions()
            .get::<MatchedPath>()
            .map(|m| m.as_str().to_string())
            .unwrap_or_default();
        let again = copy_of_get(&req);
        Box::pin(async move {
            let mut tries = vec![Try::Ready(inner, req)];
            if let Some(req) = again {
                tries.push(Try::Spare(spare, req));
            }
            let count = tries.len();
            for (n, attempt) in tries.into_iter().enumerate() {
                let slot = RenderSlot::default();
                let release = ReleaseRender {
                    slot: slot.clone(),
                    bound,
                };
                let render = RENDER.scope(slot, tokio::time::timeout(bound, attempt.run()));
                match render.await {
                    // The body keeps the release: it runs when the page was sent
                    // or when the client went away while it was being sent.
                    Ok(Ok(res)) => {
                        return Ok(res.map(|body| {
                            Body::from_stream(body.into_data_stream().map(move |chunk| {
                                let _ = &release;
                                chunk
                            }))
                        }));
                    }
                    Ok(Err(e)) => return Err(e),
                    Err(_) => {
                        STALLED_RENDERS.fetch_add(1, Ordering::Relaxed);
                        let last = n + 1 == count;
                        tracing::error!(
                            url = %url,
                            route = %route,
                            bound_ms = bound.as_millis() as u64,
                            attempt = n + 1,
                            "page render did not finish in time: cut, {}",
                            if last { "answered 503" } else { "rendered again" }
                        );
                        // `release` drops here: what the cut render left
                        // pending is resolved and dropped.
                    }
                }
            }
            Ok(unavailable())
        })
    }
}

/// One try of a render: the service driven to readiness by `poll_ready`,
/// or a spare clone that must be driven to readiness first.
enum Try<S, B> {
    Ready(S, Request<B>),
    Spare(S, Request<B>),
}

impl<S, B> Try<S, B>
where
    S: Service<Request<B>, Response = Response<Body>> + Send + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
{
    async fn run(self) -> Result<Response<Body>, S::Error> {
        use tower::ServiceExt;
        match self {
            Try::Ready(mut s, req) => s.call(req).await,
            Try::Spare(s, req) => s.oneshot(req).await,
        }
    }
}

/// A GET or HEAD request as it came (its body is empty), to render again.
fn copy_of_get<B: Default>(req: &Request<B>) -> Option<Request<B>> {
    if req.method() != http::Method::GET && req.method() != http::Method::HEAD {
        return None;
    }
    let mut copy = Request::new(B::default());
    *copy.method_mut() = req.method().clone();
    *copy.uri_mut() = req.uri().clone();
    *copy.version_mut() = req.version();
    *copy.headers_mut() = req.headers().clone();
    *copy.extensions_mut() = req.extensions().clone();
    Some(copy)
}

/// A plain 503 that asks the client to try again shortly.
fn unavailable() -> Response<Body> {
    let mut res = Response::new(Body::from(
        "The page took too long to prepare. Please try again.",
    ));
    *res.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
    let headers = res.headers_mut();
    headers.insert(header::RETRY_AFTER, http::HeaderValue::from_static("5"));
    headers.insert(
        header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
    headers.insert(
        header::CONTENT_TYPE,
        http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    res
}

/// The path with the secret segments masked (pay-link, reset and invitation
/// tokens are credentials: never logged). The query string is left out.
pub fn redacted_path(path: &str) -> String {
    let mut out = Vec::new();
    let mut hide_next = false;
    for segment in path.split('/') {
        if hide_next && !segment.is_empty() {
            out.push("…");
        } else {
            out.push(segment);
        }
        hide_next = matches!(segment, "pay" | "reset-password" | "invite");
    }
    out.join("/")
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::Router;
    use axum::routing::get;
    use tower::ServiceExt;

    #[test]
    fn tokens_are_masked_in_the_logged_path() {
        assert_eq!(redacted_path("/pay/abc123/receipts/4"), "/pay/…/receipts/4");
        assert_eq!(redacted_path("/reset-password/tok"), "/reset-password/…");
        assert_eq!(redacted_path("/invite/tok"), "/invite/…");
        assert_eq!(
            redacted_path("/invoices/F-2026-0001"),
            "/invoices/F-2026-0001"
        );
    }

    fn guarded() -> Router {
        Router::new()
            .route("/never", get(std::future::pending::<&'static str>))
            .route("/quick", get(|| async { "ready" }))
            .route("/once", get(stalls_once))
            .route_layer(StallGuardLayer::new(Duration::from_millis(50)))
    }

    static ONCE_CALLS: AtomicU64 = AtomicU64::new(0);

    /// Hangs on its first render only.
    async fn stalls_once() -> &'static str {
        if ONCE_CALLS.fetch_add(1, Ordering::SeqCst) == 0 {
            std::future::pending::<()>().await;
        }
        "second try"
    }

    fn request(path: &str) -> Request<Body> {
        Request::builder()
            .uri(path)
            .body(Body::empty())
            .expect("request")
    }

    #[tokio::test]
    async fn a_render_that_never_finishes_is_cut_counted_and_answered_503() {
        let before = STALLED_RENDERS.load(Ordering::Relaxed);
        // A deadline far beyond the bound: without the guard this fails
        // instead of hanging the run.
        let answer = tokio::time::timeout(
            Duration::from_secs(30),
            guarded().oneshot(request("/never")),
        );
        let res = answer.await.expect("the guard answered").expect("answer");
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert!(res.headers().contains_key(header::RETRY_AFTER));
        assert!(STALLED_RENDERS.load(Ordering::Relaxed) > before);
    }

    #[tokio::test]
    async fn a_render_that_stalls_once_is_cut_and_rendered_again() {
        let before = STALLED_RENDERS.load(Ordering::Relaxed);
        let res = guarded().oneshot(request("/once")).await.expect("answer");
        assert_eq!(res.status(), StatusCode::OK);
        let body = axum::body::to_bytes(res.into_body(), 1024)
            .await
            .expect("body");
        assert_eq!(&body[..], b"second try");
        assert_eq!(ONCE_CALLS.load(Ordering::SeqCst), 2);
        assert!(STALLED_RENDERS.load(Ordering::Relaxed) > before);
    }

    static POST_CALLS: AtomicU64 = AtomicU64::new(0);

    async fn post_that_hangs() -> &'static str {
        POST_CALLS.fetch_add(1, Ordering::SeqCst);
        std::future::pending().await
    }

    #[tokio::test]
    async fn a_stalled_post_is_answered_503_and_never_run_twice() {
        let app = Router::new()
            .route("/hangs", axum::routing::post(post_that_hangs))
            .route_layer(StallGuardLayer::new(Duration::from_millis(50)));
        let post = Request::builder()
            .method("POST")
            .uri("/hangs")
            .body(Body::empty())
            .expect("request");
        let res = app.oneshot(post).await.expect("answer");
        assert_eq!(res.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(POST_CALLS.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn a_render_that_finishes_passes_through_untouched() {
        let res = guarded().oneshot(request("/quick")).await.expect("answer");
        assert_eq!(res.status(), StatusCode::OK);
        let body = axum::body::to_bytes(res.into_body(), 1024)
            .await
            .expect("body");
        assert_eq!(&body[..], b"ready");
    }
}
