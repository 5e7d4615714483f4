//! Invoice statuses as stored, as shown, and the customer list filter.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The stored lifecycle state of an invoice. "Overdue" is never stored: it is
/// derived from the due date (see [`DisplayStatus::derive`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InvoiceStatus {
    Draft,
    Issued,
    PartiallyPaid,
    Paid,
    Disputed,
    Credited,
}

impl InvoiceStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Draft => "draft",
            InvoiceStatus::Issued => "issued",
            InvoiceStatus::PartiallyPaid => "partially_paid",
            InvoiceStatus::Paid => "paid",
            InvoiceStatus::Disputed => "disputed",
            InvoiceStatus::Credited => "credited",
        }
    }

    pub fn parse(s: &str) -> Option<InvoiceStatus> {
        Some(match s {
            "draft" => InvoiceStatus::Draft,
            "issued" => InvoiceStatus::Issued,
            "partially_paid" => InvoiceStatus::PartiallyPaid,
            "paid" => InvoiceStatus::Paid,
            "disputed" => InvoiceStatus::Disputed,
            "credited" => InvoiceStatus::Credited,
            _ => return None,
        })
    }

    /// Whether money is still expected on an invoice in this state.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            InvoiceStatus::Issued | InvoiceStatus::PartiallyPaid | InvoiceStatus::Disputed
        )
    }
}

/// What the customer sees: the stored status, with "overdue" derived.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DisplayStatus {
    Draft,
    Open,
    PartiallyPaid,
    Overdue,
    Paid,
    Disputed,
    Credited,
}

impl DisplayStatus {
    /// An open invoice whose due date has passed with a balance left is overdue;
    /// a disputed one stays "disputed" (reminders pause while it is discussed).
    pub fn derive(status: InvoiceStatus, due: NaiveDate, today: NaiveDate, balance: i64) -> Self {
        match status {
            InvoiceStatus::Draft => DisplayStatus::Draft,
            InvoiceStatus::Paid => DisplayStatus::Paid,
            InvoiceStatus::Credited => DisplayStatus::Credited,
            InvoiceStatus::Disputed => DisplayStatus::Disputed,
            InvoiceStatus::Issued | InvoiceStatus::PartiallyPaid if due < today && balance > 0 => {
                DisplayStatus::Overdue
            }
            InvoiceStatus::PartiallyPaid => DisplayStatus::PartiallyPaid,
            InvoiceStatus::Issued => DisplayStatus::Open,
        }
    }

    /// A stable name for CSS classes and test selectors.
    pub fn css(self) -> &'static str {
        match self {
            DisplayStatus::Draft => "draft",
            DisplayStatus::Open => "open",
            DisplayStatus::PartiallyPaid => "partially-paid",
            DisplayStatus::Overdue => "overdue",
            DisplayStatus::Paid => "paid",
            DisplayStatus::Disputed => "disputed",
            DisplayStatus::Credited => "credited",
        }
    }
}

/// The customer's invoice list filter, carried in `?status=` so it works as a plain GET.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum StatusFilter {
    #[default]
    All,
    ToPay,
    Overdue,
    Paid,
    Disputed,
}

impl StatusFilter {
    pub const ALL: [StatusFilter; 5] = [
        StatusFilter::All,
        StatusFilter::ToPay,
        StatusFilter::Overdue,
        StatusFilter::Paid,
        StatusFilter::Disputed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StatusFilter::All => "all",
            StatusFilter::ToPay => "to_pay",
            StatusFilter::Overdue => "overdue",
            StatusFilter::Paid => "paid",
            StatusFilter::Disputed => "disputed",
        }
    }

    /// Unknown values fall back to "all" rather than failing the page.
    pub fn parse(s: &str) -> StatusFilter {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .unwrap_or_default()
    }

    /// Whether an invoice shown with `status` belongs in this filter.
    pub fn admits(self, status: DisplayStatus) -> bool {
        match self {
            StatusFilter::All => status != DisplayStatus::Draft,
            StatusFilter::ToPay => matches!(
                status,
                DisplayStatus::Open
                    | DisplayStatus::PartiallyPaid
                    | DisplayStatus::Overdue
                    | DisplayStatus::Disputed
            ),
            StatusFilter::Overdue => status == DisplayStatus::Overdue,
            StatusFilter::Paid => status == DisplayStatus::Paid,
            StatusFilter::Disputed => status == DisplayStatus::Disputed,
        }
    }
}

/// One row of the customer's invoice list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceSummary {
    pub number: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    pub currency: String,
    /// Total including VAT, minor units.
    pub total_ttc: i64,
    /// What remains to pay, minor units.
    pub balance: i64,
    pub status: DisplayStatus,
    /// The credit notes issued against it, oldest first.
    #[serde(default)]
    pub credit_notes: Vec<super::document::CreditNoteRef>,
}

/// What an issued invoice has received so far, minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Settlement {
    pub total_ttc: i64,
    /// Deposits (acomptes) paid before the invoice was issued.
    pub deposits: i64,
    /// Payments net of refunds and chargebacks.
    pub paid: i64,
    /// Credit notes issued against it.
    pub credited: i64,
}

impl Settlement {
    /// Balance = total incl. VAT - deposits - payments - credit notes. Negative
    /// when the customer overpaid (staff see it flagged).
    pub fn balance(self) -> i64 {
        self.total_ttc
            .saturating_sub(self.deposits)
            .saturating_sub(self.paid)
            .saturating_sub(self.credited)
    }

    /// The stored status that follows from the money: fully credited, paid,
    /// partly paid or open. A dispute keeps the invoice "disputed" until it
    /// is settled in full (closing the dispute sets the status again).
    pub fn status(self, current: InvoiceStatus) -> InvoiceStatus {
        if current == InvoiceStatus::Draft {
            return current;
        }
        self.status_of_issued(current == InvoiceStatus::Disputed)
    }

    /// The status of an issued invoice from its money and whether a dispute
    /// is open on it: fully credited, paid, disputed (while money is still
    /// due), partly paid or open.
    pub fn status_of_issued(self, open_dispute: bool) -> InvoiceStatus {
        if self.credited >= self.total_ttc.saturating_sub(self.deposits) {
            InvoiceStatus::Credited
        } else if self.balance() <= 0 {
            InvoiceStatus::Paid
        } else if open_dispute {
            InvoiceStatus::Disputed
        } else if self.paid > 0 {
            InvoiceStatus::PartiallyPaid
        } else {
            InvoiceStatus::Issued
        }
    }
}

/// Balance = total incl. VAT - deposits - payments - credit notes.
pub fn balance(total_ttc: i64, deposits: i64, paid: i64, credited: i64) -> i64 {
    Settlement {
        total_ttc,
        deposits,
        paid,
        credited,
    }
    .balance()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn an_issued_invoice_past_its_due_date_with_a_balance_is_overdue() {
        let s = DisplayStatus::derive(InvoiceStatus::Issued, d(2026, 1, 1), d(2026, 2, 1), 100);
        assert_eq!(s, DisplayStatus::Overdue);
    }

    #[test]
    fn an_invoice_due_today_is_not_yet_overdue() {
        let s = DisplayStatus::derive(InvoiceStatus::Issued, d(2026, 2, 1), d(2026, 2, 1), 100);
        assert_eq!(s, DisplayStatus::Open);
    }

    #[test]
    fn paid_and_disputed_invoices_are_never_overdue() {
        let past = d(2020, 1, 1);
        let today = d(2026, 1, 1);
        assert_eq!(
            DisplayStatus::derive(InvoiceStatus::Paid, past, today, 0),
            DisplayStatus::Paid
        );
        assert_eq!(
            DisplayStatus::derive(InvoiceStatus::Disputed, past, today, 500),
            DisplayStatus::Disputed
        );
    }

    #[test]
    fn the_to_pay_filter_keeps_every_invoice_with_money_expected() {
        assert!(StatusFilter::ToPay.admits(DisplayStatus::Overdue));
        assert!(StatusFilter::ToPay.admits(DisplayStatus::PartiallyPaid));
        assert!(!StatusFilter::ToPay.admits(DisplayStatus::Paid));
        assert!(!StatusFilter::All.admits(DisplayStatus::Draft));
    }

    #[test]
    fn unknown_filters_fall_back_to_all() {
        assert_eq!(StatusFilter::parse("nonsense"), StatusFilter::All);
        assert_eq!(StatusFilter::parse("overdue"), StatusFilter::Overdue);
    }

    #[test]
    fn balance_subtracts_deposits_payments_and_credit_notes() {
        assert_eq!(balance(12000, 0, 2000, 1000), 9000);
        assert_eq!(balance(12000, 3000, 2000, 1000), 6000);
    }

    fn settled(total_ttc: i64, deposits: i64, paid: i64, credited: i64) -> Settlement {
        Settlement {
            total_ttc,
            deposits,
            paid,
            credited,
        }
    }

    #[test]
    fn an_invoice_paid_in_full_is_paid_and_a_refund_reopens_it() {
        let s = settled(10_000, 0, 10_000, 0);
        assert_eq!(s.status(InvoiceStatus::Issued), InvoiceStatus::Paid);
        let refunded = settled(10_000, 0, 4_000, 0);
        assert_eq!(
            refunded.status(InvoiceStatus::Paid),
            InvoiceStatus::PartiallyPaid
        );
        let all_back = settled(10_000, 0, 0, 0);
        assert_eq!(all_back.status(InvoiceStatus::Paid), InvoiceStatus::Issued);
    }

    #[test]
    fn deposits_count_towards_the_balance_but_do_not_make_an_invoice_partly_paid() {
        let s = settled(10_000, 3_000, 0, 0);
        assert_eq!(s.balance(), 7_000);
        assert_eq!(s.status(InvoiceStatus::Issued), InvoiceStatus::Issued);
        assert_eq!(
            settled(10_000, 3_000, 7_000, 0).status(InvoiceStatus::Issued),
            InvoiceStatus::Paid
        );
    }

    #[test]
    fn a_fully_credited_invoice_is_credited_and_a_disputed_one_stays_disputed_until_settled() {
        assert_eq!(
            settled(10_000, 0, 0, 10_000).status(InvoiceStatus::Issued),
            InvoiceStatus::Credited
        );
        assert_eq!(
            settled(10_000, 0, 2_000, 0).status(InvoiceStatus::Disputed),
            InvoiceStatus::Disputed
        );
        assert_eq!(
            settled(10_000, 0, 6_000, 4_000).status(InvoiceStatus::Disputed),
            InvoiceStatus::Paid
        );
    }

    #[test]
    fn an_open_dispute_makes_an_invoice_with_money_due_disputed_and_nothing_else() {
        assert_eq!(
            settled(10_000, 0, 2_000, 0).status_of_issued(true),
            InvoiceStatus::Disputed
        );
        assert_eq!(
            settled(10_000, 0, 2_000, 0).status_of_issued(false),
            InvoiceStatus::PartiallyPaid
        );
        assert_eq!(
            settled(10_000, 0, 10_000, 0).status_of_issued(true),
            InvoiceStatus::Paid
        );
        assert_eq!(
            settled(10_000, 0, 0, 10_000).status_of_issued(true),
            InvoiceStatus::Credited
        );
    }

    #[test]
    fn an_overpaid_invoice_has_a_negative_balance_and_is_paid() {
        let s = settled(10_000, 0, 12_000, 0);
        assert_eq!(s.balance(), -2_000);
        assert_eq!(s.status(InvoiceStatus::Issued), InvoiceStatus::Paid);
    }
}
