//! The formal notice to pay (mise en demeure, Code civil art. 1344) as a PDF
//! letter (A4, fonts embedded), in the customer's language: the sender and the
//! addressee, the late invoices with the penalties and the recovery indemnity
//! due to date, the sum claimed and the deadline, what follows without
//! payment, and how to pay. Every word comes from the `pdf_notice_*` keys of
//! the locale files (plus the seller's identifiers, shared with the invoice's
//! `doc_*` keys); the drawing reuses the invoice's canvas, fonts and table.
use super::PdfError;
use super::canvas::{CONTENT_BOTTOM, CONTENT_WIDTH, Canvas, MARGIN_TOP, MARGIN_X, RIGHT, Style};
use super::font::{Faces, Weight};
use super::labels::locale;
use super::layout::{RIGHT_COL, block, page_footers, paragraph, row, row_height};
use super::table::{Align, Column, grid};
use crate::model::document::{Buyer, Seller};
use crate::model::format::{format_date, format_money};
use crate::model::lang::Lang;
use crate::model::reminder::notice::FormalNotice;
use chrono::NaiveDate;
use leptos_i18n::td_string;
use rust_decimal::Decimal;
use std::collections::BTreeSet;

/// The letter's text.
const TEXT: Style = Style::new(Weight::Regular, 10.0);
const TEXT_BOLD: Style = Style::new(Weight::Bold, 10.0);
/// The sender's address and identifiers.
const SENDER: Style = Style::new(Weight::Regular, 9.0);
const NAME: Style = Style::new(Weight::Bold, 12.0);
const ADDRESSEE: Style = Style::new(Weight::Bold, 10.5);
const SUBJECT: Style = Style::new(Weight::Bold, 12.0);
/// The totals under the table of invoices.
const FIGURE_LABEL: Style = Style::new(Weight::Regular, 9.0);
const FIGURE: Style = Style::new(Weight::Bold, 9.0);
const TOTAL: Style = Style::new(Weight::Bold, 10.5);
/// The addressee starts no higher than this (about 46 mm from the top, where
/// the window of a DL envelope is), on the right-hand column.
const ADDRESS_TOP: f32 = 130.0;
const GUTTER: f32 = 16.0;
/// Space after a paragraph of the letter.
const PARAGRAPH_GAP: f32 = 7.0;
/// Widths of the columns after the invoice number, which takes the rest:
/// issue date, due date, days late, principal, penalties.
const FIXED: [f32; 5] = [64.0, 64.0, 50.0, 88.0, 80.0];
const NUMBER_WIDTH: f32 = CONTENT_WIDTH - (FIXED[0] + FIXED[1] + FIXED[2] + FIXED[3] + FIXED[4]);

/// Fixed words of the letter, in one language.
struct Words {
    subject: String,
    registered: String,
    salutation: String,
    intro_single: String,
    intro_several: String,
    col_number: String,
    col_issue_date: String,
    col_due_date: String,
    col_days_late: String,
    col_principal: String,
    col_penalties: String,
    total_principal: String,
    total_penalties_plain: String,
    total_indemnity: String,
    total_due: String,
    consequence: String,
    closing: String,
    siren: String,
    vat_number: String,
}

impl Words {
    fn new(lang: Lang) -> Words {
        let l = locale(lang);
        Words {
            subject: td_string!(l, pdf_notice_subject).to_string(),
            registered: td_string!(l, pdf_notice_registered).to_string(),
            salutation: td_string!(l, pdf_notice_salutation).to_string(),
            intro_single: td_string!(l, pdf_notice_intro_single).to_string(),
            intro_several: td_string!(l, pdf_notice_intro_several).to_string(),
            col_number: td_string!(l, pdf_notice_col_number).to_string(),
            col_issue_date: td_string!(l, pdf_notice_col_issue_date).to_string(),
            col_due_date: td_string!(l, pdf_notice_col_due_date).to_string(),
            col_days_late: td_string!(l, pdf_notice_col_days_late).to_string(),
            col_principal: td_string!(l, pdf_notice_col_principal).to_string(),
            col_penalties: td_string!(l, pdf_notice_col_penalties).to_string(),
            total_principal: td_string!(l, pdf_notice_total_principal).to_string(),
            total_penalties_plain: td_string!(l, pdf_notice_total_penalties_plain).to_string(),
            total_indemnity: td_string!(l, pdf_notice_total_indemnity).to_string(),
            total_due: td_string!(l, pdf_notice_total_due).to_string(),
            consequence: td_string!(l, pdf_notice_consequence).to_string(),
            closing: td_string!(l, pdf_notice_closing).to_string(),
            siren: td_string!(l, doc_siren).to_string(),
            vat_number: td_string!(l, doc_vat_number).to_string(),
        }
    }
}

/// Renders the formal notice as a PDF letter, in the given language.
pub fn render_formal_notice(n: &FormalNotice, lang: Lang) -> Result<Vec<u8>, PdfError> {
    let faces = Faces::load()?;
    let words = Words::new(lang);
    let mut c = Canvas::new(&faces);
    let addressee_top = sender(&mut c, &n.seller, &words);
    addressee(&mut c, &n.buyer, addressee_top);
    place_and_date(&mut c, n, lang);
    subject(&mut c, &words, lang);
    claims(&mut c, n, lang, &words);
    totals(&mut c, n, lang, &words);
    demand(&mut c, n, lang, &words);
    closing(&mut c, &n.seller, &words);
    let title = format!("{} \u{2013} {}", words.subject, format_date(n.date, lang));
    footers(&mut c, &n.seller, &words, &title);
    c.finish(title, lang.code())
}

/// The name of the letter's file: `mise-en-demeure-2026-07-01.pdf`,
/// `formal-notice-2026-07-01.pdf`.
pub fn notice_file_name(lang: Lang, date: NaiveDate) -> String {
    let prefix = td_string!(locale(lang), pdf_notice_file);
    format!("{prefix}-{}.pdf", date.format("%Y-%m-%d"))
}

/// An annual rate in basis points as a percentage with two decimals:
/// `12,15 %` in French (no-break space), `12.15%` in English.
fn annual_rate(rate_bp: i64, lang: Lang) -> String {
    let digits = Decimal::new(rate_bp, 2).to_string();
    match lang {
        Lang::Fr => format!("{}\u{a0}%", digits.replace('.', ",")),
        Lang::En => format!("{digits}%"),
    }
}

/// `postal code city`, or whichever of them is there.
fn locality(postal_code: &str, city: &str) -> String {
    format!("{} {}", postal_code.trim(), city.trim())
        .trim()
        .to_owned()
}

/// The seller at the top left; returns where the addressee may start.
fn sender(c: &mut Canvas, s: &Seller, w: &Words) -> f32 {
    let width = RIGHT_COL - MARGIN_X - GUTTER;
    block(c, MARGIN_X, width, NAME, s.legal_name.trim());
    let mut parts = vec![
        s.address_line1.trim().to_owned(),
        locality(&s.postal_code, &s.city),
        s.country.trim().to_owned(),
    ];
    for (label, value) in [(&w.siren, &s.siren), (&w.vat_number, &s.vat_number)] {
        if !value.trim().is_empty() {
            parts.push(format!("{label} {}", value.trim()));
        }
    }
    for part in parts.iter().filter(|p| !p.is_empty()) {
        block(c, MARGIN_X, width, SENDER, part);
    }
    (c.y + 18.0).max(ADDRESS_TOP)
}

/// The customer's name and address on the right-hand column.
fn addressee(c: &mut Canvas, b: &Buyer, top: f32) {
    let width = RIGHT - RIGHT_COL;
    c.y = top;
    if !b.name.trim().is_empty() {
        block(c, RIGHT_COL, width, ADDRESSEE, b.name.trim());
    }
    let parts = [
        b.address_line1.trim().to_owned(),
        locality(&b.postal_code, &b.city),
        b.country.trim().to_owned(),
    ];
    for part in parts.iter().filter(|p| !p.is_empty()) {
        block(c, RIGHT_COL, width, TEXT, part);
    }
    c.y += 22.0;
}

/// "Lyon, le 01/07/2026" under the addressee.
fn place_and_date(c: &mut Canvas, n: &FormalNotice, lang: Lang) {
    let l = locale(lang);
    let date = format_date(n.date, lang);
    let city = n.seller.city.trim();
    let line = if city.is_empty() {
        td_string!(l, pdf_notice_date_only, date = date)
    } else {
        td_string!(l, pdf_notice_place_date, city = city, date = date)
    };
    block(c, RIGHT_COL, RIGHT - RIGHT_COL, TEXT, &line);
    c.y += 26.0;
}

/// How the letter is sent, then its subject in bold, then the salutation.
fn subject(c: &mut Canvas, w: &Words, lang: Lang) {
    let subject = w.subject.as_str();
    let line = td_string!(locale(lang), pdf_notice_subject_line, subject = subject);
    block(c, MARGIN_X, CONTENT_WIDTH, TEXT.muted(), &w.registered);
    block(c, MARGIN_X, CONTENT_WIDTH, SUBJECT, &line);
    c.y += 18.0;
    paragraph(c, &w.salutation, TEXT);
    c.y += PARAGRAPH_GAP;
}

/// The sentence introducing the invoices, and their table.
fn claims(c: &mut Canvas, n: &FormalNotice, lang: Lang, w: &Words) {
    let intro = if n.items.len() == 1 {
        &w.intro_single
    } else {
        &w.intro_several
    };
    paragraph(c, intro, TEXT);
    c.y += PARAGRAPH_GAP;

    let specs = [
        (&w.col_number, NUMBER_WIDTH, Align::Left),
        (&w.col_issue_date, FIXED[0], Align::Left),
        (&w.col_due_date, FIXED[1], Align::Left),
        (&w.col_days_late, FIXED[2], Align::Right),
        (&w.col_principal, FIXED[3], Align::Right),
        (&w.col_penalties, FIXED[4], Align::Right),
    ];
    let cols: Vec<Column> = specs
        .iter()
        .map(|(label, width, align)| Column {
            label,
            width: *width,
            align: *align,
        })
        .collect();
    let money = |minor| format_money(minor, &n.currency, lang);
    let rows = n.items.iter().map(|item| {
        vec![
            item.number.clone(),
            format_date(item.issue_date, lang),
            format_date(item.due_date, lang),
            item.charges.days_late.to_string(),
            money(item.principal),
            money(item.charges.penalties_minor),
        ]
    });
    grid(c, &cols, rows);
    c.y += 8.0;
}

/// Principal, penalties (with their annual rate), the recovery indemnity when
/// due, and the total, kept together.
fn totals(c: &mut Canvas, n: &FormalNotice, lang: Lang, w: &Words) {
    let l = locale(lang);
    let money = |minor| format_money(minor, &n.currency, lang);
    let rates: BTreeSet<i64> = n
        .items
        .iter()
        .map(|i| i.charges.rate_bp)
        .filter(|bp| *bp > 0)
        .collect();
    let rates: Vec<String> = rates.into_iter().map(|bp| annual_rate(bp, lang)).collect();
    let penalties = match rates.as_slice() {
        [] => w.total_penalties_plain.clone(),
        [rate] => td_string!(l, pdf_notice_total_penalties, rate = rate),
        several => {
            let rates = several.join(", ");
            td_string!(l, pdf_notice_total_penalties_rates, rates = rates)
        }
    };
    let mut rows: Vec<(String, String, bool)> = vec![
        (w.total_principal.clone(), money(n.principal()), false),
        (penalties, money(n.penalties()), false),
    ];
    if n.indemnities() > 0 {
        rows.push((w.total_indemnity.clone(), money(n.indemnities()), false));
    }
    rows.push((w.total_due.clone(), money(n.total()), true));

    let styles = |emphasis: bool| {
        if emphasis {
            (TOTAL, TOTAL)
        } else {
            (FIGURE_LABEL.muted(), FIGURE)
        }
    };
    let height: f32 = rows
        .iter()
        .map(|(label, value, emphasis)| {
            let (ls, vs) = styles(*emphasis);
            row_height(c, (label, ls), (value, vs))
        })
        .sum();
    if height <= CONTENT_BOTTOM - MARGIN_TOP {
        c.ensure(height);
    }
    for (label, value, emphasis) in &rows {
        let (ls, vs) = styles(*emphasis);
        row(c, (label, ls), (value, vs), *emphasis);
    }
    c.y += 16.0;
}

/// The formal demand, what follows without payment, how to pay and the note
/// that penalties keep running.
fn demand(c: &mut Canvas, n: &FormalNotice, lang: Lang, w: &Words) {
    let l = locale(lang);
    let amount = format_money(n.total(), &n.currency, lang);
    let deadline = format_date(n.deadline, lang);
    let demand = td_string!(l, pdf_notice_demand, amount = amount, deadline = deadline);
    paragraph(c, &demand, TEXT_BOLD);
    c.y += PARAGRAPH_GAP;
    paragraph(c, &w.consequence, TEXT);
    c.y += PARAGRAPH_GAP;

    let s = &n.seller;
    let url = n.pay_url.as_deref().map(str::trim).unwrap_or_default();
    let (iban, bic) = (s.iban.trim(), s.bic.trim());
    let pay = if !url.is_empty() {
        Some(td_string!(l, pdf_notice_pay_online, url = url))
    } else if iban.is_empty() {
        None
    } else if bic.is_empty() {
        Some(td_string!(l, pdf_notice_pay_transfer_iban, iban = iban))
    } else {
        Some(td_string!(
            l,
            pdf_notice_pay_transfer,
            iban = iban,
            bic = bic
        ))
    };
    if let Some(pay) = pay {
        paragraph(c, &pay, TEXT);
        c.y += PARAGRAPH_GAP;
    }
    let date = format_date(n.date, lang);
    let running = td_string!(l, pdf_notice_penalties_run, date = date);
    paragraph(c, &running, TEXT);
    c.y += PARAGRAPH_GAP;
}

/// The closing formula and the seller's name as signature, kept together.
fn closing(c: &mut Canvas, s: &Seller, w: &Words) {
    let gap = 22.0;
    let sign_w = RIGHT - RIGHT_COL;
    let height = c.wrap(&w.closing, TEXT, CONTENT_WIDTH).len() as f32 * TEXT.leading()
        + 2.0
        + gap
        + c.wrap(s.legal_name.trim(), TEXT_BOLD, sign_w).len() as f32 * TEXT_BOLD.leading();
    if height <= CONTENT_BOTTOM - MARGIN_TOP {
        c.ensure(height);
    }
    paragraph(c, &w.closing, TEXT);
    c.y += gap;
    block(c, RIGHT_COL, sign_w, TEXT_BOLD, s.legal_name.trim());
}

/// The seller and the letter's title with page x/n at the bottom of every page.
fn footers(c: &mut Canvas, s: &Seller, w: &Words, title: &str) {
    let mut left = s.legal_name.trim().to_owned();
    if !s.siren.trim().is_empty() {
        left = format!("{left} \u{b7} {} {}", w.siren, s.siren.trim());
    }
    page_footers(c, &left, title);
}
