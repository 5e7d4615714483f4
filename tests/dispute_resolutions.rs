//! Disputes on SQLite and PostgreSQL, through the service layer: every kind
//! of resolution and what it does to the invoice, reopening, the status
//! machine, assignment, who may do what, escaping, and the undisputed amount.
use crate::common;

use crate::common::{TestApp, TestDb, company_and_customer};
use chrono::{Datelike, Duration, NaiveDate};
use quittance::error::AppError;
use quittance::model::dispute::{
    DisputeEvent, DisputeReason, DisputeStatus, Instalment, ResolutionKind,
};
use quittance::model::invoice::InvoiceStatus;
use quittance::model::role::Role;
use quittance::model::validate::FieldProblem;
use quittance::model::vat::VatRate;
use quittance::server::db::seed::{CustomerInput, insert_customer};
use quittance::server::db::{invoices, now_ts, users};
use quittance::server::services::disputes::{self, OpenDispute, Resolution, Viewer};
use quittance::server::services::invoicing::Issued;
use quittance::server::services::payments::{self, OfflineInput};
use sqlx::Row;

const DAY: i64 = 24 * 3600;

// The only calls to `disputes::open` and `disputes::reply` in this file: when
// they take attachments, adapt these two (no files here).

async fn open_dispute(
    app: &TestApp,
    viewer: Viewer,
    input: &OpenDispute,
    now: i64,
) -> Result<i64, AppError> {
    disputes::open(&app.db, viewer, input, now).await
}

async fn send_reply(
    app: &TestApp,
    id: i64,
    viewer: Viewer,
    body: &str,
    now: i64,
) -> Result<i64, AppError> {
    disputes::reply(&app.db, id, viewer, body, now).await
}

fn today() -> NaiveDate {
    common::today()
}

/// An issued invoice of `price` excl. VAT (20 % VAT, quantity 1).
async fn issued(app: &TestApp, customer: i64, price: &str) -> Issued {
    common::issued_invoice(&app.db, customer, price).await
}

/// The seeded parties: a customer with a contact, and two agents.
struct Parties {
    customer: Viewer,
    customer_id: i64,
    customer_user: i64,
    staff: Viewer,
    staff_id: i64,
    other_staff_id: i64,
}

async fn parties(app: &TestApp) -> Parties {
    let customer_id = company_and_customer(&app.db, "compta@client.test").await;
    let user = |email: &'static str, role: Role, customer: Option<i64>, name: &'static str| {
        let pool = app.db.pool.clone();
        async move {
            users::insert(&pool, email, "x", role, customer, name)
                .await
                .expect("user")
        }
    };
    let customer_user = user(
        "contact@client.test",
        Role::Customer,
        Some(customer_id),
        "Camille Client",
    )
    .await;
    let staff_id = user("agent@test.test", Role::Agent, None, "Alex Agent").await;
    let other_staff_id = user("bea@test.test", Role::Agent, None, "Bea Agent").await;
    Parties {
        customer: Viewer::Customer {
            customer_id,
            user_id: customer_user,
        },
        customer_id,
        customer_user,
        staff: Viewer::Staff(staff_id),
        staff_id,
        other_staff_id,
    }
}

/// A second customer account with its own contact.
async fn other_customer(app: &TestApp) -> Viewer {
    let customer_id = insert_customer(
        &app.db.pool,
        &CustomerInput {
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
    let user_id = users::insert(
        &app.db.pool,
        "contact@autre.test",
        "x",
        Role::Customer,
        Some(customer_id),
        "Dominique Autre",
    )
    .await
    .expect("other contact");
    Viewer::Customer {
        customer_id,
        user_id,
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

/// An issued invoice of 100.00 HT (120.00 TTC) and a dispute the customer
/// opened on it for the whole balance.
async fn disputed_invoice(app: &TestApp, p: &Parties) -> (Issued, i64) {
    let inv = issued(app, p.customer_id, "100.00").await;
    let id = open_dispute(app, p.customer, &opening(inv.id, None), now_ts())
        .await
        .expect("opened");
    (inv, id)
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

async fn dispute_status(app: &TestApp, id: i64) -> String {
    sqlx::query("SELECT status FROM disputes WHERE id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("dispute")
        .get("status")
}

/// Everything a refused action must leave as it was: the dispute's status
/// and assignee, its messages, history and plan, the invoice, the credit
/// notes and the outbox.
async fn footprint(app: &TestApp, dispute: i64, invoice: i64) -> Vec<String> {
    let assignee: Option<i64> = sqlx::query("SELECT assignee_id FROM disputes WHERE id = $1")
        .bind(dispute)
        .fetch_one(&app.db.pool)
        .await
        .expect("dispute")
        .get("assignee_id");
    let mut out = vec![
        dispute_status(app, dispute).await,
        format!("{assignee:?}"),
        format!("{:?}", invoice_state(app, invoice).await),
    ];
    for table in [
        "dispute_messages",
        "dispute_events",
        "payment_plan_instalments",
    ] {
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE dispute_id = {dispute}");
        out.push(format!("{table}: {}", count(app, &sql).await));
    }
    for sql in [
        "SELECT COUNT(*) FROM invoices WHERE kind = 'credit_note'",
        "SELECT COUNT(*) FROM outbox",
    ] {
        out.push(format!("{sql}: {}", count(app, sql).await));
    }
    out
}

fn field_problem(e: AppError, field: &str) -> Option<FieldProblem> {
    match e {
        AppError::Validation(errors) => errors.get(field),
        other => panic!("expected a field error on {field}, got {other:?}"),
    }
}

async fn history(app: &TestApp, p: &Parties, id: i64) -> Vec<DisputeEvent> {
    disputes::staff_thread(&app.db, id, p.staff)
        .await
        .expect("staff thread")
        .events
}

fn kinds(events: &[DisputeEvent]) -> Vec<&str> {
    events.iter().map(|e| e.kind.as_str()).collect()
}

/// The (text, html) bodies of the outbox rows whose key starts with `prefix`.
async fn outbox_bodies(app: &TestApp, prefix: &str) -> Vec<(String, Option<String>)> {
    sqlx::query("SELECT body_text, body_html FROM outbox WHERE dedupe_key LIKE $1 ORDER BY id")
        .bind(format!("{prefix}%"))
        .fetch_all(&app.db.pool)
        .await
        .expect("outbox")
        .iter()
        .map(|r| (r.get("body_text"), r.get("body_html")))
        .collect()
}

fn rejection(reason: &str) -> Resolution {
    Resolution::Rejected {
        reason: reason.into(),
    }
}

fn plan(items: &[(i64, i64)]) -> Vec<Instalment> {
    items
        .iter()
        .map(|&(days, amount)| Instalment {
            due_date: today() + Duration::days(days),
            amount,
        })
        .collect()
}

// 1. Full credit note.

async fn a_full_credit_note_cancels_the_invoice_resolves_the_dispute_and_mails_the_customer_once(
    db: &TestDb,
) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let (inv, id) = disputed_invoice(&app, &p).await;
    let resolution = Resolution::CreditNoteFull {
        explanation: "Prestation annulée, avoir total émis.".into(),
    };
    let done = disputes::resolve(&app.db, id, p.staff, &resolution, today(), now_ts())
        .await
        .expect("resolved");

    let expected = format!("AV-{}-000001", today().year());
    assert_eq!(done.status, DisputeStatus::Resolved);
    assert_eq!(done.credit_note_number.as_deref(), Some(expected.as_str()));
    assert_eq!(done.draft_id, None);
    assert_eq!(
        invoice_state(&app, inv.id).await,
        ("credited".to_string(), 12_000, 0)
    );
    let note = invoices::get_by_number(&app.db.pool, &expected)
        .await
        .expect("query")
        .expect("credit note stored");
    assert_eq!(
        (note.kind.as_str(), note.total_ttc, note.corrects_invoice_id),
        ("credit_note", 12_000, Some(inv.id))
    );
    assert_eq!(note.id, done.credit_note_id.expect("credit note id"));

    let thread = disputes::customer_thread(&app.db, id, p.customer)
        .await
        .expect("customer thread");
    assert_eq!(thread.header.status, DisputeStatus::Resolved);
    let res = thread.resolution.expect("resolution shown to the customer");
    assert_eq!(res.kind, ResolutionKind::CreditNoteFull);
    assert_eq!(res.explanation, "Prestation annulée, avoir total émis.");
    assert_eq!(res.credit_note_number.as_deref(), Some(expected.as_str()));

    let mails = outbox_bodies(&app, "dispute-resolved-").await;
    assert_eq!(mails.len(), 1, "one resolution email");
    assert!(mails[0].0.contains(&expected), "{}", mails[0].0);
    assert!(kinds(&history(&app, &p, id).await).contains(&"resolved"));

    let before = footprint(&app, id, inv.id).await;
    let again = disputes::resolve(&app.db, id, p.staff, &resolution, today(), now_ts()).await;
    assert_eq!(again.expect_err("already resolved"), AppError::Conflict);
    assert_eq!(footprint(&app, id, inv.id).await, before);
    app.stop().await;
}
on_both_databases!(
    a_full_credit_note_cancels_the_invoice_resolves_the_dispute_and_mails_the_customer_once
);

// 2. Corrected invoice.

async fn a_corrected_invoice_credits_the_invoice_in_full_and_leaves_an_unnumbered_draft_with_the_same_lines(
    db: &TestDb,
) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let (inv, id) = disputed_invoice(&app, &p).await;
    let resolution = Resolution::CorrectedInvoice {
        explanation: "Une facture corrigée va suivre.".into(),
    };
    let done = disputes::resolve(&app.db, id, p.staff, &resolution, today(), now_ts())
        .await
        .expect("resolved");

    assert_eq!(done.status, DisputeStatus::Resolved);
    let expected = format!("AV-{}-000001", today().year());
    assert_eq!(done.credit_note_number.as_deref(), Some(expected.as_str()));
    assert_eq!(
        invoice_state(&app, inv.id).await,
        ("credited".to_string(), 12_000, 0)
    );
    let draft_id = done.draft_id.expect("draft id returned");
    let mut conn = app.db.pool.acquire().await.expect("conn");
    let draft = invoices::get(&mut conn, draft_id)
        .await
        .expect("query")
        .expect("draft stored");
    assert_eq!(draft.status, InvoiceStatus::Draft);
    assert_eq!(draft.number, None, "a draft has no number yet");
    assert_eq!((draft.kind.as_str(), draft.total_ttc), ("invoice", 12_000));
    assert_eq!(
        invoices::lines(&mut conn, draft_id).await.expect("lines"),
        invoices::lines(&mut conn, inv.id).await.expect("lines")
    );
    drop(conn);
    let replaces: Option<i64> =
        sqlx::query("SELECT replaces_invoice_id FROM invoices WHERE id = $1")
            .bind(draft_id)
            .fetch_one(&app.db.pool)
            .await
            .expect("draft")
            .get(0);
    assert_eq!(replaces, Some(inv.id));
    assert_eq!(dispute_status(&app, id).await, "resolved");
    let thread = disputes::customer_thread(&app.db, id, p.customer)
        .await
        .expect("thread");
    let res = thread.resolution.expect("resolution");
    assert_eq!(res.kind, ResolutionKind::CorrectedInvoice);
    assert_eq!(res.credit_note_number.as_deref(), Some(expected.as_str()));
    app.stop().await;
}
on_both_databases!(
    a_corrected_invoice_credits_the_invoice_in_full_and_leaves_an_unnumbered_draft_with_the_same_lines
);

// 3. Commercial gesture.

async fn a_commercial_gesture_credits_the_amount_excl_vat_at_its_rate_and_the_invoice_follows_its_money(
    db: &TestDb,
) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let (inv, id) = disputed_invoice(&app, &p).await;
    // The undisputed part can still be paid while the dispute is open.
    let paid = OfflineInput {
        amount: "20.00".into(),
        method: "transfer".into(),
        received_on: today().format("%Y-%m-%d").to_string(),
        reference: "VIR-1".into(),
    };
    payments::record_offline(&app.db, inv.id, &paid, today(), p.staff_id)
        .await
        .expect("payment");
    assert_eq!(
        invoice_state(&app, inv.id).await,
        ("disputed".to_string(), 0, 10_000)
    );

    let before = footprint(&app, id, inv.id).await;
    for (amount_ht, problem) in [
        (0, FieldProblem::MustBePositive),
        (20_000, FieldProblem::TooLarge),
    ] {
        let refused = Resolution::CommercialGesture {
            amount_ht,
            vat_rate: VatRate::Intermediate10,
            explanation: "Geste.".into(),
        };
        let e = disputes::resolve(&app.db, id, p.staff, &refused, today(), now_ts())
            .await
            .expect_err("refused");
        assert_eq!(field_problem(e, "amount"), Some(problem));
    }
    assert_eq!(footprint(&app, id, inv.id).await, before);

    let gesture = Resolution::CommercialGesture {
        amount_ht: 1_000,
        vat_rate: VatRate::Intermediate10,
        explanation: "Geste commercial de 10 € HT.".into(),
    };
    let done = disputes::resolve(&app.db, id, p.staff, &gesture, today(), now_ts())
        .await
        .expect("resolved");

    let number = done.credit_note_number.expect("partial credit note");
    let note = invoices::get_by_number(&app.db.pool, &number)
        .await
        .expect("query")
        .expect("credit note");
    assert_eq!(
        (note.total_ht, note.total_vat, note.total_ttc),
        (1_000, 100, 1_100)
    );
    let lines = {
        let mut conn = app.db.pool.acquire().await.expect("conn");
        invoices::lines(&mut conn, note.id).await.expect("lines")
    };
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].vat_rate, VatRate::Intermediate10);
    assert_eq!(
        invoice_state(&app, inv.id).await,
        ("partially_paid".to_string(), 1_100, 8_900),
        "balance lowered by the amount incl. VAT, no longer disputed"
    );
    assert_eq!(dispute_status(&app, id).await, "resolved");
    let res = disputes::customer_thread(&app.db, id, p.customer)
        .await
        .expect("thread")
        .resolution
        .expect("resolution");
    assert_eq!(res.kind, ResolutionKind::CommercialGesture);
    assert_eq!(res.credit_note_number, Some(number));
    app.stop().await;
}
on_both_databases!(
    a_commercial_gesture_credits_the_amount_excl_vat_at_its_rate_and_the_invoice_follows_its_money
);

// 4. Payment plan.

async fn a_payment_plan_is_stored_and_shown_to_the_customer_with_its_instalments(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let (inv, id) = disputed_invoice(&app, &p).await;
    let instalments = plan(&[(0, 4_000), (30, 4_000), (60, 4_000)]);
    let resolution = Resolution::PaymentPlan {
        instalments: instalments.clone(),
        explanation: "En trois fois sans frais.".into(),
    };
    let done = disputes::resolve(&app.db, id, p.staff, &resolution, today(), now_ts())
        .await
        .expect("plan recorded");
    assert_eq!(done.credit_note_number, None);
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM payment_plan_instalments WHERE dispute_id = {id} AND invoice_id = {}", inv.id)
        )
        .await,
        3
    );
    let res = disputes::customer_thread(&app.db, id, p.customer)
        .await
        .expect("thread")
        .resolution
        .expect("resolution");
    assert_eq!(res.kind, ResolutionKind::PaymentPlan);
    assert_eq!(res.instalments, instalments);
    assert_eq!(res.explanation, "En trois fois sans frais.");
    assert_eq!(
        invoice_state(&app, inv.id).await,
        ("issued".to_string(), 0, 12_000)
    );
    app.stop().await;
}
on_both_databases!(a_payment_plan_is_stored_and_shown_to_the_customer_with_its_instalments);

async fn a_payment_plan_that_does_not_pay_the_balance_is_refused_and_nothing_is_saved(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let (inv, id) = disputed_invoice(&app, &p).await;
    let before = footprint(&app, id, inv.id).await;
    for short_or_long in [11_999, 12_001] {
        let resolution = Resolution::PaymentPlan {
            instalments: plan(&[(10, 6_000), (40, short_or_long - 6_000)]),
            explanation: "En deux fois.".into(),
        };
        let e = disputes::resolve(&app.db, id, p.staff, &resolution, today(), now_ts())
            .await
            .expect_err("refused");
        assert_eq!(
            field_problem(e, "instalments"),
            Some(FieldProblem::OutOfRange)
        );
    }
    assert_eq!(footprint(&app, id, inv.id).await, before);
    assert_eq!(dispute_status(&app, id).await, "open");
    assert_eq!(invoice_state(&app, inv.id).await.0, "disputed");
    assert!(!kinds(&history(&app, &p, id).await).contains(&"resolved"));
    app.stop().await;
}
on_both_databases!(a_payment_plan_that_does_not_pay_the_balance_is_refused_and_nothing_is_saved);

async fn a_payment_plan_whose_dates_do_not_increase_is_refused(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let (inv, id) = disputed_invoice(&app, &p).await;
    let before = footprint(&app, id, inv.id).await;
    for dates in [[40, 10], [30, 30]] {
        let resolution = Resolution::PaymentPlan {
            instalments: plan(&[(dates[0], 6_000), (dates[1], 6_000)]),
            explanation: "En deux fois.".into(),
        };
        let e = disputes::resolve(&app.db, id, p.staff, &resolution, today(), now_ts())
            .await
            .expect_err("refused");
        assert_eq!(
            field_problem(e, "instalments"),
            Some(FieldProblem::InvalidDate)
        );
    }
    assert_eq!(footprint(&app, id, inv.id).await, before);
    app.stop().await;
}
on_both_databases!(a_payment_plan_whose_dates_do_not_increase_is_refused);

// 5. Rejection.

async fn a_rejection_needs_a_reason_then_upholds_the_invoice_and_lifts_its_disputed_status(
    db: &TestDb,
) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let (inv, id) = disputed_invoice(&app, &p).await;
    let before = footprint(&app, id, inv.id).await;
    for empty in ["", "   \n "] {
        let e = disputes::resolve(&app.db, id, p.staff, &rejection(empty), today(), now_ts())
            .await
            .expect_err("a reason is required");
        assert_eq!(
            field_problem(e, "explanation"),
            Some(FieldProblem::Required)
        );
    }
    assert_eq!(footprint(&app, id, inv.id).await, before);

    let reason = "La remise ne s'applique qu'au-delà de 10 unités.";
    let done = disputes::resolve(&app.db, id, p.staff, &rejection(reason), today(), now_ts())
        .await
        .expect("rejected");
    assert_eq!(done.status, DisputeStatus::Rejected);
    assert_eq!(done.credit_note_number, None);
    assert_eq!(
        invoice_state(&app, inv.id).await,
        ("issued".to_string(), 0, 12_000),
        "upheld: balance unchanged, no longer disputed"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM invoices WHERE kind = 'credit_note'"
        )
        .await,
        0
    );
    let thread = disputes::customer_thread(&app.db, id, p.customer)
        .await
        .expect("thread");
    assert_eq!(thread.header.status, DisputeStatus::Rejected);
    let res = thread.resolution.expect("resolution");
    assert_eq!(res.kind, ResolutionKind::Rejected);
    assert_eq!(res.explanation, reason);
    let mails = outbox_bodies(&app, "dispute-resolved-").await;
    assert_eq!(mails.len(), 1);
    app.stop().await;
}
on_both_databases!(
    a_rejection_needs_a_reason_then_upholds_the_invoice_and_lifts_its_disputed_status
);

// 6. Reopening.

async fn a_closed_dispute_reopened_within_thirty_days_disputes_the_invoice_again(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let (inv, id) = disputed_invoice(&app, &p).await;
    let closed_at = now_ts();
    disputes::resolve(
        &app.db,
        id,
        p.staff,
        &rejection("Tarif conforme au devis."),
        today(),
        closed_at,
    )
    .await
    .expect("rejected");
    assert_eq!(invoice_state(&app, inv.id).await.0, "issued");

    disputes::reopen(&app.db, id, p.customer, closed_at + 29 * DAY)
        .await
        .expect("reopened");
    assert_eq!(dispute_status(&app, id).await, "open");
    assert_eq!(invoice_state(&app, inv.id).await.0, "disputed");
    let events = history(&app, &p, id).await;
    let last = events.last().expect("events");
    assert_eq!(
        (last.kind.as_str(), last.detail.as_str()),
        ("reopened", "rejected")
    );
    assert_eq!(last.actor_name.as_deref(), Some("Camille Client"));
    let thread = disputes::customer_thread(&app.db, id, p.customer)
        .await
        .expect("thread");
    assert_eq!(thread.resolution, None);
    send_reply(&app, id, p.customer, "Je maintiens.", closed_at + 29 * DAY)
        .await
        .expect("an open dispute takes replies again");
    app.stop().await;
}
on_both_databases!(a_closed_dispute_reopened_within_thirty_days_disputes_the_invoice_again);

async fn a_closed_dispute_cannot_be_reopened_after_thirty_days(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let (inv, id) = disputed_invoice(&app, &p).await;
    let closed_at = now_ts();
    disputes::resolve(
        &app.db,
        id,
        p.staff,
        &rejection("Tarif conforme au devis."),
        today(),
        closed_at,
    )
    .await
    .expect("rejected");
    let before = footprint(&app, id, inv.id).await;
    for who in [p.customer, p.staff] {
        let e = disputes::reopen(&app.db, id, who, closed_at + 31 * DAY)
            .await
            .expect_err("too late");
        assert_eq!(e, AppError::Conflict);
    }
    assert_eq!(footprint(&app, id, inv.id).await, before);
    assert_eq!(dispute_status(&app, id).await, "rejected");
    app.stop().await;
}
on_both_databases!(a_closed_dispute_cannot_be_reopened_after_thirty_days);

async fn a_closed_dispute_cannot_be_reopened_while_another_is_open_on_its_invoice(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let (inv, first) = disputed_invoice(&app, &p).await;
    let now = now_ts();
    disputes::resolve(
        &app.db,
        first,
        p.staff,
        &rejection("Tarif conforme au devis."),
        today(),
        now,
    )
    .await
    .expect("rejected");
    let second = open_dispute(&app, p.customer, &opening(inv.id, Some(1_000)), now + 1)
        .await
        .expect("a new dispute on the same invoice");
    let before = footprint(&app, first, inv.id).await;
    let e = disputes::reopen(&app.db, first, p.customer, now + 2)
        .await
        .expect_err("another dispute is open");
    assert_eq!(field_problem(e, "invoice"), Some(FieldProblem::AlreadyUsed));
    assert_eq!(footprint(&app, first, inv.id).await, before);
    assert_eq!(dispute_status(&app, first).await, "rejected");
    assert_eq!(dispute_status(&app, second).await, "open");
    app.stop().await;
}
on_both_databases!(a_closed_dispute_cannot_be_reopened_while_another_is_open_on_its_invoice);

// 7. The status machine.

async fn staff_move_a_dispute_through_review_and_waiting_and_each_move_is_recorded_with_its_actor(
    db: &TestDb,
) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let (inv, id) = disputed_invoice(&app, &p).await;
    let now = now_ts();
    for (i, to) in [
        DisputeStatus::InReview,
        DisputeStatus::WaitingForCustomer,
        DisputeStatus::InReview,
    ]
    .into_iter()
    .enumerate()
    {
        disputes::change_status(&app.db, id, p.staff, to, now + i as i64)
            .await
            .expect("allowed move");
        assert_eq!(dispute_status(&app, id).await, to.as_str());
    }
    let moves: Vec<(String, Option<String>)> = history(&app, &p, id)
        .await
        .into_iter()
        .filter(|e| e.kind == "status")
        .map(|e| (e.detail, e.actor_name))
        .collect();
    let by_alex = |d: &str| (d.to_string(), Some("Alex Agent".to_string()));
    assert_eq!(
        moves,
        vec![
            by_alex("open->in_review"),
            by_alex("in_review->waiting_for_customer"),
            by_alex("waiting_for_customer->in_review"),
        ]
    );

    let before = footprint(&app, id, inv.id).await;
    for illegal in [
        DisputeStatus::Resolved,
        DisputeStatus::Rejected,
        DisputeStatus::Open,
        DisputeStatus::InReview,
    ] {
        let e = disputes::change_status(&app.db, id, p.staff, illegal, now + 10)
            .await
            .expect_err("illegal move");
        assert_eq!(e, AppError::Conflict, "in_review -> {}", illegal.as_str());
    }
    assert_eq!(footprint(&app, id, inv.id).await, before);
    app.stop().await;
}
on_both_databases!(
    staff_move_a_dispute_through_review_and_waiting_and_each_move_is_recorded_with_its_actor
);

// 8. Assignment.

async fn assigning_and_unassigning_are_recorded_once_and_only_staff_can_be_assignees(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let (inv, id) = disputed_invoice(&app, &p).await;
    let now = now_ts();
    disputes::assign(&app.db, id, p.staff, Some(p.other_staff_id), now)
        .await
        .expect("assigned");
    disputes::assign(&app.db, id, p.staff, Some(p.other_staff_id), now + 1)
        .await
        .expect("assigning again is accepted");
    let thread = disputes::staff_thread(&app.db, id, p.staff)
        .await
        .expect("thread");
    assert_eq!(
        thread.assignee,
        Some((p.other_staff_id, "Bea Agent".to_string()))
    );

    let before = footprint(&app, id, inv.id).await;
    for not_staff in [p.customer_user, 999_999] {
        let e = disputes::assign(&app.db, id, p.staff, Some(not_staff), now + 2)
            .await
            .expect_err("not an assignee");
        assert_eq!(field_problem(e, "assignee"), Some(FieldProblem::OutOfRange));
    }
    assert_eq!(footprint(&app, id, inv.id).await, before);

    disputes::assign(&app.db, id, p.staff, None, now + 3)
        .await
        .expect("unassigned");
    disputes::assign(&app.db, id, p.staff, None, now + 4)
        .await
        .expect("unassigning again is accepted");
    let events: Vec<(String, String, Option<String>)> = history(&app, &p, id)
        .await
        .into_iter()
        .filter(|e| e.kind.contains("assigned"))
        .map(|e| (e.kind, e.detail, e.actor_name))
        .collect();
    let alex = Some("Alex Agent".to_string());
    assert_eq!(
        events,
        vec![
            (
                "assigned".to_string(),
                p.other_staff_id.to_string(),
                alex.clone()
            ),
            ("unassigned".to_string(), String::new(), alex),
        ]
    );
    let thread = disputes::staff_thread(&app.db, id, p.staff)
        .await
        .expect("thread");
    assert_eq!(thread.assignee, None);
    app.stop().await;
}
on_both_databases!(assigning_and_unassigning_are_recorded_once_and_only_staff_can_be_assignees);

// 9. Authorization, one rule per test.

async fn a_customer_cannot_read_or_touch_another_customers_dispute(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let (inv, id) = disputed_invoice(&app, &p).await;
    let stranger = other_customer(&app).await;
    let before = footprint(&app, id, inv.id).await;
    let read = disputes::customer_thread(&app.db, id, stranger).await;
    assert_eq!(read.expect_err("hidden"), AppError::NotFound);
    let wrote = send_reply(&app, id, stranger, "Je réponds aussi.", now_ts()).await;
    assert_eq!(wrote.expect_err("hidden"), AppError::NotFound);
    let opened = open_dispute(&app, stranger, &opening(inv.id, None), now_ts()).await;
    assert_eq!(opened.expect_err("not their invoice"), AppError::NotFound);
    assert_eq!(footprint(&app, id, inv.id).await, before);
    app.stop().await;
}
on_both_databases!(a_customer_cannot_read_or_touch_another_customers_dispute);

async fn a_pay_link_for_one_invoice_cannot_read_a_dispute_on_another(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let a = issued(&app, p.customer_id, "100.00").await;
    let b = issued(&app, p.customer_id, "50.00").await;
    let on_a = open_dispute(&app, Viewer::PayLink(a.id), &opening(a.id, None), now_ts())
        .await
        .expect("opened from the pay link of A");
    let on_b = open_dispute(&app, p.customer, &opening(b.id, None), now_ts())
        .await
        .expect("opened on B");
    let link_a = Viewer::PayLink(a.id);
    disputes::customer_thread(&app.db, on_a, link_a)
        .await
        .expect("A's link sees A's dispute");
    let read = disputes::customer_thread(&app.db, on_b, link_a).await;
    assert_eq!(read.expect_err("hidden"), AppError::NotFound);
    let wrote = send_reply(&app, on_b, link_a, "Et celle-ci ?", now_ts()).await;
    assert_eq!(wrote.expect_err("hidden"), AppError::NotFound);
    let opened = open_dispute(&app, link_a, &opening(b.id, None), now_ts()).await;
    assert_eq!(opened.expect_err("not its invoice"), AppError::NotFound);
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM dispute_messages WHERE dispute_id = {on_b}")
        )
        .await,
        1
    );
    app.stop().await;
}
on_both_databases!(a_pay_link_for_one_invoice_cannot_read_a_dispute_on_another);

async fn a_customer_cannot_add_notes_assign_change_status_or_resolve(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let (inv, id) = disputed_invoice(&app, &p).await;
    let before = footprint(&app, id, inv.id).await;
    let now = now_ts();
    for who in [p.customer, Viewer::PayLink(inv.id)] {
        let note = disputes::internal_note(&app.db, id, who, "Note client", now).await;
        assert_eq!(note.expect_err("note"), AppError::Forbidden);
        let assign = disputes::assign(&app.db, id, who, Some(p.staff_id), now).await;
        assert_eq!(assign.expect_err("assign"), AppError::Forbidden);
        let status = disputes::change_status(&app.db, id, who, DisputeStatus::InReview, now).await;
        assert_eq!(status.expect_err("status"), AppError::Forbidden);
        for resolution in [
            Resolution::CreditNoteFull {
                explanation: "Je m'accorde un avoir.".into(),
            },
            rejection("Je rejette."),
        ] {
            let resolved = disputes::resolve(&app.db, id, who, &resolution, today(), now).await;
            assert_eq!(resolved.expect_err("resolve"), AppError::Forbidden);
        }
        let staff_view = disputes::staff_thread(&app.db, id, who).await;
        assert_eq!(staff_view.expect_err("staff thread"), AppError::Forbidden);
    }
    assert_eq!(footprint(&app, id, inv.id).await, before);
    assert_eq!(invoice_state(&app, inv.id).await.0, "disputed");
    app.stop().await;
}
on_both_databases!(a_customer_cannot_add_notes_assign_change_status_or_resolve);

async fn internal_notes_never_reach_the_customer_thread_or_any_email_but_staff_see_them_marked(
    db: &TestDb,
) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let (inv, id) = disputed_invoice(&app, &p).await;
    let now = now_ts();
    let secret = "SECRET-NOTE: le client a raison, geste max 15 €";
    send_reply(&app, id, p.staff, "Nous regardons.", now + 1)
        .await
        .expect("reply");
    let note = disputes::internal_note(&app.db, id, p.staff, secret, now + 2)
        .await
        .expect("note");
    send_reply(&app, id, p.customer, "Merci.", now + 3)
        .await
        .expect("customer reply");
    send_reply(&app, id, p.staff, "Avoir en cours.", now + 4)
        .await
        .expect("reply");
    let gesture = Resolution::CommercialGesture {
        amount_ht: 1_000,
        vat_rate: VatRate::Standard20,
        explanation: "Geste commercial.".into(),
    };
    disputes::resolve(&app.db, id, p.staff, &gesture, today(), now + 5)
        .await
        .expect("resolved");

    let thread = disputes::customer_thread(&app.db, id, p.customer)
        .await
        .expect("customer thread");
    assert_eq!(thread.messages.len(), 4, "opening, two replies, one answer");
    assert!(thread.messages.iter().all(|m| m.id != note));
    let json = serde_json::to_string(&thread).expect("json");
    assert!(!json.contains("SECRET-NOTE"), "{json}");
    let link = disputes::customer_thread(&app.db, id, Viewer::PayLink(inv.id))
        .await
        .expect("pay-link thread");
    assert_eq!(link.messages, thread.messages);

    let mails = outbox_bodies(&app, "").await;
    assert_eq!(mails.len(), 3, "two staff replies and the resolution");
    for (text, html) in &mails {
        assert!(!text.contains("SECRET-NOTE"), "{text}");
        assert!(!html.as_deref().unwrap_or_default().contains("SECRET-NOTE"));
    }

    let staff = disputes::staff_thread(&app.db, id, p.staff)
        .await
        .expect("staff thread");
    assert_eq!(staff.messages.len(), 5);
    let marked: Vec<(bool, &str)> = staff
        .messages
        .iter()
        .map(|m| (m.internal, m.body.as_str()))
        .filter(|(internal, _)| *internal)
        .collect();
    assert_eq!(marked, vec![(true, secret)]);
    let shown = staff.messages.iter().find(|m| m.id == note).expect("note");
    assert_eq!(shown.author_name, "Alex Agent");
    app.stop().await;
}
on_both_databases!(
    internal_notes_never_reach_the_customer_thread_or_any_email_but_staff_see_them_marked
);

async fn a_closed_dispute_refuses_customer_replies(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let (inv, id) = disputed_invoice(&app, &p).await;
    disputes::resolve(
        &app.db,
        id,
        p.staff,
        &rejection("Tarif conforme au devis."),
        today(),
        now_ts(),
    )
    .await
    .expect("rejected");
    let before = footprint(&app, id, inv.id).await;
    for who in [p.customer, Viewer::PayLink(inv.id), p.staff] {
        let e = send_reply(&app, id, who, "Je ne suis pas d'accord.", now_ts())
            .await
            .expect_err("closed");
        assert_eq!(e, AppError::Conflict);
    }
    assert_eq!(footprint(&app, id, inv.id).await, before);
    app.stop().await;
}
on_both_databases!(a_closed_dispute_refuses_customer_replies);

// 10. Escaping.

async fn markup_in_messages_is_stored_verbatim_and_escaped_in_the_html_emails(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let inv = issued(&app, p.customer_id, "100.00").await;
    let hostile = "<script>alert(\"x\")</script> & <b onmouseover='y'>gras</b>\nligne 2";
    let input = OpenDispute {
        message: hostile.into(),
        ..opening(inv.id, None)
    };
    let id = open_dispute(&app, p.customer, &input, now_ts())
        .await
        .expect("opened");
    send_reply(&app, id, p.customer, hostile, now_ts())
        .await
        .expect("customer reply");
    send_reply(&app, id, p.staff, hostile, now_ts())
        .await
        .expect("staff reply");
    let explanation = format!("Refusé. {hostile}");
    disputes::resolve(
        &app.db,
        id,
        p.staff,
        &rejection(&explanation),
        today(),
        now_ts(),
    )
    .await
    .expect("rejected");

    let thread = disputes::customer_thread(&app.db, id, p.customer)
        .await
        .expect("thread");
    assert_eq!(thread.messages.len(), 3);
    assert!(thread.messages.iter().all(|m| m.body == hostile));
    assert_eq!(
        thread.resolution.expect("resolution").explanation,
        explanation
    );
    let staff = disputes::staff_thread(&app.db, id, p.staff)
        .await
        .expect("staff thread");
    assert!(staff.messages.iter().all(|m| m.body == hostile));

    let mails = outbox_bodies(&app, "dispute-").await;
    assert_eq!(mails.len(), 2, "the staff reply and the rejection");
    for (text, html) in &mails {
        assert!(text.contains("<script>alert(\"x\")</script>"), "{text}");
        let html = html.as_deref().expect("an HTML part");
        for raw in ["<script", "</script", "<b ", "onmouseover='"] {
            assert!(!html.contains(raw), "unescaped {raw} in {html}");
        }
        assert!(
            html.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b"),
            "{html}"
        );
    }
    app.stop().await;
}
on_both_databases!(markup_in_messages_is_stored_verbatim_and_escaped_in_the_html_emails);

// 11. What reminders may ask for.

async fn the_amount_due_not_disputed_follows_the_open_dispute_and_is_zero_for_an_unknown_invoice(
    db: &TestDb,
) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let inv = issued(&app, p.customer_id, "100.00").await;
    let due = |id: i64| {
        let db = app.db.clone();
        async move {
            disputes::amount_due_not_disputed(&db, id)
                .await
                .expect("amount due")
        }
    };
    assert_eq!(due(inv.id).await, 12_000);
    let id = open_dispute(&app, p.customer, &opening(inv.id, Some(3_000)), now_ts())
        .await
        .expect("opened");
    assert_eq!(due(inv.id).await, 9_000, "balance minus the disputed part");

    let partial = Resolution::CreditNotePartial {
        amount_ht: 1_000,
        vat_rate: VatRate::Standard20,
        explanation: "Remise de 10 € HT.".into(),
    };
    disputes::resolve(&app.db, id, p.staff, &partial, today(), now_ts())
        .await
        .expect("resolved");
    assert_eq!(
        due(inv.id).await,
        10_800,
        "closed dispute: the whole (credited) balance"
    );
    assert_eq!(due(inv.id + 1_000).await, 0, "unknown invoice");
    app.stop().await;
}
on_both_databases!(
    the_amount_due_not_disputed_follows_the_open_dispute_and_is_zero_for_an_unknown_invoice
);
