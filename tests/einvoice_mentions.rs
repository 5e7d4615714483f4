//! The 2026 e-invoicing mentions on SQLite and PostgreSQL: the company's
//! VAT-on-debits option and category of operation in the settings, the
//! customers' delivery address (all of it or none), the refusal to issue a
//! B2B invoice to a French business without a SIREN, and the mentions on the
//! invoice page and its PDF.
use crate::common::{TestApp, TestDb, location, today};
use quittance::model::document::{Address, OperationCategory};
use quittance::model::draft::{DraftInput, DraftLineInput};
use quittance::server::db::{Db, company, seed};
use quittance::server::services::{invoicing, settings};
use std::process::Command;

/// The page's text as a reader sees it: entities of quotes decoded, every run
/// of whitespace one space.
fn readable(html: &str) -> String {
    normalize(
        &html
            .replace("&#x27;", "'")
            .replace("&#39;", "'")
            .replace("&quot;", "\""),
    )
}

fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The text of a PDF, read back with poppler's `pdftotext`.
fn pdf_text(pdf: &[u8]) -> String {
    let path = std::env::temp_dir().join(format!(
        "quittance-einvoice-mentions-{}-{}.pdf",
        std::process::id(),
        rand_suffix()
    ));
    std::fs::write(&path, pdf).expect("write the PDF");
    let out = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("run pdftotext (apt-get install poppler-utils): {e}"));
    let _ = std::fs::remove_file(&path);
    assert!(out.status.success(), "pdftotext failed");
    normalize(&String::from_utf8(out.stdout).expect("UTF-8 text"))
}

fn rand_suffix() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static N: AtomicU64 = AtomicU64::new(0);
    N.fetch_add(1, Ordering::Relaxed)
}

async fn page(app: &TestApp, path: &str) -> String {
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    readable(&res.text().await.expect("html"))
}

/// The opening tag of the element with this `data-testid`.
fn tag_of<'a>(html: &'a str, testid: &str) -> &'a str {
    let marker = format!("data-testid=\"{testid}\"");
    let at = html.find(&marker).unwrap_or_else(|| panic!("no {testid}"));
    let start = html[..at].rfind('<').expect("tag start");
    let end = at + html[at..].find('>').expect("tag end");
    &html[start..=end]
}

/// A one-line draft of 100.00 excl. VAT at 20 % for `customer`, dated today.
async fn draft(db: &Db, customer: i64) -> i64 {
    let input = DraftInput {
        customer_id: customer,
        currency: "EUR".into(),
        sale_date: String::new(),
        due_date: String::new(),
        deposits: String::new(),
        lines: vec![DraftLineInput {
            description: "Livraison et pose".into(),
            quantity: "1".into(),
            unit: String::new(),
            unit_price: "100".into(),
            vat_rate: "20".into(),
            discount_pct: String::new(),
        }],
    };
    invoicing::create_draft(db, &input, today())
        .await
        .expect("draft")
}

/// The settings form as stored, with `changes`, as `settings[…]` pairs.
async fn settings_form(db: &Db, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let s = settings::form(db).await.expect("settings");
    let mut form: Vec<(String, String)> = [
        ("legal_name", s.legal_name),
        ("legal_form", s.legal_form),
        ("share_capital", s.share_capital),
        ("address_line1", s.address_line1),
        ("postal_code", s.postal_code),
        ("city", s.city),
        ("siren", s.siren),
        ("siret", s.siret),
        ("rcs_city", s.rcs_city),
        ("vat_number", s.vat_number),
        ("iban", s.iban),
        ("bic", s.bic),
        ("payment_terms_days", s.payment_terms_days),
        ("late_penalty_rate", s.late_penalty_rate),
        ("early_discount_terms", s.early_discount_terms),
        ("operation_category", s.operation_category),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    if s.accept_partial.is_some() {
        form.push(("accept_partial".into(), "on".into()));
    }
    for (k, v) in changes {
        match form.iter_mut().find(|(f, _)| f == k) {
            Some(pair) => pair.1 = v.to_string(),
            None => form.push((k.to_string(), v.to_string())),
        }
    }
    form.into_iter()
        .map(|(k, v)| (format!("settings[{k}]"), v))
        .collect()
}

fn pairs(form: &[(String, String)]) -> Vec<(&str, &str)> {
    form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()
}

async fn an_admin_saves_the_debits_option_and_the_category_and_the_settings_page_shows_them(
    db: &TestDb,
) {
    let app = TestApp::start(db, true).await;
    app.get("/lang/en").await;
    app.login("admin@demo.test", "admin-demo-1").await;
    let before = page(&app, "/staff/settings").await;
    assert!(!tag_of(&before, "settings-vat_on_debits").contains("checked"));
    assert!(before.contains(
        "VAT option: tax paid on debits (option pour le paiement de la taxe d'après les débits)"
    ));

    let form = settings_form(
        &app.db,
        &[("vat_on_debits", "on"), ("operation_category", "mixed")],
    )
    .await;
    let res = app.form_post("/api/save_settings", &pairs(&form)).await;
    assert!(
        location(&res).starts_with("/staff/settings?saved=1"),
        "{}",
        location(&res)
    );
    let (seller, _, _) = company::load(&app.db.pool).await.expect("company");
    assert!(seller.vat_on_debits);
    let mut conn = app.db.pool.acquire().await.expect("conn");
    assert_eq!(
        company::operation_category(&mut conn)
            .await
            .expect("category"),
        OperationCategory::Mixed
    );
    drop(conn);
    let after = page(&app, "/staff/settings?saved=1").await;
    assert!(tag_of(&after, "settings-vat_on_debits").contains("checked"));
    assert!(
        after.contains("<option value=\"mixed\" selected"),
        "the category chosen"
    );

    // A category that is not one of the three comes back by its field, with
    // what was typed, and nothing is saved.
    let form = settings_form(
        &app.db,
        &[
            ("operation_category", "weapons"),
            ("legal_name", "Renamed SAS"),
        ],
    )
    .await;
    let form: Vec<(String, String)> = form
        .into_iter()
        .filter(|(k, _)| k != "settings[vat_on_debits]")
        .collect();
    let res = app.form_post("/api/save_settings", &pairs(&form)).await;
    assert_eq!(location(&res), "/staff/settings");
    let refused = page(&app, "/staff/settings").await;
    assert!(
        refused.contains("Out of the allowed range."),
        "the message by the field"
    );
    assert!(
        refused.contains("value=\"Renamed SAS\""),
        "what was typed kept"
    );
    assert!(
        !tag_of(&refused, "settings-vat_on_debits").contains("checked"),
        "the box as it was sent"
    );
    let (seller, _, _) = company::load(&app.db.pool).await.expect("company");
    assert!(seller.vat_on_debits, "nothing saved");
    assert_ne!(seller.legal_name, "Renamed SAS", "nothing saved");
    app.stop().await;
}
on_both_databases!(
    an_admin_saves_the_debits_option_and_the_category_and_the_settings_page_shows_them
);

fn customer_form<'a>(name: &'a str, extra: &[(&'a str, &'a str)]) -> Vec<(String, String)> {
    let mut form: Vec<(&str, &str)> = vec![
        ("name", name),
        ("is_business", "on"),
        ("siren", "443061841"),
        ("vat_number", "FR64443061841"),
        ("address_line1", "8 quai des Chartrons"),
        ("postal_code", "33000"),
        ("city", "Bordeaux"),
        ("country", "FR"),
        ("billing_email", "compta@entrepot.test"),
        ("lang", "fr"),
    ];
    form.extend_from_slice(extra);
    form.into_iter()
        .map(|(k, v)| (format!("customer[{k}]"), v.to_string()))
        .collect()
}

async fn customers_named(db: &Db, name: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM customers WHERE name = $1")
        .bind(name)
        .fetch_one(&db.pool)
        .await
        .expect("count")
}

async fn a_partial_delivery_address_is_refused_by_its_fields_and_nothing_is_saved(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    app.get("/lang/en").await;
    app.login("admin@demo.test", "admin-demo-1").await;
    let form = customer_form(
        "Entrepôt Garonne",
        &[
            ("delivery_line1", "5 rue du Depot"),
            ("delivery_city", "Blanquefort"),
        ],
    );
    let res = app.form_post("/api/save_customer", &pairs(&form)).await;
    assert_eq!(location(&res), "/staff/customers/new");
    assert_eq!(
        customers_named(&app.db, "Entrepôt Garonne").await,
        0,
        "nothing saved"
    );
    let refused = page(&app, "/staff/customers/new").await;
    assert!(refused.contains(
        "Fill in the whole delivery address (address, postal code, city, country) or leave it empty."
    ));
    assert!(
        refused.contains("value=\"5 rue du Depot\""),
        "what was typed kept"
    );
    assert!(
        refused.contains("value=\"Blanquefort\""),
        "what was typed kept"
    );

    // A country that is not a two-letter code is refused too.
    let form = customer_form(
        "Entrepôt Garonne",
        &[
            ("delivery_line1", "5 rue du Depot"),
            ("delivery_postal_code", "33290"),
            ("delivery_city", "Blanquefort"),
            ("delivery_country", "France"),
        ],
    );
    let res = app.form_post("/api/save_customer", &pairs(&form)).await;
    assert_eq!(location(&res), "/staff/customers/new");
    assert_eq!(
        customers_named(&app.db, "Entrepôt Garonne").await,
        0,
        "nothing saved"
    );
    let refused = page(&app, "/staff/customers/new").await;
    assert!(refused.contains("Enter a two-letter ISO country code, such as FR."));

    // The whole address is kept, and shows on the customer's next invoice.
    let form = customer_form(
        "Entrepôt Garonne",
        &[
            ("delivery_line1", "5 rue du Depot"),
            ("delivery_postal_code", "33290"),
            ("delivery_city", "Blanquefort"),
            ("delivery_country", "fr"),
        ],
    );
    let res = app.form_post("/api/save_customer", &pairs(&form)).await;
    assert_eq!(location(&res), "/staff/customers");
    let id: i64 = sqlx::query_scalar("SELECT id FROM customers WHERE name = $1")
        .bind("Entrepôt Garonne")
        .fetch_one(&app.db.pool)
        .await
        .expect("saved");
    let mut conn = app.db.pool.acquire().await.expect("conn");
    let buyer = quittance::server::db::customers::buyer(&mut conn, id)
        .await
        .expect("buyer");
    drop(conn);
    assert_eq!(
        buyer.delivery,
        Some(Address {
            line1: "5 rue du Depot".into(),
            postal_code: "33290".into(),
            city: "Blanquefort".into(),
            country: "FR".into(),
        })
    );
    assert_eq!(buyer.email, "compta@entrepot.test");
    app.stop().await;
}
on_both_databases!(a_partial_delivery_address_is_refused_by_its_fields_and_nothing_is_saved);

async fn a_b2b_invoice_to_a_french_business_without_a_siren_is_refused_until_its_siren_is_set(
    db: &TestDb,
) {
    let app = TestApp::start(db, true).await;
    app.get("/lang/en").await;
    app.login("admin@demo.test", "admin-demo-1").await;
    // Stored before the rule: a French business with no SIREN.
    let customer = seed::insert_customer(
        &app.db.pool,
        &seed::CustomerInput {
            name: "Sans Siren SARL",
            is_business: true,
            address_line1: "4 rue D",
            postal_code: "31000",
            city: "Toulouse",
            siren: "",
            vat_number: "",
            billing_email: "compta@sans-siren.test",
            lang: "fr",
        },
    )
    .await
    .expect("customer");
    let id = draft(&app.db, customer).await;
    let id_text = id.to_string();
    let res = app
        .form_post("/api/issue_invoice", &[("id", id_text.as_str())])
        .await;
    let back = location(&res);
    assert!(
        back.starts_with(&format!("/staff/invoices/{id}?issue_err=invalid")),
        "{back}"
    );
    assert!(
        back.contains("issue_err_buyer_siren=buyer_siren_required"),
        "{back}"
    );
    let refused = page(&app, &back).await;
    assert!(refused.contains("data-testid=\"issue-error-buyer_siren\""));
    assert!(refused.contains(
        "This customer is a French business: enter its SIREN on its customer record before issuing the invoice"
    ));
    assert!(refused.contains(&format!("href=\"/staff/customers/{customer}\"")));
    app.get("/lang/fr").await;
    let refused = page(&app, &back).await;
    assert!(refused.contains(
        "Ce client est une entreprise française : renseignez son SIREN dans sa fiche avant d'émettre la facture"
    ));
    let rec =
        quittance::server::db::invoices::get(&mut app.db.pool.acquire().await.expect("conn"), id)
            .await
            .expect("get")
            .expect("invoice");
    assert_eq!(rec.number, None, "still a draft, no number taken");

    // Once the customer record has its SIREN, the same invoice is issued.
    let mut form = customer_form("Sans Siren SARL", &[]);
    form.push(("id".into(), customer.to_string()));
    let res = app.form_post("/api/save_customer", &pairs(&form)).await;
    assert_eq!(location(&res), "/staff/customers");
    let res = app
        .form_post("/api/issue_invoice", &[("id", id_text.as_str())])
        .await;
    assert!(
        location(&res).starts_with(&format!("/staff/invoices/{id}?done=")),
        "{}",
        location(&res)
    );
    let rec =
        quittance::server::db::invoices::get(&mut app.db.pool.acquire().await.expect("conn"), id)
            .await
            .expect("get")
            .expect("invoice");
    assert!(rec.number.is_some(), "issued");
    app.stop().await;
}
on_both_databases!(
    a_b2b_invoice_to_a_french_business_without_a_siren_is_refused_until_its_siren_is_set
);

async fn the_invoice_page_and_its_pdf_show_the_delivery_address_the_category_and_the_debits_option(
    db: &TestDb,
) {
    let app = TestApp::start(db, true).await;
    app.login("admin@demo.test", "admin-demo-1").await;
    let customer = seed::insert_customer(
        &app.db.pool,
        &seed::CustomerInput {
            name: "Chantier Dupuis SAS",
            is_business: true,
            address_line1: "2 rue B",
            postal_code: "69001",
            city: "Lyon",
            siren: "552100554",
            vat_number: "FR96552100554",
            billing_email: "compta@dupuis.test",
            lang: "fr",
        },
    )
    .await
    .expect("customer");
    seed::set_delivery(
        &app.db.pool,
        customer,
        &Address {
            line1: "Chantier de la Part-Dieu, 17 rue Garibaldi".into(),
            postal_code: "69003".into(),
            city: "Lyon".into(),
            country: "FR".into(),
        },
    )
    .await
    .expect("delivery");
    seed::set_company_mentions(&app.db.pool, OperationCategory::Mixed, true)
        .await
        .expect("mentions");
    let id = draft(&app.db, customer).await;
    let issued = invoicing::issue(&app.db, id, today(), None)
        .await
        .expect("issue");
    // Changing the settings afterwards leaves the issued invoice as it was.
    seed::set_company_mentions(&app.db.pool, OperationCategory::Services, false)
        .await
        .expect("mentions");

    app.get("/lang/fr").await;
    let fr = page(&app, &format!("/staff/invoices/{id}")).await;
    assert!(fr.contains("Adresse de livraison"));
    assert!(fr.contains("Chantier de la Part-Dieu, 17 rue Garibaldi"));
    assert!(fr.contains("69003 Lyon"));
    assert!(fr.contains("Nature de l'opération : Livraison de biens et prestations de services"));
    assert!(fr.contains("Option pour le paiement de la taxe d'après les débits"));
    assert!(fr.contains("552100554"), "the buyer's SIREN");
    app.get("/lang/en").await;
    let en = page(&app, &format!("/staff/invoices/{id}")).await;
    assert!(en.contains("Delivery address"));
    assert!(en.contains("Type of operation: Goods and services"));
    assert!(en.contains(
        "VAT option: tax paid on debits (option pour le paiement de la taxe d'après les débits)"
    ));

    // The PDF, in the customer's language (French).
    let res = app.get(&format!("/invoices/{}/pdf", issued.number)).await;
    assert_eq!(res.status(), 200);
    let text = pdf_text(&res.bytes().await.expect("pdf"));
    for expected in [
        "Adresse de livraison",
        "Chantier de la Part-Dieu, 17 rue Garibaldi",
        "69003 Lyon",
        "Nature de l'opération : Livraison de biens et prestations de services",
        "Option pour le paiement de la taxe d'après les débits",
        "SIREN 552100554",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }

    // An invoice issued now says services and no option, without delivery
    // for a customer delivered at its billing address.
    let plain = seed::insert_customer(
        &app.db.pool,
        &seed::CustomerInput {
            name: "Bureau Martin SARL",
            is_business: true,
            address_line1: "3 rue C",
            postal_code: "13001",
            city: "Marseille",
            siren: "443061841",
            vat_number: "FR64443061841",
            billing_email: "compta@martin.test",
            lang: "fr",
        },
    )
    .await
    .expect("customer");
    let id = draft(&app.db, plain).await;
    let issued = invoicing::issue(&app.db, id, today(), None)
        .await
        .expect("issue");
    let res = app.get(&format!("/invoices/{}/pdf", issued.number)).await;
    let text = pdf_text(&res.bytes().await.expect("pdf"));
    assert!(text.contains("Nature de l'opération : Prestations de services"));
    assert!(!text.contains("débits"));
    assert!(!text.contains("Adresse de livraison"));
    app.stop().await;
}
on_both_databases!(
    the_invoice_page_and_its_pdf_show_the_delivery_address_the_category_and_the_debits_option
);
