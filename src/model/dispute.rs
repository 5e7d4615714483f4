//! Disputes (litiges): reasons, the status state machine, resolutions, the
//! payment-plan and disputed-amount rules, and the thread as each side sees it.
use super::validate::{FieldErrors, FieldProblem};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The longest message a thread accepts, in characters.
pub const MAX_MESSAGE_CHARS: usize = 5000;
/// The most instalments a payment plan may have.
pub const MAX_INSTALMENTS: usize = 24;
/// How long after its closing a dispute may be reopened, in seconds (30 days).
pub const REOPEN_WINDOW_SECS: i64 = 30 * 24 * 3600;
/// The largest attachment accepted, in bytes (5 MB).
pub const MAX_ATTACHMENT_BYTES: usize = 5 * 1024 * 1024;
/// The most attachments one message may carry.
pub const MAX_ATTACHMENTS: usize = 5;

/// A file attached to a message of the thread (the bytes are served by the
/// attachment download routes, never embedded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentView {
    pub id: i64,
    /// The name the uploader gave, cleaned for display.
    pub filename: String,
    /// `application/pdf`, `image/png` or `image/jpeg`, from the content.
    pub content_type: String,
    pub size_bytes: i64,
}

/// One dispute in the customer's own list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerDisputeRow {
    pub id: i64,
    pub invoice_number: String,
    pub reason: DisputeReason,
    pub status: DisputeStatus,
    pub disputed_amount: i64,
    pub currency: String,
    /// Unix seconds.
    pub created_at: i64,
    /// Unix seconds of the last message the customer may read.
    pub last_message_at: i64,
}

/// Why the customer disputes an invoice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DisputeReason {
    WrongAmount,
    NotDelivered,
    Quality,
    Duplicate,
    AlreadyPaid,
    Other,
}

impl DisputeReason {
    pub const ALL: [DisputeReason; 6] = [
        DisputeReason::WrongAmount,
        DisputeReason::NotDelivered,
        DisputeReason::Quality,
        DisputeReason::Duplicate,
        DisputeReason::AlreadyPaid,
        DisputeReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DisputeReason::WrongAmount => "wrong_amount",
            DisputeReason::NotDelivered => "not_delivered",
            DisputeReason::Quality => "quality",
            DisputeReason::Duplicate => "duplicate",
            DisputeReason::AlreadyPaid => "already_paid",
            DisputeReason::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<DisputeReason> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Where a dispute stands. `Resolved` and `Rejected` are closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DisputeStatus {
    Open,
    InReview,
    WaitingForCustomer,
    Resolved,
    Rejected,
}

/// How a status change is made: staff moving it by hand, recording a
/// resolution, or reopening a closed dispute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transition {
    Manual,
    Resolution,
    Reopen,
}

impl DisputeStatus {
    pub const ALL: [DisputeStatus; 5] = [
        DisputeStatus::Open,
        DisputeStatus::InReview,
        DisputeStatus::WaitingForCustomer,
        DisputeStatus::Resolved,
        DisputeStatus::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DisputeStatus::Open => "open",
            DisputeStatus::InReview => "in_review",
            DisputeStatus::WaitingForCustomer => "waiting_for_customer",
            DisputeStatus::Resolved => "resolved",
            DisputeStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<DisputeStatus> {
        Self::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Resolved or rejected: no longer blocks the invoice.
    pub fn is_closed(self) -> bool {
        matches!(self, DisputeStatus::Resolved | DisputeStatus::Rejected)
    }

    /// Whether `self -> to` is allowed when made the way `how` says. A
    /// dispute is closed only by recording a resolution, and a closed one
    /// only goes back to `Open` by reopening it.
    pub fn can_become(self, to: DisputeStatus, how: Transition) -> bool {
        use DisputeStatus::*;
        match how {
            Transition::Manual => matches!(
                (self, to),
                (Open, InReview)
                    | (Open, WaitingForCustomer)
                    | (InReview, WaitingForCustomer)
                    | (WaitingForCustomer, InReview)
            ),
            Transition::Resolution => !self.is_closed() && to.is_closed(),
            Transition::Reopen => self.is_closed() && to == Open,
        }
    }
}

/// Whether a dispute closed at `closed_at` may be reopened at `now`.
pub fn may_reopen(status: DisputeStatus, closed_at: Option<i64>, now: i64) -> bool {
    status.is_closed() && closed_at.is_some_and(|t| now - t <= REOPEN_WINDOW_SECS)
}

/// How a dispute was resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResolutionKind {
    CreditNoteFull,
    CreditNotePartial,
    CorrectedInvoice,
    PaymentPlan,
    CommercialGesture,
    Rejected,
}

impl ResolutionKind {
    pub const ALL: [ResolutionKind; 6] = [
        ResolutionKind::CreditNoteFull,
        ResolutionKind::CreditNotePartial,
        ResolutionKind::CorrectedInvoice,
        ResolutionKind::PaymentPlan,
        ResolutionKind::CommercialGesture,
        ResolutionKind::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ResolutionKind::CreditNoteFull => "credit_note_full",
            ResolutionKind::CreditNotePartial => "credit_note_partial",
            ResolutionKind::CorrectedInvoice => "corrected_invoice",
            ResolutionKind::PaymentPlan => "payment_plan",
            ResolutionKind::CommercialGesture => "commercial_gesture",
            ResolutionKind::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<ResolutionKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The status a dispute ends in with this resolution.
    pub fn closing_status(self) -> DisputeStatus {
        match self {
            ResolutionKind::Rejected => DisputeStatus::Rejected,
            _ => DisputeStatus::Resolved,
        }
    }
}

/// One payment of a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instalment {
    pub due_date: NaiveDate,
    /// Minor units.
    pub amount: i64,
}

/// A plan must pay exactly the balance, in at most [`MAX_INSTALMENTS`]
/// positive instalments on strictly increasing dates from `today` on.
pub fn check_plan(plan: &[Instalment], balance: i64, today: NaiveDate) -> Result<(), FieldErrors> {
    let mut e = FieldErrors::default();
    if plan.is_empty() {
        e.add("instalments", FieldProblem::Required);
        return Err(e);
    }
    if plan.len() > MAX_INSTALMENTS {
        e.add("instalments", FieldProblem::TooLarge);
        return Err(e);
    }
    if plan.iter().any(|i| i.amount <= 0) {
        e.add("instalments", FieldProblem::MustBePositive);
    }
    let increasing = plan.windows(2).all(|w| w[0].due_date < w[1].due_date);
    if !increasing || plan[0].due_date < today {
        e.add("instalments", FieldProblem::InvalidDate);
    }
    let sum = plan
        .iter()
        .try_fold(0i64, |acc, i| acc.checked_add(i.amount));
    if e.is_empty() && sum != Some(balance) {
        e.add("instalments", FieldProblem::OutOfRange);
    }
    if e.is_empty() { Ok(()) } else { Err(e) }
}

/// The disputed amount must be positive and at most the balance.
pub fn check_disputed_amount(amount: i64, balance: i64) -> Result<(), FieldProblem> {
    if amount <= 0 {
        Err(FieldProblem::MustBePositive)
    } else if amount > balance {
        Err(FieldProblem::TooLarge)
    } else {
        Ok(())
    }
}

/// What may still be paid (and reminded) while `disputed_amount` is discussed.
pub fn undisputed_payable(balance: i64, disputed_amount: i64) -> i64 {
    balance.saturating_sub(disputed_amount.max(0)).max(0)
}

/// A message body, trimmed: required and at most [`MAX_MESSAGE_CHARS`] characters.
pub fn check_message(body: &str) -> Result<String, FieldProblem> {
    let body = body.trim();
    if body.is_empty() {
        Err(FieldProblem::Required)
    } else if body.chars().count() > MAX_MESSAGE_CHARS {
        Err(FieldProblem::TooLong)
    } else {
        Ok(body.to_string())
    }
}

/// Who wrote a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AuthorKind {
    Customer,
    Staff,
}

impl AuthorKind {
    pub fn as_str(self) -> &'static str {
        match self {
            AuthorKind::Customer => "customer",
            AuthorKind::Staff => "staff",
        }
    }

    pub fn parse(s: &str) -> Option<AuthorKind> {
        match s {
            "customer" => Some(AuthorKind::Customer),
            "staff" => Some(AuthorKind::Staff),
            _ => None,
        }
    }
}

/// A message the customer may read. It has no "internal" flag: internal
/// notes are never loaded into this type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadMessage {
    /// Attachments hang off this id.
    pub id: i64,
    pub author: AuthorKind,
    pub author_name: String,
    pub body: String,
    /// Unix seconds.
    pub created_at: i64,
    pub attachments: Vec<AttachmentView>,
}

/// A message as staff see it, internal notes included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMessage {
    pub id: i64,
    pub author: AuthorKind,
    pub author_name: String,
    pub body: String,
    pub internal: bool,
    pub created_at: i64,
    pub attachments: Vec<AttachmentView>,
}

/// The recorded outcome of a dispute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResolutionView {
    pub kind: ResolutionKind,
    /// What the customer is told (for a rejection: the reason).
    pub explanation: String,
    pub credit_note_number: Option<String>,
    pub instalments: Vec<Instalment>,
    pub resolved_at: i64,
}

/// The facts of a dispute both sides see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeHeader {
    pub id: i64,
    pub invoice_number: String,
    pub currency: String,
    pub reason: DisputeReason,
    pub status: DisputeStatus,
    /// Minor units.
    pub disputed_amount: i64,
    /// Positions of the disputed invoice lines (empty: the invoice as a whole).
    pub lines: Vec<i64>,
    pub created_at: i64,
}

/// The thread as the customer sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerThread {
    pub header: DisputeHeader,
    pub messages: Vec<ThreadMessage>,
    pub resolution: Option<ResolutionView>,
}

/// One entry of a dispute's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeEvent {
    pub kind: String,
    pub detail: String,
    pub actor_name: Option<String>,
    pub created_at: i64,
}

/// The thread as staff see it: internal notes, assignee and full history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffThread {
    pub header: DisputeHeader,
    pub customer_name: String,
    pub assignee: Option<(i64, String)>,
    pub messages: Vec<StaffMessage>,
    pub events: Vec<DisputeEvent>,
    pub resolution: Option<ResolutionView>,
}

/// Which disputes the staff queue shows by assignee.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum AssigneeFilter {
    #[default]
    Anyone,
    Mine,
    Unassigned,
    User(i64),
}

/// The staff queue's filters; no status means every dispute not closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct QueueFilter {
    pub status: Option<DisputeStatus>,
    pub assignee: AssigneeFilter,
}

/// One row of the staff queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueRow {
    pub id: i64,
    pub invoice_number: String,
    pub customer_name: String,
    pub reason: DisputeReason,
    pub status: DisputeStatus,
    pub disputed_amount: i64,
    pub currency: String,
    pub assignee_name: Option<String>,
    /// The customer wrote last: staff owe an answer.
    pub waiting_for_staff: bool,
    /// Seconds since the dispute was opened.
    pub age_secs: i64,
    /// Seconds since the customer's last message.
    pub since_customer_message_secs: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use DisputeStatus::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    fn plan(items: &[(NaiveDate, i64)]) -> Vec<Instalment> {
        items
            .iter()
            .map(|&(due_date, amount)| Instalment { due_date, amount })
            .collect()
    }

    #[test]
    fn staff_move_a_dispute_between_review_and_waiting_for_the_customer() {
        assert!(Open.can_become(InReview, Transition::Manual));
        assert!(InReview.can_become(WaitingForCustomer, Transition::Manual));
        assert!(WaitingForCustomer.can_become(InReview, Transition::Manual));
        assert!(!InReview.can_become(Open, Transition::Manual));
    }

    #[test]
    fn a_dispute_closes_only_through_a_resolution() {
        for from in [Open, InReview, WaitingForCustomer] {
            assert!(!from.can_become(Resolved, Transition::Manual));
            assert!(!from.can_become(Rejected, Transition::Manual));
            assert!(from.can_become(Resolved, Transition::Resolution));
            assert!(from.can_become(Rejected, Transition::Resolution));
        }
        assert!(!Resolved.can_become(Rejected, Transition::Resolution));
    }

    #[test]
    fn a_closed_dispute_reopens_within_thirty_days_only() {
        assert!(Resolved.can_become(Open, Transition::Reopen));
        assert!(!InReview.can_become(Open, Transition::Reopen));
        assert!(may_reopen(Rejected, Some(0), REOPEN_WINDOW_SECS));
        assert!(!may_reopen(Rejected, Some(0), REOPEN_WINDOW_SECS + 1));
        assert!(!may_reopen(Open, Some(0), 10));
    }

    #[test]
    fn names_round_trip() {
        for r in DisputeReason::ALL {
            assert_eq!(DisputeReason::parse(r.as_str()), Some(r));
        }
        for s in DisputeStatus::ALL {
            assert_eq!(DisputeStatus::parse(s.as_str()), Some(s));
        }
        for k in ResolutionKind::ALL {
            assert_eq!(ResolutionKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(
            ResolutionKind::Rejected.closing_status(),
            DisputeStatus::Rejected
        );
    }

    #[test]
    fn a_plan_that_pays_the_balance_on_increasing_dates_is_accepted() {
        let today = d(2026, 1, 1);
        let p = plan(&[(d(2026, 1, 1), 500), (d(2026, 2, 1), 700)]);
        assert!(check_plan(&p, 1200, today).is_ok());
    }

    #[test]
    fn a_plan_that_does_not_sum_to_the_balance_is_refused() {
        let today = d(2026, 1, 1);
        let p = plan(&[(d(2026, 2, 1), 500), (d(2026, 3, 1), 600)]);
        let e = check_plan(&p, 1200, today).expect_err("refused");
        assert_eq!(e.get("instalments"), Some(FieldProblem::OutOfRange));
    }

    #[test]
    fn plans_with_past_or_unordered_dates_or_empty_amounts_are_refused() {
        let today = d(2026, 1, 10);
        let past = plan(&[(d(2026, 1, 9), 1200)]);
        assert_eq!(
            check_plan(&past, 1200, today)
                .expect_err("past")
                .get("instalments"),
            Some(FieldProblem::InvalidDate)
        );
        let same_day = plan(&[(d(2026, 2, 1), 600), (d(2026, 2, 1), 600)]);
        assert!(check_plan(&same_day, 1200, today).is_err());
        let zero = plan(&[(d(2026, 2, 1), 0), (d(2026, 3, 1), 1200)]);
        assert_eq!(
            check_plan(&zero, 1200, today)
                .expect_err("zero")
                .get("instalments"),
            Some(FieldProblem::MustBePositive)
        );
        assert!(check_plan(&[], 0, today).is_err());
    }

    #[test]
    fn a_plan_has_at_most_twenty_four_instalments() {
        let today = d(2026, 1, 1);
        let many: Vec<Instalment> = (0..25)
            .map(|i| Instalment {
                due_date: today + chrono::Duration::days(i),
                amount: 1,
            })
            .collect();
        assert!(check_plan(&many, 25, today).is_err());
        assert!(check_plan(&many[..24], 24, today).is_ok());
    }

    #[test]
    fn the_disputed_amount_is_positive_and_at_most_the_balance() {
        assert_eq!(
            check_disputed_amount(0, 100),
            Err(FieldProblem::MustBePositive)
        );
        assert_eq!(check_disputed_amount(101, 100), Err(FieldProblem::TooLarge));
        assert!(check_disputed_amount(100, 100).is_ok());
    }

    #[test]
    fn the_undisputed_part_is_the_balance_minus_the_disputed_amount_never_below_zero() {
        assert_eq!(undisputed_payable(12_000, 2_000), 10_000);
        assert_eq!(undisputed_payable(1_000, 2_000), 0);
        assert_eq!(undisputed_payable(-50, 0), 0);
    }

    #[test]
    fn messages_are_required_and_limited_to_five_thousand_characters() {
        assert_eq!(check_message("  "), Err(FieldProblem::Required));
        assert_eq!(check_message(&"é".repeat(5001)), Err(FieldProblem::TooLong));
        assert_eq!(
            check_message(&"é".repeat(5000)).map(|s| s.len()),
            Ok(10_000)
        );
    }
}
