//! Operations: `GET /metrics` behind its bearer token, and what the portal
//! does while PostgreSQL refuses connections (every request answered 503 at
//! once, `/healthz` 503, then recovery without a restart, nothing half-saved).
use crate::common;

use crate::common::{TestApp, TestDb, WEBHOOK_SECRET, config_for};
use quittance::server::payments::signature;
use serde_json::json;
use sqlx::{Connection, Executor, PgConnection, Row};
use std::time::{Duration, Instant};

const TOKEN: &str = "metrics-token-for-tests";

async fn start_with_token(db: &TestDb) -> TestApp {
    let mut config = config_for(&db.url);
    config.metrics_token = Some(TOKEN.into());
    TestApp::start_configured(false, Default::default(), config).await
}

async fn scrape(app: &TestApp, auth: Option<&str>) -> reqwest::Response {
    let mut req = app.client.get(app.url("/metrics"));
    if let Some(a) = auth {
        req = req.header("authorization", a);
    }
    req.send().await.expect("scrape")
}

/// A signed `payment_intent.succeeded` of `amount` for `invoice`.
async fn deliver(app: &TestApp, id: &str, invoice: i64, amount: i64) -> reqwest::Response {
    let body = json!({
        "id": format!("evt_{id}"), "object": "event", "type": "payment_intent.succeeded",
        "data": {"object": {"id": id, "object": "payment_intent", "status": "succeeded",
            "amount": amount, "amount_received": amount, "currency": "eur",
            "payment_method_types": ["card"], "metadata": {"invoice_id": invoice.to_string()}}}
    })
    .to_string();
    let sig = signature::sign(
        WEBHOOK_SECRET,
        chrono::Utc::now().timestamp(),
        body.as_bytes(),
    );
    app.client
        .post(app.url("/webhooks/stripe"))
        .header("stripe-signature", sig)
        .body(body)
        .send()
        .await
        .expect("delivery")
}

async fn the_metrics_answer_only_the_bearer_of_the_token_and_count_requests_webhooks_and_the_outbox(
    db: &TestDb,
) {
    let app = start_with_token(db).await;
    let customer = common::company_and_customer(&app.db, "payer@example.test").await;
    let invoice = common::issued_invoice(&app.db, customer, "100").await.id;
    assert_eq!(app.get("/healthz").await.status(), 200);
    assert_eq!(
        deliver(&app, "pi_metrics_1", invoice, 1000).await.status(),
        200
    );
    assert_eq!(
        deliver(&app, "pi_metrics_1", invoice, 1000).await.status(),
        200
    );
    let refused = app
        .client
        .post(app.url("/webhooks/stripe"))
        .header("stripe-signature", "t=1,v1=00")
        .body("{}")
        .send()
        .await
        .expect("delivery");
    assert_eq!(refused.status(), 400);

    let anonymous = scrape(&app, None).await;
    assert_eq!(anonymous.status(), 401);
    assert_eq!(
        anonymous
            .headers()
            .get("www-authenticate")
            .map(|v| v.as_bytes()),
        Some(&b"Bearer"[..])
    );
    assert_eq!(scrape(&app, Some("Bearer wrong")).await.status(), 401);
    assert_eq!(scrape(&app, Some(TOKEN)).await.status(), 401);

    let res = scrape(&app, Some(&format!("Bearer {TOKEN}"))).await;
    assert_eq!(res.status(), 200);
    assert!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/plain"))
    );
    let text = res.text().await.expect("body");
    for expected in [
        r#"http_requests_total{route="/healthz",method="GET",status="200"}"#,
        r#"http_requests_total{route="/webhooks/stripe",method="POST",status="400"}"#,
        r#"http_request_duration_seconds_bucket{route="/healthz",method="GET",status="200",le="0.005"}"#,
        r#"webhook_events_total{outcome="applied"}"#,
        r#"webhook_events_total{outcome="duplicate"}"#,
        r#"webhook_events_total{outcome="refused"}"#,
        "outbox_pending_messages ",
        "outbox_oldest_pending_age_seconds ",
        r#"db_pool_connections{state="idle"}"#,
        r#"db_pool_connections{state="in_use"}"#,
        "db_pool_max_connections ",
        "db_up 1",
        "page_renders_stalled_total ",
    ] {
        assert!(text.contains(expected), "{expected} missing from:\n{text}");
    }
    // The receipt of the payment waits in the outbox (no worker has sent it yet, or it is counted).
    assert!(
        text.lines()
            .any(|l| l.starts_with("outbox_pending_messages "))
    );
    app.stop().await;
}
on_both_databases!(
    the_metrics_answer_only_the_bearer_of_the_token_and_count_requests_webhooks_and_the_outbox
);

async fn without_a_metrics_token_there_is_no_metrics_route(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    assert_eq!(scrape(&app, None).await.status(), 404);
    assert_eq!(scrape(&app, Some("Bearer anything")).await.status(), 404);
    app.stop().await;
}
on_both_databases!(without_a_metrics_token_there_is_no_metrics_route);

/// The database name of a test PostgreSQL URL.
fn database_name(url: &str) -> String {
    url.rsplit('/').next().unwrap_or_default().to_string()
}

/// Makes the test database refuse connections (and drops the open ones), or
/// accept them again: for the portal, as if PostgreSQL were restarting.
async fn set_reachable(url: &str, reachable: bool) {
    let name = database_name(url);
    let mut admin = PgConnection::connect(&common::postgres_admin_url())
        .await
        .expect("admin connection");
    admin
        .execute(format!(r#"ALTER DATABASE "{name}" ALLOW_CONNECTIONS {reachable}"#).as_str())
        .await
        .expect("alter database");
    if !reachable {
        sqlx::query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = $1 AND pid <> pg_backend_pid()",
        )
        .bind(&name)
        .execute(&mut admin)
        .await
        .expect("terminate");
    }
}

/// Polls `/healthz` (each answer within the probe's own timeout) until it says `status`.
async fn health_becomes(app: &TestApp, status: u16) -> bool {
    for _ in 0..100 {
        if app.get("/healthz").await.status() == status {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    false
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn while_postgres_refuses_connections_requests_get_503_at_once_and_the_pool_recovers_by_itself()
 {
    let db = TestDb::postgres().await;
    common::within_time(database_outage(&db)).await;
}

async fn database_outage(db: &TestDb) {
    let mut config = config_for(&db.url);
    config.db_acquire_timeout = Duration::from_secs(1);
    let app = TestApp::start_configured(false, Default::default(), config).await;
    let customer = common::company_and_customer(&app.db, "payer@example.test").await;
    let issued = common::issued_invoice(&app.db, customer, "100").await;
    assert_eq!(
        deliver(&app, "pi_outage_1", issued.id, 1000).await.status(),
        200
    );

    set_reachable(&db.url, false).await;
    assert!(health_becomes(&app, 503).await, "/healthz never said 503");
    let began = Instant::now();
    let during = deliver(&app, "pi_outage_2", issued.id, 2000).await;
    assert_eq!(during.status(), 503);
    assert!(during.headers().contains_key("retry-after"));
    let page = app.get(&format!("/pay/{}", issued.pay_token)).await;
    assert_eq!(page.status(), 503);
    eprintln!(
        "answers while the database was gone took {:?}",
        began.elapsed()
    );

    set_reachable(&db.url, true).await;
    assert!(health_becomes(&app, 200).await, "/healthz never recovered");
    // The provider retries what got no 2xx: applied once now, the first one not twice.
    assert_eq!(
        deliver(&app, "pi_outage_2", issued.id, 2000).await.status(),
        200
    );
    assert_eq!(
        deliver(&app, "pi_outage_1", issued.id, 1000).await.status(),
        200
    );
    assert_eq!(
        app.get(&format!("/pay/{}", issued.pay_token))
            .await
            .status(),
        200
    );
    let row = sqlx::query("SELECT amount_paid FROM invoices WHERE id = $1")
        .bind(issued.id)
        .fetch_one(&app.db.pool)
        .await
        .expect("invoice");
    assert_eq!(row.get::<i64, _>("amount_paid"), 3000);
    let payments: i64 = sqlx::query("SELECT COUNT(*) FROM payments WHERE invoice_id = $1")
        .bind(issued.id)
        .fetch_one(&app.db.pool)
        .await
        .expect("payments")
        .get(0);
    assert_eq!(payments, 2);
    app.stop().await;
}

/// A pool busy serving pages is not a database that is down: with every
/// pooled connection lent out, the health probe still reaches the database on
/// a connection of its own, `/healthz` answers 200 and the pages are not
/// refused (under load, the probe used to wait for a pooled connection past
/// its bound, and the whole site answered 503 for a second).
async fn a_pool_with_every_connection_lent_out_is_not_a_database_that_is_down(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let mut held = Vec::new();
    while let Ok(Ok(conn)) =
        tokio::time::timeout(Duration::from_millis(500), app.db.pool.acquire()).await
    {
        held.push(conn);
    }
    assert!(!held.is_empty(), "the pool lent its connections");
    assert!(
        app.db.is_healthy().await,
        "the probe still reaches the database"
    );
    assert_eq!(app.get("/healthz").await.status(), 200);
    drop(held);
    assert_eq!(app.get("/login").await.status(), 200);
    app.stop().await;
}
on_both_databases!(a_pool_with_every_connection_lent_out_is_not_a_database_that_is_down);
