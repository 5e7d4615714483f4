//! Reminders on SQLite and PostgreSQL with a controlled clock: the engine is
//! run at chosen instants (the steps of invoices issued today), its emails are
//! delivered to a real SMTP server process, and every way a step could go out
//! twice, go out on paid or disputed debt, or be lost is tried.
use crate::common::{SmtpSink, TestApp, TestDb, company_and_customer, issued_invoice, today};
use chrono::{DateTime, NaiveDate, Utc};
use quittance::model::dispute::DisputeReason;
use quittance::model::reminder::calendar::step_date;
use quittance::model::reminder::plan::Hold;
use quittance::model::role::Role;
use quittance::server::db::{Db, now_ts, users};
use quittance::server::email::{Transport, drain_at};
use quittance::server::services::disputes::{self, OpenDispute, Resolution, Viewer};
use quittance::server::services::payments::{self, OfflineInput};
use quittance::server::services::reminders::manage;
use quittance::server::services::reminders::{RunOptions, RunReport, run};
use sqlx::Row;

/// 10:00 in Paris (08:00 or 09:00 UTC) on the day `offset` of an invoice due on `due`.
fn step_instant(due: NaiveDate, offset: i32) -> DateTime<Utc> {
    step_date(due, offset)
        .and_hms_opt(8, 0, 0)
        .expect("time")
        .and_utc()
}

async fn engine(db: &Db, at: DateTime<Utc>) -> RunReport {
    run(
        db,
        at,
        RunOptions {
            dry_run: false,
            respect_hour: false,
        },
    )
    .await
    .expect("engine run")
}

fn smtp(url: &str) -> Transport {
    Transport::smtp(
        url,
        quittance::server::email::transport::parse_from("Test <t@test.test>").expect("from"),
    )
    .expect("transport")
}

async fn start(db: &TestDb) -> TestApp {
    let mut config = crate::common::config_for(&db.url);
    config.email.worker_enabled = false;
    TestApp::start_configured(false, std::sync::Arc::default(), config).await
}

/// An issued invoice of 100 EUR + VAT for a business customer; (id, due date).
async fn invoice(app: &TestApp, customer: i64) -> (i64, NaiveDate) {
    let issued = issued_invoice(&app.db, customer, "100").await;
    let due: String = sqlx::query_scalar("SELECT due_date FROM invoices WHERE id = $1")
        .bind(issued.id)
        .fetch_one(&app.db.pool)
        .await
        .expect("due date");
    (
        issued.id,
        NaiveDate::parse_from_str(&due, "%Y-%m-%d").expect("date"),
    )
}

/// (key, status) of every reminder message.
async fn reminder_messages(db: &Db) -> Vec<(String, String)> {
    sqlx::query(
        "SELECT dedupe_key, status FROM outbox WHERE dedupe_key LIKE 'reminder:%' ORDER BY id",
    )
    .fetch_all(&db.pool)
    .await
    .expect("outbox")
    .iter()
    .map(|r| (r.get("dedupe_key"), r.get("status")))
    .collect()
}

async fn steps_of(db: &Db, invoice_id: i64) -> Vec<(i64, String)> {
    sqlx::query(
        "SELECT offset_days, outcome FROM reminders WHERE invoice_id = $1 ORDER BY offset_days",
    )
    .bind(invoice_id)
    .fetch_all(&db.pool)
    .await
    .expect("reminders")
    .iter()
    .map(|r| (r.get("offset_days"), r.get("outcome")))
    .collect()
}

async fn agent(db: &Db) -> i64 {
    users::insert(
        &db.pool,
        "agent@test.test",
        "x",
        Role::Agent,
        None,
        "Alex Agent",
    )
    .await
    .expect("agent")
}

async fn two_engines_at_once_queue_each_step_once_in_one_email_per_customer(db: &TestDb) {
    let app = start(db).await;
    let customer = company_and_customer(&app.db, "compta@client.test").await;
    let (a, due) = invoice(&app, customer).await;
    let (b, _) = invoice(&app, customer).await;
    let at = step_instant(due, 1);
    let (one, two) = tokio::join!(engine(&app.db, at), engine(&app.db, at));
    assert_eq!(one.steps_queued + two.steps_queued, 2, "{one:?} {two:?}");
    assert_eq!(one.emails_queued + two.emails_queued, 1);
    assert_eq!(steps_of(&app.db, a).await, vec![(1, "queued".to_string())]);
    assert_eq!(steps_of(&app.db, b).await, vec![(1, "queued".to_string())]);
    assert_eq!(reminder_messages(&app.db).await.len(), 1);
    // The same day again, and the next days: nothing more until +8.
    for later in [
        at,
        at + chrono::Duration::days(1),
        at + chrono::Duration::days(3),
    ] {
        let again = engine(&app.db, later).await;
        assert_eq!(again.steps_queued, 0, "{again:?}");
    }
    let eighth = engine(&app.db, step_instant(due, 8)).await;
    assert_eq!(eighth.steps_queued, 2);
    assert_eq!(reminder_messages(&app.db).await.len(), 2);
    app.stop().await;
}
on_both_databases!(two_engines_at_once_queue_each_step_once_in_one_email_per_customer);

async fn a_run_repeated_after_a_crash_neither_loses_nor_repeats_the_email_and_its_pay_link_works(
    db: &TestDb,
) {
    let app = start(db).await;
    let customer = company_and_customer(&app.db, "compta@client.test").await;
    let (id, due) = invoice(&app, customer).await;
    let number: String = sqlx::query_scalar("SELECT number FROM invoices WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("number");
    let at = step_instant(due, -3);
    assert_eq!(engine(&app.db, at).await.steps_queued, 1);
    // The process dies before delivering; once restarted, the engine runs again.
    assert_eq!(engine(&app.db, at).await.steps_queued, 0);
    let sink = SmtpSink::start();
    let transport = smtp(&sink.url());
    // Delivered once; a later round (after any lease) finds nothing more.
    assert_eq!(
        drain_at(&app.db, &transport, now_ts())
            .await
            .expect("drain"),
        1
    );
    assert_eq!(
        drain_at(&app.db, &transport, now_ts() + 3600)
            .await
            .expect("drain"),
        0
    );
    let got = sink.wait_for(1).await;
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].to, vec!["compta@client.test".to_string()]);
    assert!(got[0].subject.contains(&number), "{}", got[0].subject);
    let token = crate::common::token_after(&got[0].text, "/pay/");
    let page = app
        .client
        .get(format!("{}/pay/{token}", app.base))
        .send()
        .await
        .expect("pay page");
    assert_eq!(page.status(), 200);
    app.stop().await;
}
on_both_databases!(
    a_run_repeated_after_a_crash_neither_loses_nor_repeats_the_email_and_its_pay_link_works
);

async fn a_reminder_paid_before_it_goes_out_is_withdrawn_and_a_paid_reminded_invoice_says_thank_you(
    db: &TestDb,
) {
    let app = start(db).await;
    let customer = company_and_customer(&app.db, "compta@client.test").await;
    let staff = agent(&app.db).await;
    let (first, due) = invoice(&app, customer).await;
    let at = step_instant(due, 1);
    assert_eq!(engine(&app.db, at).await.steps_queued, 1);
    let pay = |amount: &str| OfflineInput {
        amount: amount.into(),
        method: "transfer".into(),
        received_on: today().to_string(),
        reference: "VIR-1".into(),
    };
    payments::record_offline(&app.db, first, &pay("120"), today(), staff)
        .await
        .expect("paid");
    let messages = reminder_messages(&app.db).await;
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].1, "withdrawn");
    let sink = SmtpSink::start();
    let transport = smtp(&sink.url());
    let sent = drain_at(&app.db, &transport, now_ts())
        .await
        .expect("drain");
    // The receipt goes out; neither the withdrawn reminder nor a thank-you.
    assert_eq!(sent, 1);
    let got = sink.wait_for(1).await;
    assert!(!got.iter().any(|m| m.subject.contains("Merci")), "{got:?}");

    // A second invoice is reminded (delivered), then paid: thank-you, once.
    let (second, due) = invoice(&app, customer).await;
    assert_eq!(engine(&app.db, step_instant(due, 1)).await.steps_queued, 1);
    assert_eq!(
        drain_at(&app.db, &transport, now_ts())
            .await
            .expect("drain"),
        1
    );
    payments::record_offline(&app.db, second, &pay("60"), today(), staff)
        .await
        .expect("half paid");
    payments::record_offline(&app.db, second, &pay("60"), today(), staff)
        .await
        .expect("paid in full");
    let thanks: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE dedupe_key = $1")
        .bind(format!("thanks:{second}"))
        .fetch_one(&app.db.pool)
        .await
        .expect("thanks");
    assert_eq!(thanks, 1);
    // Nothing is reminded on the paid invoice afterwards.
    let later = engine(&app.db, step_instant(due, 8)).await;
    assert_eq!(later.steps_queued, 0, "{later:?}");
    app.stop().await;
}
on_both_databases!(
    a_reminder_paid_before_it_goes_out_is_withdrawn_and_a_paid_reminded_invoice_says_thank_you
);

async fn a_dispute_holds_reminders_a_partial_one_leaves_the_rest_reminded_and_resolving_resumes_them(
    db: &TestDb,
) {
    let app = start(db).await;
    let customer = company_and_customer(&app.db, "compta@client.test").await;
    let staff = agent(&app.db).await;
    let viewer = Viewer::Customer {
        customer_id: customer,
        user_id: users::insert(
            &app.db.pool,
            "contact@client.test",
            "x",
            Role::Customer,
            Some(customer),
            "Camille",
        )
        .await
        .expect("contact"),
    };
    let open = |invoice_id, amount| OpenDispute {
        invoice_id,
        reason: DisputeReason::WrongAmount,
        disputed_amount: amount,
        lines: vec![0],
        message: "Montant erroné".into(),
    };
    let (whole, due) = invoice(&app, customer).await;
    let (part, _) = invoice(&app, customer).await;
    let dispute = disputes::open(&app.db, viewer, &open(whole, None), now_ts())
        .await
        .expect("dispute");
    disputes::open(&app.db, viewer, &open(part, Some(2_000)), now_ts())
        .await
        .expect("partial dispute");
    let run1 = engine(&app.db, step_instant(due, 1)).await;
    assert!(run1.held.contains(&(whole, Hold::Disputed)), "{run1:?}");
    assert_eq!(run1.planned.len(), 1);
    assert_eq!(run1.planned[0].invoice_id, part);
    assert_eq!(run1.planned[0].amount, 12_000 - 2_000);
    let sink = SmtpSink::start();
    let transport = smtp(&sink.url());
    drain_at(&app.db, &transport, now_ts())
        .await
        .expect("drain");
    let got = sink.wait_for(1).await;
    assert!(
        got[0].text.contains("20,00"),
        "disputed part named: {}",
        got[0].text
    );
    // A formal notice never goes out while a dispute is open.
    let notice = engine(&app.db, step_instant(due, 30)).await;
    assert!(
        notice.held.contains(&(part, Hold::NoticeWhileDisputed)),
        "{notice:?}"
    );
    // Rejected: the whole invoice is reminded again at the next step.
    disputes::resolve(
        &app.db,
        dispute,
        Viewer::Staff(staff),
        &Resolution::Rejected {
            reason: "Le montant est conforme au devis signé.".into(),
        },
        today(),
        now_ts(),
    )
    .await
    .expect("resolved");
    let after = engine(&app.db, step_instant(due, 8)).await;
    assert!(
        after
            .planned
            .iter()
            .any(|p| p.invoice_id == whole && p.amount == 12_000),
        "{after:?}"
    );
    app.stop().await;
}
on_both_databases!(
    a_dispute_holds_reminders_a_partial_one_leaves_the_rest_reminded_and_resolving_resumes_them
);

async fn a_promise_holds_reminders_until_its_date_a_kept_one_ends_them_and_a_broken_one_resumes_them(
    db: &TestDb,
) {
    let app = start(db).await;
    let customer = company_and_customer(&app.db, "compta@client.test").await;
    let (id, due) = invoice(&app, customer).await;
    // The customer promises, on the due date, to pay ten days later.
    let on_due = step_instant(due, 0);
    let promised = step_date(due, 0) + chrono::Duration::days(10);
    manage::promise(&app.db, id, &promised.to_string(), None, on_due)
        .await
        .expect("promise");
    let refused = manage::promise(
        &app.db,
        id,
        &(promised + chrono::Duration::days(40)).to_string(),
        None,
        on_due,
    )
    .await;
    assert!(refused.is_err(), "beyond 30 days is refused");
    let held = engine(&app.db, step_instant(due, 1)).await;
    assert!(
        held.held.contains(&(id, Hold::Promised(promised))),
        "{held:?}"
    );
    assert_eq!(held.steps_queued, 0);
    // Not kept: the next business day after the promise, reminders resume.
    let resumed = quittance::model::reminder::calendar::business_day_on_or_after(
        promised + chrono::Duration::days(1),
    );
    let at = resumed.and_hms_opt(8, 0, 0).expect("time").and_utc();
    let back = engine(&app.db, at).await;
    assert_eq!(back.steps_queued, 1, "{back:?}");
    let shown = manage::of_invoice(&app.db, id, false, at)
        .await
        .expect("view");
    assert_eq!(shown.promised_for, Some(promised));
    assert_eq!(shown.sent.len(), 1);

    // Kept: another invoice promised and paid before the date gets nothing more.
    let staff = agent(&app.db).await;
    let (kept, due) = invoice(&app, customer).await;
    manage::promise(&app.db, kept, &promised.to_string(), None, on_due)
        .await
        .expect("promise");
    let paid = OfflineInput {
        amount: "120".into(),
        method: "cheque".into(),
        received_on: today().to_string(),
        reference: "CHQ-7".into(),
    };
    payments::record_offline(&app.db, kept, &paid, today(), staff)
        .await
        .expect("paid as promised");
    let after = engine(&app.db, step_instant(due, 15)).await;
    assert!(
        after.planned.iter().all(|p| p.invoice_id != kept),
        "{after:?}"
    );
    assert!(steps_of(&app.db, kept).await.is_empty());
    app.stop().await;
}
on_both_databases!(
    a_promise_holds_reminders_until_its_date_a_kept_one_ends_them_and_a_broken_one_resumes_them
);

async fn a_formal_notice_goes_out_with_its_pdf_and_late_charges_show_on_the_invoice(db: &TestDb) {
    let app = start(db).await;
    let customer = company_and_customer(&app.db, "compta@client.test").await;
    let (id, due) = invoice(&app, customer).await;
    let at = step_instant(due, 30);
    let report = engine(&app.db, at).await;
    assert_eq!(report.steps_queued, 1, "{report:?}");
    let sink = SmtpSink::start();
    drain_at(&app.db, &smtp(&sink.url()), now_ts())
        .await
        .expect("drain");
    let got = sink.wait_for(1).await;
    assert_eq!(got[0].attachments.len(), 1, "{:?}", got[0]);
    assert!(got[0].attachments[0].head.starts_with("%PDF-"));
    let shown = manage::of_invoice(&app.db, id, false, at)
        .await
        .expect("view");
    let late = shown.late.expect("late charges");
    assert_eq!(late.indemnity_minor, 4_000);
    assert!(late.days_late >= 30);
    assert!(late.penalties_minor > 0);
    app.stop().await;
}
on_both_databases!(a_formal_notice_goes_out_with_its_pdf_and_late_charges_show_on_the_invoice);

async fn staff_skip_a_step_and_send_another_now_and_the_dry_run_queues_nothing(db: &TestDb) {
    let app = start(db).await;
    let customer = company_and_customer(&app.db, "compta@client.test").await;
    let staff = agent(&app.db).await;
    let (id, due) = invoice(&app, customer).await;
    let at = step_instant(due, -3);
    let dry = manage::run_by_hand(&app.db, at, true)
        .await
        .expect("dry run");
    assert_eq!(dry.planned.len(), 1);
    assert!(reminder_messages(&app.db).await.is_empty());
    let coming = manage::upcoming(&app.db, at, 14).await.expect("upcoming");
    let offsets: Vec<i32> = coming
        .iter()
        .filter(|u| u.invoice_id == id)
        .map(|u| u.offset_days)
        .collect();
    assert_eq!(offsets, vec![-3, 1, 8]);
    manage::skip(&app.db, id, -3, staff, at)
        .await
        .expect("skip");
    assert!(
        manage::skip(&app.db, id, -3, staff, at).await.is_err(),
        "twice"
    );
    assert_eq!(engine(&app.db, at).await.steps_queued, 0);
    manage::send_now(&app.db, id, 1, staff, at)
        .await
        .expect("send now");
    assert_eq!(reminder_messages(&app.db).await.len(), 1);
    assert_eq!(
        steps_of(&app.db, id).await,
        vec![(-3, "skipped".to_string()), (1, "queued".to_string())]
    );
    // On the day of +1 the engine finds it dealt with.
    assert_eq!(engine(&app.db, step_instant(due, 1)).await.steps_queued, 0);
    app.stop().await;
}
on_both_databases!(staff_skip_a_step_and_send_another_now_and_the_dry_run_queues_nothing);
