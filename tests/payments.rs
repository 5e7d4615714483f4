//! Payments on SQLite and PostgreSQL: the simulated provider end to end through
//! signed webhooks, bad signatures, duplicated and reordered events, refunds and
//! chargebacks, offline payments, who may pay what, and a delivery storm.
use crate::common;

use crate::common::{TestApp, TestDb, WEBHOOK_SECRET, location};
use chrono::NaiveDate;
use quittance::server::payments::signature;
use quittance::server::payments::simulated::{Outcome, SimSession, events_for};
use quittance::server::services::invoicing::Issued;
use serde_json::{Value, json};
use sqlx::Row;

fn today() -> NaiveDate {
    common::today()
}

/// An issued invoice of `price` excl. VAT (20 % VAT, quantity 1).
async fn issued(app: &TestApp, customer: i64, price: &str) -> Issued {
    common::issued_invoice(&app.db, customer, price).await
}

/// (status, amount_paid) of an invoice.
pub(crate) async fn settlement(app: &TestApp, id: i64) -> (String, i64) {
    let r = sqlx::query("SELECT status, amount_paid FROM invoices WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("invoice");
    (r.get("status"), r.get("amount_paid"))
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(&app.db.pool)
        .await
        .expect("count")
        .get::<i64, _>(0)
}

async fn deliver_with(app: &TestApp, body: &str, header: Option<String>) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url("/webhooks/stripe"))
        .header("content-type", "application/json")
        .body(body.to_string());
    if let Some(h) = header {
        req = req.header("stripe-signature", h);
    }
    req.send().await.expect("webhook post")
}

/// Delivers an event signed as Stripe does, now.
pub(crate) async fn deliver(app: &TestApp, event: &Value) -> reqwest::Response {
    let body = event.to_string();
    let sig = signature::sign(
        WEBHOOK_SECRET,
        chrono::Utc::now().timestamp(),
        body.as_bytes(),
    );
    deliver_with(app, &body, Some(sig)).await
}

fn sim(id: &str, invoice_id: i64, amount: i64) -> SimSession {
    SimSession {
        id: id.into(),
        invoice_id,
        group_checkout_id: None,
        amount,
        currency: "EUR".into(),
    }
}

fn event(id: &str, kind: &str, object: Value) -> Value {
    json!({"id": id, "object": "event", "type": kind, "data": {"object": object}})
}

/// Starts a payment from a pay link as a browser without JavaScript does.
async fn start_from_link(app: &TestApp, token: &str, amount: &str) -> String {
    let res = app
        .form_post(
            "/api/start_payment",
            &[("kind", "link"), ("key", token), ("amount", amount)],
        )
        .await;
    assert!(res.status().is_redirection(), "status {}", res.status());
    location(&res)
}

async fn a_simulated_card_payment_from_a_pay_link_marks_the_invoice_paid_through_the_webhook(
    db: &TestDb,
) {
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "payer@example.test").await;
    let inv = issued(&app, customer, "100").await;
    let checkout = start_from_link(&app, &inv.pay_token, "").await;
    assert!(
        checkout.contains("/checkout/simulated/cs_sim_"),
        "{checkout}"
    );
    let session = checkout.rsplit('/').next().unwrap_or_default().to_string();
    let page = app.get(&format!("/checkout/simulated/{session}")).await;
    let text = page.text().await.expect("body");
    assert!(
        text.contains("120,00") || text.contains("120.00"),
        "the amount is shown"
    );

    let res = app
        .form_post(
            "/api/simulate_payment",
            &[("session_id", &session), ("outcome", "card_succeeds")],
        )
        .await;
    let back = location(&res);
    assert!(
        back.contains(&format!(
            "/pay/{}/return?session_id={session}",
            inv.pay_token
        )),
        "{back}"
    );
    assert_eq!(settlement(&app, inv.id).await, ("paid".into(), 12_000));
    let path = back.trim_start_matches(&app.base).to_string();
    let html = app.get(&path).await.text().await.expect("return page");
    assert!(
        html.contains("return-paid"),
        "the return page shows the payment"
    );
    let payment: i64 = count(&app, "SELECT MAX(id) FROM payments").await;
    let receipt = app
        .get(&format!("/pay/{}/receipts/{payment}", inv.pay_token))
        .await;
    assert_eq!(receipt.status(), 200);
    let text = receipt.text().await.expect("receipt");
    assert!(
        text.contains("120,00") || text.contains("120.00"),
        "the receipt shows the amount"
    );
    let queued = count(
        &app,
        "SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'receipt-%'",
    )
    .await;
    assert_eq!(queued, 1, "one receipt email");
    app.stop().await;
}
on_both_databases!(
    a_simulated_card_payment_from_a_pay_link_marks_the_invoice_paid_through_the_webhook
);

async fn a_second_click_reuses_the_open_session_and_an_overpayment_is_refused(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "payer@example.test").await;
    let inv = issued(&app, customer, "100").await;
    let first = start_from_link(&app, &inv.pay_token, "").await;
    let again = start_from_link(&app, &inv.pay_token, "120,00").await;
    assert_eq!(first, again, "same amount, same open session");
    let too_much = start_from_link(&app, &inv.pay_token, "120.01").await;
    assert!(too_much.contains("pay_err_amount=too_large"), "{too_much}");
    assert!(
        too_much.contains("amount=120.01"),
        "the typed amount is kept"
    );
    let partial = start_from_link(&app, &inv.pay_token, "50").await;
    assert_ne!(partial, first, "another amount gets another session");
    let open = count(
        &app,
        "SELECT COUNT(*) FROM checkout_sessions WHERE status = 'open'",
    )
    .await;
    assert_eq!(
        open, 1,
        "the first session was closed before the second opened"
    );
    app.stop().await;
}
on_both_databases!(a_second_click_reuses_the_open_session_and_an_overpayment_is_refused);

async fn webhooks_with_a_bad_missing_or_stale_signature_are_refused_and_change_nothing(
    db: &TestDb,
) {
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "payer@example.test").await;
    let inv = issued(&app, customer, "100").await;
    let (events, _) = events_for(&sim("cs_x", inv.id, 12_000), Outcome::CardSucceeds);
    let body = events[0].to_string();
    let now = chrono::Utc::now().timestamp();
    let wrong = signature::sign("whsec_someone_else", now, body.as_bytes());
    let stale = signature::sign(WEBHOOK_SECRET, now - 301, body.as_bytes());
    for header in [Some(wrong), Some(stale), None, Some("t=1,v1=00".into())] {
        let res = deliver_with(&app, &body, header).await;
        assert_eq!(res.status(), 400);
    }
    let tampered = body.replace("12000", "1");
    let res = deliver_with(
        &app,
        &tampered,
        Some(signature::sign(WEBHOOK_SECRET, now, body.as_bytes())),
    )
    .await;
    assert_eq!(res.status(), 400, "a changed body no longer matches");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM webhook_events").await, 0);
    assert_eq!(settlement(&app, inv.id).await, ("issued".into(), 0));
    app.stop().await;
}
on_both_databases!(webhooks_with_a_bad_missing_or_stale_signature_are_refused_and_change_nothing);

async fn duplicated_and_reordered_events_end_as_in_order_delivery(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "payer@example.test").await;
    let inv = issued(&app, customer, "100").await;
    let (now, later) = events_for(&sim("cs_sepa", inv.id, 12_000), Outcome::SepaSucceeds);
    // The bank's answer first, then the processing events, each twice.
    for e in later
        .iter()
        .rev()
        .chain(now.iter().rev())
        .chain(later.iter())
        .chain(now.iter())
    {
        let res = deliver(&app, e).await;
        assert_eq!(res.status(), 200);
    }
    assert_eq!(settlement(&app, inv.id).await, ("paid".into(), 12_000));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM payments").await, 1);
    let distinct = (now.len() + later.len()) as i64;
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM webhook_events").await,
        distinct
    );
    let status: String = sqlx::query("SELECT status FROM payments")
        .fetch_one(&app.db.pool)
        .await
        .expect("payment")
        .get("status");
    assert_eq!(
        status, "succeeded",
        "a late 'processing' never undoes a success"
    );
    let receipts = count(
        &app,
        "SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'receipt-%'",
    )
    .await;
    assert_eq!(receipts, 1);
    app.stop().await;
}
on_both_databases!(duplicated_and_reordered_events_end_as_in_order_delivery);

async fn a_failed_direct_debit_leaves_the_invoice_open_with_its_reason(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "payer@example.test").await;
    let inv = issued(&app, customer, "100").await;
    let (now, later) = events_for(&sim("cs_fail", inv.id, 12_000), Outcome::SepaFails);
    for e in now.iter() {
        deliver(&app, e).await;
    }
    let panel = app
        .call(
            "/api/pay_panel",
            &[("kind", "link"), ("key", &inv.pay_token)],
        )
        .await
        .json::<Value>()
        .await
        .expect("panel");
    assert_eq!(
        panel["options"]["payable"], 0,
        "nothing payable while the debit is processed"
    );
    assert_eq!(panel["options"]["processing"][0]["amount"], 12_000);
    for e in later.iter() {
        deliver(&app, e).await;
    }
    assert_eq!(settlement(&app, inv.id).await, ("issued".into(), 0));
    let panel = app
        .call(
            "/api/pay_panel",
            &[("kind", "link"), ("key", &inv.pay_token)],
        )
        .await
        .json::<Value>()
        .await
        .expect("panel");
    assert_eq!(
        panel["options"]["payable"], 12_000,
        "the invoice can be paid again"
    );
    let reason = panel["options"]["last_failure"]
        .as_str()
        .unwrap_or_default();
    assert!(reason.contains("insufficient funds"), "{panel}");
    app.stop().await;
}
on_both_databases!(a_failed_direct_debit_leaves_the_invoice_open_with_its_reason);

async fn refunds_and_chargebacks_apply_whatever_the_order(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "payer@example.test").await;
    let inv = issued(&app, customer, "100").await;
    let charge = |refunded: i64| {
        json!({"id": "ch_1", "object": "charge", "payment_intent": "pi_1", "amount": 12_000,
               "amount_refunded": refunded, "currency": "eur"})
    };
    let dispute = |status: &str| {
        json!({"id": "dp_1", "object": "dispute", "payment_intent": "pi_1", "charge": "ch_1",
               "amount": 5_000, "status": status})
    };
    let paid = json!({"id": "pi_1", "object": "payment_intent", "status": "succeeded", "amount": 12_000,
        "amount_received": 12_000, "currency": "eur", "payment_method_types": ["card"],
        "metadata": {"invoice_id": inv.id.to_string()}});
    // A later cumulative refund first, then an earlier one, then the payment itself.
    deliver(&app, &event("evt_r2", "charge.refunded", charge(3_000))).await;
    deliver(&app, &event("evt_r1", "charge.refunded", charge(1_000))).await;
    deliver(&app, &event("evt_p", "payment_intent.succeeded", paid)).await;
    assert_eq!(
        settlement(&app, inv.id).await,
        ("partially_paid".into(), 9_000)
    );
    // A chargeback closed as won before its opening arrives: the money stays.
    deliver(
        &app,
        &event("evt_d2", "charge.dispute.closed", dispute("won")),
    )
    .await;
    deliver(
        &app,
        &event(
            "evt_d1",
            "charge.dispute.created",
            dispute("needs_response"),
        ),
    )
    .await;
    assert_eq!(
        settlement(&app, inv.id).await,
        ("partially_paid".into(), 9_000)
    );
    // Another chargeback, lost: its amount is taken back.
    let lost = json!({"id": "dp_2", "payment_intent": "pi_1", "amount": 2_000, "status": "lost"});
    deliver(&app, &event("evt_d3", "charge.dispute.closed", lost)).await;
    assert_eq!(
        settlement(&app, inv.id).await,
        ("partially_paid".into(), 7_000)
    );
    app.stop().await;
}
on_both_databases!(refunds_and_chargebacks_apply_whatever_the_order);

async fn staff_record_offline_payments_and_customers_cannot(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let (id, _) = common::open_demo_invoice(&app, "client@demo.test").await;
    let sid = id.to_string();
    let post = |amount: &'static str| {
        let sid = sid.clone();
        let app = &app;
        async move {
            app.form_post(
                "/api/record_payment",
                &[
                    ("invoice_id", sid.as_str()),
                    ("amount", amount),
                    ("method", "cheque"),
                    ("received_on", &today().format("%Y-%m-%d").to_string()),
                    ("reference", "CHQ 0042"),
                ],
            )
            .await
        }
    };
    app.login("client@demo.test", "client-demo-1").await;
    let refused = app
        .call(
            "/api/record_payment",
            &[
                ("invoice_id", sid.as_str()),
                ("amount", "10"),
                ("method", "cash"),
                ("received_on", "2026-01-01"),
            ],
        )
        .await;
    assert_eq!(refused.status(), 403, "customers cannot record payments");
    app.form_post("/api/logout", &[]).await;
    app.login("agent@demo.test", "agent-demo-1").await;
    let refused = post("99999999").await;
    assert!(
        location(&refused).contains("offline_err_amount=too_large"),
        "{}",
        location(&refused)
    );
    let (_, before) = settlement(&app, id).await;
    let ok = post("10").await;
    assert!(
        location(&ok).contains("done=payment_recorded"),
        "{}",
        location(&ok)
    );
    let (status, after) = settlement(&app, id).await;
    assert_eq!((status.as_str(), after - before), ("partially_paid", 1_000));
    let html = app
        .get(&format!("/staff/invoices/{id}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(
        html.contains("CHQ 0042"),
        "the payment is on the staff page"
    );
    app.stop().await;
}
on_both_databases!(staff_record_offline_payments_and_customers_cannot);

async fn another_customer_can_neither_see_nor_pay_someone_elses_invoice(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let (_, number) = common::open_demo_invoice(&app, "client@demo.test").await;
    app.login("client2@demo.test", "client-demo-2").await;
    let panel = app
        .call("/api/pay_panel", &[("kind", "invoice"), ("key", &number)])
        .await;
    assert_eq!(panel.status(), 404);
    let start = app
        .form_post(
            "/api/start_payment",
            &[("kind", "invoice"), ("key", &number), ("amount", "")],
        )
        .await;
    assert!(
        !location(&start).contains("/checkout/"),
        "no checkout for someone else's invoice"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM checkout_sessions").await,
        0
    );
    let receipt = app
        .call(
            "/api/payment_receipt",
            &[("kind", "invoice"), ("key", &number), ("payment_id", "1")],
        )
        .await;
    assert_eq!(receipt.status(), 404);
    let bogus = app
        .call(
            "/api/pay_panel",
            &[("kind", "link"), ("key", &"ab".repeat(32))],
        )
        .await;
    assert_eq!(bogus.status(), 404, "an unknown pay link shows nothing");
    app.stop().await;
}
on_both_databases!(another_customer_can_neither_see_nor_pay_someone_elses_invoice);

/// A small deterministic generator, so a failing storm can be replayed.
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
}

async fn a_storm_of_duplicated_shuffled_concurrent_deliveries_counts_each_payment_once(
    db: &TestDb,
) {
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "payer@example.test").await;
    let mut invoices = Vec::new();
    for _ in 0..10 {
        invoices.push(issued(&app, customer, "100000").await.id);
    }
    let mut rng = Lcg(42);
    let mut unique = Vec::new();
    let mut expected_paid = 0;
    // 700 unique events over 350 payments: each has a "processing" event and
    // then either a success or a failure.
    for n in 0..350 {
        let invoice = invoices[rng.next(invoices.len())];
        let amount = 100 + rng.next(900) as i64;
        let succeeds = rng.next(10) < 7;
        let object = |status: &str| {
            json!({"id": format!("pi_storm_{n}"), "object": "payment_intent", "status": status,
                   "amount": amount, "amount_received": if status == "succeeded" { amount } else { 0 },
                   "currency": "eur", "payment_method_types": ["sepa_debit"],
                   "metadata": {"invoice_id": invoice.to_string()}})
        };
        unique.push(event(
            &format!("evt_storm_{n}_a"),
            "payment_intent.processing",
            object("processing"),
        ));
        if succeeds {
            expected_paid += amount;
            unique.push(event(
                &format!("evt_storm_{n}_b"),
                "payment_intent.succeeded",
                object("succeeded"),
            ));
        } else {
            unique.push(event(
                &format!("evt_storm_{n}_b"),
                "payment_intent.payment_failed",
                object("requires_payment_method"),
            ));
        }
    }
    let mut deliveries: Vec<Value> = unique.clone();
    for _ in 0..300 {
        deliveries.push(unique[rng.next(unique.len())].clone());
    }
    for i in (1..deliveries.len()).rev() {
        deliveries.swap(i, rng.next(i + 1));
    }
    assert_eq!(deliveries.len(), 1000);
    let queue = std::sync::Arc::new(tokio::sync::Mutex::new(deliveries));
    let mut workers = Vec::new();
    for _ in 0..16 {
        let (queue, client, url) = (
            queue.clone(),
            app.client.clone(),
            app.url("/webhooks/stripe"),
        );
        workers.push(tokio::spawn(async move {
            loop {
                let Some(e) = queue.lock().await.pop() else {
                    break;
                };
                let body = e.to_string();
                let sig = signature::sign(
                    WEBHOOK_SECRET,
                    chrono::Utc::now().timestamp(),
                    body.as_bytes(),
                );
                let res = client
                    .post(&url)
                    .header("stripe-signature", sig)
                    .body(body)
                    .send()
                    .await
                    .expect("delivery");
                assert_eq!(res.status(), 200);
            }
        }));
    }
    for w in workers {
        w.await.expect("worker");
    }
    let paid = count(
        &app,
        "SELECT CAST(SUM(amount_paid) AS BIGINT) FROM invoices",
    )
    .await;
    assert_eq!(
        paid, expected_paid,
        "total paid equals the unique succeeded payments"
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM webhook_events").await,
        unique.len() as i64
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM payments").await, 350);
    app.stop().await;
}
on_both_databases!(a_storm_of_duplicated_shuffled_concurrent_deliveries_counts_each_payment_once);

/// Opens a dispute from the pay link of `invoice_id` on `amount` minor units.
async fn dispute_part(app: &TestApp, invoice_id: i64, amount: Option<i64>) {
    use quittance::model::dispute::DisputeReason;
    use quittance::server::services::disputes::{self, OpenDispute, Viewer};
    let input = OpenDispute {
        invoice_id,
        reason: DisputeReason::Quality,
        disputed_amount: amount,
        lines: Vec::new(),
        message: "Une partie de la livraison est abîmée.".into(),
    };
    disputes::open(
        &app.db,
        Viewer::PayLink(invoice_id),
        &input,
        chrono::Utc::now().timestamp(),
    )
    .await
    .expect("dispute opened");
}

async fn only_the_undisputed_part_can_be_paid_while_a_dispute_is_open(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "payer@example.test").await;
    let inv = issued(&app, customer, "100").await;
    dispute_part(&app, inv.id, Some(5_000)).await;

    let page = app.get(&format!("/pay/{}", inv.pay_token)).await;
    let html = page.text().await.expect("page");
    assert!(
        html.contains("data-testid=\"pay-disputed\""),
        "the page says what is set aside"
    );
    let refused = start_from_link(&app, &inv.pay_token, "120").await;
    assert!(refused.contains("pay_err_amount=too_large"), "{refused}");
    start_from_link(&app, &inv.pay_token, "").await;
    let amount = count(
        &app,
        "SELECT amount FROM checkout_sessions WHERE status = 'open'",
    )
    .await;
    assert_eq!(
        amount, 7_000,
        "the session asks for the balance less the disputed amount"
    );
    app.stop().await;
}
on_both_databases!(only_the_undisputed_part_can_be_paid_while_a_dispute_is_open);

async fn nothing_can_be_paid_while_the_whole_balance_is_disputed(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "payer@example.test").await;
    let inv = issued(&app, customer, "100").await;
    dispute_part(&app, inv.id, None).await;

    let html = app
        .get(&format!("/pay/{}", inv.pay_token))
        .await
        .text()
        .await
        .expect("page");
    assert!(
        !html.contains("data-testid=\"pay-button\""),
        "no pay button"
    );
    let refused = start_from_link(&app, &inv.pay_token, "").await;
    assert!(refused.contains("pay_err=conflict"), "{refused}");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM checkout_sessions").await,
        0
    );
    app.stop().await;
}
on_both_databases!(nothing_can_be_paid_while_the_whole_balance_is_disputed);

/// (status, amount_paid, amount_credited, paid_at) of an invoice.
async fn money_row(app: &TestApp, id: i64) -> (String, i64, i64, Option<i64>) {
    let r = sqlx::query(
        "SELECT status, amount_paid, amount_credited, paid_at FROM invoices WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&app.db.pool)
    .await
    .expect("invoice");
    (
        r.get("status"),
        r.get("amount_paid"),
        r.get("amount_credited"),
        r.get("paid_at"),
    )
}

async fn every_money_path_leaves_the_invoice_as_the_ledger_computes_it_from_its_facts(db: &TestDb) {
    use quittance::model::vat::VatRate;
    use quittance::server::services::invoicing::{self, CreditRequest};
    use quittance::server::services::ledger;
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "payer@example.test").await;
    let inv = issued(&app, customer, "100").await;
    let unchanged_by_recompute = || async {
        let before = money_row(&app, inv.id).await;
        let mut tx = app.db.begin_money().await.expect("tx");
        ledger::recompute(&mut tx, inv.id, chrono::Utc::now().timestamp())
            .await
            .expect("recompute");
        tx.commit().await.expect("commit");
        assert_eq!(
            money_row(&app, inv.id).await,
            before,
            "the stored state is the computed one"
        );
        before
    };
    let paid = json!({"id": "pi_l", "object": "payment_intent", "status": "succeeded", "amount": 5_000,
        "amount_received": 5_000, "currency": "eur", "payment_method_types": ["card"],
        "metadata": {"invoice_id": inv.id.to_string()}});
    deliver(&app, &event("evt_l1", "payment_intent.succeeded", paid)).await;
    let s = unchanged_by_recompute().await;
    assert_eq!((s.0.as_str(), s.1, s.2), ("partially_paid", 5_000, 0));

    dispute_part(&app, inv.id, Some(2_000)).await;
    let s = unchanged_by_recompute().await;
    assert_eq!((s.0.as_str(), s.1), ("disputed", 5_000));

    let gesture = CreditRequest::Partial {
        amount_ht: 1_000,
        vat_rate: VatRate::Standard20,
        description: "Geste".into(),
    };
    invoicing::credit(&app.db, inv.id, &gesture, today(), None)
        .await
        .expect("credit note");
    let s = unchanged_by_recompute().await;
    assert_eq!(
        (s.0.as_str(), s.1, s.2),
        ("disputed", 5_000, 1_200),
        "a credit note leaves an invoice with an open dispute disputed"
    );

    let refund = json!({"id": "ch_l", "object": "charge", "payment_intent": "pi_l", "amount": 5_000,
        "amount_refunded": 1_000, "currency": "eur"});
    deliver(&app, &event("evt_l2", "charge.refunded", refund)).await;
    let s = unchanged_by_recompute().await;
    assert_eq!((s.0.as_str(), s.1, s.2), ("disputed", 4_000, 1_200));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'receipt-%'"
        )
        .await,
        1,
        "one receipt, queued with its payment"
    );
    app.stop().await;
}
on_both_databases!(every_money_path_leaves_the_invoice_as_the_ledger_computes_it_from_its_facts);

/// A signed-shape `payment_intent.succeeded` naming `invoice_id` in its metadata.
fn intent_succeeded(
    event_id: &str,
    pi: &str,
    invoice_id: Option<i64>,
    amount: i64,
    currency: &str,
) -> Value {
    let metadata = match invoice_id {
        Some(id) => json!({"invoice_id": id.to_string()}),
        None => json!({}),
    };
    event(
        event_id,
        "payment_intent.succeeded",
        json!({"id": pi, "object": "payment_intent", "status": "succeeded", "amount": amount,
               "amount_received": amount, "currency": currency, "payment_method_types": ["card"],
               "metadata": metadata}),
    )
}

/// (reason, status, amount, named_invoice_id) of the unmatched provider payment `pi`.
async fn unmatched_row(app: &TestApp, pi: &str) -> Option<(String, String, i64, Option<i64>)> {
    sqlx::query(
        "SELECT reason, status, amount, named_invoice_id FROM unmatched_payments \
         WHERE provider_payment_id = $1",
    )
    .bind(pi)
    .fetch_optional(&app.db.pool)
    .await
    .expect("unmatched")
    .map(|r| {
        (
            r.get("reason"),
            r.get("status"),
            r.get("amount"),
            r.get("named_invoice_id"),
        )
    })
}

async fn receipts(app: &TestApp) -> i64 {
    count(
        app,
        "SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'receipt-%'",
    )
    .await
}

fn draft_of(customer: i64, price: &str) -> quittance::model::draft::DraftInput {
    use quittance::model::draft::{DraftInput, DraftLineInput};
    DraftInput {
        customer_id: customer,
        currency: "EUR".into(),
        sale_date: String::new(),
        due_date: String::new(),
        deposits: String::new(),
        lines: vec![DraftLineInput {
            description: "Prestation".into(),
            quantity: "1".into(),
            unit: String::new(),
            unit_price: price.into(),
            vat_rate: "20".into(),
            discount_pct: String::new(),
        }],
    }
}

async fn a_signed_payment_naming_a_draft_is_kept_unmatched_for_staff_and_moves_no_money(
    db: &TestDb,
) {
    use quittance::server::services::invoicing;
    let app = TestApp::start(db, true).await;
    let customer = count(&app, "SELECT MIN(id) FROM customers").await;
    let draft = invoicing::create_draft(&app.db, &draft_of(customer, "100"), today())
        .await
        .expect("draft");
    let before = money_row(&app, draft).await;
    let receipts_before = receipts(&app).await;
    let paid = intent_succeeded("evt_draft_1", "pi_draft_1", Some(draft), 5_000, "eur");
    assert_eq!(deliver(&app, &paid).await.status(), 200);
    assert_eq!(deliver(&app, &paid).await.status(), 200, "a duplicate");
    assert_eq!(
        money_row(&app, draft).await,
        before,
        "the draft took nothing"
    );
    assert_eq!(before.0, "draft");
    let on_draft = format!("SELECT COUNT(*) FROM payments WHERE invoice_id = {draft}");
    assert_eq!(count(&app, &on_draft).await, 0, "no payment row");
    assert_eq!(receipts(&app).await, receipts_before, "no receipt queued");
    assert_eq!(
        unmatched_row(&app, "pi_draft_1").await,
        Some(("draft".into(), "succeeded".into(), 5_000, Some(draft)))
    );

    // Issued afterwards, the invoice still does not take that payment: a
    // later event of it finds it kept apart, whatever the order.
    let issued = invoicing::issue(&app.db, draft, today(), None)
        .await
        .expect("issue");
    let again = intent_succeeded("evt_draft_2", "pi_draft_1", Some(draft), 5_000, "eur");
    assert_eq!(deliver(&app, &again).await.status(), 200);
    assert_eq!(count(&app, &on_draft).await, 0);
    assert_eq!(settlement(&app, issued.id).await, ("issued".into(), 0));
    assert_eq!(receipts(&app).await, receipts_before);

    // Staff see it on their home page, with why it was kept apart.
    app.login("agent@demo.test", "agent-demo-1").await;
    let home = app.get("/staff").await.text().await.expect("staff home");
    assert!(
        home.contains("data-testid=\"unmatched-payments\""),
        "no unmatched section"
    );
    assert!(
        home.contains("pi_draft_1"),
        "the provider reference is shown"
    );
    app.stop().await;
}
on_both_databases!(a_signed_payment_naming_a_draft_is_kept_unmatched_for_staff_and_moves_no_money);

async fn only_an_issued_invoice_in_its_own_currency_takes_a_provider_payment(db: &TestDb) {
    use quittance::server::services::invoicing::{self, CreditRequest};
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "payer@example.test").await;
    let cancelled = issued(&app, customer, "100").await;
    let credit_note = invoicing::credit(&app.db, cancelled.id, &CreditRequest::Full, today(), None)
        .await
        .expect("credit note");
    let open = issued(&app, customer, "100").await;
    let cases = [
        ("pi_cancelled", Some(cancelled.id), "eur", "cancelled"),
        ("pi_credit_note", Some(credit_note.id), "eur", "credit_note"),
        ("pi_dollars", Some(open.id), "usd", "currency"),
        ("pi_nowhere", Some(999_999), "eur", "unknown_invoice"),
        ("pi_nameless", None, "eur", "no_invoice"),
    ];
    for (i, (pi, named, currency, _)) in cases.iter().enumerate() {
        let e = intent_succeeded(&format!("evt_c{i}"), pi, *named, 12_000, currency);
        assert_eq!(deliver(&app, &e).await.status(), 200, "{pi}");
    }
    for (pi, named, _, reason) in cases {
        let row = unmatched_row(&app, pi).await.expect(pi);
        assert_eq!((row.0.as_str(), row.3), (reason, named), "{pi}");
    }
    let cancelled_row = money_row(&app, cancelled.id).await;
    assert_eq!((cancelled_row.0.as_str(), cancelled_row.1), ("credited", 0));
    assert_eq!(money_row(&app, credit_note.id).await.1, 0);
    assert_eq!(settlement(&app, open.id).await, ("issued".into(), 0));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM payments").await, 0);
    assert_eq!(receipts(&app).await, 0);

    // The same invoice, paid in its own currency, takes the money.
    let euros = intent_succeeded("evt_ok", "pi_euros", Some(open.id), 12_000, "eur");
    deliver(&app, &euros).await;
    assert_eq!(settlement(&app, open.id).await, ("paid".into(), 12_000));
    assert_eq!(receipts(&app).await, 1);
    assert_eq!(unmatched_row(&app, "pi_euros").await, None);
    app.stop().await;
}
on_both_databases!(only_an_issued_invoice_in_its_own_currency_takes_a_provider_payment);

async fn the_simulated_checkout_page_shows_no_pay_link_and_its_ids_are_random(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "payer@example.test").await;
    let inv = issued(&app, customer, "100").await;
    let first = start_from_link(&app, &inv.pay_token, "50").await;
    let session = first.rsplit('/').next().unwrap_or_default().to_string();
    let hex = session
        .strip_prefix("cs_sim_")
        .expect("a simulated session");
    assert_eq!(hex.len(), 32, "{session}");
    assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()), "{session}");

    let page = app.get(&format!("/checkout/simulated/{session}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("checkout page");
    assert!(
        html.contains("data-testid=\"sim-checkout\""),
        "the page renders"
    );
    assert!(
        !html.contains(&inv.pay_token),
        "the pay-link token is on the checkout page"
    );
    let cancel = format!("/checkout/simulated/{session}/cancel");
    assert!(html.contains(&cancel), "cancel goes through the session");
    let back = app.get(&cancel).await;
    assert_eq!(back.status(), 303);
    assert_eq!(
        location(&back),
        format!("/pay/{}?cancelled=1", inv.pay_token)
    );
    assert_eq!(
        app.get("/checkout/simulated/cs_sim_0123/cancel")
            .await
            .status(),
        404,
        "an unknown session leads nowhere"
    );

    // Another amount closes that session; the first amount again gets a new
    // one, whose id shares nothing with the first.
    start_from_link(&app, &inv.pay_token, "60").await;
    let third = start_from_link(&app, &inv.pay_token, "50").await;
    assert_ne!(
        third, first,
        "a new session for the same invoice and amount"
    );
    let third = third.rsplit('/').next().unwrap_or_default();
    assert_ne!(&third[..15], &session[..15], "{third} and {session}");
    app.stop().await;
}
on_both_databases!(the_simulated_checkout_page_shows_no_pay_link_and_its_ids_are_random);
