//! E-invoicing lifecycle statuses and payment e-reporting on SQLite and
//! PostgreSQL: the statuses each portal event records (in order, once), who
//! sees them, the platform's file drop, and the e-reporting CSV against a
//! hand-computed example.
use crate::common;

use crate::common::{TestApp, TestDb, WEBHOOK_SECRET, company_and_customer, location};
use quittance::model::dispute::DisputeReason;
use quittance::model::draft::{DraftInput, DraftLineInput};
use quittance::model::role::Role;
use quittance::model::vat::VatRate;
use quittance::server::db::{now_ts, seed, users};
use quittance::server::payments::signature;
use quittance::server::payments::simulated::{Outcome, SimSession, events_for};
use quittance::server::platform::file_drop::FileDrop;
use quittance::server::platform::worker;
use quittance::server::services::disputes::{self, OpenDispute, Resolution, Viewer};
use quittance::server::services::invoicing::{self, CreditRequest, Issued};
use quittance::server::services::lifecycle;
use quittance::server::services::payments::{self, OfflineInput};
use serde_json::Value;

const PASSWORD: &str = "lifecycle-pw-1";

/// (code, amount) of an invoice's timeline, in order.
async fn codes(app: &TestApp, invoice_id: i64) -> Vec<(i64, Option<i64>)> {
    lifecycle::timeline(&app.db, invoice_id)
        .await
        .expect("timeline")
        .iter()
        .map(|e| (e.code.code(), e.amount))
        .collect()
}

async fn deliver(app: &TestApp, event: &Value) {
    let body = event.to_string();
    let sig = signature::sign(
        WEBHOOK_SECRET,
        chrono::Utc::now().timestamp(),
        body.as_bytes(),
    );
    let res = app
        .client
        .post(app.url("/webhooks/stripe"))
        .header("content-type", "application/json")
        .header("stripe-signature", sig)
        .body(body)
        .send()
        .await
        .expect("webhook");
    assert_eq!(res.status(), 200);
}

/// A staff member who can sign in; returns the user id.
async fn staff_user(app: &TestApp, email: &str) -> i64 {
    let hash = quittance::server::auth::hash_password(PASSWORD.into())
        .await
        .expect("hash");
    users::insert(&app.db.pool, email, &hash, Role::Agent, None, "Alex Agent")
        .await
        .expect("staff")
}

/// A customer contact who can sign in; returns the user id.
async fn contact(app: &TestApp, email: &str, customer: i64) -> i64 {
    let hash = quittance::server::auth::hash_password(PASSWORD.into())
        .await
        .expect("hash");
    users::insert(
        &app.db.pool,
        email,
        &hash,
        Role::Customer,
        Some(customer),
        "Camille",
    )
    .await
    .expect("contact")
}

/// A client of its own, signed in as `email`.
async fn signed_in(app: &TestApp, email: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let res = client
        .post(app.url("/api/login"))
        .header("Accept", "text/html")
        .header("Referer", app.url("/login"))
        .form(&[("email", email), ("password", PASSWORD), ("next", "")])
        .send()
        .await
        .expect("login");
    assert!(res.status().is_redirection(), "{email} signs in");
    assert!(!location(&res).starts_with("/login"), "{email} signs in");
    client
}

/// An issued invoice with two VAT rates: 100.00 excl. VAT at 20 % and 50.00
/// at 10 %, 175.00 incl. VAT.
async fn two_rate_invoice(app: &TestApp, customer: i64) -> Issued {
    let line = |price: &str, rate: &str| DraftLineInput {
        description: format!("Prestation {rate}"),
        quantity: "1".into(),
        unit: String::new(),
        unit_price: price.into(),
        vat_rate: rate.into(),
        discount_pct: String::new(),
    };
    let draft = DraftInput {
        customer_id: customer,
        currency: "EUR".into(),
        sale_date: String::new(),
        due_date: String::new(),
        deposits: String::new(),
        lines: vec![line("100", "20"), line("50", "10")],
    };
    let id = invoicing::create_draft(&app.db, &draft, common::today())
        .await
        .expect("draft");
    invoicing::issue(&app.db, id, common::today(), None)
        .await
        .expect("issue")
}

async fn offline(app: &TestApp, invoice_id: i64, amount: &str, actor: i64) -> i64 {
    payments::record_offline(
        &app.db,
        invoice_id,
        &OfflineInput {
            amount: amount.into(),
            method: "transfer".into(),
            received_on: common::today().format("%Y-%m-%d").to_string(),
            reference: "VIR".into(),
        },
        common::today(),
        actor,
    )
    .await
    .expect("offline payment")
}

async fn a_paid_invoice_reads_deposited_taken_over_payment_sent_then_collected_with_its_amount(
    db: &TestDb,
) {
    let app = TestApp::start(db, false).await;
    let customer = company_and_customer(&app.db, "payer@example.test").await;
    let inv = common::issued_invoice(&app.db, customer, "100").await;
    assert_eq!(codes(&app, inv.id).await, vec![(200, None)]);
    let page = app.get(&format!("/pay/{}", inv.pay_token)).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("pay page");
    assert!(
        html.contains("data-testid=\"lifecycle\""),
        "the list is shown"
    );
    let res = app
        .form_post(
            "/api/start_payment",
            &[("kind", "link"), ("key", &inv.pay_token), ("amount", "")],
        )
        .await;
    let session = location(&res)
        .rsplit('/')
        .next()
        .unwrap_or_default()
        .to_string();
    app.form_post(
        "/api/simulate_payment",
        &[("session_id", &session), ("outcome", "card_succeeds")],
    )
    .await;
    // A second look is not a second take-over.
    app.get(&format!("/pay/{}", inv.pay_token)).await;
    assert_eq!(
        codes(&app, inv.id).await,
        vec![
            (200, None),
            (204, None),
            (211, Some(12_000)),
            (212, Some(12_000))
        ]
    );
    app.stop().await;
}
on_both_databases!(
    a_paid_invoice_reads_deposited_taken_over_payment_sent_then_collected_with_its_amount
);

async fn a_webhook_delivered_twice_records_one_collected_status(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let customer = company_and_customer(&app.db, "payer@example.test").await;
    let inv = common::issued_invoice(&app.db, customer, "100").await;
    let session = SimSession {
        id: "cs_twice".into(),
        invoice_id: inv.id,
        group_checkout_id: None,
        amount: 12_000,
        currency: "EUR".into(),
    };
    let (now, later) = events_for(&session, Outcome::CardSucceeds);
    for e in now.iter().chain(later.iter()).chain(now.iter()) {
        deliver(&app, e).await;
    }
    let collected: Vec<_> = codes(&app, inv.id)
        .await
        .into_iter()
        .filter(|(c, _)| *c == 212)
        .collect();
    assert_eq!(collected, vec![(212, Some(12_000))]);
    app.stop().await;
}
on_both_databases!(a_webhook_delivered_twice_records_one_collected_status);

async fn a_partial_payment_then_the_rest_records_two_collected_statuses(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let customer = company_and_customer(&app.db, "payer@example.test").await;
    let staff = staff_user(&app, "agent@staff.test").await;
    let inv = common::issued_invoice(&app.db, customer, "100").await;
    offline(&app, inv.id, "50", staff).await;
    offline(&app, inv.id, "70", staff).await;
    assert_eq!(
        codes(&app, inv.id).await,
        vec![(200, None), (212, Some(5_000)), (212, Some(7_000))]
    );
    app.stop().await;
}
on_both_databases!(a_partial_payment_then_the_rest_records_two_collected_statuses);

async fn dispute(app: &TestApp, customer: i64, user: i64, invoice_id: i64) -> i64 {
    disputes::open(
        &app.db,
        Viewer::Customer {
            customer_id: customer,
            user_id: user,
        },
        &OpenDispute {
            invoice_id,
            reason: DisputeReason::WrongAmount,
            disputed_amount: None,
            lines: Vec::new(),
            message: "Le montant est faux.".into(),
        },
        now_ts(),
    )
    .await
    .expect("dispute opened")
}

async fn a_dispute_resolved_by_a_partial_credit_note_reads_disputed_then_partially_approved(
    db: &TestDb,
) {
    let app = TestApp::start(db, false).await;
    let customer = company_and_customer(&app.db, "payer@example.test").await;
    let user = contact(&app, "camille@client.test", customer).await;
    let staff = staff_user(&app, "agent@staff.test").await;
    let inv = common::issued_invoice(&app.db, customer, "100").await;
    let id = dispute(&app, customer, user, inv.id).await;
    disputes::resolve(
        &app.db,
        id,
        Viewer::Staff(staff),
        &Resolution::CreditNotePartial {
            amount_ht: 2_000,
            vat_rate: VatRate::Standard20,
            explanation: "Remise accordée".into(),
        },
        common::today(),
        now_ts(),
    )
    .await
    .expect("resolved");
    assert_eq!(
        codes(&app, inv.id).await,
        vec![(200, None), (207, None), (206, None)]
    );
    app.stop().await;
}
on_both_databases!(
    a_dispute_resolved_by_a_partial_credit_note_reads_disputed_then_partially_approved
);

async fn a_rejected_dispute_reads_disputed_then_approved(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let customer = company_and_customer(&app.db, "payer@example.test").await;
    let user = contact(&app, "camille@client.test", customer).await;
    let staff = staff_user(&app, "agent@staff.test").await;
    let inv = common::issued_invoice(&app.db, customer, "100").await;
    let id = dispute(&app, customer, user, inv.id).await;
    disputes::resolve(
        &app.db,
        id,
        Viewer::Staff(staff),
        &Resolution::Rejected {
            reason: "La commande a été livrée.".into(),
        },
        common::today(),
        now_ts(),
    )
    .await
    .expect("rejected");
    assert_eq!(
        codes(&app, inv.id).await,
        vec![(200, None), (207, None), (205, None)]
    );
    app.stop().await;
}
on_both_databases!(a_rejected_dispute_reads_disputed_then_approved);

async fn a_full_credit_note_refuses_the_invoice_and_a_partial_one_does_not(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let customer = company_and_customer(&app.db, "payer@example.test").await;
    let partial = common::issued_invoice(&app.db, customer, "100").await;
    invoicing::credit(
        &app.db,
        partial.id,
        &CreditRequest::Partial {
            amount_ht: 1_000,
            vat_rate: VatRate::Standard20,
            description: "Geste".into(),
        },
        common::today(),
        None,
    )
    .await
    .expect("partial credit");
    assert_eq!(codes(&app, partial.id).await, vec![(200, None)]);
    let full = common::issued_invoice(&app.db, customer, "100").await;
    let note = invoicing::credit(
        &app.db,
        full.id,
        &CreditRequest::Full,
        common::today(),
        None,
    )
    .await
    .expect("full credit");
    assert_eq!(codes(&app, full.id).await, vec![(200, None), (210, None)]);
    assert_eq!(
        codes(&app, note.id).await,
        vec![(200, None)],
        "the credit note itself is deposited"
    );
    app.stop().await;
}
on_both_databases!(a_full_credit_note_refuses_the_invoice_and_a_partial_one_does_not);

async fn a_customer_sees_the_statuses_of_their_own_invoice_and_not_another_customers(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let customer = company_and_customer(&app.db, "payer@example.test").await;
    contact(&app, "camille@client.test", customer).await;
    let other = seed::insert_customer(
        &app.db.pool,
        &seed::CustomerInput {
            name: "Autre SA",
            is_business: true,
            address_line1: "3 rue C",
            postal_code: "13001",
            city: "Marseille",
            siren: "552100554",
            vat_number: "FR96552100554",
            billing_email: "autre@client.test",
            lang: "fr",
        },
    )
    .await
    .expect("other customer");
    staff_user(&app, "agent@staff.test").await;
    let mine = common::issued_invoice(&app.db, customer, "100").await;
    let theirs = common::issued_invoice(&app.db, other, "100").await;
    let camille = signed_in(&app, "camille@client.test").await;
    let call = |client: &reqwest::Client, number: &str| {
        client
            .post(app.url("/api/invoice_lifecycle"))
            .form(&[("kind", "invoice"), ("key", number)])
            .send()
    };
    let res = call(&camille, &mine.number).await.expect("own");
    assert_eq!(res.status(), 200);
    let list: Value = res.json().await.expect("json");
    let seen: Vec<&str> = list
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|e| e["code"].as_str())
        .collect();
    assert_eq!(seen, vec!["Deposited", "TakenOver"]);
    let res = call(&camille, &theirs.number).await.expect("other's");
    assert_eq!(res.status(), 404);
    assert_eq!(codes(&app, theirs.id).await, vec![(200, None)]);
    let page = camille
        .get(app.url(&format!("/invoices/{}", mine.number)))
        .header("Accept", "text/html")
        .send()
        .await
        .expect("invoice page")
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("data-testid=\"lifecycle\""),
        "shown on the page"
    );
    // The staff routes: the customer is forbidden, nobody signed in goes to log in.
    let json = format!("/staff/invoices/{}/lifecycle.json", mine.id);
    let csv = "/staff/lifecycle.csv?from=&to=";
    for path in [json.as_str(), csv, "/staff/exports/e-reporting.csv"] {
        let res = camille
            .get(app.url(path))
            .send()
            .await
            .expect("staff route");
        assert_eq!(res.status(), 403, "{path}");
        let res = app.client.get(app.url(path)).send().await.expect("anon");
        assert!(res.status().is_redirection(), "{path}");
        assert!(location(&res).starts_with("/login"), "{path}");
    }
    let agent = signed_in(&app, "agent@staff.test").await;
    let messages: Value = agent
        .get(app.url(&json))
        .send()
        .await
        .expect("json route")
        .json()
        .await
        .expect("json");
    let codes_seen: Vec<i64> = messages
        .as_array()
        .expect("list")
        .iter()
        .filter_map(|m| m["status_code"].as_i64())
        .collect();
    assert_eq!(codes_seen, vec![200, 204]);
    let text = agent
        .get(app.url(csv))
        .send()
        .await
        .expect("csv route")
        .text()
        .await
        .expect("csv");
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("message_id,invoice_number"), "{text}");
    assert_eq!(lines.len(), 4, "header, two 200 and one 204: {text}");
    assert!(text.contains(",204,Prise en charge,"), "{text}");
    // A staff member opening the pay link is no customer: no 204.
    agent
        .get(app.url(&format!("/pay/{}", theirs.pay_token)))
        .header("Accept", "text/html")
        .send()
        .await
        .expect("pay page");
    assert_eq!(codes(&app, theirs.id).await, vec![(200, None)]);
    app.stop().await;
}
on_both_databases!(a_customer_sees_the_statuses_of_their_own_invoice_and_not_another_customers);

async fn the_file_drop_connector_writes_one_json_file_per_status_with_its_fields(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let customer = company_and_customer(&app.db, "payer@example.test").await;
    let staff = staff_user(&app, "agent@staff.test").await;
    let inv = common::issued_invoice(&app.db, customer, "100").await;
    let payment = offline(&app, inv.id, "120", staff).await;
    let dir = std::env::temp_dir().join(format!(
        "quittance-lifecycle-drop-{}-{}",
        std::process::id(),
        inv.id + now_ts()
    ));
    let drop = FileDrop::new(&dir);
    let sent = worker::drain_at(&app.db, &drop, now_ts())
        .await
        .expect("drain");
    assert_eq!(sent, 2);
    let again = worker::drain_at(&app.db, &drop, now_ts() + 3600)
        .await
        .expect("drain again");
    assert_eq!(again, 0, "a sent status is not sent again");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("drop folder")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(
        names
            .iter()
            .all(|n| n.starts_with(&format!("{}_", inv.number)))
    );
    let collected = names
        .iter()
        .find(|n| n.contains("_212_"))
        .expect("a 212 file");
    let m: Value =
        serde_json::from_slice(&std::fs::read(dir.join(collected)).expect("read")).expect("json");
    assert_eq!(m["status_code"], 212);
    assert_eq!(m["status_label"], "Encaissée");
    assert_eq!(m["invoice_number"], inv.number.as_str());
    assert_eq!(m["amount"], "120.00");
    assert_eq!(m["amount_minor"], 12_000);
    assert_eq!(m["currency"], "EUR");
    assert_eq!(m["seller_siren"], "732829320");
    assert_eq!(m["buyer_siren"], "552100554");
    assert_eq!(m["event"], format!("payment:{payment}"));
    assert_eq!(
        m["status_date"],
        common::today().format("%Y-%m-%d").to_string()
    );
    assert!(
        m["message_id"]
            .as_str()
            .is_some_and(|id| id.starts_with("quittance-status-"))
    );
    let _ = std::fs::remove_dir_all(&dir);
    app.stop().await;
}
on_both_databases!(the_file_drop_connector_writes_one_json_file_per_status_with_its_fields);

async fn the_e_reporting_csv_splits_a_partial_payment_across_two_vat_rates_as_computed_by_hand(
    db: &TestDb,
) {
    let app = TestApp::start(db, false).await;
    let customer = company_and_customer(&app.db, "payer@example.test").await;
    let staff = staff_user(&app, "agent@staff.test").await;
    let inv = two_rate_invoice(&app, customer).await;
    // 100.00 of 175.00: 120/175 at 20 % = 68.571… -> 68.57, 55/175 at 10 %
    // = 31.428… -> 31.43 (the larger remainder takes the missing cent).
    // VAT included: 68.57 x 0.2 / 1.2 = 11.428… -> 11.43, 31.43 x 0.1 / 1.1
    // = 2.857… -> 2.86.
    offline(&app, inv.id, "100", staff).await;
    let agent = signed_in(&app, "agent@staff.test").await;
    let day = common::today().format("%Y-%m-%d").to_string();
    let get = |lang: &str| {
        agent
            .get(app.url(&format!(
                "/staff/exports/e-reporting.csv?from={day}&to={day}&lang={lang}"
            )))
            .send()
    };
    let res = get("en").await.expect("csv");
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()["content-disposition"]
            .to_str()
            .unwrap_or_default()
            .contains("e-reporting-")
    );
    let text = res.text().await.expect("text");
    assert_eq!(
        text,
        format!(
            "Date,Currency,VAT rate,Collected incl. VAT,Base excl. VAT,VAT\r\n\
             {day},EUR,20,68.57,57.14,11.43\r\n\
             {day},EUR,10,31.43,28.57,2.86\r\n"
        )
    );
    let fr = get("fr").await.expect("csv").bytes().await.expect("bytes");
    let fr = String::from_utf8(fr.to_vec()).expect("utf-8");
    assert!(fr.starts_with('\u{feff}'), "French CSV starts with a BOM");
    assert!(
        fr.contains(&format!("{day};EUR;20;68,57;57,14;11,43")),
        "{fr}"
    );
    let res = agent
        .get(app.url("/staff/exports/e-reporting.csv?from=2026-02-30&to=x"))
        .send()
        .await
        .expect("bad range");
    assert!(res.status().is_redirection());
    assert!(location(&res).starts_with("/staff/exports?"));
    app.stop().await;
}
on_both_databases!(
    the_e_reporting_csv_splits_a_partial_payment_across_two_vat_rates_as_computed_by_hand
);
