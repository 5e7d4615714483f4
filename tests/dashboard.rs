//! The staff dashboard on SQLite and PostgreSQL: every figure of the service
//! against a small fixture computed by hand, the invoice list's ageing filter,
//! and who may ask (staff only).
use crate::common::{TestApp, TestDb, company_and_customer, today};
use chrono::{Datelike, NaiveDate, TimeDelta};
use quittance::model::dashboard::{
    AgeBucket, CountBack, DashboardView, Figures, RangeProblem, count_back_periods, days_in,
    default_range,
};
use quittance::model::dispute::DisputeReason;
use quittance::model::role::Role;
use quittance::model::user::SessionUser;
use quittance::server::db::listing::ListFilter;
use quittance::server::db::{Db, now_ts, seed, users};
use quittance::server::services::dashboard::dashboard;
use quittance::server::services::disputes::{self, OpenDispute, Resolution, Viewer};
use quittance::server::services::payments::{self, OfflineInput};
use rust_decimal::Decimal;

const DAY: i64 = 86_400;

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// An invoice of `price` + 20 % VAT, issued `issued` days from today and
/// due `due` days from today (negative: in the past), issued as on that day
/// (issued invoices are immutable).
async fn invoice(db: &Db, customer: i64, price: &str, issued: i64, due: i64) -> i64 {
    use quittance::model::draft::{DraftInput, DraftLineInput};
    use quittance::server::services::invoicing;
    let issue_day = today() + TimeDelta::days(issued);
    let draft = DraftInput {
        customer_id: customer,
        currency: "EUR".into(),
        sale_date: String::new(),
        due_date: iso(today() + TimeDelta::days(due)),
        deposits: String::new(),
        lines: vec![DraftLineInput {
            description: "Prestation".into(),
            quantity: "1".into(),
            unit: String::new(),
            unit_price: price.into(),
            vat_rate: "20".into(),
            discount_pct: String::new(),
        }],
    };
    let id = invoicing::create_draft(db, &draft, issue_day)
        .await
        .expect("draft");
    invoicing::issue(db, id, issue_day, None)
        .await
        .expect("issue")
        .id
}

async fn second_customer(db: &Db) -> i64 {
    seed::insert_customer(
        &db.pool,
        &seed::CustomerInput {
            name: "Autre SA",
            is_business: true,
            address_line1: "3 rue C",
            postal_code: "13001",
            city: "Marseille",
            siren: "552100554",
            vat_number: "FR96552100554",
            billing_email: "compta@autre.test",
            lang: "fr",
        },
    )
    .await
    .expect("customer")
}

fn staff(id: i64) -> SessionUser {
    SessionUser {
        id,
        email: "agent@test.test".into(),
        role: Role::Agent,
        customer_id: None,
        display_name: "Alex Agent".into(),
    }
}

/// The fixture, every amount incl. VAT (minor units), days from today T:
/// - A1 customer A, 120.00, issued T-20, due T+10: not due, 120.00;
/// - A2 customer A, 240.00, issued T-40, due T-10, 100.00 paid: 1-30, 140.00;
/// - B1 customer B, 600.00, issued T-75, due T-45, a rejected dispute
///   opened 2.5 days before its resolution: 31-60, 600.00;
/// - B2 customer B, 60.00, issued T-130, due T-100, 30.00 in an open
///   dispute opened 10 days ago: over 90, 60.00.
struct Fixture {
    staff: i64,
    b1: i64,
}

async fn fixture(db: &Db) -> Fixture {
    let a = company_and_customer(db, "compta@client.test").await;
    let b = second_customer(db).await;
    let staff = users::insert(&db.pool, "agent@test.test", "x", Role::Agent, None, "Alex")
        .await
        .expect("agent");
    // Issued oldest first: numbers follow issue dates.
    let b2 = invoice(db, b, "50", -130, -100).await;
    let b1 = invoice(db, b, "500", -75, -45).await;
    let a2 = invoice(db, a, "200", -40, -10).await;
    invoice(db, a, "100", -20, 10).await;
    let pay = OfflineInput {
        amount: "100".into(),
        method: "transfer".into(),
        received_on: today().to_string(),
        reference: "VIR-1".into(),
    };
    payments::record_offline(db, a2, &pay, today(), staff)
        .await
        .expect("partial payment");
    let open = |invoice_id, disputed_amount| OpenDispute {
        invoice_id,
        reason: DisputeReason::WrongAmount,
        disputed_amount,
        lines: vec![0],
        message: "Montant erroné".into(),
    };
    let contact = users::insert(
        &db.pool,
        "contact@autre.test",
        "x",
        Role::Customer,
        Some(b),
        "Camille",
    )
    .await
    .expect("contact");
    let customer = Viewer::Customer {
        customer_id: b,
        user_id: contact,
    };
    let now = now_ts();
    let rejected = disputes::open(db, customer, &open(b1, None), now)
        .await
        .expect("dispute b1");
    disputes::resolve(
        db,
        rejected,
        Viewer::Staff(staff),
        &Resolution::Rejected {
            reason: "Conforme au devis.".into(),
        },
        today(),
        now,
    )
    .await
    .expect("rejected");
    let open_one = disputes::open(db, customer, &open(b2, Some(3_000)), now)
        .await
        .expect("dispute b2");
    for (id, created) in [
        (rejected, format!("resolved_at - {}", 5 * DAY / 2)),
        (open_one, format!("{}", now - 10 * DAY)),
    ] {
        sqlx::query(&format!(
            "UPDATE disputes SET created_at = {created} WHERE id = $1"
        ))
        .bind(id)
        .execute(&db.pool)
        .await
        .expect("dispute age");
    }
    Fixture { staff, b1 }
}

/// The company's date (Europe/Paris), as `/staff` asks for it: between
/// midnight in Paris and midnight UTC it is a day after the machine's.
async fn company_today(db: &Db) -> NaiveDate {
    quittance::server::services::reminders::local_today(db, chrono::Utc::now())
        .await
        .expect("today")
}

async fn figures(db: &Db, staff_id: i64) -> Figures {
    let today = company_today(db).await;
    let view = dashboard(&db.pool, &staff(staff_id), None, None, today, now_ts())
        .await
        .expect("dashboard");
    let (from, to) = default_range(today);
    assert_eq!((view.from, view.to, view.issue), (iso(from), iso(to), None));
    view.figures.expect("figures")
}

fn tenth(d: Decimal) -> Decimal {
    d.round_dp(1)
}

async fn the_dashboard_figures_match_a_hand_computed_ledger(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let fx = fixture(&app.db).await;
    let f = figures(&app.db, fx.staff).await;
    let ageing: Vec<(AgeBucket, i64, i64)> = f
        .ageing
        .iter()
        .map(|l| (l.bucket, l.amount, l.count))
        .collect();
    assert_eq!(
        ageing,
        vec![
            (AgeBucket::NotDue, 12_000, 1),
            (AgeBucket::Days1To30, 14_000, 1),
            (AgeBucket::Days31To60, 60_000, 1),
            (AgeBucket::Days61To90, 0, 0),
            (AgeBucket::Over90, 6_000, 1),
        ]
    );
    assert_eq!(f.open, 12_000 + 14_000 + 60_000 + 6_000);
    assert_eq!((f.overdue, f.overdue_count), (14_000 + 60_000 + 6_000, 3));
    assert_eq!(f.paid, 10_000);
    assert_eq!(f.in_dispute, 3_000);

    // Count-back on 92,000: the last month's sales (A1, 12,000) and the one
    // before (A2, 24,000) are used up whole, 56,000 is left of the third
    // month's 60,000 (B1): d1 + d2 + 56/60 x d3.
    let days: Vec<i64> = count_back_periods(company_today(&app.db).await)
        .iter()
        .map(|(a, b)| (*b - *a).num_days())
        .collect();
    let expected =
        Decimal::from(days[0] + days[1]) + Decimal::from(56_000 * days[2]) / Decimal::from(60_000);
    assert_eq!(
        f.dso.count_back,
        CountBack {
            days: tenth(expected),
            beyond: false
        }
    );
    // Simple: 92,000 / 102,000 (every invoice issued in the 12 months) x days;
    // best possible: the 12,000 not yet due over the same.
    let (from, to) = default_range(company_today(&app.db).await);
    let n = days_in(from, to);
    assert_eq!((f.dso.sales, f.dso.days), (102_000, n));
    let simple = tenth(Decimal::from(92_000 * n) / Decimal::from(102_000));
    let best = tenth(Decimal::from(12_000 * n) / Decimal::from(102_000));
    assert_eq!(f.dso.simple, Some(simple));
    assert_eq!(f.dso.best, Some(best));
    assert_eq!(f.dso.delinquent, Some(simple - best));

    assert_eq!(
        f.disputes_by_status,
        vec![("open".to_string(), 1), ("rejected".to_string(), 1)]
    );
    assert_eq!(f.disputes_by_age, [0, 1, 0]);
    assert_eq!(f.median_resolution_days, Some("2.5".parse().expect("dec")));
    assert_eq!(f.resolutions_by_kind, vec![("rejected".to_string(), 1)]);

    assert_eq!(f.cash.len(), 12);
    let this_month = company_today(&app.db).await.format("%Y-%m").to_string();
    assert_eq!(f.cash[11].month, this_month);
    assert_eq!(f.cash[11].amount, 10_000);
    assert!(f.cash[..11].iter().all(|m| m.amount == 0), "{:?}", f.cash);

    let top: Vec<(String, i64, i64)> = f
        .top_overdue
        .iter()
        .map(|c| (c.name.clone(), c.amount, c.count))
        .collect();
    assert_eq!(
        top,
        vec![
            ("Autre SA".to_string(), 66_000, 2),
            ("Client SARL".to_string(), 14_000, 1),
        ]
    );

    // The 31-60 bucket's link lists B1 alone.
    let f = ListFilter {
        age: Some(AgeBucket::Days31To60),
        ..ListFilter::default()
    };
    let page =
        quittance::server::services::invoices::staff_invoices(&app.db.pool, f, None, today())
            .await
            .expect("list");
    let ids: Vec<i64> = page.rows.iter().map(|r| r.id).collect();
    assert_eq!(ids, vec![fx.b1]);
    app.stop().await;
}
on_both_databases!(the_dashboard_figures_match_a_hand_computed_ledger);

async fn a_backwards_or_too_long_range_is_refused_with_nothing_computed(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let staff_id = fixture(&app.db).await.staff;
    let ask = |from: &'static str, to: &'static str| {
        let pool = app.db.pool.clone();
        async move {
            dashboard(
                &pool,
                &staff(staff_id),
                Some(from),
                Some(to),
                today(),
                now_ts(),
            )
            .await
            .expect("answer")
        }
    };
    let backwards: DashboardView = ask("2026-03-01", "2026-02-28").await;
    assert!(backwards.figures.is_none());
    let issue = backwards.issue.expect("issue");
    assert_eq!(
        (issue.field.as_str(), issue.problem),
        ("to", RangeProblem::Backwards)
    );
    let long = ask("2010-01-01", "2020-01-02").await;
    assert_eq!(long.issue.map(|i| i.problem), Some(RangeProblem::TooLong));
    assert!(long.figures.is_none());
    app.stop().await;
}
on_both_databases!(a_backwards_or_too_long_range_is_refused_with_nothing_computed);

async fn the_dashboard_is_for_staff_only(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    assert_eq!(app.call("/api/staff_dashboard", &[]).await.status(), 401);
    app.login("client@demo.test", "client-demo-1").await;
    assert_eq!(app.call("/api/staff_dashboard", &[]).await.status(), 403);
    app.call("/api/logout", &[]).await;
    app.login("agent@demo.test", "agent-demo-1").await;
    assert_eq!(app.call("/api/staff_dashboard", &[]).await.status(), 200);
    let page = app.get("/staff?from=2026-03-01&to=2026-02-28").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("html");
    assert!(
        html.contains("data-testid=\"dash-to-error\""),
        "no message by the field"
    );
    assert!(
        !html.contains("data-testid=\"dash-ageing\""),
        "figures computed"
    );
    let page = app.get("/staff").await.text().await.expect("html");
    assert!(page.contains("role=\"img\""), "the chart");
    assert!(
        page.contains("/staff/invoices?age=over_90"),
        "the bucket links"
    );
    app.stop().await;
}
on_both_databases!(the_dashboard_is_for_staff_only);

/// Sets a payment's provider id and the instant it succeeded.
async fn set_payment(db: &Db, id: i64, provider_id: &str, succeeded_at: i64) {
    sqlx::query("UPDATE payments SET provider_payment_id = $1, succeeded_at = $2 WHERE id = $3")
        .bind(provider_id)
        .bind(succeeded_at)
        .bind(id)
        .execute(&db.pool)
        .await
        .expect("payment");
}

/// Two payments a minute either side of midnight in Paris on the first of
/// this month (both on the previous day in UTC), a refund of the first, a
/// chargeback that holds money on the second and one won (no money taken).
async fn the_cash_chart_cuts_months_at_the_company_s_midnight_and_nets_refunds_and_chargebacks(
    db: &TestDb,
) {
    use quittance::server::services::reminders::instant_at;
    let app = TestApp::start(db, false).await;
    let db = &app.db;
    let customer = company_and_customer(db, "compta@client.test").await;
    let staff_id = users::insert(&db.pool, "agent@test.test", "x", Role::Agent, None, "Alex")
        .await
        .expect("agent");
    let inv = invoice(db, customer, "1000", -40, -10).await;
    for amount in ["300", "200"] {
        let pay = OfflineInput {
            amount: amount.into(),
            method: "transfer".into(),
            received_on: today().to_string(),
            reference: format!("VIR-{amount}"),
        };
        payments::record_offline(db, inv, &pay, today(), staff_id)
            .await
            .expect("payment");
    }
    let ids: Vec<(i64,)> =
        sqlx::query_as("SELECT id FROM payments WHERE invoice_id = $1 ORDER BY id")
            .bind(inv)
            .fetch_all(&db.pool)
            .await
            .expect("ids");
    let first = company_today(db)
        .await
        .with_day(1)
        .expect("first of the month");
    let midnight = instant_at("Europe/Paris", first, 0).timestamp();
    assert_ne!(midnight % DAY, 0, "Paris midnight is not UTC midnight");
    set_payment(db, ids[0].0, "pi_dash_after", midnight + 60).await;
    set_payment(db, ids[1].0, "pi_dash_before", midnight - 60).await;
    let now = now_ts();
    sqlx::query(
        "INSERT INTO provider_refunds (provider_payment_id, amount_refunded, counted, updated_at) \
         VALUES ('pi_dash_after', 5000, 5000, $1)",
    )
    .bind(now)
    .execute(&db.pool)
    .await
    .expect("refund");
    for (id, amount, holds) in [("dp_lost", 2_000, 1), ("dp_won", 999, 0)] {
        sqlx::query(
            "INSERT INTO chargebacks (provider_dispute_id, provider_payment_id, amount, status, closed, \
             holds_money, updated_at) VALUES ($1, 'pi_dash_before', $2, 'lost', 1, $3, $4)",
        )
        .bind(id)
        .bind(amount)
        .bind(holds)
        .bind(now)
        .execute(&db.pool)
        .await
        .expect("chargeback");
    }
    let f = figures(db, staff_id).await;
    let month = |m: &quittance::model::dashboard::CashMonth| (m.received, m.returned, m.amount);
    assert_eq!(month(&f.cash[11]), (30_000, 7_000, 23_000), "{:?}", f.cash);
    assert_eq!(month(&f.cash[10]), (20_000, 0, 20_000), "{:?}", f.cash);
    assert_eq!(f.paid, 50_000 - 7_000);
    app.stop().await;
}
on_both_databases!(
    the_cash_chart_cuts_months_at_the_company_s_midnight_and_nets_refunds_and_chargebacks
);
