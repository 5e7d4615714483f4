//! The security headers of every response, one layer over the whole router.
//!
//! Every response: `X-Frame-Options: DENY`, `X-Content-Type-Options:
//! nosniff`, `Referrer-Policy: same-origin` (pay-link tokens are in URLs;
//! not `no-referrer`, which makes browsers send `Origin: null` on our own
//! posts, see [`super::guard`]), and `Strict-Transport-Security` when the
//! public address is https.
//!
//! Every HTML response also gets a Content-Security-Policy: only our own
//! files, no inline script but the ones Leptos marks with this response's
//! nonce (the island loader), wasm allowed to compile, no inline style, no
//! plugin, no `<base>`, forms posting only to us (and to the payment
//! provider's checkout, which a pay form reaches through our 303: Chromium
//! applies `form-action` to the redirects of a form submission), and no
//! framing by any site.
//!
//! The nonce is the one Leptos generates for each render (`use_nonce`, put
//! on its scripts by `HydrationScripts`): the page render hands it to this
//! layer through a slot in the request's extensions ([`share_nonce`]).
use crate::server::config::Config;
use crate::server::payments::Payments;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::{Arc, OnceLock};

/// Where a page render leaves its nonce for [`security_headers`].
#[derive(Clone, Default)]
pub struct NonceSlot(Arc<OnceLock<String>>);

/// Hands the nonce of the page being rendered to [`security_headers`]; called
/// in the Leptos context of every page render (`server/app.rs`).
pub fn share_nonce() {
    use leptos::prelude::use_context;
    let parts = use_context::<axum::http::request::Parts>();
    let slot = parts.as_ref().and_then(|p| p.extensions.get::<NonceSlot>());
    if let (Some(slot), Some(nonce)) = (slot, leptos::nonce::use_nonce()) {
        let _ = slot.0.set(nonce.to_string());
    }
}

/// What the headers say, decided once from the configuration.
#[derive(Debug, Clone)]
pub struct SecurityPolicy {
    /// The sources of `form-action`: `'self'`, our public origin, and the
    /// payment provider's checkout origin.
    form_action: String,
    hsts: bool,
}

/// `scheme://host[:port]` of an absolute URL, if it has one.
fn origin_of(url: &str) -> Option<String> {
    let u = url::Url::parse(url).ok()?;
    let origin = u.origin();
    origin.is_tuple().then(|| origin.ascii_serialization())
}

impl SecurityPolicy {
    pub fn new(config: &Config, payments: &Payments) -> SecurityPolicy {
        let mut sources = vec!["'self'".to_string()];
        for url in [Some(payments.base_url.as_str()), payments.checkout_origin()] {
            if let Some(o) = url.and_then(origin_of)
                && !sources.contains(&o)
            {
                sources.push(o);
            }
        }
        SecurityPolicy {
            form_action: sources.join(" "),
            hsts: config.public_base_url.starts_with("https://"),
        }
    }

    /// The Content-Security-Policy of an HTML response whose scripts carry
    /// `nonce` (none: no inline script at all).
    pub fn csp(&self, nonce: Option<&str>) -> String {
        let nonce = nonce
            .filter(|n| {
                n.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-_+/=".contains(&b))
            })
            .map(|n| format!(" 'nonce-{n}'"))
            .unwrap_or_default();
        format!(
            "default-src 'self'; script-src 'self'{nonce} 'wasm-unsafe-eval'; style-src 'self'; \
             img-src 'self'; object-src 'none'; base-uri 'none'; form-action {}; \
             frame-ancestors 'none'",
            self.form_action
        )
    }
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim_start().to_ascii_lowercase().starts_with("text/html"))
}

/// The layer: sets the headers on every response, the CSP on HTML ones.
pub async fn security_headers(
    State(policy): State<Arc<SecurityPolicy>>,
    mut req: Request<Body>,
    next: Next,
) -> Response {
    let slot = NonceSlot::default();
    req.extensions_mut().insert(slot.clone());
    let mut res = next.run(req).await;
    let h = res.headers_mut();
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    if policy.hsts {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    if is_html(h)
        && let Ok(csp) = HeaderValue::from_str(&policy.csp(slot.0.get().map(String::as_str)))
    {
        h.insert(header::CONTENT_SECURITY_POLICY, csp);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::payments::PaymentConfig;

    fn policy(public: &str, stripe: bool) -> SecurityPolicy {
        let mut config = Config::local("sqlite://x.db", PaymentConfig::simulated("whsec_t"));
        config.public_base_url = public.into();
        if stripe {
            config.payments.provider = crate::server::payments::ProviderKind::Stripe;
            config.payments.stripe_secret_key = Some("sk_test_x".into());
        }
        let payments = Payments::build(&config.payments, public, "http://127.0.0.1:9");
        SecurityPolicy::new(&config, &payments)
    }

    #[test]
    fn the_policy_allows_our_scripts_with_the_nonce_and_no_framing() {
        let csp = policy("http://127.0.0.1:3000", false).csp(Some("abc-_1"));
        for part in [
            "default-src 'self'",
            "script-src 'self' 'nonce-abc-_1' 'wasm-unsafe-eval'",
            "style-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self' http://127.0.0.1:3000",
            "frame-ancestors 'none'",
        ] {
            assert!(csp.contains(part), "{part} missing from {csp}");
        }
        assert!(!csp.contains("unsafe-inline"), "{csp}");
    }

    #[test]
    fn a_nonce_that_could_rewrite_the_policy_is_left_out() {
        let csp = policy("http://127.0.0.1", false).csp(Some("x' 'unsafe-inline"));
        assert!(
            !csp.contains("unsafe-inline") && !csp.contains("nonce-"),
            "{csp}"
        );
    }

    #[test]
    fn forms_may_lead_to_the_stripe_checkout_only_with_stripe() {
        let stripe = policy("https://pay.example.fr", true);
        assert_eq!(
            stripe.form_action,
            "'self' https://pay.example.fr https://checkout.stripe.com"
        );
        assert!(stripe.hsts);
        let simulated = policy("http://127.0.0.1", false);
        assert_eq!(simulated.form_action, "'self' http://127.0.0.1");
        assert!(!simulated.hsts);
    }
}
