//! Payments: their states, how provider facts merge whatever order they arrive
//! in, and what the customer and staff pages show.
use serde::{Deserialize, Serialize};

/// Where a payment stands. Facts about one provider payment are merged by
/// keeping the furthest state, so events arriving late or out of order end in
/// the same state as in-order delivery: a card payment may fail and then
/// succeed on retry (never the reverse), and a direct debit is processing
/// before it settles either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum PaymentStatus {
    Processing,
    Failed,
    Succeeded,
}

impl PaymentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::Processing => "processing",
            PaymentStatus::Failed => "failed",
            PaymentStatus::Succeeded => "succeeded",
        }
    }

    pub fn parse(s: &str) -> Option<PaymentStatus> {
        Some(match s {
            "processing" => PaymentStatus::Processing,
            "failed" => PaymentStatus::Failed,
            "succeeded" => PaymentStatus::Succeeded,
            _ => return None,
        })
    }

    /// The state after learning `fact`: the later of the two in the payment's life.
    pub fn merge(self, fact: PaymentStatus) -> PaymentStatus {
        self.max(fact)
    }
}

/// How the money came.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PaymentMethod {
    Card,
    SepaDebit,
    /// Stripe's Link wallet.
    Link,
    /// An online payment whose exact method the provider has not told yet.
    Online,
    Transfer,
    Cheque,
    Cash,
}

impl PaymentMethod {
    pub const OFFLINE: [PaymentMethod; 3] = [
        PaymentMethod::Transfer,
        PaymentMethod::Cheque,
        PaymentMethod::Cash,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Card => "card",
            PaymentMethod::SepaDebit => "sepa_debit",
            PaymentMethod::Link => "link",
            PaymentMethod::Online => "online",
            PaymentMethod::Transfer => "transfer",
            PaymentMethod::Cheque => "cheque",
            PaymentMethod::Cash => "cash",
        }
    }

    pub fn parse(s: &str) -> Option<PaymentMethod> {
        Some(match s {
            "card" => PaymentMethod::Card,
            "sepa_debit" => PaymentMethod::SepaDebit,
            "link" => PaymentMethod::Link,
            "online" => PaymentMethod::Online,
            "transfer" | "bank_transfer" | "customer_balance" => PaymentMethod::Transfer,
            "cheque" => PaymentMethod::Cheque,
            "cash" => PaymentMethod::Cash,
            _ => return None,
        })
    }

    /// A provider's name for a method, with anything unknown kept as "online".
    pub fn from_provider(s: &str) -> PaymentMethod {
        PaymentMethod::parse(s).unwrap_or(PaymentMethod::Online)
    }

    /// Keeps the more precise of two descriptions of the same payment.
    pub fn merge(self, other: PaymentMethod) -> PaymentMethod {
        if self == PaymentMethod::Online {
            other
        } else {
            self
        }
    }
}

/// Net money kept from one succeeded payment: amount - refunds - chargebacks,
/// never below zero.
pub fn net_amount(amount: i64, refunded: i64, charged_back: i64) -> i64 {
    amount
        .saturating_sub(refunded.max(0))
        .saturating_sub(charged_back.max(0))
        .max(0)
}

/// Why a payment cannot start; shown next to the amount field or as the page's alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum PayRefusal {
    NothingToPay,
    /// A direct debit for the rest is still being processed by the bank.
    AlreadyProcessing,
    PartialNotAccepted,
}

/// How much can be paid now and how, for the pay form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PayOptions {
    /// Balance minus what is being processed and what is disputed: the most
    /// one may pay now.
    pub payable: i64,
    /// The amount under an open dispute, left out of `payable`.
    pub disputed: i64,
    pub currency: String,
    pub partial_allowed: bool,
    /// Payments the bank has not settled yet (amount, date started).
    pub processing: Vec<PendingPayment>,
    /// The last failure, if it is the latest thing that happened.
    pub last_failure: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingPayment {
    pub amount: i64,
    /// Unix seconds.
    pub since: i64,
    pub method: PaymentMethod,
}

/// The amount one may pay now: the balance less what is already on its way.
pub fn payable(balance: i64, processing: i64) -> i64 {
    balance.saturating_sub(processing).max(0)
}

/// Checks a requested amount against what may be paid now.
pub fn check_amount(
    requested: i64,
    payable: i64,
    partial_allowed: bool,
) -> Result<(), crate::model::validate::FieldProblem> {
    use crate::model::validate::FieldProblem;
    if requested <= 0 {
        return Err(FieldProblem::MustBePositive);
    }
    if requested > payable {
        return Err(FieldProblem::TooLarge);
    }
    if requested < payable && !partial_allowed {
        return Err(FieldProblem::OutOfRange);
    }
    Ok(())
}

/// One payment as the customer and staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentView {
    pub id: i64,
    pub status: PaymentStatus,
    pub method: PaymentMethod,
    pub amount: i64,
    pub refunded: i64,
    pub charged_back: i64,
    pub currency: String,
    pub reference: String,
    pub failure_reason: Option<String>,
    /// Unix seconds of the last change.
    pub at: i64,
    /// Whether staff can refund part of it through the provider.
    pub refundable: i64,
    pub overpaid: bool,
}

/// One line of an invoice's payment timeline (staff).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub at: i64,
    /// `checkout_started`, `processing`, `succeeded`, `failed`, `refund_requested`,
    /// `refunded`, `charged_back`, `chargeback_closed`, `offline_recorded`, `overpaid`.
    pub kind: String,
    pub amount: Option<i64>,
    pub detail: String,
    pub actor: Option<String>,
    /// The method of the payment it is about, as known now (a charge event
    /// may tell it after the payment's own events).
    pub method: Option<PaymentMethod>,
}

/// What a receipt shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub payment_id: i64,
    pub invoice_number: String,
    pub seller_name: String,
    pub buyer_name: String,
    pub amount: i64,
    pub currency: String,
    pub method: PaymentMethod,
    pub reference: String,
    /// Unix seconds when the payment succeeded.
    pub paid_at: i64,
    pub invoice_total: i64,
    pub balance_after: i64,
}

/// Where a checkout stands, as the return page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CheckoutOutcome {
    /// The provider has not told us yet (the page refreshes itself).
    Waiting,
    Processing {
        amount: i64,
        currency: String,
        since: i64,
    },
    Succeeded {
        payment_id: i64,
        amount: i64,
        currency: String,
    },
    Failed {
        reason: String,
    },
    Expired,
}

/// Why a provider payment was not applied to an invoice: it is kept apart
/// (unmatched) for staff, with no receipt and no change to any balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Unmatched {
    /// Neither its session nor its metadata names an invoice.
    NoInvoice,
    /// The invoice it names does not exist.
    UnknownInvoice,
    /// It names a draft: not issued, no number, nothing to pay.
    Draft,
    /// It names a credit note.
    CreditNote,
    /// It names an invoice cancelled by a full credit note.
    Cancelled,
    /// It is not in the invoice's currency.
    Currency,
}

const UNMATCHED_CODES: [(Unmatched, &str); 6] = [
    (Unmatched::NoInvoice, "no_invoice"),
    (Unmatched::UnknownInvoice, "unknown_invoice"),
    (Unmatched::Draft, "draft"),
    (Unmatched::CreditNote, "credit_note"),
    (Unmatched::Cancelled, "cancelled"),
    (Unmatched::Currency, "currency"),
];

impl Unmatched {
    pub fn as_str(self) -> &'static str {
        UNMATCHED_CODES
            .iter()
            .find(|(u, _)| *u == self)
            .map_or("unmatched", |(_, c)| *c)
    }

    pub fn parse(s: &str) -> Option<Unmatched> {
        UNMATCHED_CODES
            .iter()
            .find(|(_, c)| *c == s)
            .map(|(u, _)| *u)
    }
}

/// Whether a document may take a new provider payment in `currency`: only
/// an issued invoice (open, or already paid, where a second payment is an
/// overpayment flagged for staff) in its own currency; `Some(why)` otherwise.
/// `kind` is `invoice` or `credit_note`.
pub fn refuses_payment(
    kind: &str,
    status: crate::model::invoice::InvoiceStatus,
    invoice_currency: &str,
    currency: &str,
) -> Option<Unmatched> {
    use crate::model::invoice::InvoiceStatus;
    if kind != "invoice" {
        return Some(Unmatched::CreditNote);
    }
    match status {
        InvoiceStatus::Draft => Some(Unmatched::Draft),
        InvoiceStatus::Credited => Some(Unmatched::Cancelled),
        _ if !invoice_currency.eq_ignore_ascii_case(currency) => Some(Unmatched::Currency),
        InvoiceStatus::Issued
        | InvoiceStatus::PartiallyPaid
        | InvoiceStatus::Paid
        | InvoiceStatus::Disputed => None,
    }
}

/// A provider payment kept apart, as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnmatchedPaymentView {
    pub reference: String,
    pub reason: Unmatched,
    pub status: PaymentStatus,
    pub method: PaymentMethod,
    pub amount: i64,
    pub currency: String,
    /// The invoice id it named, if any.
    pub named_invoice_id: Option<i64>,
    /// That invoice's number, when it exists and has one.
    pub named_number: Option<String>,
    /// Unix seconds of its last change.
    pub at: i64,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::validate::FieldProblem;

    #[test]
    fn a_late_processing_event_never_undoes_a_success() {
        let s = PaymentStatus::Succeeded.merge(PaymentStatus::Processing);
        assert_eq!(s, PaymentStatus::Succeeded);
    }

    #[test]
    fn a_card_that_failed_then_succeeded_ends_succeeded_in_any_order() {
        let in_order = PaymentStatus::Processing
            .merge(PaymentStatus::Failed)
            .merge(PaymentStatus::Succeeded);
        let reversed = PaymentStatus::Succeeded
            .merge(PaymentStatus::Failed)
            .merge(PaymentStatus::Processing);
        assert_eq!(in_order, PaymentStatus::Succeeded);
        assert_eq!(reversed, in_order);
    }

    #[test]
    fn a_direct_debit_that_fails_after_processing_is_failed() {
        let s = PaymentStatus::Failed.merge(PaymentStatus::Processing);
        assert_eq!(s, PaymentStatus::Failed);
    }

    #[test]
    fn refunds_and_chargebacks_come_off_the_net_amount() {
        assert_eq!(net_amount(10_000, 2_500, 0), 7_500);
        assert_eq!(net_amount(10_000, 2_500, 7_500), 0);
        assert_eq!(net_amount(10_000, 9_000, 9_000), 0);
    }

    #[test]
    fn what_is_being_processed_cannot_be_paid_again() {
        assert_eq!(payable(10_000, 4_000), 6_000);
        assert_eq!(payable(10_000, 10_000), 0);
        assert_eq!(payable(-500, 0), 0);
    }

    #[test]
    fn an_amount_above_what_is_payable_is_an_overpayment_and_is_refused() {
        assert_eq!(
            check_amount(10_001, 10_000, true),
            Err(FieldProblem::TooLarge)
        );
        assert_eq!(
            check_amount(0, 10_000, true),
            Err(FieldProblem::MustBePositive)
        );
        assert_eq!(check_amount(5_000, 10_000, true), Ok(()));
        assert_eq!(
            check_amount(5_000, 10_000, false),
            Err(FieldProblem::OutOfRange)
        );
        assert_eq!(check_amount(10_000, 10_000, false), Ok(()));
    }

    #[test]
    fn a_precise_method_replaces_online_but_not_the_reverse() {
        assert_eq!(
            PaymentMethod::Online.merge(PaymentMethod::SepaDebit),
            PaymentMethod::SepaDebit
        );
        assert_eq!(
            PaymentMethod::Card.merge(PaymentMethod::Online),
            PaymentMethod::Card
        );
        assert_eq!(
            PaymentMethod::from_provider("klarna"),
            PaymentMethod::Online
        );
    }

    #[test]
    fn only_an_issued_invoice_in_its_own_currency_takes_a_provider_payment() {
        use crate::model::invoice::InvoiceStatus as S;
        let refused = |kind, status, cur| refuses_payment(kind, status, "EUR", cur);
        assert_eq!(refused("invoice", S::Draft, "EUR"), Some(Unmatched::Draft));
        assert_eq!(
            refused("invoice", S::Credited, "EUR"),
            Some(Unmatched::Cancelled)
        );
        assert_eq!(
            refused("credit_note", S::Issued, "EUR"),
            Some(Unmatched::CreditNote)
        );
        assert_eq!(
            refused("invoice", S::Issued, "USD"),
            Some(Unmatched::Currency)
        );
        for open in [S::Issued, S::PartiallyPaid, S::Disputed, S::Paid] {
            assert_eq!(refused("invoice", open, "EUR"), None, "{open:?}");
            assert_eq!(refused("invoice", open, "eur"), None, "{open:?}");
        }
        for (u, code) in UNMATCHED_CODES {
            assert_eq!(Unmatched::parse(code), Some(u));
            assert_eq!(u.as_str(), code);
        }
    }
}
