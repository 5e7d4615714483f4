//! Customer statements: who may see which customer's statement, statement
//! links (created, emailed, revoked), the statement settings, and the
//! statement itself as of a date.
use crate::error::AppError;
use crate::model::lang::Lang;
use crate::model::statement::{self as st, LinkRow, SettingsView, StatementView};
use crate::model::statement_access::StatementAccess;
use crate::model::user::SessionUser;
use crate::model::validate::FieldErrors;
use crate::server::db::{Db, audit, company, customers, invoices, outbox, statements};
use crate::server::services::pay_links;
use chrono::NaiveDate;

/// What a statement link token is now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    /// It opens this customer's statement.
    Live(i64),
    /// It existed but was revoked or has expired (the page says so).
    Ended,
    /// No such link.
    Unknown,
}

/// The state of a statement link token at `now` (unix seconds).
pub async fn link_state(db: &Db, token: &str, now: i64) -> Result<LinkState, AppError> {
    if token.len() != 64 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(LinkState::Unknown);
    }
    let found = statements::find_by_hash(&db.pool, &pay_links::hash_token(token)).await?;
    Ok(match found {
        None => LinkState::Unknown,
        Some((_, expires_at, revoked_at)) if revoked_at.is_some() || now >= expires_at => {
            LinkState::Ended
        }
        Some((customer_id, _, _)) => LinkState::Live(customer_id),
    })
}

/// The customer whose statement this way in opens, or why not: a customer
/// user gets their own customer (staff: `Forbidden`, nobody signed in:
/// `NotFound`); a statement link its customer while it is neither revoked nor
/// expired; an invoice pay link its invoice's customer, only while the pay
/// link itself works and the company allows statements from pay links.
/// Every refused token is `NotFound` (unknown, ended and another's look the same).
///
/// The pay link's expiry (days after its invoice is paid) is the configured
/// one when called under the app's context (server functions, pages); the
/// plain routes pass it with [`customer_for_in`]. Without either it is 0 days:
/// a paid invoice's link then opens no statement (the strict side).
pub async fn customer_for(
    db: &Db,
    access: &StatementAccess,
    user: Option<&SessionUser>,
    now: i64,
) -> Result<i64, AppError> {
    let days = crate::server::state::app_state()
        .map(|s| s.config.pay_link_days_after_paid)
        .unwrap_or(0);
    customer_for_in(db, access, user, now, days).await
}

/// [`customer_for`] with the pay link expiry (`Config::pay_link_days_after_paid`).
pub async fn customer_for_in(
    db: &Db,
    access: &StatementAccess,
    user: Option<&SessionUser>,
    now: i64,
    pay_link_days: i64,
) -> Result<i64, AppError> {
    match access {
        StatementAccess::Account => match user {
            None => Err(AppError::NotFound),
            Some(u) => u.customer_id.ok_or(AppError::Forbidden),
        },
        StatementAccess::Link(token) => match link_state(db, token, now).await? {
            LinkState::Live(customer_id) => Ok(customer_id),
            LinkState::Ended | LinkState::Unknown => Err(AppError::NotFound),
        },
        StatementAccess::PayLink(token) => {
            if !statements::settings(&db.pool).await?.on_pay_link {
                return Err(AppError::NotFound);
            }
            let invoice_id = pay_links::resolve(db, token, pay_link_days).await?;
            let (customer_id, ..) = invoices::customer_of(&db.pool, invoice_id)
                .await?
                .ok_or(AppError::NotFound)?;
            Ok(customer_id)
        }
    }
}

/// Whether statements may be opened from pay links (the pay page shows its
/// link to the statement only then).
pub async fn on_pay_link(db: &Db) -> Result<bool, AppError> {
    Ok(statements::settings(&db.pool).await?.on_pay_link)
}

/// The first instant after the day `d` (local time, like "today"), in unix seconds.
pub fn day_end(d: NaiveDate) -> i64 {
    let next = d.succ_opt().unwrap_or(d);
    next.and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(chrono::Local).earliest())
        .map_or(i64::MAX, |t| t.timestamp())
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// The statement of a customer as of the date typed (absent or empty:
/// `today`). A refused date comes back with its problem, what was typed and
/// no figures.
pub async fn statement(
    db: &Db,
    customer_id: i64,
    typed: Option<&str>,
    today: NaiveDate,
) -> Result<StatementView, AppError> {
    let (seller, _, _) = company::load(&db.pool).await?;
    let mut conn = db.pool.acquire().await?;
    let customer = customers::buyer(&mut conn, customer_id).await?;
    drop(conn);
    let currency = statements::currency(&db.pool, customer_id).await?;
    let first = statements::first_issue_date(&db.pool, customer_id)
        .await?
        .as_deref()
        .and_then(st::parse_date);
    let (as_of, problem, figures) = match st::parse_as_of(typed, today, first) {
        Err(problem) => (typed.unwrap_or_default().to_string(), Some(problem), None),
        Ok(date) => {
            let facts =
                statements::item_facts(&db.pool, customer_id, &iso(date), day_end(date)).await?;
            (iso(date), None, Some(st::build(date, facts)))
        }
    };
    Ok(StatementView {
        seller,
        customer,
        currency,
        as_of,
        problem,
        figures,
    })
}

/// A staff member may act on this customer's statement.
fn require_staff(user: &SessionUser) -> Result<(), AppError> {
    if user.role.is_staff() {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The customer's statement links, newest first (the last 20).
pub async fn links(
    db: &Db,
    staff: &SessionUser,
    customer_id: i64,
    now: i64,
) -> Result<Vec<LinkRow>, AppError> {
    require_staff(staff)?;
    Ok(statements::links_of(&db.pool, customer_id, 20)
        .await?
        .into_iter()
        .map(|l| LinkRow {
            status: st::link_status(l.expires_at, l.revoked_at, now),
            id: l.id,
            created_by: l.created_by,
            created_at: l.created_at,
            expires_at: l.expires_at,
            revoked_at: l.revoked_at,
        })
        .collect())
}

/// What goes with a statement email besides its link: the figures the
/// message quotes and, when it renders, the PDF attached.
pub struct MailParts {
    pub total_due: i64,
    pub currency: String,
    pub as_of: NaiveDate,
    pub pdf: Option<Vec<u8>>,
}

/// Staff "Email the statement": in one transaction, a new statement link
/// (valid `link_days` from the settings) and its email in the outbox (one
/// message per link), with an audit row. Returns the link's id.
pub async fn email_statement(
    db: &Db,
    staff: &SessionUser,
    customer_id: i64,
    today: NaiveDate,
    now: i64,
) -> Result<i64, AppError> {
    require_staff(staff)?;
    let view = statement(db, customer_id, None, today).await?;
    let settings = statements::settings(&db.pool).await?;
    let lang = customers::lang(&db.pool, customer_id).await?;
    let parts = MailParts {
        total_due: view.figures.as_ref().map_or(0, |f| f.total_due),
        currency: view.currency.clone(),
        as_of: today,
        pdf: render_pdf(&view, lang),
    };
    let (token, hash) = pay_links::new_token();
    let expires_at = now + settings.link_days * 86_400;
    let mut tx = db.begin_write().await?;
    let (to, _, name) = outbox::customer_contact(&mut tx, customer_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let link_id =
        statements::insert_link(&mut tx, customer_id, &hash, staff.id, now, expires_at).await?;
    let url = crate::server::email::absolute_link(&StatementAccess::Link(token).page());
    let mail = crate::server::email::statement_mail::statement_mail(
        crate::server::email::statement_mail::StatementMail {
            lang,
            company: &view.seller.legal_name,
            customer: &name,
            total_due: parts.total_due,
            currency: &parts.currency,
            as_of: parts.as_of,
            link: &url,
            valid_days: settings.link_days,
        },
    );
    let message = outbox::NewMessage {
        dedupe_key: format!("statement-link:{link_id}"),
        to_address: to,
        subject: mail.subject,
        body_text: mail.text,
        body_html: Some(mail.html),
        attachment: parts.pdf.map(|bytes| outbox::Attachment {
            name: crate::server::pdf::statement::file_name(lang, parts.as_of),
            content_type: "application/pdf".into(),
            bytes,
        }),
    };
    outbox::enqueue(&mut tx, &message, now).await?;
    let subject = format!("customer:{customer_id}");
    audit::record_in(&mut tx, Some(staff.id), "statement_link_emailed", &subject).await?;
    tx.commit().await?;
    Ok(link_id)
}

/// The statement PDF of a view, or `None` (logged) when it does not render:
/// the email then goes without it, the link still carries the statement.
fn render_pdf(view: &StatementView, lang: Lang) -> Option<Vec<u8>> {
    match crate::server::pdf::statement::render(view, lang) {
        Ok(bytes) => Some(bytes),
        Err(e) => {
            tracing::warn!(error = %e, "statement PDF not rendered for the email");
            None
        }
    }
}

/// Revokes one of the customer's statement links (staff), with an audit row.
/// An unknown, another customer's or already revoked link is `NotFound`.
pub async fn revoke_link(
    db: &Db,
    staff: &SessionUser,
    customer_id: i64,
    link_id: i64,
    now: i64,
) -> Result<(), AppError> {
    require_staff(staff)?;
    let mut tx = db.begin_write().await?;
    if !statements::revoke(&mut tx, customer_id, link_id, now).await? {
        return Err(AppError::NotFound);
    }
    let subject = format!("customer:{customer_id}");
    audit::record_in(&mut tx, Some(staff.id), "statement_link_revoked", &subject).await?;
    tx.commit().await?;
    Ok(())
}

/// The statement settings, for the admin form.
pub async fn settings(db: &Db) -> Result<SettingsView, AppError> {
    let s = statements::settings(&db.pool).await?;
    Ok(SettingsView {
        on_pay_link: s.on_pay_link,
        link_days: s.link_days.to_string(),
    })
}

/// Saves the statement settings (admins); `link_days` must be 1 to 365.
pub async fn save_settings(
    db: &Db,
    admin: &SessionUser,
    on_pay_link: bool,
    link_days: &str,
) -> Result<(), AppError> {
    if !admin.role.can_administer() {
        return Err(AppError::Forbidden);
    }
    let link_days = st::parse_link_days(link_days).map_err(|p| {
        let mut errors = FieldErrors::default();
        errors.add("link_days", p);
        AppError::Validation(errors)
    })?;
    let mut tx = db.begin_write().await?;
    statements::save_settings(
        &mut tx,
        statements::Settings {
            on_pay_link,
            link_days,
        },
    )
    .await?;
    audit::record_in(&mut tx, Some(admin.id), "statement_settings_saved", "").await?;
    tx.commit().await?;
    Ok(())
}
