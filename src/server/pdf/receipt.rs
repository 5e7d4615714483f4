//! The receipt of one payment as a PDF (A4, fonts embedded), in the
//! customer's language: who was paid, who paid, how much, when, how, for which
//! invoice and what is left to pay. Every word comes from the `pdf_receipt_*`
//! keys of the locale files (plus the seller's identifiers, shared with the
//! invoice's `doc_*` keys); the drawing reuses the invoice's canvas and fonts.
use super::PdfError;
use super::canvas::{
    CONTENT_WIDTH, Canvas, MARGIN_X, MUTED, PAGE_HEIGHT, PAGE_WIDTH, RIGHT, Style,
};
use super::font::{Faces, Weight};
use super::labels::locale;
use super::layout::{BODY, RIGHT_COL, ROW_PAD_Y, SMALL, STRONG, block, row};
use crate::model::document::Seller;
use crate::model::format::{format_date, format_money};
use crate::model::lang::Lang;
use crate::model::payment::Receipt;
use crate::server::email::messages::method_label;
use leptos_i18n::td_string;

const TITLE: Style = Style::new(Weight::Bold, 20.0);
const NAME: Style = Style::new(Weight::Bold, 12.0);
const AMOUNT: Style = Style::new(Weight::Bold, 11.0);
const GUTTER: f32 = 16.0;

/// Fixed words of the receipt, in one language.
struct Words {
    title: String,
    seller: String,
    siren: String,
    vat_number: String,
    received_from: String,
    invoice_number: String,
    date: String,
    amount: String,
    method: String,
    reference: String,
    invoice_total: String,
    balance_after: String,
    footer: String,
}

impl Words {
    fn new(lang: Lang) -> Words {
        let l = locale(lang);
        Words {
            title: td_string!(l, pdf_receipt_title).to_string(),
            seller: td_string!(l, doc_seller).to_string(),
            siren: td_string!(l, doc_siren).to_string(),
            vat_number: td_string!(l, doc_vat_number).to_string(),
            received_from: td_string!(l, pdf_receipt_received_from).to_string(),
            invoice_number: td_string!(l, pdf_receipt_invoice_number).to_string(),
            date: td_string!(l, pdf_receipt_date).to_string(),
            amount: td_string!(l, pdf_receipt_amount).to_string(),
            method: td_string!(l, pdf_receipt_method).to_string(),
            reference: td_string!(l, pdf_receipt_reference).to_string(),
            invoice_total: td_string!(l, pdf_receipt_invoice_total).to_string(),
            balance_after: td_string!(l, pdf_receipt_balance_after).to_string(),
            footer: td_string!(l, pdf_receipt_footer).to_string(),
        }
    }
}

/// Renders the receipt of one payment as a PDF file, in the given language.
pub fn render_receipt(receipt: &Receipt, seller: &Seller, lang: Lang) -> Result<Vec<u8>, PdfError> {
    let faces = Faces::load()?;
    let words = Words::new(lang);
    let mut canvas = Canvas::new(&faces);
    heading(&mut canvas, receipt, seller, &words);
    payer(&mut canvas, receipt, &words);
    details(&mut canvas, receipt, lang, &words);
    footers(&mut canvas, &words);
    let title = format!("{} {}", words.title, receipt.invoice_number);
    canvas.finish(title, lang.code())
}

/// The name of the receipt's file: `recu-F-2026-000001-12.pdf`,
/// `receipt-F-2026-000001-12.pdf`; the invoice number keeps only ASCII
/// letters, digits and dashes.
pub fn receipt_file_name(lang: Lang, invoice_number: &str, payment_id: i64) -> String {
    let prefix = td_string!(locale(lang), pdf_receipt_file);
    let safe: String = invoice_number
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    if safe.is_empty() {
        format!("{prefix}-{payment_id}.pdf")
    } else {
        format!("{prefix}-{safe}-{payment_id}.pdf")
    }
}

/// The seller on the left, the title on the right.
fn heading(c: &mut Canvas, r: &Receipt, s: &Seller, w: &Words) {
    let top = c.y;
    let right_w = RIGHT - RIGHT_COL;
    let mut ry = top;
    for line in c.wrap(&w.title, TITLE, right_w) {
        c.text_right(RIGHT, ry + TITLE.size, TITLE, &line);
        ry += TITLE.leading();
    }

    let left_w = RIGHT_COL - MARGIN_X - GUTTER;
    let name = if s.legal_name.trim().is_empty() {
        &r.seller_name
    } else {
        &s.legal_name
    };
    block(c, MARGIN_X, left_w, SMALL.muted(), &w.seller);
    block(c, MARGIN_X, left_w, NAME, name);
    let mut parts = vec![
        s.address_line1.clone(),
        format!("{} {}", s.postal_code.trim(), s.city.trim()),
        s.country.clone(),
    ];
    for (label, value) in [(&w.siren, &s.siren), (&w.vat_number, &s.vat_number)] {
        if !value.trim().is_empty() {
            parts.push(format!("{label} {}", value.trim()));
        }
    }
    for part in parts.iter().filter(|p| !p.trim().is_empty()) {
        block(c, MARGIN_X, left_w, BODY, part);
    }
    c.y = c.y.max(ry) + 24.0;
}

/// Who paid.
fn payer(c: &mut Canvas, r: &Receipt, w: &Words) {
    c.ensure(SMALL.leading() + NAME.leading());
    block(c, MARGIN_X, CONTENT_WIDTH, SMALL.muted(), &w.received_from);
    block(c, MARGIN_X, CONTENT_WIDTH, NAME, &r.buyer_name);
    c.y += 16.0;
}

/// The payment as a two-column table: label on the left, value flush right.
fn details(c: &mut Canvas, r: &Receipt, lang: Lang, w: &Words) {
    let money = |minor| format_money(minor, &r.currency, lang);
    let date = chrono::DateTime::from_timestamp(r.paid_at, 0)
        .map(|d| format_date(d.date_naive(), lang))
        .unwrap_or_default();
    let mut rows: Vec<(&str, String, bool)> = vec![
        (&w.invoice_number, r.invoice_number.clone(), false),
        (&w.date, date, false),
        (&w.amount, money(r.amount), true),
        (&w.method, method_label(lang, r.method), false),
    ];
    if !r.reference.trim().is_empty() {
        rows.push((&w.reference, r.reference.trim().to_owned(), false));
    }
    rows.push((&w.invoice_total, money(r.invoice_total), false));
    rows.push((&w.balance_after, money(r.balance_after), false));

    c.ensure(BODY.leading() + 2.0 * ROW_PAD_Y);
    c.rule(MARGIN_X, RIGHT, c.y, 0.8, MUTED);
    for (label, value, emphasis) in rows {
        let (label_style, value_style) = if emphasis {
            (STRONG.sized(AMOUNT.size), AMOUNT)
        } else {
            (BODY.muted(), STRONG)
        };
        row(c, (label, label_style), (&value, value_style), emphasis);
    }
}

/// The sentence saying what the receipt is (and is not), at the bottom of every page.
fn footers(c: &mut Canvas, w: &Words) {
    let style = BODY.muted();
    let lines = c.wrap(&w.footer, style, CONTENT_WIDTH);
    let bottom = PAGE_HEIGHT - 28.0;
    let first = bottom - (lines.len().saturating_sub(1)) as f32 * style.leading();
    for page in 0..c.page_count() {
        for (k, line) in lines.iter().enumerate() {
            let x = (PAGE_WIDTH - c.width(line, style)) / 2.0;
            c.text_on(page, x, first + k as f32 * style.leading(), style, line);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Locale;
    use crate::model::payment::PaymentMethod;
    use std::process::Command;
    use std::sync::atomic::{AtomicUsize, Ordering};

    fn sample_receipt() -> Receipt {
        Receipt {
            payment_id: 12,
            invoice_number: "F-2026-000001".to_owned(),
            seller_name: "Atelier Numérique Dupont".to_owned(),
            buyer_name: "Boulangerie Martin SARL".to_owned(),
            amount: 123_456,
            currency: "EUR".to_owned(),
            method: PaymentMethod::Transfer,
            reference: "VIR-2026-11-0042".to_owned(),
            // 2026-11-22 10:00 UTC.
            paid_at: 1_795_341_600,
            invoice_total: 240_000,
            balance_after: 116_544,
        }
    }

    fn sample_seller() -> Seller {
        Seller {
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
            iban: String::new(),
            bic: String::new(),
            vat_on_debits: false,
        }
    }

    /// Collapses every run of whitespace (no-break spaces included) to one space.
    fn normalize(text: &str) -> String {
        text.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The text of the PDF as poppler's `pdftotext` reads it (poppler-utils).
    fn pdf_text(pdf: &[u8]) -> String {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!(
            "quittance-receipt-test-{}-{n}.pdf",
            std::process::id()
        ));
        std::fs::write(&path, pdf).expect("write the PDF");
        let out = Command::new("pdftotext")
            .args(["-layout", "-enc", "UTF-8"])
            .arg(&path)
            .arg("-")
            .output()
            .unwrap_or_else(|e| panic!("run pdftotext (apt-get install poppler-utils): {e}"));
        let _ = std::fs::remove_file(&path);
        assert!(
            out.status.success(),
            "pdftotext failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        normalize(&String::from_utf8(out.stdout).expect("UTF-8 output"))
    }

    fn render_text(receipt: &Receipt, lang: Lang) -> String {
        let pdf = render_receipt(receipt, &sample_seller(), lang).expect("render");
        assert!(pdf.starts_with(b"%PDF-"));
        pdf_text(&pdf)
    }

    fn assert_shows(text: &str, expected: &str) {
        let expected = normalize(expected);
        assert!(text.contains(&expected), "missing {expected:?} in:\n{text}");
    }

    #[test]
    fn a_french_receipt_is_a_pdf_with_the_french_title_the_invoice_number_and_the_amount() {
        let r = sample_receipt();
        let text = render_text(&r, Lang::Fr);
        assert_shows(&text, "Reçu de paiement");
        assert_shows(&text, "F-2026-000001");
        assert_shows(&text, "1 234,56 €");
        assert_shows(&text, &format_money(r.amount, "EUR", Lang::Fr));
        assert_shows(&text, "22/11/2026");
        assert_shows(&text, &method_label(Lang::Fr, r.method));
        assert_shows(&text, "VIR-2026-11-0042");
        assert_shows(&text, "2 400,00 €");
        assert_shows(&text, "1 165,44 €");
        assert_shows(&text, "Boulangerie Martin SARL");
        assert_shows(&text, "Atelier Numérique Dupont");
        assert_shows(&text, "123 456 789");
        assert_shows(&text, "FR12123456789");
        assert_shows(
            &text,
            "Ce reçu atteste du paiement du montant ci-dessus ; il ne constitue pas une facture.",
        );
    }

    #[test]
    fn an_english_receipt_has_the_english_title_and_english_formats() {
        let text = render_text(&sample_receipt(), Lang::En);
        assert_shows(&text, "Payment receipt");
        assert!(!text.contains("Reçu de paiement"));
        assert_shows(&text, "F-2026-000001");
        assert_shows(&text, "€1,234.56");
        assert_shows(&text, "22 Nov 2026");
        assert_shows(
            &text,
            "This receipt confirms the payment of the amount above; it is not an invoice.",
        );
    }

    #[test]
    fn an_empty_reference_prints_no_reference_line() {
        let mut r = sample_receipt();
        let with = render_text(&r, Lang::Fr);
        assert_shows(&with, "Référence VIR-2026-11-0042");
        r.reference = "  ".to_owned();
        for lang in [Lang::Fr, Lang::En] {
            let text = render_text(&r, lang);
            let label = td_string!(locale(lang), pdf_receipt_reference);
            assert!(!text.contains(label), "{label:?} printed in:\n{text}");
        }
    }

    #[test]
    fn a_seller_without_a_vat_number_shows_no_vat_line() {
        let mut seller = sample_seller();
        seller.vat_number = String::new();
        let pdf = render_receipt(&sample_receipt(), &seller, Lang::Fr).expect("render");
        let text = pdf_text(&pdf);
        assert!(!text.contains(td_string!(Locale::fr, doc_vat_number)));
        assert_shows(&text, "SIREN 123 456 789");
    }

    #[test]
    fn odd_input_renders_without_panicking() {
        let mut r = sample_receipt();
        r.buyer_name = "Nom très long ".repeat(800);
        r.reference = "x".repeat(20_000);
        r.invoice_number = String::new();
        r.currency = "XYZ".to_owned();
        r.amount = i64::MIN;
        r.balance_after = i64::MAX;
        r.paid_at = i64::MAX;
        for lang in [Lang::Fr, Lang::En] {
            let pdf = render_receipt(&r, &Seller::default(), lang).expect("render");
            assert!(pdf.starts_with(b"%PDF-"));
        }
    }

    #[test]
    fn the_file_name_names_the_invoice_and_the_payment_in_the_customers_language() {
        assert_eq!(
            receipt_file_name(Lang::Fr, "F-2026-000001", 12),
            "recu-F-2026-000001-12.pdf"
        );
        assert_eq!(
            receipt_file_name(Lang::En, "F-2026-000001", 12),
            "receipt-F-2026-000001-12.pdf"
        );
        assert_eq!(
            receipt_file_name(Lang::Fr, "F/2026 é_01", 3),
            "recu-F202601-3.pdf"
        );
        assert_eq!(receipt_file_name(Lang::En, "", 3), "receipt-3.pdf");
    }

    #[test]
    #[ignore = "writes /tmp/receipt-sample.pdf to look at"]
    fn a_sample_receipt_is_written_to_tmp() {
        let pdf = render_receipt(&sample_receipt(), &sample_seller(), Lang::Fr).expect("render");
        std::fs::write("/tmp/receipt-sample.pdf", pdf).expect("write");
    }
}
