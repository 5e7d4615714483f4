//! Payment reminders: admins edit the schedule, its settings and the
//! reference rates, preview a step and try a dry run; staff see what is
//! coming, skip a step or send it now, pause an invoice or a customer; a
//! customer sees the reminders and late charges of their invoice and promises
//! a date. Each function authorizes, then calls `services::reminders::manage`.
//!
//! The customer's side names the invoice by `kind` and `key`: `invoice` +
//! number for a signed-in customer, `link` + token for a pay-link holder.
use crate::error::AppError;
use crate::model::reminder::plan::Hold;
use crate::model::reminder::schedule::{StepInput, Tone};
use crate::model::reminder::view::{InvoiceReminders, RateInput, SettingsInput, Upcoming};
use crate::model::validate::FieldErrors;
use chrono::NaiveDate;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
const SETTINGS_FLASH: &str = "reminder_settings_flash";
#[cfg(feature = "ssr")]
const RATES_FLASH: &str = "reminder_rates_flash";

/// The page of the reminder settings.
#[cfg(feature = "ssr")]
const PAGE: &str = "/staff/reminders";

/// Reference rates of one half-year, in basis points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateRow {
    pub year: i32,
    pub half: u8,
    pub ecb_rate_bp: i64,
    pub legal_rate_bp: i64,
}

/// What `/staff/reminders` edits: the settings and schedule (as stored, or
/// as typed when refused, with the errors), the rates entered and the rates
/// form (empty, or as typed when refused).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ReminderSettingsPage {
    pub input: SettingsInput,
    pub errors: FieldErrors,
    /// How many steps are saved: the steps that can be previewed.
    pub saved_steps: usize,
    pub rates: Vec<RateRow>,
    pub rate_input: RateInput,
    pub rate_errors: FieldErrors,
}

/// One step row of the settings form: a step as typed, and whether it is
/// ticked for removal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct StepRow {
    #[serde(default)]
    pub offset_days: String,
    #[serde(default)]
    pub tone: String,
    #[serde(default)]
    pub subject_fr: String,
    #[serde(default)]
    pub body_fr: String,
    #[serde(default)]
    pub subject_en: String,
    #[serde(default)]
    pub body_en: String,
    #[serde(default)]
    pub remove: Option<String>,
}

impl StepRow {
    /// A row with nothing typed (the empty row offered to add a step).
    fn is_blank(&self) -> bool {
        [
            &self.offset_days,
            &self.subject_fr,
            &self.body_fr,
            &self.subject_en,
            &self.body_en,
        ]
        .iter()
        .all(|s| s.trim().is_empty())
    }

    fn input(self) -> StepInput {
        StepInput {
            offset_days: self.offset_days,
            tone: self.tone,
            subject_fr: self.subject_fr,
            body_fr: self.body_fr,
            subject_en: self.subject_en,
            body_en: self.body_en,
        }
    }
}

/// The settings form as posted (a checkbox is present or absent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SettingsForm {
    #[serde(default)]
    pub timezone: String,
    #[serde(default)]
    pub send_hour: String,
    #[serde(default)]
    pub rate_kind: String,
    #[serde(default)]
    pub notice_days: String,
    #[serde(default)]
    pub thank_you: Option<String>,
    #[serde(default)]
    pub steps: Vec<StepRow>,
}

impl SettingsForm {
    /// What is saved: the rows ticked for removal and the blank rows left out.
    pub fn into_input(self) -> SettingsInput {
        SettingsInput {
            timezone: self.timezone,
            send_hour: self.send_hour,
            rate_kind: self.rate_kind,
            notice_days: self.notice_days,
            thank_you: self.thank_you.is_some(),
            steps: self
                .steps
                .into_iter()
                .filter(|r| r.remove.is_none() && !r.is_blank())
                .map(StepRow::input)
                .collect(),
        }
    }
}

/// A saved step rendered on real data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PreviewView {
    pub index: usize,
    pub offset_days: i32,
    pub tone: Tone,
    pub lang: String,
    pub subject: String,
    pub body: String,
    /// The number of the invoice it was rendered with (sample values when none).
    pub invoice: Option<String>,
}

/// A step a run now would queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlannedReminder {
    pub invoice_id: i64,
    pub number: String,
    pub customer: String,
    pub offset_days: i32,
    pub tone: Tone,
    pub due: NaiveDate,
    pub amount: i64,
    pub disputed: i64,
    pub currency: String,
}

/// What a run now would do, sending nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DryRun {
    pub today: Option<NaiveDate>,
    /// Why a run would look at nothing (`not_a_business_day`).
    pub idle: Option<String>,
    pub planned: Vec<PlannedReminder>,
    /// Invoices with a step due that something holds.
    pub held: Vec<(i64, Hold)>,
}

/// The reminders of one invoice with the company's date today (what a
/// promise may be, whether a promise is past).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ReminderSection {
    pub today: Option<NaiveDate>,
    pub reminders: InvoiceReminders,
}

/// A customer's pause of reminders: `None` when not paused, `Some(None)`
/// until lifted, `Some(Some(date))` until that date.
pub type CustomerPause = Option<Option<NaiveDate>>;

// ---- Admins: settings, schedule, rates, preview, dry run.

/// The settings page: a refused submission from the session, else what is stored.
#[server(endpoint = "reminder_settings")]
pub async fn reminder_settings() -> Result<ReminderSettingsPage, AppError> {
    use crate::api::ctx;
    use crate::server::services::reminders::manage;
    let (state, _) = ctx::require_admin().await?;
    ctx::no_store();
    let session = ctx::session().await?;
    let flash: Option<(SettingsInput, FieldErrors)> = session
        .remove(SETTINGS_FLASH)
        .await
        .map_err(|e| AppError::internal("session", e))?;
    let rate_flash: Option<(RateInput, FieldErrors)> = session
        .remove(RATES_FLASH)
        .await
        .map_err(|e| AppError::internal("session", e))?;
    let (stored, periods) = manage::settings_input(&state.db).await.map_err(ctx::fail)?;
    let saved_steps = stored.steps.len();
    let (input, errors) = flash.unwrap_or((stored, FieldErrors::default()));
    let (rate_input, rate_errors) = rate_flash.unwrap_or_default();
    Ok(ReminderSettingsPage {
        input,
        errors,
        saved_steps,
        rates: periods
            .into_iter()
            .map(|p| RateRow {
                year: p.year,
                half: p.half,
                ecb_rate_bp: p.ecb_rate_bp,
                legal_rate_bp: p.legal_rate_bp,
            })
            .collect(),
        rate_input,
        rate_errors,
    })
}

/// Saves the settings and the whole schedule; a refusal comes back to the
/// page with what was typed and every field's message.
#[server(endpoint = "save_reminder_settings")]
pub async fn save_reminder_settings(settings: SettingsForm) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::services::reminders::manage;
    let (state, user) = ctx::require_admin().await?;
    let input = settings.into_input();
    match manage::save_settings(&state.db, &input, user.id, chrono::Utc::now()).await {
        Ok(()) => {
            leptos_axum::redirect(&format!("{PAGE}?saved=1"));
            Ok(())
        }
        Err(AppError::Validation(errors)) => {
            let session = ctx::session().await?;
            session
                .insert(SETTINGS_FLASH, (input, errors.clone()))
                .await
                .map_err(|e| AppError::internal("session", e))?;
            // Status first: for a plain form post the redirect must win (302).
            let e = ctx::fail(AppError::Validation(errors));
            leptos_axum::redirect(PAGE);
            Err(e)
        }
        Err(e) => Err(ctx::fail(e)),
    }
}

/// Saves the reference rates of a half-year (replacing what it had).
#[server(endpoint = "save_reminder_rates")]
pub async fn save_reminder_rates(rates: RateInput) -> Result<(), AppError> {
    use crate::api::ctx;
    use crate::server::services::reminders::manage;
    let (state, user) = ctx::require_admin().await?;
    match manage::save_rates(&state.db, &rates, user.id).await {
        Ok(()) => {
            leptos_axum::redirect(&format!("{PAGE}?rates_saved=1#rates"));
            Ok(())
        }
        Err(AppError::Validation(errors)) => {
            let session = ctx::session().await?;
            session
                .insert(RATES_FLASH, (rates, errors.clone()))
                .await
                .map_err(|e| AppError::internal("session", e))?;
            let e = ctx::fail(AppError::Validation(errors));
            leptos_axum::redirect(&format!("{PAGE}#rates"));
            Err(e)
        }
        Err(e) => Err(ctx::fail(e)),
    }
}

/// The saved step `index` (from 0) rendered in `lang` on the most overdue
/// open invoice (or sample values). `NotFound` for a step that is not saved.
#[server(endpoint = "reminder_preview")]
pub async fn reminder_preview(index: usize, lang: String) -> Result<PreviewView, AppError> {
    use crate::api::ctx;
    use crate::model::lang::Lang;
    use crate::server::services::reminders::manage;
    let (state, _) = ctx::require_admin().await?;
    ctx::no_store();
    let lang = Lang::parse(&lang).unwrap_or_default();
    let (stored, _) = manage::settings_input(&state.db).await.map_err(ctx::fail)?;
    let step = stored
        .steps
        .get(index)
        .ok_or_else(|| ctx::fail(AppError::NotFound))?;
    let p = manage::preview(&state.db, step, lang, chrono::Utc::now())
        .await
        .map_err(ctx::fail)?;
    Ok(PreviewView {
        index,
        offset_days: step.offset_days.trim().parse().unwrap_or(0),
        tone: Tone::parse(&step.tone).unwrap_or(Tone::Reminder),
        lang: lang.code().to_string(),
        subject: p.subject,
        body: p.body,
        invoice: p.invoice,
    })
}

/// What a run of the engine now would queue; nothing is sent.
#[server(endpoint = "reminder_dry_run")]
pub async fn reminder_dry_run() -> Result<DryRun, AppError> {
    use crate::api::ctx;
    use crate::server::services::reminders::manage;
    let (state, _) = ctx::require_admin().await?;
    ctx::no_store();
    let report = manage::run_by_hand(&state.db, chrono::Utc::now(), true)
        .await
        .map_err(ctx::fail)?;
    Ok(DryRun {
        today: report.today,
        idle: report.idle.map(str::to_string),
        planned: report
            .planned
            .into_iter()
            .map(|p| PlannedReminder {
                invoice_id: p.invoice_id,
                number: p.number,
                customer: p.customer,
                offset_days: p.offset_days,
                tone: p.tone,
                due: p.due,
                amount: p.amount,
                disputed: p.disputed,
                currency: p.currency,
            })
            .collect(),
        held: report.held,
    })
}

// ---- Staff: what is coming, skip, send now, pauses.

/// How many days ahead the staff's list looks (today included).
pub const UPCOMING_DAYS: u64 = 14;

/// The steps falling in the next two weeks not dealt with yet, by date.
#[server(endpoint = "reminders_upcoming")]
pub async fn reminders_upcoming() -> Result<Vec<Upcoming>, AppError> {
    use crate::api::ctx;
    let (state, _) = ctx::require_staff().await?;
    ctx::no_store();
    crate::server::services::reminders::manage::upcoming(
        &state.db,
        chrono::Utc::now(),
        UPCOMING_DAYS,
    )
    .await
    .map_err(ctx::fail)
}

/// Back to the list of upcoming reminders after `done`, or with the refusal.
#[cfg(feature = "ssr")]
fn back_to_upcoming(outcome: Result<(), AppError>, done: &str) -> Result<(), AppError> {
    use crate::api::ctx;
    match outcome {
        Ok(()) => {
            leptos_axum::redirect(&format!("{PAGE}?upcoming={done}#upcoming"));
            Ok(())
        }
        Err(e) => {
            let e = ctx::fail(e);
            let refusal = crate::error::Refusal::new("upcoming", &e);
            leptos_axum::redirect(&refusal.redirect_to(PAGE, Some("upcoming")));
            Err(e)
        }
    }
}

/// Skips a step of an invoice: it will never go out.
#[server(endpoint = "skip_reminder")]
pub async fn skip_reminder(invoice_id: i64, offset: i32) -> Result<(), AppError> {
    use crate::api::ctx;
    let (state, user) = ctx::require_staff().await?;
    let done = crate::server::services::reminders::manage::skip(
        &state.db,
        invoice_id,
        offset,
        user.id,
        chrono::Utc::now(),
    )
    .await;
    back_to_upcoming(done, "skipped")
}

/// Sends a step of an invoice now (its email is queued at once).
#[server(endpoint = "send_reminder_now")]
pub async fn send_reminder_now(invoice_id: i64, offset: i32) -> Result<(), AppError> {
    use crate::api::ctx;
    let (state, user) = ctx::require_staff().await?;
    let done = crate::server::services::reminders::manage::send_now(
        &state.db,
        invoice_id,
        offset,
        user.id,
        chrono::Utc::now(),
    )
    .await;
    back_to_upcoming(done, "sent")
}

/// The reminders of an invoice as staff see them (skipped steps, delivery,
/// pauses).
#[server(endpoint = "staff_invoice_reminders")]
pub async fn staff_invoice_reminders(id: i64) -> Result<ReminderSection, AppError> {
    use crate::api::ctx;
    use crate::server::services::reminders::{local_today, manage};
    let (state, _) = ctx::require_staff().await?;
    ctx::no_store();
    let at = chrono::Utc::now();
    let reminders = manage::of_invoice(&state.db, id, true, at)
        .await
        .map_err(ctx::fail)?;
    Ok(ReminderSection {
        today: Some(local_today(&state.db, at).await.map_err(ctx::fail)?),
        reminders,
    })
}

/// Pauses (`paused` true) or resumes an invoice's reminders.
#[server(endpoint = "set_invoice_reminder_pause")]
pub async fn set_invoice_reminder_pause(id: i64, paused: bool) -> Result<(), AppError> {
    use crate::api::ctx;
    let (state, user) = ctx::require_staff().await?;
    let page = format!("/staff/invoices/{id}");
    let done = crate::server::services::reminders::manage::set_invoice_pause(
        &state.db, id, paused, user.id,
    )
    .await;
    match done {
        Ok(()) => {
            let word = if paused { "paused" } else { "resumed" };
            leptos_axum::redirect(&format!("{page}?reminders={word}#reminders"));
            Ok(())
        }
        Err(e) => {
            let e = ctx::fail(e);
            let refusal = crate::error::Refusal::new("reminders", &e);
            leptos_axum::redirect(&refusal.redirect_to(&page, Some("reminders")));
            Err(e)
        }
    }
}

/// A customer's pause of reminders (staff).
#[server(endpoint = "customer_reminder_pause")]
pub async fn customer_reminder_pause(customer_id: i64) -> Result<CustomerPause, AppError> {
    use crate::api::ctx;
    let (state, _) = ctx::require_staff().await?;
    ctx::no_store();
    crate::server::services::reminders::manage::customer_pause(&state.db, customer_id).await
}

/// Pauses a customer's reminders until `until` (empty: until lifted), or
/// lifts the pause (`paused` false). A bad date comes back next to its field.
#[server(endpoint = "set_customer_reminder_pause")]
pub async fn set_customer_reminder_pause(
    customer_id: i64,
    paused: bool,
    #[server(default)] until: String,
) -> Result<(), AppError> {
    use crate::api::ctx;
    let (state, user) = ctx::require_staff().await?;
    let typed: String = until.chars().take(20).collect();
    let page = format!("/staff/customers/{customer_id}");
    let done = crate::server::services::reminders::manage::set_customer_pause(
        &state.db,
        customer_id,
        paused,
        &typed,
        user.id,
        chrono::Utc::now(),
    )
    .await;
    match done {
        Ok(()) => {
            let word = if paused { "paused" } else { "resumed" };
            leptos_axum::redirect(&format!("{page}?reminders={word}#reminders"));
            Ok(())
        }
        Err(e) => {
            let e = ctx::fail(e);
            let refusal = crate::error::Refusal::new("pause", &e).keep("pause_until", &typed);
            leptos_axum::redirect(&refusal.redirect_to(&page, Some("reminders")));
            Err(e)
        }
    }
}

// ---- Customers: their invoice's reminders, and a promise to pay.

#[cfg(feature = "ssr")]
mod holder {
    use crate::api::ctx;
    use crate::error::AppError;
    use crate::model::redirect::path_segment;
    use crate::server::services::disputes::{self, Viewer};
    use crate::server::services::pay_links;
    use crate::server::state::AppState;

    /// Who asks about which invoice.
    pub struct Holder {
        pub state: AppState,
        pub invoice_id: i64,
        /// The signed-in contact (none for a pay-link holder).
        pub user: Option<i64>,
        /// The invoice's page for this person.
        pub page: String,
    }

    /// The invoice `key` names for `kind`: a signed-in customer's own
    /// invoice (staff are refused: they have their own page), or the invoice
    /// of a live pay link.
    pub async fn resolve(kind: &str, key: &str) -> Result<Holder, AppError> {
        match kind {
            "invoice" => {
                let (state, user) = ctx::require_user().await?;
                let Some(customer_id) = user.customer_id.filter(|_| !user.role.is_staff()) else {
                    return Err(ctx::fail(AppError::Forbidden));
                };
                let viewer = Viewer::Customer {
                    customer_id,
                    user_id: user.id,
                };
                let invoice_id = disputes::customer_invoice_id(&state.db, viewer, key)
                    .await
                    .map_err(ctx::fail)?;
                Ok(Holder {
                    state,
                    invoice_id,
                    user: Some(user.id),
                    page: format!("/invoices/{}", path_segment(key)),
                })
            }
            "link" => {
                let state = crate::server::state::app_state()?;
                let invoice_id =
                    pay_links::resolve(&state.db, key, state.config.pay_link_days_after_paid)
                        .await
                        .map_err(ctx::fail)?;
                Ok(Holder {
                    state,
                    invoice_id,
                    user: None,
                    page: format!("/pay/{}", path_segment(key)),
                })
            }
            _ => Err(ctx::fail(AppError::NotFound)),
        }
    }
}

/// The reminders of an invoice as its customer sees them: those sent, the
/// late charges to date, the promise made and whether one may be made.
#[server(endpoint = "invoice_reminders")]
pub async fn customer_invoice_reminders(
    kind: String,
    key: String,
) -> Result<ReminderSection, AppError> {
    use crate::api::ctx;
    use crate::server::services::reminders::{local_today, manage};
    ctx::no_store();
    let h = holder::resolve(&kind, &key).await?;
    let at = chrono::Utc::now();
    let reminders = manage::of_invoice(&h.state.db, h.invoice_id, false, at)
        .await
        .map_err(ctx::fail)?;
    Ok(ReminderSection {
        today: Some(local_today(&h.state.db, at).await.map_err(ctx::fail)?),
        reminders,
    })
}

/// The customer promises to pay by `promised_for` (today to 30 days
/// ahead): no reminder before then. Back to the invoice's page, with the
/// date (`?promised=`) or the refusal of the `promise` form and the typed date.
#[server(endpoint = "promise_to_pay")]
pub async fn promise_to_pay(
    kind: String,
    key: String,
    #[server(default)] promised_for: String,
) -> Result<(), AppError> {
    use crate::api::ctx;
    let h = holder::resolve(&kind, &key).await?;
    let typed: String = promised_for.chars().take(20).collect();
    let done = crate::server::services::reminders::manage::promise(
        &h.state.db,
        h.invoice_id,
        &typed,
        h.user,
        chrono::Utc::now(),
    )
    .await;
    match done {
        Ok(day) => {
            ctx::redirect_local(&format!("{}?promised={day}#reminders", h.page), "/");
            Ok(())
        }
        Err(e) => {
            let e = ctx::fail(e);
            let refusal = crate::error::Refusal::new("promise", &e).keep("promised_for", &typed);
            ctx::redirect_local(&refusal.redirect_to(&h.page, Some("reminders")), "/");
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(offset: &str, remove: bool) -> StepRow {
        StepRow {
            offset_days: offset.into(),
            tone: "reminder".into(),
            subject_fr: "s".into(),
            body_fr: "b".into(),
            subject_en: "s".into(),
            body_en: "b".into(),
            remove: remove.then(|| "on".to_string()),
        }
    }

    #[test]
    fn rows_ticked_for_removal_and_the_blank_new_row_are_not_saved() {
        let blank = StepRow {
            tone: "courteous".into(),
            ..StepRow::default()
        };
        let form = SettingsForm {
            thank_you: Some("on".into()),
            steps: vec![row("-3", false), row("1", true), row("8", false), blank],
            ..SettingsForm::default()
        };
        let input = form.into_input();
        assert!(input.thank_you);
        let offsets: Vec<&str> = input.steps.iter().map(|s| s.offset_days.as_str()).collect();
        assert_eq!(offsets, vec!["-3", "8"]);
    }

    #[test]
    fn a_new_row_with_something_typed_is_kept_to_be_checked() {
        let partial = StepRow {
            subject_fr: "Relance".into(),
            ..StepRow::default()
        };
        let form = SettingsForm {
            steps: vec![partial],
            ..SettingsForm::default()
        };
        let input = form.into_input();
        assert!(!input.thank_you);
        assert_eq!(input.steps.len(), 1);
    }
}
