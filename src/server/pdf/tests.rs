//! Renders sample documents and reads them back with poppler's `pdftotext`
//! and `pdfinfo` (Debian package poppler-utils).
use super::font::Faces;
use super::labels;
use super::render_pdf;
use super::table::{CELL, DESCRIPTION_TEXT_WIDTH};
use super::{notice_file_name, render_formal_notice};
use crate::i18n::Locale;
use crate::model::document::{
    Buyer, DocKind, DocLine, InvoiceDocument, OperationCategory, Seller, Terms,
};
use crate::model::format::format_money;
use crate::model::invoice::DisplayStatus;
use crate::model::lang::Lang;
use crate::model::reminder::notice::{FormalNotice, NoticeItem};
use crate::model::reminder::penalty::LateCharges;
use crate::model::vat::{LineAmounts, VatRate, compute_totals};
use chrono::NaiveDate;
use leptos_i18n::td_string;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

const DESCRIPTIONS: [&str; 8] = [
    "Audit de l'infrastructure existante",
    "Développement du module de facturation électronique, y compris la génération des \
     factures au format Factur-X, les tests automatisés et la documentation technique",
    "Licence annuelle « Quittance Pro »",
    "Formation des équipes (session d'une journée)",
    "Hébergement mensuel",
    "Maintenance corrective",
    "Livre technique",
    "Frais de déplacement",
];

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

/// An invoice of `n` lines at 20 %, 10 % and 5.5 %, one line at 0 %, to a business.
fn sample_invoice(n: usize) -> InvoiceDocument {
    let rates = [
        VatRate::Standard20,
        VatRate::Intermediate10,
        VatRate::Reduced5_5,
    ];
    let mut lines = Vec::new();
    let mut amounts = Vec::new();
    for i in 0..n {
        let rate = if i == 3 {
            VatRate::Zero
        } else {
            rates[i % rates.len()]
        };
        let amount = LineAmounts {
            quantity: format!("{}.5", 1 + i % 4).parse().expect("quantity"),
            unit_price_ht: 12_345 + 1_000 * i as i64,
            vat_rate: rate,
            discount_pct: if i % 5 == 0 { "12.5" } else { "0" }
                .parse()
                .expect("discount"),
        };
        lines.push(DocLine {
            description: format!("{} n°{}", DESCRIPTIONS[i % DESCRIPTIONS.len()], i + 1),
            quantity: amount.quantity.to_string(),
            unit: if i % 2 == 0 { "jour" } else { "forfait" }.to_owned(),
            unit_price_ht: amount.unit_price_ht,
            vat_rate: rate,
            discount_pct: amount.discount_pct.to_string(),
            total_ht: amount.net_rounded(),
        });
        amounts.push(amount);
    }
    let totals = compute_totals(&amounts);
    let (deposits, paid) = (50_000, 12_000);
    InvoiceDocument {
        kind: DocKind::Invoice,
        number: "F-2026-0042".to_owned(),
        issue_date: date(2026, 11, 22),
        sale_date: date(2026, 11, 15),
        due_date: date(2026, 12, 22),
        currency: "EUR".to_owned(),
        seller: Seller {
            legal_name: "Atelier Numérique Dupont".to_owned(),
            legal_form: "SAS".to_owned(),
            share_capital: Some(1_000_000),
            address_line1: "12 rue des Tanneurs".to_owned(),
            postal_code: "69002".to_owned(),
            city: "Lyon".to_owned(),
            country: "France".to_owned(),
            siren: "123 456 789".to_owned(),
            siret: "123 456 789 00012".to_owned(),
            rcs_city: "Lyon".to_owned(),
            vat_number: "FR12123456789".to_owned(),
            iban: "FR76 3000 6000 0112 3456 7890 189".to_owned(),
            bic: "AGRIFRPPXXX".to_owned(),
            vat_on_debits: false,
        },
        buyer: Buyer {
            name: "Boulangerie Martin SARL".to_owned(),
            address_line1: "3 place du Marché".to_owned(),
            postal_code: "38000".to_owned(),
            city: "Grenoble".to_owned(),
            country: "France".to_owned(),
            siren: "987 654 321".to_owned(),
            vat_number: "FR45987654321".to_owned(),
            is_business: true,
            delivery: None,
            email: String::new(),
        },
        lines,
        per_rate: totals.per_rate,
        total_ht: totals.total_ht,
        total_vat: totals.total_vat,
        total_ttc: totals.total_ttc,
        deposits,
        paid,
        credited: 0,
        balance: totals.total_ttc - deposits - paid,
        status: DisplayStatus::PartiallyPaid,
        terms: Terms {
            payment_terms_days: 30,
            late_penalty_rate_bp: 1000,
            recovery_indemnity: Some(4_000),
            early_discount_terms: String::new(),
        },
        operation: OperationCategory::Services,
        corrects_number: None,
        corrects_issue_date: None,
        pay_url: Some("https://pay.example.test/i/F-2026-0042".to_owned()),
        logo_url: None,
        credit_notes: vec![],
    }
}

/// Collapses every run of whitespace (no-break spaces included) to one space.
fn normalize(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Writes the PDF to a temporary file, runs a poppler tool on it and returns its output.
fn poppler(tool: &str, args: &[&str], pdf: &[u8]) -> String {
    static COUNTER: AtomicUsize = AtomicUsize::new(0);
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let path: PathBuf =
        std::env::temp_dir().join(format!("quittance-pdf-test-{}-{n}.pdf", std::process::id()));
    std::fs::write(&path, pdf).expect("write the PDF");
    let out = Command::new(tool)
        .args(args)
        .arg(&path)
        .args(if tool == "pdftotext" {
            &["-"][..]
        } else {
            &[][..]
        })
        .output()
        .unwrap_or_else(|e| panic!("run {tool} (apt-get install poppler-utils): {e}"));
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "{tool} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn pdf_text(doc: &InvoiceDocument, lang: Lang) -> String {
    let pdf = render_pdf(doc, lang).expect("render");
    normalize(&poppler("pdftotext", &["-layout", "-enc", "UTF-8"], &pdf))
}

fn page_count(pdf: &[u8]) -> usize {
    poppler("pdfinfo", &[], pdf)
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("a page count")
}

fn assert_shows(text: &str, expected: &str) {
    let expected = normalize(expected);
    assert!(text.contains(&expected), "missing {expected:?} in:\n{text}");
}

fn assert_every_mandatory_mention(lang: Lang) {
    let doc = sample_invoice(20);
    let text = pdf_text(&doc, lang);
    let money = |v| format_money(v, "EUR", lang);
    let s = &doc.seller;
    for expected in [
        &doc.number,
        &s.legal_name,
        &s.siren,
        &s.siret,
        &s.vat_number,
        &s.iban,
    ] {
        assert_shows(&text, expected);
    }
    for expected in [&doc.buyer.name, &doc.buyer.vat_number, &doc.buyer.siren] {
        assert_shows(&text, expected);
    }
    // Long descriptions wrap inside their column: each of their lines is there.
    let faces = Faces::load().expect("fonts");
    for line in &doc.lines {
        let wrapped = faces
            .regular
            .wrap(&line.description, CELL.size, DESCRIPTION_TEXT_WIDTH);
        assert!(!wrapped.is_empty());
        for part in wrapped {
            assert_shows(&text, &part);
        }
    }
    assert!(doc.per_rate.len() >= 3, "the sample has several rates");
    for rate in &doc.per_rate {
        assert_shows(&text, &money(rate.base_ht));
        assert_shows(&text, &rate.rate.label(lang));
    }
    assert_shows(&text, &money(doc.total_ttc));
    assert_shows(&text, &money(doc.balance));
    let penalty = labels::late_penalty(lang, 1000);
    assert!(penalty.contains(if lang == Lang::Fr { "10\u{a0}%" } else { "10%" }));
    assert_shows(&text, &penalty);
    let indemnity = labels::recovery_indemnity(lang, &money(4_000));
    assert!(indemnity.contains("40"));
    assert_shows(&text, &indemnity);
    let l = labels::locale(lang);
    assert_shows(&text, td_string!(l, doc_no_early_discount));
    assert_shows(&text, td_string!(l, doc_vat_exemption));
    assert_shows(&text, &labels::payment_terms(lang, 30));
    assert_shows(&text, &labels::bank_transfer(lang, &s.iban, &s.bic));
}

#[test]
fn a_twenty_line_invoice_renders_every_mandatory_mention_in_french() {
    assert_every_mandatory_mention(Lang::Fr);
}

#[test]
fn a_twenty_line_invoice_renders_every_mandatory_mention_in_english() {
    assert_every_mandatory_mention(Lang::En);
}

#[test]
fn french_labels_and_amounts_come_from_the_french_locale() {
    let text = pdf_text(&sample_invoice(20), Lang::Fr);
    assert_shows(&text, td_string!(Locale::fr, doc_invoice));
    assert_shows(&text, td_string!(Locale::fr, doc_total_ttc));
    assert_shows(&text, "Pénalités de retard : 10 % par an");
    assert_shows(&text, "40,00 €");
    assert_shows(&text, "22/12/2026");
}

#[test]
fn english_labels_and_amounts_come_from_the_english_locale() {
    let text = pdf_text(&sample_invoice(20), Lang::En);
    assert_shows(&text, td_string!(Locale::en, doc_invoice));
    assert_shows(&text, td_string!(Locale::en, doc_balance));
    assert_shows(&text, "Late payment penalties: 10% per year");
    assert_shows(&text, "€40.00");
    assert_shows(&text, "22 Dec 2026");
}

#[test]
fn a_credit_note_is_titled_as_such_and_names_the_invoice_it_corrects() {
    let mut doc = sample_invoice(3);
    doc.kind = DocKind::CreditNote;
    doc.number = "AV-2026-0007".to_owned();
    doc.corrects_number = Some("F-2026-0041".to_owned());
    for lang in [Lang::Fr, Lang::En] {
        let text = pdf_text(&doc, lang);
        assert_shows(&text, td_string!(labels::locale(lang), doc_credit_note));
        assert_shows(&text, "AV-2026-0007");
        assert_shows(&text, &labels::corrects(lang, "F-2026-0041"));
    }
}

#[test]
fn a_sixty_line_invoice_continues_on_more_pages_with_the_table_header_repeated() {
    let doc = sample_invoice(60);
    let pdf = render_pdf(&doc, Lang::Fr).expect("render");
    let pages = page_count(&pdf);
    assert!(pages > 1, "60 lines on {pages} page(s)");
    let text = normalize(&poppler("pdftotext", &["-layout"], &pdf));
    let header = td_string!(Locale::fr, doc_col_description);
    assert!(
        text.matches(header).count() >= pages,
        "header not repeated on every page"
    );
    let faces = Faces::load().expect("fonts");
    let last = &doc.lines[59].description;
    for part in faces.regular.wrap(last, CELL.size, DESCRIPTION_TEXT_WIDTH) {
        assert_shows(&text, &part);
    }
    assert_shows(&text, &format!("F-2026-0042 · {pages}/{pages}"));
}

#[test]
fn the_mentions_that_depend_on_the_terms_follow_them() {
    let mut doc = sample_invoice(2);
    doc.terms.recovery_indemnity = None;
    doc.terms.early_discount_terms = "2 % si paiement sous 8 jours".to_owned();
    doc.pay_url = None;
    let text = pdf_text(&doc, Lang::Fr);
    assert!(!doc.needs_vat_exemption_mention());
    assert!(!text.contains(&normalize(td_string!(Locale::fr, doc_vat_exemption))));
    assert!(!text.contains("L441-10"));
    assert!(!text.contains(&normalize(td_string!(Locale::fr, doc_no_early_discount))));
    assert_shows(
        &text,
        &labels::early_discount(Lang::Fr, "2 % si paiement sous 8 jours"),
    );
    assert!(!text.contains("pay.example.test"));
}

#[test]
fn a_consumer_buyer_shows_no_business_identifiers() {
    let mut doc = sample_invoice(2);
    doc.buyer.is_business = false;
    let text = pdf_text(&doc, Lang::Fr);
    assert_shows(&text, &doc.buyer.name);
    assert!(!text.contains("987 654 321"));
    assert!(!text.contains("FR45987654321"));
}

#[test]
fn a_description_longer_than_a_page_is_split_across_pages_without_losing_words() {
    let mut doc = sample_invoice(1);
    let words: Vec<String> = (0..1500).map(|i| format!("mot{i}")).collect();
    doc.lines[0].description = words.join(" ");
    let pdf = render_pdf(&doc, Lang::Fr).expect("render");
    assert!(page_count(&pdf) > 1);
    let text = normalize(&poppler("pdftotext", &["-layout"], &pdf));
    for w in &words {
        assert!(text.split(' ').any(|t| t == w), "lost {w}");
    }
}

#[test]
fn odd_input_renders_without_panicking() {
    let empty = InvoiceDocument {
        lines: Vec::new(),
        per_rate: Vec::new(),
        ..sample_invoice(0)
    };
    assert!(render_pdf(&empty, Lang::En).is_ok());
    let mut odd = sample_invoice(3);
    odd.seller = Seller::default();
    odd.buyer = Buyer::default();
    odd.number = String::new();
    odd.currency = "XYZ".to_owned();
    odd.lines[0].description = "tab\there\r\nnew line \u{1}\u{7f} emoji 🧾 CJK 請求書 ".repeat(20);
    odd.lines[1].description = "x".repeat(5_000);
    odd.lines[1].unit = "unité-de-mesure-particulièrement-longue".to_owned();
    odd.lines[2].quantity = "not a number".to_owned();
    odd.lines[2].discount_pct = String::new();
    odd.lines[2].unit_price_ht = i64::MIN;
    odd.lines[2].total_ht = i64::MAX;
    odd.total_ttc = i64::MIN;
    odd.deposits = i64::MIN;
    odd.paid = i64::MAX;
    odd.terms.late_penalty_rate_bp = i64::MIN;
    odd.terms.payment_terms_days = -1;
    for lang in [Lang::Fr, Lang::En] {
        let pdf = render_pdf(&odd, lang).expect("render");
        assert!(pdf.starts_with(b"%PDF-"));
    }
}

#[test]
fn wrapped_lines_fit_their_width_and_keep_every_word() {
    let faces = Faces::load().expect("fonts");
    let face = faces.regular;
    let text = "Développement du module de facturation électronique \
                anticonstitutionnellementtrèstrèstrèslongmot fin";
    for width in [20.0, 60.0, 150.0, 400.0] {
        let lines = face.wrap(text, 8.0, width);
        for line in &lines {
            let single_char = line.chars().count() == 1;
            assert!(
                face.width(line, 8.0) <= width + 0.01 || single_char,
                "{line:?} > {width}"
            );
        }
        assert_eq!(lines.concat().replace(' ', ""), text.replace(' ', ""));
    }
    assert_eq!(face.wrap("", 8.0, 100.0), vec![String::new()]);
    assert_eq!(
        face.wrap("a\nb", 8.0, 100.0),
        vec!["a".to_owned(), "b".to_owned()]
    );
}

#[test]
fn text_is_measured_with_the_font_metrics() {
    let faces = Faces::load().expect("fonts");
    // DejaVu Sans: 2048 units per em, "M" is 1767 units wide.
    let m = faces.regular.width("M", 10.0);
    assert!((m - 10.0 * 1767.0 / 2048.0).abs() < 0.01, "M is {m}");
    assert!(faces.bold.width("Total", 10.0) > faces.regular.width("Total", 10.0));
    assert!(
        faces
            .regular
            .glyphs("é€\u{a0}")
            .iter()
            .all(|g| g.glyph_id.to_u32() != 0)
    );
}

const LOGO: &[u8] = include_bytes!("../../../tests/fixtures/logo.png");

/// The images of a PDF as `pdfimages -list` reports them: (width, height) in pixels.
fn images(pdf: &[u8]) -> Vec<(u32, u32)> {
    poppler("pdfimages", &["-list"], pdf)
        .lines()
        .skip(2)
        .filter_map(|l| {
            let cols: Vec<&str> = l.split_whitespace().collect();
            // page num type width height … ; the soft mask of the alpha channel is listed too.
            (cols.get(2) == Some(&"image"))
                .then(|| Some((cols.get(3)?.parse().ok()?, cols.get(4)?.parse().ok()?)))
                .flatten()
        })
        .collect()
}

#[test]
fn the_logo_is_drawn_once_at_its_own_pixel_size() {
    let doc = sample_invoice(3);
    let pdf = super::render_pdf_with_logo(&doc, Lang::Fr, Some(LOGO)).expect("render");
    assert_eq!(images(&pdf), vec![(240, 80)]);
    assert_eq!(images(&render_pdf(&doc, Lang::Fr).expect("render")), vec![]);
    let text = normalize(&poppler("pdftotext", &["-layout", "-enc", "UTF-8"], &pdf));
    assert!(
        text.contains(&doc.number),
        "the rest of the invoice is still there"
    );
}

#[test]
fn an_unreadable_logo_is_left_out_rather_than_failing_the_invoice() {
    let doc = sample_invoice(3);
    // A PNG signature and header followed by garbage: it reads as a PNG, but
    // its pixels cannot be decoded when the PDF is written.
    let mut broken = LOGO[..33].to_vec();
    broken.extend_from_slice(&[0xAB; 64]);
    for logo in [&broken[..], b"not an image at all"] {
        let pdf = super::render_pdf_with_logo(&doc, Lang::En, Some(logo)).expect("render");
        assert_eq!(images(&pdf), vec![]);
    }
}

#[test]
fn a_logo_is_scaled_into_its_box_keeping_its_proportions() {
    use super::canvas::fit_box;
    let bx = (113.4, 56.7);
    let (w, h) = fit_box((240, 80), bx).expect("fits");
    assert!((w - 113.4).abs() < 1e-3 && (h - 37.8).abs() < 1e-3);
    let (w, h) = fit_box((100, 400), bx).expect("fits");
    assert!((h - 56.7).abs() < 1e-3 && (w - 14.175).abs() < 1e-3);
    assert_eq!(fit_box((0, 10), bx), None);
}

/// A formal notice for `n` late invoices of the sample seller to the sample
/// buyer, at 12.15 % a year, each with the 40 EUR indemnity.
fn sample_notice(n: usize) -> FormalNotice {
    let doc = sample_invoice(0);
    let items = (0..n)
        .map(|i| {
            let k = i as i64;
            let principal = 120_000 + 10_101 * k;
            NoticeItem {
                number: format!("F-2026-{:04}", 100 + i),
                issue_date: date(2026, 3, 2),
                due_date: date(2026, 4, 1),
                principal,
                charges: LateCharges {
                    days_late: 91 + k,
                    overdue_minor: principal,
                    rate_bp: 1215,
                    penalties_minor: 3_635 + 7 * k,
                    indemnity_minor: 4_000,
                },
            }
        })
        .collect();
    FormalNotice {
        seller: doc.seller,
        buyer: doc.buyer,
        date: date(2026, 7, 1),
        deadline: date(2026, 7, 9),
        currency: "EUR".to_owned(),
        items,
        pay_url: None,
    }
}

/// The words of `expected` in `text` in that order, whatever comes between
/// them: a label of the totals wraps in its column, beside its amount.
fn assert_shows_words(text: &str, expected: &str) {
    let mut rest = text;
    for word in expected.split_whitespace() {
        match rest.find(word) {
            Some(at) => rest = &rest[at + word.len()..],
            None => panic!("missing {word:?} of {expected:?} in:\n{text}"),
        }
    }
}

fn notice_pdf(n: &FormalNotice, lang: Lang) -> Vec<u8> {
    let pdf = render_formal_notice(n, lang).expect("render");
    assert!(pdf.starts_with(b"%PDF-"));
    pdf
}

fn notice_text(n: &FormalNotice, lang: Lang) -> String {
    normalize(&poppler(
        "pdftotext",
        &["-layout", "-enc", "UTF-8"],
        &notice_pdf(n, lang),
    ))
}

/// Everything the letter must say about two invoices, in either language.
fn assert_notice_shows_the_claim(lang: Lang) {
    let n = sample_notice(2);
    let text = notice_text(&n, lang);
    let money = |v| format_money(v, "EUR", lang);
    let s = &n.seller;
    for expected in [&s.legal_name, &s.siren, &s.vat_number, &s.address_line1] {
        assert_shows(&text, expected);
    }
    for expected in [&n.buyer.name, &n.buyer.address_line1] {
        assert_shows(&text, expected);
    }
    for item in &n.items {
        assert_shows(&text, &item.number);
        assert_shows(&text, &money(item.principal));
        assert_shows(&text, &money(item.charges.penalties_minor));
        assert_shows(&text, &item.charges.days_late.to_string());
    }
    assert_eq!(n.principal(), 250_101);
    assert_shows(&text, &money(n.principal()));
    assert_shows(&text, &money(n.penalties()));
    assert_shows(&text, &money(n.indemnities()));
    assert_shows(&text, &money(n.total()));
    let l = labels::locale(lang);
    for key in [
        td_string!(l, pdf_notice_registered),
        td_string!(l, pdf_notice_salutation),
        td_string!(l, pdf_notice_intro_several),
        td_string!(l, pdf_notice_total_due),
        td_string!(l, pdf_notice_consequence),
        td_string!(l, pdf_notice_closing),
    ] {
        assert_shows(&text, key);
    }
    assert_shows_words(&text, td_string!(l, pdf_notice_total_indemnity));
    assert!(text.contains("L441-10") && text.contains("D441-5"));
}

#[test]
fn a_french_formal_notice_states_the_claim_the_deadline_and_the_consequence() {
    assert_notice_shows_the_claim(Lang::Fr);
    let n = sample_notice(2);
    let text = notice_text(&n, Lang::Fr);
    assert_shows(&text, "Objet : Mise en demeure de payer");
    assert_shows(&text, "Lettre recommandée avec accusé de réception");
    assert_shows(&text, "Lyon, le 01/07/2026");
    assert_shows(&text, "02/03/2026");
    assert_shows(&text, "01/04/2026");
    assert_shows(&text, "Pénalités de retard au taux de 12,15 % l'an");
    assert_shows(&text, "Principal restant dû 2 501,01 €");
    assert_shows(
        &text,
        &format!(
            "Par la présente, nous vous mettons en demeure, conformément à l'article 1344 du \
             Code civil, de nous régler la somme de {} au plus tard le 09/07/2026.",
            format_money(n.total(), "EUR", Lang::Fr)
        ),
    );
    assert_shows(
        &text,
        "À défaut de paiement dans ce délai, nous saisirons la juridiction compétente afin \
         d'obtenir le recouvrement de notre créance, sans autre avis.",
    );
    assert_shows(
        &text,
        "Veuillez agréer, Madame, Monsieur, l'expression de nos salutations distinguées.",
    );
    // Without a pay link, the bank transfer.
    assert_shows(
        &text,
        "IBAN FR76 3000 6000 0112 3456 7890 189, BIC AGRIFRPPXXX",
    );
    assert_shows(&text, "les montants ci-dessus sont arrêtés au 01/07/2026");
    assert!(!text.contains("Formal notice"));
}

#[test]
fn an_english_formal_notice_has_the_english_words_and_formats() {
    assert_notice_shows_the_claim(Lang::En);
    let mut n = sample_notice(2);
    n.pay_url = Some("https://pay.example.test/n/42".to_owned());
    let text = notice_text(&n, Lang::En);
    assert_shows(&text, "Subject: Formal notice to pay");
    assert_shows(
        &text,
        "Sent by registered letter with acknowledgement of receipt",
    );
    assert_shows(&text, "Lyon, 1 Jul 2026");
    assert_shows(&text, "Dear Sir or Madam,");
    assert_shows(&text, "Late-payment penalties at 12.15% a year");
    assert_shows(&text, "€2,501.01");
    assert_shows(
        &text,
        &format!(
            "We hereby give you formal notice, under article 1344 of the French Civil Code, \
             to pay us the sum of {} by 9 Jul 2026 at the latest.",
            format_money(n.total(), "EUR", Lang::En)
        ),
    );
    assert_shows(
        &text,
        "Failing payment by that date, we will refer the matter to the competent court to \
         recover the debt, without further notice.",
    );
    // The pay link replaces the bank details.
    assert_shows(
        &text,
        "You can pay online at: https://pay.example.test/n/42",
    );
    assert!(!text.contains("AGRIFRPPXXX"));
    assert_shows(&text, "Yours faithfully,");
    assert!(!text.contains("Mise en demeure"));
}

#[test]
fn the_formal_notice_is_titled_with_its_subject_and_date_in_its_language() {
    for (lang, title, code) in [
        (Lang::Fr, "Mise en demeure de payer – 01/07/2026", "fr"),
        (Lang::En, "Formal notice to pay – 1 Jul 2026", "en"),
    ] {
        let pdf = notice_pdf(&sample_notice(2), lang);
        let info = poppler("pdfinfo", &[], &pdf);
        let got = info
            .lines()
            .find_map(|l| l.strip_prefix("Title:"))
            .map(str::trim);
        assert_eq!(got, Some(title), "{info}");
        // The catalog's /Lang, from `lang.code()`.
        let raw = String::from_utf8_lossy(&pdf);
        assert!(raw.contains(&format!("/Lang({code})")), "no /Lang({code})");
    }
}

#[test]
fn a_single_invoice_without_indemnity_reads_in_the_singular_and_has_no_indemnity_row() {
    let mut n = sample_notice(1);
    n.items[0].charges.indemnity_minor = 0;
    n.seller.bic = String::new();
    for lang in [Lang::Fr, Lang::En] {
        let text = notice_text(&n, lang);
        let l = labels::locale(lang);
        assert_shows(&text, td_string!(l, pdf_notice_intro_single));
        assert!(!text.contains("L441-10"));
        assert!(!text.contains("BIC"));
        assert_shows(&text, "FR76 3000 6000 0112 3456 7890 189");
        assert_shows(&text, &format_money(n.total(), "EUR", lang));
    }
}

#[test]
fn invoices_at_different_rates_show_every_rate() {
    let mut n = sample_notice(3);
    n.items[1].charges.rate_bp = 1240;
    n.items[2].charges.rate_bp = 1000;
    let text = notice_text(&n, Lang::Fr);
    assert_shows_words(
        &text,
        "Pénalités de retard aux taux annuels de 10,00 %, 12,15 %, 12,40 %",
    );
}

#[test]
fn forty_invoices_flow_onto_several_pages_with_the_table_header_repeated() {
    let n = sample_notice(40);
    let pdf = notice_pdf(&n, Lang::Fr);
    let pages = page_count(&pdf);
    assert!(pages > 1, "40 invoices on {pages} page(s)");
    let text = normalize(&poppler("pdftotext", &["-layout", "-enc", "UTF-8"], &pdf));
    for item in &n.items {
        assert_shows(&text, &item.number);
    }
    let header = td_string!(Locale::fr, pdf_notice_col_due_date);
    assert!(
        text.matches(header).count() >= pages.min(2),
        "header not repeated on the next page"
    );
    assert_shows(&text, &format_money(n.total(), "EUR", Lang::Fr));
    assert_shows(&text, td_string!(Locale::fr, pdf_notice_closing));
    assert_shows(&text, &format!("01/07/2026 · {pages}/{pages}"));
}

#[test]
fn an_odd_formal_notice_renders_without_panicking() {
    let mut n = sample_notice(3);
    n.seller = Seller::default();
    n.buyer = Buyer::default();
    n.currency = "XYZ".to_owned();
    n.pay_url = Some("  ".to_owned());
    n.items[0].number = "x".repeat(3_000);
    n.items[1].principal = i64::MIN / 4;
    n.items[1].charges.rate_bp = i64::MIN;
    n.items[2].charges.rate_bp = i64::MAX;
    n.items[2].charges.days_late = -5;
    for lang in [Lang::Fr, Lang::En] {
        notice_pdf(&n, lang);
        notice_pdf(
            &FormalNotice {
                items: Vec::new(),
                ..n.clone()
            },
            lang,
        );
    }
}

#[test]
fn the_notice_file_name_is_dated_in_the_customers_language() {
    let day = date(2026, 7, 1);
    assert_eq!(
        notice_file_name(Lang::Fr, day),
        "mise-en-demeure-2026-07-01.pdf"
    );
    assert_eq!(
        notice_file_name(Lang::En, day),
        "formal-notice-2026-07-01.pdf"
    );
}

#[test]
#[ignore = "writes /tmp/notice-sample-{fr,en,40}.pdf to look at"]
fn a_sample_notice_is_written_to_tmp() {
    for lang in [Lang::Fr, Lang::En] {
        let pdf = notice_pdf(&sample_notice(3), lang);
        std::fs::write(format!("/tmp/notice-sample-{}.pdf", lang.code()), pdf).expect("write");
    }
    let pdf = notice_pdf(&sample_notice(40), Lang::Fr);
    std::fs::write("/tmp/notice-sample-40.pdf", pdf).expect("write");
}

#[test]
fn a_factur_x_pdf_carries_its_xml_and_says_so_in_its_metadata() {
    let doc = sample_invoice(20);
    let pdf = super::render_facturx_pdf(&doc, Lang::Fr).expect("render");
    let has = |needle: &[u8]| pdf.windows(needle.len()).any(|w| w == needle);
    assert!(pdf.starts_with(b"%PDF-1.7"));
    assert!(has(b"factur-x.xml"), "the embedded file");
    assert!(
        has(b"/AFRelationship") && has(b"/Alternative"),
        "its relationship"
    );
    assert!(
        has(b"<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>"),
        "the fx XMP"
    );
    assert!(has(b"pdfaid:part"), "the PDF/A identification");
    // The same document always gives the same bytes (dated by its issue date).
    assert_eq!(
        pdf,
        super::render_facturx_pdf(&doc, Lang::Fr).expect("render")
    );
    // The plain PDF carries no XML.
    let plain = render_pdf(&doc, Lang::Fr).expect("render");
    assert!(!plain.windows(12).any(|w| w == b"factur-x.xml"));
}
