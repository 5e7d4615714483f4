//! The customer statement as a PDF (A4, fonts embedded), in the reader's
//! language: the company and the customer, the as-of date, the open items
//! with their ageing, the balance per ageing bucket, the credits not yet used
//! and the total due. Words from the `pdf_statement_*` keys (buckets share
//! the dashboard's `dash_age_*`); the drawing reuses the invoice's canvas,
//! fonts, table and rows.
use super::PdfError;
use super::canvas::{CONTENT_BOTTOM, CONTENT_WIDTH, Canvas, MARGIN_TOP, MARGIN_X, RIGHT, Style};
use super::font::{Faces, Weight};
use super::labels::locale;
use super::layout::{RIGHT_COL, block, page_footers, paragraph, row, row_height};
use super::table::{Align, Column, grid};
use crate::model::dashboard::AgeBucket;
use crate::model::document::{Buyer, Seller};
use crate::model::format::{format_date, format_money};
use crate::model::lang::Lang;
use crate::model::statement::{Figures, StatementView, parse_date};
use chrono::NaiveDate;
use leptos_i18n::td_string;

const TEXT: Style = Style::new(Weight::Regular, 10.0);
const SMALL: Style = Style::new(Weight::Regular, 9.0);
const NAME: Style = Style::new(Weight::Bold, 12.0);
const TITLE: Style = Style::new(Weight::Bold, 15.0);
const HEADING: Style = Style::new(Weight::Bold, 10.5);
const FIGURE_LABEL: Style = Style::new(Weight::Regular, 9.0);
const FIGURE: Style = Style::new(Weight::Bold, 9.0);
const TOTAL: Style = Style::new(Weight::Bold, 10.5);
const GUTTER: f32 = 16.0;
/// Issue date, due date, days past due, total, paid and credited, balance;
/// the invoice number takes the rest.
const FIXED: [f32; 6] = [58.0, 58.0, 40.0, 74.0, 74.0, 74.0];
const NUMBER_WIDTH: f32 =
    CONTENT_WIDTH - (FIXED[0] + FIXED[1] + FIXED[2] + FIXED[3] + FIXED[4] + FIXED[5]);

/// Renders a statement (its figures must be there: a refused date has none,
/// and renders as the parties and the title only).
pub fn render(v: &StatementView, lang: Lang) -> Result<Vec<u8>, PdfError> {
    let faces = Faces::load()?;
    let mut c = Canvas::new(&faces);
    let l = locale(lang);
    parties(&mut c, &v.seller, &v.customer);
    let date = parse_date(&v.as_of).map_or_else(|| v.as_of.clone(), |d| format_date(d, lang));
    let title = td_string!(l, pdf_statement_title).to_string();
    block(&mut c, MARGIN_X, CONTENT_WIDTH, TITLE, &title);
    let as_of = td_string!(l, pdf_statement_as_of, date = date.as_str()).to_string();
    block(&mut c, MARGIN_X, CONTENT_WIDTH, TEXT, &as_of);
    c.y += 14.0;
    if let Some(f) = &v.figures {
        items(&mut c, f, &v.currency, lang);
        credits(&mut c, f, &v.currency, lang);
        totals(&mut c, f, &v.currency, lang);
        paragraph(&mut c, td_string!(l, pdf_statement_note), SMALL.muted());
    }
    let full_title = format!("{title} \u{2013} {date}");
    let mut left = v.seller.legal_name.trim().to_owned();
    if !v.customer.name.trim().is_empty() {
        left = format!("{left} \u{b7} {}", v.customer.name.trim());
    }
    page_footers(&mut c, &left, &full_title);
    c.finish(full_title, lang.code())
}

/// `releve-2026-06-30.pdf`, `statement-2026-06-30.pdf`.
pub fn file_name(lang: Lang, as_of: NaiveDate) -> String {
    let prefix = td_string!(locale(lang), pdf_statement_file);
    format!("{prefix}-{}.pdf", as_of.format("%Y-%m-%d"))
}

fn locality(postal_code: &str, city: &str) -> String {
    format!("{} {}", postal_code.trim(), city.trim())
        .trim()
        .to_owned()
}

/// The company on the left, the customer on the right, side by side.
fn parties(c: &mut Canvas, s: &Seller, b: &Buyer) {
    let top = c.y;
    let left_w = RIGHT_COL - MARGIN_X - GUTTER;
    block(c, MARGIN_X, left_w, NAME, s.legal_name.trim());
    let seller_lines = [
        s.address_line1.trim().to_owned(),
        locality(&s.postal_code, &s.city),
        s.country.trim().to_owned(),
    ];
    for part in seller_lines.iter().filter(|p| !p.is_empty()) {
        block(c, MARGIN_X, left_w, SMALL, part);
    }
    let left_end = c.y;
    c.y = top;
    let right_w = RIGHT - RIGHT_COL;
    block(c, RIGHT_COL, right_w, NAME, b.name.trim());
    let buyer_lines = [
        b.address_line1.trim().to_owned(),
        locality(&b.postal_code, &b.city),
        b.country.trim().to_owned(),
    ];
    for part in buyer_lines.iter().filter(|p| !p.is_empty()) {
        block(c, RIGHT_COL, right_w, TEXT, part);
    }
    c.y = c.y.max(left_end) + 24.0;
}

fn date_text(iso: Option<&str>, lang: Lang) -> String {
    iso.map(|s| parse_date(s).map_or_else(|| s.to_string(), |d| format_date(d, lang)))
        .unwrap_or_default()
}

/// The open items, oldest due first.
fn items(c: &mut Canvas, f: &Figures, currency: &str, lang: Lang) {
    let l = locale(lang);
    block(
        c,
        MARGIN_X,
        CONTENT_WIDTH,
        HEADING,
        td_string!(l, pdf_statement_open_items),
    );
    c.y += 4.0;
    if f.items.is_empty() {
        paragraph(c, td_string!(l, pdf_statement_no_items), TEXT);
        c.y += 10.0;
        return;
    }
    let labels = [
        td_string!(l, pdf_statement_col_number).to_string(),
        td_string!(l, pdf_statement_col_issue).to_string(),
        td_string!(l, pdf_statement_col_due).to_string(),
        td_string!(l, pdf_statement_col_days).to_string(),
        td_string!(l, pdf_statement_col_total).to_string(),
        td_string!(l, pdf_statement_col_settled).to_string(),
        td_string!(l, pdf_statement_col_balance).to_string(),
    ];
    let widths = [
        NUMBER_WIDTH,
        FIXED[0],
        FIXED[1],
        FIXED[2],
        FIXED[3],
        FIXED[4],
        FIXED[5],
    ];
    let cols: Vec<Column> = labels
        .iter()
        .zip(widths)
        .enumerate()
        .map(|(i, (label, width))| Column {
            label,
            width,
            align: if i < 3 { Align::Left } else { Align::Right },
        })
        .collect();
    let money = |minor| format_money(minor, currency, lang);
    let rows = f.items.iter().map(|i| {
        let mut number = i.number.clone();
        if i.in_dispute > 0 {
            let disputed = money(i.in_dispute);
            number = format!(
                "{number} \u{2013} {}",
                td_string!(l, pdf_statement_in_dispute, amount = disputed.as_str())
            );
        }
        vec![
            number,
            date_text(Some(&i.issue_date), lang),
            date_text(i.due_date.as_deref(), lang),
            i.days_past_due.max(0).to_string(),
            money(i.total_ttc),
            money(i.paid.saturating_add(i.credited)),
            money(i.balance),
        ]
    });
    grid(c, &cols, rows);
    c.y += 12.0;
}

/// The credits not yet used (overpaid invoices), when there are any.
fn credits(c: &mut Canvas, f: &Figures, currency: &str, lang: Lang) {
    if f.credits.is_empty() {
        return;
    }
    let l = locale(lang);
    block(
        c,
        MARGIN_X,
        CONTENT_WIDTH,
        HEADING,
        td_string!(l, pdf_statement_credits),
    );
    c.y += 4.0;
    for cr in &f.credits {
        let date = date_text(Some(&cr.issue_date), lang);
        let label = td_string!(
            l,
            pdf_statement_credit_line,
            number = cr.number.as_str(),
            date = date.as_str()
        )
        .to_string();
        let value = format_money(cr.amount, currency, lang);
        row(c, (&label, FIGURE_LABEL.muted()), (&value, FIGURE), false);
    }
    c.y += 12.0;
}

fn bucket_label(lang: Lang, b: AgeBucket) -> String {
    let l = locale(lang);
    match b {
        AgeBucket::NotDue => td_string!(l, dash_age_not_due),
        AgeBucket::Days1To30 => td_string!(l, dash_age_1_30),
        AgeBucket::Days31To60 => td_string!(l, dash_age_31_60),
        AgeBucket::Days61To90 => td_string!(l, dash_age_61_90),
        AgeBucket::Over90 => td_string!(l, dash_age_over_90),
    }
    .to_string()
}

/// The balance per ageing bucket, then the totals, kept together.
fn totals(c: &mut Canvas, f: &Figures, currency: &str, lang: Lang) {
    let l = locale(lang);
    let money = |minor| format_money(minor, currency, lang);
    let mut rows: Vec<(String, String, bool)> = f
        .buckets
        .iter()
        .map(|b| (bucket_label(lang, b.bucket), money(b.amount), false))
        .collect();
    rows.push((
        td_string!(l, pdf_statement_total_open).to_string(),
        money(f.total_open),
        false,
    ));
    if f.total_in_dispute > 0 {
        rows.push((
            td_string!(l, pdf_statement_total_in_dispute).to_string(),
            money(f.total_in_dispute),
            false,
        ));
    }
    rows.push((
        td_string!(l, pdf_statement_total_credits).to_string(),
        money(f.total_credits),
        false,
    ));
    rows.push((
        td_string!(l, pdf_statement_total_due).to_string(),
        money(f.total_due),
        true,
    ));
    let styles = |emphasis: bool| {
        if emphasis {
            (TOTAL, TOTAL)
        } else {
            (FIGURE_LABEL.muted(), FIGURE)
        }
    };
    let height: f32 = rows
        .iter()
        .map(|(label, value, e)| {
            let (ls, vs) = styles(*e);
            row_height(c, (label, ls), (value, vs))
        })
        .sum();
    if height <= CONTENT_BOTTOM - MARGIN_TOP {
        c.ensure(height);
    }
    for (label, value, e) in &rows {
        let (ls, vs) = styles(*e);
        row(c, (label, ls), (value, vs), *e);
    }
    c.y += 14.0;
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::statement::{ItemFacts, build};

    fn view(n: usize) -> StatementView {
        let facts = (0..n)
            .map(|i| ItemFacts {
                invoice_id: i as i64,
                number: format!("F-2026-{i:06}"),
                issue_date: "2026-01-10".into(),
                due_date: Some("2026-02-10".into()),
                total_ttc: 12_000,
                deposits: 0,
                paid: 2_000,
                credited: 0,
                disputed: if i == 0 { 1_000 } else { 0 },
            })
            .collect();
        StatementView {
            seller: Seller {
                legal_name: "Atelier Dupont SARL".into(),
                city: "Lyon".into(),
                ..Seller::default()
            },
            customer: Buyer {
                name: "Boulangerie Martin".into(),
                ..Buyer::default()
            },
            currency: "EUR".into(),
            as_of: "2026-06-30".into(),
            problem: None,
            figures: Some(build(parse_date("2026-06-30").expect("date"), facts)),
        }
    }

    /// Runs a poppler tool (`pdftotext`, `pdfinfo`) on the PDF.
    fn poppler(tool: &str, pdf: &[u8]) -> String {
        let path = std::env::temp_dir().join(format!(
            "quittance-statement-{}-{}.pdf",
            std::process::id(),
            pdf.len()
        ));
        std::fs::write(&path, pdf).expect("write the PDF");
        let mut cmd = std::process::Command::new(tool);
        cmd.arg(&path);
        if tool == "pdftotext" {
            cmd.arg("-");
        }
        let out = cmd.output().expect("poppler-utils installed");
        let _ = std::fs::remove_file(&path);
        String::from_utf8(out.stdout)
            .expect("UTF-8")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn a_statement_pdf_shows_its_items_buckets_and_total_due_in_both_languages() {
        let fr = poppler("pdftotext", &render(&view(3), Lang::Fr).expect("pdf"));
        assert!(fr.contains("Relevé de compte"), "{fr}");
        assert!(fr.contains("F-2026-000002"), "{fr}");
        assert!(fr.contains("Total dû"), "{fr}");
        assert!(fr.contains("300,00"), "{fr}");
        let en = poppler("pdftotext", &render(&view(3), Lang::En).expect("pdf"));
        assert!(en.contains("Statement of account"), "{en}");
        assert!(en.contains("Total due"), "{en}");
        assert!(en.contains("300.00"), "{en}");
    }

    #[test]
    fn a_long_statement_runs_over_several_pages() {
        let info = poppler("pdfinfo", &render(&view(120), Lang::En).expect("pdf"));
        let pages: usize = info
            .split("Pages: ")
            .nth(1)
            .and_then(|r| r.split(' ').next())
            .and_then(|n| n.parse().ok())
            .expect("a page count");
        assert!(pages > 1, "{info}");
    }

    #[test]
    fn the_file_name_carries_the_date_in_the_readers_language() {
        let d = parse_date("2026-06-30").expect("date");
        assert_eq!(file_name(Lang::Fr, d), "releve-2026-06-30.pdf");
        assert_eq!(file_name(Lang::En, d), "statement-2026-06-30.pdf");
    }
}
