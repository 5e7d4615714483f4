//! The same-origin guard for state-changing requests, a layer over the whole router.
use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// Whether a state-changing request comes from another site. Browsers send
/// `Origin` on cross-site posts; SameSite=Lax cookies are the first defence,
/// this is the second.
/// Pages that hide their address (`Referrer-Policy: no-referrer`, the pay
/// links) make browsers send `Origin: null`; then `Sec-Fetch-Site`, which page
/// scripts cannot set, tells whether the post came from our own pages.
fn is_cross_site(headers: &HeaderMap) -> bool {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok());
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    match headers.get(header::ORIGIN).and_then(|o| o.to_str().ok()) {
        Some("null") => fetch_site != Some("same-origin"),
        Some(origin) => origin.split("://").nth(1) != host,
        None => fetch_site == Some("cross-site"),
    }
}

pub async fn same_origin_guard(req: Request<Body>, next: Next) -> Response {
    let safe = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if !safe && is_cross_site(req.headers()) {
        tracing::warn!(path = %req.uri().path(), "refused a cross-site request");
        return (StatusCode::FORBIDDEN, "cross-site request refused").into_response();
    }
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn a_post_from_our_own_origin_is_allowed() {
        assert!(!is_cross_site(&headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "http://127.0.0.1:3000")
        ])));
    }

    #[test]
    fn a_post_from_another_origin_is_refused() {
        assert!(is_cross_site(&headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "https://evil.example")
        ])));
        assert!(is_cross_site(&headers(&[
            ("host", "a"),
            ("origin", "null")
        ])));
        assert!(is_cross_site(&headers(&[
            ("host", "a"),
            ("sec-fetch-site", "cross-site")
        ])));
    }

    #[test]
    fn a_hidden_origin_is_allowed_only_when_the_browser_says_same_origin() {
        let own = headers(&[
            ("host", "pay.example.fr"),
            ("origin", "null"),
            ("sec-fetch-site", "same-origin"),
        ]);
        assert!(!is_cross_site(&own));
        let other = headers(&[
            ("host", "pay.example.fr"),
            ("origin", "null"),
            ("sec-fetch-site", "cross-site"),
        ]);
        assert!(is_cross_site(&other));
        assert!(is_cross_site(&headers(&[
            ("host", "pay.example.fr"),
            ("origin", "null")
        ])));
    }

    #[test]
    fn a_client_without_origin_headers_is_allowed() {
        assert!(!is_cross_site(&headers(&[("host", "a")])));
    }
}
