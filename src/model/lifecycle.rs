//! E-invoicing lifecycle statuses (the CDAR codes of the French reform) and
//! the pure rules that say which status an event of the portal produces.
//!
//! The portal emits the statuses a seller may: 200 deposited at issue, 204
//! taken over when the customer first opens the invoice, 207 disputed when a
//! dispute opens, 206 / 205 when it is resolved by a partial credit note or
//! rejected (the invoice upheld), 210 refused when a credit note cancels the
//! whole invoice, 211 payment sent when an online checkout starts and 212
//! collected for each payment received (with its amount). 208 (suspended) is
//! known, for the platform's messages, but nothing here produces it yet.
use super::dispute::ResolutionKind;
use serde::{Deserialize, Serialize};

/// A lifecycle status code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum LifecycleCode {
    /// 200 Déposée.
    Deposited,
    /// 204 Prise en charge.
    TakenOver,
    /// 205 Approuvée.
    Approved,
    /// 206 Approuvée partiellement.
    PartiallyApproved,
    /// 207 En litige.
    Disputed,
    /// 208 Suspendue.
    Suspended,
    /// 210 Refusée.
    Refused,
    /// 211 Paiement transmis.
    PaymentSent,
    /// 212 Encaissée.
    Collected,
}

impl LifecycleCode {
    pub const ALL: [LifecycleCode; 9] = [
        LifecycleCode::Deposited,
        LifecycleCode::TakenOver,
        LifecycleCode::Approved,
        LifecycleCode::PartiallyApproved,
        LifecycleCode::Disputed,
        LifecycleCode::Suspended,
        LifecycleCode::Refused,
        LifecycleCode::PaymentSent,
        LifecycleCode::Collected,
    ];

    /// The numeric CDAR code.
    pub fn code(self) -> i64 {
        match self {
            LifecycleCode::Deposited => 200,
            LifecycleCode::TakenOver => 204,
            LifecycleCode::Approved => 205,
            LifecycleCode::PartiallyApproved => 206,
            LifecycleCode::Disputed => 207,
            LifecycleCode::Suspended => 208,
            LifecycleCode::Refused => 210,
            LifecycleCode::PaymentSent => 211,
            LifecycleCode::Collected => 212,
        }
    }

    pub fn from_code(code: i64) -> Option<LifecycleCode> {
        Self::ALL.into_iter().find(|c| c.code() == code)
    }

    /// The official French label, as platforms and the exports write it.
    pub fn label_fr(self) -> &'static str {
        match self {
            LifecycleCode::Deposited => "Déposée",
            LifecycleCode::TakenOver => "Prise en charge",
            LifecycleCode::Approved => "Approuvée",
            LifecycleCode::PartiallyApproved => "Approuvée partiellement",
            LifecycleCode::Disputed => "En litige",
            LifecycleCode::Suspended => "Suspendue",
            LifecycleCode::Refused => "Refusée",
            LifecycleCode::PaymentSent => "Paiement transmis",
            LifecycleCode::Collected => "Encaissée",
        }
    }

    /// The key of its label in `locales/*.json` (`lc_200`, …).
    pub fn label_key(self) -> &'static str {
        match self {
            LifecycleCode::Deposited => "lc_200",
            LifecycleCode::TakenOver => "lc_204",
            LifecycleCode::Approved => "lc_205",
            LifecycleCode::PartiallyApproved => "lc_206",
            LifecycleCode::Disputed => "lc_207",
            LifecycleCode::Suspended => "lc_208",
            LifecycleCode::Refused => "lc_210",
            LifecycleCode::PaymentSent => "lc_211",
            LifecycleCode::Collected => "lc_212",
        }
    }

    /// Whether the status carries an amount (a payment collected).
    pub fn has_amount(self) -> bool {
        self == LifecycleCode::Collected
    }
}

/// One status of an invoice's timeline, as pages and exports show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LifecycleEntry {
    pub id: i64,
    pub code: LifecycleCode,
    /// Minor units (a 212's payment); `None` for the other statuses.
    pub amount: Option<i64>,
    pub currency: Option<String>,
    /// Unix seconds it was recorded at.
    pub occurred_at: i64,
    /// `YYYY-MM-DD`: the day it is about (an offline payment's received date).
    pub date: String,
}

/// The status a dispute's resolution produces: a partial credit note (or a
/// commercial gesture, which is one) approves the invoice partially; a
/// rejection, or a payment plan, upholds it (approved). A full credit note
/// or a corrected invoice produce 210 from the credit note itself (see
/// [`credit_status`]), so nothing more here.
pub fn resolution_status(kind: ResolutionKind) -> Option<LifecycleCode> {
    match kind {
        ResolutionKind::CreditNotePartial | ResolutionKind::CommercialGesture => {
            Some(LifecycleCode::PartiallyApproved)
        }
        ResolutionKind::Rejected | ResolutionKind::PaymentPlan => Some(LifecycleCode::Approved),
        ResolutionKind::CreditNoteFull | ResolutionKind::CorrectedInvoice => None,
    }
}

/// The status a credit note produces on the invoice it corrects: refused
/// (210) once the credit notes cancel the invoice's whole amount; a partial
/// credit on its own changes no status.
pub fn credit_status(total_ttc: i64, credited_after: i64) -> Option<LifecycleCode> {
    (total_ttc > 0 && credited_after >= total_ttc).then_some(LifecycleCode::Refused)
}

/// A timeline in the order things happened (by instant, then by the order
/// they were recorded in).
pub fn in_order(mut entries: Vec<LifecycleEntry>) -> Vec<LifecycleEntry> {
    entries.sort_by_key(|e| (e.occurred_at, e.id));
    entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_from_its_number_and_has_a_distinct_label_key() {
        for c in LifecycleCode::ALL {
            assert_eq!(LifecycleCode::from_code(c.code()), Some(c));
        }
        let mut keys: Vec<&str> = LifecycleCode::ALL.iter().map(|c| c.label_key()).collect();
        keys.dedup();
        assert_eq!(keys.len(), 9);
        assert_eq!(LifecycleCode::from_code(209), None);
        assert_eq!(LifecycleCode::Collected.label_fr(), "Encaissée");
    }

    #[test]
    fn a_partial_credit_note_or_gesture_approves_partially_and_a_rejection_approves() {
        assert_eq!(
            resolution_status(ResolutionKind::CreditNotePartial),
            Some(LifecycleCode::PartiallyApproved)
        );
        assert_eq!(
            resolution_status(ResolutionKind::CommercialGesture),
            Some(LifecycleCode::PartiallyApproved)
        );
        assert_eq!(
            resolution_status(ResolutionKind::Rejected),
            Some(LifecycleCode::Approved)
        );
        assert_eq!(resolution_status(ResolutionKind::CreditNoteFull), None);
    }

    #[test]
    fn only_a_credit_that_cancels_the_whole_invoice_refuses_it() {
        assert_eq!(credit_status(12_000, 12_000), Some(LifecycleCode::Refused));
        assert_eq!(credit_status(12_000, 6_000), None);
        assert_eq!(credit_status(0, 0), None);
    }

    #[test]
    fn a_timeline_is_ordered_by_instant_then_by_recording_order() {
        let e = |id, at| LifecycleEntry {
            id,
            code: LifecycleCode::Deposited,
            amount: None,
            currency: None,
            occurred_at: at,
            date: String::new(),
        };
        let ids: Vec<i64> = in_order(vec![e(3, 10), e(1, 20), e(2, 10)])
            .iter()
            .map(|e| e.id)
            .collect();
        assert_eq!(ids, vec![2, 3, 1]);
    }
}
