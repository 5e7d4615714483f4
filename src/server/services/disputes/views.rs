//! What customers and staff see of disputes: threads, the staff queue, the
//! dispute section of an invoice, the customer's list and thread page.
use super::mail::company_name;
use super::{Viewer, require_staff, visible};
use crate::error::AppError;
use crate::model::dispute::{
    AttachmentView, CustomerThread, DisputeHeader, QueueFilter, QueueRow, ResolutionKind,
    ResolutionView, StaffThread, undisputed_payable,
};
use crate::model::invoice::InvoiceStatus;
use crate::server::db::dispute_attachments::{self as files_store};
use crate::server::db::disputes::{self as store, DisputeRecord};
use crate::server::db::{Db, invoices};
use crate::server::services::ledger::settlement;
use sqlx::AnyConnection;

async fn header(conn: &mut AnyConnection, d: &DisputeRecord) -> Result<DisputeHeader, AppError> {
    Ok(DisputeHeader {
        id: d.id,
        invoice_number: d.invoice_number.clone(),
        currency: d.currency.clone(),
        reason: d.reason,
        status: d.status,
        disputed_amount: d.disputed_amount,
        lines: store::lines(conn, d.id).await?,
        created_at: d.created_at,
    })
}

async fn resolution_view(
    conn: &mut AnyConnection,
    d: &DisputeRecord,
) -> Result<Option<ResolutionView>, AppError> {
    let (Some(kind), Some(resolved_at)) = (d.resolution_kind, d.resolved_at) else {
        return Ok(None);
    };
    let instalments = if kind == ResolutionKind::PaymentPlan {
        store::instalments(conn, d.id).await?
    } else {
        Vec::new()
    };
    Ok(Some(ResolutionView {
        kind,
        explanation: d.resolution_explanation.clone().unwrap_or_default(),
        credit_note_number: d.credit_note_number.clone(),
        instalments,
        resolved_at,
    }))
}

/// The thread as the customer sees it: replies and resolution, no internal note.
pub async fn customer_thread(db: &Db, id: i64, viewer: Viewer) -> Result<CustomerThread, AppError> {
    let mut conn = db.pool.acquire().await?;
    let d = visible(&mut conn, id, viewer).await?;
    let mut messages = store::customer_messages(&mut conn, id).await?;
    // Files of internal notes are not even loaded for the customer.
    let mut files = files_store::for_dispute(&mut conn, id, false).await?;
    for m in &mut messages {
        m.attachments = take_files(&mut files, m.id);
    }
    Ok(CustomerThread {
        header: header(&mut conn, &d).await?,
        messages,
        resolution: resolution_view(&mut conn, &d).await?,
    })
}

/// The thread as staff see it, with internal notes and the full history.
pub async fn staff_thread(db: &Db, id: i64, viewer: Viewer) -> Result<StaffThread, AppError> {
    require_staff(viewer)?;
    let mut conn = db.pool.acquire().await?;
    let d = visible(&mut conn, id, viewer).await?;
    let mut messages = store::staff_messages(&mut conn, id).await?;
    let mut files = files_store::for_dispute(&mut conn, id, true).await?;
    for m in &mut messages {
        m.attachments = take_files(&mut files, m.id);
    }
    Ok(StaffThread {
        header: header(&mut conn, &d).await?,
        customer_name: d.customer_name.clone(),
        assignee: d.assignee_id.zip(d.assignee_name.clone()),
        messages,
        events: store::events(&mut conn, id).await?,
        resolution: resolution_view(&mut conn, &d).await?,
    })
}

/// Moves the files of message `message_id` out of `files`, in upload order.
fn take_files(files: &mut Vec<(i64, AttachmentView)>, message_id: i64) -> Vec<AttachmentView> {
    let (mine, rest) = std::mem::take(files)
        .into_iter()
        .partition(|(m, _)| *m == message_id);
    *files = rest;
    mine.into_iter().map(|(_, f)| f).collect()
}

/// One attachment with its bytes, for a viewer who may see its dispute;
/// `NotFound` otherwise, and always for a file of an internal note unless the
/// viewer is staff.
pub async fn attachment(
    db: &Db,
    dispute_id: i64,
    attachment_id: i64,
    viewer: Viewer,
) -> Result<(AttachmentView, Vec<u8>), AppError> {
    let mut conn = db.pool.acquire().await?;
    visible(&mut conn, dispute_id, viewer).await?;
    let found = files_store::get(&mut conn, dispute_id, attachment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if found.internal && !matches!(viewer, Viewer::Staff(_)) {
        return Err(AppError::NotFound);
    }
    Ok((found.view, found.content))
}

/// The staff queue: unanswered disputes first, the longest waiting first,
/// with their age and the time since the customer's last message.
pub async fn queue(
    db: &Db,
    viewer: Viewer,
    filter: QueueFilter,
    now: i64,
) -> Result<Vec<QueueRow>, AppError> {
    let me = require_staff(viewer)?;
    let rows = store::queue(&db.pool, filter.status, filter.assignee, me, 500).await?;
    Ok(rows
        .into_iter()
        .map(|r| QueueRow {
            id: r.id,
            invoice_number: r.invoice_number,
            customer_name: r.customer_name,
            reason: r.reason,
            status: r.status,
            disputed_amount: r.disputed_amount,
            currency: r.currency,
            assignee_name: r.assignee_name,
            waiting_for_staff: r.waiting_for_staff,
            age_secs: (now - r.created_at).max(0),
            since_customer_message_secs: r.last_customer_message_at.map(|t| (now - t).max(0)),
        })
        .collect())
}

/// A dispute's invoice id, the invoice's balance and when the dispute was
/// closed (staff pages), `NotFound` for an unknown dispute.
pub async fn invoice_of(db: &Db, id: i64) -> Result<(i64, i64, Option<i64>), AppError> {
    let mut conn = db.pool.acquire().await?;
    let d = store::get(&mut conn, id).await?.ok_or(AppError::NotFound)?;
    let inv = invoices::get(&mut conn, d.invoice_id)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((inv.id, settlement(&inv).balance(), d.resolved_at))
}

/// What reminders may ask for on an invoice: its balance minus the amount
/// of its open dispute, never below zero (0 for an unknown invoice).
pub async fn amount_due_not_disputed(db: &Db, invoice_id: i64) -> Result<i64, AppError> {
    let found = store::balance_and_disputed(&db.pool, invoice_id).await?;
    Ok(found.map_or(0, |(balance, disputed)| {
        undisputed_payable(balance, disputed)
    }))
}

// ---- The customer's side: the dispute section of an invoice, the customer's
// ---- list and the thread page.

fn line_views(rows: Vec<(i64, String, i64)>) -> Vec<crate::model::customer_dispute::DisputeLine> {
    rows.into_iter()
        .map(
            |(position, description, total_ht)| crate::model::customer_dispute::DisputeLine {
                position,
                description,
                total_ht,
            },
        )
        .collect()
}

/// The id of the issued invoice with this number, if the viewer is its
/// customer; `NotFound` otherwise (staff: `Forbidden`).
pub async fn customer_invoice_id(db: &Db, viewer: Viewer, number: &str) -> Result<i64, AppError> {
    let Viewer::Customer { customer_id, .. } = viewer else {
        return Err(AppError::Forbidden);
    };
    let inv = invoices::get_by_number(&db.pool, number)
        .await?
        .filter(|i| i.customer_id == customer_id && i.status != InvoiceStatus::Draft)
        .ok_or(AppError::NotFound)?;
    Ok(inv.id)
}

/// The dispute section of an invoice of the viewer's: the open dispute, the
/// closed ones, the payment plan a resolution agreed, and what the form to
/// open one needs. Credit notes have none of it.
pub async fn invoice_disputes(
    db: &Db,
    viewer: Viewer,
    invoice_id: i64,
) -> Result<crate::model::customer_dispute::DisputeSectionData, AppError> {
    use crate::model::customer_dispute::{AgreedPlan, DisputeSectionData, DisputeSummary};
    let mut conn = db.pool.acquire().await?;
    let inv = invoices::get(&mut conn, invoice_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let owns = match viewer {
        Viewer::Customer { customer_id, .. } => inv.customer_id == customer_id,
        Viewer::PayLink(id) => inv.id == id,
        Viewer::Staff(_) => return Err(AppError::Forbidden),
    };
    if !owns || inv.status == InvoiceStatus::Draft {
        return Err(AppError::NotFound);
    }
    if inv.kind != "invoice" {
        return Ok(DisputeSectionData::none(inv.currency));
    }
    let all = store::of_invoice(&mut conn, inv.id).await?;
    let mut plan = None;
    if let Some(d) = all
        .iter()
        .find(|d| d.resolution_kind == Some(ResolutionKind::PaymentPlan))
    {
        let instalments = store::instalments(&mut conn, d.id).await?;
        plan = Some(AgreedPlan {
            dispute_id: d.id,
            instalments,
        });
    }
    let summary = |d: &DisputeRecord| DisputeSummary {
        id: d.id,
        status: d.status,
        resolution: d.resolution_kind,
        created_at: d.created_at,
    };
    let open = all.iter().find(|d| !d.status.is_closed()).map(summary);
    let balance = settlement(&inv).balance();
    Ok(DisputeSectionData {
        can_open: open.is_none() && inv.status.is_open() && balance > 0,
        balance,
        open,
        past: all
            .iter()
            .filter(|d| d.status.is_closed())
            .map(summary)
            .collect(),
        plan,
        lines: line_views(store::invoice_lines_brief(&mut conn, inv.id).await?),
        currency: inv.currency,
    })
}

/// The signed-in customer's own disputes, newest first (staff: `Forbidden`).
pub async fn customer_disputes(
    db: &Db,
    viewer: Viewer,
) -> Result<Vec<crate::model::dispute::CustomerDisputeRow>, AppError> {
    let Viewer::Customer { customer_id, .. } = viewer else {
        return Err(AppError::Forbidden);
    };
    Ok(store::of_customer(&db.pool, customer_id, 500).await?)
}

/// The customer's thread page: the thread (never an internal note), the
/// disputed lines in words and the company's name. Staff use their own page.
pub async fn thread_page(
    db: &Db,
    id: i64,
    viewer: Viewer,
    now: i64,
) -> Result<crate::model::customer_dispute::ThreadPage, AppError> {
    if matches!(viewer, Viewer::Staff(_)) {
        return Err(AppError::Forbidden);
    }
    let thread = customer_thread(db, id, viewer).await?;
    let mut conn = db.pool.acquire().await?;
    let d = visible(&mut conn, id, viewer).await?;
    let disputed = &thread.header.lines;
    let lines = store::invoice_lines_brief(&mut conn, d.invoice_id)
        .await?
        .into_iter()
        .filter(|(position, _, _)| disputed.contains(position))
        .collect();
    Ok(crate::model::customer_dispute::ThreadPage {
        lines: line_views(lines),
        company: company_name(&mut conn).await?,
        thread,
        now,
    })
}
