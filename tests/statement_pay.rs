//! One payment over several invoices, on SQLite and PostgreSQL: a customer
//! ticks two invoices on the statement, pays once through the simulated
//! provider, and the signed webhooks (duplicated and reordered) allocate the
//! money once, oldest due first, with one receipt; a refund comes off the
//! last invoice paid first; other customers' invoices, anonymous callers and
//! bad amounts are refused with nothing saved.
use crate::common::{TestApp, TestDb, WEBHOOK_SECRET, location};
use quittance::model::allocation::Payable;
use quittance::server::payments::signature;
use quittance::server::payments::simulated::{Outcome, SimSession, events_for};
use quittance::server::services::statement_pay;
use serde_json::{Value, json};
use sqlx::Row;

async fn deliver(app: &TestApp, event: &Value) -> u16 {
    let body = event.to_string();
    let sig = signature::sign(
        WEBHOOK_SECRET,
        chrono::Utc::now().timestamp(),
        body.as_bytes(),
    );
    app.client
        .post(app.url("/webhooks/stripe"))
        .header("content-type", "application/json")
        .header("stripe-signature", sig)
        .body(body)
        .send()
        .await
        .expect("webhook post")
        .status()
        .as_u16()
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(&app.db.pool)
        .await
        .expect("count")
        .get::<i64, _>(0)
}

async fn customer_of(app: &TestApp, email: &str) -> i64 {
    sqlx::query("SELECT customer_id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(&app.db.pool)
        .await
        .expect("customer user")
        .get("customer_id")
}

/// (status, amount_paid, balance) of an invoice.
async fn money(app: &TestApp, id: i64) -> (String, i64, i64) {
    let r = sqlx::query(
        "SELECT status, amount_paid, total_ttc - deposits - amount_paid - amount_credited AS balance \
         FROM invoices WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&app.db.pool)
    .await
    .expect("invoice");
    (r.get("status"), r.get("amount_paid"), r.get("balance"))
}

/// The two oldest due invoices of the customer that are payable in full
/// (no dispute, nothing on its way).
async fn two_payable(app: &TestApp, customer: i64) -> (Payable, Payable) {
    let (items, _) = statement_pay::payables(&app.db, customer)
        .await
        .expect("payables");
    let mut whole = items
        .into_iter()
        .filter(|p| p.payable > 0 && p.payable == p.balance);
    let a = whole.next().expect("a first payable invoice");
    let b = whole.next().expect("a second payable invoice");
    (a, b)
}

/// Posts the statement's pay form and returns the simulated session id.
async fn pay_from_statement(app: &TestApp, picks: &[&str], amount: &str) -> String {
    let mut form: Vec<(&str, &str)> = picks.iter().map(|p| ("pick", *p)).collect();
    form.push(("amount", amount));
    let res = app.form_post("/statement/pay", &form).await;
    assert_eq!(res.status(), 303, "the pay form redirects");
    let to = location(&res);
    let id = to
        .rsplit('/')
        .next()
        .filter(|_| to.contains("/checkout/simulated/"))
        .unwrap_or_else(|| panic!("not sent to the checkout: {to}"));
    id.to_string()
}

async fn checkout_id(app: &TestApp, session: &str) -> (i64, i64) {
    let r = sqlx::query("SELECT id, amount FROM group_checkouts WHERE provider_session_id = $1")
        .bind(session)
        .fetch_one(&app.db.pool)
        .await
        .expect("the statement checkout");
    (r.get("id"), r.get("amount"))
}

async fn a_customer_pays_two_invoices_at_once_and_the_webhooks_allocate_it_once(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    app.login("client@demo.test", "client-demo-1").await;
    let customer = customer_of(&app, "client@demo.test").await;
    let (a, b) = two_payable(&app, customer).await;
    let session = pay_from_statement(&app, &[&b.number, &a.number], "").await;
    // The same request again (a double click) gets the same session.
    assert_eq!(
        pay_from_statement(&app, &[&a.number, &b.number], "").await,
        session
    );
    let (checkout, amount) = checkout_id(&app, &session).await;
    assert_eq!(amount, a.payable + b.payable);
    let sim = SimSession {
        id: session.clone(),
        invoice_id: 0,
        group_checkout_id: Some(checkout),
        amount,
        currency: a.currency.clone(),
    };
    let (now, _) = events_for(&sim, Outcome::CardSucceeds);
    // Reordered, then every event again: applied once.
    for e in now.iter().rev().chain(now.iter()) {
        assert_eq!(deliver(&app, e).await, 200);
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM payment_groups").await, 1);
    let parts = sqlx::query(
        "SELECT invoice_id, amount, status FROM payments WHERE group_id IS NOT NULL ORDER BY group_position",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("parts");
    let parts: Vec<(i64, i64, String)> = parts
        .iter()
        .map(|r| (r.get("invoice_id"), r.get("amount"), r.get("status")))
        .collect();
    assert_eq!(
        parts,
        vec![
            (a.invoice_id, a.payable, "succeeded".to_string()),
            (b.invoice_id, b.payable, "succeeded".to_string())
        ],
        "oldest due first, each in full"
    );
    for inv in [&a, &b] {
        let (status, _, balance) = money(&app, inv.invoice_id).await;
        assert_eq!((status.as_str(), balance), ("paid", 0), "{}", inv.number);
    }
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'receipt-group-%'"
        )
        .await,
        1,
        "one receipt for the payment"
    );
    let receipt: String =
        sqlx::query("SELECT body_text FROM outbox WHERE dedupe_key LIKE 'receipt-group-%'")
            .fetch_one(&app.db.pool)
            .await
            .expect("receipt")
            .get("body_text");
    assert!(
        receipt.contains(&a.number) && receipt.contains(&b.number),
        "{receipt}"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM outbox o JOIN payments p ON o.dedupe_key = 'receipt-' || CAST(p.id AS TEXT) \
             WHERE p.group_id IS NOT NULL"
        )
        .await,
        0,
        "no receipt per part"
    );
    let page = app
        .get(&format!("/statement/return?session_id={session}"))
        .await
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("spay-return-succeeded"),
        "the receipt is shown"
    );
    assert!(page.contains(&a.number) && page.contains(&b.number));

    // A refund of part of it reopens the last invoice paid, then the first.
    let pi = quittance::server::payments::simulated::payment_intent_of(&session);
    let refund = |id: &str, cumulative: i64| {
        json!({"id": id, "object": "event", "type": "charge.refunded",
            "created": chrono::Utc::now().timestamp(),
            "data": {"object": {"id": format!("ch_{}", pi.trim_start_matches("pi_")), "object": "charge",
                "payment_intent": pi, "amount": amount, "amount_refunded": cumulative,
                "currency": a.currency.to_ascii_lowercase(), "refunded": true}}})
    };
    assert_eq!(deliver(&app, &refund("evt_refund_1", 1_000)).await, 200);
    assert_eq!(money(&app, a.invoice_id).await.0, "paid");
    let (status, _, balance) = money(&app, b.invoice_id).await;
    assert_eq!((status.as_str(), balance), ("partially_paid", 1_000));
    assert_eq!(
        deliver(&app, &refund("evt_refund_2", b.payable + 500)).await,
        200
    );
    assert_eq!(money(&app, b.invoice_id).await.2, b.payable);
    assert_eq!(money(&app, a.invoice_id).await.2, 500);
    app.stop().await;
}
on_both_databases!(a_customer_pays_two_invoices_at_once_and_the_webhooks_allocate_it_once);

async fn an_amount_pays_the_oldest_due_invoice_first_and_the_rest_stays_open(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    app.login("client@demo.test", "client-demo-1").await;
    let customer = customer_of(&app, "client@demo.test").await;
    let (a, b) = two_payable(&app, customer).await;
    let typed = quittance::model::format::amount_for_input(
        a.payable + 100,
        &a.currency,
        quittance::model::lang::Lang::Fr,
    );
    let session = pay_from_statement(&app, &[&a.number, &b.number], &typed).await;
    let (checkout, amount) = checkout_id(&app, &session).await;
    assert_eq!(amount, a.payable + 100);
    let sim = SimSession {
        id: session,
        invoice_id: 0,
        group_checkout_id: Some(checkout),
        amount,
        currency: a.currency.clone(),
    };
    // A direct debit: on its way first, then settled.
    let (now, later) = events_for(&sim, Outcome::SepaSucceeds);
    for e in &now {
        assert_eq!(deliver(&app, e).await, 200);
    }
    let (items, _) = statement_pay::payables(&app.db, customer)
        .await
        .expect("payables");
    let b_now = items
        .iter()
        .find(|i| i.invoice_id == b.invoice_id)
        .expect("b");
    assert_eq!(
        b_now.payable,
        b.payable - 100,
        "what is on its way is not payable twice"
    );
    for e in later.iter().chain(now.iter()) {
        assert_eq!(deliver(&app, e).await, 200);
    }
    assert_eq!(money(&app, a.invoice_id).await.0, "paid");
    let (status, _, balance) = money(&app, b.invoice_id).await;
    assert_eq!(
        (status.as_str(), balance),
        ("partially_paid", b.payable - 100)
    );
    app.stop().await;
}
on_both_databases!(an_amount_pays_the_oldest_due_invoice_first_and_the_rest_stays_open);

async fn others_invoices_anonymous_callers_and_bad_amounts_are_refused_with_nothing_saved(
    db: &TestDb,
) {
    let app = TestApp::start(db, true).await;
    let customer = customer_of(&app, "client@demo.test").await;
    let (a, b) = two_payable(&app, customer).await;
    let anonymous = app
        .form_post("/statement/pay", &[("pick", a.number.as_str())])
        .await;
    assert_eq!(anonymous.status(), 303);
    assert!(
        location(&anonymous).starts_with("/login"),
        "{}",
        location(&anonymous)
    );

    app.login("client2@demo.test", "client-demo-2").await;
    let theirs = app
        .form_post("/statement/pay", &[("pick", a.number.as_str())])
        .await;
    assert_eq!(theirs.status(), 303);
    let back = location(&theirs);
    assert!(back.starts_with("/statement?preview=1"), "{back}");
    assert!(back.contains("spay_err_pick=already_used"), "{back}");
    app.call("/api/logout", &[]).await;

    app.login("client@demo.test", "client-demo-1").await;
    let above = quittance::model::format::amount_for_input(
        a.payable + b.payable + 1,
        &a.currency,
        quittance::model::lang::Lang::Fr,
    );
    for (amount, field) in [
        ("0", "spay_err_amount=must_be_positive"),
        (above.as_str(), "spay_err_amount=too_large"),
        ("abc", "spay_err_amount=not_a_number"),
    ] {
        let form = [
            ("pick", a.number.as_str()),
            ("pick", b.number.as_str()),
            ("amount", amount),
        ];
        let res = app.form_post("/statement/pay", &form).await;
        let back = location(&res);
        assert!(back.contains(field), "{amount}: {back}");
        assert!(back.contains("amount="), "the typed amount is kept: {back}");
    }
    let preview = app
        .get(&format!("/statement?preview=1&pick={}&amount=0", a.number))
        .await
        .text()
        .await
        .expect("html");
    assert!(
        preview.contains("spay-amount-error"),
        "the message is next to the field"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM group_checkouts").await, 0);
    app.stop().await;
}
on_both_databases!(
    others_invoices_anonymous_callers_and_bad_amounts_are_refused_with_nothing_saved
);
