//! What the customer's dispute pages carry: the dispute section of an invoice
//! (its page and its pay link) and the thread page around the thread itself.
use super::dispute::{CustomerThread, DisputeStatus, Instalment, ResolutionKind};
use serde::{Deserialize, Serialize};

/// An invoice line a dispute may name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeLine {
    /// The value the form posts in `lines`.
    pub position: i64,
    pub description: String,
    /// Minor units, excl. VAT.
    pub total_ht: i64,
}

/// One dispute of an invoice, in short.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeSummary {
    pub id: i64,
    pub status: DisputeStatus,
    /// How it ended, once closed.
    pub resolution: Option<ResolutionKind>,
    /// Unix seconds.
    pub created_at: i64,
}

/// A payment plan agreed to settle a dispute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgreedPlan {
    pub dispute_id: i64,
    pub instalments: Vec<Instalment>,
}

/// The dispute section of an invoice: the open dispute if any, the past
/// ones, an agreed plan, and what the form to open a dispute needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeSectionData {
    pub currency: String,
    /// Minor units: the most a dispute may be about.
    pub balance: i64,
    /// An open invoice with a balance and no open dispute.
    pub can_open: bool,
    pub open: Option<DisputeSummary>,
    /// Closed disputes, newest first.
    pub past: Vec<DisputeSummary>,
    pub plan: Option<AgreedPlan>,
    pub lines: Vec<DisputeLine>,
}

impl DisputeSectionData {
    /// What a document that cannot be disputed (a credit note) shows: nothing.
    pub fn none(currency: String) -> DisputeSectionData {
        DisputeSectionData {
            currency,
            balance: 0,
            can_open: false,
            open: None,
            past: Vec::new(),
            plan: None,
            lines: Vec::new(),
        }
    }
}

/// The thread page: the thread, the disputed lines in words, who "we" are,
/// and the server's clock (the browser build has none) for the reopen window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadPage {
    pub thread: CustomerThread,
    pub lines: Vec<DisputeLine>,
    /// The company's name, for staff messages without an author name.
    pub company: String,
    /// Unix seconds, when the page was made.
    pub now: i64,
}
