//! Factur-X 1.0, EN 16931 profile: the invoice PDF as a PDF/A-3b that
//! carries its own CII XML (`factur-x.xml`, an "Alternative" associated
//! file) and says so in its XMP metadata. Every figure of the XML comes from
//! the same [`InvoiceDocument`] as the page and the printed PDF.
use crate::model::document::InvoiceDocument;
use crate::model::lang::Lang;

pub mod cii;
mod xml;
pub mod xmp;

/// The name of the XML inside the PDF, fixed by Factur-X.
pub const FILE_NAME: &str = "factur-x.xml";
/// The Factur-X conformance level written in the XMP metadata.
pub const LEVEL: &str = "EN 16931";

/// The CII XML of an issued invoice or credit note, with the notes in the
/// document's language.
pub fn xml(doc: &InvoiceDocument, lang: Lang) -> String {
    cii::document(doc, &crate::server::pdf::facturx_notes(doc, lang))
}
