//! What the staff home shows.
use super::user::SessionUser;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StaffHome {
    pub user: SessionUser,
    pub open_count: i64,
    pub overdue_count: i64,
    /// Sum of open balances, minor units of EUR.
    pub outstanding: i64,
    pub customers: i64,
    /// Provider payments no invoice took, the most recent first (at most
    /// [`UNMATCHED_SHOWN`]): staff settle them with the provider.
    pub unmatched_payments: Vec<super::payment::UnmatchedPaymentView>,
}

/// How many unmatched payments the staff home lists.
pub const UNMATCHED_SHOWN: i64 = 50;
