//! What people do with reminders: admins edit the schedule, its settings and
//! the reference rates; staff see what is coming, skip a step or send it now,
//! pause an invoice or a customer, download a formal notice; customers promise
//! a date. Callers (server functions, routes) have authorized the person.
use super::engine::{self, queue_for_customer, situation};
use super::{Context, local_now};
use crate::error::AppError;
use crate::model::lang::Lang;
use crate::model::reminder::plan::{self, Hold};
use crate::model::reminder::schedule::{Step, StepInput, Tone, validate_schedule};
use crate::model::reminder::template::{self, Values};
use crate::model::reminder::view::{
    self, InvoiceReminders, RateInput, SentReminder, SettingsInput, Upcoming,
};
use crate::model::validate::FieldErrors;
use crate::server::db::reminders::{self as db, NewReminder, RatePeriod, Settings};
use crate::server::db::{Db, audit, now_ts};
use crate::server::email::reminder_mail::{self, ReminderItem};
use chrono::{DateTime, Days, NaiveDate, Utc};

/// The settings form as stored, with the rates entered so far.
pub async fn settings_input(db: &Db) -> Result<(SettingsInput, Vec<RatePeriod>), AppError> {
    let ctx = Context::load(db).await?;
    let s = &ctx.settings;
    Ok((
        SettingsInput {
            timezone: s.timezone.clone(),
            send_hour: s.send_hour.to_string(),
            rate_kind: s.rate_kind.clone(),
            notice_days: s.notice_days.to_string(),
            thank_you: s.thank_you,
            steps: ctx.steps.iter().map(Step::input).collect(),
        },
        ctx.periods,
    ))
}

/// The legal interest rate in force on `today` (latest half-year entered).
fn legal_rate_on(periods: &[RatePeriod], today: NaiveDate) -> Option<i64> {
    let half = crate::model::reminder::penalty::half_year(today);
    periods
        .iter()
        .rev()
        .find(|p| (p.year, p.half) <= half)
        .map(|p| p.legal_rate_bp)
}

/// Saves the settings and the whole schedule, or nothing: every field
/// refused is named.
pub async fn save_settings(
    db: &Db,
    input: &SettingsInput,
    staff: i64,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    let ctx = Context::load(db).await?;
    let known = input.timezone.trim().parse::<chrono_tz::Tz>().is_ok();
    let today = local_now(&ctx.settings.timezone, at).date();
    let legal = legal_rate_on(&ctx.periods, today);
    let checked = view::check_settings(input, known, ctx.terms.late_penalty_rate_bp, legal);
    let steps = validate_schedule(&input.steps);
    let (valid, steps) = match (checked, steps) {
        (Ok(v), Ok(s)) => (v, s),
        (a, b) => {
            let mut all = FieldErrors::default();
            all.0.extend(a.err().map(|e| e.0).unwrap_or_default());
            all.0.extend(b.err().map(|e| e.0).unwrap_or_default());
            return Err(AppError::Validation(all));
        }
    };
    let mut tx = db.begin_write().await?;
    db::save_settings(
        &mut tx,
        &Settings {
            timezone: valid.timezone,
            send_hour: valid.send_hour,
            rate_kind: valid.rate_kind,
            notice_days: valid.notice_days,
            thank_you: input.thank_you,
            schedule_set: true,
        },
    )
    .await?;
    db::replace_steps(&mut tx, &steps).await?;
    audit::record_in(&mut tx, Some(staff), "reminder_settings_saved", "").await?;
    tx.commit().await?;
    Ok(())
}

/// Saves the reference rates of a half-year (replacing what it had).
pub async fn save_rates(db: &Db, input: &RateInput, staff: i64) -> Result<(), AppError> {
    let (year, half, ecb_rate_bp, legal_rate_bp) =
        view::check_rates(input).map_err(AppError::Validation)?;
    let mut tx = db.begin_write().await?;
    db::save_rate_period(
        &mut tx,
        &RatePeriod {
            year,
            half,
            ecb_rate_bp,
            legal_rate_bp,
        },
    )
    .await?;
    let subject = format!("{year}-{half}");
    audit::record_in(&mut tx, Some(staff), "rates_saved", &subject).await?;
    tx.commit().await?;
    Ok(())
}

/// A step's texts rendered on real data: the most overdue open invoice
/// (or sample values when there is none), in `lang`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Preview {
    pub subject: String,
    pub body: String,
    /// The invoice the preview was made with, when there was one.
    pub invoice: Option<String>,
}

pub async fn preview(
    db: &Db,
    step: &StepInput,
    lang: Lang,
    at: DateTime<Utc>,
) -> Result<Preview, AppError> {
    let checked = validate_schedule(std::slice::from_ref(step)).map_err(AppError::Validation)?;
    let step = &checked[0];
    let ctx = Context::load(db).await?;
    let today = local_now(&ctx.settings.timezone, at).date();
    let mut conn = db.pool.acquire().await?;
    let far = today - chrono::Duration::days(3650);
    let soon = today + chrono::Duration::days(365);
    let open = db::candidates(&mut conn, &far.to_string(), &soon.to_string()).await?;
    let sample = open
        .iter()
        .filter_map(|c| situation(c).map(|s| (c, s)))
        .filter(|(_, s)| s.remindable() > 0)
        .min_by_key(|(_, s)| s.due);
    let (values, invoice) = match sample {
        Some((c, s)) => {
            let item = ReminderItem {
                number: c.number.clone(),
                due: s.due,
                amount: s.remindable(),
                disputed: s.balance.max(0) - s.remindable(),
                currency: c.currency.clone(),
                charges: ctx.charges(s.remindable(), s.due, today, c.business_customer),
                pay_url: crate::server::email::absolute_link("/pay/…"),
            };
            (
                reminder_mail::values(lang, &c.customer_name, &item, today),
                Some(c.number.clone()),
            )
        }
        None => (
            Values {
                customer: "Boulangerie Martin".into(),
                invoice_number: "F-2026-000001".into(),
                amount_due: crate::model::format::format_money(120_000, "EUR", lang),
                due_date: crate::model::format::format_date(today, lang),
                days_late: "0".into(),
                pay_link: crate::server::email::absolute_link("/pay/…"),
                penalties: String::new(),
            },
            None,
        ),
    };
    Ok(Preview {
        subject: template::render(step.subject(lang), &values),
        body: template::render(step.body(lang), &values),
        invoice,
    })
}

/// The steps falling in the next `days` days (today included) not dealt with
/// yet, by date, with what holds each today.
pub async fn upcoming(db: &Db, at: DateTime<Utc>, days: u64) -> Result<Vec<Upcoming>, AppError> {
    let ctx = Context::load(db).await?;
    let today = local_now(&ctx.settings.timezone, at).date();
    let until = today.checked_add_days(Days::new(days)).unwrap_or(today);
    let (from, _) = ctx.due_window(today);
    let (_, to) = ctx.due_window(until);
    let mut conn = db.pool.acquire().await?;
    let mut out = Vec::new();
    for c in db::candidates(&mut conn, &from, &to).await? {
        let Some(s) = situation(&c) else { continue };
        // A step due today (or caught up) is listed on today's date.
        let due_now = plan::step_due(&ctx.steps, &s, today);
        let mut steps = plan::upcoming(&ctx.steps, &s, today, until);
        if let Ok(Some(st)) = due_now
            && !steps.iter().any(|(_, x)| x.offset_days == st.offset_days)
        {
            steps.insert(0, (today, st));
        }
        for (date, st) in steps {
            let hold = match &due_now {
                Err(h) if date <= today => Some(*h),
                _ => plan::hold(&s, date).or_else(|| {
                    (st.tone == Tone::FormalNotice && s.disputed > 0)
                        .then_some(Hold::NoticeWhileDisputed)
                }),
            };
            out.push(Upcoming {
                invoice_id: c.invoice_id,
                number: c.number.clone(),
                customer: c.customer_name.clone(),
                date,
                offset_days: st.offset_days,
                tone: st.tone,
                amount: s.remindable(),
                currency: c.currency.clone(),
                hold,
            });
        }
    }
    out.sort_by(|a, b| (a.date, &a.number).cmp(&(b.date, &b.number)));
    Ok(out)
}

/// Staff skip a step of an invoice: it will never go out. `Conflict` when it
/// was dealt with already.
pub async fn skip(
    db: &Db,
    invoice_id: i64,
    offset: i32,
    staff: i64,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    let ctx = Context::load(db).await?;
    let step = ctx
        .steps
        .iter()
        .find(|s| s.offset_days == offset)
        .ok_or(AppError::NotFound)?;
    let today = local_now(&ctx.settings.timezone, at).date();
    let mut tx = db.begin_write().await?;
    let c = db::candidate_of(&mut tx, invoice_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let amount = situation(&c).map_or(0, |s| s.remindable());
    let step_date = today.to_string();
    let recorded = db::insert(
        &mut tx,
        &NewReminder {
            invoice_id,
            customer_id: c.customer_id,
            offset_days: i64::from(offset),
            tone: step.tone.as_str(),
            outcome: "skipped",
            step_date: &step_date,
            amount,
            actor: Some(staff),
        },
        at.timestamp(),
    )
    .await?;
    if recorded.is_none() {
        return Err(AppError::Conflict);
    }
    let action = format!("reminder_skipped:{offset}");
    audit::record_in(&mut tx, Some(staff), &action, &c.number).await?;
    tx.commit().await?;
    Ok(())
}

/// Staff send a step of an invoice now (its email queued at once). `Conflict`
/// when it was dealt with already or something holds the invoice.
pub async fn send_now(
    db: &Db,
    invoice_id: i64,
    offset: i32,
    staff: i64,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    let ctx = Context::load(db).await?;
    if !ctx.steps.iter().any(|s| s.offset_days == offset) {
        return Err(AppError::NotFound);
    }
    let today = local_now(&ctx.settings.timezone, at).date();
    let done = queue_for_customer(
        db,
        &ctx,
        today,
        &[(invoice_id, offset)],
        Some(staff),
        at.timestamp(),
    )
    .await?;
    if done.queued == 0 {
        return Err(AppError::Conflict);
    }
    Ok(())
}

/// Reminders of one invoice as its page shows them; `staff` adds the pauses.
pub async fn of_invoice(
    db: &Db,
    invoice_id: i64,
    staff: bool,
    at: DateTime<Utc>,
) -> Result<InvoiceReminders, AppError> {
    let ctx = Context::load(db).await?;
    let today = local_now(&ctx.settings.timezone, at).date();
    let mut conn = db.pool.acquire().await?;
    let Some(c) = db::candidate_of(&mut conn, invoice_id).await? else {
        return Ok(InvoiceReminders::default());
    };
    let sent = db::history(&mut conn, invoice_id)
        .await?
        .into_iter()
        .filter(|r| staff || r.outcome == "queued")
        .map(|r| SentReminder {
            offset_days: r.offset_days,
            tone: Tone::parse(&r.tone).unwrap_or(Tone::Reminder),
            outcome: r.outcome,
            date: NaiveDate::parse_from_str(&r.step_date, "%Y-%m-%d").unwrap_or(today),
            amount: r.amount,
            delivery: r.delivery,
        })
        .filter(|r| staff || r.delivery.as_deref() != Some("withdrawn"))
        .collect();
    let s = situation(&c);
    let open = engine::is_open(&c.status);
    let owed = s.as_ref().map_or(0, |s| s.remindable());
    let promised_for = s.as_ref().and_then(|s| s.promised_for);
    Ok(InvoiceReminders {
        sent,
        promised_for,
        can_promise: open && owed > 0,
        late: s
            .as_ref()
            .filter(|_| open)
            .and_then(|s| ctx.charges(owed, s.due, today, c.business_customer)),
        dispute_open: c.disputed > 0,
        invoice_paused: staff && c.invoice_paused,
        customer_paused: if staff {
            s.and_then(|s| s.customer_paused)
        } else {
            None
        },
    })
}

/// A customer promises to pay an open invoice by a date (today to 30 days
/// ahead): reminders wait until then. Returns the date.
pub async fn promise(
    db: &Db,
    invoice_id: i64,
    date: &str,
    user: Option<i64>,
    at: DateTime<Utc>,
) -> Result<NaiveDate, AppError> {
    let today = super::local_today(db, at).await?;
    let day = view::check_promise(date, today).map_err(|p| {
        let mut e = FieldErrors::default();
        e.add("promised_for", p);
        AppError::Validation(e)
    })?;
    let mut tx = db.begin_write().await?;
    let c = db::candidate_of(&mut tx, invoice_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let owed = situation(&c).is_some_and(|s| s.remindable() > 0);
    if !owed || !engine::is_open(&c.status) {
        return Err(AppError::Conflict);
    }
    db::insert_promise(&mut tx, invoice_id, &day.to_string(), user, at.timestamp()).await?;
    let action = format!("payment_promised:{day}");
    audit::record_in(&mut tx, user, &action, &c.number).await?;
    tx.commit().await?;
    Ok(day)
}

/// Staff pause (or resume) an invoice's reminders.
pub async fn set_invoice_pause(
    db: &Db,
    invoice_id: i64,
    paused: bool,
    staff: i64,
) -> Result<(), AppError> {
    let mut tx = db.begin_write().await?;
    let c = db::candidate_of(&mut tx, invoice_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if paused {
        db::pause_invoice(&mut tx, invoice_id, staff, now_ts()).await?;
    } else {
        db::resume_invoice(&mut tx, invoice_id).await?;
    }
    let action = if paused {
        "reminders_paused"
    } else {
        "reminders_resumed"
    };
    audit::record_in(&mut tx, Some(staff), action, &c.number).await?;
    tx.commit().await?;
    Ok(())
}

/// Staff pause a customer's reminders until a date (empty: until lifted),
/// or lift the pause.
pub async fn set_customer_pause(
    db: &Db,
    customer_id: i64,
    paused: bool,
    until: &str,
    staff: i64,
    at: DateTime<Utc>,
) -> Result<(), AppError> {
    let until = until.trim();
    let until = if paused && !until.is_empty() {
        let today = super::local_today(db, at).await?;
        let d = NaiveDate::parse_from_str(until, "%Y-%m-%d")
            .map_err(|_| field_error("until", crate::model::validate::FieldProblem::InvalidDate))?;
        if d <= today {
            return Err(field_error(
                "until",
                crate::model::validate::FieldProblem::DateInPast,
            ));
        }
        Some(d.to_string())
    } else {
        None
    };
    let mut tx = db.begin_write().await?;
    if paused {
        db::pause_customer(&mut tx, customer_id, until.as_deref(), staff, now_ts()).await?;
    } else {
        db::resume_customer(&mut tx, customer_id).await?;
    }
    let subject = format!("customer:{customer_id}");
    let action = if paused {
        "customer_reminders_paused"
    } else {
        "customer_reminders_resumed"
    };
    audit::record_in(&mut tx, Some(staff), action, &subject).await?;
    tx.commit().await?;
    Ok(())
}

/// A customer's pause: `Some(None)` until lifted, `Some(Some(day))` until that day.
pub async fn customer_pause(
    db: &Db,
    customer_id: i64,
) -> Result<Option<Option<NaiveDate>>, AppError> {
    let mut conn = db.pool.acquire().await?;
    let pause = db::customer_pause(&mut conn, customer_id).await?;
    Ok(pause.map(|until| until.and_then(|d| NaiveDate::parse_from_str(&d, "%Y-%m-%d").ok())))
}

fn field_error(field: &str, p: crate::model::validate::FieldProblem) -> AppError {
    let mut e = FieldErrors::default();
    e.add(field, p);
    AppError::Validation(e)
}

/// The formal notice of one late invoice as of today, for staff to download:
/// (file name, PDF). `Conflict` while a dispute is open or when it is not late.
pub async fn notice_of_invoice(
    db: &Db,
    invoice_id: i64,
    lang: Lang,
    at: DateTime<Utc>,
) -> Result<(String, Vec<u8>), AppError> {
    let ctx = Context::load(db).await?;
    let today = local_now(&ctx.settings.timezone, at).date();
    let mut conn = db.pool.acquire().await?;
    let c = db::candidate_of(&mut conn, invoice_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let s = situation(&c).ok_or(AppError::NotFound)?;
    let open = engine::is_open(&c.status);
    if !open || s.disputed > 0 || s.remindable() <= 0 || s.due >= today {
        return Err(AppError::Conflict);
    }
    let step = Step {
        offset_days: 0,
        tone: Tone::FormalNotice,
        subject_fr: String::new(),
        body_fr: String::new(),
        subject_en: String::new(),
        body_en: String::new(),
    };
    let link = crate::server::email::absolute_link("/invoices");
    let steps = [(c, s, step, String::new())];
    let mut notice = super::mail::formal_notice(&mut conn, &ctx, today, &steps, &[]).await?;
    notice.pay_url = Some(link);
    let name = crate::server::pdf::notice_file_name(lang, today);
    let bytes = tokio::task::spawn_blocking(move || {
        crate::server::pdf::render_formal_notice(&notice, lang)
    })
    .await
    .map_err(|e| AppError::internal("notice pdf task failed", e))?
    .map_err(|e| AppError::internal("formal notice pdf", e))?;
    Ok((name, bytes))
}

/// `quittance reminders run [--dry-run]`: the engine at `at`, whatever the hour.
pub async fn run_by_hand(
    db: &Db,
    at: DateTime<Utc>,
    dry_run: bool,
) -> Result<engine::RunReport, AppError> {
    engine::run(
        db,
        at,
        engine::RunOptions {
            dry_run,
            respect_hour: false,
        },
    )
    .await
}
