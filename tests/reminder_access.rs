//! Who may do what with reminders, over HTTP as browsers call it: the
//! settings are for admins, the upcoming list and the actions for staff, a
//! promise only on one's own invoice (or the invoice of a live pay link).
use crate::common::{TestApp, TestDb, open_demo_invoice};

async fn promises(app: &TestApp, invoice_id: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM payment_promises WHERE invoice_id = $1")
        .bind(invoice_id)
        .fetch_one(&app.db.pool)
        .await
        .expect("count")
}

async fn reminders_are_for_staff_and_their_settings_for_admins(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let (id, _) = open_demo_invoice(&app, "client@demo.test").await;
    let id_text = id.to_string();
    let staff_calls: [(&str, Vec<(&str, &str)>); 4] = [
        ("/api/reminders_upcoming", vec![]),
        (
            "/api/skip_reminder",
            vec![("invoice_id", &id_text), ("offset", "1")],
        ),
        (
            "/api/send_reminder_now",
            vec![("invoice_id", &id_text), ("offset", "1")],
        ),
        ("/api/staff_invoice_reminders", vec![("id", &id_text)]),
    ];
    for (path, args) in &staff_calls {
        assert_eq!(
            app.call(path, args).await.status(),
            401,
            "{path} signed out"
        );
    }
    app.login("client@demo.test", "client-demo-1").await;
    for (path, args) in &staff_calls {
        assert_eq!(
            app.call(path, args).await.status(),
            403,
            "{path} as a customer"
        );
    }
    assert_eq!(app.call("/api/reminder_settings", &[]).await.status(), 403);
    let notice = app
        .get(&format!("/staff/invoices/{id}/formal-notice.pdf"))
        .await;
    assert_eq!(notice.status(), 404);
    let reminded: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reminders WHERE invoice_id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    app.call("/api/logout", &[]).await;
    app.login("agent@demo.test", "agent-demo-1").await;
    assert_eq!(app.call("/api/reminder_settings", &[]).await.status(), 403);
    assert_eq!(app.call("/api/reminders_upcoming", &[]).await.status(), 200);
    let after: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reminders WHERE invoice_id = $1")
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("count");
    assert_eq!(
        after, reminded,
        "nothing was skipped or sent by the refused calls"
    );
    app.call("/api/logout", &[]).await;
    app.login("admin@demo.test", "admin-demo-1").await;
    let page = app.get("/staff/reminders").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("body");
    assert!(
        html.contains("{pay_link}"),
        "the default schedule's texts are shown"
    );
    app.stop().await;
}
on_both_databases!(reminders_are_for_staff_and_their_settings_for_admins);

async fn a_customer_promises_to_pay_their_own_invoice_only_and_within_thirty_days(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let (own, own_number) = open_demo_invoice(&app, "client@demo.test").await;
    let (other, other_number) = open_demo_invoice(&app, "client2@demo.test").await;
    let soon = (crate::common::today() + chrono::Duration::days(5)).to_string();
    let far = (crate::common::today() + chrono::Duration::days(45)).to_string();
    app.login("client@demo.test", "client-demo-1").await;
    let theirs = app
        .call(
            "/api/promise_to_pay",
            &[
                ("kind", "invoice"),
                ("key", &other_number),
                ("promised_for", &soon),
            ],
        )
        .await;
    assert_eq!(theirs.status(), 404);
    assert_eq!(promises(&app, other).await, 0);
    let too_far = app
        .call(
            "/api/promise_to_pay",
            &[
                ("kind", "invoice"),
                ("key", &own_number),
                ("promised_for", &far),
            ],
        )
        .await;
    assert_eq!(too_far.status(), 400);
    assert_eq!(promises(&app, own).await, 0);
    let ok = app
        .form_post(
            "/api/promise_to_pay",
            &[
                ("kind", "invoice"),
                ("key", &own_number),
                ("promised_for", &soon),
            ],
        )
        .await;
    assert!(ok.status().is_redirection(), "{}", ok.status());
    assert_eq!(promises(&app, own).await, 1);
    let page = app.get(&format!("/invoices/{own_number}")).await;
    assert_eq!(page.status(), 200);
    app.call("/api/logout", &[]).await;
    let bogus = app
        .call(
            "/api/promise_to_pay",
            &[
                ("kind", "link"),
                ("key", &"0".repeat(64)),
                ("promised_for", &soon),
            ],
        )
        .await;
    assert_eq!(bogus.status(), 404);
    app.stop().await;
}
on_both_databases!(a_customer_promises_to_pay_their_own_invoice_only_and_within_thirty_days);
