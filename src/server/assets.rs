//! The site's static files and response compression.
//!
//! `scripts/build-site.sh` names the bundle after its content
//! (`/pkg/quittance.<hash>.wasm`, listed in the site's `hash.txt`) and writes
//! brotli and gzip copies beside each file. Hashed files are cached for a year;
//! other files are revalidated (`Last-Modified`, answered with 304). HTML and
//! other text are compressed on the fly when the client accepts it; what is
//! already compressed (the bundle's copies) or binary (PDFs, images) is not.
use axum::body::Body;
use axum::extract::Request;
use axum::response::Response;
use http::header::{self, HeaderMap, HeaderName, HeaderValue};
use http::{Extensions, Method, StatusCode, Version};
use leptos::config::LeptosOptions;
use std::path::Path;
use tower::ServiceExt;
use tower_http::compression::CompressionLayer;
use tower_http::compression::predicate::{Predicate, SizeAbove};
use tower_http::services::ServeDir;

/// A file whose name carries its content hash never changes.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// An unhashed file of the bundle (a build without hashes) is checked on every use.
pub const REVALIDATE: &str = "no-cache";
/// Other public files (the favicon, ...): an hour, then revalidated.
pub const MODEST: &str = "public, max-age=3600";

/// The hash file the build script writes at the top of the site folder.
pub const SITE_HASH_FILE: &str = "hash.txt";

/// Request headers the file service needs: negotiation, validators and ranges.
const FORWARDED: [HeaderName; 5] = [
    header::ACCEPT_ENCODING,
    header::IF_MODIFIED_SINCE,
    header::IF_UNMODIFIED_SINCE,
    header::RANGE,
    header::IF_RANGE,
];

/// Points Leptos at the bundle's hash file. The site folder's own `hash.txt`
/// (written by the build script, swapped in with the files it names) wins;
/// otherwise cargo-leptos's file beside the binary, if configured. Hashing is
/// only switched on when the file exists: Leptos panics on render without it.
pub fn use_hash_file(options: &mut LeptosOptions) {
    let in_site = Path::new(&*options.site_root).join(SITE_HASH_FILE);
    if in_site.is_file()
        && let Ok(path) = std::path::absolute(&in_site)
    {
        options.hash_file = path.to_string_lossy().as_ref().into();
        options.hash_files = true;
        return;
    }
    let beside_binary = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent().map(|dir| dir.join(&*options.hash_file)));
    if options.hash_files && !beside_binary.is_some_and(|p| p.is_file()) {
        tracing::warn!("file hashing is configured but there is no hash file: names stay plain");
        options.hash_files = false;
    }
}

/// The file at the request's path under the site root with its caching
/// headers, or `None` when there is none (the caller renders the 404 page).
pub async fn static_file(options: &LeptosOptions, req: &http::request::Parts) -> Option<Response> {
    if req.method != Method::GET && req.method != Method::HEAD {
        return None;
    }
    let mut file_req = Request::builder()
        .method(req.method.clone())
        .uri(req.uri.clone());
    for name in FORWARDED {
        if let Some(value) = req.headers.get(&name) {
            file_req = file_req.header(name, value.clone());
        }
    }
    let file_req = file_req.body(Body::empty()).ok()?;
    let files = ServeDir::new(&*options.site_root)
        .append_index_html_on_directories(false)
        .precompressed_br()
        .precompressed_gzip();
    let res = match files.oneshot(file_req).await {
        Ok(res) => res,
        Err(never) => match never {},
    };
    if res.status() == StatusCode::NOT_FOUND {
        return None;
    }
    let (mut parts, body) = res.into_parts();
    let cache = cache_control(&options.site_pkg_dir, req.uri.path());
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    // The same URL answers brotli, gzip or plain bytes depending on the client.
    parts
        .headers
        .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    Some(Response::from_parts(parts, Body::new(body)))
}

/// The `Cache-Control` of a static file at `path`.
pub fn cache_control(pkg_dir: &str, path: &str) -> &'static str {
    let pkg = format!("/{}/", pkg_dir.trim_matches('/'));
    match path.strip_prefix(pkg.as_str()) {
        Some(name) if is_hashed(name) => IMMUTABLE,
        Some(_) => REVALIDATE,
        None => MODEST,
    }
}

/// `quittance.3f9a0c1d2e4b5a6f.wasm`: a content hash (8 or more URL-safe
/// characters) between the name and the extension, directly in the folder.
fn is_hashed(name: &str) -> bool {
    if name.contains('/') {
        return false;
    }
    let mut parts = name.rsplit('.');
    let (_extension, hash, stem) = (parts.next(), parts.next(), parts.next());
    match (hash, stem) {
        (Some(hash), Some(stem)) => {
            !stem.is_empty()
                && hash.len() >= 8
                && hash
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        }
        _ => false,
    }
}

/// Compresses text answers (pages, server function JSON, unhashed text files)
/// for clients that accept brotli or gzip. Already-encoded answers (the
/// bundle's precompressed copies) and ranges are left alone by tower-http;
/// PDFs, images and attachments are not text and stay as they are.
pub fn compression() -> CompressionLayer<impl Predicate> {
    let is_text = |_: StatusCode, _: Version, headers: &HeaderMap, _: &Extensions| {
        headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(is_compressible_type)
    };
    CompressionLayer::new()
        .br(true)
        .gzip(true)
        .compress_when(SizeAbove::new(256).and(is_text))
}

fn is_compressible_type(content_type: &str) -> bool {
    let essence = content_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase();
    matches!(
        essence.as_str(),
        "text/html"
            | "text/css"
            | "text/plain"
            | "text/javascript"
            | "application/javascript"
            | "application/json"
            | "image/svg+xml"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_bundle_files_are_immutable_and_the_rest_revalidated() {
        assert_eq!(
            cache_control("pkg", "/pkg/quittance.3f9a0c1d2e4b5a6f.wasm"),
            IMMUTABLE
        );
        assert_eq!(
            cache_control("pkg", "/pkg/quittance.Ab_c-12345.css"),
            IMMUTABLE
        );
        assert_eq!(cache_control("pkg", "/pkg/quittance.wasm"), REVALIDATE);
        assert_eq!(cache_control("pkg", "/pkg/quittance.min.js"), REVALIDATE);
        assert_eq!(
            cache_control("pkg", "/pkg/snippets/leptos-1234567890/inline0.js"),
            REVALIDATE
        );
        assert_eq!(cache_control("pkg", "/favicon.svg"), MODEST);
        assert_eq!(cache_control("pkg", "/x.3f9a0c1d2e4b5a6f.js"), MODEST);
    }

    #[test]
    fn only_text_types_are_compressed_on_the_fly() {
        assert!(is_compressible_type("text/html; charset=utf-8"));
        assert!(is_compressible_type("application/json"));
        assert!(!is_compressible_type("application/pdf"));
        assert!(!is_compressible_type("image/png"));
        assert!(!is_compressible_type("application/wasm"));
    }
}
