//! The Stripe provider (async-stripe) against a local fake Stripe API that
//! records what it is sent: amounts in minor units, currency, metadata,
//! idempotency keys, session reuse, expiry of a replaced session, refunds.
use crate::common;

use crate::common::{TestApp, TestDb, WEBHOOK_SECRET, location};
use axum::Router;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::routing::post;
use quittance::model::draft::{DraftInput, DraftLineInput};
use quittance::server::payments::{PaymentConfig, Payments, ProviderKind, signature};
use quittance::server::services::{invoicing, payments};
use serde_json::{Value, json};
use sqlx::Row;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// One request the fake Stripe received.
#[derive(Debug, Clone)]
struct Seen {
    path: String,
    idempotency_key: String,
    authorization: String,
    form: HashMap<String, String>,
}

#[derive(Clone, Default)]
struct Fake {
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl Fake {
    fn record(&self, path: String, headers: &HeaderMap, body: &str) -> usize {
        let header = |k: &str| {
            headers
                .get(k)
                .and_then(|v| v.to_str().ok())
                .unwrap_or_default()
                .to_string()
        };
        let form = url::form_urlencoded::parse(body.as_bytes())
            .into_owned()
            .collect();
        let mut seen = self.seen.lock().expect("lock");
        seen.push(Seen {
            path,
            idempotency_key: header("idempotency-key"),
            authorization: header("authorization"),
            form,
        });
        seen.len()
    }

    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }
}

fn session_json(id: &str, status: &str, expires_at: i64) -> Value {
    json!({
        "id": id, "object": "checkout.session", "automatic_tax": {"enabled": false},
        "created": 1_700_000_000, "custom_fields": [], "custom_text": {}, "expires_at": expires_at,
        "livemode": false, "mode": "payment", "payment_method_types": ["card", "sepa_debit"],
        "payment_status": "unpaid", "shipping_options": [], "status": status,
        "url": format!("https://checkout.stripe.test/c/pay/{id}")
    })
}

async fn create_session(
    State(fake): State<Fake>,
    headers: HeaderMap,
    body: String,
) -> axum::Json<Value> {
    let n = fake.record("/v1/checkout/sessions".into(), &headers, &body);
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    let expires = form
        .get("expires_at")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    axum::Json(session_json(&format!("cs_test_{n}"), "open", expires))
}

async fn expire_session(
    State(fake): State<Fake>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: String,
) -> axum::Json<Value> {
    fake.record(
        format!("/v1/checkout/sessions/{id}/expire"),
        &headers,
        &body,
    );
    axum::Json(session_json(&id, "expired", 0))
}

async fn create_refund(
    State(fake): State<Fake>,
    headers: HeaderMap,
    body: String,
) -> axum::Json<Value> {
    let n = fake.record("/v1/refunds".into(), &headers, &body);
    let form: HashMap<String, String> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    axum::Json(json!({
        "id": format!("re_test_{n}"), "object": "refund",
        "amount": form.get("amount").and_then(|a| a.parse::<i64>().ok()).unwrap_or(0),
        "created": 1_700_000_000, "currency": "eur", "status": "pending"
    }))
}

async fn start_fake() -> (Fake, String) {
    let fake = Fake::default();
    let app = Router::new()
        .route("/v1/checkout/sessions", post(create_session))
        .route("/v1/checkout/sessions/{id}/expire", post(expire_session))
        .route("/v1/refunds", post(create_refund))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/", listener.local_addr().expect("addr"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    (fake, url)
}

fn stripe_config(api_base: &str) -> PaymentConfig {
    PaymentConfig {
        provider: ProviderKind::Stripe,
        stripe_secret_key: Some("sk_test_quittance".into()),
        webhook_secret: WEBHOOK_SECRET.into(),
        stripe_api_base: api_base.into(),
        stripe_checkout_origin: "https://checkout.stripe.test".into(),
        simulated_delay_ms: 0,
    }
}

async fn the_stripe_provider_sends_minor_units_metadata_and_idempotency_keys_and_reuses_the_session(
    db: &TestDb,
) {
    let (fake, api) = start_fake().await;
    let mut config = common::config_for(&db.url);
    config.payments = stripe_config(&api);
    let app = TestApp::start_configured(false, Default::default(), config).await;
    let customer = common::company_and_customer(&app.db, "payer@example.test").await;
    let draft = DraftInput {
        customer_id: customer,
        currency: "EUR".into(),
        lines: vec![DraftLineInput {
            description: "Audit".into(),
            quantity: "1".into(),
            unit_price: "100".into(),
            vat_rate: "20".into(),
            ..DraftLineInput::default()
        }],
        ..DraftInput::default()
    };
    let today = chrono::Local::now().date_naive();
    let id = invoicing::create_draft(&app.db, &draft, today)
        .await
        .expect("draft");
    let inv = invoicing::issue(&app.db, id, today, None)
        .await
        .expect("issue");
    let start = |amount: &'static str| {
        let (app, token) = (&app, inv.pay_token.clone());
        async move {
            let res = app
                .form_post(
                    "/api/start_payment",
                    &[("kind", "link"), ("key", &token), ("amount", amount)],
                )
                .await;
            location(&res)
        }
    };

    // The pay form's 303 leads to Stripe's checkout: the page's policy lets
    // the form go there (Chromium checks `form-action` on the redirect).
    let page = app.get(&format!("/pay/{}", inv.pay_token)).await;
    let csp = page
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(
        csp.contains("form-action 'self'") && csp.contains(" https://checkout.stripe.test"),
        "{csp}"
    );

    let first = start("").await;
    assert_eq!(first, "https://checkout.stripe.test/c/pay/cs_test_1");
    let seen = fake.seen();
    assert_eq!(seen.len(), 1);
    let create = &seen[0];
    assert_eq!(create.path, "/v1/checkout/sessions");
    assert_eq!(create.authorization, "Bearer sk_test_quittance");
    let f = |k: &str| create.form.get(k).cloned().unwrap_or_default();
    assert_eq!(f("mode"), "payment");
    assert_eq!(
        f("line_items[0][price_data][unit_amount]"),
        "12000",
        "minor units"
    );
    assert_eq!(f("line_items[0][price_data][currency]"), "eur");
    assert_eq!(f("line_items[0][quantity]"), "1");
    assert_eq!(f("metadata[invoice_id]"), id.to_string());
    assert_eq!(
        f("payment_intent_data[metadata][invoice_id]"),
        id.to_string()
    );
    assert!(f("success_url").ends_with(&format!(
        "/pay/{}/return?session_id={{CHECKOUT_SESSION_ID}}",
        inv.pay_token
    )));
    assert!(
        create
            .idempotency_key
            .starts_with(&format!("quittance-checkout-{id}-12000-")),
        "{}",
        create.idempotency_key
    );

    assert_eq!(
        start("120,00").await,
        first,
        "a second click reuses the open session"
    );
    assert_eq!(fake.seen().len(), 1, "without asking Stripe again");

    let partial = start("50").await;
    assert_eq!(partial, "https://checkout.stripe.test/c/pay/cs_test_3");
    let seen = fake.seen();
    assert_eq!(
        seen[1].path, "/v1/checkout/sessions/cs_test_1/expire",
        "the old session is closed first"
    );
    assert_eq!(
        seen[2]
            .form
            .get("line_items[0][price_data][unit_amount]")
            .map(String::as_str),
        Some("5000")
    );
    assert_ne!(seen[2].idempotency_key, create.idempotency_key);

    // Stripe confirms the partial payment by webhook.
    let completed = json!({"id": "evt_1", "type": "checkout.session.completed", "data": {"object": {
        "id": "cs_test_3", "payment_status": "paid", "payment_intent": "pi_test_1", "amount_total": 5000,
        "currency": "eur", "payment_method_types": ["card"], "metadata": {"invoice_id": id.to_string()}}}});
    let body = completed.to_string();
    let sig = signature::sign(
        WEBHOOK_SECRET,
        chrono::Utc::now().timestamp(),
        body.as_bytes(),
    );
    let res = app
        .client
        .post(app.url("/webhooks/stripe"))
        .header("stripe-signature", sig)
        .body(body)
        .send()
        .await
        .expect("webhook");
    assert_eq!(res.status(), 200);
    let status: String = sqlx::query("SELECT status FROM invoices WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("invoice")
        .get("status");
    assert_eq!(status, "partially_paid");

    // A refund goes to Stripe with the payment intent, the amount and a key.
    let provider = Payments::build(&stripe_config(&api), "http://127.0.0.1", "http://127.0.0.1");
    let payment: i64 = sqlx::query("SELECT id FROM payments")
        .fetch_one(&app.db.pool)
        .await
        .expect("payment")
        .get("id");
    let agent = quittance::server::db::users::insert(
        &app.db.pool,
        "agent@example.test",
        "not-a-hash",
        quittance::model::role::Role::Agent,
        None,
        "Agent",
    )
    .await
    .expect("agent");
    payments::request_refund(&app.db, &provider, id, payment, "20", agent)
        .await
        .expect("refund requested");
    let refund = fake.seen().pop().expect("refund request");
    assert_eq!(refund.path, "/v1/refunds");
    assert_eq!(
        refund.form.get("payment_intent").map(String::as_str),
        Some("pi_test_1")
    );
    assert_eq!(refund.form.get("amount").map(String::as_str), Some("2000"));
    assert!(
        refund
            .idempotency_key
            .starts_with(&format!("quittance-refund-{payment}-"))
    );
    let paid: i64 = sqlx::query("SELECT amount_paid FROM invoices WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("invoice")
        .get("amount_paid");
    assert_eq!(
        paid, 5000,
        "a refund changes nothing until its webhook arrives"
    );
    app.stop().await;
}
on_both_databases!(
    the_stripe_provider_sends_minor_units_metadata_and_idempotency_keys_and_reuses_the_session
);
