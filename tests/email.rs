//! Email end to end, on SQLite and PostgreSQL, through a real SMTP server (an
//! aiosmtpd process per test): invitations, password resets, the invoice
//! email, and an outbox that neither loses nor duplicates a message.
use crate::common;

use crate::common::{SmtpSink, TestApp, TestDb, free_port, location, token_after};
use chrono::NaiveDate;
use quittance::error::AppError;
use quittance::model::draft::{DraftInput, DraftLineInput};
use quittance::model::lang::Lang;
use quittance::server::db::account_tokens::{self, NewToken, Purpose};
use quittance::server::db::outbox::{self, NewMessage};
use quittance::server::db::{Db, now_ts};
use quittance::server::email::transport::parse_from;
use quittance::server::email::worker::{LEASE_SECS, MAX_ATTEMPTS};
use quittance::server::email::{Transport, drain_at, drain_once};
use quittance::server::services::accounts;
use quittance::server::services::pay_links::new_token;
use quittance::server::services::{invoicing, pay_links};
use sqlx::Row;

/// The app without its own delivery worker, which would race these tests for
/// the messages they queue: each test delivers with `drain_once` to its own
/// SMTP sink instead.
async fn start_without_worker(db: &TestDb) -> TestApp {
    let mut config = common::config_for(&db.url);
    config.email.worker_enabled = false;
    TestApp::start_configured(true, std::sync::Arc::default(), config).await
}

const PASSWORD: &str = "correct horse battery";

fn smtp(sink_url: &str) -> Transport {
    Transport::smtp(
        sink_url,
        parse_from("Quittance <no-reply@example.fr>").expect("from"),
    )
    .expect("transport")
}

async fn first_customer(db: &Db) -> i64 {
    sqlx::query("SELECT MIN(id) AS id FROM customers")
        .fetch_one(&db.pool)
        .await
        .expect("customer")
        .try_get("id")
        .expect("id")
}

async fn open_db(db: &TestDb) -> Db {
    let d = Db::connect(&db.url).await.expect("connect");
    d.migrate().await.expect("migrate");
    d
}

/// Invites a new contact of the first demo customer and returns the token of
/// the link the sink received.
async fn invite_and_deliver(app: &TestApp, sink: &SmtpSink, email: &str) -> String {
    let customer = first_customer(&app.db).await;
    accounts::invite_contact(&app.db, customer, email, "Nouveau Contact", Lang::Fr)
        .await
        .expect("invite");
    assert_eq!(
        drain_once(&app.db, &smtp(&sink.url()))
            .await
            .expect("drain"),
        1
    );
    let got = sink.wait_for(1).await;
    let last = got.last().expect("message");
    assert_eq!(last.to, vec![email.to_lowercase()]);
    token_after(&last.text, "/invite/")
}

async fn an_invitation_is_delivered_once_and_its_link_sets_a_password_that_logs_in(db: &TestDb) {
    let app = start_without_worker(db).await;
    let sink = SmtpSink::start();
    let token = invite_and_deliver(&app, &sink, "New.Contact@Example.test").await;
    assert_eq!(
        drain_once(&app.db, &smtp(&sink.url()))
            .await
            .expect("drain"),
        0
    );
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let got = sink.messages();
    assert_eq!(got.len(), 1, "delivered once");
    assert!(
        got[0].subject.starts_with("Votre accès à l'espace client"),
        "{}",
        got[0].subject
    );
    assert!(
        got[0].text.contains("Bonjour Nouveau Contact,"),
        "{}",
        got[0].text
    );
    assert_eq!(token.len(), 64);

    let page = app.get(&format!("/invite/{token}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("body");
    assert!(
        html.contains("new.contact@example.test"),
        "the page names the account"
    );

    let res = app
        .form_post(
            "/api/accept_invitation",
            &[("token", &token), ("password", PASSWORD)],
        )
        .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(location(&res), "/invoices", "signed in and sent home");
    assert_eq!(app.get("/invoices").await.status(), 200);

    app.form_post("/api/logout", &[]).await;
    let res = app.login("new.contact@example.test", PASSWORD).await;
    assert_eq!(location(&res), "/invoices", "the new password logs in");
    app.stop().await;
}
on_both_databases!(an_invitation_is_delivered_once_and_its_link_sets_a_password_that_logs_in);

async fn a_second_use_of_an_invitation_link_fails(db: &TestDb) {
    let app = start_without_worker(db).await;
    let sink = SmtpSink::start();
    let token = invite_and_deliver(&app, &sink, "twice@example.test").await;
    let first = app
        .form_post(
            "/api/accept_invitation",
            &[("token", &token), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(location(&first), "/invoices");
    let second = app
        .form_post(
            "/api/accept_invitation",
            &[("token", &token), ("password", "another password")],
        )
        .await;
    assert_eq!(location(&second), format!("/invite/{token}?err=not_found"));
    let page = app
        .get(&format!("/invite/{token}"))
        .await
        .text()
        .await
        .expect("body");
    assert!(
        page.contains("dead-link"),
        "the page says the link no longer works"
    );
    let res = app.login("twice@example.test", "another password").await;
    assert!(
        location(&res).starts_with("/login?"),
        "the second password was never set"
    );
    app.stop().await;
}
on_both_databases!(a_second_use_of_an_invitation_link_fails);

async fn two_people_using_one_invitation_at_once_create_one_account(db: &TestDb) {
    let app = start_without_worker(db).await;
    let sink = SmtpSink::start();
    let token = invite_and_deliver(&app, &sink, "race@example.test").await;
    let (a, b) = tokio::join!(
        accounts::accept_invitation(&app.db, &token, PASSWORD.into()),
        accounts::accept_invitation(&app.db, &token, PASSWORD.into()),
    );
    assert_eq!(a.is_ok() as u8 + b.is_ok() as u8, 1, "{a:?} {b:?}");
    assert!(matches!(a.err().or(b.err()), Some(AppError::NotFound)));
    app.stop().await;
}
on_both_databases!(two_people_using_one_invitation_at_once_create_one_account);

async fn forgot_password_answers_the_same_for_known_and_unknown_emails_and_mails_only_the_known_one(
    db: &TestDb,
) {
    let app = start_without_worker(db).await;
    let sink = SmtpSink::start();
    let known = app
        .form_post("/api/forgot_password", &[("email", "client@demo.test")])
        .await;
    let unknown = app
        .form_post("/api/forgot_password", &[("email", "nobody@demo.test")])
        .await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(location(&known), "/forgot-password?sent=1");
    assert_eq!(location(&known), location(&unknown));
    let known = app
        .call("/api/forgot_password", &[("email", "Client@Demo.test")])
        .await;
    let unknown = app
        .call("/api/forgot_password", &[("email", "nobody@demo.test")])
        .await;
    assert_eq!(known.status(), unknown.status());
    assert_eq!(
        known.text().await.expect("body"),
        unknown.text().await.expect("body")
    );

    assert_eq!(
        drain_once(&app.db, &smtp(&sink.url()))
            .await
            .expect("drain"),
        1
    );
    let got = sink.wait_for(1).await;
    assert_eq!(got[0].to, vec!["client@demo.test".to_string()]);
    assert!(got[0].text.contains("/reset-password/"), "{}", got[0].text);
    let bad = app
        .form_post("/api/forgot_password", &[("email", "not an email")])
        .await;
    assert!(
        location(&bad).contains("err_email=invalid_email"),
        "{}",
        location(&bad)
    );
    let page = app
        .get("/forgot-password?sent=1")
        .await
        .text()
        .await
        .expect("body");
    assert!(page.contains("forgot-sent"));
    let page = app
        .get("/forgot-password")
        .await
        .text()
        .await
        .expect("body");
    assert!(page.contains("forgot-submit") && page.contains(r#"action="/api/forgot_password""#));
    let login = app.get("/login").await.text().await.expect("body");
    assert!(
        login.contains(r#"href="/forgot-password""#),
        "the login page links to the form"
    );
    app.stop().await;
}
on_both_databases!(
    forgot_password_answers_the_same_for_known_and_unknown_emails_and_mails_only_the_known_one
);

async fn a_reset_link_works_once_and_retires_the_other_reset_links(db: &TestDb) {
    let app = start_without_worker(db).await;
    let sink = SmtpSink::start();
    accounts::request_password_reset(&app.db, "client@demo.test")
        .await
        .expect("request");
    drain_once(&app.db, &smtp(&sink.url()))
        .await
        .expect("drain");
    let token = token_after(&sink.wait_for(1).await[0].text, "/reset-password/");
    let (other, other_hash) = new_token();
    let user: i64 = sqlx::query("SELECT id FROM users WHERE email = 'client@demo.test'")
        .fetch_one(&app.db.pool)
        .await
        .expect("user")
        .try_get("id")
        .expect("id");
    let mut conn = app.db.pool.acquire().await.expect("conn");
    let older = NewToken {
        purpose: Purpose::Reset,
        user_id: Some(user),
        customer_id: None,
        email: "client@demo.test",
        display_name: "",
        token_hash: &other_hash,
        expires_at: now_ts() + 3600,
    };
    account_tokens::insert(&mut conn, &older, now_ts())
        .await
        .expect("older token");
    drop(conn);

    let page = app
        .get(&format!("/reset-password/{token}"))
        .await
        .text()
        .await
        .expect("body");
    assert!(page.contains("reset-submit") && page.contains("client@demo.test"));
    let dead = app
        .get(&format!("/reset-password/{}", "0".repeat(64)))
        .await
        .text()
        .await
        .expect("body");
    assert!(dead.contains("dead-link"), "an unknown link says so");
    let short = app
        .form_post(
            "/api/reset_password",
            &[("token", &token), ("password", "short")],
        )
        .await;
    assert_eq!(
        location(&short),
        format!("/reset-password/{token}?err=invalid&err_password=out_of_range")
    );
    let ok = app
        .form_post(
            "/api/reset_password",
            &[("token", &token), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(location(&ok), "/invoices");
    let again = app
        .form_post(
            "/api/reset_password",
            &[("token", &token), ("password", "yet another one")],
        )
        .await;
    assert_eq!(
        location(&again),
        format!("/reset-password/{token}?err=not_found")
    );
    assert_eq!(
        accounts::link_email(&app.db, Purpose::Reset, &other)
            .await
            .expect("check"),
        None
    );

    app.form_post("/api/logout", &[]).await;
    assert!(location(&app.login("client@demo.test", "client-demo-1").await).starts_with("/login?"));
    assert_eq!(
        location(&app.login("client@demo.test", PASSWORD).await),
        "/invoices"
    );
    app.stop().await;
}
on_both_databases!(a_reset_link_works_once_and_retires_the_other_reset_links);

async fn enqueue(db: &Db, key: &str) -> bool {
    let mut tx = db.begin_write().await.expect("tx");
    let m = NewMessage {
        dedupe_key: key.into(),
        to_address: "someone@example.test".into(),
        subject: format!("Message {key}"),
        body_text: "Bonjour".into(),
        body_html: None,
        attachment: None,
    };
    let queued = outbox::enqueue(&mut tx, &m, now_ts())
        .await
        .expect("enqueue");
    tx.commit().await.expect("commit");
    queued
}

async fn the_outbox_retries_while_the_smtp_server_is_down_and_delivers_once_it_is_up(db: &TestDb) {
    let db = open_db(db).await;
    assert!(enqueue(&db, "retry:1").await);
    assert!(
        !enqueue(&db, "retry:1").await,
        "the same logical message is queued once"
    );
    let port = free_port();
    let transport = smtp(&format!("smtp://127.0.0.1:{port}"));
    let now = now_ts();

    assert_eq!(drain_at(&db, &transport, now).await.expect("drain"), 0);
    let m = &outbox::all(&db.pool).await.expect("rows")[0];
    assert_eq!(
        (m.status.as_str(), m.attempts, m.next_attempt_at),
        ("pending", 1, now + 60)
    );
    assert!(m.last_error.is_some());
    assert_eq!(
        drain_at(&db, &transport, now + 30).await.expect("drain"),
        0,
        "not due before its backoff"
    );
    assert_eq!(outbox::all(&db.pool).await.expect("rows")[0].attempts, 1);

    let sink = SmtpSink::start_on(port);
    assert_eq!(drain_at(&db, &transport, now + 61).await.expect("drain"), 1);
    assert_eq!(drain_once(&db, &transport).await.expect("drain"), 0);
    assert_eq!(
        drain_at(&db, &transport, now + LEASE_SECS * 10)
            .await
            .expect("drain"),
        0
    );
    let m = &outbox::all(&db.pool).await.expect("rows")[0];
    assert_eq!(
        (m.status.as_str(), m.attempts, m.sent_at),
        ("sent", 2, Some(now + 61))
    );
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    assert_eq!(sink.wait_for(1).await.len(), 1, "delivered exactly once");
    db.pool.close().await;
}
on_both_databases!(the_outbox_retries_while_the_smtp_server_is_down_and_delivers_once_it_is_up);

async fn a_message_is_given_up_after_the_last_attempt(db: &TestDb) {
    let db = open_db(db).await;
    enqueue(&db, "doomed").await;
    let transport = smtp(&format!("smtp://127.0.0.1:{}", free_port()));
    let mut now = now_ts();
    for _ in 0..MAX_ATTEMPTS {
        drain_at(&db, &transport, now).await.expect("drain");
        now += 3 * 86_400;
    }
    let m = &outbox::all(&db.pool).await.expect("rows")[0];
    assert_eq!((m.status.as_str(), m.attempts), ("failed", MAX_ATTEMPTS));
    drain_at(&db, &transport, now).await.expect("drain");
    assert_eq!(
        outbox::all(&db.pool).await.expect("rows")[0].attempts,
        MAX_ATTEMPTS,
        "no attempt after giving up"
    );
    db.pool.close().await;
}
on_both_databases!(a_message_is_given_up_after_the_last_attempt);

async fn two_workers_draining_together_send_each_message_once(db: &TestDb) {
    let db = open_db(db).await;
    for i in 0..6 {
        enqueue(&db, &format!("pair:{i}")).await;
    }
    let sink = SmtpSink::start();
    let (t1, t2) = (smtp(&sink.url()), smtp(&sink.url()));
    let (a, b) = tokio::join!(drain_once(&db, &t1), drain_once(&db, &t2));
    assert_eq!(a.expect("a") + b.expect("b"), 6);
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let got = sink.wait_for(6).await;
    let mut subjects: Vec<_> = got.iter().map(|m| m.subject.clone()).collect();
    subjects.sort();
    subjects.dedup();
    assert_eq!((got.len(), subjects.len()), (6, 6), "no duplicates");
    db.pool.close().await;
}
on_both_databases!(two_workers_draining_together_send_each_message_once);

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

async fn an_invoice_email_carries_the_pdf_attachment_and_the_pay_link(db: &TestDb) {
    let db = open_db(db).await;
    let customer = common::company_and_customer(&db, "billing@client.test").await;
    let draft = DraftInput {
        customer_id: customer,
        currency: "EUR".into(),
        sale_date: String::new(),
        due_date: String::new(),
        deposits: String::new(),
        lines: vec![DraftLineInput {
            description: "Prestation".into(),
            quantity: "2".into(),
            unit: "h".into(),
            unit_price: "50".into(),
            vat_rate: "20".into(),
            discount_pct: String::new(),
        }],
    };
    let id = invoicing::create_draft(&db, &draft, today())
        .await
        .expect("draft");
    let issued = invoicing::issue(&db, id, today(), None)
        .await
        .expect("issue");
    accounts::invoice_email(&db, id, &issued.pay_token)
        .await
        .expect("queue");
    assert!(
        !accounts::invoice_email(&db, id, &issued.pay_token)
            .await
            .expect("queue again"),
        "queued once"
    );
    let sink = SmtpSink::start();
    assert_eq!(drain_once(&db, &smtp(&sink.url())).await.expect("drain"), 1);
    let m = &sink.wait_for(1).await[0];
    assert_eq!(m.to, vec!["billing@client.test".to_string()]);
    assert_eq!(m.subject, format!("Facture {} de Test SAS", issued.number));
    assert!(
        m.text.contains(&format!("/pay/{}", issued.pay_token)),
        "{}",
        m.text
    );
    assert!(m.text.contains("Total TTC : 120,00\u{a0}€"), "{}", m.text);
    assert_eq!(m.attachments.len(), 1);
    let pdf = &m.attachments[0];
    assert_eq!(pdf.name, format!("facture-{}.pdf", issued.number));
    assert_eq!(pdf.content_type, "application/pdf");
    assert!(pdf.head.starts_with("%PDF-") && pdf.size > 1000, "{pdf:?}");
    assert_eq!(
        pay_links::resolve(&db, &issued.pay_token, 30)
            .await
            .expect("pay link"),
        id
    );

    let again = pay_links::reissue(&db, id).await.expect("reissue");
    assert!(
        accounts::invoice_email_again(&db, id, &again)
            .await
            .expect("queue")
    );
    drain_once(&db, &smtp(&sink.url())).await.expect("drain");
    let m = &sink.wait_for(2).await[1];
    assert!(m.subject.ends_with("(nouvel envoi)"), "{}", m.subject);
    assert!(m.text.contains(&format!("/pay/{again}")));
    db.pool.close().await;
}
on_both_databases!(an_invoice_email_carries_the_pdf_attachment_and_the_pay_link);

// Page titles read reactively were once read again outside the page's
// reactive arena under concurrent requests, and the server panicked.
async fn the_account_pages_render_under_concurrent_requests(db: &TestDb) {
    let app = start_without_worker(db).await;
    for round in 0..40 {
        let (a, b, c, d) = tokio::join!(
            app.get("/forgot-password?sent=1"),
            app.get("/forgot-password"),
            app.get("/invite/0000000000000000000000000000000000000000000000000000000000000000"),
            app.get(
                "/reset-password/0000000000000000000000000000000000000000000000000000000000000000"
            ),
        );
        for r in [a, b, c, d] {
            assert_eq!(r.status(), 200, "round {round}");
        }
    }
    app.stop().await;
}
on_both_databases!(the_account_pages_render_under_concurrent_requests);

/// The path of the first link in `text` that starts with `marker`
/// (`/pay/…`), without the origin.
fn path_from(text: &str, marker: &str) -> String {
    let start = text.find(marker).expect("link in the message");
    text[start..]
        .chars()
        .take_while(|c| !c.is_whitespace() && *c != '"' && *c != '<')
        .collect()
}

/// A browser that never signed in.
fn stranger() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(common::REQUEST_TIMEOUT)
        .build()
        .expect("client")
}

async fn a_dispute_opened_from_a_pay_link_is_mailed_with_links_that_open_it_without_an_account(
    db: &TestDb,
) {
    use quittance::model::dispute::DisputeReason;
    use quittance::model::role::Role;
    use quittance::model::vat::VatRate;
    use quittance::server::db::users;
    use quittance::server::services::disputes::{self, OpenDispute, Resolution, Viewer};
    let mut config = common::config_for(&db.url);
    config.email.worker_enabled = false;
    let app = TestApp::start_configured(false, std::sync::Arc::default(), config).await;
    let customer = common::company_and_customer(&app.db, "billing@client.test").await;
    let agent = users::insert(&app.db.pool, "agent@t.test", "x", Role::Agent, None, "Alex")
        .await
        .expect("agent");
    let staff = Viewer::Staff(agent);
    let inv = common::issued_invoice(&app.db, customer, "100.00").await;
    let opening = |invoice_id| OpenDispute {
        invoice_id,
        reason: DisputeReason::WrongAmount,
        disputed_amount: Some(2_400),
        lines: vec![],
        message: "La remise du devis manque.".into(),
    };
    let id = disputes::open(&app.db, Viewer::PayLink(inv.id), &opening(inv.id), now_ts())
        .await
        .expect("opened from the pay link");
    disputes::reply(
        &app.db,
        id,
        staff,
        "Nous verifions le devis signe.",
        now_ts(),
    )
    .await
    .expect("reply");
    let sink = SmtpSink::start();
    let smtp = smtp(&sink.url());
    assert_eq!(drain_once(&app.db, &smtp).await.expect("drain"), 1);
    let reply = sink.wait_for(1).await[0].clone();
    assert_eq!(reply.to, vec!["billing@client.test".to_string()]);
    let thread = path_from(&reply.text, "/pay/");
    let token = token_after(&thread, "/pay/");
    assert_eq!(
        thread,
        format!("/pay/{token}/disputes/{id}"),
        "{}",
        reply.text
    );
    assert!(
        reply.html.as_deref().unwrap_or_default().contains(&thread),
        "the HTML body has the same link"
    );
    // Fetched by someone who never signed in, the link opens the thread.
    let page = stranger().get(app.url(&thread)).send().await.expect("get");
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("body");
    assert!(html.contains("data-testid=\"dispute-thread\""), "{html}");
    assert!(html.contains("Nous verifions le devis signe."), "{html}");
    // The link the customer first had still works: the email's is another one.
    assert_ne!(token, inv.pay_token);
    assert_eq!(
        pay_links::resolve(&app.db, &inv.pay_token, 30)
            .await
            .expect("first link"),
        inv.id
    );

    // The resolution: the credit note as a PDF attachment, and a link to it
    // that needs no account either.
    let partial = Resolution::CreditNotePartial {
        amount_ht: 2_000,
        vat_rate: VatRate::Standard20,
        explanation: "Remise appliquee.".into(),
    };
    let done = disputes::resolve(&app.db, id, staff, &partial, today(), now_ts())
        .await
        .expect("resolved");
    let number = done.credit_note_number.expect("credit note");
    assert_eq!(drain_once(&app.db, &smtp).await.expect("drain"), 1);
    let resolved = sink.wait_for(2).await[1].clone();
    assert_eq!(resolved.attachments.len(), 1, "{resolved:?}");
    let pdf = &resolved.attachments[0];
    assert_eq!(pdf.name, format!("avoir-{number}.pdf"));
    assert_eq!(pdf.content_type, "application/pdf");
    assert!(pdf.head.starts_with("%PDF-") && pdf.size > 1000, "{pdf:?}");
    let download = path_from(&resolved.text, "/pay/");
    let token = token_after(&download, "/pay/");
    assert_eq!(download, format!("/pay/{token}/credit-notes/{number}/pdf"));
    let file = stranger()
        .get(app.url(&download))
        .send()
        .await
        .expect("get");
    assert_eq!(file.status(), 200);
    assert!(file.bytes().await.expect("pdf").starts_with(b"%PDF"));
    let thread = format!("/pay/{token}/disputes/{id}");
    assert!(resolved.text.contains(&thread), "{}", resolved.text);
    let page = stranger().get(app.url(&thread)).send().await.expect("get");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("body").contains(&download));

    // A dispute a signed-in contact opened links to the portal; so does one
    // whose invoice's pay links staff revoked.
    let contact = users::insert(
        &app.db.pool,
        "contact@client.test",
        "x",
        Role::Customer,
        Some(customer),
        "Camille",
    )
    .await
    .expect("contact");
    let signed_in = Viewer::Customer {
        customer_id: customer,
        user_id: contact,
    };
    let other = common::issued_invoice(&app.db, customer, "50.00").await;
    let by_contact = disputes::open(&app.db, signed_in, &opening(other.id), now_ts())
        .await
        .expect("opened signed in");
    disputes::reply(&app.db, by_contact, staff, "Bien recu.", now_ts())
        .await
        .expect("reply");
    let revoked = common::issued_invoice(&app.db, customer, "70.00").await;
    let from_link = disputes::open(
        &app.db,
        Viewer::PayLink(revoked.id),
        &opening(revoked.id),
        now_ts(),
    )
    .await
    .expect("opened from the pay link");
    pay_links::revoke(&app.db, revoked.id)
        .await
        .expect("revoke");
    disputes::reply(&app.db, from_link, staff, "Bien recu.", now_ts())
        .await
        .expect("reply");
    assert_eq!(drain_once(&app.db, &smtp).await.expect("drain"), 2);
    let got = sink.wait_for(4).await;
    for (m, dispute) in got[2..].iter().zip([by_contact, from_link]) {
        assert!(!m.text.contains("/pay/"), "{}", m.text);
        assert!(
            m.text.contains(&format!("/disputes/{dispute}")),
            "{}",
            m.text
        );
    }
    app.stop().await;
}
on_both_databases!(
    a_dispute_opened_from_a_pay_link_is_mailed_with_links_that_open_it_without_an_account
);
