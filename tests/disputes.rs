//! Disputes on SQLite and PostgreSQL, through the service layer: opening one,
//! the thread with replies and internal notes, resolutions with credit notes
//! and payment plans in the same transaction, who may see what, and the
//! undisputed amount reminders ask for.
use crate::common;

use crate::common::{TestApp, TestDb, company_and_customer};
use chrono::{Datelike, Duration, NaiveDate};
use quittance::error::AppError;
use quittance::model::dispute::{
    AssigneeFilter, DisputeReason, DisputeStatus, Instalment, QueueFilter, ResolutionKind,
};
use quittance::model::role::Role;
use quittance::model::validate::FieldProblem;
use quittance::model::vat::VatRate;
use quittance::server::db::{now_ts, users};
use quittance::server::services::disputes::{self, OpenDispute, Resolution, Viewer};
use quittance::server::services::invoicing::Issued;
use sqlx::Row;

fn today() -> NaiveDate {
    common::today()
}

/// An issued invoice of `price` excl. VAT (20 % VAT, quantity 1).
async fn issued(app: &TestApp, customer: i64, price: &str) -> Issued {
    common::issued_invoice(&app.db, customer, price).await
}

/// The seeded parties: a customer with a contact, and an agent.
struct Parties {
    customer: Viewer,
    customer_id: i64,
    staff: Viewer,
}

async fn parties(app: &TestApp) -> Parties {
    let customer_id = company_and_customer(&app.db, "compta@client.test").await;
    let user_id = users::insert(
        &app.db.pool,
        "contact@client.test",
        "x",
        Role::Customer,
        Some(customer_id),
        "Camille Client",
    )
    .await
    .expect("customer user");
    let agent = users::insert(
        &app.db.pool,
        "agent@test.test",
        "x",
        Role::Agent,
        None,
        "Alex Agent",
    )
    .await
    .expect("agent");
    Parties {
        customer: Viewer::Customer {
            customer_id,
            user_id,
        },
        customer_id,
        staff: Viewer::Staff(agent),
    }
}

fn opening(invoice_id: i64, amount: Option<i64>) -> OpenDispute {
    OpenDispute {
        invoice_id,
        reason: DisputeReason::WrongAmount,
        disputed_amount: amount,
        lines: vec![0],
        message: "La remise convenue n'a pas été appliquée.".into(),
    }
}

/// (status, amount_credited, balance) of an invoice.
async fn invoice_state(app: &TestApp, id: i64) -> (String, i64, i64) {
    let r = sqlx::query(
        "SELECT status, amount_credited, total_ttc - deposits - amount_paid - amount_credited AS balance \
         FROM invoices WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&app.db.pool)
    .await
    .expect("invoice");
    (r.get("status"), r.get("amount_credited"), r.get("balance"))
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    sqlx::query(sql)
        .fetch_one(&app.db.pool)
        .await
        .expect("count")
        .get::<i64, _>(0)
}

fn field_problem(e: AppError, field: &str) -> Option<FieldProblem> {
    match e {
        AppError::Validation(errors) => errors.get(field),
        _ => None,
    }
}

async fn a_dispute_resolved_by_a_partial_credit_note_leaves_the_invoice_credited_in_part_and_hides_the_note(
    db: &TestDb,
) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let inv = issued(&app, p.customer_id, "100.00").await;
    let now = now_ts();
    let id = disputes::open(&app.db, p.customer, &opening(inv.id, Some(2_400)), now)
        .await
        .expect("opened");
    assert_eq!(invoice_state(&app, inv.id).await.0, "disputed");

    disputes::reply(&app.db, id, p.staff, "Nous vérifions la remise.", now + 1)
        .await
        .expect("staff reply");
    disputes::internal_note(&app.db, id, p.staff, "SECRET-NOTE: remise oubliée", now + 2)
        .await
        .expect("note");
    let resolution = Resolution::CreditNotePartial {
        amount_ht: 2_000,
        vat_rate: VatRate::Standard20,
        explanation: "Remise de 20 € HT appliquée.".into(),
    };
    let done = disputes::resolve(&app.db, id, p.staff, &resolution, today(), now + 3)
        .await
        .expect("resolved");

    let expected = format!("AV-{}-000001", today().year());
    assert_eq!(done.credit_note_number.as_deref(), Some(expected.as_str()));
    assert_eq!(done.status, DisputeStatus::Resolved);
    assert_eq!(
        invoice_state(&app, inv.id).await,
        ("issued".to_string(), 2_400, 9_600)
    );

    let thread = disputes::customer_thread(&app.db, id, p.customer)
        .await
        .expect("customer thread");
    assert_eq!(thread.header.status, DisputeStatus::Resolved);
    assert_eq!(thread.messages.len(), 2);
    assert_eq!(thread.messages[1].body, "Nous vérifions la remise.");
    let res = thread.resolution.as_ref().expect("resolution shown");
    assert_eq!(res.kind, ResolutionKind::CreditNotePartial);
    assert_eq!(res.credit_note_number.as_deref(), Some(expected.as_str()));
    let json = serde_json::to_string(&thread).expect("json");
    assert!(!json.contains("SECRET-NOTE"), "{json}");

    let staff = disputes::staff_thread(&app.db, id, p.staff)
        .await
        .expect("staff thread");
    assert!(
        staff
            .messages
            .iter()
            .any(|m| m.internal && m.body.contains("SECRET-NOTE"))
    );
    assert!(staff.events.iter().any(|e| e.kind == "resolved"));

    let mails = count(
        &app,
        "SELECT COUNT(*) FROM outbox WHERE dedupe_key LIKE 'dispute-%' AND body_text LIKE '%/disputes/%'",
    )
    .await;
    assert_eq!(mails, 2, "one reply and one resolution email");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM outbox WHERE body_text LIKE '%SECRET-NOTE%' OR body_html LIKE '%SECRET-NOTE%'").await,
        0
    );
    app.stop().await;
}
on_both_databases!(
    a_dispute_resolved_by_a_partial_credit_note_leaves_the_invoice_credited_in_part_and_hides_the_note
);

async fn a_second_dispute_on_the_same_invoice_is_refused_with_a_field_error_and_nothing_saved(
    db: &TestDb,
) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let inv = issued(&app, p.customer_id, "100.00").await;
    disputes::open(&app.db, p.customer, &opening(inv.id, None), now_ts())
        .await
        .expect("first");
    let before = (
        count(&app, "SELECT COUNT(*) FROM disputes").await,
        count(&app, "SELECT COUNT(*) FROM dispute_messages").await,
        count(&app, "SELECT COUNT(*) FROM dispute_events").await,
    );
    let e = disputes::open(&app.db, p.customer, &opening(inv.id, Some(100)), now_ts())
        .await
        .expect_err("second refused");
    assert_eq!(field_problem(e, "invoice"), Some(FieldProblem::AlreadyUsed));
    let after = (
        count(&app, "SELECT COUNT(*) FROM disputes").await,
        count(&app, "SELECT COUNT(*) FROM dispute_messages").await,
        count(&app, "SELECT COUNT(*) FROM dispute_events").await,
    );
    assert_eq!(before, after);
    assert_eq!(before.0, 1);
    app.stop().await;
}
on_both_databases!(
    a_second_dispute_on_the_same_invoice_is_refused_with_a_field_error_and_nothing_saved
);

async fn a_disputed_amount_above_the_balance_is_refused(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let inv = issued(&app, p.customer_id, "100.00").await;
    let e = disputes::open(
        &app.db,
        p.customer,
        &opening(inv.id, Some(12_001)),
        now_ts(),
    )
    .await
    .expect_err("refused");
    assert_eq!(field_problem(e, "amount"), Some(FieldProblem::TooLarge));
    assert_eq!(count(&app, "SELECT COUNT(*) FROM disputes").await, 0);
    assert_eq!(invoice_state(&app, inv.id).await.0, "issued");
    app.stop().await;
}
on_both_databases!(a_disputed_amount_above_the_balance_is_refused);

async fn a_payment_plan_must_sum_to_the_balance_and_is_stored_when_it_does(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let inv = issued(&app, p.customer_id, "100.00").await;
    let id = disputes::open(&app.db, p.customer, &opening(inv.id, None), now_ts())
        .await
        .expect("opened");
    let plan = |first: i64, second: i64| Resolution::PaymentPlan {
        instalments: vec![
            Instalment {
                due_date: today() + Duration::days(30),
                amount: first,
            },
            Instalment {
                due_date: today() + Duration::days(60),
                amount: second,
            },
        ],
        explanation: "En deux fois.".into(),
    };
    let e = disputes::resolve(&app.db, id, p.staff, &plan(6_000, 5_000), today(), now_ts())
        .await
        .expect_err("short plan refused");
    assert_eq!(
        field_problem(e, "instalments"),
        Some(FieldProblem::OutOfRange)
    );
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM payment_plan_instalments").await,
        0
    );
    assert_eq!(invoice_state(&app, inv.id).await.0, "disputed");

    let done = disputes::resolve(&app.db, id, p.staff, &plan(6_000, 6_000), today(), now_ts())
        .await
        .expect("plan recorded");
    assert_eq!(done.credit_note_number, None);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM payment_plan_instalments").await,
        2
    );
    assert_eq!(
        count(
            &app,
            "SELECT CAST(SUM(amount) AS BIGINT) FROM payment_plan_instalments"
        )
        .await,
        12_000
    );
    assert_eq!(invoice_state(&app, inv.id).await.0, "issued");
    let thread = disputes::customer_thread(&app.db, id, p.customer)
        .await
        .expect("thread");
    let res = thread.resolution.expect("resolution");
    assert_eq!(res.kind, ResolutionKind::PaymentPlan);
    assert_eq!(res.instalments.len(), 2);
    app.stop().await;
}
on_both_databases!(a_payment_plan_must_sum_to_the_balance_and_is_stored_when_it_does);

async fn another_customer_can_neither_read_nor_reply_to_a_dispute(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let inv = issued(&app, p.customer_id, "100.00").await;
    let id = disputes::open(&app.db, p.customer, &opening(inv.id, None), now_ts())
        .await
        .expect("opened");
    let other_customer = quittance::server::db::seed::insert_customer(
        &app.db.pool,
        &quittance::server::db::seed::CustomerInput {
            name: "Autre SA",
            is_business: true,
            address_line1: "3 rue C",
            postal_code: "13001",
            city: "Marseille",
            siren: "552100554",
            vat_number: "FR96552100554",
            billing_email: "autre@client.test",
            lang: "fr",
        },
    )
    .await
    .expect("other customer");
    let other = Viewer::Customer {
        customer_id: other_customer,
        user_id: 0,
    };
    let read = disputes::customer_thread(&app.db, id, other).await;
    assert_eq!(read.expect_err("hidden"), AppError::NotFound);
    let wrote = disputes::reply(&app.db, id, other, "Je réponds aussi.", now_ts()).await;
    assert_eq!(wrote.expect_err("refused"), AppError::NotFound);
    let other_link = disputes::customer_thread(&app.db, id, Viewer::PayLink(inv.id + 1000)).await;
    assert_eq!(other_link.expect_err("hidden"), AppError::NotFound);
    let staff_view = disputes::staff_thread(&app.db, id, p.customer).await;
    assert_eq!(staff_view.expect_err("not staff"), AppError::Forbidden);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM dispute_messages").await,
        1
    );
    app.stop().await;
}
on_both_databases!(another_customer_can_neither_read_nor_reply_to_a_dispute);

async fn the_amount_due_not_disputed_is_the_balance_minus_the_disputed_amount(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let inv = issued(&app, p.customer_id, "100.00").await;
    assert_eq!(
        disputes::amount_due_not_disputed(&app.db, inv.id)
            .await
            .expect("due"),
        12_000
    );
    let id = disputes::open(&app.db, p.customer, &opening(inv.id, Some(2_000)), now_ts())
        .await
        .expect("opened");
    assert_eq!(
        disputes::amount_due_not_disputed(&app.db, inv.id)
            .await
            .expect("due"),
        10_000
    );
    let rejected = Resolution::Rejected {
        reason: "La remise ne s'applique qu'au-delà de 10 unités.".into(),
    };
    disputes::resolve(&app.db, id, p.staff, &rejected, today(), now_ts())
        .await
        .expect("rejected");
    assert_eq!(
        disputes::amount_due_not_disputed(&app.db, inv.id)
            .await
            .expect("due"),
        12_000
    );
    app.stop().await;
}
on_both_databases!(the_amount_due_not_disputed_is_the_balance_minus_the_disputed_amount);

async fn the_queue_lists_disputes_awaiting_staff_first_and_filters_by_assignee(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let first = issued(&app, p.customer_id, "100.00").await;
    let second = issued(&app, p.customer_id, "50.00").await;
    let now = now_ts();
    let answered = disputes::open(&app.db, p.customer, &opening(first.id, None), now - 100)
        .await
        .expect("first");
    let waiting = disputes::open(&app.db, p.customer, &opening(second.id, None), now - 50)
        .await
        .expect("second");
    disputes::reply(&app.db, answered, p.staff, "Vu.", now - 10)
        .await
        .expect("reply");
    disputes::assign(
        &app.db,
        answered,
        p.staff,
        match p.staff {
            Viewer::Staff(u) => Some(u),
            _ => None,
        },
        now,
    )
    .await
    .expect("assigned");
    let rows = disputes::queue(&app.db, p.staff, QueueFilter::default(), now)
        .await
        .expect("queue");
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    assert_eq!(ids, vec![waiting, answered]);
    assert!(rows[0].waiting_for_staff && !rows[1].waiting_for_staff);
    assert_eq!(rows[0].since_customer_message_secs, Some(50));
    let mine = QueueFilter {
        status: None,
        assignee: AssigneeFilter::Mine,
    };
    let rows = disputes::queue(&app.db, p.staff, mine, now)
        .await
        .expect("mine");
    assert_eq!(
        rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![answered]
    );
    let unassigned = QueueFilter {
        status: Some(DisputeStatus::Open),
        assignee: AssigneeFilter::Unassigned,
    };
    let rows = disputes::queue(&app.db, p.staff, unassigned, now)
        .await
        .expect("unassigned");
    assert_eq!(rows.iter().map(|r| r.id).collect::<Vec<_>>(), vec![waiting]);
    app.stop().await;
}
on_both_databases!(the_queue_lists_disputes_awaiting_staff_first_and_filters_by_assignee);
