//! Card chargebacks and inquiries as Stripe reports them (API version
//! 2026-10-28), and how the facts of their events merge, whatever order the
//! events arrive in.
//!
//! Money follows Stripe's balance, not the dispute's existence: an inquiry
//! (`warning_*`) takes no money; a chargeback takes the disputed amount when
//! Stripe withdraws it (a balance transaction on the dispute, or
//! `charge.dispute.funds_withdrawn`) and gives it back when Stripe reinstates
//! it (`funds_reinstated`, or the dispute won).
use serde::{Deserialize, Serialize};

/// Every dispute status Stripe sends today, in the order a dispute lives
/// them (inquiries first, appeals last); see [`rank`].
pub const STATUSES: [&str; 10] = [
    "warning_needs_response",
    "warning_under_review",
    "warning_closed",
    "needs_response",
    "under_review",
    "won",
    "lost",
    "prevented",
    "appeal_needs_response",
    "appeal_under_review",
];

/// An inquiry: the bank asks questions; no funds move.
pub fn is_inquiry(status: &str) -> bool {
    status.starts_with("warning_")
}

/// A status after which nothing more is expected (an appeal may still follow
/// a loss: it arrives as a later event and is kept, being newer).
pub fn is_final(status: &str) -> bool {
    matches!(status, "won" | "lost" | "warning_closed" | "prevented")
}

/// Where a status stands in a dispute's life, to order two events of the
/// same second: open before closed, a loss before its appeal, an appeal
/// before its outcome. Unknown statuses rank first, so they never hide a
/// known one of the same second.
pub fn rank(status: &str) -> u8 {
    match status {
        "warning_needs_response" => 1,
        "warning_under_review" => 2,
        "needs_response" => 3,
        "under_review" => 4,
        "lost" => 5,
        "appeal_needs_response" => 6,
        "appeal_under_review" => 7,
        "won" | "warning_closed" | "prevented" => 8,
        _ => 0,
    }
}

/// What one event says of a dispute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargebackFact {
    pub status: String,
    /// The event's `created` (unix seconds): the newest status wins.
    pub at: i64,
    pub amount: i64,
    pub reason: String,
    /// `evidence_details.due_by`; `None` when the bank takes no evidence.
    pub due_by: Option<i64>,
    /// This event shows the funds withdrawn.
    pub withdrawn: bool,
    /// This event shows the funds given back.
    pub reinstated: bool,
}

/// A dispute as stored: the newest status, and whether funds were ever
/// withdrawn and reinstated (facts that, once seen, stay true).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargebackState {
    pub status: String,
    pub status_at: i64,
    pub amount: i64,
    pub reason: String,
    pub due_by: Option<i64>,
    pub funds_withdrawn: bool,
    pub funds_reinstated: bool,
}

impl ChargebackState {
    pub fn from_fact(f: &ChargebackFact) -> ChargebackState {
        ChargebackState {
            status: f.status.clone(),
            status_at: f.at,
            amount: f.amount,
            reason: f.reason.clone(),
            due_by: f.due_by,
            funds_withdrawn: f.withdrawn,
            funds_reinstated: f.reinstated,
        }
    }

    /// The state after learning `f`: its status, amount, reason and due date
    /// if it is the newer event (by time, then by [`rank`]); the money flags
    /// of both.
    pub fn merge(&self, f: &ChargebackFact) -> ChargebackState {
        let newer = (f.at, rank(&f.status)) >= (self.status_at, rank(&self.status));
        let mut next = if newer {
            ChargebackState {
                due_by: f.due_by.or(self.due_by),
                reason: if f.reason.is_empty() {
                    self.reason.clone()
                } else {
                    f.reason.clone()
                },
                ..ChargebackState::from_fact(f)
            }
        } else {
            self.clone()
        };
        next.funds_withdrawn = self.funds_withdrawn || f.withdrawn;
        next.funds_reinstated = self.funds_reinstated || f.reinstated;
        next
    }

    /// Whether the business is without this money now: lost, or withdrawn
    /// and not yet given back. Never for an inquiry, a prevented dispute or
    /// a won one.
    pub fn holds_money(&self) -> bool {
        match self.status.as_str() {
            "won" => false,
            "lost" | "appeal_needs_response" | "appeal_under_review" => true,
            s if is_inquiry(s) || s == "prevented" => false,
            _ => self.funds_withdrawn && !self.funds_reinstated,
        }
    }

    pub fn closed(&self) -> bool {
        is_final(&self.status)
    }
}

/// A chargeback as staff see it on the invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChargebackView {
    pub payment_reference: String,
    pub amount: i64,
    pub currency: String,
    pub status: String,
    pub reason: String,
    /// Unix seconds by which the evidence must be in.
    pub due_by: Option<i64>,
    pub holds_money: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fact(status: &str, at: i64) -> ChargebackFact {
        ChargebackFact {
            status: status.into(),
            at,
            amount: 5_000,
            reason: "fraudulent".into(),
            due_by: Some(1_800_000_000),
            withdrawn: false,
            reinstated: false,
        }
    }

    fn withdrawn(status: &str, at: i64) -> ChargebackFact {
        ChargebackFact {
            withdrawn: true,
            ..fact(status, at)
        }
    }

    fn state_of(facts: &[ChargebackFact]) -> ChargebackState {
        let (first, rest) = facts.split_first().expect("a fact");
        rest.iter()
            .fold(ChargebackState::from_fact(first), |s, f| s.merge(f))
    }

    #[test]
    fn an_inquiry_holds_no_money_in_any_of_its_statuses() {
        for status in [
            "warning_needs_response",
            "warning_under_review",
            "warning_closed",
        ] {
            assert!(is_inquiry(status));
            assert!(
                !ChargebackState::from_fact(&fact(status, 1)).holds_money(),
                "{status}"
            );
        }
    }

    #[test]
    fn every_status_stripe_sends_has_a_money_rule() {
        // (status, holds money when withdrawn and not reinstated, when nothing was withdrawn)
        let expected = [
            ("warning_needs_response", false, false),
            ("warning_under_review", false, false),
            ("warning_closed", false, false),
            ("needs_response", true, false),
            ("under_review", true, false),
            ("won", false, false),
            ("lost", true, true),
            ("prevented", false, false),
            ("appeal_needs_response", true, true),
            ("appeal_under_review", true, true),
        ];
        assert_eq!(expected.len(), STATUSES.len());
        for (status, if_withdrawn, if_not) in expected {
            assert!(STATUSES.contains(&status));
            assert!(rank(status) > 0, "{status} is known");
            let w = ChargebackState::from_fact(&withdrawn(status, 1));
            let n = ChargebackState::from_fact(&fact(status, 1));
            assert_eq!(w.holds_money(), if_withdrawn, "{status} withdrawn");
            assert_eq!(n.holds_money(), if_not, "{status} not withdrawn");
        }
    }

    #[test]
    fn reinstated_funds_come_back_in_either_order() {
        let reinstated = ChargebackFact {
            reinstated: true,
            ..fact("under_review", 3)
        };
        let forward = state_of(&[withdrawn("needs_response", 1), reinstated.clone()]);
        let backward = state_of(&[reinstated, withdrawn("needs_response", 1)]);
        assert!(!forward.holds_money());
        assert_eq!(forward, backward);
        assert_eq!(forward.status, "under_review");
    }

    #[test]
    fn the_newest_status_wins_and_a_late_older_event_changes_nothing() {
        let s = state_of(&[fact("won", 9), withdrawn("needs_response", 1)]);
        assert_eq!(s.status, "won");
        assert!(s.closed() && !s.holds_money());
        assert!(s.funds_withdrawn, "the withdrawal is still a fact");
    }

    #[test]
    fn within_one_second_the_later_stage_wins() {
        let s = state_of(&[fact("lost", 5), withdrawn("needs_response", 5)]);
        assert_eq!(s.status, "lost");
        let s = state_of(&[fact("appeal_needs_response", 5), fact("lost", 5)]);
        assert_eq!(s.status, "appeal_needs_response");
    }

    #[test]
    fn an_inquiry_that_becomes_a_chargeback_takes_the_money_when_it_is_withdrawn() {
        let s = state_of(&[
            fact("warning_needs_response", 1),
            fact("warning_under_review", 2),
        ]);
        assert!(!s.holds_money());
        let s = s.merge(&withdrawn("needs_response", 3));
        assert!(s.holds_money());
    }

    #[test]
    fn a_later_event_without_a_due_date_or_reason_keeps_the_known_ones() {
        let mut late = fact("under_review", 2);
        late.due_by = None;
        late.reason = String::new();
        let s = state_of(&[fact("needs_response", 1), late]);
        assert_eq!(s.due_by, Some(1_800_000_000));
        assert_eq!(s.reason, "fraudulent");
    }
}
