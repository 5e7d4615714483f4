//! The parts of the document around the line table: the heading with the
//! seller and the dates, the buyer, the legal mentions and the page footers.
use super::canvas::{
    CONTENT_BOTTOM, CONTENT_WIDTH, Canvas, Gray, MARGIN_TOP, MARGIN_X, MUTED, PAGE_HEIGHT, RIGHT,
    Style,
};
use super::font::Weight;
use super::labels::{self, Labels};
use crate::model::document::{DocKind, InvoiceDocument};
use crate::model::format::{format_date, format_money};
use crate::model::lang::Lang;

pub(super) const BODY: Style = Style::new(Weight::Regular, 8.5);
pub(super) const STRONG: Style = Style::new(Weight::Bold, 8.5);
pub(super) const SMALL: Style = Style::new(Weight::Regular, 7.5);
const HEADING: Style = Style::new(Weight::Bold, 9.5);

/// The box the logo is scaled into: 40 mm x 20 mm.
const LOGO_BOX: (f32, f32) = (113.4, 56.7);

/// Left edge of the right-hand column (dates, buyer, totals).
pub(super) const RIGHT_COL: f32 = 320.0;
const GUTTER: f32 = 16.0;

/// Everything the renderer needs about the document, in one language.
pub(super) struct Ctx<'a> {
    pub doc: &'a InvoiceDocument,
    pub lang: Lang,
    pub labels: Labels,
    /// The company logo, drawn above the seller.
    pub logo: Option<krilla::image::Image>,
}

impl Ctx<'_> {
    pub fn money(&self, minor: i64) -> String {
        format_money(minor, &self.doc.currency, self.lang)
    }

    pub fn title(&self) -> &str {
        match self.doc.kind {
            DocKind::Invoice => &self.labels.invoice,
            DocKind::CreditNote => &self.labels.credit_note,
        }
    }
}

/// Width of the label column of a [`row`]; the value takes the rest.
const ROW_LABEL_WIDTH: f32 = 250.0;
const ROW_PAD_X: f32 = 6.0;
/// Space above and below the text of a [`row`].
pub(super) const ROW_PAD_Y: f32 = 6.0;
const ROW_SHADE: Gray = 232;
const ROW_RULE: Gray = 190;

/// Draws wrapped `lines` from the top `y`; returns the y below them.
pub(super) fn lines_at(c: &mut Canvas, x: f32, y: f32, style: Style, lines: &[String]) -> f32 {
    let mut y = y;
    for line in lines {
        c.text(x, y + style.size, style, line);
        y += style.leading();
    }
    y
}

/// Draws `text` wrapped to `width` from the cursor, one line at a time, going
/// on to a new page when a line does not fit.
pub(super) fn block(c: &mut Canvas, x: f32, width: f32, style: Style, text: &str) {
    for line in c.wrap(text, style, width) {
        c.ensure(style.leading());
        let y = c.y;
        c.text(x, y + style.size, style, &line);
        c.y = y + style.leading();
    }
}

/// The wrapped lines of a [`row`]'s label and value, and the row's height.
fn row_lines(
    c: &Canvas,
    (label, label_style): (&str, Style),
    (value, value_style): (&str, Style),
) -> (Vec<String>, Vec<String>, f32) {
    let value_w = CONTENT_WIDTH - ROW_LABEL_WIDTH - 2.0 * ROW_PAD_X;
    let labels = c.wrap(label, label_style, ROW_LABEL_WIDTH - 2.0 * ROW_PAD_X);
    let values = c.wrap(value, value_style, value_w);
    let lead = label_style.leading().max(value_style.leading());
    let n = labels.len().max(values.len());
    let height = n as f32 * lead + 2.0 * ROW_PAD_Y;
    (labels, values, height)
}

/// The height [`row`] takes for this label and value.
pub(super) fn row_height(c: &Canvas, label: (&str, Style), value: (&str, Style)) -> f32 {
    row_lines(c, label, value).2
}

/// One row of a two-column table across the page: the label on the left, the
/// value flush right, a rule below; split between pages only when taller than
/// a page.
pub(super) fn row(c: &mut Canvas, label: (&str, Style), value: (&str, Style), shaded: bool) {
    let (_, label_style) = label;
    let (_, value_style) = value;
    let (labels, values, height) = row_lines(c, label, value);
    let lead = label_style.leading().max(value_style.leading());
    let n = labels.len().max(values.len());
    if height <= CONTENT_BOTTOM - MARGIN_TOP {
        c.ensure(height);
    }
    let top = c.y;
    if shaded && top + height <= CONTENT_BOTTOM {
        c.fill(MARGIN_X, top, CONTENT_WIDTH, height, ROW_SHADE);
    }
    c.y += ROW_PAD_Y;
    for k in 0..n {
        c.ensure(lead + ROW_PAD_Y);
        let base = c.y + value_style.size.max(label_style.size);
        if let Some(line) = labels.get(k) {
            c.text(MARGIN_X + ROW_PAD_X, base, label_style, line);
        }
        if let Some(line) = values.get(k) {
            c.text_right(RIGHT - ROW_PAD_X, base, value_style, line);
        }
        c.y += lead;
    }
    c.y += ROW_PAD_Y;
    c.rule(MARGIN_X, RIGHT, c.y, 0.4, ROW_RULE);
}

/// A label on the left and a value flush right, the label wrapping when long.
/// Returns the height used; draws only when `draw` is set (to measure first).
pub(super) fn key_value(
    c: &mut Canvas,
    (left, right): (f32, f32),
    y: f32,
    (label, label_style): (&str, Style),
    (value, value_style): (&str, Style),
    draw: bool,
) -> f32 {
    let value_w = c.width(value, value_style);
    let label_w = (right - left - value_w - 8.0).max((right - left) / 3.0);
    let lines = c.wrap(label, label_style, label_w);
    if draw {
        lines_at(c, left, y, label_style, &lines);
        c.text_right(right, y + label_style.size, value_style, value);
    }
    lines.len() as f32 * label_style.leading()
}

/// Seller on the left; title, number and dates on the right.
pub(super) fn heading(c: &mut Canvas, ctx: &Ctx) {
    let (doc, lb) = (ctx.doc, &ctx.labels);
    let s = &doc.seller;
    let left_w = RIGHT_COL - MARGIN_X - GUTTER;
    let top = c.y;

    let mut y = top;
    if let Some(logo) = &ctx.logo
        && let Some((w, h)) = super::canvas::fit_box(logo.size(), LOGO_BOX)
    {
        c.image(MARGIN_X, top, w, h, logo.clone());
        y += h + 8.0;
    }
    let mut y = lines_at(
        c,
        MARGIN_X,
        y,
        SMALL.muted(),
        std::slice::from_ref(&lb.seller),
    );
    let name = c.wrap(&s.legal_name, STRONG.sized(12.0), left_w);
    y = lines_at(c, MARGIN_X, y, STRONG.sized(12.0), &name);
    let mut seller = Vec::new();
    let capital = s
        .share_capital
        .map(|v| format!("{} {}", lb.share_capital, ctx.money(v)));
    let form: Vec<String> = [Some(s.legal_form.clone()), capital]
        .into_iter()
        .flatten()
        .filter(|p| !p.trim().is_empty())
        .collect();
    seller.push(form.join(" \u{b7} "));
    seller.push(s.address_line1.clone());
    seller.push(format!("{} {}", s.postal_code, s.city));
    seller.push(s.country.clone());
    for (label, value) in [
        (&lb.siren, &s.siren),
        (&lb.siret, &s.siret),
        (&lb.rcs, &s.rcs_city),
        (&lb.vat_number, &s.vat_number),
    ] {
        if !value.trim().is_empty() {
            seller.push(format!("{label} {value}"));
        }
    }
    for part in seller.iter().filter(|p| !p.trim().is_empty()) {
        let lines = c.wrap(part, BODY, left_w);
        y = lines_at(c, MARGIN_X, y, BODY, &lines);
    }

    let title_style = Style::new(Weight::Bold, 20.0);
    let title = c.wrap(ctx.title(), title_style, RIGHT - RIGHT_COL);
    let mut ry = top;
    for line in &title {
        c.text_right(RIGHT, ry + title_style.size, title_style, line);
        ry += title_style.leading();
    }
    ry += 6.0;
    let number_style = STRONG.sized(10.0);
    let rows = [
        (&lb.number, doc.number.clone(), number_style),
        (
            &lb.issue_date,
            format_date(doc.issue_date, ctx.lang),
            STRONG,
        ),
        (&lb.sale_date, format_date(doc.sale_date, ctx.lang), BODY),
        (&lb.due_date, format_date(doc.due_date, ctx.lang), STRONG),
    ];
    for (label, value, style) in rows {
        let label_style = BODY.muted().sized(style.size);
        ry += key_value(
            c,
            (RIGHT_COL, RIGHT),
            ry,
            (label, label_style),
            (&value, style),
            true,
        );
        ry += 2.0;
    }
    c.y = y.max(ry) + 14.0;
}

/// The buyer in a frame on the right; for a credit note, the invoice it corrects on the left.
pub(super) fn parties(c: &mut Canvas, ctx: &Ctx) {
    let (doc, lb) = (ctx.doc, &ctx.labels);
    let b = &doc.buyer;
    let pad = 8.0;
    let inner = RIGHT - RIGHT_COL - 2.0 * pad;
    let mut blocks: Vec<(Style, Vec<String>)> = vec![
        (SMALL.muted(), vec![lb.buyer.clone()]),
        (
            STRONG.sized(10.0),
            c.wrap(&b.name, STRONG.sized(10.0), inner),
        ),
    ];
    let mut parts = vec![
        b.address_line1.clone(),
        format!("{} {}", b.postal_code, b.city),
        b.country.clone(),
    ];
    if b.is_business {
        for (label, value) in [(&lb.siren, &b.siren), (&lb.vat_number, &b.vat_number)] {
            if !value.trim().is_empty() {
                parts.push(format!("{label} {value}"));
            }
        }
    }
    for part in parts.iter().filter(|p| !p.trim().is_empty()) {
        blocks.push((BODY, c.wrap(part, BODY, inner)));
    }
    let height: f32 = blocks
        .iter()
        .map(|(s, l)| s.leading() * l.len() as f32)
        .sum::<f32>()
        + 2.0 * pad;
    c.ensure(height);
    let top = c.y;
    c.frame(RIGHT_COL, top, RIGHT - RIGHT_COL, height, MUTED);
    let mut y = top + pad;
    for (style, lines) in &blocks {
        y = lines_at(c, RIGHT_COL + pad, y, *style, lines);
    }
    let left_w = RIGHT_COL - MARGIN_X - GUTTER;
    let mut left_y = top + pad;
    if let Some(number) = &doc.corrects_number {
        let text = labels::corrects(ctx.lang, number);
        let lines = c.wrap(&text, STRONG.sized(10.0), left_w);
        left_y = lines_at(c, MARGIN_X, left_y, STRONG.sized(10.0), &lines) + 6.0;
    }
    // The delivery address, when it is not the billing one (a 2026 mention).
    if let Some(d) = &b.delivery {
        left_y = lines_at(
            c,
            MARGIN_X,
            left_y,
            SMALL.muted(),
            std::slice::from_ref(&lb.delivery_address),
        );
        let parts = [
            d.line1.clone(),
            format!("{} {}", d.postal_code, d.city),
            d.country.clone(),
        ];
        for part in parts.iter().filter(|p| !p.trim().is_empty()) {
            let lines = c.wrap(part, BODY, left_w);
            left_y = lines_at(c, MARGIN_X, left_y, BODY, &lines);
        }
    }
    c.y = (top + height).max(left_y) + 18.0;
}

/// Draws a paragraph, kept on one page when it fits on one.
pub(super) fn paragraph(c: &mut Canvas, text: &str, style: Style) {
    let lines = c.wrap(text, style, CONTENT_WIDTH);
    c.ensure(lines.len() as f32 * style.leading());
    for line in &lines {
        c.ensure(style.leading());
        let y = c.y;
        c.y = lines_at(c, MARGIN_X, y, style, std::slice::from_ref(line));
    }
    c.y += 2.0;
}

/// A section title kept with the start of its first paragraph.
fn section(c: &mut Canvas, title: &str, first: Option<&String>) {
    let first_h = first.map_or(0.0, |t| {
        c.wrap(t, BODY, CONTENT_WIDTH).len().min(3) as f32 * BODY.leading()
    });
    c.y += 8.0;
    c.ensure(HEADING.leading() + 4.0 + first_h);
    let (y, lines) = (c.y, c.wrap(title, HEADING, CONTENT_WIDTH));
    c.y = lines_at(c, MARGIN_X, y, HEADING, &lines) + 1.0;
    c.rule(MARGIN_X, RIGHT, c.y, 0.5, MUTED);
    c.y += 4.0;
}

/// The category of operation and the VAT-on-debits option (2026 mentions),
/// payment terms, penalties, indemnity, discount, VAT exemption and how to pay.
pub(super) fn legal_mentions(c: &mut Canvas, ctx: &Ctx) {
    let (doc, lb, lang) = (ctx.doc, &ctx.labels, ctx.lang);
    let t = &doc.terms;
    let mut mentions = vec![labels::operation(lang, doc.operation)];
    if doc.seller.vat_on_debits {
        mentions.push(lb.vat_on_debits.clone());
    }
    mentions.push(labels::payment_terms(lang, t.payment_terms_days));
    mentions.push(labels::late_penalty(lang, t.late_penalty_rate_bp));
    if let Some(amount) = t.recovery_indemnity {
        let amount = format_money(amount, "EUR", lang);
        mentions.push(labels::recovery_indemnity(lang, &amount));
    }
    if t.early_discount_terms.trim().is_empty() {
        mentions.push(lb.no_early_discount.clone());
    } else {
        mentions.push(labels::early_discount(lang, t.early_discount_terms.trim()));
    }
    if doc.needs_vat_exemption_mention() {
        mentions.push(lb.vat_exemption.clone());
    }
    section(c, &lb.legal_mentions, mentions.first());
    for m in &mentions {
        paragraph(c, m, BODY);
    }

    let mut methods = Vec::new();
    if !doc.seller.iban.trim().is_empty() {
        methods.push(labels::bank_transfer(
            lang,
            &doc.seller.iban,
            &doc.seller.bic,
        ));
    }
    if let Some(url) = &doc.pay_url {
        methods.push(labels::pay_online(lang, url));
    }
    if !methods.is_empty() {
        section(c, &lb.payment_methods, methods.first());
        for m in &methods {
            paragraph(c, m, BODY);
        }
    }
}

/// Seller, document number and page x/n at the bottom of every page.
pub(super) fn footers(c: &mut Canvas, ctx: &Ctx) {
    let seller = &ctx.doc.seller;
    let mut left = seller.legal_name.clone();
    if !seller.siren.trim().is_empty() {
        left = format!("{left} \u{b7} {} {}", ctx.labels.siren, seller.siren);
    }
    let right = format!("{} {}", ctx.title(), ctx.doc.number);
    page_footers(c, &left, &right);
}

/// `left` (shortened to one line when long) and `right · page/pages` at the
/// bottom of every page.
pub(super) fn page_footers(c: &mut Canvas, left: &str, right: &str) {
    let pages = c.page_count();
    let style = SMALL.muted();
    let y = PAGE_HEIGHT - 28.0;
    for page in 0..pages {
        let right = format!("{right} \u{b7} {}/{}", page + 1, pages);
        let right_w = c.width(&right, style);
        // The left part is shortened rather than allowed to run into the right one.
        let room = CONTENT_WIDTH - right_w - 12.0;
        let left_line = c
            .wrap(left, style, room.max(20.0))
            .into_iter()
            .next()
            .unwrap_or_default();
        c.text_on(page, MARGIN_X, y, style, &left_line);
        c.text_on(page, RIGHT - right_w, y, style, &right);
    }
}
