//! Invoices end to end on SQLite and PostgreSQL: gapless numbering under
//! concurrency, immutability, credit notes, and who may see which document.
use crate::common;

use crate::common::{TestApp, TestDb, location};
use chrono::NaiveDate;
use quittance::error::AppError;
use quittance::model::draft::{DraftInput, DraftLineInput};
use quittance::model::vat::VatRate;
use quittance::server::services::invoicing::{self, CreditRequest};
use quittance::server::services::pay_links;

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn draft(customer_id: i64, price: &str) -> DraftInput {
    DraftInput {
        customer_id,
        currency: "EUR".into(),
        sale_date: String::new(),
        due_date: String::new(),
        deposits: String::new(),
        lines: vec![DraftLineInput {
            description: "Prestation".into(),
            quantity: "2".into(),
            unit: "h".into(),
            unit_price: price.into(),
            vat_rate: "20".into(),
            discount_pct: String::new(),
        }],
    }
}

async fn concurrent_issues_get_gapless_unique_numbers(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "c@example.test").await;
    let mut ids = Vec::new();
    for i in 0..24 {
        ids.push(
            invoicing::create_draft(&app.db, &draft(customer, &format!("{}", 10 + i)), today())
                .await
                .expect("draft"),
        );
    }
    let mut tasks = Vec::new();
    for chunk in ids.chunks(3) {
        let (db, chunk) = (app.db.clone(), chunk.to_vec());
        tasks.push(tokio::spawn(async move {
            let mut numbers = Vec::new();
            for id in chunk {
                numbers.push(
                    invoicing::issue(&db, id, today(), None)
                        .await
                        .expect("issue")
                        .number,
                );
            }
            numbers
        }));
    }
    assert!(tasks.len() >= 8, "at least 8 concurrent issuers");
    let mut seqs: Vec<i64> = Vec::new();
    for t in tasks {
        for n in t.await.expect("task") {
            seqs.push(
                n.rsplit('-')
                    .next()
                    .and_then(|s| s.parse().ok())
                    .expect("sequence"),
            );
        }
    }
    seqs.sort();
    assert_eq!(
        seqs,
        (1..=24).collect::<Vec<i64>>(),
        "1..N with no gap and no duplicate"
    );
    app.stop().await;
}
on_both_databases!(concurrent_issues_get_gapless_unique_numbers);

async fn an_issued_invoice_cannot_be_changed_or_deleted(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "c@example.test").await;
    let id = invoicing::create_draft(&app.db, &draft(customer, "100"), today())
        .await
        .expect("draft");
    let issued = invoicing::issue(&app.db, id, today(), None)
        .await
        .expect("issue");
    assert_eq!(issued.number, format!("F-{}-000001", today().format("%Y")));
    let again = invoicing::issue(&app.db, id, today(), None).await;
    assert_eq!(
        again.err(),
        Some(AppError::Conflict),
        "issuing twice is refused by the service"
    );
    let pool = &app.db.pool;
    let update = sqlx::query("UPDATE invoices SET total_ttc = 1 WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await;
    assert!(
        update.is_err(),
        "the database refuses to change an issued invoice's amounts"
    );
    let renumber = sqlx::query("UPDATE invoices SET number = 'X' WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await;
    assert!(renumber.is_err(), "nor its number");
    let delete = sqlx::query("DELETE FROM invoices WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await;
    assert!(delete.is_err(), "nor delete it");
    let line = sqlx::query("UPDATE invoice_lines SET unit_price_ht = 1 WHERE invoice_id = $1")
        .bind(id)
        .execute(pool)
        .await;
    assert!(line.is_err(), "nor change its lines");
    let settle = sqlx::query("UPDATE invoices SET amount_paid = 100 WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await;
    assert!(settle.is_ok(), "payments may still be recorded");
    app.stop().await;
}
on_both_databases!(an_issued_invoice_cannot_be_changed_or_deleted);

async fn a_credit_note_lowers_the_balance_and_has_its_own_series(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "c@example.test").await;
    let id = invoicing::create_draft(&app.db, &draft(customer, "100"), today())
        .await
        .expect("draft");
    let inv = invoicing::issue(&app.db, id, today(), None)
        .await
        .expect("issue");
    // 2 x 100 € HT at 20 % = 240 € TTC. A partial credit of 50 € HT = 60 € TTC.
    let partial = CreditRequest::Partial {
        amount_ht: 5_000,
        vat_rate: VatRate::Standard20,
        description: "Geste".into(),
    };
    let av = invoicing::credit(&app.db, id, &partial, today(), None)
        .await
        .expect("credit");
    assert_eq!(av.number, format!("AV-{}-000001", today().format("%Y")));
    let (credited, status): (i64, String) =
        sqlx::query_as("SELECT amount_credited, status FROM invoices WHERE id = $1")
            .bind(id)
            .fetch_one(&app.db.pool)
            .await
            .expect("row");
    assert_eq!(credited, 6_000);
    assert_eq!(status, "issued");
    let too_much = CreditRequest::Partial {
        amount_ht: 20_000,
        vat_rate: VatRate::Standard20,
        description: String::new(),
    };
    assert!(matches!(
        invoicing::credit(&app.db, id, &too_much, today(), None).await,
        Err(AppError::Validation(_))
    ));
    let full = invoicing::credit(&app.db, id, &CreditRequest::Full, today(), None).await;
    assert!(
        matches!(full, Err(AppError::Validation(_))),
        "a full credit over the remaining amount is refused"
    );
    let rest = CreditRequest::Partial {
        amount_ht: 15_000,
        vat_rate: VatRate::Standard20,
        description: String::new(),
    };
    invoicing::credit(&app.db, id, &rest, today(), None)
        .await
        .expect("credit the rest");
    let status: String = sqlx::query_scalar("SELECT status FROM invoices WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("row");
    assert_eq!(status, "credited");
    let _ = inv;
    app.stop().await;
}
on_both_databases!(a_credit_note_lowers_the_balance_and_has_its_own_series);

async fn bad_drafts_save_nothing(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "c@example.test").await;
    let mut bad = draft(customer, "-5");
    bad.lines.push(DraftLineInput {
        vat_rate: "19.6".into(),
        ..bad.lines[0].clone()
    });
    let err = invoicing::create_draft(&app.db, &bad, today()).await;
    assert!(matches!(err, Err(AppError::Validation(_))));
    let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM invoices")
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    assert_eq!(count, 0);
    let lines: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM invoice_lines")
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    assert_eq!(lines, 0);
    app.stop().await;
}
on_both_databases!(bad_drafts_save_nothing);

async fn number_of(app: &TestApp, email: &str) -> String {
    sqlx::query_scalar(
        "SELECT i.number FROM invoices i JOIN customers c ON c.id = i.customer_id \
         WHERE c.billing_email = $1 AND i.kind = 'invoice' AND i.number IS NOT NULL ORDER BY i.id LIMIT 1",
    )
    .bind(email)
    .fetch_one(&app.db.pool)
    .await
    .expect("number")
}

async fn another_customers_invoice_page_pdf_and_api_are_refused(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let mine = number_of(&app, "client2@demo.test").await;
    let theirs = number_of(&app, "client@demo.test").await;
    app.login("client2@demo.test", "client-demo-2").await;
    assert_eq!(app.get(&format!("/invoices/{mine}")).await.status(), 200);
    let pdf = app.get(&format!("/invoices/{mine}/pdf")).await;
    assert_eq!(pdf.status(), 200);
    assert_eq!(
        pdf.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    assert!(pdf.bytes().await.expect("pdf").starts_with(b"%PDF"));
    assert_eq!(app.get(&format!("/invoices/{theirs}")).await.status(), 404);
    assert_eq!(
        app.get(&format!("/invoices/{theirs}/pdf")).await.status(),
        404
    );
    assert_eq!(
        app.call("/api/invoice_detail", &[("number", &theirs)])
            .await
            .status(),
        404
    );
    app.stop().await;
}
on_both_databases!(another_customers_invoice_page_pdf_and_api_are_refused);

async fn a_pay_link_opens_one_invoice_without_login_until_revoked(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "c@example.test").await;
    let id = invoicing::create_draft(&app.db, &draft(customer, "100"), today())
        .await
        .expect("draft");
    let issued = invoicing::issue(&app.db, id, today(), None)
        .await
        .expect("issue");
    let page = app.get(&format!("/pay/{}", issued.pay_token)).await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("body");
    assert!(html.contains(&issued.number));
    assert!(
        html.contains("FR7630006000011234567890189"),
        "bank details shown"
    );
    let pdf = app.get(&format!("/pay/{}/pdf", issued.pay_token)).await;
    assert_eq!(pdf.status(), 200);
    let stored: Vec<String> = sqlx::query_scalar("SELECT token_hash FROM pay_links")
        .fetch_all(&app.db.pool)
        .await
        .expect("hashes");
    assert!(
        !stored.contains(&issued.pay_token),
        "the token itself is never stored"
    );
    let unknown = "0".repeat(64);
    assert_eq!(app.get(&format!("/pay/{unknown}")).await.status(), 404);
    assert_eq!(app.get("/pay/not-a-token").await.status(), 404);
    let new_token = pay_links::reissue(&app.db, id).await.expect("reissue");
    assert_eq!(
        app.get(&format!("/pay/{}", issued.pay_token))
            .await
            .status(),
        404,
        "the old link is revoked"
    );
    assert_eq!(
        app.get(&format!("/pay/{}/pdf", issued.pay_token))
            .await
            .status(),
        404
    );
    assert_eq!(app.get(&format!("/pay/{new_token}")).await.status(), 200);
    pay_links::revoke(&app.db, id).await.expect("revoke");
    assert_eq!(app.get(&format!("/pay/{new_token}")).await.status(), 404);
    let _ = location;
    app.stop().await;
}
on_both_databases!(a_pay_link_opens_one_invoice_without_login_until_revoked);

async fn a_pay_link_expires_some_days_after_the_invoice_is_paid(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "c@example.test").await;
    let id = invoicing::create_draft(&app.db, &draft(customer, "100"), today())
        .await
        .expect("draft");
    let issued = invoicing::issue(&app.db, id, today(), None)
        .await
        .expect("issue");
    let long_ago = chrono::Utc::now().timestamp() - 400 * 86_400;
    sqlx::query(
        "UPDATE invoices SET status = 'paid', amount_paid = total_ttc, paid_at = $1 WHERE id = $2",
    )
    .bind(long_ago)
    .bind(id)
    .execute(&app.db.pool)
    .await
    .expect("pay");
    assert_eq!(
        app.get(&format!("/pay/{}", issued.pay_token))
            .await
            .status(),
        404
    );
    app.stop().await;
}
on_both_databases!(a_pay_link_expires_some_days_after_the_invoice_is_paid);

async fn an_invoice_with_a_deposit_shows_the_customer_the_balance_less_the_deposit(db: &TestDb) {
    use quittance::model::format::format_money;
    use quittance::model::lang::Lang;
    use quittance::server::services::documents::{self, Viewer};
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "c@example.test").await;
    // 2 x 100 € HT at 20 % = 240 € TTC; 40 € already paid as a deposit.
    let mut d = draft(customer, "100");
    d.deposits = "40,00".into();
    let id = invoicing::create_draft(&app.db, &d, today())
        .await
        .expect("draft");
    let stored: i64 = sqlx::query_scalar("SELECT deposits FROM invoices WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("deposits");
    assert_eq!(stored, 4_000, "stored in minor units");
    let issued = invoicing::issue(&app.db, id, today(), None)
        .await
        .expect("issue");
    let (_, doc) = documents::by_id(&app.db, id, Viewer::PayLink(id), today())
        .await
        .expect("document");
    assert_eq!(
        (doc.total_ttc, doc.deposits, doc.balance),
        (24_000, 4_000, 20_000)
    );
    let html = app
        .get(&format!("/pay/{}", issued.pay_token))
        .await
        .text()
        .await
        .expect("page");
    let due = |lang| format_money(20_000, "EUR", lang);
    assert!(
        html.contains(&due(Lang::Fr)) || html.contains(&due(Lang::En)),
        "the pay page asks for 200 €, not 240 €"
    );
    let deposit = |lang| format_money(-4_000, "EUR", lang);
    assert!(html.contains(&deposit(Lang::Fr)) || html.contains(&deposit(Lang::En)));
    let pdf = app.get(&format!("/pay/{}/pdf", issued.pay_token)).await;
    assert_eq!(pdf.status(), 200);
    let mut over = draft(customer, "100");
    over.deposits = "240.01".into();
    match invoicing::create_draft(&app.db, &over, today()).await {
        Err(AppError::Validation(e)) => assert!(e.get("deposits").is_some()),
        other => panic!("a deposit over the total must be refused, got {other:?}"),
    }
    app.stop().await;
}
on_both_databases!(an_invoice_with_a_deposit_shows_the_customer_the_balance_less_the_deposit);

async fn status_of(app: &TestApp, id: i64) -> (String, i64) {
    sqlx::query_as("SELECT status, amount_credited FROM invoices WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("row")
}

async fn correcting_an_invoice_credits_it_in_full_and_opens_a_draft_with_the_same_lines(
    db: &TestDb,
) {
    use quittance::server::db::invoices;
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "c@example.test").await;
    let year = today().format("%Y");
    // A first credit note elsewhere, so the correction takes the next AV number.
    let other = invoicing::create_draft(&app.db, &draft(customer, "10"), today())
        .await
        .expect("draft");
    invoicing::issue(&app.db, other, today(), None)
        .await
        .expect("issue");
    let gesture = CreditRequest::Partial {
        amount_ht: 100,
        vat_rate: VatRate::Standard20,
        description: "Geste".into(),
    };
    invoicing::credit(&app.db, other, &gesture, today(), None)
        .await
        .expect("credit");
    let mut d = draft(customer, "100");
    d.sale_date = "2026-01-15".into();
    d.deposits = "40".into();
    d.lines.push(DraftLineInput {
        description: "Déplacement".into(),
        quantity: "1,5".into(),
        unit: "jour".into(),
        unit_price: "80".into(),
        vat_rate: "10".into(),
        discount_pct: "5".into(),
    });
    let id = invoicing::create_draft(&app.db, &d, today())
        .await
        .expect("draft");
    invoicing::issue(&app.db, id, today(), None)
        .await
        .expect("issue");
    let done = invoicing::correct(&app.db, id, today(), None)
        .await
        .expect("correct");
    assert_eq!(done.credit_note.number, format!("AV-{year}-000002"));
    let total: i64 = sqlx::query_scalar("SELECT total_ttc FROM invoices WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("total");
    assert_eq!(status_of(&app, id).await, ("credited".into(), total));
    let mut conn = app.db.pool.acquire().await.expect("conn");
    let old = invoices::get(&mut conn, id)
        .await
        .expect("get")
        .expect("old");
    let new = invoices::get(&mut conn, done.draft_id)
        .await
        .expect("get")
        .expect("draft");
    assert_eq!(new.kind, "invoice");
    assert_eq!(new.status, quittance::model::invoice::InvoiceStatus::Draft);
    assert_eq!(new.number, None);
    assert_eq!(new.customer_id, old.customer_id);
    assert_eq!(new.currency, old.currency);
    assert_eq!(new.sale_date.as_deref(), Some("2026-01-15"));
    assert_eq!(new.deposits, 4_000);
    assert_eq!(new.total_ttc, old.total_ttc);
    assert_eq!(
        invoices::lines(&mut conn, done.draft_id)
            .await
            .expect("lines"),
        invoices::lines(&mut conn, id).await.expect("lines"),
        "the new draft has the same lines"
    );
    let credit_note = invoices::get(&mut conn, done.credit_note.id)
        .await
        .expect("get")
        .expect("credit note");
    drop(conn);
    assert_eq!(credit_note.corrects_invoice_id, Some(id));
    assert_eq!(credit_note.total_ttc, total);
    let links = invoices::correction_links(&app.db.pool, done.draft_id)
        .await
        .expect("links");
    assert_eq!(
        links.replaces,
        Some((id, old.number.clone().unwrap_or_default()))
    );
    let audit: Vec<String> =
        sqlx::query_scalar("SELECT action FROM audit_log WHERE subject = $1 ORDER BY id")
            .bind(old.number.clone().unwrap_or_default())
            .fetch_all(&app.db.pool)
            .await
            .expect("audit");
    assert!(
        audit.contains(&format!("corrected:draft:{}", done.draft_id)),
        "{audit:?}"
    );
    // The new draft can be issued as the replacement.
    let replacement = invoicing::issue(&app.db, done.draft_id, today(), None)
        .await
        .expect("issue the replacement");
    assert_eq!(replacement.number, format!("F-{year}-000003"));
    app.stop().await;
}
on_both_databases!(correcting_an_invoice_credits_it_in_full_and_opens_a_draft_with_the_same_lines);

async fn drafts_credit_notes_and_paid_invoices_are_not_corrected_and_nothing_is_written(
    db: &TestDb,
) {
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "c@example.test").await;
    let draft_id = invoicing::create_draft(&app.db, &draft(customer, "100"), today())
        .await
        .expect("draft");
    let paid = invoicing::create_draft(&app.db, &draft(customer, "100"), today())
        .await
        .expect("draft");
    invoicing::issue(&app.db, paid, today(), None)
        .await
        .expect("issue");
    sqlx::query("UPDATE invoices SET amount_paid = 5000, status = 'partially_paid' WHERE id = $1")
        .bind(paid)
        .execute(&app.db.pool)
        .await
        .expect("pay");
    let credited = invoicing::create_draft(&app.db, &draft(customer, "100"), today())
        .await
        .expect("draft");
    invoicing::issue(&app.db, credited, today(), None)
        .await
        .expect("issue");
    let av = invoicing::credit(&app.db, credited, &CreditRequest::Full, today(), None)
        .await
        .expect("credit");
    let count = || async {
        sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM invoices")
            .fetch_one(&app.db.pool)
            .await
            .expect("count")
    };
    let before = count().await;
    for id in [draft_id, paid, credited, av.id] {
        let refused = invoicing::correct(&app.db, id, today(), None).await;
        assert_eq!(refused.err(), Some(AppError::Conflict), "document {id}");
    }
    assert_eq!(count().await, before, "a refusal writes nothing");
    assert_eq!(status_of(&app, paid).await, ("partially_paid".into(), 0));
    app.stop().await;
}
on_both_databases!(drafts_credit_notes_and_paid_invoices_are_not_corrected_and_nothing_is_written);

async fn staff_correct_an_invoice_with_a_plain_form_post_and_customers_may_not(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let id: i64 = sqlx::query_scalar(
        "SELECT id FROM invoices WHERE kind = 'invoice' AND status = 'issued' AND amount_paid = 0 \
         AND amount_credited = 0 ORDER BY id LIMIT 1",
    )
    .fetch_one(&app.db.pool)
    .await
    .expect("an open invoice in the demo data");
    app.login("client@demo.test", "client-demo-1").await;
    let res = app
        .call("/api/correct_invoice", &[("id", &id.to_string())])
        .await;
    assert_eq!(res.status(), 403, "customers may not correct invoices");
    app.form_post("/api/logout", &[]).await;
    app.login("agent@demo.test", "agent-demo-1").await;
    let res = app
        .form_post("/api/correct_invoice", &[("id", &id.to_string())])
        .await;
    assert_eq!(res.status(), 302);
    let to = location(&res);
    assert!(
        to.starts_with("/staff/invoices/") && to.ends_with("?done=corrected"),
        "{to}"
    );
    let draft: String = to
        .trim_start_matches("/staff/invoices/")
        .trim_end_matches("?done=corrected")
        .to_string();
    let info: serde_json::Value = app
        .call("/api/invoice_correction", &[("id", &draft)])
        .await
        .json()
        .await
        .expect("json");
    assert_eq!(
        info["replaces"][0].as_i64(),
        Some(id),
        "the draft names what it replaces: {info}"
    );
    let again = app
        .form_post("/api/correct_invoice", &[("id", &id.to_string())])
        .await;
    assert_eq!(
        location(&again),
        format!("/staff/invoices/{id}?correct_err=credited")
    );
    app.stop().await;
}
on_both_databases!(staff_correct_an_invoice_with_a_plain_form_post_and_customers_may_not);

async fn a_draft_is_edited_in_place_until_it_is_issued(db: &TestDb) {
    use quittance::server::db::invoices;
    let app = TestApp::start(db, false).await;
    let customer = common::company_and_customer(&app.db, "c@example.test").await;
    let id = invoicing::create_draft(&app.db, &draft(customer, "100"), today())
        .await
        .expect("draft");
    let mut fixed = draft(customer, "90");
    fixed.deposits = "10".into();
    fixed.lines.push(DraftLineInput {
        description: "Support".into(),
        quantity: "1".into(),
        unit: String::new(),
        unit_price: "50".into(),
        vat_rate: "10".into(),
        discount_pct: String::new(),
    });
    invoicing::update_draft(&app.db, id, &fixed, today())
        .await
        .expect("update");
    let mut conn = app.db.pool.acquire().await.expect("conn");
    let rec = invoices::get(&mut conn, id)
        .await
        .expect("get")
        .expect("draft");
    // 2 x 90 = 180 HT at 20 % (216 TTC) + 50 HT at 10 % (55 TTC).
    assert_eq!((rec.total_ttc, rec.deposits), (27_100, 1_000));
    let lines = invoices::lines(&mut conn, id).await.expect("lines");
    drop(conn);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].unit_price_ht, 9_000);
    let mut bad = fixed.clone();
    bad.lines[0].vat_rate = "19.6".into();
    assert!(matches!(
        invoicing::update_draft(&app.db, id, &bad, today()).await,
        Err(AppError::Validation(_))
    ));
    invoicing::issue(&app.db, id, today(), None)
        .await
        .expect("issue");
    assert_eq!(
        invoicing::update_draft(&app.db, id, &fixed, today())
            .await
            .err(),
        Some(AppError::Conflict),
        "an issued invoice is never edited"
    );
    app.stop().await;
}
on_both_databases!(a_draft_is_edited_in_place_until_it_is_issued);

async fn customer_id_of(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM customers WHERE billing_email = $1")
        .bind(email)
        .fetch_one(&app.db.pool)
        .await
        .expect("customer")
}

async fn body(app: &TestApp, path: &str) -> (u16, String) {
    let res = app.get(path).await;
    let status = res.status().as_u16();
    (status, res.text().await.expect("body"))
}

/// Someone who never signed in, with nothing but a link.
async fn anonymous_get(app: &TestApp, path: &str) -> reqwest::Response {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(common::REQUEST_TIMEOUT)
        .build()
        .expect("client")
        .get(app.url(path))
        .send()
        .await
        .expect("get")
}

async fn a_customer_finds_and_downloads_their_credit_notes_and_nobody_else_can(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let customer = customer_id_of(&app, "client@demo.test").await;
    let inv = common::issued_invoice(&app.db, customer, "100.00").await;
    let other = common::issued_invoice(&app.db, customer, "80.00").await;
    let gesture = CreditRequest::Partial {
        amount_ht: 2_000,
        vat_rate: VatRate::Standard20,
        description: "Geste commercial".into(),
    };
    let av = invoicing::credit(&app.db, inv.id, &gesture, today(), None)
        .await
        .expect("credit")
        .number;
    let page_link = format!("href=\"/invoices/{av}\"");
    let pdf_link = format!("href=\"/invoices/{av}/pdf\"");

    // Signed in: listed under its invoice on /invoices, and on the invoice's page.
    app.login("client@demo.test", "client-demo-1").await;
    let (status, list) = body(&app, "/invoices").await;
    assert_eq!(status, 200);
    let row = list
        .find(&format!("href=\"/invoices/{}\"", inv.number))
        .expect("invoice listed");
    let note = list.find(&page_link).expect("credit note listed");
    assert!(note > row, "the credit note comes under its invoice");
    assert!(list.contains(&pdf_link), "with its PDF");
    let (status, page) = body(&app, &format!("/invoices/{}", inv.number)).await;
    assert_eq!(status, 200);
    assert!(page.contains("data-testid=\"credit-notes\""), "{page}");
    assert!(page.contains(&page_link) && page.contains(&pdf_link));
    let (status, note_page) = body(&app, &format!("/invoices/{av}")).await;
    assert_eq!(status, 200);
    assert!(
        note_page.contains(&inv.number),
        "the credit note names its invoice"
    );
    let pdf = app.get(&format!("/invoices/{av}/pdf")).await;
    assert_eq!(pdf.status(), 200);
    assert!(pdf.bytes().await.expect("pdf").starts_with(b"%PDF"));
    let (_, other_page) = body(&app, &format!("/invoices/{}", other.number)).await;
    assert!(
        !other_page.contains(&av),
        "only under the invoice it corrects"
    );

    // The pay link of the invoice lists it and downloads it without an account.
    let on_link = format!("/pay/{}/credit-notes/{av}/pdf", inv.pay_token);
    let pay = anonymous_get(&app, &format!("/pay/{}", inv.pay_token)).await;
    assert_eq!(pay.status(), 200);
    let pay = pay.text().await.expect("body");
    assert!(pay.contains(&format!("href=\"{on_link}\"")), "{pay}");
    assert!(!pay.contains(&pdf_link), "no link that needs an account");
    let file = anonymous_get(&app, &on_link).await;
    assert_eq!(file.status(), 200);
    assert_eq!(
        file.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/pdf")
    );
    assert!(file.bytes().await.expect("pdf").starts_with(b"%PDF"));

    // Another pay link, another document through the link, another customer: 404.
    let elsewhere = format!("/pay/{}/credit-notes/{av}/pdf", other.pay_token);
    assert_eq!(anonymous_get(&app, &elsewhere).await.status(), 404);
    let invoice_as_note = format!("/pay/{}/credit-notes/{}/pdf", inv.pay_token, inv.number);
    assert_eq!(anonymous_get(&app, &invoice_as_note).await.status(), 404);
    let theirs = customer_id_of(&app, "client2@demo.test").await;
    let their_invoice = common::issued_invoice(&app.db, theirs, "60.00").await;
    let crossed = format!("/pay/{}/credit-notes/{av}/pdf", their_invoice.pay_token);
    assert_eq!(anonymous_get(&app, &crossed).await.status(), 404);
    app.login("client2@demo.test", "client-demo-2").await;
    assert_eq!(app.get(&format!("/invoices/{av}")).await.status(), 404);
    assert_eq!(app.get(&format!("/invoices/{av}/pdf")).await.status(), 404);
    let (_, their_list) = body(&app, "/invoices").await;
    assert!(
        !their_list.contains(&av),
        "never in another customer's list"
    );
    pay_links::revoke(&app.db, inv.id).await.expect("revoke");
    assert_eq!(
        anonymous_get(&app, &on_link).await.status(),
        404,
        "revoked with its link"
    );
    app.stop().await;
}
on_both_databases!(a_customer_finds_and_downloads_their_credit_notes_and_nobody_else_can);
