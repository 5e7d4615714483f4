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
pub mod notice;
pub mod receipt;
pub mod statement;
mod table;
#[cfg(test)]
mod tests;

pub use notice::{notice_file_name, render_formal_notice};
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
    render(doc, lang, None)
}

/// The same, with the company logo (PNG or JPEG bytes) at the top left of the
/// seller block. A logo that cannot be read is left out: it never costs the
/// customer their invoice.
pub fn render_pdf_with_logo(
    doc: &InvoiceDocument,
    lang: Lang,
    logo: Option<&[u8]>,
) -> Result<Vec<u8>, PdfError> {
    let Some(image) = logo.and_then(canvas::bitmap) else {
        return render(doc, lang, None);
    };
    match render(doc, lang, Some(image)) {
        Ok(pdf) => Ok(pdf),
        Err(e) => {
            tracing::warn!(error = %e, number = %doc.number, "PDF without the logo, which could not be drawn");
            render(doc, lang, None)
        }
    }
}

fn render(
    doc: &InvoiceDocument,
    lang: Lang,
    logo: Option<krilla::image::Image>,
) -> Result<Vec<u8>, PdfError> {
    let faces = font::Faces::load()?;
    let ctx = layout::Ctx {
        doc,
        lang,
        labels: labels::Labels::new(lang),
        logo,
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
