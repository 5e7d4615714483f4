//! Native PDF rendering of invoices and credit notes (A4, fonts embedded),
//! with every mention French invoicing law requires. The figures come from
//! [`InvoiceDocument`], the same structure the HTML page shows; every word
//! comes from the `doc_*` keys of the locale files.
//!
//! The layout is computed first as a list of drawing operations per page
//! (`canvas`), measuring text with the embedded fonts' own metrics
//! (`font`), then written out with krilla.
use crate::model::document::InvoiceDocument;
use crate::model::lang::Lang;

mod canvas;
mod font;
mod labels;
mod layout;
pub mod receipt;
mod table;
#[cfg(test)]
mod tests;

pub use receipt::{receipt_file_name, render_receipt};

/// Why a PDF could not be produced.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    /// An embedded font could not be read.
    #[error("the embedded font {0} could not be read")]
    Font(&'static str),
    /// The page size was refused.
    #[error("invalid page size")]
    PageSize,
    /// krilla failed to write the document.
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

/// Renders an invoice or a credit note as a PDF file, in the given language.
pub fn render_pdf(doc: &InvoiceDocument, lang: Lang) -> Result<Vec<u8>, PdfError> {
    let faces = font::Faces::load()?;
    let ctx = layout::Ctx {
        doc,
        lang,
        labels: labels::Labels::new(lang),
    };
    let mut canvas = canvas::Canvas::new(&faces);
    layout::heading(&mut canvas, &ctx);
    layout::parties(&mut canvas, &ctx);
    table::lines(&mut canvas, &ctx);
    table::totals(&mut canvas, &ctx);
    layout::legal_mentions(&mut canvas, &ctx);
    layout::footers(&mut canvas, &ctx);
    let title = format!("{} {}", ctx.title(), doc.number);
    canvas.finish(title, lang.code())
}
