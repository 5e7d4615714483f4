//! The reminder engine: for the company's local business day, finds the
//! invoices at a step of the schedule and queues one email per customer.
//!
//! Exactly once: a step is queued in the transaction that records it in
//! `reminders` (unique per invoice and step) and puts its email in the outbox,
//! after reading the invoice again in that transaction. A second engine (another
//! instance, a retried run) loses the insert and queues nothing; a crash before
//! the commit leaves nothing, and the next run queues the step (it is caught up
//! for a week, see `plan`). On PostgreSQL the transaction holds the money lock
//! shared and each invoice's lock, so a payment cannot commit in between; a
//! payment afterwards withdraws the message if it has not gone out yet (see
//! [`super::status_changed`]).
use super::{Context, local_now};
use crate::error::AppError;
use crate::model::reminder::plan::{self, Hold, Situation};
use crate::model::reminder::schedule::Tone;
use crate::server::db::reminders::{self as db, Candidate, NewReminder};
use crate::server::db::{Db, audit, lock_invoice, outbox, pay_links};
use crate::server::services::pay_links::new_token;
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use sqlx::AnyConnection;

/// How a run is asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// List what would go out; queue nothing.
    pub dry_run: bool,
    /// Wait for the company's sending hour (the background job does; a run
    /// asked for by hand does not).
    pub respect_hour: bool,
}

/// A step the run found due for one invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Planned {
    pub invoice_id: i64,
    pub customer_id: i64,
    pub number: String,
    pub customer: String,
    pub offset_days: i32,
    pub tone: Tone,
    pub due: NaiveDate,
    /// What the reminder asks for (nothing disputed).
    pub amount: i64,
    /// What is left out because it is disputed.
    pub disputed: i64,
    pub currency: String,
}

/// What a run found and did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RunReport {
    /// The company's local date the run was for.
    pub today: Option<NaiveDate>,
    /// Why nothing was looked at (`not_a_business_day`, `before_send_hour`).
    pub idle: Option<&'static str>,
    pub planned: Vec<Planned>,
    /// Invoices with a step due but held (invoice id, why).
    pub held: Vec<(i64, Hold)>,
    pub emails_queued: usize,
    pub steps_queued: usize,
    /// Steps another run had queued first (or staff skipped) meanwhile.
    pub already_dealt_with: usize,
}

/// The situation the rules weigh, from a candidate row; `None` when its
/// dates cannot be read (never written so by the portal).
pub fn situation(c: &Candidate) -> Option<Situation> {
    let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    Some(Situation {
        due: date(&c.due_date)?,
        balance: crate::model::invoice::balance(
            c.total_ttc,
            c.deposits,
            c.amount_paid,
            c.amount_credited,
        ),
        disputed: c.disputed,
        invoice_paused: c.invoice_paused,
        customer_paused: c
            .customer_paused
            .as_ref()
            .map(|u| u.as_deref().and_then(date)),
        promised_for: c.promised_for.as_deref().and_then(date),
        last_offset: c.last_offset,
    })
}

/// Whether money is still expected on an invoice in this stored status
/// (the ledger's rule, [`InvoiceStatus::is_open`]).
pub(super) fn is_open(status: &str) -> bool {
    crate::model::invoice::InvoiceStatus::parse(status).is_some_and(|s| s.is_open())
}

/// Runs the engine for the instant `at`.
pub async fn run(db: &Db, at: DateTime<Utc>, opts: RunOptions) -> Result<RunReport, AppError> {
    let ctx = Context::load(db).await?;
    let local = local_now(&ctx.settings.timezone, at);
    let today = local.date();
    let mut report = RunReport {
        today: Some(today),
        ..RunReport::default()
    };
    if !crate::model::reminder::calendar::is_business_day(today) {
        report.idle = Some("not_a_business_day");
        return Ok(report);
    }
    if opts.respect_hour && i64::from(chrono::Timelike::hour(&local)) < ctx.settings.send_hour {
        report.idle = Some("before_send_hour");
        return Ok(report);
    }
    let (from, to) = ctx.due_window(today);
    let mut conn = db.pool.acquire().await?;
    let candidates = db::candidates(&mut conn, &from, &to).await?;
    drop(conn);
    for c in &candidates {
        let Some(s) = situation(c) else { continue };
        match plan::step_due(&ctx.steps, &s, today) {
            Ok(Some(step)) => report.planned.push(Planned {
                invoice_id: c.invoice_id,
                customer_id: c.customer_id,
                number: c.number.clone(),
                customer: c.customer_name.clone(),
                offset_days: step.offset_days,
                tone: step.tone,
                due: s.due,
                amount: s.remindable(),
                disputed: s.balance.max(0) - s.remindable(),
                currency: c.currency.clone(),
            }),
            Ok(None) => {}
            Err(hold) => report.held.push((c.invoice_id, hold)),
        }
    }
    if opts.dry_run {
        return Ok(report);
    }
    let now = at.timestamp();
    let mut start = 0;
    while start < report.planned.len() {
        let customer = report.planned[start].customer_id;
        let end = report.planned[start..]
            .iter()
            .position(|p| p.customer_id != customer)
            .map_or(report.planned.len(), |n| start + n);
        let group: Vec<(i64, i32)> = report.planned[start..end]
            .iter()
            .map(|p| (p.invoice_id, p.offset_days))
            .collect();
        let outcome = queue_for_customer(db, &ctx, today, &group, None, now).await?;
        report.steps_queued += outcome.queued;
        report.already_dealt_with += group.len() - outcome.queued;
        report.emails_queued += usize::from(outcome.queued > 0);
        start = end;
    }
    Ok(report)
}

/// What queueing one customer's steps did.
pub(super) struct Queued {
    pub queued: usize,
}

/// Queues the given steps (invoice, offset) of one customer in one
/// transaction, each checked again there: still open, still at that step,
/// never dealt with. `actor` is the staff member who asked to send now.
pub(super) async fn queue_for_customer(
    db: &Db,
    ctx: &Context,
    today: NaiveDate,
    steps: &[(i64, i32)],
    actor: Option<i64>,
    now: i64,
) -> Result<Queued, AppError> {
    let mut tx = db.begin_write().await?;
    share_money_lock(&mut tx).await?;
    let mut items = Vec::new();
    let mut ids = Vec::new();
    for &(invoice_id, offset) in steps {
        lock_invoice(&mut tx, invoice_id).await?;
        let Some(c) = db::candidate_of(&mut tx, invoice_id).await? else {
            continue;
        };
        let Some(s) = situation(&c).filter(|_| is_open(&c.status)) else {
            continue;
        };
        let step = if actor.is_some() {
            // Sent now by staff: the step asked for, if it is not dealt with
            // and nothing holds the invoice.
            if plan::hold(&s, today).is_some()
                || s.last_offset.is_some_and(|l| l >= i64::from(offset))
            {
                continue;
            }
            ctx.steps.iter().find(|st| st.offset_days == offset)
        } else {
            plan::step_due(&ctx.steps, &s, today).ok().flatten()
        };
        let Some(step) = step.filter(|st| st.offset_days == offset) else {
            continue;
        };
        if step.tone == Tone::FormalNotice && s.disputed > 0 {
            continue;
        }
        let step_date = today.format("%Y-%m-%d").to_string();
        let recorded = db::insert(
            &mut tx,
            &NewReminder {
                invoice_id,
                customer_id: c.customer_id,
                offset_days: i64::from(offset),
                tone: step.tone.as_str(),
                outcome: "queued",
                step_date: &step_date,
                amount: s.remindable(),
                actor,
            },
            now,
        )
        .await?;
        let Some(id) = recorded else { continue };
        let (token, hash) = new_token();
        pay_links::insert(&mut tx, invoice_id, &hash, now).await?;
        ids.push(id);
        items.push((c, s, step.clone(), token));
    }
    if items.is_empty() {
        tx.rollback().await?;
        return Ok(Queued { queued: 0 });
    }
    let key = format!("reminder:{}:{}:{}", items[0].0.customer_id, today, ids[0]);
    let message = super::mail::message(&mut tx, ctx, today, &items, &key).await?;
    // Due at once: `now` is the run's instant, which a run asked for by hand
    // (or a test's clock) may set ahead of the real time.
    outbox::enqueue(&mut tx, &message, now.min(crate::server::db::now_ts())).await?;
    db::set_outbox_key(&mut tx, &ids, &key).await?;
    for (c, _, step, _) in &items {
        let action = format!("reminder_queued:{}", step.offset_days);
        audit::record_in(&mut tx, actor, &action, &c.number).await?;
    }
    tx.commit().await?;
    Ok(Queued { queued: ids.len() })
}

/// On PostgreSQL, holds the money lock shared (as a webhook does): exclusive
/// money paths wait, and each invoice is then locked like a webhook locks it.
async fn share_money_lock(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    if conn.backend_name() == "PostgreSQL" {
        sqlx::query("SELECT pg_advisory_xact_lock_shared(4270001)")
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Due dates that can have a step due on `today`: the last step's day plus
/// the catch-up week and the longest promise, to the first step's day.
pub(super) fn window(today: NaiveDate, min_offset: i32, max_offset: i32) -> (NaiveDate, NaiveDate) {
    let back = i64::from(max_offset.max(0)) + plan::CATCH_UP_DAYS as i64 + 45;
    let from = today - chrono::Duration::days(back);
    let to = today - chrono::Duration::days(i64::from(min_offset));
    (from, to.max(from))
}
