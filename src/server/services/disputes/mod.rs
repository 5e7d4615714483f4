//! Disputes: opening one on an invoice, the thread (replies and internal
//! notes), assignment, status changes, reopening, and recording a resolution
//! with its credit note, corrected invoice or payment plan in the same
//! transaction. Every change is written to the dispute's history; replies and
//! resolutions are mailed to the customer through the outbox, in the same
//! transaction. Internal notes are only ever loaded into staff types.
//! Attachments are checked with the other fields, before anything is written,
//! and stored with their message in its transaction.
//!
//! One concern per file: [`thread`] (opening, replies, notes, assignment,
//! status, reopening, files), [`resolution`] (closing with its money, through
//! the ledger), [`views`] (what customers and staff see) and [`mail`] (the
//! messages to the customer). Access rules live here.
use crate::error::AppError;
use crate::model::dispute::AuthorKind;
use crate::model::validate::{FieldErrors, FieldProblem};
use crate::server::db::disputes::{self as store, DisputeRecord};
use sqlx::AnyConnection;

mod mail;
pub mod resolution;
pub mod thread;
pub mod views;

pub use resolution::{Resolution, Resolved, resolve};
pub use thread::{
    OpenDispute, assign, change_status, internal_note, open, open_with_files, reopen, reply,
    reply_with_files,
};
pub use views::{
    amount_due_not_disputed, attachment, customer_disputes, customer_invoice_id, customer_thread,
    invoice_disputes, invoice_of, queue, staff_thread, thread_page,
};

/// Who is asking. Customers and pay-link holders only reach their own
/// disputes; anything else is `NotFound`, never a hint that it exists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Viewer {
    /// A signed-in contact of this customer account.
    Customer { customer_id: i64, user_id: i64 },
    /// The holder of a pay link: disputes on that one invoice.
    PayLink(i64),
    /// An agent or admin.
    Staff(i64),
}

impl Viewer {
    fn may_see(self, d: &DisputeRecord) -> bool {
        match self {
            Viewer::Customer { customer_id, .. } => d.customer_id == customer_id,
            Viewer::PayLink(invoice_id) => d.invoice_id == invoice_id,
            Viewer::Staff(_) => true,
        }
    }

    fn actor(self) -> (AuthorKind, Option<i64>) {
        match self {
            Viewer::Customer { user_id, .. } => (AuthorKind::Customer, Some(user_id)),
            Viewer::PayLink(_) => (AuthorKind::Customer, None),
            Viewer::Staff(u) => (AuthorKind::Staff, Some(u)),
        }
    }
}

fn field(name: &str, p: FieldProblem) -> AppError {
    let mut e = FieldErrors::default();
    e.add(name, p);
    AppError::Validation(e)
}

/// Loads a dispute the viewer may see, or `NotFound`.
async fn visible(
    conn: &mut AnyConnection,
    id: i64,
    viewer: Viewer,
) -> Result<DisputeRecord, AppError> {
    let d = store::get(conn, id).await?.ok_or(AppError::NotFound)?;
    if viewer.may_see(&d) {
        Ok(d)
    } else {
        Err(AppError::NotFound)
    }
}

fn require_staff(viewer: Viewer) -> Result<i64, AppError> {
    match viewer {
        Viewer::Staff(u) => Ok(u),
        _ => Err(AppError::Forbidden),
    }
}
