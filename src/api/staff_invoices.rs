//! Staff invoice work: list, draft, issue, credit, pay links. Staff only.
use crate::error::AppError;
use crate::model::draft::DraftInput;
use crate::model::listing::{Page, StaffInvoiceRow};
use crate::model::staff_invoice::{DraftFlash, StaffInvoiceView};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
const DRAFT_FLASH: &str = "draft_flash";
#[cfg(feature = "ssr")]
const PAY_LINK_FLASH: &str = "pay_link_flash";

/// A page of every invoice, credit note and draft, filtered.
#[server(endpoint = "staff_invoices")]
pub async fn staff_invoice_list(
    #[server(default)] status: String,
    #[server(default)] q: Option<String>,
    #[server(default)] customer: Option<i64>,
    #[server(default)] from: Option<String>,
    #[server(default)] to: Option<String>,
    #[server(default)] after: Option<String>,
    #[server(default)] age: Option<String>,
) -> Result<Page<StaffInvoiceRow>, AppError> {
    use crate::api::ctx;
    use crate::model::format::parse_iso_date;
    use crate::model::listing::{Cursor, StaffStatus};
    use crate::server::db::listing::ListFilter;
    let (state, _) = ctx::require_staff().await?;
    ctx::no_store();
    let date = |d: Option<String>| d.filter(|d| parse_iso_date(d).is_some());
    let f = ListFilter {
        customer_id: customer,
        status: StaffStatus::parse(&status),
        from: date(from),
        to: date(to),
        search: q.map(|s| s.chars().take(100).collect()),
        age: age
            .as_deref()
            .and_then(crate::model::dashboard::AgeBucket::parse),
        ..ListFilter::default()
    };
    let cursor = after.as_deref().and_then(Cursor::decode);
    crate::server::services::invoices::staff_invoices(&state.db.pool, f, cursor, ctx::today())
        .await
        .map_err(ctx::fail)
}

/// Customers for the draft form's picker.
#[server(endpoint = "customer_options")]
pub async fn customer_options() -> Result<Vec<(i64, String)>, AppError> {
    let (state, _) = crate::api::ctx::require_staff().await?;
    crate::server::services::customers::options(&state.db).await
}

/// The refused draft of the previous (no-JS) submission, taken from the session.
#[server(endpoint = "draft_flash")]
pub async fn take_draft_flash() -> Result<Option<DraftFlash>, AppError> {
    use crate::api::ctx;
    ctx::require_staff().await?;
    let session = ctx::session().await?;
    session
        .remove::<DraftFlash>(DRAFT_FLASH)
        .await
        .map_err(|e| AppError::internal("session", e))
}

/// Saves a draft; refusals come back with every field error and what was typed.
#[server(endpoint = "create_draft")]
pub async fn create_draft(draft: DraftInput) -> Result<(), AppError> {
    use crate::api::ctx;
    let (state, user) = ctx::require_staff().await?;
    let created = crate::server::services::invoicing::create_draft_by(
        &state.db,
        &draft,
        ctx::today(),
        Some(user.id),
    )
    .await;
    match created {
        Ok(id) => {
            leptos_axum::redirect(&format!("/staff/invoices/{id}"));
            Ok(())
        }
        Err(AppError::Validation(errors)) => {
            let session = ctx::session().await?;
            let flash = DraftFlash {
                input: draft,
                errors: errors.clone(),
            };
            session
                .insert(DRAFT_FLASH, flash)
                .await
                .map_err(|e| AppError::internal("session", e))?;
            // Status first: for a plain form post the redirect must win (302).
            let e = ctx::fail(AppError::Validation(errors));
            leptos_axum::redirect("/staff/invoices/new?rows=0");
            Err(e)
        }
        Err(e) => Err(ctx::fail(e)),
    }
}

/// The invoice page for staff: document, history, credit notes.
#[server(endpoint = "staff_invoice")]
pub async fn staff_invoice(id: i64) -> Result<StaffInvoiceView, AppError> {
    use crate::api::ctx;
    let (state, _) = ctx::require_staff().await?;
    ctx::no_store();
    let session = ctx::session().await?;
    let new_pay_link: Option<String> = session
        .remove(PAY_LINK_FLASH)
        .await
        .map_err(|e| AppError::internal("session", e))?;
    crate::server::services::invoices::staff_view(
        &state.db,
        id,
        ctx::today(),
        new_pay_link,
        &state.config.public_base_url,
    )
    .await
    .map_err(ctx::fail)
}

/// Issues a draft today: number, frozen mentions, pay link.
#[server(endpoint = "issue_invoice")]
pub async fn issue_invoice(id: i64) -> Result<(), AppError> {
    use crate::api::ctx;
    let (state, user) = ctx::require_staff().await?;
    // The email is queued through the outbox in the issuing transaction.
    let issued = match crate::server::services::invoice_mail::issue_and_email(
        &state.db,
        id,
        ctx::today(),
        Some(user.id),
    )
    .await
    {
        Ok(issued) => issued,
        Err(e) => {
            // A refusal (a due date before today, a French business without
            // a SIREN…) comes back to the issue form, by its field.
            let e = ctx::fail(e);
            let refusal = crate::error::Refusal::new("issue", &e);
            leptos_axum::redirect(&refusal.redirect_to(&format!("/staff/invoices/{id}"), None));
            return Err(e);
        }
    };
    let session = ctx::session().await?;
    session
        .insert(PAY_LINK_FLASH, issued.pay_token)
        .await
        .map_err(|e| AppError::internal("session", e))?;
    leptos_axum::redirect(&crate::error::Done::Issued.redirect_to(
        &format!("/staff/invoices/{id}"),
        &[],
        None,
    ));
    Ok(())
}

/// Issues a credit note: `mode` is `full` or `partial` (amount excl. VAT, rate, reason).
#[server(endpoint = "credit_invoice")]
pub async fn credit_invoice(
    id: i64,
    mode: String,
    #[server(default)] amount: String,
    #[server(default)] vat_rate: String,
    #[server(default)] description: String,
) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::model::draft::{DraftLineInput, validate_draft};
    use crate::model::validate::{FieldErrors, FieldProblem};
    use crate::server::services::invoicing::{self, CreditRequest};
    let (state, user) = ctx::require_staff().await?;
    let request = if mode == "full" {
        CreditRequest::Full
    } else {
        // Reuse the draft line rules for the amount and the rate.
        let probe = DraftInput {
            currency: "EUR".into(),
            lines: vec![DraftLineInput {
                description: if description.trim().is_empty() {
                    "-".into()
                } else {
                    description.clone()
                },
                quantity: "1".into(),
                unit_price: amount.clone(),
                vat_rate: vat_rate.clone(),
                ..DraftLineInput::default()
            }],
            ..DraftInput::default()
        };
        let valid = validate_draft(&probe, ctx::today()).map_err(|e| {
            let mut out = FieldErrors::default();
            for (f, p) in e.0 {
                out.add(
                    if f.ends_with("vat_rate") {
                        "vat_rate"
                    } else {
                        "amount"
                    },
                    p,
                );
            }
            ctx::fail(AppError::Validation(out))
        })?;
        let line = &valid.lines[0];
        if line.amounts.unit_price_ht <= 0 {
            let mut e = FieldErrors::default();
            e.add("amount", FieldProblem::MustBePositive);
            return Err(ctx::fail(AppError::Validation(e)));
        }
        CreditRequest::Partial {
            amount_ht: line.amounts.unit_price_ht,
            vat_rate: line.amounts.vat_rate,
            description: description.chars().take(500).collect(),
        }
    };
    let credit = invoicing::credit(&state.db, id, &request, ctx::today(), Some(user.id)).await;
    match credit {
        Ok(_) => {
            leptos_axum::redirect(&crate::error::Done::Credited.redirect_to(
                &format!("/staff/invoices/{id}"),
                &[],
                None,
            ));
            Ok(())
        }
        Err(e) => {
            let e = ctx::fail(e);
            let refusal = crate::error::Refusal::coded("", e.code());
            leptos_axum::redirect(&refusal.redirect_to(&format!("/staff/invoices/{id}"), None));
            Err(e)
        }
    }
}

/// Revokes the invoice's pay links and makes a new one (shown once).
#[server(endpoint = "reissue_pay_link")]
pub async fn reissue_pay_link(id: i64) -> Result<(), AppError> {
    use crate::api::ctx;
    let (state, user) = ctx::require_staff().await?;
    let token = crate::server::services::pay_links::reissue_by(&state.db, id, Some(user.id))
        .await
        .map_err(ctx::fail)?;
    let session = ctx::session().await?;
    session
        .insert(PAY_LINK_FLASH, token)
        .await
        .map_err(|e| AppError::internal("session", e))?;
    leptos_axum::redirect(&crate::error::Done::Link.redirect_to(
        &format!("/staff/invoices/{id}"),
        &[],
        None,
    ));
    Ok(())
}

/// Revokes every pay link of the invoice.
#[server(endpoint = "revoke_pay_link")]
pub async fn revoke_pay_link(id: i64) -> Result<(), AppError> {
    use crate::api::ctx;
    let (state, user) = ctx::require_staff().await?;
    crate::server::services::pay_links::revoke_by(&state.db, id, Some(user.id))
        .await
        .map_err(ctx::fail)?;
    leptos_axum::redirect(&crate::error::Done::Revoked.redirect_to(
        &format!("/staff/invoices/{id}"),
        &[],
        None,
    ));
    Ok(())
}

/// Sends the invoice again: a new pay link (the old ones are revoked) and the
/// email with the PDF, through the outbox.
#[server(endpoint = "send_invoice_again")]
pub async fn send_invoice_again(id: i64) -> Result<(), AppError> {
    use crate::api::ctx;
    let (state, user) = ctx::require_staff().await?;
    crate::server::services::invoice_mail::send_again(&state.db, id, user.id)
        .await
        .map_err(ctx::fail)?;
    leptos_axum::redirect(&crate::error::Done::Sent.redirect_to(
        &format!("/staff/invoices/{id}"),
        &[],
        None,
    ));
    Ok(())
}
