//! Invoice list queries for staff and customers, with keyset pagination: the
//! cursor is the last row's (issue date, id), so a page costs the same at
//! row 10 and at row 10 million.
use super::invoice::{DisplayStatus, StatusFilter};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub const PAGE_SIZE: i64 = 25;

/// Where the next page starts: strictly after this (issue date, id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cursor {
    pub issue_date: String,
    pub id: i64,
}

impl Cursor {
    /// `2026-11-01.42` in URLs.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.issue_date, self.id)
    }

    pub fn decode(s: &str) -> Option<Cursor> {
        let (d, id) = s.rsplit_once('.')?;
        NaiveDate::parse_from_str(d, "%Y-%m-%d").ok()?;
        Some(Cursor {
            issue_date: d.to_string(),
            id: id.parse().ok()?,
        })
    }
}

/// Staff list filter on the shown status (drafts included).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum StaffStatus {
    #[default]
    All,
    Draft,
    ToPay,
    Overdue,
    Paid,
    Disputed,
    Credited,
}

impl StaffStatus {
    pub const ALL: [StaffStatus; 7] = [
        StaffStatus::All,
        StaffStatus::Draft,
        StaffStatus::ToPay,
        StaffStatus::Overdue,
        StaffStatus::Paid,
        StaffStatus::Disputed,
        StaffStatus::Credited,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StaffStatus::All => "all",
            StaffStatus::Draft => "draft",
            StaffStatus::ToPay => "to_pay",
            StaffStatus::Overdue => "overdue",
            StaffStatus::Paid => "paid",
            StaffStatus::Disputed => "disputed",
            StaffStatus::Credited => "credited",
        }
    }

    pub fn parse(s: &str) -> StaffStatus {
        Self::ALL
            .into_iter()
            .find(|f| f.as_str() == s)
            .unwrap_or_default()
    }
}

impl From<StatusFilter> for StaffStatus {
    fn from(f: StatusFilter) -> Self {
        match f {
            StatusFilter::All => StaffStatus::All,
            StatusFilter::ToPay => StaffStatus::ToPay,
            StatusFilter::Overdue => StaffStatus::Overdue,
            StatusFilter::Paid => StaffStatus::Paid,
            StatusFilter::Disputed => StaffStatus::Disputed,
        }
    }
}

/// One row of the staff list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffInvoiceRow {
    pub id: i64,
    pub number: Option<String>,
    pub credit_note: bool,
    pub customer_name: String,
    pub issue_date: Option<NaiveDate>,
    pub due_date: Option<NaiveDate>,
    pub currency: String,
    pub total_ttc: i64,
    pub balance: i64,
    pub status: DisplayStatus,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Page<T> {
    pub rows: Vec<T>,
    /// The cursor of the next page, if there is one.
    pub next: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = Cursor {
            issue_date: "2026-11-01".into(),
            id: 42,
        };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert_eq!(Cursor::decode("x.1"), None);
        assert_eq!(Cursor::decode("2026-11-01.x"), None);
        assert_eq!(Cursor::decode(""), None);
    }
}
