//! The staff side of disputes over HTTP, on SQLite and PostgreSQL: the queue
//! with ages and filters, the thread with internal notes, the actions posted
//! as plain forms (as a browser without JavaScript sends them), and customers
//! refused everywhere.

use crate::common::{TestApp, TestDb, location};
use quittance::model::dispute::DisputeReason;
use quittance::server::db::now_ts;
use quittance::server::services::disputes::{self, OpenDispute, Viewer};
use sqlx::Row;

const DAY: i64 = 86_400;

/// A dispute the demo customer opened `age` seconds ago on an open invoice;
/// returns (dispute id, invoice id, invoice number).
async fn opened_dispute(app: &TestApp, age: i64) -> (i64, i64, String) {
    let u = sqlx::query("SELECT id, customer_id FROM users WHERE email = 'client@demo.test'")
        .fetch_one(&app.db.pool)
        .await
        .expect("demo customer");
    let customer_id: i64 = u.get("customer_id");
    let inv = sqlx::query(
        "SELECT id, number FROM invoices WHERE customer_id = $1 AND kind = 'invoice' \
         AND status = 'issued' AND amount_paid = 0 AND amount_credited = 0 \
         AND NOT EXISTS (SELECT 1 FROM disputes d WHERE d.invoice_id = invoices.id) \
         ORDER BY id LIMIT 1",
    )
    .bind(customer_id)
    .fetch_one(&app.db.pool)
    .await
    .expect("an open demo invoice");
    let viewer = Viewer::Customer {
        customer_id,
        user_id: u.get("id"),
    };
    let input = OpenDispute {
        invoice_id: inv.get("id"),
        reason: DisputeReason::WrongAmount,
        disputed_amount: None,
        lines: vec![0],
        message: "La remise <script>alert(1)</script> manque.".into(),
    };
    let id = disputes::open(&app.db, viewer, &input, now_ts() - age)
        .await
        .expect("opened");
    (id, inv.get("id"), inv.get("number"))
}

async fn page(app: &TestApp, path: &str) -> String {
    app.get(path).await.text().await.expect("page")
}

/// The first column of the row `sql` returns for `id`.
async fn scalar<T>(app: &TestApp, sql: &str, id: i64) -> T
where
    T: Send + Unpin + for<'r> sqlx::Decode<'r, sqlx::Any> + sqlx::Type<sqlx::Any>,
{
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(&app.db.pool)
        .await
        .expect("row")
}

/// (status, balance) of an invoice.
async fn invoice_state(app: &TestApp, id: i64) -> (String, i64) {
    let balance =
        "SELECT total_ttc - deposits - amount_paid - amount_credited FROM invoices WHERE id = $1";
    (
        scalar(app, "SELECT status FROM invoices WHERE id = $1", id).await,
        scalar(app, balance, id).await,
    )
}

fn rows(html: &str) -> usize {
    html.matches(r#"data-testid="queue-row""#).count()
}

async fn staff_see_the_queue_with_the_age_and_filter_it_by_assignee(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    app.login("agent@demo.test", "agent-demo-1").await;
    // The demo data has disputes of its own: count from them.
    let count = |path: &'static str| {
        let app = &app;
        async move { rows(&page(app, path).await) }
    };
    let (all, mine, unassigned) = (
        count("/staff/disputes").await,
        count("/staff/disputes?assignee=mine").await,
        count("/staff/disputes?assignee=unassigned").await,
    );
    let (id, _, number) = opened_dispute(&app, 3 * DAY + 60).await;
    let html = page(&app, "/staff/disputes").await;
    assert_eq!(rows(&html), all + 1, "{html}");
    assert!(html.contains(&number), "the invoice number is listed");
    assert!(
        html.contains("3 d<") || html.contains("3 j<"),
        "age: {html}"
    );
    assert!(
        html.contains(r#"data-testid="queue-waiting""#),
        "waiting for staff"
    );
    assert!(html.contains(&format!(r#"href="/staff/disputes/{id}""#)));
    assert_eq!(count("/staff/disputes?assignee=mine").await, mine);
    assert_eq!(
        count("/staff/disputes?assignee=unassigned").await,
        unassigned + 1
    );
    let res = app
        .form_post(
            "/api/assign_dispute",
            &[("id", &id.to_string()), ("assignee", "me")],
        )
        .await;
    assert!(
        location(&res).contains("done=assigned"),
        "{}",
        location(&res)
    );
    assert_eq!(count("/staff/disputes?assignee=mine").await, mine + 1);
    assert_eq!(
        count("/staff/disputes?assignee=unassigned").await,
        unassigned
    );
    assert!(
        !page(&app, "/staff/disputes?status=resolved")
            .await
            .contains(&number),
        "the open dispute is not among the resolved ones"
    );
    let home = page(&app, "/staff").await;
    assert!(
        home.contains("/staff/disputes"),
        "the staff nav links the queue"
    );
    app.stop().await;
}
on_both_databases!(staff_see_the_queue_with_the_age_and_filter_it_by_assignee);

async fn staff_add_a_note_assign_and_move_the_status_with_plain_form_posts(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let (id, _, number) = opened_dispute(&app, DAY).await;
    let sid = id.to_string();
    app.login("agent@demo.test", "agent-demo-1").await;
    let res = app
        .form_post(
            "/api/add_internal_note",
            &[("id", &sid), ("message", "SECRET-NOTE: vérifier le bon")],
        )
        .await;
    let to = location(&res);
    assert!(res.status().is_redirection(), "{}", res.status());
    assert!(
        to.starts_with(&format!("/staff/disputes/{id}?done=noted#m")),
        "{to}"
    );
    let html = page(&app, &format!("/staff/disputes/{id}")).await;
    assert!(html.contains(&number));
    assert!(html.contains(r#"data-testid="sd-note""#) && html.contains("SECRET-NOTE"));
    assert!(
        html.contains("not visible to the customer") || html.contains("invisible pour le client"),
        "the note is marked internal"
    );
    assert!(
        html.contains("&lt;script&gt;") && !html.contains("<script>alert"),
        "messages are text"
    );
    let empty = app
        .form_post("/api/add_internal_note", &[("id", &sid), ("message", " ")])
        .await;
    assert!(
        location(&empty).contains("note_err_message=required"),
        "{}",
        location(&empty)
    );
    let res = app
        .form_post("/api/assign_dispute", &[("id", &sid), ("assignee", "me")])
        .await;
    assert!(
        location(&res).ends_with("?done=assigned"),
        "{}",
        location(&res)
    );
    let assignee = scalar::<String>(
        &app,
        "SELECT u.email FROM disputes d JOIN users u ON u.id = d.assignee_id WHERE d.id = $1",
        id,
    )
    .await;
    assert_eq!(assignee, "agent@demo.test");
    let res = app
        .form_post(
            "/api/set_dispute_status",
            &[("id", &sid), ("status", "in_review")],
        )
        .await;
    assert!(
        location(&res).ends_with("?done=status"),
        "{}",
        location(&res)
    );
    let status = scalar::<String>(&app, "SELECT status FROM disputes WHERE id = $1", id).await;
    assert_eq!(status, "in_review");
    let refused = app
        .form_post(
            "/api/set_dispute_status",
            &[("id", &sid), ("status", "open")],
        )
        .await;
    assert!(
        location(&refused).contains("status_err=conflict"),
        "{}",
        location(&refused)
    );
    let html = page(&app, &format!("/staff/disputes/{id}")).await;
    assert!(html.contains(r#"data-testid="sd-history""#));
    app.stop().await;
}
on_both_databases!(staff_add_a_note_assign_and_move_the_status_with_plain_form_posts);

async fn a_partial_credit_note_resolves_the_dispute_and_lowers_the_balance(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let (id, invoice, _) = opened_dispute(&app, DAY).await;
    let (_, before) = invoice_state(&app, invoice).await;
    app.login("agent@demo.test", "agent-demo-1").await;
    let res = app
        .form_post(
            "/api/resolve_dispute",
            &[
                ("id", &id.to_string()),
                ("kind", "credit_note_partial"),
                ("amount_ht", "20,00"),
                ("vat_rate", "20"),
                ("explanation", "Remise de 20 € HT appliquée."),
            ],
        )
        .await;
    let to = location(&res);
    assert!(res.status().is_redirection(), "{}", res.status());
    assert!(
        to.starts_with(&format!(
            "/staff/disputes/{id}?done=resolved&credit_note=AV-"
        )),
        "{to}"
    );
    assert_eq!(
        invoice_state(&app, invoice).await,
        ("issued".to_string(), before - 2_400)
    );
    let html = page(&app, &to).await;
    assert!(html.contains(r#"data-testid="sd-resolution""#), "{html}");
    assert!(html.contains(r#"data-testid="sd-done""#));
    assert!(!html.contains(r#"data-testid="sd-resolve-form""#));
    app.stop().await;
}
on_both_databases!(a_partial_credit_note_resolves_the_dispute_and_lowers_the_balance);

async fn a_plan_that_does_not_add_up_is_refused_with_the_error_and_nothing_is_saved(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let (id, invoice, _) = opened_dispute(&app, DAY).await;
    let later = (chrono::Local::now().date_naive() + chrono::Duration::days(30))
        .format("%Y-%m-%d")
        .to_string();
    app.login("agent@demo.test", "agent-demo-1").await;
    let res = app
        .form_post(
            "/api/resolve_dispute",
            &[
                ("id", &id.to_string()),
                ("kind", "payment_plan"),
                ("explanation", "En deux fois."),
                ("instalment_dates[0]", &later),
                ("instalment_amounts[0]", "1,00"),
                ("instalment_dates[1]", ""),
                ("instalment_amounts[1]", ""),
            ],
        )
        .await;
    let to = location(&res);
    assert!(
        to.starts_with(&format!(
            "/staff/disputes/{id}?resolve_err=invalid&resolve_err_instalments=out_of_range"
        )),
        "{to}"
    );
    assert!(
        to.contains("kind=payment_plan") && to.ends_with("#resolve"),
        "{to}"
    );
    assert_eq!(
        scalar::<i64>(
            &app,
            "SELECT COUNT(*) FROM payment_plan_instalments WHERE dispute_id = $1",
            id
        )
        .await,
        0
    );
    assert_eq!(
        scalar::<String>(&app, "SELECT status FROM disputes WHERE id = $1", id).await,
        "open"
    );
    assert_eq!(invoice_state(&app, invoice).await.0, "disputed");
    let html = page(&app, &to).await;
    assert!(html.contains(r#"data-testid="sd-error-resolve""#), "{html}");
    assert!(html.contains(&later), "the typed date is kept");
    app.stop().await;
}
on_both_databases!(a_plan_that_does_not_add_up_is_refused_with_the_error_and_nothing_is_saved);

async fn customers_are_refused_every_staff_action_and_never_see_the_staff_thread(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let (id, invoice, _) = opened_dispute(&app, DAY).await;
    let staff = Viewer::Staff(
        sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE email = 'agent@demo.test'")
            .fetch_one(&app.db.pool)
            .await
            .expect("agent"),
    );
    disputes::internal_note(&app.db, id, staff, "SECRET-NOTE staff only", now_ts())
        .await
        .expect("note");
    let sid = id.to_string();
    let messages = "SELECT COUNT(*) FROM dispute_messages WHERE dispute_id = $1";
    let before = (
        scalar::<i64>(&app, messages, id).await,
        invoice_state(&app, invoice).await,
    );
    app.login("client@demo.test", "client-demo-1").await;
    let posts: [(&str, Vec<(&str, &str)>); 5] = [
        ("/api/add_internal_note", vec![("message", "hello")]),
        ("/api/assign_dispute", vec![("assignee", "me")]),
        ("/api/set_dispute_status", vec![("status", "in_review")]),
        ("/api/reopen_staff_dispute", vec![]),
        (
            "/api/resolve_dispute",
            vec![("kind", "credit_note_full"), ("explanation", "x")],
        ),
    ];
    for (path, extra) in posts {
        let mut form = vec![("id", sid.as_str())];
        form.extend(extra);
        let api = app.call(path, &form).await;
        assert_eq!(api.status(), 403, "{path}");
        let plain = app.form_post(path, &form).await;
        assert!(
            plain.status() == 403 || !location(&plain).starts_with("/staff/disputes"),
            "{path}: {} {}",
            plain.status(),
            location(&plain)
        );
    }
    let after = (
        scalar::<i64>(&app, messages, id).await,
        invoice_state(&app, invoice).await,
    );
    assert_eq!(before, after, "nothing changed");
    assert_eq!(
        scalar::<String>(&app, "SELECT status FROM disputes WHERE id = $1", id).await,
        "open"
    );
    let html = page(&app, &format!("/staff/disputes/{id}")).await;
    assert!(!html.contains("SECRET-NOTE") && !html.contains(r#"data-testid="sd-note""#));
    assert!(!html.contains(r#"data-testid="sd-header""#));
    let queue = page(&app, "/staff/disputes").await;
    assert_eq!(rows(&queue), 0);
    app.stop().await;
}
on_both_databases!(customers_are_refused_every_staff_action_and_never_see_the_staff_thread);
