//! Customer statements on SQLite and PostgreSQL: the figures as of a date
//! against a hand-computed fixture, who may see which statement (account,
//! statement link, pay link), revoked and expired links, staff emailing a
//! statement link, and the PDFs.
use crate::common::{TestApp, TestDb, company_and_customer, today, token_after};
use chrono::{NaiveDate, TimeDelta};
use quittance::error::AppError;
use quittance::model::dashboard::AgeBucket;
use quittance::model::dispute::DisputeReason;
use quittance::model::role::Role;
use quittance::model::statement::{AsOfProblem, Figures};
use quittance::model::statement_access::StatementAccess;
use quittance::model::user::SessionUser;
use quittance::model::vat::VatRate;
use quittance::server::db::{Db, now_ts, outbox, seed, users};
use quittance::server::services::disputes::{self, OpenDispute, Viewer};
use quittance::server::services::invoicing::{self, CreditRequest};
use quittance::server::services::payments::{self, OfflineInput};
use quittance::server::services::statements::{self, LinkState};

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn day(offset: i64) -> NaiveDate {
    today() + TimeDelta::days(offset)
}

/// An invoice of `price` + 20 % VAT issued `issued` days from today, due
/// `due` days from today; returns its id and pay link token.
async fn invoice(db: &Db, customer: i64, price: &str, issued: i64, due: i64) -> (i64, String) {
    use quittance::model::draft::{DraftInput, DraftLineInput};
    let draft = DraftInput {
        customer_id: customer,
        currency: "EUR".into(),
        sale_date: String::new(),
        due_date: iso(day(due)),
        deposits: String::new(),
        lines: vec![DraftLineInput {
            description: "Prestation".into(),
            quantity: "1".into(),
            unit: String::new(),
            unit_price: price.into(),
            vat_rate: "20".into(),
            discount_pct: String::new(),
        }],
    };
    let id = invoicing::create_draft(db, &draft, day(issued))
        .await
        .expect("draft");
    let issued = invoicing::issue(db, id, day(issued), None)
        .await
        .expect("issue");
    (issued.id, issued.pay_token)
}

async fn pay(db: &Db, invoice_id: i64, amount: &str, received: i64, staff: i64) {
    let input = OfflineInput {
        amount: amount.into(),
        method: "transfer".into(),
        received_on: iso(day(received)),
        reference: "VIR".into(),
    };
    payments::record_offline(db, invoice_id, &input, today(), staff)
        .await
        .expect("payment");
}

async fn credit(db: &Db, invoice_id: i64, amount_ht: i64) {
    let request = CreditRequest::Partial {
        amount_ht,
        vat_rate: VatRate::Standard20,
        description: "Geste".into(),
    };
    invoicing::credit(db, invoice_id, &request, today(), None)
        .await
        .expect("credit note");
}

fn staff_user(id: i64) -> SessionUser {
    SessionUser {
        id,
        email: "agent@test.test".into(),
        display_name: "Alex Agent".into(),
        role: Role::Agent,
        customer_id: None,
    }
}

fn customer_user(id: i64, customer: i64) -> SessionUser {
    SessionUser {
        id,
        email: "contact@client.test".into(),
        display_name: "Camille".into(),
        role: Role::Customer,
        customer_id: Some(customer),
    }
}

/// The fixture, amounts incl. VAT in minor units, days from today T:
/// - I2 (customer A) 240.00, issued T-100, due T-95, a dispute of 40.00
///   opened today: over 90 days, 240.00, 40.00 in dispute;
/// - I1 (A) 120.00, issued T-50, due T-20, 50.00 received T-10, a credit
///   note of 12.00 today: 1-30 days, 58.00;
/// - I3 (A) 60.00, issued T-30, due T+5, paid 60.00 on T-5 then credited
///   12.00 today: -12.00, money in credit;
/// - B1 (customer B) 600.00, issued T-1: never on A's statement.
///
/// As of today: open 298.00, credits 12.00, total due 286.00.
struct Fixture {
    a: i64,
    b: i64,
    staff: i64,
    contact_a: i64,
    i1_token: String,
    b1_token: String,
}

async fn fixture(db: &Db) -> Fixture {
    let a = company_and_customer(db, "compta@client.test").await;
    let b = seed::insert_customer(
        &db.pool,
        &seed::CustomerInput {
            name: "Autre SA",
            is_business: true,
            address_line1: "3 rue C",
            postal_code: "13001",
            city: "Marseille",
            siren: "552100554",
            vat_number: "FR96552100554",
            billing_email: "compta@autre.test",
            lang: "en",
        },
    )
    .await
    .expect("customer b");
    let staff = users::insert(&db.pool, "agent@test.test", "x", Role::Agent, None, "Alex")
        .await
        .expect("agent");
    let contact_a = users::insert(
        &db.pool,
        "contact@client.test",
        "x",
        Role::Customer,
        Some(a),
        "Camille",
    )
    .await
    .expect("contact");
    // Issued oldest first: numbers follow issue dates.
    let (i2, _) = invoice(db, a, "200", -100, -95).await;
    let (i1, i1_token) = invoice(db, a, "100", -50, -20).await;
    let (i3, _) = invoice(db, a, "50", -30, 5).await;
    let (_, b1_token) = invoice(db, b, "500", -1, 29).await;
    pay(db, i1, "50", -10, staff).await;
    pay(db, i3, "60", -5, staff).await;
    credit(db, i1, 1_000).await;
    credit(db, i3, 1_000).await;
    let dispute = OpenDispute {
        invoice_id: i2,
        reason: DisputeReason::WrongAmount,
        disputed_amount: Some(4_000),
        lines: vec![0],
        message: "Montant erroné".into(),
    };
    let viewer = Viewer::Customer {
        customer_id: a,
        user_id: contact_a,
    };
    disputes::open(db, viewer, &dispute, now_ts())
        .await
        .expect("dispute");
    Fixture {
        a,
        b,
        staff,
        contact_a,
        i1_token,
        b1_token,
    }
}

async fn figures_as_of(db: &Db, customer: i64, as_of: Option<&str>) -> Figures {
    let view = statements::statement(db, customer, as_of, today())
        .await
        .expect("statement");
    assert_eq!(view.problem, None);
    view.figures.expect("figures")
}

fn buckets(f: &Figures) -> Vec<(AgeBucket, i64, i64)> {
    f.buckets
        .iter()
        .map(|b| (b.bucket, b.amount, b.count))
        .collect()
}

async fn the_statement_figures_match_a_hand_computed_ledger_as_of_each_date(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let fx = fixture(&app.db).await;

    let f = figures_as_of(&app.db, fx.a, None).await;
    let items: Vec<(i64, i64, i64, i64, i64, AgeBucket)> = f
        .items
        .iter()
        .map(|i| {
            (
                i.total_ttc,
                i.paid,
                i.credited,
                i.balance,
                i.in_dispute,
                i.bucket,
            )
        })
        .collect();
    // Oldest due first: I2 then I1; I3 is in credit, not open.
    assert_eq!(
        items,
        vec![
            (24_000, 0, 0, 24_000, 4_000, AgeBucket::Over90),
            (12_000, 5_000, 1_200, 5_800, 0, AgeBucket::Days1To30),
        ]
    );
    assert_eq!(
        f.items.iter().map(|i| i.days_past_due).collect::<Vec<_>>(),
        [95, 20]
    );
    assert_eq!(f.credits.len(), 1);
    assert_eq!(f.credits[0].amount, 1_200);
    assert_eq!(
        (
            f.total_open,
            f.total_credits,
            f.total_due,
            f.total_in_dispute
        ),
        (29_800, 1_200, 28_600, 4_000)
    );
    assert_eq!(
        buckets(&f),
        vec![
            (AgeBucket::NotDue, 0, 0),
            (AgeBucket::Days1To30, 5_800, 1),
            (AgeBucket::Days31To60, 0, 0),
            (AgeBucket::Days61To90, 0, 0),
            (AgeBucket::Over90, 24_000, 1),
        ]
    );

    // As of T-8: I1's payment (T-10) counts, not today's credit notes, nor
    // I3's payment (T-5), nor the dispute opened today.
    let f = figures_as_of(&app.db, fx.a, Some(&iso(day(-8)))).await;
    assert_eq!(
        f.items
            .iter()
            .map(|i| (i.balance, i.in_dispute, i.days_past_due))
            .collect::<Vec<_>>(),
        vec![(24_000, 0, 87), (7_000, 0, 12), (6_000, 0, -13)]
    );
    assert!(f.credits.is_empty());
    assert_eq!((f.total_open, f.total_due), (37_000, 37_000));
    assert_eq!(
        buckets(&f),
        vec![
            (AgeBucket::NotDue, 6_000, 1),
            (AgeBucket::Days1To30, 7_000, 1),
            (AgeBucket::Days31To60, 0, 0),
            (AgeBucket::Days61To90, 24_000, 1),
            (AgeBucket::Over90, 0, 0),
        ]
    );

    // As of T-40: I3 is not issued yet, I1 not due, I2 55 days late.
    let f = figures_as_of(&app.db, fx.a, Some(&iso(day(-40)))).await;
    assert_eq!(
        f.items
            .iter()
            .map(|i| (i.balance, i.bucket))
            .collect::<Vec<_>>(),
        vec![(24_000, AgeBucket::Days31To60), (12_000, AgeBucket::NotDue)]
    );
    assert_eq!(f.total_due, 36_000);

    // A date after today or before the first invoice: refused, nothing computed.
    for (typed, problem) in [
        (iso(day(1)), AsOfProblem::InFuture),
        (iso(day(-101)), AsOfProblem::BeforeFirstInvoice),
        ("2026-13-01".to_string(), AsOfProblem::InvalidDate),
    ] {
        let view = statements::statement(&app.db, fx.a, Some(&typed), today())
            .await
            .expect("statement");
        assert_eq!(view.problem, Some(problem), "{typed}");
        assert_eq!(view.as_of, typed, "what was typed is kept");
        assert!(view.figures.is_none());
    }

    // Customer B's statement has only B's invoice.
    let f = figures_as_of(&app.db, fx.b, None).await;
    assert_eq!(f.items.len(), 1);
    assert_eq!(f.total_due, 60_000);
    app.stop().await;
}
on_both_databases!(the_statement_figures_match_a_hand_computed_ledger_as_of_each_date);

async fn nobody_reaches_another_customers_statement(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let fx = fixture(&app.db).await;
    let now = now_ts();
    let a_user = customer_user(fx.contact_a, fx.a);
    let account = StatementAccess::Account;
    // A signed-in contact gets their own customer, whatever else exists.
    assert_eq!(
        statements::customer_for(&app.db, &account, Some(&a_user), now).await,
        Ok(fx.a)
    );
    assert_eq!(
        statements::customer_for(&app.db, &account, Some(&staff_user(fx.staff)), now).await,
        Err(AppError::Forbidden)
    );
    assert_eq!(
        statements::customer_for(&app.db, &account, None, now).await,
        Err(AppError::NotFound)
    );

    // A statement link of B opens B's statement only; a tampered token nothing.
    let link_id = statements::email_statement(&app.db, &staff_user(fx.staff), fx.b, today(), now)
        .await
        .expect("emailed");
    let body = outbox::all(&app.db.pool)
        .await
        .expect("outbox")
        .into_iter()
        .find(|m| m.dedupe_key == format!("statement-link:{link_id}"))
        .expect("the message")
        .body_text;
    let token = token_after(&body, "/statements/");
    let link = StatementAccess::Link(token.clone());
    assert_eq!(
        statements::customer_for(&app.db, &link, Some(&a_user), now).await,
        Ok(fx.b)
    );
    let mut tampered = token.clone();
    let last = if tampered.ends_with('0') { "1" } else { "0" };
    tampered.replace_range(63.., last);
    let tampered = StatementAccess::Link(tampered);
    assert_eq!(
        statements::customer_for(&app.db, &tampered, None, now).await,
        Err(AppError::NotFound)
    );

    // A pay link opens its customer's statement only when the company allows it.
    let pay_link = StatementAccess::PayLink(fx.i1_token.clone());
    assert_eq!(
        statements::customer_for(&app.db, &pay_link, None, now).await,
        Err(AppError::NotFound)
    );
    let admin = users::insert(
        &app.db.pool,
        "admin@test.test",
        "x",
        Role::Admin,
        None,
        "Ada",
    )
    .await
    .expect("admin");
    let admin = SessionUser {
        role: Role::Admin,
        ..staff_user(admin)
    };
    assert!(matches!(
        statements::save_settings(&app.db, &admin, true, "0").await,
        Err(AppError::Validation(_))
    ));
    assert!(!statements::on_pay_link(&app.db).await.expect("settings"));
    assert_eq!(
        statements::save_settings(&app.db, &staff_user(fx.staff), true, "30").await,
        Err(AppError::Forbidden)
    );
    statements::save_settings(&app.db, &admin, true, "45")
        .await
        .expect("saved");
    assert_eq!(
        statements::customer_for(&app.db, &pay_link, None, now).await,
        Ok(fx.a)
    );
    let b_pay_link = StatementAccess::PayLink(fx.b1_token.clone());
    assert_eq!(
        statements::customer_for(&app.db, &b_pay_link, None, now).await,
        Ok(fx.b)
    );

    // Over HTTP: the pages and PDFs answer for their own customer only.
    let page = app.get(&format!("/statements/{token}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("Autre SA"), "B's statement");
    assert!(!html.contains("Client SARL"), "nothing of A");
    assert_eq!(app.get("/statement").await.status(), 302, "sign in first");

    // Signed in as B's contact, `/statement` is B's, whatever A has.
    let hash = quittance::server::auth::hash_password("b-contact-pw-1".into())
        .await
        .expect("hash");
    users::insert(
        &app.db.pool,
        "contact@autre.test",
        &hash,
        Role::Customer,
        Some(fx.b),
        "Robin",
    )
    .await
    .expect("b contact");
    app.login("contact@autre.test", "b-contact-pw-1").await;
    let page = app.get("/statement").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("Autre SA") && !html.contains("Client SARL"));
    assert_eq!(html.matches("data-testid=\"st-item\"").count(), 1);
    let pdf = app.get("/statement.pdf").await;
    assert_eq!(pdf.status(), 200);
    app.stop().await;
}
on_both_databases!(nobody_reaches_another_customers_statement);

async fn revoked_and_expired_statement_links_are_refused_with_a_clear_page(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let fx = fixture(&app.db).await;
    let staff = staff_user(fx.staff);
    let now = now_ts();
    let mut tokens = Vec::new();
    for _ in 0..2 {
        let id = statements::email_statement(&app.db, &staff, fx.a, today(), now)
            .await
            .expect("emailed");
        let msg = outbox::all(&app.db.pool)
            .await
            .expect("outbox")
            .into_iter()
            .find(|m| m.dedupe_key == format!("statement-link:{id}"))
            .expect("message");
        tokens.push((id, token_after(&msg.body_text, "/statements/")));
    }
    let (revoked_id, revoked) = tokens[0].clone();
    let (expired_id, expired) = tokens[1].clone();
    statements::revoke_link(&app.db, &staff, fx.a, revoked_id, now)
        .await
        .expect("revoked");
    // Revoking it again, or through another customer, finds nothing.
    assert_eq!(
        statements::revoke_link(&app.db, &staff, fx.a, revoked_id, now).await,
        Err(AppError::NotFound)
    );
    assert_eq!(
        statements::revoke_link(&app.db, &staff, fx.b, expired_id, now).await,
        Err(AppError::NotFound)
    );
    sqlx::query("UPDATE statement_links SET expires_at = $1 WHERE id = $2")
        .bind(now - 1)
        .bind(expired_id)
        .execute(&app.db.pool)
        .await
        .expect("expire");
    for token in [&revoked, &expired] {
        assert_eq!(
            statements::link_state(&app.db, token, now).await,
            Ok(LinkState::Ended)
        );
        let access = StatementAccess::Link(token.clone());
        assert_eq!(
            statements::customer_for(&app.db, &access, None, now).await,
            Err(AppError::NotFound)
        );
        let page = app.get(&format!("/statements/{token}")).await;
        assert_eq!(page.status(), 410);
        let html = page.text().await.expect("html");
        assert!(html.contains("data-testid=\"st-link-ended\""), "{html}");
        let pdf = app.get(&format!("/statements/{token}/pdf")).await;
        assert_eq!(pdf.status(), 404);
    }
    let links = statements::links(&app.db, &staff, fx.a, now)
        .await
        .expect("links");
    let statuses: Vec<_> = links.iter().map(|l| (l.id, l.status)).collect();
    use quittance::model::statement::LinkStatus;
    assert!(statuses.contains(&(revoked_id, LinkStatus::Revoked)));
    assert!(statuses.contains(&(expired_id, LinkStatus::Expired)));
    app.stop().await;
}
on_both_databases!(revoked_and_expired_statement_links_are_refused_with_a_clear_page);

async fn staff_emailing_a_statement_queues_one_message_with_a_working_link(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let fx = fixture(&app.db).await;
    let before = outbox::all(&app.db.pool).await.expect("outbox").len();
    let id = statements::email_statement(&app.db, &staff_user(fx.staff), fx.a, today(), now_ts())
        .await
        .expect("emailed");
    let all = outbox::all(&app.db.pool).await.expect("outbox");
    assert_eq!(all.len(), before + 1, "exactly one message");
    let msg = all
        .into_iter()
        .find(|m| m.dedupe_key == format!("statement-link:{id}"))
        .expect("the statement message");
    assert_eq!(msg.to_address, "compta@client.test");
    // The customer reads French: the total due as of today, 286,00 €.
    assert!(msg.body_text.contains("286,00\u{a0}€"), "{}", msg.body_text);
    let attachment = msg.attachment.expect("the statement PDF");
    assert_eq!(attachment.content_type, "application/pdf");
    assert!(attachment.bytes.starts_with(b"%PDF-"));
    let token = token_after(&msg.body_text, "/statements/");
    assert_eq!(token.len(), 64);
    let stored: (String, i64) =
        sqlx::query_as("SELECT token_hash, created_by FROM statement_links WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .expect("link row");
    assert_ne!(stored.0, token, "only the hash is stored");
    assert_eq!(stored.1, fx.staff);
    let page = app.get(&format!("/statements/{token}")).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(html.contains("data-testid=\"statement\""));
    assert!(html.contains("data-testid=\"st-item\""));
    let audit: (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE action = 'statement_link_emailed' AND actor_user_id = $1",
    )
    .bind(fx.staff)
    .fetch_one(&app.db.pool)
    .await
    .expect("audit");
    assert_eq!(audit.0, 1);
    // Customers and visitors cannot email statements.
    let refused = app
        .call(
            "/api/email_statement",
            &[("customer_id", &fx.a.to_string())],
        )
        .await;
    assert_eq!(refused.status(), 401);
    app.stop().await;
}
on_both_databases!(staff_emailing_a_statement_queues_one_message_with_a_working_link);

async fn statement_pdfs_answer_their_owner_and_not_found_to_others(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let fx = fixture(&app.db).await;
    let id = statements::email_statement(&app.db, &staff_user(fx.staff), fx.a, today(), now_ts())
        .await
        .expect("emailed");
    let msg = outbox::all(&app.db.pool)
        .await
        .expect("outbox")
        .into_iter()
        .find(|m| m.dedupe_key == format!("statement-link:{id}"))
        .expect("message");
    let token = token_after(&msg.body_text, "/statements/");
    let pdf = app.get(&format!("/statements/{token}/pdf")).await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(
        pdf.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    assert!(pdf.bytes().await.expect("bytes").starts_with(b"%PDF-"));
    let dated = app
        .get(&format!("/statements/{token}/pdf?as_of={}", iso(day(-8))))
        .await;
    assert_eq!(dated.status(), 200);
    let future = app
        .get(&format!("/statements/{token}/pdf?as_of={}", iso(day(3))))
        .await;
    assert_eq!(future.status(), 400);
    let unknown = "0".repeat(64);
    assert_eq!(
        app.get(&format!("/statements/{unknown}/pdf"))
            .await
            .status(),
        404
    );
    // The pay link's statement PDF: not found until the company allows it.
    let pay_pdf = format!("/pay/{}/statement.pdf", fx.i1_token);
    assert_eq!(app.get(&pay_pdf).await.status(), 404);
    assert_eq!(
        app.get(&format!("/pay/{}/statement", fx.i1_token))
            .await
            .status(),
        404
    );
    sqlx::query("UPDATE statement_settings SET on_pay_link = 1 WHERE id = 1")
        .execute(&app.db.pool)
        .await
        .expect("allow");
    let res = app.get(&pay_pdf).await;
    assert_eq!(res.status(), 200);
    assert_eq!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    let page = app
        .get(&format!("/pay/{}/statement", fx.i1_token))
        .await
        .text()
        .await
        .expect("html");
    assert!(page.contains("Client SARL") && !page.contains("Autre SA"));
    let pay_page = app
        .get(&format!("/pay/{}", fx.i1_token))
        .await
        .text()
        .await
        .expect("html");
    assert!(pay_page.contains("data-testid=\"pay-statement-link\""));
    // The account PDF asks a visitor to sign in.
    let res = app.get("/statement.pdf").await;
    assert!(res.status().is_redirection(), "{}", res.status());
    app.stop().await;
}
on_both_databases!(statement_pdfs_answer_their_owner_and_not_found_to_others);
