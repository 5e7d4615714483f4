//! Disputes: opening one on an invoice, the thread (replies and internal
//! notes), assignment, status changes, reopening, and recording a resolution
//! with its credit note, corrected invoice or payment plan in the same
//! transaction. Every change is written to the dispute's history; replies and
//! resolutions are mailed to the customer through the outbox, in the same
//! transaction. Internal notes are only ever loaded into staff types.
//! Attachments are checked with the other fields, before anything is written,
//! and stored with their message in its transaction.
use crate::error::AppError;
use crate::model::attachment::{CheckedFile, Upload, check_uploads};
use crate::model::dispute::{
    AttachmentView, AuthorKind, CustomerThread, DisputeHeader, DisputeReason, DisputeStatus,
    Instalment, QueueFilter, QueueRow, ResolutionKind, ResolutionView, StaffThread, Transition,
    check_disputed_amount, check_message, check_plan, may_reopen, undisputed_payable,
};
use crate::model::invoice::InvoiceStatus;
use crate::model::lang::Lang;
use crate::model::validate::{FieldErrors, FieldProblem};
use crate::model::vat::VatRate;
use crate::server::db::dispute_attachments::{self as files_store, NewAttachment};
use crate::server::db::disputes::{self as store, Closing, DisputeRecord, NewDispute};
use crate::server::db::invoices;
use crate::server::db::{Db, audit, company, outbox};
use crate::server::email::messages::{
    DisputeResolvedMail, dispute_reply_mail, dispute_resolved_mail,
};
use crate::server::services::invoicing::{self, CreditRequest};
use crate::server::services::ledger::{self, settlement};
use chrono::NaiveDate;
use sqlx::AnyConnection;

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
    store::insert_event(
        &mut tx,
        id,
        viewer.actor(),
        "opened",
        input.reason.as_str(),
        now,
    )
    .await?;
    ledger::settle(&mut tx, &inv, now).await?;
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
    store::insert_event(&mut tx, id, viewer.actor(), "reopened", prior, now).await?;
    ledger::settle(&mut tx, &inv, now).await?;
    tx.commit().await?;
    Ok(())
}

/// How staff resolve a dispute. Amounts are minor units excl. VAT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    CreditNoteFull {
        explanation: String,
    },
    CreditNotePartial {
        amount_ht: i64,
        vat_rate: VatRate,
        explanation: String,
    },
    /// A full credit note and a new draft with the same lines, to fix and issue.
    CorrectedInvoice {
        explanation: String,
    },
    /// The whole balance in instalments.
    PaymentPlan {
        instalments: Vec<Instalment>,
        explanation: String,
    },
    /// A discount, as a partial credit note.
    CommercialGesture {
        amount_ht: i64,
        vat_rate: VatRate,
        explanation: String,
    },
    /// The invoice is upheld; the reason is given to the customer.
    Rejected {
        reason: String,
    },
}

impl Resolution {
    pub fn kind(&self) -> ResolutionKind {
        match self {
            Resolution::CreditNoteFull { .. } => ResolutionKind::CreditNoteFull,
            Resolution::CreditNotePartial { .. } => ResolutionKind::CreditNotePartial,
            Resolution::CorrectedInvoice { .. } => ResolutionKind::CorrectedInvoice,
            Resolution::PaymentPlan { .. } => ResolutionKind::PaymentPlan,
            Resolution::CommercialGesture { .. } => ResolutionKind::CommercialGesture,
            Resolution::Rejected { .. } => ResolutionKind::Rejected,
        }
    }

    fn explanation(&self) -> &str {
        match self {
            Resolution::CreditNoteFull { explanation }
            | Resolution::CreditNotePartial { explanation, .. }
            | Resolution::CorrectedInvoice { explanation }
            | Resolution::PaymentPlan { explanation, .. }
            | Resolution::CommercialGesture { explanation, .. } => explanation,
            Resolution::Rejected { reason } => reason,
        }
    }
}

/// What recording a resolution produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub status: DisputeStatus,
    pub credit_note_number: Option<String>,
    pub credit_note_id: Option<i64>,
    pub draft_id: Option<i64>,
}

/// Records a resolution in one transaction: its credit note, corrected draft
/// or plan; the dispute closed with who, when and why; the invoice's status
/// back to what its money says; the history entry and the customer's email.
pub async fn resolve(
    db: &Db,
    id: i64,
    viewer: Viewer,
    resolution: &Resolution,
    today: NaiveDate,
    now: i64,
) -> Result<Resolved, AppError> {
    let staff = require_staff(viewer)?;
    let explanation = resolution.explanation().trim().to_string();
    if explanation.chars().count() > crate::model::dispute::MAX_MESSAGE_CHARS {
        return Err(field("explanation", FieldProblem::TooLong));
    }
    if matches!(resolution, Resolution::Rejected { .. }) && explanation.is_empty() {
        return Err(field("explanation", FieldProblem::Required));
    }
    let company = company::load(&db.pool).await?;
    let mut tx = db.begin_money().await?;
    let d = visible(&mut tx, id, viewer).await?;
    let kind = resolution.kind();
    if !d
        .status
        .can_become(kind.closing_status(), Transition::Resolution)
    {
        return Err(AppError::Conflict);
    }
    let mut done = apply(&mut tx, &d, resolution, today, company, staff).await?;
    done.status = kind.closing_status();
    let closing = Closing {
        status: done.status,
        kind,
        explanation: &explanation,
        credit_note_id: done.credit_note_id,
        draft_id: done.draft_id,
        resolved_by: staff,
    };
    if !store::close(&mut tx, id, d.status, &closing, now).await? {
        return Err(AppError::Conflict);
    }
    ledger::recompute(&mut tx, d.invoice_id, now).await?;
    let detail = match &done.credit_note_number {
        Some(n) => format!("{}:{n}", kind.as_str()),
        None => kind.as_str().to_string(),
    };
    let event = store::insert_event(&mut tx, id, viewer.actor(), "resolved", &detail, now).await?;
    audit::record_in(
        &mut tx,
        Some(staff),
        &format!("dispute_resolved:{detail}"),
        &d.invoice_number,
    )
    .await?;
    let mail = ResolutionMail {
        kind,
        explanation: &explanation,
        credit_note: done.credit_note_number.as_deref(),
        event,
    };
    queue_resolution_mail(&mut tx, &d, &mail, now).await?;
    tx.commit().await?;
    Ok(done)
}

/// The money side of a resolution, inside the caller's transaction.
async fn apply(
    tx: &mut AnyConnection,
    d: &DisputeRecord,
    resolution: &Resolution,
    today: NaiveDate,
    company: (
        crate::model::document::Seller,
        crate::model::document::Terms,
        bool,
    ),
    staff: i64,
) -> Result<Resolved, AppError> {
    let mut out = Resolved {
        status: DisputeStatus::Resolved,
        credit_note_number: None,
        credit_note_id: None,
        draft_id: None,
    };
    let partial = |amount_ht: i64, vat_rate: VatRate, explanation: &str| CreditRequest::Partial {
        amount_ht,
        vat_rate,
        description: explanation.to_string(),
    };
    let request = match resolution {
        Resolution::CreditNoteFull { .. } => Some(CreditRequest::Full),
        Resolution::CreditNotePartial {
            amount_ht,
            vat_rate,
            explanation,
        }
        | Resolution::CommercialGesture {
            amount_ht,
            vat_rate,
            explanation,
        } => Some(partial(*amount_ht, *vat_rate, explanation)),
        Resolution::CorrectedInvoice { .. } => {
            let c =
                invoicing::correct_within(tx, d.invoice_id, today, company, Some(staff)).await?;
            out.credit_note_number = Some(c.credit_note.number);
            out.credit_note_id = Some(c.credit_note.id);
            out.draft_id = Some(c.draft_id);
            return Ok(out);
        }
        Resolution::PaymentPlan { instalments, .. } => {
            let inv = invoices::get(tx, d.invoice_id)
                .await?
                .ok_or(AppError::NotFound)?;
            check_plan(instalments, settlement(&inv).balance(), today)
                .map_err(AppError::Validation)?;
            store::insert_instalments(tx, d.id, d.invoice_id, instalments).await?;
            None
        }
        Resolution::Rejected { .. } => None,
    };
    if let Some(request) = request {
        let issued = invoicing::credit_within(
            tx,
            d.invoice_id,
            &request,
            today,
            (company.0, company.1),
            Some(staff),
        )
        .await?;
        out.credit_note_number = Some(issued.number);
        out.credit_note_id = Some(issued.id);
    }
    Ok(out)
}

/// The customer's contact, language and the portal link of a dispute.
async fn contact(
    conn: &mut AnyConnection,
    d: &DisputeRecord,
) -> Result<Option<(String, Lang, String, String)>, AppError> {
    let Some((to, lang, name)) = outbox::customer_contact(conn, d.customer_id).await? else {
        return Ok(None);
    };
    let lang = Lang::parse(&lang).unwrap_or_default();
    let link = crate::server::email::absolute_link(&format!("/disputes/{}", d.id));
    Ok(Some((to, lang, name, link)))
}

async fn company_name(conn: &mut AnyConnection) -> Result<String, AppError> {
    Ok(company::legal_name(conn).await?)
}

async fn queue_reply_mail(
    conn: &mut AnyConnection,
    d: &DisputeRecord,
    message_id: i64,
    body: &str,
    now: i64,
) -> Result<(), AppError> {
    let Some((to, lang, name, link)) = contact(conn, d).await? else {
        return Ok(());
    };
    let company = company_name(conn).await?;
    let mail = dispute_reply_mail(lang, &company, &name, &d.invoice_number, body, &link);
    enqueue(conn, format!("dispute-reply-{message_id}"), to, mail, now).await
}

struct ResolutionMail<'a> {
    kind: ResolutionKind,
    explanation: &'a str,
    credit_note: Option<&'a str>,
    /// The history entry of this resolution: a reopened dispute resolved
    /// again gets a new message.
    event: i64,
}

async fn queue_resolution_mail(
    conn: &mut AnyConnection,
    d: &DisputeRecord,
    r: &ResolutionMail<'_>,
    now: i64,
) -> Result<(), AppError> {
    let Some((to, lang, name, link)) = contact(conn, d).await? else {
        return Ok(());
    };
    let company = company_name(conn).await?;
    let mail = dispute_resolved_mail(DisputeResolvedMail {
        lang,
        company: &company,
        display_name: &name,
        invoice_number: &d.invoice_number,
        kind: r.kind,
        explanation: r.explanation,
        credit_note_number: r.credit_note,
        link: &link,
    });
    let key = format!("dispute-resolved-{}-{}", d.id, r.event);
    enqueue(conn, key, to, mail, now).await
}

async fn enqueue(
    conn: &mut AnyConnection,
    dedupe_key: String,
    to_address: String,
    mail: crate::server::email::messages::Mail,
    now: i64,
) -> Result<(), AppError> {
    outbox::enqueue(
        conn,
        &outbox::NewMessage {
            dedupe_key,
            to_address,
            subject: mail.subject,
            body_text: mail.text,
            body_html: Some(mail.html),
            attachment: None,
        },
        now,
    )
    .await?;
    Ok(())
}

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
