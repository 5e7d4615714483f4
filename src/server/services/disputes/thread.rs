//! The thread of a dispute: opening one (with its files), replies, internal
//! notes, assignment, status changes and reopening.
use super::mail::queue_reply_mail;
use super::{Viewer, field, require_staff, visible};
use crate::error::AppError;
use crate::model::attachment::{CheckedFile, Upload, check_uploads};
use crate::model::dispute::{
    AuthorKind, DisputeReason, DisputeStatus, Transition, check_disputed_amount, check_message,
    may_reopen,
};
use crate::model::invoice::InvoiceStatus;
use crate::model::validate::{FieldErrors, FieldProblem};
use crate::server::db::dispute_attachments::{self as files_store, NewAttachment};
use crate::server::db::disputes::{self as store, NewDispute};
use crate::server::db::{Db, audit, invoices};
use crate::server::services::ledger::{self, settlement};
use sqlx::AnyConnection;

/// What the customer sends to open a dispute.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenDispute {
    pub invoice_id: i64,
    pub reason: DisputeReason,
    /// Minor units; `None` disputes the whole balance.
    pub disputed_amount: Option<i64>,
    /// Positions of the disputed invoice lines.
    pub lines: Vec<i64>,
    pub message: String,
}

/// Opens a dispute on an issued, open invoice of the viewer's: the invoice
/// becomes "disputed" (reminders pause) in the same transaction. A second
/// dispute while one is open is refused on the field "invoice".
pub async fn open(db: &Db, viewer: Viewer, input: &OpenDispute, now: i64) -> Result<i64, AppError> {
    open_with_files(db, viewer, input, &[], now).await
}

/// [`open`] with the files of the first message, stored in the same
/// transaction; they are checked with the other fields (field "files").
pub async fn open_with_files(
    db: &Db,
    viewer: Viewer,
    input: &OpenDispute,
    files: &[Upload],
    now: i64,
) -> Result<i64, AppError> {
    let mut tx = db.begin_money().await?;
    let inv = invoices::get(&mut tx, input.invoice_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let owns = match viewer {
        Viewer::Customer { customer_id, .. } => inv.customer_id == customer_id,
        Viewer::PayLink(invoice_id) => inv.id == invoice_id,
        Viewer::Staff(_) => return Err(AppError::Forbidden),
    };
    if !owns || inv.kind != "invoice" || inv.status == InvoiceStatus::Draft {
        return Err(AppError::NotFound);
    }
    let balance = settlement(&inv).balance();
    if !inv.status.is_open() || balance <= 0 {
        return Err(AppError::Conflict);
    }
    if store::open_for_invoice(&mut tx, inv.id).await?.is_some() {
        return Err(field("invoice", FieldProblem::AlreadyUsed));
    }
    let (message, amount, checked) = check_open(&mut tx, input, files, balance).await?;
    let (_, user) = viewer.actor();
    let new = NewDispute {
        invoice_id: inv.id,
        customer_id: inv.customer_id,
        reason: input.reason,
        disputed_amount: amount,
        opened_by: user,
        lines: &input.lines,
    };
    let id = match store::insert(&mut tx, &new, now).await {
        Ok(id) => id,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
            return Err(field("invoice", FieldProblem::AlreadyUsed));
        }
        Err(e) => return Err(e.into()),
    };
    let message_id = store::insert_message(
        &mut tx,
        id,
        AuthorKind::Customer,
        user,
        &message,
        false,
        now,
    )
    .await?;
    store_files(&mut tx, id, message_id, &checked, now).await?;
    let event = store::insert_event(
        &mut tx,
        id,
        viewer.actor(),
        "opened",
        input.reason.as_str(),
        now,
    )
    .await?;
    ledger::settle(&mut tx, &inv, now).await?;
    crate::server::services::lifecycle::dispute_opened(&mut tx, inv.id, event, now).await?;
    audit::record_in(&mut tx, user, "dispute_opened", &format!("dispute:{id}")).await?;
    tx.commit().await?;
    Ok(id)
}

/// Checks the form of a new dispute: amount, lines, message, files (in the
/// form's order). Returns the trimmed message, the disputed amount and the
/// checked files.
async fn check_open<'f>(
    conn: &mut AnyConnection,
    input: &OpenDispute,
    files: &'f [Upload],
    balance: i64,
) -> Result<(String, i64, Vec<CheckedFile<'f>>), AppError> {
    let mut e = FieldErrors::default();
    let amount = input.disputed_amount.unwrap_or(balance);
    if let Err(p) = check_disputed_amount(amount, balance) {
        e.add("amount", p);
    }
    let positions = store::invoice_line_positions(conn, input.invoice_id).await?;
    let mut seen = Vec::new();
    for l in &input.lines {
        if !positions.contains(l) || seen.contains(l) {
            e.add("lines", FieldProblem::OutOfRange);
            break;
        }
        seen.push(*l);
    }
    let (message, checked) = check_message_and_files(&mut e, &input.message, files);
    if e.is_empty() {
        Ok((message, amount, checked))
    } else {
        Err(AppError::Validation(e))
    }
}

/// Checks a message and its files, adding their problems to `e`.
fn check_message_and_files<'f>(
    e: &mut FieldErrors,
    body: &str,
    files: &'f [Upload],
) -> (String, Vec<CheckedFile<'f>>) {
    let body = check_message(body).unwrap_or_else(|p| {
        e.add("message", p);
        String::new()
    });
    let checked = check_uploads(files).unwrap_or_else(|p| {
        e.add("files", p);
        Vec::new()
    });
    (body, checked)
}

/// Checks a reply: its message and its files, both problems at once.
fn check_reply<'f>(
    body: &str,
    files: &'f [Upload],
) -> Result<(String, Vec<CheckedFile<'f>>), AppError> {
    let mut e = FieldErrors::default();
    let checked = check_message_and_files(&mut e, body, files);
    if e.is_empty() {
        Ok(checked)
    } else {
        Err(AppError::Validation(e))
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Stores the checked files of a message, inside the caller's transaction.
async fn store_files(
    conn: &mut AnyConnection,
    dispute_id: i64,
    message_id: i64,
    files: &[CheckedFile<'_>],
    now: i64,
) -> Result<(), AppError> {
    for f in files {
        let sha256 = sha256_hex(f.bytes);
        let new = NewAttachment {
            dispute_id,
            message_id,
            filename: &f.filename,
            content_type: f.content_type,
            sha256: &sha256,
            content: f.bytes,
        };
        files_store::insert(conn, &new, now).await?;
    }
    Ok(())
}

/// Adds a reply to the thread: from the customer, or from staff (then mailed
/// to the customer). A closed dispute takes no more messages (reopen it first).
pub async fn reply(
    db: &Db,
    id: i64,
    viewer: Viewer,
    body: &str,
    now: i64,
) -> Result<i64, AppError> {
    reply_with_files(db, id, viewer, body, &[], now).await
}

/// [`reply`] with files, stored with the message in its transaction. Someone
/// who may not see the dispute gets `NotFound` whatever they sent.
pub async fn reply_with_files(
    db: &Db,
    id: i64,
    viewer: Viewer,
    body: &str,
    files: &[Upload],
    now: i64,
) -> Result<i64, AppError> {
    let mut tx = db.begin_write().await?;
    let d = visible(&mut tx, id, viewer).await?;
    if d.status.is_closed() {
        return Err(AppError::Conflict);
    }
    let (body, checked) = check_reply(body, files)?;
    let (kind, user) = viewer.actor();
    let message_id = store::insert_message(&mut tx, id, kind, user, &body, false, now).await?;
    store_files(&mut tx, id, message_id, &checked, now).await?;
    if kind == AuthorKind::Staff {
        queue_reply_mail(&mut tx, &d, message_id, &body, now).await?;
    }
    tx.commit().await?;
    Ok(message_id)
}

/// Adds an internal note: staff only, never shown or mailed to the customer.
pub async fn internal_note(
    db: &Db,
    id: i64,
    viewer: Viewer,
    body: &str,
    now: i64,
) -> Result<i64, AppError> {
    let staff = require_staff(viewer)?;
    let body = check_message(body).map_err(|p| field("message", p))?;
    let mut tx = db.begin_write().await?;
    visible(&mut tx, id, viewer).await?;
    let note_id = store::insert_message(
        &mut tx,
        id,
        AuthorKind::Staff,
        Some(staff),
        &body,
        true,
        now,
    )
    .await?;
    tx.commit().await?;
    Ok(note_id)
}

/// Assigns the dispute to an active staff member, or unassigns it (`None`).
pub async fn assign(
    db: &Db,
    id: i64,
    viewer: Viewer,
    assignee: Option<i64>,
    now: i64,
) -> Result<(), AppError> {
    require_staff(viewer)?;
    let mut tx = db.begin_write().await?;
    let d = visible(&mut tx, id, viewer).await?;
    if let Some(a) = assignee
        && !store::is_staff(&mut tx, a).await?
    {
        return Err(field("assignee", FieldProblem::OutOfRange));
    }
    if d.assignee_id == assignee {
        return Ok(());
    }
    store::set_assignee(&mut tx, id, assignee, now).await?;
    let (kind, detail) = match assignee {
        Some(a) => ("assigned", a.to_string()),
        None => ("unassigned", String::new()),
    };
    store::insert_event(&mut tx, id, viewer.actor(), kind, &detail, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves an open dispute between "open", "in review" and "waiting for the
/// customer". Closing goes through [`resolve`], reopening through [`reopen`].
pub async fn change_status(
    db: &Db,
    id: i64,
    viewer: Viewer,
    to: DisputeStatus,
    now: i64,
) -> Result<(), AppError> {
    require_staff(viewer)?;
    let mut tx = db.begin_write().await?;
    let d = visible(&mut tx, id, viewer).await?;
    if !d.status.can_become(to, Transition::Manual)
        || !store::set_status(&mut tx, id, d.status, to, now).await?
    {
        return Err(AppError::Conflict);
    }
    let detail = format!("{}->{}", d.status.as_str(), to.as_str());
    store::insert_event(&mut tx, id, viewer.actor(), "status", &detail, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Reopens a resolved or rejected dispute within 30 days of its closing, by
/// the customer or staff; the invoice is disputed again. Refused when another
/// dispute is open on the invoice, or the window has passed.
pub async fn reopen(db: &Db, id: i64, viewer: Viewer, now: i64) -> Result<(), AppError> {
    let mut tx = db.begin_money().await?;
    let d = visible(&mut tx, id, viewer).await?;
    if !may_reopen(d.status, d.resolved_at, now) {
        return Err(AppError::Conflict);
    }
    if store::open_for_invoice(&mut tx, d.invoice_id)
        .await?
        .is_some()
    {
        return Err(field("invoice", FieldProblem::AlreadyUsed));
    }
    let inv = invoices::get(&mut tx, d.invoice_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if !store::reopen(&mut tx, id, d.status, now).await? {
        return Err(AppError::Conflict);
    }
    let prior = d.resolution_kind.map(|k| k.as_str()).unwrap_or_default();
    let event = store::insert_event(&mut tx, id, viewer.actor(), "reopened", prior, now).await?;
    ledger::settle(&mut tx, &inv, now).await?;
    crate::server::services::lifecycle::dispute_opened(&mut tx, inv.id, event, now).await?;
    tx.commit().await?;
    Ok(())
}
