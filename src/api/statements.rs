//! Customer statements: the statement of a way in (account, statement link,
//! pay link), and the staff side (email a statement link, list and revoke
//! links, the admin settings). Each checks who asks before anything else.
use crate::error::AppError;
use crate::model::statement::{LinkRow, SettingsView, StatementAnswer};
use crate::model::statement_access::StatementAccess;
use leptos::prelude::*;

/// The statement this way in opens, as of the date typed (empty: today).
/// A customer's own account needs a sign-in (`Unauthenticated`); a revoked
/// or expired statement link is [`StatementAnswer::LinkEnded`]; anything
/// else refused is `NotFound`.
#[server(endpoint = "statement_view")]
pub async fn get_statement(
    access: StatementAccess,
    #[server(default)] as_of: Option<String>,
) -> Result<StatementAnswer, AppError> {
    use crate::api::ctx;
    use crate::server::services::statements::{self, LinkState};
    let state = crate::server::state::app_state()?;
    ctx::no_store();
    let session = ctx::session().await?;
    let user = crate::server::auth::current_user(&session, &state.db.pool).await?;
    let now = crate::server::db::now_ts();
    if access == StatementAccess::Account && user.is_none() {
        return Err(ctx::fail(AppError::Unauthenticated));
    }
    if let StatementAccess::Link(token) = &access
        && statements::link_state(&state.db, token, now).await? == LinkState::Ended
    {
        return Ok(StatementAnswer::LinkEnded);
    }
    let customer = statements::customer_for(&state.db, &access, user.as_ref(), now)
        .await
        .map_err(ctx::fail)?;
    let typed: Option<String> = as_of.map(|s| s.chars().take(20).collect());
    statements::statement(&state.db, customer, typed.as_deref(), ctx::today())
        .await
        .map(|v| StatementAnswer::Shown(Box::new(v)))
        .map_err(ctx::fail)
}

/// Whether this pay link also opens its customer's statement (the pay page
/// links to it only then). A pay link that does not work is `NotFound`.
#[server(endpoint = "pay_link_statement_allowed")]
pub async fn pay_link_statement_allowed(token: String) -> Result<bool, AppError> {
    use crate::api::ctx;
    use crate::server::services::statements;
    let state = crate::server::state::app_state()?;
    let access = StatementAccess::PayLink(token);
    match statements::customer_for(&state.db, &access, None, crate::server::db::now_ts()).await {
        Ok(_) => Ok(true),
        Err(AppError::NotFound) => Ok(false),
        Err(e) => Err(ctx::fail(e)),
    }
}

/// A customer's statement links (staff), newest first.
#[server(endpoint = "staff_statement_links")]
pub async fn staff_statement_links(customer_id: i64) -> Result<Vec<LinkRow>, AppError> {
    use crate::api::ctx;
    let (state, user) = ctx::require_staff().await?;
    ctx::no_store();
    crate::server::services::statements::links(
        &state.db,
        &user,
        customer_id,
        crate::server::db::now_ts(),
    )
    .await
    .map_err(ctx::fail)
}

/// Staff "Email the statement": a new link and its email, then back to the
/// customer page.
#[server(endpoint = "email_statement")]
pub async fn email_statement(customer_id: i64) -> Result<(), AppError> {
    use crate::api::ctx;
    let (state, user) = ctx::require_staff().await?;
    let page = format!("/staff/customers/{customer_id}");
    let done = crate::server::services::statements::email_statement(
        &state.db,
        &user,
        customer_id,
        ctx::today(),
        crate::server::db::now_ts(),
    )
    .await;
    match done {
        Ok(_) => {
            ctx::redirect_local(&format!("{page}?statement=sent#statement"), "/staff");
            Ok(())
        }
        Err(e) => {
            let e = ctx::fail(e);
            let refusal = crate::error::Refusal::new("statement", &e);
            ctx::redirect_local(&refusal.redirect_to(&page, Some("statement")), "/staff");
            Err(e)
        }
    }
}

/// Revokes one statement link of the customer (staff).
#[server(endpoint = "revoke_statement_link")]
pub async fn revoke_statement_link(customer_id: i64, link_id: i64) -> Result<(), AppError> {
    use crate::api::ctx;
    let (state, user) = ctx::require_staff().await?;
    let page = format!("/staff/customers/{customer_id}");
    let done = crate::server::services::statements::revoke_link(
        &state.db,
        &user,
        customer_id,
        link_id,
        crate::server::db::now_ts(),
    )
    .await;
    match done {
        Ok(()) => {
            ctx::redirect_local(&format!("{page}?statement=revoked#statement"), "/staff");
            Ok(())
        }
        Err(e) => {
            let e = ctx::fail(e);
            let refusal = crate::error::Refusal::new("statement", &e);
            ctx::redirect_local(&refusal.redirect_to(&page, Some("statement")), "/staff");
            Err(e)
        }
    }
}

/// The statement settings (admins).
#[server(endpoint = "statement_settings")]
pub async fn statement_settings() -> Result<SettingsView, AppError> {
    use crate::api::ctx;
    let (state, _) = ctx::require_admin().await?;
    ctx::no_store();
    crate::server::services::statements::settings(&state.db)
        .await
        .map_err(ctx::fail)
}

/// Saves the statement settings (admins). A refused number of days comes
/// back next to its field, with what was typed.
#[server(endpoint = "save_statement_settings")]
pub async fn save_statement_settings(
    #[server(default)] on_pay_link: Option<String>,
    #[server(default)] link_days: String,
) -> Result<(), AppError> {
    use crate::api::ctx;
    let (state, user) = ctx::require_admin().await?;
    let typed: String = link_days.chars().take(20).collect();
    let on = on_pay_link.is_some_and(|v| v == "on" || v == "true" || v == "1");
    let page = "/staff/settings";
    match crate::server::services::statements::save_settings(&state.db, &user, on, &typed).await {
        Ok(()) => {
            ctx::redirect_local(
                &format!("{page}?statement_saved=1#statement-settings"),
                page,
            );
            Ok(())
        }
        Err(e) => {
            let e = ctx::fail(e);
            let refusal = crate::error::Refusal::new("st_settings", &e)
                .keep("link_days", &typed)
                .keep("on_pay_link", if on { "1" } else { "0" });
            ctx::redirect_local(&refusal.redirect_to(page, Some("statement-settings")), page);
            Err(e)
        }
    }
}
