//! The accounting exports on SQLite and PostgreSQL: the CSV files and the FEC
//! row by row against a small fixture (two VAT rates, a credit note, an
//! offline payment, a customer whose name needs quoting), every FEC entry
//! balanced, the accounts taken from the settings; who may download (staff
//! only) and a backwards range sent back to the page with its message.
use crate::common::{TestApp, TestDb, company_and_customer, location, today};
use chrono::{NaiveDate, TimeDelta};
use futures::StreamExt;
use quittance::model::export::{AccountingSettings, CsvKind};
use quittance::model::lang::Lang;
use quittance::model::role::Role;
use quittance::model::user::SessionUser;
use quittance::model::validate::FieldProblem;
use quittance::model::vat::VatRate;
use quittance::server::db::{Db, seed, users};
use quittance::server::services::exports::{self, ExportFile};
use quittance::server::services::invoicing::{self, CreditRequest};
use quittance::server::services::payments::{self, OfflineInput};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn compact(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

fn day(offset: i64) -> NaiveDate {
    today() + TimeDelta::days(offset)
}

/// An invoice issued `offset` days from today with one line per `(price, rate)`,
/// sold that day and due 30 days later.
async fn invoice(db: &Db, customer: i64, lines: &[(&str, &str)], offset: i64) -> (i64, String) {
    use quittance::model::draft::{DraftInput, DraftLineInput};
    let draft = DraftInput {
        customer_id: customer,
        currency: "EUR".into(),
        sale_date: iso(day(offset)),
        due_date: iso(day(offset + 30)),
        deposits: String::new(),
        lines: lines
            .iter()
            .map(|(price, rate)| DraftLineInput {
                description: "Prestation".into(),
                quantity: "1".into(),
                unit: String::new(),
                unit_price: (*price).into(),
                vat_rate: (*rate).into(),
                discount_pct: String::new(),
            })
            .collect(),
    };
    let id = invoicing::create_draft(db, &draft, day(offset))
        .await
        .expect("draft");
    let issued = invoicing::issue(db, id, day(offset), None)
        .await
        .expect("issue");
    (issued.id, issued.number)
}

struct Fixture {
    admin: SessionUser,
    a: i64,
    b: i64,
    inv1: String,
    inv2: String,
    credit_note: String,
}

/// - outside the range: an invoice of customer A issued 60 days ago;
/// - inv1, customer A, 10 days ago: 100.00 at 20 % + 50.00 at 10 %
///   (HT 150.00, VAT 20.00 + 5.00, TTC 175.00), 75.00 paid by transfer 2 days ago;
/// - inv2, customer B `Dupont; "Fils"`, 5 days ago: 200.00 at 20 % (TTC 240.00),
///   credited 3 days ago by 50.00 HT at 20 % (TTC 60.00).
async fn fixture(db: &Db) -> Fixture {
    let a = company_and_customer(db, "compta@client.test").await;
    let b = seed::insert_customer(
        &db.pool,
        &seed::CustomerInput {
            name: "Dupont; \"Fils\"",
            // A person: a French business would need a SIREN to be invoiced.
            is_business: false,
            address_line1: "3 rue C",
            postal_code: "13001",
            city: "Marseille",
            siren: "",
            vat_number: "",
            billing_email: "compta@dupont.test",
            lang: "fr",
        },
    )
    .await
    .expect("customer");
    let admin_id = users::insert(&db.pool, "admin@test.test", "x", Role::Admin, None, "Ada")
        .await
        .expect("admin");
    let admin = SessionUser {
        id: admin_id,
        email: "admin@test.test".into(),
        display_name: "Ada".into(),
        role: Role::Admin,
        customer_id: None,
    };
    // Issued oldest first: numbers follow issue dates.
    invoice(db, a, &[("999", "20")], -60).await;
    let (id1, inv1) = invoice(db, a, &[("100", "20"), ("50", "10")], -10).await;
    let (id2, inv2) = invoice(db, b, &[("200", "20")], -5).await;
    let partial = CreditRequest::Partial {
        amount_ht: 5_000,
        vat_rate: VatRate::Standard20,
        description: "Remise".into(),
    };
    let credit_note = invoicing::credit(db, id2, &partial, day(-3), Some(admin_id))
        .await
        .expect("credit note")
        .number;
    let pay = OfflineInput {
        amount: "75".into(),
        method: "transfer".into(),
        received_on: iso(day(-2)),
        reference: "VIR-42".into(),
    };
    payments::record_offline(db, id1, &pay, today(), admin_id)
        .await
        .expect("payment");
    Fixture {
        admin,
        a,
        b,
        inv1,
        inv2,
        credit_note,
    }
}

async fn bytes_of(file: ExportFile) -> Vec<u8> {
    file.body
        .map(|c| c.expect("a chunk"))
        .collect::<Vec<Vec<u8>>>()
        .await
        .concat()
}

fn range() -> (NaiveDate, NaiveDate) {
    (day(-30), today())
}

async fn csv_lines(db: &Db, fx: &Fixture, kind: CsvKind, lang: Lang) -> (Vec<u8>, Vec<String>) {
    let file = exports::csv(db, &fx.admin, kind, range(), lang).expect("export");
    assert_eq!(file.name, kind.file_name(day(-30), today()));
    let bytes = bytes_of(file).await;
    let text = String::from_utf8(bytes.clone()).expect("utf-8");
    let lines = text
        .trim_start_matches('\u{feff}')
        .split("\r\n")
        .map(str::to_string)
        .collect();
    (bytes, lines)
}

async fn the_csv_files_list_the_range_row_by_row(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let fx = fixture(&app.db).await;

    let (bytes, lines) = csv_lines(&app.db, &fx, CsvKind::Invoices, Lang::Fr).await;
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "French files start with a BOM"
    );
    let due = |o: i64| iso(day(o + 30));
    assert_eq!(
        lines,
        vec![
            "Numéro;Date d'émission;Date de vente;Échéance;Client;SIREN client;\
             TVA intracommunautaire client;Devise;Total HT;Total TVA;Total TTC;Acomptes;\
             Montant payé;Montant crédité;Solde;Statut"
                .to_string(),
            format!(
                "{};{};{};{};Client SARL;552100554;FR96552100554;EUR;150,00;25,00;175,00;0,00;\
                 75,00;0,00;100,00;partiellement payée",
                fx.inv1,
                iso(day(-10)),
                iso(day(-10)),
                due(-10)
            ),
            format!(
                "{};{};{};{};\"Dupont; \"\"Fils\"\"\";;;EUR;200,00;40,00;240,00;0,00;0,00;60,00;\
                 180,00;émise",
                fx.inv2,
                iso(day(-5)),
                iso(day(-5)),
                due(-5)
            ),
            String::new(),
        ]
    );

    let (_, lines) = csv_lines(&app.db, &fx, CsvKind::CreditNotes, Lang::Fr).await;
    assert_eq!(
        lines[1..],
        [
            format!(
                "{};{};{};\"Dupont; \"\"Fils\"\"\";EUR;50,00;10,00;60,00",
                fx.credit_note,
                iso(day(-3)),
                fx.inv2
            ),
            String::new(),
        ]
    );

    let (bytes, lines) = csv_lines(&app.db, &fx, CsvKind::Payments, Lang::En).await;
    assert!(!bytes.starts_with(b"\xEF\xBB\xBF"), "no BOM in English");
    assert_eq!(
        lines,
        vec![
            "Date,Invoice,Customer,Method,Reference,Amount,Refunded,Charged back,Net,Currency,Provider"
                .to_string(),
            format!(
                "{},{},Client SARL,bank transfer,VIR-42,75.00,0.00,0.00,75.00,EUR,offline",
                iso(day(-2)),
                fx.inv1
            ),
            String::new(),
        ]
    );
    app.stop().await;
}
on_both_databases!(the_csv_files_list_the_range_row_by_row);

/// ISO 8859-15 back to text (the fixture only has Latin-1 characters).
fn latin(bytes: &[u8]) -> String {
    bytes.iter().map(|b| char::from(*b)).collect()
}

fn amount(s: &str) -> Decimal {
    s.replace(',', ".").parse().expect("an amount")
}

async fn the_fec_posts_balanced_sales_and_bank_entries_to_the_set_accounts(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let fx = fixture(&app.db).await;
    // A separate account for 10 % VAT; a refused value changes nothing.
    let bad = AccountingSettings {
        bank_account: "5X2".into(),
        ..Default::default()
    };
    match exports::save_settings(&app.db, &fx.admin, bad).await {
        Err(quittance::error::AppError::Validation(e)) => {
            assert_eq!(e.get("bank_account"), Some(FieldProblem::NotANumber))
        }
        other => panic!("refused expected, got {other:?}"),
    }
    let split = AccountingSettings {
        vat_account_1000: "445712".into(),
        ..Default::default()
    };
    exports::save_settings(&app.db, &fx.admin, split)
        .await
        .expect("settings saved");

    let file = exports::fec(&app.db, &fx.admin, range())
        .await
        .expect("fec");
    assert_eq!(file.name, format!("732829320FEC{}.txt", compact(today())));
    let text = latin(&bytes_of(file).await);
    let rows: Vec<Vec<&str>> = text
        .split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| l.split('\t').collect())
        .collect();
    assert_eq!(
        rows[0].join("|"),
        "JournalCode|JournalLib|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|\
         CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|\
         Montantdevise|Idevise"
    );
    assert!(
        rows.iter().all(|r| r.len() == 18),
        "18 columns on every line"
    );
    // Journal, number, date, account, aux, piece, debit, credit, valid date.
    let short: Vec<String> = rows[1..]
        .iter()
        .map(|r| [r[0], r[2], r[3], r[4], r[6], r[8], r[11], r[12], r[15]].join(" "))
        .collect();
    let (a, b) = (format!("C{:06}", fx.a), format!("C{:06}", fx.b));
    let (d10, d5, d3, d2) = (
        compact(day(-10)),
        compact(day(-5)),
        compact(day(-3)),
        compact(day(-2)),
    );
    let recorded = compact(chrono::Utc::now().date_naive());
    let (i1, i2, cn) = (&fx.inv1, &fx.inv2, &fx.credit_note);
    assert_eq!(
        short,
        vec![
            format!("VE 1 {d10} 411 {a} {i1} 175,00 0,00 {d10}"),
            format!("VE 1 {d10} 706  {i1} 0,00 150,00 {d10}"),
            format!("VE 1 {d10} 44571  {i1} 0,00 20,00 {d10}"),
            format!("VE 1 {d10} 445712  {i1} 0,00 5,00 {d10}"),
            format!("VE 2 {d5} 411 {b} {i2} 240,00 0,00 {d5}"),
            format!("VE 2 {d5} 706  {i2} 0,00 200,00 {d5}"),
            format!("VE 2 {d5} 44571  {i2} 0,00 40,00 {d5}"),
            format!("VE 3 {d3} 411 {b} {cn} 0,00 60,00 {d3}"),
            format!("VE 3 {d3} 706  {cn} 50,00 0,00 {d3}"),
            format!("VE 3 {d3} 44571  {cn} 10,00 0,00 {d3}"),
            format!("BQ 4 {d2} 512  VIR-42 75,00 0,00 {recorded}"),
            format!("BQ 4 {d2} 411 {a} VIR-42 0,00 75,00 {recorded}"),
        ]
    );
    assert_eq!(rows[5][7], "Dupont; \"Fils\"", "the name as it is");
    assert_eq!(rows[4][5], "TVA collectée 10\u{a0}%");
    let mut sums: BTreeMap<&str, Decimal> = BTreeMap::new();
    for r in &rows[1..] {
        *sums.entry(r[2]).or_default() += amount(r[11]) - amount(r[12]);
    }
    assert_eq!(sums.len(), 4);
    assert!(
        sums.values().all(|s| s.is_zero()),
        "debit = credit per entry: {sums:?}"
    );
    app.stop().await;
}
on_both_databases!(the_fec_posts_balanced_sales_and_bank_entries_to_the_set_accounts);

const FILES: [&str; 4] = [
    "invoices.csv",
    "credit-notes.csv",
    "payments.csv",
    "fec.txt",
];

async fn the_exports_are_for_staff_only(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    for f in FILES {
        let res = app.get(&format!("/staff/exports/{f}")).await;
        assert_eq!(res.status(), 303, "{f} anonymous");
        assert!(
            location(&res).starts_with("/login"),
            "{f} to the login page"
        );
    }
    assert_eq!(app.call("/api/exports_page", &[]).await.status(), 401);
    app.login("client@demo.test", "client-demo-1").await;
    for f in FILES {
        let res = app.get(&format!("/staff/exports/{f}")).await;
        assert_eq!(res.status(), 403, "{f} for a customer");
    }
    assert_eq!(app.call("/api/exports_page", &[]).await.status(), 403);
    app.call("/api/logout", &[]).await;

    app.login("agent@demo.test", "agent-demo-1").await;
    let page = app.get("/staff/exports").await.text().await.expect("html");
    assert!(page.contains("data-testid=\"exp-fec\""), "the links");
    assert!(
        !page.contains("data-testid=\"accounting-settings\""),
        "agents do not edit the accounts"
    );
    let res = app
        .get("/staff/exports/invoices.csv?from=2026-01-01&to=2026-01-31&lang=fr")
        .await;
    assert_eq!(res.status(), 200);
    let header = |n: &str| {
        res.headers()
            .get(n)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(
        header("content-disposition"),
        "attachment; filename=\"invoices-2026-01-01-2026-01-31.csv\""
    );
    assert_eq!(header("cache-control"), "private, no-store");
    assert!(header("content-type").starts_with("text/csv"));
    let body = res.bytes().await.expect("body");
    assert!(body.starts_with(b"\xEF\xBB\xBFNum\xC3\xA9ro;"));
    let fec = app
        .get("/staff/exports/fec.txt?from=2026-01-01&to=2026-01-31")
        .await;
    assert_eq!(fec.status(), 200);
    let name = fec
        .headers()
        .get("content-disposition")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(name.ends_with("FEC20260131.txt\""), "{name}");
    app.call("/api/logout", &[]).await;

    app.login("admin@demo.test", "admin-demo-1").await;
    let page = app.get("/staff/exports").await.text().await.expect("html");
    assert!(
        page.contains("data-testid=\"accounting-settings\""),
        "admins do"
    );
    app.stop().await;
}
on_both_databases!(the_exports_are_for_staff_only);

async fn a_backwards_range_goes_back_to_the_page_with_the_message_by_the_field(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    app.login("agent@demo.test", "agent-demo-1").await;
    for f in FILES {
        let res = app
            .get(&format!(
                "/staff/exports/{f}?from=2026-03-01&to=2026-02-28&lang=en"
            ))
            .await;
        assert_eq!(res.status(), 303, "{f}");
        assert_eq!(
            location(&res),
            "/staff/exports?from=2026-03-01&to=2026-02-28&lang=en"
        );
    }
    let page = app
        .get("/staff/exports?from=2026-03-01&to=2026-02-28&lang=en")
        .await
        .text()
        .await
        .expect("html");
    assert!(
        page.contains("data-testid=\"exp-to-error\""),
        "message by the field"
    );
    assert!(page.contains("value=\"2026-03-01\""), "what was typed kept");
    assert!(!page.contains("data-testid=\"exp-fec\""), "no links");
    let res = app
        .get("/staff/exports/payments.csv?from=2010-01-01&to=2020-01-02")
        .await;
    assert_eq!(res.status(), 303, "over 10 years");
    app.stop().await;
}
on_both_databases!(a_backwards_range_goes_back_to_the_page_with_the_message_by_the_field);

async fn an_admin_saves_the_accounts_from_the_page_and_a_bad_one_comes_back_by_its_field(
    db: &TestDb,
) {
    let app = TestApp::start(db, true).await;
    app.login("admin@demo.test", "admin-demo-1").await;
    let mut form: Vec<(String, String)> = quittance::model::export::ACCOUNT_FIELDS
        .iter()
        .chain(quittance::model::export::JOURNAL_FIELDS.iter())
        .map(|f| {
            let v = AccountingSettings::default().field(f).to_string();
            (format!("settings[{f}]"), v)
        })
        .collect();
    form[0].1 = "41".into();
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = app.form_post("/api/save_accounting_settings", &pairs).await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let page = app.get("/staff/exports").await.text().await.expect("html");
    assert!(
        page.contains("id=\"acc-customer_account-error\""),
        "message by the field"
    );
    assert!(page.contains("value=\"41\""), "what was typed kept");
    assert_eq!(
        exports::settings(&app.db).await.expect("settings"),
        AccountingSettings::default(),
        "nothing saved"
    );
    form[0].1 = "4110000".into();
    let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let res = app.form_post("/api/save_accounting_settings", &pairs).await;
    assert!(location(&res).starts_with("/staff/exports?saved=1"));
    let saved = exports::settings(&app.db).await.expect("settings");
    assert_eq!(saved.customer_account, "4110000");
    app.stop().await;
}
on_both_databases!(an_admin_saves_the_accounts_from_the_page_and_a_bad_one_comes_back_by_its_field);
