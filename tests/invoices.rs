//! Invoices end to end on SQLite and PostgreSQL: gapless numbering under
//! concurrency, immutability, credit notes, and who may see which document.
mod common;

use chrono::NaiveDate;
use common::{TestApp, TestDb, location};
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
