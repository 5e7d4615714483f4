//! Stripe Checkout through async-stripe. Sessions are created when the customer
//! clicks "pay" (they expire), with the amount in minor units, the invoice id in
//! the metadata of the session and of its payment intent (so every later event
//! names the invoice), and an idempotency key per invoice, amount and state.
use super::{CheckoutRequest, CheckoutSession, PaymentProvider, ProviderError, RefundRequest};
use stripe::{
    CheckoutSessionId, CheckoutSessionLocale, CheckoutSessionMode, Client, CreateCheckoutSession,
    CreateCheckoutSessionLineItems, CreateCheckoutSessionLineItemsPriceData,
    CreateCheckoutSessionLineItemsPriceDataProductData, CreateCheckoutSessionPaymentIntentData,
    CreateRefund, Currency, Metadata, PaymentIntentId, RequestStrategy, StripeError,
};

pub struct StripeProvider {
    client: Client,
}

impl StripeProvider {
    /// `api_base` was checked to be a URL when the configuration was read.
    pub fn new(api_base: &str, secret_key: &str) -> StripeProvider {
        StripeProvider {
            client: Client::from_url(api_base, secret_key),
        }
    }

    fn with_key(&self, key: &str) -> Client {
        self.client
            .clone()
            .with_strategy(RequestStrategy::Idempotent(key.to_string()))
    }
}

fn failed(e: StripeError) -> ProviderError {
    ProviderError::Request(e.to_string())
}

/// What every event of the session's payment carries back: the invoice, or
/// the statement checkout of a payment over several invoices (Stripe keeps
/// metadata values to 500 characters: the numbers are only a label).
fn metadata(req: &CheckoutRequest) -> Metadata {
    let numbers: String = req.invoice_number.chars().take(400).collect();
    match req.group_checkout_id {
        Some(id) => Metadata::from([
            ("group_checkout_id".to_string(), id.to_string()),
            ("invoice_numbers".to_string(), numbers),
        ]),
        None => Metadata::from([
            ("invoice_id".to_string(), req.invoice_id.to_string()),
            ("invoice_number".to_string(), numbers),
        ]),
    }
}

fn currency(code: &str) -> Result<Currency, ProviderError> {
    code.to_ascii_lowercase()
        .parse()
        .map_err(|_| ProviderError::Request(format!("unsupported currency {code}")))
}

fn line_item(req: &CheckoutRequest) -> Result<CreateCheckoutSessionLineItems, ProviderError> {
    Ok(CreateCheckoutSessionLineItems {
        quantity: Some(1),
        price_data: Some(CreateCheckoutSessionLineItemsPriceData {
            currency: currency(&req.currency)?,
            unit_amount: Some(req.amount),
            product_data: Some(CreateCheckoutSessionLineItemsPriceDataProductData {
                name: req.invoice_number.clone(),
                ..Default::default()
            }),
            ..Default::default()
        }),
        ..Default::default()
    })
}

#[async_trait::async_trait]
impl PaymentProvider for StripeProvider {
    fn name(&self) -> &'static str {
        "stripe"
    }

    async fn create_checkout(
        &self,
        req: &CheckoutRequest,
    ) -> Result<CheckoutSession, ProviderError> {
        let reference = match req.group_checkout_id {
            Some(id) => format!("statement-{id}"),
            None => req.invoice_id.to_string(),
        };
        let mut params = CreateCheckoutSession::new();
        params.mode = Some(CheckoutSessionMode::Payment);
        params.success_url = Some(&req.success_url);
        params.cancel_url = Some(&req.cancel_url);
        params.client_reference_id = Some(&reference);
        params.customer_email = req.customer_email.as_deref();
        params.expires_at = Some(req.expires_at);
        params.locale = Some(if req.locale == "fr" {
            CheckoutSessionLocale::Fr
        } else {
            CheckoutSessionLocale::En
        });
        params.line_items = Some(vec![line_item(req)?]);
        params.metadata = Some(metadata(req));
        params.payment_intent_data = Some(CreateCheckoutSessionPaymentIntentData {
            metadata: Some(metadata(req)),
            ..Default::default()
        });
        let client = self.with_key(&req.idempotency_key);
        let session = stripe::CheckoutSession::create(&client, params)
            .await
            .map_err(failed)?;
        let url = session
            .url
            .ok_or_else(|| ProviderError::Request("session without url".into()))?;
        Ok(CheckoutSession {
            id: session.id.to_string(),
            url,
            expires_at: session.expires_at,
        })
    }

    async fn expire_checkout(&self, session_id: &str) -> Result<(), ProviderError> {
        let id: CheckoutSessionId = session_id
            .parse()
            .map_err(|_| ProviderError::Request(format!("bad session id {session_id}")))?;
        match stripe::CheckoutSession::expire(&self.client, &id).await {
            Ok(_) => Ok(()),
            // Stripe refuses to expire a session that was completed meanwhile.
            Err(StripeError::Stripe(e)) if e.http_status == 400 => {
                Err(ProviderError::SessionClosed)
            }
            Err(e) => Err(failed(e)),
        }
    }

    async fn refund(&self, req: &RefundRequest) -> Result<String, ProviderError> {
        let pi: PaymentIntentId = req
            .provider_payment_id
            .parse()
            .map_err(|_| ProviderError::Request("bad payment intent id".into()))?;
        let mut params = CreateRefund::new();
        params.payment_intent = Some(pi);
        params.amount = Some(req.amount);
        params.metadata = Some(Metadata::from([(
            "invoice_id".to_string(),
            req.invoice_id.to_string(),
        )]));
        let client = self.with_key(&req.idempotency_key);
        let refund = stripe::Refund::create(&client, params)
            .await
            .map_err(failed)?;
        Ok(refund.id.to_string())
    }
}
