//! Provider refunds, each kept by its own id with its status (Stripe API
//! version 2026-10-28), so that a refund that fails or is canceled gives the
//! money back, in any arrival order.
//!
//! Two kinds of events tell of refunds: the refund's own (`refund.created`,
//! `refund.updated`, `refund.failed`, `charge.refund.updated`), and the
//! charge's `charge.refunded`, which carries the cumulative `amount_refunded`
//! (and, in older API versions, the refunds themselves). What comes off a
//! payment is [`counted`]: the refunds that hold money, plus whatever of the
//! largest cumulative amount no known refund explains yet.
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RefundStatus {
    /// The customer must act before the refund goes out.
    RequiresAction,
    Pending,
    Succeeded,
    Failed,
    Canceled,
}

const CODES: [(RefundStatus, &str); 5] = [
    (RefundStatus::RequiresAction, "requires_action"),
    (RefundStatus::Pending, "pending"),
    (RefundStatus::Succeeded, "succeeded"),
    (RefundStatus::Failed, "failed"),
    (RefundStatus::Canceled, "canceled"),
];

impl RefundStatus {
    pub const ALL: [RefundStatus; 5] = [
        RefundStatus::RequiresAction,
        RefundStatus::Pending,
        RefundStatus::Succeeded,
        RefundStatus::Failed,
        RefundStatus::Canceled,
    ];

    pub fn as_str(self) -> &'static str {
        CODES
            .iter()
            .find(|(s, _)| *s == self)
            .map_or("pending", |(_, c)| *c)
    }

    pub fn parse(s: &str) -> Option<RefundStatus> {
        CODES.iter().find(|(_, c)| *c == s).map(|(st, _)| *st)
    }

    /// Where a status stands in a refund's life: a refund may need action,
    /// is pending, succeeds, and may still fail after it succeeded (Stripe
    /// documents this for some methods); failed and canceled are final.
    fn rank(self) -> u8 {
        match self {
            RefundStatus::RequiresAction => 0,
            RefundStatus::Pending => 1,
            RefundStatus::Succeeded => 2,
            RefundStatus::Failed | RefundStatus::Canceled => 3,
        }
    }

    /// The state after learning `fact`: the later of the two in the refund's
    /// life (the first final one stays).
    pub fn merge(self, fact: RefundStatus) -> RefundStatus {
        if fact.rank() > self.rank() {
            fact
        } else {
            self
        }
    }

    /// Whether the money is out of the business (or on its way out).
    pub fn holds_money(self) -> bool {
        !matches!(self, RefundStatus::Failed | RefundStatus::Canceled)
    }
}

/// What comes off a payment: the refunds that hold money, plus what of the
/// largest cumulative `amount_refunded` a charge showed no known refund
/// explains (a `charge.refunded` whose refund events have not arrived).
pub fn counted(cumulative: i64, refunds: &[(i64, RefundStatus)]) -> i64 {
    let known: i64 = refunds.iter().map(|(a, _)| (*a).max(0)).sum();
    let held: i64 = refunds
        .iter()
        .filter(|(_, s)| s.holds_money())
        .map(|(a, _)| (*a).max(0))
        .sum();
    held + (cumulative - known).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use RefundStatus::*;

    #[test]
    fn every_refund_status_has_a_code_and_a_money_rule() {
        for s in RefundStatus::ALL {
            assert_eq!(RefundStatus::parse(s.as_str()), Some(s));
        }
        assert!(RequiresAction.holds_money() && Pending.holds_money() && Succeeded.holds_money());
        assert!(!Failed.holds_money() && !Canceled.holds_money());
        assert_eq!(RefundStatus::parse("refunded"), None);
    }

    #[test]
    fn a_refund_status_merges_to_the_same_end_in_any_order() {
        let lives = [
            vec![Pending, Succeeded],
            vec![Pending, Failed],
            vec![Pending, Succeeded, Failed],
            vec![RequiresAction, Canceled],
            vec![RequiresAction, Pending, Succeeded],
        ];
        for life in lives {
            let forward = life.iter().fold(life[0], |s, f| s.merge(*f));
            let backward = life
                .iter()
                .rev()
                .fold(*life.last().expect("a status"), |s, f| s.merge(*f));
            assert_eq!(forward, *life.last().expect("a status"), "{life:?}");
            assert_eq!(backward, forward, "{life:?}");
        }
        assert_eq!(
            Failed.merge(Canceled),
            Failed,
            "the first final status stays"
        );
    }

    #[test]
    fn a_failed_refund_gives_the_money_back_before_or_after_its_charge_event() {
        // Only the charge's cumulative amount is known: it counts.
        assert_eq!(counted(65_600, &[]), 65_600);
        // The refund is pending: counted once, not twice.
        assert_eq!(counted(65_600, &[(65_600, Pending)]), 65_600);
        assert_eq!(counted(0, &[(65_600, Pending)]), 65_600);
        // It failed, whether the charge event came before or after.
        assert_eq!(counted(65_600, &[(65_600, Failed)]), 0);
        assert_eq!(counted(0, &[(65_600, Failed)]), 0);
    }

    #[test]
    fn several_refunds_add_up_and_an_unexplained_remainder_still_counts() {
        assert_eq!(
            counted(4_000, &[(1_000, Succeeded), (3_000, Pending)]),
            4_000
        );
        assert_eq!(counted(4_000, &[(1_000, Succeeded)]), 4_000);
        assert_eq!(
            counted(4_000, &[(1_000, Canceled), (3_000, Succeeded)]),
            3_000
        );
        // A retried refund after a failed one: the charge's total may or may
        // not still include the failed one; either way only the live one counts.
        assert_eq!(
            counted(2_000, &[(2_000, Failed), (2_000, Succeeded)]),
            2_000
        );
        assert_eq!(
            counted(4_000, &[(2_000, Failed), (2_000, Succeeded)]),
            2_000
        );
    }
}
