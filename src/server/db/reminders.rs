//! Reminders: the schedule and its settings, the reference rates, what was
//! sent (one row per invoice and step), pauses and promises to pay.
use crate::model::reminder::schedule::{Step, Tone};
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

/// How reminders go out (the one `reminder_settings` row).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub timezone: String,
    pub send_hour: i64,
    /// `statutory` or `contractual`.
    pub rate_kind: String,
    pub notice_days: i64,
    pub thank_you: bool,
    pub schedule_set: bool,
}

pub async fn settings(conn: &mut AnyConnection) -> Result<Settings, sqlx::Error> {
    let r = sqlx::query(
        "SELECT timezone, send_hour, rate_kind, notice_days, thank_you, schedule_set \
         FROM reminder_settings WHERE id = 1",
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(Settings {
        timezone: r.try_get("timezone")?,
        send_hour: r.try_get("send_hour")?,
        rate_kind: r.try_get("rate_kind")?,
        notice_days: r.try_get("notice_days")?,
        thank_you: r.try_get::<i64, _>("thank_you")? != 0,
        schedule_set: r.try_get::<i64, _>("schedule_set")? != 0,
    })
}

pub async fn save_settings(conn: &mut AnyConnection, s: &Settings) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE reminder_settings SET timezone = $1, send_hour = $2, rate_kind = $3, \
         notice_days = $4, thank_you = $5 WHERE id = 1",
    )
    .bind(&s.timezone)
    .bind(s.send_hour)
    .bind(&s.rate_kind)
    .bind(s.notice_days)
    .bind(i64::from(s.thank_you))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The schedule, by offset.
pub async fn steps(conn: &mut AnyConnection) -> Result<Vec<Step>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT offset_days, tone, subject_fr, body_fr, subject_en, body_en \
         FROM reminder_steps ORDER BY offset_days",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            let tone: String = r.try_get("tone")?;
            Ok(Step {
                offset_days: i32::try_from(r.try_get::<i64, _>("offset_days")?).unwrap_or(0),
                tone: Tone::parse(&tone).unwrap_or(Tone::Reminder),
                subject_fr: r.try_get("subject_fr")?,
                body_fr: r.try_get("body_fr")?,
                subject_en: r.try_get("subject_en")?,
                body_en: r.try_get("body_en")?,
            })
        })
        .collect()
}

/// Puts `steps` in place of the schedule and marks it as set.
pub async fn replace_steps(conn: &mut AnyConnection, steps: &[Step]) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM reminder_steps")
        .execute(&mut *conn)
        .await?;
    for s in steps {
        sqlx::query(
            "INSERT INTO reminder_steps (offset_days, tone, subject_fr, body_fr, subject_en, body_en) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(i64::from(s.offset_days))
        .bind(s.tone.as_str())
        .bind(&s.subject_fr)
        .bind(&s.body_fr)
        .bind(&s.subject_en)
        .bind(&s.body_en)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query("UPDATE reminder_settings SET schedule_set = 1 WHERE id = 1")
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Marks the schedule as set if it was not; `true` for the one caller that
/// did (the row lock makes a concurrent caller wait, then find it set).
pub async fn claim_first_schedule(conn: &mut AnyConnection) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE reminder_settings SET schedule_set = 1 WHERE id = 1 AND schedule_set = 0",
    )
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Reference rates of one half-year, in basis points.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RatePeriod {
    pub year: i32,
    pub half: u8,
    pub ecb_rate_bp: i64,
    pub legal_rate_bp: i64,
}

/// Every half-year entered, oldest first.
pub async fn rate_periods(conn: &mut AnyConnection) -> Result<Vec<RatePeriod>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT year, half, ecb_rate_bp, legal_rate_bp FROM rate_periods ORDER BY year, half",
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(RatePeriod {
                year: i32::try_from(r.try_get::<i64, _>("year")?).unwrap_or(0),
                half: u8::try_from(r.try_get::<i64, _>("half")?).unwrap_or(1),
                ecb_rate_bp: r.try_get("ecb_rate_bp")?,
                legal_rate_bp: r.try_get("legal_rate_bp")?,
            })
        })
        .collect()
}

pub async fn save_rate_period(conn: &mut AnyConnection, p: &RatePeriod) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO rate_periods (year, half, ecb_rate_bp, legal_rate_bp) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (year, half) DO UPDATE SET ecb_rate_bp = excluded.ecb_rate_bp, \
         legal_rate_bp = excluded.legal_rate_bp",
    )
    .bind(i64::from(p.year))
    .bind(i64::from(p.half))
    .bind(p.ecb_rate_bp)
    .bind(p.legal_rate_bp)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// An open invoice as the engine weighs it: its money, what is disputed,
/// pauses, the newest promise and the furthest step already dealt with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    pub invoice_id: i64,
    pub customer_id: i64,
    pub number: String,
    pub status: String,
    pub due_date: String,
    pub currency: String,
    pub total_ttc: i64,
    pub deposits: i64,
    pub amount_paid: i64,
    pub amount_credited: i64,
    /// The amount of the open dispute (0 when none is open).
    pub disputed: i64,
    pub invoice_paused: bool,
    /// The customer's pause: `Some(None)` until lifted, `Some(Some(d))` until d.
    pub customer_paused: Option<Option<String>>,
    pub promised_for: Option<String>,
    /// The largest offset already queued or skipped for this invoice.
    pub last_offset: Option<i64>,
    pub customer_name: String,
    pub customer_email: String,
    pub customer_lang: String,
    pub business_customer: bool,
}

const CANDIDATE: &str = "SELECT i.id, i.customer_id, i.number, i.status, i.due_date, i.currency, \
     i.total_ttc, i.deposits, i.amount_paid, i.amount_credited, \
     CAST(COALESCE((SELECT SUM(d.disputed_amount) FROM disputes d WHERE d.invoice_id = i.id \
       AND d.status NOT IN ('resolved', 'rejected')), 0) AS BIGINT) AS disputed, \
     (SELECT COUNT(*) FROM invoice_reminder_pauses ip WHERE ip.invoice_id = i.id) AS invoice_paused, \
     cp.customer_id AS paused_customer, cp.until_date, \
     (SELECT pp.promised_for FROM payment_promises pp WHERE pp.invoice_id = i.id \
       ORDER BY pp.id DESC LIMIT 1) AS promised_for, \
     (SELECT MAX(r.offset_days) FROM reminders r WHERE r.invoice_id = i.id) AS last_offset, \
     c.name AS customer_name, c.billing_email, c.lang, c.is_business \
     FROM invoices i JOIN customers c ON c.id = i.customer_id \
     LEFT JOIN customer_reminder_pauses cp ON cp.customer_id = i.customer_id";

fn candidate(r: &AnyRow) -> Result<Candidate, sqlx::Error> {
    let paused_customer: Option<i64> = r.try_get("paused_customer")?;
    Ok(Candidate {
        invoice_id: r.try_get("id")?,
        customer_id: r.try_get("customer_id")?,
        number: r
            .try_get::<Option<String>, _>("number")?
            .unwrap_or_default(),
        status: r.try_get("status")?,
        due_date: r
            .try_get::<Option<String>, _>("due_date")?
            .unwrap_or_default(),
        currency: r.try_get("currency")?,
        total_ttc: r.try_get("total_ttc")?,
        deposits: r.try_get("deposits")?,
        amount_paid: r.try_get("amount_paid")?,
        amount_credited: r.try_get("amount_credited")?,
        disputed: r.try_get("disputed")?,
        invoice_paused: r.try_get::<i64, _>("invoice_paused")? > 0,
        customer_paused: paused_customer
            .map(|_| r.try_get("until_date"))
            .transpose()?,
        promised_for: r.try_get("promised_for")?,
        last_offset: r.try_get("last_offset")?,
        customer_name: r.try_get("customer_name")?,
        customer_email: r.try_get("billing_email")?,
        customer_lang: r.try_get("lang")?,
        business_customer: r.try_get::<i64, _>("is_business")? != 0,
    })
}

/// Issued invoices still open whose due date is within `[from, to]`, by
/// customer then invoice (the order the engine locks them in).
pub async fn candidates(
    conn: &mut AnyConnection,
    from: &str,
    to: &str,
) -> Result<Vec<Candidate>, sqlx::Error> {
    let sql = format!(
        "{CANDIDATE} WHERE i.kind = 'invoice' AND i.status IN ('issued', 'partially_paid', 'disputed') \
         AND i.due_date BETWEEN $1 AND $2 ORDER BY i.customer_id, i.id"
    );
    let rows = sqlx::query(&sql)
        .bind(from)
        .bind(to)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(candidate).collect()
}

/// One invoice as a candidate, whatever its status (read again inside the
/// transaction that queues its reminder).
pub async fn candidate_of(
    conn: &mut AnyConnection,
    invoice_id: i64,
) -> Result<Option<Candidate>, sqlx::Error> {
    let sql = format!("{CANDIDATE} WHERE i.id = $1 AND i.kind = 'invoice'");
    let row = sqlx::query(&sql)
        .bind(invoice_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| candidate(&r)).transpose()
}

/// A step of an invoice being dealt with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReminder<'a> {
    pub invoice_id: i64,
    pub customer_id: i64,
    pub offset_days: i64,
    pub tone: &'a str,
    /// `queued` or `skipped`.
    pub outcome: &'a str,
    pub step_date: &'a str,
    pub amount: i64,
    pub actor: Option<i64>,
}

/// Records a step; `None` when this invoice's step was dealt with before (by
/// another run, another instance or staff): the caller must then not queue it.
pub async fn insert(
    conn: &mut AnyConnection,
    r: &NewReminder<'_>,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let row = sqlx::query(
        "INSERT INTO reminders (invoice_id, customer_id, offset_days, tone, outcome, step_date, amount, \
         actor_user_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (invoice_id, offset_days) DO NOTHING RETURNING id",
    )
    .bind(r.invoice_id)
    .bind(r.customer_id)
    .bind(r.offset_days)
    .bind(r.tone)
    .bind(r.outcome)
    .bind(r.step_date)
    .bind(r.amount)
    .bind(r.actor)
    .bind(now)
    .fetch_optional(&mut *conn)
    .await?;
    row.map(|r| r.try_get("id")).transpose()
}

/// Ties recorded steps to the message that carries them.
pub async fn set_outbox_key(
    conn: &mut AnyConnection,
    ids: &[i64],
    key: &str,
) -> Result<(), sqlx::Error> {
    for id in ids {
        sqlx::query("UPDATE reminders SET outbox_key = $1 WHERE id = $2")
            .bind(key)
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// A step dealt with, as the history shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    pub invoice_id: i64,
    pub offset_days: i64,
    pub tone: String,
    pub outcome: String,
    pub step_date: String,
    pub amount: i64,
    pub created_at: i64,
    /// The message's delivery state (`pending`, `sent`, `failed`, `withdrawn`).
    pub delivery: Option<String>,
}

/// The steps of an invoice, in the order they were dealt with.
pub async fn history(conn: &mut AnyConnection, invoice_id: i64) -> Result<Vec<Sent>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT r.invoice_id, r.offset_days, r.tone, r.outcome, r.step_date, r.amount, r.created_at, \
         o.status AS delivery FROM reminders r LEFT JOIN outbox o ON o.dedupe_key = r.outbox_key \
         WHERE r.invoice_id = $1 ORDER BY r.created_at, r.id",
    )
    .bind(invoice_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Sent {
                invoice_id: r.try_get("invoice_id")?,
                offset_days: r.try_get("offset_days")?,
                tone: r.try_get("tone")?,
                outcome: r.try_get("outcome")?,
                step_date: r.try_get("step_date")?,
                amount: r.try_get("amount")?,
                created_at: r.try_get("created_at")?,
                delivery: r.try_get("delivery")?,
            })
        })
        .collect()
}

/// Keys of the reminder messages about this invoice that have not gone out.
pub async fn pending_messages_of(
    conn: &mut AnyConnection,
    invoice_id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT DISTINCT r.outbox_key FROM reminders r JOIN outbox o ON o.dedupe_key = r.outbox_key \
         WHERE r.invoice_id = $1 AND o.status = 'pending'",
    )
    .bind(invoice_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(|r| r.try_get("outbox_key")).collect()
}

/// The invoices a reminder message is about.
pub async fn invoices_of_message(
    conn: &mut AnyConnection,
    key: &str,
) -> Result<Vec<i64>, sqlx::Error> {
    let rows = sqlx::query("SELECT invoice_id FROM reminders WHERE outbox_key = $1 ORDER BY id")
        .bind(key)
        .fetch_all(&mut *conn)
        .await?;
    rows.iter().map(|r| r.try_get("invoice_id")).collect()
}

/// Withdraws a message that has not been claimed for sending; `false` when
/// it is already on its way (or gone).
pub async fn withdraw_message(
    conn: &mut AnyConnection,
    key: &str,
    reason: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE outbox SET status = 'withdrawn', last_error = $1 \
         WHERE dedupe_key = $2 AND status = 'pending'",
    )
    .bind(reason)
    .bind(key)
    .execute(&mut *conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether a reminder about this invoice went out, or is still on its way.
pub async fn was_reminded(conn: &mut AnyConnection, invoice_id: i64) -> Result<bool, sqlx::Error> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM reminders r JOIN outbox o ON o.dedupe_key = r.outbox_key \
         WHERE r.invoice_id = $1 AND o.status IN ('pending', 'sent')",
    )
    .bind(invoice_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(n > 0)
}

pub async fn pause_invoice(
    conn: &mut AnyConnection,
    invoice_id: i64,
    by: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO invoice_reminder_pauses (invoice_id, paused_by, paused_at) VALUES ($1, $2, $3) \
         ON CONFLICT (invoice_id) DO NOTHING",
    )
    .bind(invoice_id)
    .bind(by)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn resume_invoice(conn: &mut AnyConnection, invoice_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM invoice_reminder_pauses WHERE invoice_id = $1")
        .bind(invoice_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// Pauses a customer's reminders until `until` (a date), or until lifted.
pub async fn pause_customer(
    conn: &mut AnyConnection,
    customer_id: i64,
    until: Option<&str>,
    by: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO customer_reminder_pauses (customer_id, until_date, paused_by, paused_at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (customer_id) DO UPDATE SET \
         until_date = excluded.until_date, paused_by = excluded.paused_by, paused_at = excluded.paused_at",
    )
    .bind(customer_id)
    .bind(until)
    .bind(by)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn resume_customer(
    conn: &mut AnyConnection,
    customer_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM customer_reminder_pauses WHERE customer_id = $1")
        .bind(customer_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// The customer's pause: `Some(None)` until lifted, `Some(Some(date))`.
pub async fn customer_pause(
    conn: &mut AnyConnection,
    customer_id: i64,
) -> Result<Option<Option<String>>, sqlx::Error> {
    let row = sqlx::query("SELECT until_date FROM customer_reminder_pauses WHERE customer_id = $1")
        .bind(customer_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|r| r.try_get("until_date")).transpose()
}

pub async fn insert_promise(
    conn: &mut AnyConnection,
    invoice_id: i64,
    promised_for: &str,
    made_by: Option<i64>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO payment_promises (invoice_id, promised_for, made_by, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(invoice_id)
    .bind(promised_for)
    .bind(made_by)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Marks the reminder messages queued so far as delivered at `at` (the demo's
/// history is not mailed).
pub async fn mark_demo_delivered(
    pool: &sqlx::AnyPool,
    prefix: &str,
    at: i64,
) -> Result<u64, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE outbox SET status = 'sent', sent_at = $1 WHERE status = 'pending' \
         AND dedupe_key LIKE $2 || '%'",
    )
    .bind(at)
    .bind(prefix)
    .execute(pool)
    .await?
    .rows_affected())
}
