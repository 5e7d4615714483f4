//! A formal notice (mise en demeure, Code civil art. 1344): the letter asking
//! a customer to pay late invoices by a deadline, with the penalties and the
//! recovery indemnity due to date. The PDF and the staff page render this.
use super::penalty::LateCharges;
use crate::model::document::{Buyer, Seller};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One late invoice the notice claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoticeItem {
    pub number: String,
    pub issue_date: NaiveDate,
    pub due_date: NaiveDate,
    /// What remains to pay on it (minor units), nothing of it disputed.
    pub principal: i64,
    /// Days late, penalties and indemnity as of the notice's date.
    pub charges: LateCharges,
}

/// The whole letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormalNotice {
    pub seller: Seller,
    pub buyer: Buyer,
    /// The letter's date.
    pub date: NaiveDate,
    /// The day by which payment must be received.
    pub deadline: NaiveDate,
    pub currency: String,
    pub items: Vec<NoticeItem>,
    /// Where the customer pays online (absolute link), when there is one.
    pub pay_url: Option<String>,
}

impl FormalNotice {
    pub fn principal(&self) -> i64 {
        self.items.iter().map(|i| i.principal).sum()
    }

    pub fn penalties(&self) -> i64 {
        self.items.iter().map(|i| i.charges.penalties_minor).sum()
    }

    pub fn indemnities(&self) -> i64 {
        self.items.iter().map(|i| i.charges.indemnity_minor).sum()
    }

    /// Principal, penalties and indemnities.
    pub fn total(&self) -> i64 {
        self.principal() + self.penalties() + self.indemnities()
    }
}
