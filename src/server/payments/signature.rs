//! Stripe's webhook signature: `Stripe-Signature: t=<unix>,v1=<hex>[,v1=<hex>…]`
//! where each `v1` is HMAC-SHA256(secret, "<t>.<raw body>"). Several `v1`
//! values appear while a secret is being rolled; any one may match.
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// How far the signed timestamp may be from our clock, as Stripe's libraries use.
pub const TOLERANCE_SECS: i64 = 300;

/// Why a delivery was refused (answered 400, nothing changed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no Stripe-Signature header")]
    Missing,
    #[error("malformed Stripe-Signature header")]
    Malformed,
    #[error("timestamp outside the tolerance")]
    Stale,
    #[error("no signature matches")]
    Mismatch,
}

fn mac(secret: &str, timestamp: i64, body: &[u8]) -> Hmac<Sha256> {
    // HMAC accepts keys of any length, so this cannot fail.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes())
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// The header value for `body` signed at `timestamp` (the simulated provider and tests).
pub fn sign(secret: &str, timestamp: i64, body: &[u8]) -> String {
    let sig = hex(&mac(secret, timestamp, body).finalize().into_bytes());
    format!("t={timestamp},v1={sig}")
}

/// Checks a delivery; `now` is unix seconds.
pub fn verify(
    secret: &str,
    header: Option<&str>,
    body: &[u8],
    now: i64,
) -> Result<(), SignatureError> {
    let header = header.ok_or(SignatureError::Missing)?;
    let mut timestamp = None;
    let mut candidates = Vec::new();
    for part in header.split(',') {
        let (k, v) = part
            .trim()
            .split_once('=')
            .ok_or(SignatureError::Malformed)?;
        match k {
            "t" => timestamp = Some(v.parse::<i64>().map_err(|_| SignatureError::Malformed)?),
            "v1" => candidates.push(v),
            _ => {} // v0 and future schemes are ignored, as Stripe advises
        }
    }
    let timestamp = timestamp.ok_or(SignatureError::Malformed)?;
    if candidates.is_empty() {
        return Err(SignatureError::Malformed);
    }
    if (now - timestamp).abs() > TOLERANCE_SECS {
        return Err(SignatureError::Stale);
    }
    let matched = candidates.iter().any(|c| {
        unhex(c).is_some_and(|sig| mac(secret, timestamp, body).verify_slice(&sig).is_ok())
    });
    if matched {
        Ok(())
    } else {
        Err(SignatureError::Mismatch)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "whsec_test_secret";
    const BODY: &[u8] = br#"{"id":"evt_1","type":"payment_intent.succeeded"}"#;

    #[test]
    fn a_payload_signed_with_the_secret_is_accepted() {
        let h = sign(SECRET, 1_700_000_000, BODY);
        assert_eq!(verify(SECRET, Some(&h), BODY, 1_700_000_010), Ok(()));
    }

    #[test]
    fn it_matches_stripes_documented_scheme() {
        // Computed independently: printf '1700000000.{body}' | openssl dgst -sha256 -hmac whsec_test_secret
        let h = sign(SECRET, 1_700_000_000, BODY);
        assert_eq!(
            h,
            "t=1700000000,v1=22d8dc182f5c588077683bd378368e29765bfe5df2560112b4f28fef120f0e31"
        );
    }

    #[test]
    fn a_fixture_signed_here_carries_the_header_stripes_own_sdk_makes() {
        // The npm `stripe` package 23.1.0 (API 2026-10-28):
        // stripe.webhooks.generateTestHeaderString({payload, secret:
        // 'whsec_test_quittance', timestamp: 1796400000}) over this file's
        // bytes, which its constructEvent then accepts.
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/stripe/charge.dispute.created.json"
        );
        let body = std::fs::read(path).expect("fixture");
        assert_eq!(
            sign("whsec_test_quittance", 1_796_400_000, &body),
            "t=1796400000,v1=def5f2efe5905ffdd1b79a8158a9d1fb9f33e3ba2ef51c3a493fe10ca35dbbd9"
        );
    }

    #[test]
    fn any_one_of_several_v1_signatures_may_match() {
        let good = sign(SECRET, 1_700_000_000, BODY);
        let sig = good.split("v1=").nth(1).unwrap_or_default();
        let h = format!("t=1700000000,v1={},v0=abc,v1={sig}", "0".repeat(64));
        assert_eq!(verify(SECRET, Some(&h), BODY, 1_700_000_000), Ok(()));
    }

    #[test]
    fn a_wrong_secret_a_changed_body_or_garbage_are_refused() {
        let h = sign("whsec_other", 1_700_000_000, BODY);
        assert_eq!(
            verify(SECRET, Some(&h), BODY, 1_700_000_000),
            Err(SignatureError::Mismatch)
        );
        let h = sign(SECRET, 1_700_000_000, BODY);
        assert_eq!(
            verify(SECRET, Some(&h), b"{}", 1_700_000_000),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(SECRET, Some("t=1,v1=zz"), BODY, 1),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(SECRET, Some("nonsense"), BODY, 1),
            Err(SignatureError::Malformed)
        );
        assert_eq!(verify(SECRET, None, BODY, 1), Err(SignatureError::Missing));
    }

    #[test]
    fn a_signature_older_or_newer_than_five_minutes_is_stale() {
        let h = sign(SECRET, 1_700_000_000, BODY);
        assert_eq!(
            verify(SECRET, Some(&h), BODY, 1_700_000_301),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(SECRET, Some(&h), BODY, 1_699_999_699),
            Err(SignatureError::Stale)
        );
        assert_eq!(verify(SECRET, Some(&h), BODY, 1_700_000_300), Ok(()));
    }
}
