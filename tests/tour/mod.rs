//! A tour of every page type of a seeded app, shared by the tests that load
//! pages in bulk: who may see each page (its session cookie) and its path,
//! with the data each needs (an invoice with a pay link and a paid payment,
//! a dispute of the demo customer).
#![allow(dead_code)]

use crate::common::{self, TestApp};
use reqwest::cookie::CookieStore;
use sqlx::Row;
use std::sync::Arc;

/// One page to load: a name for messages, its path, and the session cookie
/// of someone allowed to see it (`None`: anyone, e.g. a pay link).
#[derive(Debug, Clone)]
pub struct Page {
    pub name: &'static str,
    pub path: String,
    pub cookie: Option<String>,
}

/// Signs `email` in on a fresh cookie jar; returns the `Cookie` header value.
async fn session_cookie(app: &TestApp, email: &str, password: &str) -> String {
    let jar = Arc::new(reqwest::cookie::Jar::default());
    let client = reqwest::Client::builder()
        .cookie_provider(jar.clone())
        .redirect(reqwest::redirect::Policy::none())
        .timeout(common::REQUEST_TIMEOUT)
        .build()
        .expect("client");
    let res = client
        .post(app.url("/api/login"))
        .header("Accept", "text/html")
        .header("Referer", app.url("/login"))
        .form(&[("email", email), ("password", password), ("next", "")])
        .send()
        .await
        .expect("login");
    assert!(res.status().is_redirection(), "{email} signs in");
    let url = reqwest::Url::parse(&app.base).expect("base url");
    jar.cookies(&url)
        .and_then(|v| v.to_str().ok().map(str::to_string))
        .expect("a session cookie")
}

/// Pays `token`'s invoice by card through the simulated provider; returns
/// (return page path, receipt page path).
async fn paid_by_card(app: &TestApp, token: &str) -> (String, String) {
    let res = app
        .form_post(
            "/api/start_payment",
            &[("kind", "link"), ("key", token), ("amount", "")],
        )
        .await;
    let checkout = common::location(&res);
    let session = checkout.rsplit('/').next().unwrap_or_default().to_string();
    assert!(session.starts_with("cs_sim_"), "{checkout}");
    let res = app
        .form_post(
            "/api/simulate_payment",
            &[("session_id", &session), ("outcome", "card_succeeds")],
        )
        .await;
    let back = common::location(&res)
        .trim_start_matches(&app.base)
        .to_string();
    assert!(back.contains("/return?session_id="), "{back}");
    let payment: i64 = sqlx::query("SELECT MAX(id) FROM payments")
        .fetch_one(&app.db.pool)
        .await
        .expect("payment")
        .get(0);
    (back, format!("/pay/{token}/receipts/{payment}"))
}

/// Every page type, on the demo data plus one paid invoice of the demo customer.
pub async fn every_page(app: &TestApp) -> Vec<Page> {
    let customer = session_cookie(app, "client@demo.test", "client-demo-1").await;
    let admin = session_cookie(app, "admin@demo.test", "admin-demo-1").await;
    let customer_id: i64 =
        sqlx::query("SELECT customer_id FROM users WHERE email = 'client@demo.test'")
            .fetch_one(&app.db.pool)
            .await
            .expect("demo customer")
            .get(0);
    let inv = common::issued_invoice(&app.db, customer_id, "100").await;
    let (back, receipt) = paid_by_card(app, &inv.pay_token).await;
    let dispute: i64 = sqlx::query(
        "SELECT d.id FROM disputes d JOIN invoices i ON i.id = d.invoice_id \
         WHERE i.customer_id = $1 ORDER BY d.id LIMIT 1",
    )
    .bind(customer_id)
    .fetch_one(&app.db.pool)
    .await
    .expect("a demo dispute")
    .get(0);
    let open: (i64, String) = {
        let r = sqlx::query(
            "SELECT id, number FROM invoices WHERE customer_id = $1 AND kind = 'invoice' \
             AND status = 'issued' ORDER BY id LIMIT 1",
        )
        .bind(customer_id)
        .fetch_one(&app.db.pool)
        .await
        .expect("an open demo invoice");
        (r.get(0), r.get(1))
    };
    let token = &inv.pay_token;
    let c = Some(customer);
    let a = Some(admin);
    let page = |name, path: String, cookie: &Option<String>| Page {
        name,
        path,
        cookie: cookie.clone(),
    };
    vec![
        page("login", "/login".into(), &None),
        page("pay link", format!("/pay/{token}"), &None),
        page("pay return", back, &None),
        page("receipt", receipt, &None),
        page("invoice list", "/invoices".into(), &c),
        page("invoice page", format!("/invoices/{}", open.1), &c),
        page("paid invoice page", format!("/invoices/{}", inv.number), &c),
        page("disputes", "/disputes".into(), &c),
        page("dispute thread", format!("/disputes/{dispute}"), &c),
        page("staff home", "/staff".into(), &a),
        page("staff invoices", "/staff/invoices".into(), &a),
        page("staff invoice", format!("/staff/invoices/{}", open.0), &a),
        page(
            "staff paid invoice",
            format!("/staff/invoices/{}", inv.id),
            &a,
        ),
        page("staff new draft", "/staff/invoices/new".into(), &a),
        page("staff customers", "/staff/customers".into(), &a),
        page(
            "staff customer",
            format!("/staff/customers/{customer_id}"),
            &a,
        ),
        page("staff disputes", "/staff/disputes".into(), &a),
        page(
            "staff dispute thread",
            format!("/staff/disputes/{dispute}"),
            &a,
        ),
        page("staff settings", "/staff/settings".into(), &a),
        page("staff users", "/staff/users".into(), &a),
    ]
}

/// The names of the data-heavy pages: the ones a dropped client most often
/// leaves half-rendered.
pub const DATA_HEAVY: [&str; 5] = [
    "invoice list",
    "invoice page",
    "pay link",
    "staff dispute thread",
    "staff invoice",
];

/// A client without cookies of its own (each request carries its page's).
pub fn plain_client() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(common::REQUEST_TIMEOUT)
        .build()
        .expect("client")
}

/// Loads `page` once; returns (status, body).
pub async fn load(client: &reqwest::Client, app_base: &str, page: &Page) -> (u16, String) {
    let mut req = client
        .get(format!("{app_base}{}", page.path))
        .header("Accept", "text/html");
    if let Some(c) = &page.cookie {
        req = req.header("Cookie", c);
    }
    let res = req.send().await.expect("an answer");
    let status = res.status().as_u16();
    (status, res.text().await.expect("a complete body"))
}
