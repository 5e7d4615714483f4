//! The line table (continued on as many pages as needed, its header repeated)
//! and, under it, the VAT breakdown per rate beside the totals.
use super::canvas::{
    CONTENT_BOTTOM, CONTENT_WIDTH, Canvas, Gray, MARGIN_TOP, MARGIN_X, MUTED, RIGHT, Style,
};
use super::font::Weight;
use super::labels;
use super::layout::{BODY, Ctx, RIGHT_COL, STRONG, key_value};

pub(super) const CELL: Style = Style::new(Weight::Regular, 8.0);
const HEAD: Style = Style::new(Weight::Bold, 7.5);
const PAD_X: f32 = 4.0;
const PAD_Y: f32 = 4.0;
const SHADE: Gray = 232;
const RULE: Gray = 190;
/// Smallest size a figure is shrunk to before it wraps.
const MIN_FIGURE_SIZE: f32 = 6.0;

/// Widths of the columns after the description, which takes the rest.
const FIXED: [f32; 6] = [36.0, 40.0, 68.0, 38.0, 48.0, 76.0];
const DESCRIPTION_WIDTH: f32 =
    CONTENT_WIDTH - (FIXED[0] + FIXED[1] + FIXED[2] + FIXED[3] + FIXED[4] + FIXED[5]);
/// Width available to the text of a description.
#[cfg(test)]
pub(super) const DESCRIPTION_TEXT_WIDTH: f32 = DESCRIPTION_WIDTH - 2.0 * PAD_X;

#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Align {
    Left,
    Right,
}

/// A column of a [`grid`]: its header label, width and alignment.
pub(super) struct Column<'a> {
    pub label: &'a str,
    pub width: f32,
    pub align: Align,
}

/// A cell's text broken into lines, at its (possibly shrunk) style.
struct Cell {
    style: Style,
    lines: Vec<String>,
}

fn cell(c: &Canvas, text: &str, width: f32, align: Align) -> Cell {
    let inner = width - 2.0 * PAD_X;
    let mut style = CELL;
    // Figures are shrunk to stay on one line, and wrap only past a legible size.
    let w = c.width(text, style);
    if align == Align::Right && w > inner && w > 0.0 {
        style = style.sized((style.size * inner / w).max(MIN_FIGURE_SIZE));
    }
    Cell {
        style,
        lines: c.wrap(text, style, inner),
    }
}

fn draw_cell_text(c: &mut Canvas, x: f32, width: f32, align: Align, y: f32, style: Style, t: &str) {
    match align {
        Align::Left => c.text(x + PAD_X, y, style, t),
        Align::Right => c.text_right(x + width - PAD_X, y, style, t),
    }
}

/// Header labels break between words; a single word too wide for its column
/// is set smaller rather than cut.
fn header_cells(c: &Canvas, cols: &[Column]) -> (Vec<Cell>, f32) {
    let cells: Vec<Cell> = cols
        .iter()
        .map(|col| {
            let inner = col.width - 2.0 * PAD_X;
            let widest = col
                .label
                .split_whitespace()
                .map(|w| c.width(w, HEAD))
                .fold(0.0, f32::max);
            let style = if widest > inner {
                HEAD.sized((HEAD.size * inner / widest).max(MIN_FIGURE_SIZE - 1.0))
            } else {
                HEAD
            };
            Cell {
                style,
                lines: c.wrap(col.label, style, inner),
            }
        })
        .collect();
    let h = cells
        .iter()
        .map(|cell| cell.lines.len() as f32 * HEAD.leading())
        .fold(0.0, f32::max);
    (cells, h + 2.0 * PAD_Y)
}

/// Draws header labels in a shaded band, aligned on their last line.
fn draw_header(c: &mut Canvas, x: f32, top: f32, cols: &[Column], cells: &[Cell], h: f32) {
    let width: f32 = cols.iter().map(|col| col.width).sum();
    c.fill(x, top, width, h, SHADE);
    let mut x = x;
    for (col, cell) in cols.iter().zip(cells) {
        let first = top + h - PAD_Y - cell.lines.len() as f32 * HEAD.leading();
        for (k, line) in cell.lines.iter().enumerate() {
            let y = first + HEAD.size + k as f32 * HEAD.leading();
            draw_cell_text(c, x, col.width, col.align, y, cell.style, line);
        }
        x += col.width;
    }
}

fn header(c: &mut Canvas, cols: &[Column]) {
    let (cells, h) = header_cells(c, cols);
    let top = c.y;
    draw_header(c, MARGIN_X, top, cols, &cells, h);
    c.y = top + h;
}

/// The invoice lines, as a [`grid`].
pub(super) fn lines(c: &mut Canvas, ctx: &Ctx) {
    let (lb, lang) = (&ctx.labels, ctx.lang);
    let widths = [
        DESCRIPTION_WIDTH,
        FIXED[0],
        FIXED[1],
        FIXED[2],
        FIXED[3],
        FIXED[4],
        FIXED[5],
    ];
    let specs = [
        (&lb.col_description, Align::Left),
        (&lb.col_quantity, Align::Right),
        (&lb.col_unit, Align::Left),
        (&lb.col_unit_price, Align::Right),
        (&lb.col_vat, Align::Right),
        (&lb.col_discount, Align::Right),
        (&lb.col_total_ht, Align::Right),
    ];
    let cols: Vec<Column> = specs
        .iter()
        .zip(widths)
        .map(|((label, align), width)| Column {
            label,
            width,
            align: *align,
        })
        .collect();
    let rows = ctx.doc.lines.iter().map(|line| {
        vec![
            line.description.clone(),
            labels::quantity(&line.quantity, lang),
            line.unit.clone(),
            ctx.money(line.unit_price_ht),
            line.vat_rate.label(lang),
            labels::discount(&line.discount_pct, lang),
            ctx.money(line.total_ht),
        ]
    });
    grid(c, &cols, rows);
    c.y += 14.0;
}

/// A table from the cursor: the header, then one row per item of `rows` (one
/// text per column), continued on as many pages as needed with the header
/// repeated. A row that does not fit moves to the next page, unless it is
/// taller than a page, in which case it is split between lines of text.
pub(super) fn grid<R>(c: &mut Canvas, cols: &[Column], rows: R)
where
    R: IntoIterator<Item = Vec<String>>,
{
    let lead = CELL.leading();
    let header_h = header_cells(c, cols).1;
    let fresh_capacity = ((CONTENT_BOTTOM - MARGIN_TOP - header_h - 2.0 * PAD_Y) / lead).max(1.0);
    let fresh_capacity = fresh_capacity as usize;

    c.ensure(header_h + lead + 2.0 * PAD_Y);
    header(c, cols);
    let mut fresh = true;
    for texts in rows {
        let cells: Vec<Cell> = cols
            .iter()
            .zip(&texts)
            .map(|(col, t)| cell(c, t, col.width, col.align))
            .collect();
        let n = cells.iter().map(|cell| cell.lines.len()).max().unwrap_or(1);
        let mut i = 0;
        while i < n {
            let room = ((c.room() - 2.0 * PAD_Y) / lead).max(0.0) as usize;
            let remaining = n - i;
            let keep_whole = i == 0 && remaining <= fresh_capacity;
            if !fresh && (room == 0 || (room < remaining && keep_whole)) {
                c.new_page();
                header(c, cols);
                fresh = true;
                continue;
            }
            let take = remaining.min(room.max(1));
            let top = c.y;
            let mut x = MARGIN_X;
            for (col, cell) in cols.iter().zip(&cells) {
                for (k, text) in cell.lines.iter().enumerate().skip(i).take(take) {
                    let y = top + PAD_Y + CELL.size + (k - i) as f32 * lead;
                    draw_cell_text(c, x, col.width, col.align, y, cell.style, text);
                }
                x += col.width;
            }
            c.y = top + take as f32 * lead + 2.0 * PAD_Y;
            c.rule(MARGIN_X, RIGHT, c.y, 0.4, RULE);
            i += take;
            fresh = false;
        }
    }
}

/// VAT per rate on the left, totals and balance on the right, kept together.
pub(super) fn totals(c: &mut Canvas, ctx: &Ctx) {
    let (doc, lb) = (ctx.doc, &ctx.labels);
    let row_pad = 5.0;
    let mut rows: Vec<(&str, String, Style, bool)> = vec![
        (&lb.total_ht, ctx.money(doc.total_ht), BODY, false),
        (&lb.total_vat, ctx.money(doc.total_vat), BODY, false),
        (&lb.total_ttc, ctx.money(doc.total_ttc), STRONG, true),
    ];
    for (label, amount) in [
        (&lb.deposits, doc.deposits),
        (&lb.paid, doc.paid),
        (&lb.credited, doc.credited),
    ] {
        if amount != 0 {
            rows.push((label, ctx.money(amount.saturating_neg()), BODY, false));
        }
    }
    let balance_style = STRONG.sized(10.0);
    rows.push((&lb.balance, ctx.money(doc.balance), balance_style, true));

    let span = (RIGHT_COL + PAD_X, RIGHT - PAD_X);
    let heights: Vec<f32> = rows
        .iter()
        .map(|(l, v, s, _)| key_value(c, span, 0.0, (l, *s), (v, *s), false) + row_pad)
        .collect();
    let right_h: f32 = heights.iter().sum();

    let vat_cols = [
        Column {
            label: &lb.rate,
            width: 60.0,
            align: Align::Left,
        },
        Column {
            label: &lb.base_ht,
            width: 85.0,
            align: Align::Right,
        },
        Column {
            label: &lb.vat_amount,
            width: 85.0,
            align: Align::Right,
        },
    ];
    let vat_w: f32 = vat_cols.iter().map(|col| col.width).sum();
    let (vat_head, vat_head_h) = header_cells(c, &vat_cols);
    let vat_row_h = CELL.leading() + 2.0 * PAD_Y;
    let left_h = STRONG.leading() + 2.0 + vat_head_h + doc.per_rate.len() as f32 * vat_row_h;
    c.ensure(left_h.max(right_h));
    let top = c.y;

    // VAT breakdown.
    if !doc.per_rate.is_empty() {
        c.text(MARGIN_X, top + STRONG.size, STRONG, &lb.vat_breakdown);
        let mut y = top + STRONG.leading() + 2.0;
        draw_header(c, MARGIN_X, y, &vat_cols, &vat_head, vat_head_h);
        y += vat_head_h;
        for r in &doc.per_rate {
            let texts = [
                r.rate.label(ctx.lang),
                ctx.money(r.base_ht),
                ctx.money(r.vat),
            ];
            let mut x = MARGIN_X;
            for (col, t) in vat_cols.iter().zip(&texts) {
                let style = cell(c, t, col.width, col.align).style;
                draw_cell_text(c, x, col.width, col.align, y + PAD_Y + CELL.size, style, t);
                x += col.width;
            }
            y += vat_row_h;
            c.rule(MARGIN_X, MARGIN_X + vat_w, y, 0.4, RULE);
        }
    }

    // Totals.
    let mut y = top;
    for ((label, value, style, emphasis), h) in rows.iter().zip(&heights) {
        if *emphasis {
            if style.size > BODY.size {
                c.fill(RIGHT_COL, y, RIGHT - RIGHT_COL, *h, SHADE);
            } else {
                c.rule(RIGHT_COL, RIGHT, y, 0.6, MUTED);
            }
        }
        key_value(
            c,
            span,
            y + row_pad / 2.0,
            (label, *style),
            (value, *style),
            true,
        );
        y += h;
    }
    c.y = top + left_h.max(right_h) + 6.0;
}
