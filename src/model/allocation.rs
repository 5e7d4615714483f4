//! One payment over several invoices of one customer: which invoices it pays
//! and how much of each. The rule is the same for the preview, for the
//! checkout and for the webhook that applies the payment: oldest due date
//! first (then oldest issue date, then number), each invoice up to what may
//! be paid on it now (its balance less any amount under an open dispute and
//! less payments on their way). Money that the provider takes back (refunds,
//! chargebacks) comes off the parts in reverse order: the last invoice paid
//! is the first one reopened.
//!
//! Amounts are integer minor units: an allocation never splits a cent, so
//! there is nothing to round; the parts always add up to the total.
use crate::model::validate::{FieldErrors, FieldProblem};
use serde::{Deserialize, Serialize};

/// An open invoice that a statement payment may take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Payable {
    pub invoice_id: i64,
    pub number: String,
    /// ISO dates (`YYYY-MM-DD`): they sort as dates.
    pub issue_date: String,
    pub due_date: String,
    pub currency: String,
    /// The balance still owed.
    pub balance: i64,
    /// The part of the balance under an open dispute (never allocated).
    pub disputed: i64,
    /// What this payment may take now: balance less disputed less in flight.
    pub payable: i64,
}

/// One invoice's share of a payment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub invoice_id: i64,
    pub number: String,
    pub amount: i64,
}

/// A payment split over invoices, in allocation order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Allocation {
    pub currency: String,
    pub total: i64,
    pub parts: Vec<Part>,
}

/// Why a statement payment cannot be made as asked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AllocationProblem {
    /// Nothing payable was picked, or nothing is payable at all.
    NothingToPay,
    /// A picked invoice is not one of the customer's payable invoices now
    /// (paid meanwhile, fully disputed, a payment on its way, or not theirs).
    NotPayable,
    /// The picked invoices are in more than one currency.
    MixedCurrencies,
    /// Zero or a negative amount.
    AmountNotPositive,
    /// More than the picked invoices' payable total.
    AmountTooLarge,
    /// The company takes whole invoices only, and the amount stops inside one.
    PartialNotAllowed,
}

impl AllocationProblem {
    /// The form field it belongs to and the problem shown next to it.
    pub fn field(self) -> (&'static str, FieldProblem) {
        match self {
            AllocationProblem::NothingToPay => ("pick", FieldProblem::Required),
            AllocationProblem::NotPayable => ("pick", FieldProblem::AlreadyUsed),
            AllocationProblem::MixedCurrencies => ("pick", FieldProblem::InvalidCurrency),
            AllocationProblem::AmountNotPositive => ("amount", FieldProblem::MustBePositive),
            AllocationProblem::AmountTooLarge => ("amount", FieldProblem::TooLarge),
            AllocationProblem::PartialNotAllowed => ("amount", FieldProblem::OutOfRange),
        }
    }

    pub fn to_field_errors(self) -> FieldErrors {
        let (name, problem) = self.field();
        let mut e = FieldErrors::default();
        e.add(name, problem);
        e
    }
}

/// The allocation order: oldest due date first, then oldest issue, then number.
pub fn sort_oldest_due_first(items: &mut [Payable]) {
    items.sort_by(|a, b| {
        (
            a.due_date.as_str(),
            a.issue_date.as_str(),
            a.number.as_str(),
        )
            .cmp(&(
                b.due_date.as_str(),
                b.issue_date.as_str(),
                b.number.as_str(),
            ))
    });
}

/// Splits `amount` (everything payable when `None`) over the `picks` (every
/// payable invoice when empty), oldest due first.
pub fn allocate(
    open: &[Payable],
    picks: &[String],
    amount: Option<i64>,
    partial_allowed: bool,
) -> Result<Allocation, AllocationProblem> {
    let mut chosen: Vec<Payable> = if picks.is_empty() {
        open.iter().filter(|p| p.payable > 0).cloned().collect()
    } else {
        let mut chosen = Vec::with_capacity(picks.len());
        for number in picks {
            let item = open
                .iter()
                .find(|p| &p.number == number && p.payable > 0)
                .ok_or(AllocationProblem::NotPayable)?;
            if !chosen
                .iter()
                .any(|c: &Payable| c.invoice_id == item.invoice_id)
            {
                chosen.push(item.clone());
            }
        }
        chosen
    };
    let currency = chosen
        .first()
        .map(|p| p.currency.clone())
        .ok_or(AllocationProblem::NothingToPay)?;
    if chosen.iter().any(|p| p.currency != currency) {
        return Err(AllocationProblem::MixedCurrencies);
    }
    sort_oldest_due_first(&mut chosen);
    let max: i64 = chosen.iter().map(|p| p.payable).sum();
    let total = amount.unwrap_or(max);
    if total <= 0 {
        return Err(AllocationProblem::AmountNotPositive);
    }
    if total > max {
        return Err(AllocationProblem::AmountTooLarge);
    }
    let parts = fill(&chosen, total);
    if !partial_allowed
        && parts
            .iter()
            .zip(&chosen)
            .any(|(part, item)| part.amount < item.payable)
    {
        return Err(AllocationProblem::PartialNotAllowed);
    }
    Ok(Allocation {
        currency,
        total,
        parts,
    })
}

/// Fills `items` in order, each up to its payable amount, until `total` is
/// used; invoices it does not reach get no part.
fn fill(items: &[Payable], total: i64) -> Vec<Part> {
    let mut left = total;
    let mut parts = Vec::new();
    for item in items {
        if left <= 0 {
            break;
        }
        let take = item.payable.min(left);
        if take > 0 {
            parts.push(Part {
                invoice_id: item.invoice_id,
                number: item.number.clone(),
                amount: take,
            });
            left -= take;
        }
    }
    parts
}

/// How a received payment of `paid` is applied, when it arrives, to the
/// invoices of its checkout (in allocation order): each invoice up to what
/// it can take now (`room`), any excess on the last invoice (an overpayment
/// the ledger flags, as for a single invoice's payment). With nothing
/// changed since the checkout, this is the planned allocation.
pub fn apply_received(room: &[i64], paid: i64) -> Vec<i64> {
    let mut out = vec![0; room.len()];
    let mut left = paid;
    for (i, slot) in out.iter_mut().enumerate() {
        let cap = room.get(i).copied().unwrap_or(0).max(0);
        let take = cap.min(left).max(0);
        *slot = take;
        left -= take;
    }
    if left > 0
        && let Some(last) = out.last_mut()
    {
        *last += left;
    }
    out
}

/// What the provider took back (`taken`: refunds and chargebacks holding
/// money, cumulative) taken off the parts in reverse order, each part at
/// most its own amount.
pub fn claw_back(parts: &[i64], taken: i64) -> Vec<i64> {
    let mut out = vec![0; parts.len()];
    let mut left = taken.max(0);
    for (slot, amount) in out.iter_mut().zip(parts).rev() {
        let take = (*amount).min(left).max(0);
        *slot = take;
        left -= take;
    }
    out
}

/// One invoice a statement payment settled, for its receipt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptLine {
    pub number: String,
    pub amount: i64,
    /// What is left to pay on that invoice after this payment.
    pub balance_after: i64,
}

/// The one receipt of a payment over several invoices.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementReceipt {
    pub group_id: i64,
    pub seller_name: String,
    pub buyer_name: String,
    pub amount: i64,
    pub currency: String,
    pub method: crate::model::payment::PaymentMethod,
    pub reference: String,
    /// Unix seconds.
    pub paid_at: i64,
    pub lines: Vec<ReceiptLine>,
}

/// Where a statement checkout stands, from our own records (the webhook
/// decides, never the return URL).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum StatementOutcome {
    /// The provider has not told us yet.
    Waiting,
    Processing {
        amount: i64,
        currency: String,
    },
    Succeeded(StatementReceipt),
    Failed {
        reason: String,
    },
    Expired,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(id: i64, number: &str, due: &str, payable: i64) -> Payable {
        Payable {
            invoice_id: id,
            number: number.into(),
            issue_date: "2026-01-01".into(),
            due_date: due.into(),
            currency: "EUR".into(),
            balance: payable,
            disputed: 0,
            payable,
        }
    }

    fn open() -> Vec<Payable> {
        vec![
            item(3, "F-3", "2026-03-01", 30_000),
            item(1, "F-1", "2026-01-15", 10_000),
            item(2, "F-2", "2026-02-01", 20_050),
        ]
    }

    fn amounts(a: &Allocation) -> Vec<(String, i64)> {
        a.parts
            .iter()
            .map(|p| (p.number.clone(), p.amount))
            .collect()
    }

    #[test]
    fn an_amount_pays_the_oldest_due_invoices_first_and_stops_inside_the_next() {
        let a = allocate(&open(), &[], Some(15_000), true).unwrap();
        assert_eq!(
            amounts(&a),
            vec![("F-1".into(), 10_000), ("F-2".into(), 5_000)]
        );
        assert_eq!(a.total, 15_000);
    }

    #[test]
    fn no_amount_pays_everything_picked_and_parts_add_up_to_the_total_to_the_cent() {
        let picks = vec!["F-3".to_string(), "F-2".to_string()];
        let a = allocate(&open(), &picks, None, true).unwrap();
        assert_eq!(
            amounts(&a),
            vec![("F-2".into(), 20_050), ("F-3".into(), 30_000)]
        );
        assert_eq!(a.total, a.parts.iter().map(|p| p.amount).sum::<i64>());
        let odd = allocate(&open(), &picks, Some(20_051), true).unwrap();
        assert_eq!(
            amounts(&odd),
            vec![("F-2".into(), 20_050), ("F-3".into(), 1)]
        );
    }

    #[test]
    fn the_same_due_date_falls_back_to_the_issue_date_then_the_number() {
        let mut items = vec![
            item(5, "F-5", "2026-01-15", 100),
            item(4, "F-4", "2026-01-15", 100),
        ];
        items[0].issue_date = "2025-12-01".into();
        let a = allocate(&items, &[], Some(150), true).unwrap();
        assert_eq!(amounts(&a), vec![("F-5".into(), 100), ("F-4".into(), 50)]);
        items[0].issue_date = items[1].issue_date.clone();
        let a = allocate(&items, &[], Some(150), true).unwrap();
        assert_eq!(amounts(&a), vec![("F-4".into(), 100), ("F-5".into(), 50)]);
    }

    #[test]
    fn disputed_and_in_flight_amounts_are_never_allocated() {
        let mut items = open();
        items[1].disputed = 4_000;
        items[1].payable = 6_000;
        items[2].payable = 0;
        let a = allocate(&items, &[], None, true).unwrap();
        assert_eq!(
            amounts(&a),
            vec![("F-1".into(), 6_000), ("F-3".into(), 30_000)]
        );
        assert_eq!(
            allocate(&items, &["F-2".to_string()], None, true),
            Err(AllocationProblem::NotPayable)
        );
    }

    #[test]
    fn bad_requests_are_refused_with_the_field_they_concern() {
        let o = open();
        assert_eq!(
            allocate(&o, &[], Some(0), true),
            Err(AllocationProblem::AmountNotPositive)
        );
        assert_eq!(
            allocate(&o, &["F-1".to_string()], Some(10_001), true),
            Err(AllocationProblem::AmountTooLarge)
        );
        assert_eq!(
            allocate(&o, &["F-9".to_string()], None, true),
            Err(AllocationProblem::NotPayable)
        );
        assert_eq!(
            allocate(&[], &[], None, true),
            Err(AllocationProblem::NothingToPay)
        );
        let mut mixed = open();
        mixed[0].currency = "USD".into();
        assert_eq!(
            allocate(&mixed, &[], None, true),
            Err(AllocationProblem::MixedCurrencies)
        );
        assert_eq!(
            AllocationProblem::AmountTooLarge.field(),
            ("amount", FieldProblem::TooLarge)
        );
    }

    #[test]
    fn without_partial_payments_an_amount_must_cover_whole_invoices() {
        let o = open();
        assert_eq!(
            allocate(&o, &[], Some(15_000), false),
            Err(AllocationProblem::PartialNotAllowed)
        );
        let whole = allocate(&o, &[], Some(30_050), false).unwrap();
        assert_eq!(whole.parts.len(), 2);
    }

    #[test]
    fn a_payment_received_later_fills_what_each_invoice_can_still_take() {
        // F-1 was paid offline meanwhile: its share goes to the next ones,
        // and what nothing can take stays on the last invoice.
        assert_eq!(apply_received(&[0, 20_050], 15_000), vec![0, 15_000]);
        assert_eq!(apply_received(&[0, 2_000], 15_000), vec![0, 15_000]);
        assert_eq!(
            apply_received(&[10_000, 20_000], 15_000),
            vec![10_000, 5_000]
        );
    }

    #[test]
    fn money_taken_back_reopens_the_last_invoice_paid_first() {
        assert_eq!(claw_back(&[10_000, 5_000], 0), vec![0, 0]);
        assert_eq!(claw_back(&[10_000, 5_000], 3_000), vec![0, 3_000]);
        assert_eq!(claw_back(&[10_000, 5_000], 7_000), vec![2_000, 5_000]);
        assert_eq!(claw_back(&[10_000, 5_000], 99_000), vec![10_000, 5_000]);
    }
}
