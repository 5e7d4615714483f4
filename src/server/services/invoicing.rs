//! Creating, issuing and crediting invoices. Each operation is one transaction.
use crate::error::AppError;
use crate::model::correction::correction_block;
use crate::model::document::{Buyer, DocLine, OperationCategory, Seller, Terms};
use crate::model::draft::{DraftInput, ValidLine, validate_draft};
use crate::model::invoice::InvoiceStatus;
use crate::model::validate::{FieldErrors, FieldProblem};
use crate::model::vat::{LineAmounts, VatRate, compute_totals};
use crate::server::db::invoices::{self, NewDraft};
use crate::server::db::{Db, audit, company, customers, numbering, pay_links};
use crate::server::services::ledger;
use crate::server::services::pay_links::new_token;
use chrono::{Datelike, Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;

/// The parties and terms frozen into an invoice when it is issued.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    pub seller: Seller,
    pub buyer: Buyer,
    pub terms: Terms,
    /// Goods, services or both; documents issued before it was recorded are
    /// services.
    #[serde(default)]
    pub operation: OperationCategory,
}

fn doc_line(l: &ValidLine) -> DocLine {
    DocLine {
        description: l.description.clone(),
        quantity: l.quantity.normalize().to_string(),
        unit: l.unit.clone(),
        unit_price_ht: l.amounts.unit_price_ht,
        vat_rate: l.amounts.vat_rate,
        discount_pct: l.amounts.discount_pct.normalize().to_string(),
        total_ht: l.amounts.net_rounded(),
    }
}

/// Saves a valid draft with its lines and totals, or reports every bad field.
pub async fn create_draft(db: &Db, input: &DraftInput, today: NaiveDate) -> Result<i64, AppError> {
    create_draft_by(db, input, today, None).await
}

/// [`create_draft`] by a staff member, recorded in the audit log in the same
/// transaction.
pub async fn create_draft_by(
    db: &Db,
    input: &DraftInput,
    today: NaiveDate,
    staff: Option<i64>,
) -> Result<i64, AppError> {
    let valid = validate_draft(input, today).map_err(AppError::Validation)?;
    let amounts: Vec<LineAmounts> = valid.lines.iter().map(|l| l.amounts.clone()).collect();
    let totals = compute_totals(&amounts);
    let mut tx = db.begin_write().await?;
    if customers::buyer(&mut tx, valid.customer_id).await.is_err() {
        let mut e = FieldErrors::default();
        e.add("customer_id", FieldProblem::Required);
        return Err(AppError::Validation(e));
    }
    let sale = valid.sale_date.format("%Y-%m-%d").to_string();
    let due = valid.due_date.map(|d| d.format("%Y-%m-%d").to_string());
    let id = invoices::insert_draft(
        &mut tx,
        &NewDraft {
            customer_id: valid.customer_id,
            kind: "invoice",
            currency: &valid.currency,
            sale_date: &sale,
            due_date: due.as_deref(),
            totals: &totals,
            corrects_invoice_id: None,
            deposits: valid.deposits,
            replaces_invoice_id: None,
        },
    )
    .await?;
    for (i, l) in valid.lines.iter().enumerate() {
        invoices::insert_line(&mut tx, id, i as i64, &doc_line(l)).await?;
    }
    if let Some(staff) = staff {
        audit::record_in(
            &mut tx,
            Some(staff),
            "draft_created",
            &format!("draft:{id}"),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(id)
}

/// Replaces a draft's header, lines and totals with a valid form, or reports
/// every bad field. Only drafts of invoices (not credit notes) are edited.
pub async fn update_draft(
    db: &Db,
    id: i64,
    input: &DraftInput,
    today: NaiveDate,
) -> Result<(), AppError> {
    update_draft_by(db, id, input, today, None).await
}

/// [`update_draft`] by a staff member, recorded in the audit log in the same
/// transaction.
pub async fn update_draft_by(
    db: &Db,
    id: i64,
    input: &DraftInput,
    today: NaiveDate,
    staff: Option<i64>,
) -> Result<(), AppError> {
    let valid = validate_draft(input, today).map_err(AppError::Validation)?;
    let amounts: Vec<LineAmounts> = valid.lines.iter().map(|l| l.amounts.clone()).collect();
    let totals = compute_totals(&amounts);
    let mut tx = db.begin_write().await?;
    if customers::buyer(&mut tx, valid.customer_id).await.is_err() {
        let mut e = FieldErrors::default();
        e.add("customer_id", FieldProblem::Required);
        return Err(AppError::Validation(e));
    }
    let sale = valid.sale_date.format("%Y-%m-%d").to_string();
    let due = valid.due_date.map(|d| d.format("%Y-%m-%d").to_string());
    let changed = invoices::update_draft(
        &mut tx,
        id,
        &NewDraft {
            customer_id: valid.customer_id,
            kind: "invoice",
            currency: &valid.currency,
            sale_date: &sale,
            due_date: due.as_deref(),
            totals: &totals,
            corrects_invoice_id: None,
            deposits: valid.deposits,
            replaces_invoice_id: None,
        },
    )
    .await?;
    if changed != 1 {
        return Err(AppError::Conflict);
    }
    invoices::delete_lines(&mut tx, id).await?;
    for (i, l) in valid.lines.iter().enumerate() {
        invoices::insert_line(&mut tx, id, i as i64, &doc_line(l)).await?;
    }
    if let Some(staff) = staff {
        audit::record_in(
            &mut tx,
            Some(staff),
            "draft_updated",
            &format!("draft:{id}"),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The series prefix of a document kind in a year: `F-2026-`, `AV-2026-`.
pub fn series_prefix(kind: &str, year: i32) -> String {
    let letters = if kind == "credit_note" { "AV" } else { "F" };
    format!("{letters}-{year}-")
}

/// The number, the raw pay token (shown once, stored hashed), and the invoice id.
#[derive(Debug, Clone)]
pub struct Issued {
    pub id: i64,
    pub number: String,
    pub pay_token: String,
}

/// Issues a draft on `issue_date`: takes the next number of its series in the
/// same transaction, freezes parties and terms, creates its pay link.
pub async fn issue(
    db: &Db,
    invoice_id: i64,
    issue_date: NaiveDate,
    actor: Option<i64>,
) -> Result<Issued, AppError> {
    let (seller, terms, _) = company::load(&db.pool).await?;
    let mut tx = db.begin_write().await?;
    let issued = issue_within(&mut tx, invoice_id, issue_date, seller, terms, actor).await?;
    tx.commit().await?;
    Ok(issued)
}

/// The body of [`issue`], inside the caller's transaction.
pub(crate) async fn issue_within(
    conn: &mut AnyConnection,
    invoice_id: i64,
    issue_date: NaiveDate,
    seller: Seller,
    terms: Terms,
    actor: Option<i64>,
) -> Result<Issued, AppError> {
    let rec = invoices::get(conn, invoice_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if rec.status != InvoiceStatus::Draft {
        return Err(AppError::Conflict);
    }
    let mut buyer = customers::buyer(conn, rec.customer_id).await?;
    // Since the 2026 reform a B2B invoice names its French buyer's SIREN.
    // A credit note is not refused: it corrects an invoice already issued
    // (perhaps before the rule), and refusing it would keep a wrong amount
    // owed; it carries whatever identity the customer has.
    if rec.kind == "invoice" && buyer_siren_missing(&buyer) {
        return Err(AppError::Validation(buyer_siren_required()));
    }
    let operation = match rec.corrects_invoice_id {
        // A credit note is of the same category as the invoice it corrects.
        Some(corrected) if rec.kind == "credit_note" => {
            match invoices::get(conn, corrected).await? {
                Some(inv) => inv
                    .snapshot
                    .as_deref()
                    .and_then(|s| serde_json::from_str::<Snapshot>(s).ok())
                    .map(|s| s.operation)
                    .unwrap_or_default(),
                None => company::operation_category(conn).await?,
            }
        }
        _ => company::operation_category(conn).await?,
    };
    let prefix = series_prefix(&rec.kind, issue_date.year());
    let issue_iso = issue_date.format("%Y-%m-%d").to_string();
    // Numbers must follow dates: never issue before the latest document of the series.
    let latest = numbering::latest_issue_date(conn, &prefix).await?;
    if latest.is_some_and(|l| l > issue_iso) {
        return Err(AppError::Conflict);
    }
    let seq = numbering::next_in_series(conn, prefix.trim_end_matches('-')).await?;
    let number = format!("{prefix}{seq:06}");
    let due = match rec.due_date.as_deref() {
        Some(d) if d >= issue_iso.as_str() => d.to_string(),
        Some(_) => return Err(AppError::Validation(due_before_issue())),
        None => (issue_date + Duration::days(terms.payment_terms_days))
            .format("%Y-%m-%d")
            .to_string(),
    };
    let terms = Terms {
        recovery_indemnity: terms.recovery_indemnity.filter(|_| buyer.is_business),
        ..terms
    };
    if !buyer.is_business {
        buyer.siren.clear();
    }
    let snapshot = serde_json::to_string(&Snapshot {
        seller,
        buyer,
        terms,
        operation,
    })
    .map_err(|e| AppError::internal("snapshot", e))?;
    let changed =
        invoices::mark_issued(conn, invoice_id, &number, &issue_iso, &due, &snapshot).await?;
    if changed != 1 {
        return Err(AppError::Conflict);
    }
    let (token, hash) = new_token();
    if rec.kind == "invoice" {
        pay_links::insert(conn, invoice_id, &hash, crate::server::db::now_ts()).await?;
    }
    audit::record_in(conn, actor, "issued", &number).await?;
    crate::server::services::lifecycle::issued(
        conn,
        invoice_id,
        &issue_iso,
        crate::server::db::now_ts(),
    )
    .await?;
    Ok(Issued {
        id: invoice_id,
        number,
        pay_token: token,
    })
}

/// Whether a buyer is a French business without a SIREN: its invoices
/// cannot be issued (the SIREN is a mandatory mention since the 2026 reform).
pub fn buyer_siren_missing(buyer: &Buyer) -> bool {
    buyer.is_business && buyer.country.trim() == "FR" && buyer.siren.trim().is_empty()
}

fn buyer_siren_required() -> FieldErrors {
    let mut e = FieldErrors::default();
    e.add("buyer_siren", FieldProblem::BuyerSirenRequired);
    e
}

fn due_before_issue() -> FieldErrors {
    let mut e = FieldErrors::default();
    e.add("due_date", FieldProblem::DueBeforeIssue);
    e
}

/// What a credit note gives back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum CreditRequest {
    /// Cancels the whole remaining balance, line by line.
    Full,
    /// A partial credit: an amount excl. VAT at one VAT rate, with a reason.
    Partial {
        amount_ht: i64,
        vat_rate: VatRate,
        description: String,
    },
}

/// Issues a credit note against an issued invoice, in one transaction: the
/// credit note gets its own number (AV series), the invoice's balance drops and
/// its status follows. Returns the credit note's number.
pub async fn credit(
    db: &Db,
    invoice_id: i64,
    request: &CreditRequest,
    issue_date: NaiveDate,
    actor: Option<i64>,
) -> Result<Issued, AppError> {
    let (seller, terms, _) = company::load(&db.pool).await?;
    let mut tx = db.begin_money().await?;
    let issued = credit_within(
        &mut tx,
        invoice_id,
        request,
        issue_date,
        (seller, terms),
        actor,
    )
    .await?;
    tx.commit().await?;
    Ok(issued)
}

/// The body of [`credit`], inside the caller's transaction (a
/// [`Db::begin_money`] one). Once the credit note is issued, the ledger
/// recomputes the invoice (a disputed one stays disputed while its dispute is
/// open: closing the dispute recomputes it again).
pub(crate) async fn credit_within(
    tx: &mut AnyConnection,
    invoice_id: i64,
    request: &CreditRequest,
    issue_date: NaiveDate,
    (seller, terms): (Seller, Terms),
    actor: Option<i64>,
) -> Result<Issued, AppError> {
    let corrected_number: String;
    let draft_id = {
        let inv = invoices::get(&mut *tx, invoice_id)
            .await?
            .ok_or(AppError::NotFound)?;
        if inv.kind != "invoice" || !inv.status.is_open() && inv.status != InvoiceStatus::Paid {
            return Err(AppError::Conflict);
        }
        let number = inv.number.clone().unwrap_or_default();
        corrected_number = number.clone();
        let lines = match request {
            CreditRequest::Full => invoices::lines(&mut *tx, invoice_id).await?,
            CreditRequest::Partial {
                amount_ht,
                vat_rate,
                description,
            } => {
                if *amount_ht <= 0 {
                    let mut e = FieldErrors::default();
                    e.add("amount", FieldProblem::MustBePositive);
                    return Err(AppError::Validation(e));
                }
                vec![DocLine {
                    description: if description.trim().is_empty() {
                        number.clone()
                    } else {
                        description.trim().to_string()
                    },
                    quantity: "1".into(),
                    unit: String::new(),
                    unit_price_ht: *amount_ht,
                    vat_rate: *vat_rate,
                    discount_pct: "0".into(),
                    total_ht: *amount_ht,
                }]
            }
        };
        let amounts: Vec<LineAmounts> = lines.iter().map(DocLine::amounts).collect();
        let totals = compute_totals(&amounts);
        if totals.total_ttc > inv.total_ttc - inv.amount_credited || totals.total_ttc <= 0 {
            let mut e = FieldErrors::default();
            e.add("amount", FieldProblem::TooLarge);
            return Err(AppError::Validation(e));
        }
        let sale = inv
            .sale_date
            .clone()
            .unwrap_or_else(|| issue_date.format("%Y-%m-%d").to_string());
        let id = invoices::insert_draft(
            &mut *tx,
            &NewDraft {
                customer_id: inv.customer_id,
                kind: "credit_note",
                currency: &inv.currency,
                sale_date: &sale,
                due_date: Some(&issue_date.format("%Y-%m-%d").to_string()),
                totals: &totals,
                corrects_invoice_id: Some(invoice_id),
                deposits: 0,
                replaces_invoice_id: None,
            },
        )
        .await?;
        for (i, l) in lines.iter().enumerate() {
            invoices::insert_line(&mut *tx, id, i as i64, l).await?;
        }
        id
    };
    let issued = issue_within(&mut *tx, draft_id, issue_date, seller, terms, actor).await?;
    ledger::recompute(&mut *tx, invoice_id, crate::server::db::now_ts()).await?;
    crate::server::services::lifecycle::credited(
        &mut *tx,
        invoice_id,
        issued.id,
        crate::server::db::now_ts(),
    )
    .await?;
    audit::record_in(
        &mut *tx,
        actor,
        &format!("credited:{}", issued.number),
        &corrected_number,
    )
    .await?;
    Ok(issued)
}

/// What "correct" made: the credit note that cancels the invoice, and the new
/// draft that replaces it.
#[derive(Debug, Clone)]
pub struct Corrected {
    pub credit_note: Issued,
    pub draft_id: i64,
}

/// Corrects an issued invoice in one transaction: a full credit note cancels
/// it, and a new draft for the same customer takes its lines, currency, sale
/// date and deposits, to be fixed and issued. Refused ([`AppError::Conflict`])
/// for drafts, credit notes, and invoices with payments or credit notes
/// already (those are credited partially by hand): see
/// [`correction_block`].
pub async fn correct(
    db: &Db,
    invoice_id: i64,
    issue_date: NaiveDate,
    actor: Option<i64>,
) -> Result<Corrected, AppError> {
    let company = company::load(&db.pool).await?;
    let mut tx = db.begin_money().await?;
    let corrected = correct_within(&mut tx, invoice_id, issue_date, company, actor).await?;
    tx.commit().await?;
    Ok(corrected)
}

/// The body of [`correct`], inside the caller's (money) transaction.
pub(crate) async fn correct_within(
    tx: &mut AnyConnection,
    invoice_id: i64,
    issue_date: NaiveDate,
    company: (Seller, Terms, bool),
    actor: Option<i64>,
) -> Result<Corrected, AppError> {
    let inv = invoices::get(&mut *tx, invoice_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if correction_block(&inv.kind, inv.status, inv.amount_paid, inv.amount_credited).is_some() {
        return Err(AppError::Conflict);
    }
    let lines = invoices::lines(&mut *tx, invoice_id).await?;
    let credit_note = credit_within(
        &mut *tx,
        invoice_id,
        &CreditRequest::Full,
        issue_date,
        (company.0, company.1),
        actor,
    )
    .await?;
    let amounts: Vec<LineAmounts> = lines.iter().map(DocLine::amounts).collect();
    let totals = compute_totals(&amounts);
    let sale = inv
        .sale_date
        .clone()
        .unwrap_or_else(|| issue_date.format("%Y-%m-%d").to_string());
    let draft_id = invoices::insert_draft(
        &mut *tx,
        &NewDraft {
            customer_id: inv.customer_id,
            kind: "invoice",
            currency: &inv.currency,
            sale_date: &sale,
            // The old due date may be past: the terms apply again at issue.
            due_date: None,
            totals: &totals,
            corrects_invoice_id: None,
            deposits: inv.deposits,
            replaces_invoice_id: Some(invoice_id),
        },
    )
    .await?;
    for (i, l) in lines.iter().enumerate() {
        invoices::insert_line(&mut *tx, draft_id, i as i64, l).await?;
    }
    let number = inv.number.unwrap_or_default();
    let draft = format!("draft:{draft_id}");
    audit::record_in(&mut *tx, actor, &format!("corrected:{draft}"), &number).await?;
    audit::record_in(&mut *tx, actor, "draft_created", &draft).await?;
    audit::record_in(&mut *tx, actor, &format!("replaces:{number}"), &draft).await?;
    Ok(Corrected {
        credit_note,
        draft_id,
    })
}
