//! The business's approved platform (plateforme agréée): where lifecycle
//! statuses go. Everything else talks to it through one trait,
//! [`PlatformConnector`]; [`file_drop::FileDrop`] writes one JSON file per
//! status into a folder (a platform's import directory, or for demos), and a
//! real platform's API is one more implementation. The [`worker`] feeds the
//! connector from the `lifecycle_outbox` queue.
pub mod file_drop;
pub mod worker;

use crate::model::format::to_decimal;
use crate::server::db::lifecycle::StatusFact;
use serde::{Deserialize, Serialize};

/// One status as sent to the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatusMessage {
    /// Stable per status: a resend carries the same id.
    pub message_id: String,
    pub status_id: i64,
    pub invoice_id: i64,
    pub invoice_number: String,
    /// `YYYY-MM-DD`.
    pub issue_date: String,
    pub seller_siren: String,
    pub buyer_name: String,
    pub buyer_siren: String,
    /// The CDAR code (200, 204, …, 212).
    pub status_code: i64,
    /// Its French label (`Encaissée`).
    pub status_label: String,
    /// `YYYY-MM-DD`: the day the status is about.
    pub status_date: String,
    /// RFC 3339, UTC: when the portal recorded it.
    pub occurred_at: String,
    /// A decimal (`120.00`) for payments; `None` otherwise.
    pub amount: Option<String>,
    pub amount_minor: Option<i64>,
    pub currency: Option<String>,
    /// The portal event behind it (`payment:17`, `dispute_event:4`, …).
    pub event: String,
}

impl StatusMessage {
    pub fn from_fact(f: &StatusFact) -> StatusMessage {
        let e = &f.entry;
        StatusMessage {
            message_id: format!("quittance-status-{}", e.id),
            status_id: e.id,
            invoice_id: f.invoice_id,
            invoice_number: f.invoice_number.clone(),
            issue_date: f.issue_date.clone(),
            seller_siren: f.seller_siren.clone(),
            buyer_name: f.buyer_name.clone(),
            buyer_siren: f.buyer_siren.clone(),
            status_code: e.code.code(),
            status_label: e.code.label_fr().to_string(),
            status_date: e.date.clone(),
            occurred_at: chrono::DateTime::from_timestamp(e.occurred_at, 0)
                .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .unwrap_or_default(),
            amount: e.amount.map(|a| {
                to_decimal(a, e.currency.as_deref().unwrap_or(&f.invoice_currency)).to_string()
            }),
            amount_minor: e.amount,
            currency: e.currency.clone(),
            event: format!("{}:{}", f.source, f.reference),
        }
    }
}

/// Why a status could not be handed over; the worker tries again later.
#[derive(Debug, thiserror::Error)]
pub enum PlatformError {
    #[error("could not write the status file: {0}")]
    Io(#[from] std::io::Error),
    #[error("could not encode the status: {0}")]
    Encode(#[from] serde_json::Error),
    #[error("the platform refused the status: {0}")]
    Refused(String),
}

/// Where statuses go. Implementations must accept the same message twice
/// (a retry after a crash resends it): the message id says it is the same.
#[async_trait::async_trait]
pub trait PlatformConnector: Send + Sync {
    /// A name for the logs.
    fn name(&self) -> &'static str;

    async fn send(&self, message: &StatusMessage) -> Result<(), PlatformError>;
}
