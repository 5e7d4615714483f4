//! Online payment providers behind one interface: Stripe Checkout (through
//! async-stripe) and a simulated provider for demos and tests. Both complete a
//! payment only through the signed webhook at `POST /webhooks/stripe`.
pub mod events;
pub mod signature;
pub mod simulated;
pub mod stripe_checkout;

use crate::server::config::Secret;
use std::fmt;
use std::sync::Arc;

/// What the service asks a provider to open.
#[derive(Debug, Clone)]
pub struct CheckoutRequest {
    /// 0 for a statement checkout (several invoices: see `group_checkout_id`).
    pub invoice_id: i64,
    /// The invoice's number, or the numbers a statement checkout pays.
    pub invoice_number: String,
    /// A statement checkout (`group_checkouts.id`), named in the session's
    /// and its payment's metadata so every later event finds it.
    pub group_checkout_id: Option<i64>,
    /// Minor units of `currency`.
    pub amount: i64,
    /// ISO 4217, upper case.
    pub currency: String,
    pub success_url: String,
    pub cancel_url: String,
    /// The same key for the same invoice, amount and settlement state, so two
    /// tabs or two instances racing get the provider's one session.
    pub idempotency_key: String,
    pub customer_email: Option<String>,
    /// `fr` or `en`.
    pub locale: String,
    /// Unix seconds.
    pub expires_at: i64,
}

/// A session the customer is sent to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckoutSession {
    pub id: String,
    pub url: String,
    pub expires_at: i64,
}

/// A refund to start; it is applied when the provider's webhook confirms it.
#[derive(Debug, Clone)]
pub struct RefundRequest {
    pub invoice_id: i64,
    pub provider_payment_id: String,
    pub amount: i64,
    pub currency: String,
    /// What was refunded before (the simulated provider reports cumulative totals).
    pub refunded_before: i64,
    pub idempotency_key: String,
}

/// A provider call that failed; the cause is logged, the user sees a generic message.
#[derive(Debug, thiserror::Error)]
pub enum ProviderError {
    #[error("payment provider request failed: {0}")]
    Request(String),
    #[error("the checkout session is no longer open")]
    SessionClosed,
}

/// One payment provider.
#[async_trait::async_trait]
pub trait PaymentProvider: Send + Sync {
    /// `stripe` or `simulated`, as stored on sessions and payments.
    fn name(&self) -> &'static str;
    async fn create_checkout(
        &self,
        req: &CheckoutRequest,
    ) -> Result<CheckoutSession, ProviderError>;
    /// Closes an open session so it can no longer be paid.
    async fn expire_checkout(&self, session_id: &str) -> Result<(), ProviderError>;
    async fn refund(&self, req: &RefundRequest) -> Result<String, ProviderError>;
}

/// Which provider and the secrets it uses.
#[derive(Clone)]
pub struct PaymentConfig {
    pub provider: ProviderKind,
    pub stripe_secret_key: Option<Secret>,
    pub webhook_secret: Secret,
    pub stripe_api_base: String,
    /// Where Stripe Checkout pages are served (`https://checkout.stripe.com`):
    /// pay forms lead there, so the pages' `form-action` allows it.
    pub stripe_checkout_origin: String,
    /// How long the simulated bank takes to settle a direct debit.
    pub simulated_delay_ms: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProviderKind {
    Stripe,
    Simulated,
}

impl fmt::Debug for PaymentConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PaymentConfig")
            .field("provider", &self.provider)
            .field("stripe_secret_key", &self.stripe_secret_key)
            .field("webhook_secret", &self.webhook_secret)
            .field("stripe_api_base", &self.stripe_api_base)
            .field("stripe_checkout_origin", &self.stripe_checkout_origin)
            .finish()
    }
}

impl PaymentConfig {
    /// The simulated provider with a known webhook secret (tests, benchmarks).
    pub fn simulated(webhook_secret: &str) -> PaymentConfig {
        PaymentConfig {
            provider: ProviderKind::Simulated,
            stripe_secret_key: None,
            webhook_secret: Secret::from(webhook_secret),
            stripe_api_base: "https://api.stripe.com/".into(),
            stripe_checkout_origin: STRIPE_CHECKOUT_ORIGIN.into(),
            simulated_delay_ms: 300,
        }
    }
}

/// Where Stripe serves its hosted checkout pages.
pub const STRIPE_CHECKOUT_ORIGIN: &str = "https://checkout.stripe.com";

/// Random lowercase hex of `bytes` bytes.
pub fn random_hex(bytes: usize) -> String {
    use rand::RngCore;
    let mut buf = vec![0u8; bytes];
    rand::rngs::OsRng.fill_bytes(&mut buf);
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// The provider in use and the secret its webhooks are signed with.
#[derive(Clone)]
pub struct Payments {
    pub provider: Arc<dyn PaymentProvider>,
    /// The same provider when it is the simulated one (its checkout page plays outcomes).
    pub simulated: Option<Arc<simulated::SimulatedProvider>>,
    pub webhook_secret: Secret,
    /// The public address, for success and cancel URLs.
    pub base_url: String,
    /// The origin of the provider's checkout pages when it is not ours.
    checkout_origin: Option<String>,
}

impl fmt::Debug for Payments {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Payments")
            .field("provider", &self.provider.name())
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}

impl Payments {
    /// Builds the configured provider. `local_url` is where this process
    /// listens (the simulated provider delivers its webhooks there).
    pub fn build(config: &PaymentConfig, base_url: &str, local_url: &str) -> Payments {
        let (provider, simulated): (Arc<dyn PaymentProvider>, _) =
            match (config.provider, &config.stripe_secret_key) {
                (ProviderKind::Stripe, Some(key)) => (
                    Arc::new(stripe_checkout::StripeProvider::new(
                        &config.stripe_api_base,
                        key.expose(),
                    )),
                    None,
                ),
                _ => {
                    let sim = Arc::new(simulated::SimulatedProvider::new(
                        base_url,
                        local_url,
                        config.webhook_secret.expose(),
                        config.simulated_delay_ms,
                    ));
                    (sim.clone() as Arc<dyn PaymentProvider>, Some(sim))
                }
            };
        let checkout_origin = simulated
            .is_none()
            .then(|| config.stripe_checkout_origin.clone());
        Payments {
            provider,
            simulated,
            webhook_secret: config.webhook_secret.clone(),
            base_url: base_url.trim_end_matches('/').to_string(),
            checkout_origin,
        }
    }

    /// Where a pay form's redirect leads the browser, when it is another
    /// site than ours (Stripe Checkout; the simulated checkout is ours).
    pub fn checkout_origin(&self) -> Option<&str> {
        self.checkout_origin.as_deref()
    }
}
