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
mod mentions;
pub mod notice;
pub mod receipt;
pub mod statement;
mod table;
#[cfg(test)]
mod tests;

pub use mentions::{VAT_ON_DEBITS, facturx_notes};
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

/// Renders an invoice or a credit note as a plain PDF file (no XML inside),
/// in the given language.
pub fn render_pdf(doc: &InvoiceDocument, lang: Lang) -> Result<Vec<u8>, PdfError> {
    render(doc, lang, None, false)
}

/// An issued invoice or credit note as its Factur-X PDF: PDF/A-3b with the
/// CII XML inside (see [`crate::server::facturx`]).
pub fn render_facturx_pdf(doc: &InvoiceDocument, lang: Lang) -> Result<Vec<u8>, PdfError> {
    render(doc, lang, None, true)
}

/// The PDF the customer gets: the Factur-X PDF of an issued document (a
/// draft, which has no number yet, gets the plain PDF), with the company
/// logo (PNG or JPEG bytes) at the top left of the seller block. A logo that
/// cannot be read is left out, and a Factur-X that cannot be written falls
/// back to the plain PDF: neither costs the customer their invoice.
pub fn render_pdf_with_logo(
    doc: &InvoiceDocument,
    lang: Lang,
    logo: Option<&[u8]>,
) -> Result<Vec<u8>, PdfError> {
    let facturx =
        doc.status != crate::model::invoice::DisplayStatus::Draft && !doc.number.is_empty();
    let attempt = |image: Option<krilla::image::Image>| {
        let with_xml = if facturx {
            render(doc, lang, image.clone(), true)
        } else {
            render(doc, lang, image.clone(), false)
        };
        match with_xml {
            Err(e) if facturx => {
                tracing::warn!(error = %e, number = %doc.number, "plain PDF: the Factur-X could not be written");
                render(doc, lang, image, false)
            }
            other => other,
        }
    };
    let Some(image) = logo.and_then(canvas::bitmap) else {
        return attempt(None);
    };
    match attempt(Some(image)) {
        Ok(pdf) => Ok(pdf),
        Err(e) => {
            tracing::warn!(error = %e, number = %doc.number, "PDF without the logo, which could not be drawn");
            attempt(None)
        }
    }
}

/// The Factur-X XML as an attachment dated by the document's issue date.
fn facturx_attachment(doc: &InvoiceDocument, lang: Lang) -> canvas::Attachment {
    use chrono::Datelike;
    let d = doc.issue_date;
    canvas::Attachment {
        name: crate::server::facturx::FILE_NAME.to_owned(),
        mime_type: "text/xml",
        description: format!("Factur-X {} {}", crate::server::facturx::LEVEL, doc.number),
        data: crate::server::facturx::xml(doc, lang).into_bytes(),
        date: krilla::metadata::DateTime::new(d.year().clamp(0, 9999) as u16)
            .month(d.month() as u8)
            .day(d.day() as u8)
            .hour(0)
            .minute(0)
            .second(0)
            .utc_offset_hour(0)
            .utc_offset_minute(0),
    }
}

fn render(
    doc: &InvoiceDocument,
    lang: Lang,
    logo: Option<krilla::image::Image>,
    facturx: bool,
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
    if !facturx {
        return canvas.finish(title, lang.code());
    }
    let pdf = canvas.finish_with(title, lang.code(), Some(facturx_attachment(doc, lang)))?;
    crate::server::facturx::xmp::with_facturx_metadata(
        &pdf,
        crate::server::facturx::FILE_NAME,
        crate::server::facturx::LEVEL,
    )
}
