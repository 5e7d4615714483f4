//! The company logo end to end on SQLite and PostgreSQL: admins upload it as a
//! plain multipart form post, it is typed from its bytes and size-checked,
//! served with caching headers, shown on invoices and drawn in their PDF.

use crate::common::{TestApp, TestDb, location};
use chrono::NaiveDate;
use quittance::model::draft::{DraftInput, DraftLineInput};
use quittance::server::services::invoicing;

const LOGO: &[u8] = include_bytes!("fixtures/logo.png");

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// A multipart body with one file field, as a browser sends it.
fn multipart(filename: &str, content_type: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----QuittanceTestBoundary7MA4YWxk";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"logo\"; filename=\"{filename}\"\r\n\
         Content-Type: {content_type}\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &TestApp, filename: &str, bytes: &[u8]) -> reqwest::Response {
    let (content_type, body) = multipart(filename, "application/octet-stream", bytes);
    app.client
        .post(app.url("/staff/settings/logo"))
        .header("Content-Type", content_type)
        .body(body)
        .send()
        .await
        .expect("upload")
}

/// An issued invoice of the demo data's first customer; returns its pay token.
async fn issued_pay_token(app: &TestApp) -> String {
    let customer: i64 = sqlx::query_scalar("SELECT id FROM customers ORDER BY id LIMIT 1")
        .fetch_one(&app.db.pool)
        .await
        .expect("customer");
    let draft = DraftInput {
        customer_id: customer,
        currency: "EUR".into(),
        sale_date: String::new(),
        due_date: String::new(),
        deposits: String::new(),
        lines: vec![DraftLineInput {
            description: "Prestation".into(),
            quantity: "1".into(),
            unit: String::new(),
            unit_price: "100".into(),
            vat_rate: "20".into(),
            discount_pct: String::new(),
        }],
    };
    let id = invoicing::create_draft(&app.db, &draft, today())
        .await
        .expect("draft");
    invoicing::issue(&app.db, id, today(), None)
        .await
        .expect("issue")
        .pay_token
}

/// Whether a PDF holds an image XObject.
fn has_image(pdf: &[u8]) -> bool {
    [&b"/Subtype/Image"[..], b"/Subtype /Image"]
        .iter()
        .any(|needle| pdf.windows(needle.len()).any(|w| w == *needle))
}

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

async fn an_admin_uploads_a_logo_that_invoices_and_their_pdf_show(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let token = issued_pay_token(&app).await;
    let plain_pdf = app
        .get(&format!("/pay/{token}/pdf"))
        .await
        .bytes()
        .await
        .expect("pdf");
    app.login("admin@demo.test", "admin-demo-1").await;

    // Named like a PNG, but a GIF: the bytes decide.
    let res = upload(&app, "logo.png", b"GIF89a\x01\x00\x01\x00").await;
    assert_eq!(location(&res), "/staff/settings?logo_err=type");
    let mut big = LOGO.to_vec();
    big.resize(600 * 1024, 0);
    let res = upload(&app, "logo.png", &big).await;
    assert_eq!(location(&res), "/staff/settings?logo_err=size");
    let res = upload(&app, "", b"").await;
    assert_eq!(location(&res), "/staff/settings?logo_err=missing");
    assert_eq!(app.get("/company/logo").await.status(), 404);

    // A real PNG, whatever its name.
    let res = upload(&app, "logo.gif", LOGO).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/staff/settings?logo=saved");
    let logo = app.get("/company/logo").await;
    assert_eq!(logo.status(), 200);
    assert_eq!(header(&logo, "content-type"), "image/png");
    assert_eq!(header(&logo, "x-content-type-options"), "nosniff");
    let etag = header(&logo, "etag");
    assert!(etag.starts_with('"') && etag.len() > 2, "{etag}");
    assert_eq!(logo.bytes().await.expect("bytes").as_ref(), LOGO);
    let version = etag.trim_matches('"').to_string();
    let cached = app.get(&format!("/company/logo?v={version}")).await;
    assert!(header(&cached, "cache-control").contains("immutable"));
    let revalidated = app
        .client
        .get(app.url("/company/logo"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .expect("get");
    assert_eq!(revalidated.status(), 304);

    let settings = app.get("/staff/settings").await.text().await.expect("page");
    assert!(settings.contains("data-testid=\"logo-preview\""));
    let pay = app
        .get(&format!("/pay/{token}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(
        pay.contains(&format!("/company/logo?v={version}")),
        "the invoice shows the logo"
    );
    let pdf = app
        .get(&format!("/pay/{token}/pdf"))
        .await
        .bytes()
        .await
        .expect("pdf");
    assert!(pdf.starts_with(b"%PDF"));
    assert!(has_image(&pdf), "the PDF draws the logo as an image");
    assert!(!has_image(&plain_pdf));

    let res = app.form_post("/staff/settings/logo/remove", &[]).await;
    assert_eq!(location(&res), "/staff/settings?logo=removed");
    assert_eq!(app.get("/company/logo").await.status(), 404);
    let pay = app
        .get(&format!("/pay/{token}"))
        .await
        .text()
        .await
        .expect("page");
    assert!(!pay.contains("/company/logo"));
    app.stop().await;
}
on_both_databases!(an_admin_uploads_a_logo_that_invoices_and_their_pdf_show);

async fn only_admins_change_the_logo_and_never_from_another_site(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let res = upload(&app, "logo.png", LOGO).await;
    assert!(
        location(&res).starts_with("/login"),
        "signed out: to the login"
    );
    app.login("agent@demo.test", "agent-demo-1").await;
    assert_eq!(upload(&app, "logo.png", LOGO).await.status(), 403);
    let remove = app.form_post("/staff/settings/logo/remove", &[]).await;
    assert_eq!(remove.status(), 403);
    app.form_post("/api/logout", &[]).await;
    app.login("admin@demo.test", "admin-demo-1").await;
    let (content_type, body) = multipart("logo.png", "image/png", LOGO);
    let cross = app
        .client
        .post(app.url("/staff/settings/logo"))
        .header("Content-Type", content_type)
        .header("Origin", "https://evil.example")
        .body(body)
        .send()
        .await
        .expect("post");
    assert_eq!(cross.status(), 403);
    assert_eq!(
        app.get("/company/logo").await.status(),
        404,
        "nothing saved"
    );
    app.stop().await;
}
on_both_databases!(only_admins_change_the_logo_and_never_from_another_site);
