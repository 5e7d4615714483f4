//! Dispute attachments end to end on SQLite and PostgreSQL, through the plain
//! multipart routes a browser without JavaScript posts to: files typed from
//! their content, counted and size-checked with the other fields before
//! anything is saved, stored with their message, and downloaded unchanged
//! only by those who may see the dispute.
use crate::common;

use crate::common::{TestApp, TestDb, company_and_customer, location};
use quittance::model::draft::{DraftInput, DraftLineInput};
use quittance::model::role::Role;
use quittance::server::auth::hash_password;
use quittance::server::db::dispute_attachments::{self, NewAttachment};
use quittance::server::db::{now_ts, seed, users};
use quittance::server::services::disputes::{self, Resolution, Viewer};
use quittance::server::services::invoicing::{self, Issued};
use reqwest::redirect::Policy;
use sqlx::Row;

const PASSWORD: &str = "correct horse battery";

/// A PNG signature and header chunk, then filler: enough for the type check.
fn png() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0".to_vec();
    b.extend((0u8..=255).cycle().take(2_000));
    b
}

fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

fn jpeg() -> Vec<u8> {
    let mut b = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10];
    b.extend_from_slice(b"JFIF\0 rest of the picture");
    b
}

/// A multipart/form-data body as a browser builds it.
#[derive(Default)]
struct Form {
    body: Vec<u8>,
}

const BOUNDARY: &str = "----QuittanceDisputeBoundary4kq9Zx";

impl Form {
    fn text(mut self, name: &str, value: &str) -> Form {
        self.body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
            )
            .as_bytes(),
        );
        self
    }

    fn file(mut self, filename: &str, bytes: &[u8]) -> Form {
        self.body.extend_from_slice(
            format!(
                "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{filename}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        self.body.extend_from_slice(bytes);
        self.body.extend_from_slice(b"\r\n");
        self
    }

    /// The form of an opening: reason, amount as typed, message, files.
    fn opening(amount: &str, message: &str) -> Form {
        Form::default()
            .text("reason", "wrong_amount")
            .text("amount", amount)
            .text("lines", "0")
            .text("message", message)
    }

    async fn post(mut self, client: &reqwest::Client, url: String) -> reqwest::Response {
        self.body
            .extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
        client
            .post(url)
            .header(
                "Content-Type",
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .body(self.body)
            .send()
            .await
            .expect("post")
    }
}

/// A browser of its own (cookies kept, redirects not followed).
fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(Policy::none())
        .timeout(common::REQUEST_TIMEOUT)
        .build()
        .expect("client")
}

/// A browser signed in as `email`.
async fn signed_in(app: &TestApp, email: &str) -> reqwest::Client {
    let client = browser();
    let res = client
        .post(app.url("/api/login"))
        .header("Accept", "text/html")
        .form(&[("email", email), ("password", PASSWORD), ("next", "")])
        .send()
        .await
        .expect("login");
    assert!(res.status().is_redirection(), "{email} signs in");
    assert!(!location(&res).starts_with("/login"), "{email} signs in");
    client
}

/// A customer with a contact, another customer with a contact, and an agent.
struct Parties {
    customer_id: i64,
    customer: reqwest::Client,
    other_customer: reqwest::Client,
    staff: reqwest::Client,
    staff_viewer: Viewer,
}

async fn parties(app: &TestApp) -> Parties {
    let hash = hash_password(PASSWORD.into()).await.expect("hash");
    let customer_id = company_and_customer(&app.db, "compta@client.test").await;
    let other_id = seed::insert_customer(
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
    let contacts = [
        ("camille@client.test", Role::Customer, Some(customer_id)),
        ("dom@autre.test", Role::Customer, Some(other_id)),
        ("alex@staff.test", Role::Agent, None),
    ];
    let mut ids = Vec::new();
    for (email, role, customer) in contacts {
        let id = users::insert(&app.db.pool, email, &hash, role, customer, email)
            .await
            .expect("user");
        ids.push(id);
    }
    Parties {
        customer_id,
        customer: signed_in(app, "camille@client.test").await,
        other_customer: signed_in(app, "dom@autre.test").await,
        staff: signed_in(app, "alex@staff.test").await,
        staff_viewer: Viewer::Staff(ids[2]),
    }
}

/// An issued invoice of 100.00 excl. VAT (120.00 incl.) for `customer`.
async fn issued(app: &TestApp, customer: i64) -> Issued {
    let today = chrono::Local::now().date_naive();
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
    let id = invoicing::create_draft(&app.db, &draft, today)
        .await
        .expect("draft");
    invoicing::issue(&app.db, id, today, None)
        .await
        .expect("issue")
}

/// The app on `db`, its parties, and an issued invoice of the customer's.
async fn started(db: &TestDb) -> (TestApp, Parties, Issued) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let inv = issued(&app, p.customer_id).await;
    (app, p, inv)
}

/// Opens a dispute as the signed-in customer, from the invoice page; its id.
async fn opened_on_the_portal(app: &TestApp, p: &Parties, inv: &Issued) -> i64 {
    let res = Form::opening("", "Ouverture.")
        .post(
            &p.customer,
            app.url(&format!("/invoices/{}/disputes", inv.number)),
        )
        .await;
    id_after(&location(&res), "/disputes/")
}

async fn count(app: &TestApp, table: &str) -> i64 {
    sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
        .fetch_one(&app.db.pool)
        .await
        .expect("count")
        .get::<i64, _>(0)
}

async fn invoice_status(app: &TestApp, id: i64) -> String {
    sqlx::query("SELECT status FROM invoices WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("invoice")
        .get("status")
}

/// The id at the end of `prefix` in a redirect (`/disputes/12?done=opened`).
fn id_after(loc: &str, prefix: &str) -> i64 {
    loc.strip_prefix(prefix)
        .and_then(|rest| rest.split(['?', '#']).next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("{loc} does not start with {prefix}<id>"))
}

/// (id, filename, content type, size, sha256) of each stored file, in order.
async fn stored(app: &TestApp) -> Vec<(i64, String, String, i64, String)> {
    let rows = sqlx::query(
        "SELECT id, filename, content_type, size_bytes, sha256 FROM dispute_attachments ORDER BY id",
    )
    .fetch_all(&app.db.pool)
    .await
    .expect("attachments");
    rows.iter()
        .map(|r| {
            (
                r.get("id"),
                r.get("filename"),
                r.get("content_type"),
                r.get("size_bytes"),
                r.get("sha256"),
            )
        })
        .collect()
}

async fn get(client: &reqwest::Client, url: String) -> reqwest::Response {
    client.get(url).send().await.expect("get")
}

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// Downloads a file and checks the headers every download carries.
async fn download(client: &reqwest::Client, url: String, content_type: &str) -> Vec<u8> {
    let res = get(client, url.clone()).await;
    assert_eq!(res.status(), 200, "{url}");
    assert_eq!(header(&res, "content-type"), content_type);
    assert_eq!(header(&res, "x-content-type-options"), "nosniff");
    assert_eq!(header(&res, "cache-control"), "private, no-store");
    assert!(header(&res, "content-disposition").starts_with("attachment; filename=\""));
    res.bytes().await.expect("body").to_vec()
}

async fn opening_a_dispute_from_the_pay_link_with_a_png_and_a_pdf_stores_both_and_everyone_entitled_downloads_them_unchanged(
    db: &TestDb,
) {
    let (app, p, inv) = started(db).await;
    let res = Form::opening("12,50", "La remise n'a pas été appliquée.")
        .file("C:\\scans\\photo.png", &png())
        .file("reçu.pdf", &pdf())
        .post(
            &browser(),
            app.url(&format!("/pay/{}/disputes", inv.pay_token)),
        )
        .await;
    assert_eq!(res.status(), 303);
    let loc = location(&res);
    let id = id_after(&loc, &format!("/pay/{}/disputes/", inv.pay_token));
    assert!(loc.ends_with("?done=opened"), "{loc}");
    assert_eq!(invoice_status(&app, inv.id).await, "disputed");

    let files = stored(&app).await;
    assert_eq!(files.len(), 2);
    assert_eq!(
        (files[0].1.as_str(), files[0].2.as_str(), files[0].3),
        ("photo.png", "image/png", png().len() as i64)
    );
    assert_eq!(
        (files[1].1.as_str(), files[1].2.as_str()),
        ("reçu.pdf", "application/pdf")
    );
    assert_eq!(files[1].4.len(), 64, "hex sha256");

    let thread = disputes::customer_thread(&app.db, id, Viewer::PayLink(inv.id))
        .await
        .expect("thread");
    let shown: Vec<&str> = thread.messages[0]
        .attachments
        .iter()
        .map(|a| a.filename.as_str())
        .collect();
    assert_eq!(shown, vec!["photo.png", "reçu.pdf"]);

    let (png_id, pdf_id) = (files[0].0, files[1].0);
    let pay_url = |aid: i64| {
        app.url(&format!(
            "/pay/{}/disputes/{id}/attachments/{aid}",
            inv.pay_token
        ))
    };
    let portal_url = |aid: i64| app.url(&format!("/disputes/{id}/attachments/{aid}"));
    assert_eq!(
        download(&browser(), pay_url(png_id), "image/png").await,
        png()
    );
    assert_eq!(
        download(&p.customer, portal_url(pdf_id), "application/pdf").await,
        pdf()
    );
    assert_eq!(
        download(&p.staff, portal_url(png_id), "image/png").await,
        png()
    );
    let res = get(&p.staff, portal_url(pdf_id)).await;
    assert_eq!(
        header(&res, "content-disposition"),
        "attachment; filename=\"re_u.pdf\"; filename*=UTF-8''re%C3%A7u.pdf"
    );
    app.stop().await;
}
on_both_databases!(
    opening_a_dispute_from_the_pay_link_with_a_png_and_a_pdf_stores_both_and_everyone_entitled_downloads_them_unchanged
);

async fn another_customer_and_another_pay_link_get_not_found_and_signed_out_visitors_are_sent_to_log_in(
    db: &TestDb,
) {
    let (app, p, inv) = started(db).await;
    let elsewhere = issued(&app, p.customer_id).await;
    let res = Form::opening("", "Voir la pièce jointe.")
        .file("photo.png", &png())
        .post(
            &p.customer,
            app.url(&format!("/invoices/{}/disputes", inv.number)),
        )
        .await;
    let id = id_after(&location(&res), "/disputes/");
    let aid = stored(&app).await[0].0;
    let portal_url = app.url(&format!("/disputes/{id}/attachments/{aid}"));

    assert_eq!(
        get(&p.other_customer, portal_url.clone()).await.status(),
        404
    );
    let other_link = app.url(&format!(
        "/pay/{}/disputes/{id}/attachments/{aid}",
        elsewhere.pay_token
    ));
    assert_eq!(get(&browser(), other_link).await.status(), 404);
    let wrong_dispute = app.url(&format!("/disputes/{}/attachments/{aid}", id + 1));
    assert_eq!(get(&p.staff, wrong_dispute).await.status(), 404);

    let res = get(&browser(), portal_url).await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), format!("/login?next=%2Fdisputes%2F{id}"));

    let res = Form::default()
        .text("message", "Je m'en mêle.")
        .post(&p.other_customer, app.url(&format!("/disputes/{id}/reply")))
        .await;
    assert_eq!(res.status(), 404);
    let res = Form::opening("", "Moi aussi.")
        .post(
            &p.other_customer,
            app.url(&format!("/invoices/{}/disputes", elsewhere.number)),
        )
        .await;
    assert_eq!(res.status(), 404);
    assert_eq!(count(&app, "dispute_messages").await, 1);
    app.stop().await;
}
on_both_databases!(
    another_customer_and_another_pay_link_get_not_found_and_signed_out_visitors_are_sent_to_log_in
);

/// Opens from the pay link with `files`; returns the redirect's location.
async fn refused_opening(app: &TestApp, inv: &Issued, files: &[(&str, Vec<u8>)]) -> String {
    let mut form = Form::opening("12,50", "Voir les pièces.");
    for (name, bytes) in files {
        form = form.file(name, bytes);
    }
    let res = form
        .post(
            &browser(),
            app.url(&format!("/pay/{}/disputes", inv.pay_token)),
        )
        .await;
    assert_eq!(res.status(), 303);
    location(&res)
}

async fn assert_nothing_saved(app: &TestApp, inv: &Issued) {
    assert_eq!(count(app, "disputes").await, 0);
    assert_eq!(count(app, "dispute_messages").await, 0);
    assert_eq!(count(app, "dispute_attachments").await, 0);
    assert_eq!(invoice_status(app, inv.id).await, "issued");
}

async fn a_text_file_named_png_is_refused_as_a_file_type_and_nothing_is_saved(db: &TestDb) {
    let (app, _, inv) = started(db).await;
    let loc = refused_opening(
        &app,
        &inv,
        &[
            ("ok.pdf", pdf()),
            ("photo.png", b"not a picture at all".to_vec()),
        ],
    )
    .await;
    assert_eq!(
        loc,
        format!(
            "/pay/{}?dispute_err=invalid&dispute_err_files=file_type&reason=wrong_amount&amount=12%2C50\
             &lines=0&message=Voir+les+pi%C3%A8ces.#dispute",
            inv.pay_token
        )
    );
    let plain = browser()
        .post(app.url(&format!("/pay/{}/disputes", inv.pay_token)))
        .form(&[("reason", "other"), ("message", "Sans fichier.")])
        .send()
        .await
        .expect("post");
    let loc = location(&plain);
    assert!(loc.contains("?dispute_err=bad_request"), "{loc}");
    assert_nothing_saved(&app, &inv).await;
    app.stop().await;
}
on_both_databases!(a_text_file_named_png_is_refused_as_a_file_type_and_nothing_is_saved);

async fn a_file_one_byte_over_five_megabytes_and_a_sixth_file_are_refused_with_their_own_codes(
    db: &TestDb,
) {
    let (app, _, inv) = started(db).await;
    let mut big = pdf();
    big.resize(5 * 1024 * 1024 + 1, b' ');
    let loc = refused_opening(&app, &inv, &[("big.pdf", big)]).await;
    assert!(loc.contains("dispute_err_files=file_too_large&"), "{loc}");
    let six: Vec<(&str, Vec<u8>)> = (0..6).map(|_| ("scan.png", png())).collect();
    let loc = refused_opening(&app, &inv, &six).await;
    assert!(loc.contains("dispute_err_files=too_many_files&"), "{loc}");
    assert_nothing_saved(&app, &inv).await;
    app.stop().await;
}
on_both_databases!(
    a_file_one_byte_over_five_megabytes_and_a_sixth_file_are_refused_with_their_own_codes
);

async fn an_empty_message_is_refused_and_the_typed_amount_comes_back_in_the_redirect(db: &TestDb) {
    let (app, p, inv) = started(db).await;
    let url = app.url(&format!("/invoices/{}/disputes", inv.number));
    let res = Form::opening("12,50", "   ")
        .file("photo.png", &png())
        .post(&p.customer, url.clone())
        .await;
    assert_eq!(res.status(), 303);
    let loc = location(&res);
    assert!(
        loc.starts_with(&format!(
            "/invoices/{}?dispute_err=invalid&dispute_err_message=required&",
            inv.number
        )),
        "{loc}"
    );
    assert!(loc.contains("&amount=12%2C50&"), "{loc}");
    assert!(loc.ends_with("#dispute"), "{loc}");
    assert_nothing_saved(&app, &inv).await;

    let res = Form::opening("12,50", "Signed out.")
        .post(&browser(), url)
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        location(&res),
        format!("/login?next=%2Finvoices%2F{}", inv.number)
    );
    app.stop().await;
}
on_both_databases!(an_empty_message_is_refused_and_the_typed_amount_comes_back_in_the_redirect);

async fn a_second_dispute_on_the_same_invoice_is_refused_as_already_used(db: &TestDb) {
    let (app, _, inv) = started(db).await;
    let url = app.url(&format!("/pay/{}/disputes", inv.pay_token));
    let first = Form::opening("", "Premier.")
        .post(&browser(), url.clone())
        .await;
    assert!(location(&first).ends_with("?done=opened"));
    let second = Form::opening("10", "Second.")
        .file("photo.png", &png())
        .post(&browser(), url)
        .await;
    let loc = location(&second);
    assert!(
        loc.starts_with(&format!(
            "/pay/{}?dispute_err=invalid&dispute_err_invoice=already_used&",
            inv.pay_token
        )),
        "{loc}"
    );
    assert_eq!(count(&app, "disputes").await, 1);
    assert_eq!(count(&app, "dispute_attachments").await, 0);
    app.stop().await;
}
on_both_databases!(a_second_dispute_on_the_same_invoice_is_refused_as_already_used);

async fn customer_pay_link_and_staff_replies_carry_their_files_and_internal_files_stay_with_staff(
    db: &TestDb,
) {
    let (app, p, inv) = started(db).await;
    let id = opened_on_the_portal(&app, &p, &inv).await;

    let res = Form::default()
        .text("message", "Voici la photo.")
        .file("photo.jpg", &jpeg())
        .file("", b"")
        .post(&p.customer, app.url(&format!("/disputes/{id}/reply")))
        .await;
    let loc = location(&res);
    let customer_mid: i64 = loc
        .strip_prefix(&format!("/disputes/{id}?done=replied#m"))
        .and_then(|m| m.parse().ok())
        .unwrap_or_else(|| panic!("{loc}"));
    let res = Form::default()
        .text("message", "Et le bon de livraison.")
        .file("bon.pdf", &pdf())
        .post(
            &browser(),
            app.url(&format!("/pay/{}/disputes/{id}/reply", inv.pay_token)),
        )
        .await;
    let loc = location(&res);
    assert!(
        loc.starts_with(&format!(
            "/pay/{}/disputes/{id}?done=replied#m",
            inv.pay_token
        )),
        "{loc}"
    );
    let res = Form::default()
        .text("message", "Notre avoir ci-joint.")
        .file("avoir.pdf", &pdf())
        .post(&p.staff, app.url(&format!("/staff/disputes/{id}/reply")))
        .await;
    let loc = location(&res);
    assert!(
        loc.starts_with(&format!("/staff/disputes/{id}?done=replied#m")),
        "{loc}"
    );

    // Internal notes carry no files through the forms; one stored anyway
    // must still never reach the customer.
    let note = disputes::internal_note(&app.db, id, p.staff_viewer, "Note interne.", now_ts())
        .await
        .expect("note");
    let mut conn = app.db.pool.acquire().await.expect("conn");
    let secret = dispute_attachments::insert(
        &mut conn,
        &NewAttachment {
            dispute_id: id,
            message_id: note,
            filename: "interne.pdf",
            content_type: "application/pdf",
            sha256: "00",
            content: &pdf(),
        },
        now_ts(),
    )
    .await
    .expect("internal file");
    drop(conn);

    let customer = Viewer::Customer {
        customer_id: p.customer_id,
        user_id: 0,
    };
    let thread = disputes::customer_thread(&app.db, id, customer)
        .await
        .expect("customer thread");
    let names: Vec<Vec<&str>> = thread
        .messages
        .iter()
        .map(|m| m.attachments.iter().map(|a| a.filename.as_str()).collect())
        .collect();
    assert_eq!(
        names,
        vec![
            vec![],
            vec!["photo.jpg"],
            vec!["bon.pdf"],
            vec!["avoir.pdf"]
        ]
    );
    assert_eq!(thread.messages[1].id, customer_mid);
    let staff = disputes::staff_thread(&app.db, id, p.staff_viewer)
        .await
        .expect("staff thread");
    assert_eq!(staff.messages.len(), 5);
    assert_eq!(staff.messages[4].attachments[0].filename, "interne.pdf");

    let secret_url = app.url(&format!("/disputes/{id}/attachments/{secret}"));
    assert_eq!(get(&p.customer, secret_url.clone()).await.status(), 404);
    let pay_secret = app.url(&format!(
        "/pay/{}/disputes/{id}/attachments/{secret}",
        inv.pay_token
    ));
    assert_eq!(get(&browser(), pay_secret).await.status(), 404);
    assert_eq!(
        download(&p.staff, secret_url, "application/pdf").await,
        pdf()
    );
    app.stop().await;
}
on_both_databases!(
    customer_pay_link_and_staff_replies_carry_their_files_and_internal_files_stay_with_staff
);

async fn a_customer_reply_on_a_closed_dispute_is_refused_as_a_conflict(db: &TestDb) {
    let (app, p, inv) = started(db).await;
    let id = opened_on_the_portal(&app, &p, &inv).await;
    let rejected = Resolution::Rejected {
        reason: "La facture est conforme au devis.".into(),
    };
    let today = chrono::Local::now().date_naive();
    disputes::resolve(&app.db, id, p.staff_viewer, &rejected, today, now_ts())
        .await
        .expect("rejected");
    let res = Form::default()
        .text("message", "Je ne suis pas d'accord.")
        .file("photo.png", &png())
        .post(&p.customer, app.url(&format!("/disputes/{id}/reply")))
        .await;
    assert_eq!(res.status(), 303);
    assert_eq!(
        location(&res),
        format!("/disputes/{id}?reply_err=conflict&message=Je+ne+suis+pas+d%27accord.#reply")
    );
    assert_eq!(count(&app, "dispute_messages").await, 1);
    assert_eq!(count(&app, "dispute_attachments").await, 0);
    app.stop().await;
}
on_both_databases!(a_customer_reply_on_a_closed_dispute_is_refused_as_a_conflict);
