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
}

/// Balance = total incl. VAT - payments - credit notes, never below zero for display.
pub fn balance(total_ttc: i64, paid: i64, credited: i64) -> i64 {
    total_ttc.saturating_sub(paid).saturating_sub(credited)
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
    fn balance_subtracts_payments_and_credit_notes() {
        assert_eq!(balance(12000, 2000, 1000), 9000);
    }
}
