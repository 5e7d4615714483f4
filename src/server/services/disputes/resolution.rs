//! Recording a resolution: its credit note, corrected invoice or payment
//! plan, the dispute closed, and the invoice recomputed by the ledger, in one
//! transaction with the customer's email.
use super::mail::{ResolutionMail, queue_resolution_mail};
use super::{Viewer, field, require_staff, visible};
use crate::error::AppError;
use crate::model::dispute::{DisputeStatus, Instalment, ResolutionKind, Transition, check_plan};
use crate::model::validate::FieldProblem;
use crate::model::vat::VatRate;
use crate::server::db::disputes::{self as store, Closing, DisputeRecord};
use crate::server::db::{Db, audit, company, invoices};
use crate::server::services::invoicing::{self, CreditRequest};
use crate::server::services::ledger::{self, settlement};
use chrono::NaiveDate;
use sqlx::AnyConnection;

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

    /// Whether recording it issues a credit note.
    fn issues_credit_note(&self) -> bool {
        !matches!(
            self,
            Resolution::PaymentPlan { .. } | Resolution::Rejected { .. }
        )
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
    // The credit note's PDF goes with the email, with the current logo
    // (read before the transaction, as the invoice email does).
    let logo = if resolution.issues_credit_note() {
        company::logo(&db.pool).await?
    } else {
        None
    };
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
    crate::server::services::lifecycle::dispute_resolved(&mut tx, d.invoice_id, kind, event, now)
        .await?;
    audit::record_in(
        &mut tx,
        Some(staff),
        &format!("dispute_resolved:{detail}"),
        &d.invoice_number,
    )
    .await?;
    let credit_note = done.credit_note_id.zip(done.credit_note_number.as_deref());
    let mail = ResolutionMail {
        kind,
        explanation: &explanation,
        credit_note,
        event,
        logo,
        today,
    };
    queue_resolution_mail(&mut tx, &d, mail, now).await?;
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
