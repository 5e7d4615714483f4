//! "Correct an invoice": a full credit note and a new draft in one action,
//! and the rule for when it is offered.
use super::invoice::InvoiceStatus;
use serde::{Deserialize, Serialize};

/// Why an invoice cannot be corrected in one action.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CorrectionBlock {
    /// Not issued yet: a draft is simply edited or deleted.
    Draft,
    /// A credit note is not corrected by another credit note.
    CreditNote,
    /// Money was received: it must be credited partially, by hand.
    HasPayments,
    /// A credit note was issued against it already.
    AlreadyCredited,
}

impl CorrectionBlock {
    /// A short code carried in the redirect after a refused (no-JS) post.
    pub fn code(self) -> &'static str {
        match self {
            CorrectionBlock::Draft => "draft",
            CorrectionBlock::CreditNote => "credit_note",
            CorrectionBlock::HasPayments => "paid",
            CorrectionBlock::AlreadyCredited => "credited",
        }
    }

    pub fn parse(s: &str) -> Option<CorrectionBlock> {
        [
            CorrectionBlock::Draft,
            CorrectionBlock::CreditNote,
            CorrectionBlock::HasPayments,
            CorrectionBlock::AlreadyCredited,
        ]
        .into_iter()
        .find(|b| b.code() == s)
    }
}

/// Whether an invoice of this kind, status and settlement may be corrected in
/// one action (`None`), or why not. Deposits paid before the invoice do not
/// block it: the new draft carries them over.
pub fn correction_block(
    kind: &str,
    status: InvoiceStatus,
    amount_paid: i64,
    amount_credited: i64,
) -> Option<CorrectionBlock> {
    if kind != "invoice" {
        Some(CorrectionBlock::CreditNote)
    } else if status == InvoiceStatus::Draft {
        Some(CorrectionBlock::Draft)
    } else if amount_paid != 0 {
        Some(CorrectionBlock::HasPayments)
    } else if amount_credited != 0 || status == InvoiceStatus::Credited {
        Some(CorrectionBlock::AlreadyCredited)
    } else {
        None
    }
}

/// What the staff invoice page shows about corrections.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CorrectionInfo {
    /// `None` when "correct" is offered.
    pub blocked: Option<CorrectionBlock>,
    /// The invoice this document replaces: id and number.
    pub replaces: Option<(i64, String)>,
    /// The documents replacing this invoice: id and number (`None` for a draft).
    pub replaced_by: Vec<(i64, Option<String>)>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_issued_unpaid_invoice_may_be_corrected_even_with_deposits_or_a_dispute() {
        assert_eq!(
            correction_block("invoice", InvoiceStatus::Issued, 0, 0),
            None
        );
        assert_eq!(
            correction_block("invoice", InvoiceStatus::Disputed, 0, 0),
            None
        );
    }

    #[test]
    fn drafts_credit_notes_paid_and_credited_invoices_may_not() {
        assert_eq!(
            correction_block("invoice", InvoiceStatus::Draft, 0, 0),
            Some(CorrectionBlock::Draft)
        );
        assert_eq!(
            correction_block("credit_note", InvoiceStatus::Issued, 0, 0),
            Some(CorrectionBlock::CreditNote)
        );
        assert_eq!(
            correction_block("invoice", InvoiceStatus::PartiallyPaid, 500, 0),
            Some(CorrectionBlock::HasPayments)
        );
        assert_eq!(
            correction_block("invoice", InvoiceStatus::Issued, 0, 100),
            Some(CorrectionBlock::AlreadyCredited)
        );
        assert_eq!(
            correction_block("invoice", InvoiceStatus::Credited, 0, 0),
            Some(CorrectionBlock::AlreadyCredited)
        );
    }

    #[test]
    fn refusals_round_trip_through_their_codes() {
        for b in [
            CorrectionBlock::Draft,
            CorrectionBlock::CreditNote,
            CorrectionBlock::HasPayments,
            CorrectionBlock::AlreadyCredited,
        ] {
            assert_eq!(CorrectionBlock::parse(b.code()), Some(b));
        }
        assert_eq!(CorrectionBlock::parse("x"), None);
    }
}
