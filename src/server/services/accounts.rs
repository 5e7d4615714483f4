//! Accounts by email: invitations of customer contacts, password resets, and
//! the invoice email. Each link is a 256-bit single-use token stored as a
//! SHA-256 hash; each message is queued in the same transaction as the token
//! (or the change) it belongs to, so there is never a mail without its token
//! nor a token whose mail was lost.
use crate::error::AppError;
use crate::model::lang::Lang;
use crate::model::role::Role;
use crate::model::user::SessionUser;
use crate::model::validate::{
    FieldErrors, FieldProblem, MAX_PASSWORD_LEN, check_email, normalize_email,
};
use crate::server::auth::hash_password;
use crate::server::db::account_tokens::{self, NewToken, Purpose};
use crate::server::db::outbox::{self, Attachment, NewMessage};
use crate::server::db::{Db, audit, company, customers, now_ts, users};
use crate::server::email::absolute_link;
use crate::server::email::messages::{self, Mail};
use crate::server::services::pay_links::{hash_token, new_token};

/// Days an invitation link works.
pub const INVITE_DAYS: i64 = 7;
/// Seconds a password reset link works.
pub const RESET_SECS: i64 = 3600;
/// Fewest characters of a new password.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// At most one reset email per account in each window of this many seconds,
/// so the form cannot be used to flood someone's mailbox.
pub const RESET_MAIL_WINDOW_SECS: i64 = 120;
/// Longest display name of an invited contact.
pub const MAX_NAME_CHARS: usize = 200;

/// The rule for new passwords: 10 characters or more, at most 256 bytes (the
/// limit the login form accepts). Too short is reported as `OutOfRange`.
pub fn check_new_password(password: &str) -> Result<(), FieldProblem> {
    if password.is_empty() {
        Err(FieldProblem::Required)
    } else if password.len() > MAX_PASSWORD_LEN {
        Err(FieldProblem::TooLong)
    } else if password.chars().count() < MIN_PASSWORD_CHARS {
        Err(FieldProblem::OutOfRange)
    } else {
        Ok(())
    }
}

fn field_error(field: &str, problem: FieldProblem) -> AppError {
    let mut e = FieldErrors::default();
    e.add(field, problem);
    AppError::Validation(e)
}

/// Tokens are 64 hexadecimal characters; anything else cannot be one.
fn token_shape_ok(token: &str) -> bool {
    token.len() == 64 && token.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The business's name for signatures and subjects ("Quittance" before it is set up).
async fn company_name(db: &Db) -> Result<String, AppError> {
    match company::load(&db.pool).await {
        Ok((seller, _, _)) => Ok(seller.legal_name),
        Err(sqlx::Error::RowNotFound) => Ok("Quittance".into()),
        Err(e) => Err(e.into()),
    }
}

fn outbox_message(
    dedupe_key: String,
    to: &str,
    mail: Mail,
    attachment: Option<Attachment>,
) -> NewMessage {
    NewMessage {
        dedupe_key,
        to_address: to.to_string(),
        subject: mail.subject,
        body_text: mail.text,
        body_html: Some(mail.html),
        attachment,
    }
}

fn check_invitation(email: &str, display_name: &str) -> Result<(), AppError> {
    let mut errors = FieldErrors::default();
    if let Err(p) = check_email(email) {
        errors.add("email", p);
    }
    let name_chars = display_name.trim().chars().count();
    if name_chars == 0 {
        errors.add("display_name", FieldProblem::Required);
    } else if name_chars > MAX_NAME_CHARS {
        errors.add("display_name", FieldProblem::TooLong);
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::Validation(errors))
    }
}

/// Invites a contact of a customer account to the portal: a single-use link,
/// valid [`INVITE_DAYS`] days, that sets the password of a new customer user.
/// A newer invitation of the same email to the same account replaces older
/// ones. `NotFound` for an unknown customer, `Conflict` when a user already
/// has this email.
pub async fn invite_contact(
    db: &Db,
    customer_id: i64,
    email: &str,
    display_name: &str,
    lang: Lang,
) -> Result<(), AppError> {
    invite_contact_by(db, customer_id, email, display_name, lang, None).await
}

/// [`invite_contact`] by a staff member, who is recorded in the audit log
/// with the invitation, in its transaction.
pub async fn invite_contact_by(
    db: &Db,
    customer_id: i64,
    email: &str,
    display_name: &str,
    lang: Lang,
    staff: Option<i64>,
) -> Result<(), AppError> {
    check_invitation(email, display_name)?;
    let (email, display_name) = (normalize_email(email), display_name.trim());
    let company = company_name(db).await?;
    let (token, hash) = new_token();
    let now = now_ts();
    let mail = messages::invitation_mail(
        lang,
        &company,
        display_name,
        &absolute_link(&format!("/invite/{token}")),
        INVITE_DAYS,
    );
    let mut tx = db.begin_write().await?;
    if outbox::customer_contact(&mut tx, customer_id)
        .await?
        .is_none()
    {
        return Err(AppError::NotFound);
    }
    if account_tokens::email_taken(&mut tx, &email).await? {
        return Err(AppError::Conflict);
    }
    account_tokens::retire_invites(&mut tx, customer_id, &email, now).await?;
    let new = NewToken {
        purpose: Purpose::Invite,
        user_id: None,
        customer_id: Some(customer_id),
        email: &email,
        display_name,
        token_hash: &hash,
        expires_at: now + INVITE_DAYS * 86_400,
    };
    account_tokens::insert(&mut tx, &new, now).await?;
    outbox::enqueue(
        &mut tx,
        &outbox_message(format!("invite:{hash}"), &email, mail, None),
        now,
    )
    .await?;
    audit::record_in(&mut tx, None, "invitation_sent", &email).await?;
    if let Some(staff) = staff {
        let subject = format!("customer:{customer_id}");
        audit::record_in(&mut tx, Some(staff), "contact_invited", &subject).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Accepts an invitation: creates the customer user with this password and
/// uses up the link, in one transaction. A used, expired or unknown link is
/// `NotFound`; an email taken meanwhile is `Conflict`.
pub async fn accept_invitation(
    db: &Db,
    token: &str,
    password: String,
) -> Result<SessionUser, AppError> {
    check_new_password(&password).map_err(|p| field_error("password", p))?;
    if !token_shape_ok(token) {
        return Err(AppError::NotFound);
    }
    let password_hash = hash_password(password).await?;
    let now = now_ts();
    let mut tx = db.begin_write().await?;
    let used = account_tokens::use_token(&mut tx, Purpose::Invite, &hash_token(token), now)
        .await?
        .ok_or(AppError::NotFound)?;
    let customer_id = used.customer_id.ok_or(AppError::NotFound)?;
    let inserted = account_tokens::insert_user_in(
        &mut tx,
        &used.email,
        &password_hash,
        Role::Customer,
        Some(customer_id),
        &used.display_name,
        now,
    )
    .await;
    let id = match inserted {
        Ok(id) => id,
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => return Err(AppError::Conflict),
        Err(e) => return Err(e.into()),
    };
    audit::record_in(&mut tx, Some(id), "invitation_accepted", &used.email).await?;
    tx.commit().await?;
    Ok(SessionUser {
        id,
        email: used.email,
        display_name: used.display_name,
        role: Role::Customer,
        customer_id: Some(customer_id),
    })
}

/// Sends a password reset link (valid [`RESET_SECS`]) when an active account
/// has this email. The answer is the same whether or not one does; only a
/// malformed email is refused.
pub async fn request_password_reset(db: &Db, email: &str) -> Result<(), AppError> {
    check_email(email).map_err(|p| field_error("email", p))?;
    let email = normalize_email(email);
    let Some(found) = users::find_by_email(&db.pool, &email)
        .await?
        .filter(|u| u.active)
    else {
        return Ok(());
    };
    let user = found.user;
    let lang = match user.customer_id {
        Some(c) => customers::lang(&db.pool, c).await?,
        None => Lang::default(),
    };
    let company = company_name(db).await?;
    let (token, hash) = new_token();
    let now = now_ts();
    let link = absolute_link(&format!("/reset-password/{token}"));
    let mail = messages::reset_mail(lang, &company, &user.display_name, &link);
    let key = format!("reset:{}:{}", user.id, now / RESET_MAIL_WINDOW_SECS);
    let mut tx = db.begin_write().await?;
    if !outbox::enqueue(&mut tx, &outbox_message(key, &email, mail, None), now).await? {
        // A reset mail already went to this account moments ago: send nothing
        // more, and keep no token whose link nobody received.
        return Ok(());
    }
    let new = NewToken {
        purpose: Purpose::Reset,
        user_id: Some(user.id),
        customer_id: None,
        email: &email,
        display_name: &user.display_name,
        token_hash: &hash,
        expires_at: now + RESET_SECS,
    };
    account_tokens::insert(&mut tx, &new, now).await?;
    audit::record_in(&mut tx, Some(user.id), "password_reset_requested", &email).await?;
    tx.commit().await?;
    Ok(())
}

/// Sets a new password with a reset link. The link is used up, and every
/// other reset link of the account stops working. A used, expired or unknown
/// link is `NotFound`.
pub async fn reset_password(
    db: &Db,
    token: &str,
    new_password: String,
) -> Result<SessionUser, AppError> {
    check_new_password(&new_password).map_err(|p| field_error("password", p))?;
    if !token_shape_ok(token) {
        return Err(AppError::NotFound);
    }
    let password_hash = hash_password(new_password).await?;
    let now = now_ts();
    let mut tx = db.begin_write().await?;
    let used = account_tokens::use_token(&mut tx, Purpose::Reset, &hash_token(token), now)
        .await?
        .ok_or(AppError::NotFound)?;
    let user_id = used.user_id.ok_or(AppError::NotFound)?;
    if !account_tokens::set_password_in(&mut tx, user_id, &password_hash).await? {
        return Err(AppError::NotFound);
    }
    account_tokens::retire_resets_of_user(&mut tx, user_id, now).await?;
    audit::record_in(&mut tx, Some(user_id), "password_reset", &used.email).await?;
    tx.commit().await?;
    users::find_active(&db.pool, user_id)
        .await?
        .ok_or(AppError::NotFound)
}

/// The email a live invitation (`invite`) or reset (`reset`) link is for, or
/// `None` when the link is unknown, used or expired. Lets the page show the
/// form, or say at once that the link no longer works.
pub async fn link_email(
    db: &Db,
    purpose: Purpose,
    token: &str,
) -> Result<Option<String>, AppError> {
    if !token_shape_ok(token) {
        return Ok(None);
    }
    Ok(account_tokens::live_email(&db.pool, purpose, &hash_token(token), now_ts()).await?)
}

/// Queues the email of a newly issued invoice: summary, pay link and PDF, to
/// the customer's billing address in the customer's language. Calling it again
/// with the same pay token queues nothing (returns `false`). `Conflict` for a
/// draft or a credit note.
pub async fn invoice_email(db: &Db, invoice_id: i64, pay_token: &str) -> Result<bool, AppError> {
    queue_invoice_email(db, invoice_id, pay_token, false).await
}

/// The same as [`invoice_email`], worded as the invoice sent again with a new
/// pay link (after `pay_links::reissue`).
pub async fn invoice_email_again(
    db: &Db,
    invoice_id: i64,
    pay_token: &str,
) -> Result<bool, AppError> {
    queue_invoice_email(db, invoice_id, pay_token, true).await
}

async fn queue_invoice_email(
    db: &Db,
    invoice_id: i64,
    pay_token: &str,
    resent: bool,
) -> Result<bool, AppError> {
    if !token_shape_ok(pay_token) {
        return Err(AppError::BadRequest);
    }
    crate::server::services::invoice_mail::send(db, invoice_id, pay_token, resent).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_password_needs_ten_characters_and_at_most_256_bytes() {
        assert_eq!(check_new_password(""), Err(FieldProblem::Required));
        assert_eq!(
            check_new_password("short1234"),
            Err(FieldProblem::OutOfRange)
        );
        assert_eq!(check_new_password("long enough"), Ok(()));
        assert_eq!(check_new_password(&"x".repeat(256)), Ok(()));
        assert_eq!(
            check_new_password(&"x".repeat(257)),
            Err(FieldProblem::TooLong)
        );
    }

    #[test]
    fn ten_accented_characters_are_ten_characters_not_twenty_bytes() {
        assert_eq!(check_new_password("éééééééééé"), Ok(()));
        assert_eq!(
            check_new_password(&"é".repeat(129)),
            Err(FieldProblem::TooLong)
        );
    }

    #[test]
    fn only_64_hex_characters_can_be_a_token() {
        assert!(token_shape_ok(&"a1".repeat(32)));
        assert!(!token_shape_ok("abc"));
        assert!(!token_shape_ok(&"zz".repeat(32)));
    }

    #[test]
    fn an_invitation_needs_an_email_and_a_name() {
        let Err(AppError::Validation(e)) = check_invitation("nope", " ") else {
            panic!("expected validation")
        };
        assert_eq!(e.get("email"), Some(FieldProblem::InvalidEmail));
        assert_eq!(e.get("display_name"), Some(FieldProblem::Required));
        assert!(check_invitation("a@b.fr", "Jo").is_ok());
    }
}
