//! What the staff invoice page shows beyond the document itself.
use super::document::InvoiceDocument;
use super::draft::DraftInput;
use super::validate::FieldErrors;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// Unix seconds.
    pub at: i64,
    pub action: String,
    pub actor: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffInvoiceView {
    pub id: i64,
    pub customer_id: i64,
    pub draft: bool,
    pub credit_note: bool,
    /// Whether a credit note may still be issued against it.
    pub creditable: bool,
    pub doc: InvoiceDocument,
    pub credit_notes: Vec<String>,
    pub history: Vec<HistoryEntry>,
    /// A pay link created just now (shown once), if any.
    pub new_pay_link: Option<String>,
}

/// A refused draft form kept for the next page view (no-JS round trip).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DraftFlash {
    pub input: DraftInput,
    pub errors: FieldErrors,
}
