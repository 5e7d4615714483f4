//! The simulated provider: a local checkout page where the tester picks an
//! outcome, which this module turns into Stripe-shaped events, signed with the
//! webhook secret and POSTed to our own `/webhooks/stripe` — the same endpoint
//! and code path as real Stripe deliveries.
use super::{
    CheckoutRequest, CheckoutSession, PaymentProvider, ProviderError, RefundRequest, random_hex,
    signature,
};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the tester chooses on the simulated checkout page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    CardSucceeds,
    CardDeclined,
    SepaSucceeds,
    SepaFails,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::CardSucceeds,
        Outcome::CardDeclined,
        Outcome::SepaSucceeds,
        Outcome::SepaFails,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::CardSucceeds => "card_succeeds",
            Outcome::CardDeclined => "card_declined",
            Outcome::SepaSucceeds => "sepa_succeeds",
            Outcome::SepaFails => "sepa_fails",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        Self::ALL.into_iter().find(|o| o.as_str() == s)
    }
}

/// The session being paid, as stored by the payment service.
#[derive(Debug, Clone)]
pub struct SimSession {
    pub id: String,
    /// 0 for a statement checkout.
    pub invoice_id: i64,
    /// The statement checkout it pays, for a payment over several invoices.
    pub group_checkout_id: Option<i64>,
    pub amount: i64,
    pub currency: String,
}

pub struct SimulatedProvider {
    base_url: String,
    webhook_url: String,
    secret: String,
    delay: Duration,
    http: reqwest::Client,
    /// Success and cancel URLs per session, as Stripe keeps them on its side
    /// (in memory: pay-link URLs carry the token, which we never store in clear).
    urls: Arc<Mutex<HashMap<String, (String, String)>>>,
    /// The id given for each idempotency key, so a repeated request gets the
    /// same session or refund, as Stripe answers a replayed key.
    ids: Arc<Mutex<HashMap<String, String>>>,
}

/// The random part of a simulated id: 128 bits from the OS generator, so
/// knowing an invoice, its amount and its history says nothing of its
/// session (whose page leads back to the pay link).
const ID_BYTES: usize = 16;

/// A fresh id `{prefix}_sim_<32 hex digits>`.
fn random_id(prefix: &str) -> String {
    format!("{prefix}_sim_{}", random_hex(ID_BYTES))
}

/// The payment intent behind a simulated session.
pub fn payment_intent_of(session_id: &str) -> String {
    format!("pi_{}", session_id.trim_start_matches("cs_"))
}

impl SimulatedProvider {
    pub fn new(base_url: &str, local_url: &str, secret: &str, delay_ms: u64) -> SimulatedProvider {
        SimulatedProvider {
            base_url: base_url.trim_end_matches('/').to_string(),
            webhook_url: format!("{}/webhooks/stripe", local_url.trim_end_matches('/')),
            secret: secret.to_string(),
            delay: Duration::from_millis(delay_ms),
            http: reqwest::Client::new(),
            urls: Arc::default(),
            ids: Arc::default(),
        }
    }

    /// The success and cancel URLs given when the session was created.
    pub fn urls(&self, session_id: &str) -> Option<(String, String)> {
        self.urls.lock().ok()?.get(session_id).cloned()
    }

    /// Where "cancel" on the checkout page goes: the cancel URL given when
    /// the session was created, as a path of this site. The page links to
    /// `/checkout/simulated/{id}/cancel`, which redirects here, so that the
    /// page itself never shows the pay link it came from.
    pub fn cancel_path(&self, session_id: &str) -> Option<String> {
        let (_, cancel) = self.urls(session_id)?;
        self.local_path(&cancel)
    }

    /// Where the checkout goes once paid: the success URL given when the
    /// session was created, with its id filled in, as a path of this site.
    pub fn success_path(&self, session_id: &str) -> Option<String> {
        let (success, _) = self.urls(session_id)?;
        self.local_path(&success.replace("{CHECKOUT_SESSION_ID}", session_id))
    }

    /// `url` without this site's address in front.
    fn local_path(&self, url: &str) -> Option<String> {
        url.strip_prefix(&self.base_url)
            .map(str::to_string)
            .filter(|p| p.starts_with('/'))
    }

    /// The id already given for `key`, or a new random one.
    fn id_for(&self, prefix: &str, key: &str) -> String {
        match self.ids.lock() {
            Ok(mut ids) => ids
                .entry(format!("{prefix}:{key}"))
                .or_insert_with(|| random_id(prefix))
                .clone(),
            Err(_) => random_id(prefix),
        }
    }

    /// Plays `outcome` for `session`: the immediate events now, the bank's
    /// answer to a direct debit after the configured delay.
    pub async fn complete(&self, session: &SimSession, outcome: Outcome) {
        let (now, later) = events_for(session, outcome);
        for e in now {
            self.deliver(e).await;
        }
        if later.is_empty() {
            return;
        }
        let this = self.clone_for_delivery();
        let delay = self.delay;
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            for e in later {
                this.deliver(e).await;
            }
        });
    }

    fn clone_for_delivery(&self) -> SimulatedProvider {
        SimulatedProvider {
            base_url: self.base_url.clone(),
            webhook_url: self.webhook_url.clone(),
            secret: self.secret.clone(),
            delay: self.delay,
            http: self.http.clone(),
            urls: self.urls.clone(),
            ids: self.ids.clone(),
        }
    }

    /// Signs and POSTs one event, retrying like Stripe does when we fail to answer 2xx.
    async fn deliver(&self, event: Value) {
        let body = event.to_string();
        for attempt in 0..4u32 {
            let now = chrono::Utc::now().timestamp();
            let sig = signature::sign(&self.secret, now, body.as_bytes());
            let sent = self
                .http
                .post(&self.webhook_url)
                .header("content-type", "application/json")
                .header("stripe-signature", sig)
                .body(body.clone())
                .send()
                .await;
            match sent {
                Ok(r) if r.status().is_success() => return,
                Ok(r) => tracing::warn!(status = %r.status(), attempt, "simulated webhook refused"),
                Err(e) => tracing::warn!(error = %e, attempt, "simulated webhook not delivered"),
            }
            tokio::time::sleep(Duration::from_millis(300 * 2u64.pow(attempt))).await;
        }
        tracing::error!("simulated webhook given up after retries");
    }
}

fn event(kind: &str, object: Value) -> Value {
    json!({
        "id": format!("evt_sim_{}", random_hex(12)),
        "object": "event",
        "type": kind,
        "created": chrono::Utc::now().timestamp(),
        "livemode": false,
        "data": {"object": object},
    })
}

fn session_object(s: &SimSession, payment_status: &str) -> Value {
    json!({
        "id": s.id,
        "object": "checkout.session",
        "mode": "payment",
        "status": "complete",
        "payment_status": payment_status,
        "payment_intent": payment_intent_of(&s.id),
        "amount_total": s.amount,
        "currency": s.currency.to_ascii_lowercase(),
        // As Stripe lists them for a session created without
        // `payment_method_types`: every eligible type, not the one used.
        "payment_method_types": ELIGIBLE,
        "metadata": metadata_of(s),
    })
}

/// The metadata the session was created with: its invoice, or its statement checkout.
fn metadata_of(s: &SimSession) -> Value {
    match s.group_checkout_id {
        Some(id) => json!({"group_checkout_id": id.to_string()}),
        None => json!({"invoice_id": s.invoice_id.to_string()}),
    }
}

/// The types a session created without `payment_method_types` lists.
const ELIGIBLE: [&str; 3] = ["card", "link", "sepa_debit"];

/// The charge that tells which method was used (`payment_method_details`).
fn charge_object(s: &SimSession, status: &str, method: &str) -> Value {
    json!({
        "id": format!("ch_{}", payment_intent_of(&s.id).trim_start_matches("pi_")),
        "object": "charge",
        "amount": s.amount,
        "amount_refunded": 0,
        "currency": s.currency.to_ascii_lowercase(),
        "paid": status == "succeeded",
        "payment_intent": payment_intent_of(&s.id),
        "payment_method_details": {"type": method},
        "status": status,
    })
}

fn intent_object(s: &SimSession, status: &str, method: &str, error: Option<&str>) -> Value {
    let mut o = json!({
        "id": payment_intent_of(&s.id),
        "object": "payment_intent",
        "status": status,
        "amount": s.amount,
        "amount_received": if status == "succeeded" { s.amount } else { 0 },
        "currency": s.currency.to_ascii_lowercase(),
        "payment_method_types": ELIGIBLE,
        "metadata": metadata_of(s),
    });
    if let Some(message) = error {
        o["last_payment_error"] = json!({"message": message, "payment_method": {"type": method}});
    }
    o
}

/// The events a real Stripe account sends for each outcome: (immediately, later).
pub fn events_for(s: &SimSession, outcome: Outcome) -> (Vec<Value>, Vec<Value>) {
    match outcome {
        Outcome::CardSucceeds => (
            vec![
                event("charge.succeeded", charge_object(s, "succeeded", "card")),
                event("checkout.session.completed", session_object(s, "paid")),
                event(
                    "payment_intent.succeeded",
                    intent_object(s, "succeeded", "card", None),
                ),
            ],
            vec![],
        ),
        Outcome::CardDeclined => (
            vec![event(
                "payment_intent.payment_failed",
                intent_object(
                    s,
                    "requires_payment_method",
                    "card",
                    Some("Your card was declined."),
                ),
            )],
            vec![],
        ),
        Outcome::SepaSucceeds | Outcome::SepaFails => {
            let now = vec![
                event("charge.pending", charge_object(s, "pending", "sepa_debit")),
                event("checkout.session.completed", session_object(s, "unpaid")),
                event(
                    "payment_intent.processing",
                    intent_object(s, "processing", "sepa_debit", None),
                ),
            ];
            let later = if outcome == Outcome::SepaSucceeds {
                vec![
                    event(
                        "charge.succeeded",
                        charge_object(s, "succeeded", "sepa_debit"),
                    ),
                    event(
                        "checkout.session.async_payment_succeeded",
                        session_object(s, "paid"),
                    ),
                    event(
                        "payment_intent.succeeded",
                        intent_object(s, "succeeded", "sepa_debit", None),
                    ),
                ]
            } else {
                vec![
                    event(
                        "checkout.session.async_payment_failed",
                        session_object(s, "unpaid"),
                    ),
                    event(
                        "payment_intent.payment_failed",
                        intent_object(
                            s,
                            "requires_payment_method",
                            "sepa_debit",
                            Some("The direct debit was refused by the bank (insufficient funds)."),
                        ),
                    ),
                ]
            };
            (now, later)
        }
    }
}

#[async_trait::async_trait]
impl PaymentProvider for SimulatedProvider {
    fn name(&self) -> &'static str {
        "simulated"
    }

    async fn create_checkout(
        &self,
        req: &CheckoutRequest,
    ) -> Result<CheckoutSession, ProviderError> {
        let id = self.id_for("cs", &req.idempotency_key);
        if let Ok(mut urls) = self.urls.lock() {
            urls.insert(
                id.clone(),
                (req.success_url.clone(), req.cancel_url.clone()),
            );
        }
        Ok(CheckoutSession {
            url: format!("{}/checkout/simulated/{id}", self.base_url),
            id,
            expires_at: req.expires_at,
        })
    }

    async fn expire_checkout(&self, _session_id: &str) -> Result<(), ProviderError> {
        // The session's state lives in our table; the service marks it expired.
        Ok(())
    }

    async fn refund(&self, req: &RefundRequest) -> Result<String, ProviderError> {
        let refund_id = self.id_for("re", &req.idempotency_key);
        let charge_id = format!("ch_{}", req.provider_payment_id.trim_start_matches("pi_"));
        let refund = json!({
            "id": refund_id,
            "object": "refund",
            "amount": req.amount,
            "charge": charge_id,
            "currency": req.currency.to_ascii_lowercase(),
            "payment_intent": req.provider_payment_id,
            "status": "succeeded",
            "metadata": {"invoice_id": req.invoice_id.to_string()},
        });
        let charge = json!({
            "id": charge_id,
            "object": "charge",
            "payment_intent": req.provider_payment_id,
            "amount_refunded": req.refunded_before + req.amount,
            "currency": req.currency.to_ascii_lowercase(),
            "refunded": true,
            "metadata": {"invoice_id": req.invoice_id.to_string()},
        });
        let this = self.clone_for_delivery();
        // Like Stripe, the refund is confirmed by webhooks, a moment later:
        // the refund's own event and the charge's cumulative total.
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(200)).await;
            this.deliver(event("refund.created", refund)).await;
            this.deliver(event("charge.refunded", charge)).await;
        });
        Ok(refund_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::payment::PaymentStatus;
    use crate::server::payments::events::{Fact, parse};

    fn session() -> SimSession {
        SimSession {
            id: "cs_sim_abc".into(),
            invoice_id: 7,
            group_checkout_id: None,
            amount: 4200,
            currency: "EUR".into(),
        }
    }

    fn statuses(events: &[Value]) -> Vec<PaymentStatus> {
        events
            .iter()
            .filter_map(|e| match parse(e.to_string().as_bytes()).ok()?.fact {
                Fact::Payment(p) => Some(p.status),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_direct_debit_is_processing_first_and_settles_later() {
        let (now, later) = events_for(&session(), Outcome::SepaSucceeds);
        assert_eq!(statuses(&now), vec![PaymentStatus::Processing; 2]);
        assert_eq!(statuses(&later), vec![PaymentStatus::Succeeded; 2]);
        let (_, later) = events_for(&session(), Outcome::SepaFails);
        assert_eq!(statuses(&later), vec![PaymentStatus::Failed; 2]);
    }

    #[test]
    fn every_simulated_event_names_the_invoice_and_one_payment_intent() {
        let (now, _) = events_for(&session(), Outcome::CardSucceeds);
        for e in now {
            match parse(e.to_string().as_bytes()).expect("event").fact {
                Fact::Payment(p) => {
                    assert_eq!(p.invoice_id, Some(7));
                    assert_eq!(p.payment_ref, "pi_sim_abc");
                    assert_eq!(p.amount, 4200);
                }
                Fact::Method {
                    payment_ref,
                    method,
                    settled,
                } => {
                    assert_eq!(payment_ref, "pi_sim_abc");
                    assert_eq!(method, crate::model::payment::PaymentMethod::Card);
                    assert!(settled);
                }
                other => panic!("not a payment event: {other:?}"),
            }
        }
    }

    fn request(key: &str) -> CheckoutRequest {
        CheckoutRequest {
            invoice_id: 7,
            invoice_number: "F-2026-000007".into(),
            group_checkout_id: None,
            amount: 4200,
            currency: "EUR".into(),
            success_url: "http://127.0.0.1/pay/tok/return?session_id={CHECKOUT_SESSION_ID}".into(),
            cancel_url: "http://127.0.0.1/pay/tok?cancelled=1".into(),
            idempotency_key: key.into(),
            customer_email: None,
            locale: "fr".into(),
            expires_at: 0,
        }
    }

    fn provider() -> SimulatedProvider {
        SimulatedProvider::new("http://127.0.0.1", "http://127.0.0.1:9", "whsec_t", 0)
    }

    fn random_part(id: &str) -> &str {
        id.strip_prefix("cs_sim_").expect("a simulated session id")
    }

    #[tokio::test]
    async fn the_same_idempotency_key_gives_the_same_session() {
        let sim = provider();
        let a = sim.create_checkout(&request("k1")).await.expect("session");
        let b = sim.create_checkout(&request("k1")).await.expect("session");
        let c = sim.create_checkout(&request("k2")).await.expect("session");
        assert_eq!(a.id, b.id);
        assert_ne!(a.id, c.id);
    }

    #[tokio::test]
    async fn session_ids_are_random_128_bit_hex_not_derived_from_the_request() {
        // The same invoice, amount and key on two providers (two processes,
        // or one restarted): nothing about the request predicts the id.
        let req = request("quittance-checkout-7-4200-0-0-0");
        let (first, second) = (provider(), provider());
        let one = first.create_checkout(&req).await.expect("session");
        let two = second.create_checkout(&req).await.expect("session");
        assert_ne!(one.id, two.id);
        for id in [&one.id, &two.id] {
            let hex = random_part(id);
            assert_eq!(hex.len(), 2 * ID_BYTES, "{id}");
            assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()), "{id}");
        }
        assert!(
            !one.url.contains("tok"),
            "the checkout URL names no pay link"
        );
    }

    #[tokio::test]
    async fn cancel_and_success_go_back_to_the_paths_given_at_creation() {
        let sim = provider();
        let s = sim.create_checkout(&request("k1")).await.expect("session");
        assert_eq!(
            sim.cancel_path(&s.id).as_deref(),
            Some("/pay/tok?cancelled=1")
        );
        assert_eq!(
            sim.success_path(&s.id),
            Some(format!("/pay/tok/return?session_id={}", s.id))
        );
        assert_eq!(sim.cancel_path("cs_sim_unknown"), None);
    }
}
