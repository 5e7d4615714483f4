//! Payments as Stripe really sends them, on SQLite and PostgreSQL: the events
//! of tests/fixtures/stripe/ (API version 2026-10-28) for an invoice of
//! 643.15 EUR, signed as Stripe signs them. Inquiries take no money, funds
//! follow withdrawals and reinstatements, a failed refund gives the money
//! back in any order, and the method used is the charge's.
use crate::common::{self, TestApp, TestDb, rekeyed, stripe_event};
use crate::payments::{deliver, settlement};
use quittance::server::services::payments;
use serde_json::{Value, json};
use sqlx::Row;

/// 535.96 excl. VAT at 20 %: 643.15 incl. VAT, the fixtures' amount.
const PRICE: &str = "535.96";
const TOTAL: i64 = 64_315;
/// The fixtures' refund.
const REFUND: i64 = 20_000;

async fn total_of(app: &TestApp, id: i64) -> i64 {
    sqlx::query("SELECT total_ttc FROM invoices WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("invoice")
        .get(0)
}

async fn paid_invoice(app: &TestApp, customer: i64, pi: &str) -> i64 {
    let inv = common::issued_invoice(&app.db, customer, PRICE).await;
    assert_eq!(total_of(app, inv.id).await, TOTAL);
    let paid = rekeyed(stripe_event("payment_intent.succeeded", inv.id), pi);
    assert!(deliver(app, &paid).await.status().is_success());
    assert_eq!(settlement(app, inv.id).await, ("paid".into(), TOTAL));
    inv.id
}

/// `name` for the payment `pi`, with its status and balance transactions replaced.
fn dispute(name: &str, pi: &str, status: &str, balance_transactions: Value) -> Value {
    let mut e = rekeyed(stripe_event(name, 0), pi);
    e["data"]["object"]["status"] = status.into();
    e["data"]["object"]["balance_transactions"] = balance_transactions;
    e
}

async fn send(app: &TestApp, e: &Value) {
    let res = deliver(app, e).await;
    assert!(res.status().is_success(), "{}: {}", e["type"], res.status());
}

async fn an_inquiry_on_a_paid_invoice_leaves_it_paid_and_not_payable_again(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "payer@example.test").await;
    let pi = "pi_inquiry1";
    let id = paid_invoice(&app, customer, pi).await;
    // `stripe trigger charge.dispute.created` makes exactly this: an inquiry,
    // no balance transaction.
    send(
        &app,
        &rekeyed(stripe_event("charge.dispute.created", 0), pi),
    )
    .await;
    assert_eq!(settlement(&app, id).await, ("paid".into(), TOTAL));
    let under_review = dispute(
        "charge.dispute.updated",
        pi,
        "warning_under_review",
        json!([]),
    );
    send(&app, &under_review).await;
    assert_eq!(settlement(&app, id).await, ("paid".into(), TOTAL));
    let options = payments::pay_options(&app.db, id).await.expect("options");
    assert_eq!(options.payable, 0, "the pay link is not payable again");
    let closed = dispute("charge.dispute.closed", pi, "warning_closed", json!([]));
    send(&app, &closed).await;
    assert_eq!(settlement(&app, id).await, ("paid".into(), TOTAL));
    let row = sqlx::query("SELECT status, holds_money, reason FROM chargebacks")
        .fetch_one(&app.db.pool)
        .await
        .expect("the inquiry is kept");
    assert_eq!(row.get::<String, _>("status"), "warning_closed");
    assert_eq!(row.get::<i64, _>("holds_money"), 0);
    // The reason of the newest event that gives one.
    assert_eq!(row.get::<String, _>("reason"), "fraudulent");
    app.stop().await;
}
on_both_databases!(an_inquiry_on_a_paid_invoice_leaves_it_paid_and_not_payable_again);

async fn chargeback_funds_withdrawn_then_reinstated_end_paid_in_either_order(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "payer@example.test").await;
    // In order: withdrawn (the invoice is open again), then reinstated.
    let first = paid_invoice(&app, customer, "pi_inorder").await;
    let withdrawn = rekeyed(
        stripe_event("charge.dispute.funds_withdrawn", 0),
        "pi_inorder",
    );
    send(&app, &withdrawn).await;
    assert_eq!(settlement(&app, first).await, ("issued".into(), 0));
    let under_review = rekeyed(stripe_event("charge.dispute.updated", 0), "pi_inorder");
    send(&app, &under_review).await;
    assert_eq!(settlement(&app, first).await, ("issued".into(), 0));
    let reinstated = rekeyed(
        stripe_event("charge.dispute.funds_reinstated", 0),
        "pi_inorder",
    );
    send(&app, &reinstated).await;
    assert_eq!(settlement(&app, first).await, ("paid".into(), TOTAL));
    // Reversed: the win and the reinstatement first, the withdrawal late.
    let second = paid_invoice(&app, customer, "pi_reversed").await;
    for name in [
        "charge.dispute.closed",
        "charge.dispute.funds_reinstated",
        "charge.dispute.funds_withdrawn",
        "charge.dispute.updated",
    ] {
        send(&app, &rekeyed(stripe_event(name, 0), "pi_reversed")).await;
        assert_eq!(
            settlement(&app, second).await,
            ("paid".into(), TOTAL),
            "after {name}"
        );
    }
    let status: String =
        sqlx::query("SELECT status FROM chargebacks WHERE provider_payment_id = $1")
            .bind("pi_reversed")
            .fetch_one(&app.db.pool)
            .await
            .expect("dispute")
            .get(0);
    assert_eq!(status, "won", "a late older event does not reopen it");
    app.stop().await;
}
on_both_databases!(chargeback_funds_withdrawn_then_reinstated_end_paid_in_either_order);

async fn a_refund_that_fails_after_it_was_pending_gives_the_money_back_before_or_after_its_charge_event(
    db: &TestDb,
) {
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "payer@example.test").await;
    let after_refund = ("partially_paid".to_string(), TOTAL - REFUND);
    // The charge's `charge.refunded` between the refund's pending and failed events.
    let id = paid_invoice(&app, customer, "pi_refund1").await;
    let ev = |name: &str| rekeyed(stripe_event(name, id), "pi_refund1");
    send(&app, &ev("refund.created")).await;
    assert_eq!(settlement(&app, id).await, after_refund);
    send(&app, &ev("charge.refunded")).await;
    assert_eq!(settlement(&app, id).await, after_refund, "counted once");
    send(&app, &ev("refund.failed")).await;
    assert_eq!(settlement(&app, id).await, ("paid".into(), TOTAL));
    send(&app, &ev("charge.refund.updated")).await;
    assert_eq!(settlement(&app, id).await, ("paid".into(), TOTAL));
    // The charge's event last, after the failure: still nothing refunded.
    let id = paid_invoice(&app, customer, "pi_refund2").await;
    let ev = |name: &str| rekeyed(stripe_event(name, id), "pi_refund2");
    send(&app, &ev("refund.created")).await;
    send(&app, &ev("refund.failed")).await;
    assert_eq!(settlement(&app, id).await, ("paid".into(), TOTAL));
    send(&app, &ev("charge.refunded")).await;
    send(&app, &ev("refund.updated")).await;
    assert_eq!(settlement(&app, id).await, ("paid".into(), TOTAL));
    let staff = payments::timeline(&app.db, id).await.expect("timeline");
    let kinds: Vec<&str> = staff.iter().map(|e| e.kind.as_str()).collect();
    assert!(
        kinds.contains(&"refunded") && kinds.contains(&"refund_failed"),
        "{kinds:?}"
    );
    // A refund that succeeds stays refunded when its charge event repeats it.
    let id = paid_invoice(&app, customer, "pi_refund3").await;
    let ev = |name: &str| rekeyed(stripe_event(name, id), "pi_refund3");
    for name in ["refund.updated", "charge.refunded", "refund.created"] {
        send(&app, &ev(name)).await;
        assert_eq!(settlement(&app, id).await, after_refund, "after {name}");
    }
    app.stop().await;
}
on_both_databases!(
    a_refund_that_fails_after_it_was_pending_gives_the_money_back_before_or_after_its_charge_event
);

async fn method_of(app: &TestApp, pi: &str) -> String {
    sqlx::query("SELECT method FROM payments WHERE provider_payment_id = $1")
        .bind(pi)
        .fetch_one(&app.db.pool)
        .await
        .expect("payment")
        .get(0)
}

async fn a_card_payment_from_a_session_listing_every_type_records_card(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "payer@example.test").await;
    // The session and the intent first (they list card, link and sepa_debit),
    // the charge that names the card after them.
    let inv = common::issued_invoice(&app.db, customer, PRICE).await;
    for name in ["checkout.session.completed", "payment_intent.succeeded"] {
        send(&app, &rekeyed(stripe_event(name, inv.id), "pi_late_charge")).await;
    }
    assert_eq!(method_of(&app, "pi_late_charge").await, "online");
    send(
        &app,
        &rekeyed(stripe_event("charge.succeeded", inv.id), "pi_late_charge"),
    )
    .await;
    assert_eq!(method_of(&app, "pi_late_charge").await, "card");
    assert_eq!(settlement(&app, inv.id).await, ("paid".into(), TOTAL));
    // The charge first: the payment is recorded as a card payment, and so
    // is its receipt.
    let inv = common::issued_invoice(&app.db, customer, PRICE).await;
    for name in [
        "charge.succeeded",
        "checkout.session.completed",
        "payment_intent.succeeded",
    ] {
        send(
            &app,
            &rekeyed(stripe_event(name, inv.id), "pi_charge_first"),
        )
        .await;
    }
    assert_eq!(method_of(&app, "pi_charge_first").await, "card");
    let receipt: String = sqlx::query(
        "SELECT body_text FROM outbox WHERE dedupe_key LIKE 'receipt-%' ORDER BY id DESC",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("a receipt")
    .get(0);
    assert!(receipt.contains("Carte"), "{receipt}");
    // A pending SEPA charge then a settled card charge (a refused debit
    // retried by card): the settled one's method is kept.
    let inv = common::issued_invoice(&app.db, customer, PRICE).await;
    for name in [
        "charge.pending",
        "charge.succeeded",
        "payment_intent.succeeded",
    ] {
        send(&app, &rekeyed(stripe_event(name, inv.id), "pi_retried")).await;
    }
    let mut late = rekeyed(stripe_event("charge.pending", inv.id), "pi_retried");
    late["id"] = "evt_late_pending_charge".into();
    send(&app, &late).await;
    assert_eq!(method_of(&app, "pi_retried").await, "card");
    let timeline = payments::timeline(&app.db, inv.id).await.expect("timeline");
    let paid = timeline
        .iter()
        .find(|e| e.kind == "succeeded")
        .expect("succeeded");
    assert_eq!(paid.method.map(|m| m.as_str()), Some("card"));
    app.stop().await;
}
on_both_databases!(a_card_payment_from_a_session_listing_every_type_records_card);

async fn staff_see_a_chargebacks_status_reason_and_evidence_due_date(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let (id, _) = common::open_demo_invoice(&app, "client@demo.test").await;
    let total = total_of(&app, id).await;
    let mut paid = rekeyed(stripe_event("payment_intent.succeeded", id), "pi_staff");
    paid["data"]["object"]["amount"] = total.into();
    paid["data"]["object"]["amount_received"] = total.into();
    send(&app, &paid).await;
    let mut withdrawn = rekeyed(
        stripe_event("charge.dispute.funds_withdrawn", 0),
        "pi_staff",
    );
    withdrawn["data"]["object"]["amount"] = total.into();
    send(&app, &withdrawn).await;
    assert_eq!(settlement(&app, id).await, ("issued".into(), 0));
    app.login("agent@demo.test", "agent-demo-1").await;
    let html = app
        .get(&format!("/staff/invoices/{id}"))
        .await
        .text()
        .await
        .expect("page");
    let row = html
        .split("data-testid=\"chargeback-row\"")
        .nth(1)
        .and_then(|rest| rest.split("</li>").next())
        .unwrap_or_else(|| panic!("no chargeback row in {html}"));
    assert!(row.contains("Contestation : réponse attendue"), "{row}");
    assert!(row.contains("frauduleux"), "{row}");
    assert!(row.contains("fonds prélevés"), "{row}");
    // The fixture's evidence_details.due_by, in 2026.
    assert!(row.contains("justificatifs à fournir avant le"), "{row}");
    assert!(row.contains("2026"), "{row}");
    // Customers never see it.
    app.form_post("/api/logout", &[]).await;
    app.login("client@demo.test", "client-demo-1").await;
    let res = app.get(&format!("/staff/invoices/{id}")).await;
    assert_eq!(res.status(), 403);
    app.stop().await;
}
on_both_databases!(staff_see_a_chargebacks_status_reason_and_evidence_due_date);
