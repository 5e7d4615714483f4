//! Renders a 20-line invoice 200 times as the plain PDF and as the Factur-X
//! PDF (PDF/A-3 with its CII XML inside), and prints the mean, median and p95
//! time per PDF and the size of each file. Run with
//! `cargo bench --features ssr --bench pdf` (`benches/portal.rs` times the
//! same page printed by Chromium).
use chrono::NaiveDate;
use quittance::model::document::{
    Buyer, DocKind, DocLine, InvoiceDocument, OperationCategory, Seller, Terms,
};
use quittance::model::invoice::DisplayStatus;
use quittance::model::lang::Lang;
use quittance::model::vat::{LineAmounts, VatRate, compute_totals};
use quittance::server::pdf::{render_facturx_pdf, render_pdf};
use rust_decimal::Decimal;
use std::time::Instant;

const RUNS: usize = 200;
const LINES: usize = 20;

fn invoice() -> Option<InvoiceDocument> {
    let rates = [
        VatRate::Standard20,
        VatRate::Reduced5_5,
        VatRate::Intermediate10,
    ];
    let mut lines = Vec::new();
    let mut amounts = Vec::new();
    for i in 0..LINES {
        let rate = if i == 7 {
            VatRate::Zero
        } else {
            rates[i % rates.len()]
        };
        let amount = LineAmounts {
            quantity: Decimal::new(10 + 5 * (i as i64 % 3), 1),
            unit_price_ht: 9_900 + 1_250 * i as i64,
            vat_rate: rate,
            discount_pct: Decimal::from(if i % 4 == 0 { 10 } else { 0 }),
        };
        lines.push(DocLine {
            description: format!(
                "Prestation n°{} : accompagnement, développement et recette de la fonctionnalité",
                i + 1
            ),
            quantity: amount.quantity.to_string(),
            unit: "jour".to_owned(),
            unit_price_ht: amount.unit_price_ht,
            vat_rate: rate,
            discount_pct: amount.discount_pct.to_string(),
            total_ht: amount.net_rounded(),
        });
        amounts.push(amount);
    }
    let totals = compute_totals(&amounts);
    Some(InvoiceDocument {
        kind: DocKind::Invoice,
        number: "F-2026-0042".to_owned(),
        issue_date: NaiveDate::from_ymd_opt(2026, 11, 22)?,
        sale_date: NaiveDate::from_ymd_opt(2026, 11, 15)?,
        due_date: NaiveDate::from_ymd_opt(2026, 12, 22)?,
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
        deposits: 0,
        paid: 0,
        credited: 0,
        balance: totals.total_ttc,
        status: DisplayStatus::Open,
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
    })
}

/// Times `render` over [`RUNS`] runs: (mean ms, median ms, p95 ms, size in bytes).
fn measure(
    doc: &InvoiceDocument,
    render: fn(&InvoiceDocument, Lang) -> Result<Vec<u8>, quittance::server::pdf::PdfError>,
) -> (f64, f64, f64, usize) {
    let mut times = Vec::with_capacity(RUNS);
    let mut size = 0;
    for _ in 0..RUNS {
        let start = Instant::now();
        match render(doc, Lang::Fr) {
            Ok(pdf) => size = pdf.len(),
            Err(e) => {
                eprintln!("render failed: {e}");
                std::process::exit(1);
            }
        }
        times.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    times.sort_by(f64::total_cmp);
    let mean = times.iter().sum::<f64>() / times.len() as f64;
    (
        mean,
        times[times.len() / 2],
        times[times.len() * 95 / 100],
        size,
    )
}

fn main() {
    let Some(doc) = invoice() else {
        eprintln!("invalid sample invoice");
        std::process::exit(1);
    };
    println!("pdf: {LINES}-line invoice, {RUNS} runs each");
    for (name, render) in [
        ("plain PDF", render_pdf as fn(&InvoiceDocument, Lang) -> _),
        ("Factur-X PDF/A-3 (XML inside)", render_facturx_pdf),
    ] {
        let (mean, median, p95, size) = measure(&doc, render);
        println!(
            "  {name}: mean {mean:.3} ms, median {median:.3} ms, p95 {p95:.3} ms, {size} bytes"
        );
    }
    let xml = quittance::server::facturx::xml(&doc, Lang::Fr);
    println!("  the CII XML alone: {} bytes", xml.len());
}
