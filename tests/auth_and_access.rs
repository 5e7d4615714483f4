//! Sign-in, sessions, throttling and who may see what, on SQLite and PostgreSQL.

use crate::common;
use crate::common::{TestApp, TestDb, location};

async fn a_customer_logs_in_and_lands_on_their_invoices(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let res = app.login("client@demo.test", "client-demo-1").await;
    assert_eq!(res.status(), 302);
    assert_eq!(location(&res), "/invoices");
    let cookie = res
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    let page = app.get("/invoices").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.expect("body");
    assert!(
        html.contains("data-testid=\"invoice-list\""),
        "invoice list missing"
    );
    assert!(html.contains("Claire Dubois"));
    app.stop().await;
}
on_both_databases!(a_customer_logs_in_and_lands_on_their_invoices);

async fn a_wrong_password_and_an_unknown_email_get_the_same_refusal(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let wrong = app.login("client@demo.test", "nope").await;
    let unknown = app.login("nobody@demo.test", "nope").await;
    assert_eq!(wrong.status(), 302);
    assert!(
        location(&wrong).contains("err=credentials"),
        "{}",
        location(&wrong)
    );
    assert_eq!(
        location(&wrong).replace("client%40demo.test", "X"),
        location(&unknown).replace("nobody%40demo.test", "X")
    );
    let page = app.get("/invoices").await;
    assert_eq!(page.status(), 302, "no session after a failed login");
    app.stop().await;
}
on_both_databases!(a_wrong_password_and_an_unknown_email_get_the_same_refusal);

async fn five_failures_throttle_even_the_right_password(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    for _ in 0..5 {
        let res = app.login("client@demo.test", "wrong-guess").await;
        assert!(location(&res).contains("err=credentials"));
    }
    let res = app.login("client@demo.test", "client-demo-1").await;
    let to = location(&res);
    assert!(to.contains("err=throttled"), "{to}");
    assert!(to.contains("minutes=15"), "{to}");
    let shown = app.get(&to).await.text().await.expect("body");
    assert!(shown.contains("Trop de tentatives") || shown.contains("Too many failed attempts"));
    // Another account is not affected by this one's failures.
    let other = app.login("client2@demo.test", "client-demo-2").await;
    assert_eq!(location(&other), "/invoices");
    app.stop().await;
}
on_both_databases!(five_failures_throttle_even_the_right_password);

async fn logging_out_ends_the_session(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    app.login("client@demo.test", "client-demo-1").await;
    assert_eq!(app.get("/invoices").await.status(), 200);
    let res = app.form_post("/api/logout", &[]).await;
    assert_eq!(location(&res), "/login");
    let after = app.get("/invoices").await;
    assert_eq!(after.status(), 302);
    assert!(location(&after).starts_with("/login"));
    app.stop().await;
}
on_both_databases!(logging_out_ends_the_session);

async fn a_customer_sees_only_their_own_invoices(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    app.login("client2@demo.test", "client-demo-2").await;
    let res = app.call("/api/my_invoices", &[("status", "all")]).await;
    assert_eq!(res.status(), 200);
    let page: serde_json::Value = res.json().await.expect("json page");
    let mut list: Vec<serde_json::Value> = page["rows"].as_array().cloned().unwrap_or_default();
    let mut next = page["next"].as_str().map(String::from);
    while let Some(after) = next {
        let more: serde_json::Value = app
            .call("/api/my_invoices", &[("status", "all"), ("after", &after)])
            .await
            .json()
            .await
            .expect("json page");
        list.extend(more["rows"].as_array().cloned().unwrap_or_default());
        next = more["next"].as_str().map(String::from);
    }
    let own: Vec<String> = sqlx::query_scalar(
        "SELECT i.number FROM invoices i JOIN customers c ON c.id = i.customer_id \
         WHERE c.billing_email = $1 AND i.kind = 'invoice' AND i.status <> 'draft'",
    )
    .bind("client2@demo.test")
    .fetch_all(&app.db.pool)
    .await
    .expect("numbers");
    assert_eq!(
        list.len(),
        own.len(),
        "every issued invoice of client2, and only those"
    );
    for inv in &list {
        let n = inv["number"].as_str().unwrap_or_default().to_string();
        assert!(own.contains(&n), "{n} is not client2's");
    }
    let html = app.get("/invoices").await.text().await.expect("body");
    let others: Vec<String> = sqlx::query_scalar(
        "SELECT i.number FROM invoices i JOIN customers c ON c.id = i.customer_id \
         WHERE c.billing_email = $1 AND i.number IS NOT NULL",
    )
    .bind("client@demo.test")
    .fetch_all(&app.db.pool)
    .await
    .expect("numbers");
    for n in others {
        assert!(
            !html.contains(&n),
            "client2's page shows {n} of another customer"
        );
    }
    app.stop().await;
}
on_both_databases!(a_customer_sees_only_their_own_invoices);

async fn a_customer_is_refused_the_staff_area(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    app.login("client@demo.test", "client-demo-1").await;
    let page = app.get("/staff").await;
    assert_eq!(page.status(), 403);
    assert!(
        page.text()
            .await
            .expect("body")
            .contains("data-testid=\"forbidden\"")
    );
    let api = app.call("/api/staff_home", &[]).await;
    assert_eq!(api.status(), 403);
    app.stop().await;
}
on_both_databases!(a_customer_is_refused_the_staff_area);

async fn staff_reach_the_staff_area_and_are_kept_out_of_customer_lists(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let res = app.login("agent@demo.test", "agent-demo-1").await;
    assert_eq!(location(&res), "/staff");
    let page = app.get("/staff").await;
    assert_eq!(page.status(), 200);
    assert!(
        page.text()
            .await
            .expect("body")
            .contains("data-testid=\"staff-home\"")
    );
    let api = app.call("/api/my_invoices", &[("status", "all")]).await;
    assert_eq!(api.status(), 403);
    app.stop().await;
}
on_both_databases!(staff_reach_the_staff_area_and_are_kept_out_of_customer_lists);

async fn anonymous_visitors_are_sent_to_the_login_page(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let page = app.get("/invoices").await;
    assert_eq!(page.status(), 302);
    assert_eq!(location(&page), "/login?next=/invoices");
    assert_eq!(
        app.call("/api/my_invoices", &[("status", "all")])
            .await
            .status(),
        401
    );
    assert_eq!(app.call("/api/staff_home", &[]).await.status(), 401);
    app.stop().await;
}
on_both_databases!(anonymous_visitors_are_sent_to_the_login_page);

async fn a_session_survives_an_app_restart(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    app.login("client@demo.test", "client-demo-1").await;
    assert_eq!(app.get("/invoices").await.status(), 200);
    let jar = app.stop().await;
    let again = TestApp::start_with_jar(db, false, jar).await;
    let page = again.get("/invoices").await;
    assert_eq!(
        page.status(),
        200,
        "the session cookie still works after a restart"
    );
    again.stop().await;
}
on_both_databases!(a_session_survives_an_app_restart);

async fn bad_login_input_is_reported_per_field_and_the_email_is_kept(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let res = app
        .form_post(
            "/api/login",
            &[("email", "not-an-email"), ("password", ""), ("next", "")],
        )
        .await;
    let to = location(&res);
    assert!(to.contains("err=invalid"), "{to}");
    assert!(to.contains("err_email=invalid_email"), "{to}");
    assert!(to.contains("err_password=required"), "{to}");
    let html = app.get(&to).await.text().await.expect("body");
    assert!(html.contains("value=\"not-an-email\""), "typed email kept");
    assert!(html.contains("data-testid=\"error-email\""));
    assert!(html.contains("data-testid=\"error-password\""));
    let long = "a".repeat(400);
    let res = app
        .form_post(
            "/api/login",
            &[("email", &long), ("password", "x"), ("next", "")],
        )
        .await;
    assert!(location(&res).contains("err_email=too_long"));
    app.stop().await;
}
on_both_databases!(bad_login_input_is_reported_per_field_and_the_email_is_kept);

async fn the_health_check_answers_when_the_database_does(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 200);
    app.db.pool.close().await;
    let res = app.get("/healthz").await;
    assert_eq!(res.status(), 503);
    app.stop().await;
}
on_both_databases!(the_health_check_answers_when_the_database_does);

async fn a_cross_site_form_post_is_refused(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let res = app
        .client
        .post(app.url("/api/login"))
        .header("Origin", "https://evil.example")
        .form(&[("email", "client@demo.test"), ("password", "client-demo-1")])
        .send()
        .await
        .expect("post");
    assert_eq!(res.status(), 403);
    app.stop().await;
}
on_both_databases!(a_cross_site_form_post_is_refused);

async fn the_language_follows_the_browser_and_can_be_switched(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let en = app
        .client
        .get(app.url("/login"))
        .header("Accept-Language", "en-GB,en;q=0.9")
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("body");
    assert!(
        en.contains("<html lang=\"en\""),
        "English from Accept-Language"
    );
    let res = app.get("/lang/fr?next=/login").await;
    assert_eq!(res.status(), 303);
    assert_eq!(location(&res), "/login");
    let fr = app
        .client
        .get(app.url("/login"))
        .header("Accept-Language", "en-GB,en;q=0.9")
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("body");
    assert!(
        fr.contains("<html lang=\"fr\""),
        "the remembered choice wins over the browser"
    );
    assert!(fr.contains("Mot de passe"));
    let evil = app.get("/lang/en?next=//evil.example").await;
    assert_eq!(location(&evil), "/");
    app.stop().await;
}
on_both_databases!(the_language_follows_the_browser_and_can_be_switched);

async fn an_admin_reusing_an_email_for_a_staff_account_is_sent_back_to_the_form_with_the_reason(
    db: &TestDb,
) {
    let app = TestApp::start(db, true).await;
    app.login("admin@demo.test", "admin-demo-1").await;
    let res = app
        .form_post(
            "/api/create_staff",
            &[
                ("email", "agent@demo.test"),
                ("name", "Doublon"),
                ("role", "agent"),
                ("password", "a-long-enough-password"),
            ],
        )
        .await;
    assert!(res.status().is_redirection(), "got {}", res.status());
    let to = location(&res);
    assert!(to.starts_with("/staff/users?"), "{to}");
    assert!(to.contains("already_used"), "{to}");
    assert!(to.contains("Doublon"), "what was typed is kept: {to}");
    let page = app.get(&to).await.text().await.expect("page");
    assert!(page.contains("field-error"));
    assert!(page.contains("Doublon"));
    app.stop().await;
}
on_both_databases!(
    an_admin_reusing_an_email_for_a_staff_account_is_sent_back_to_the_form_with_the_reason
);

/// Next targets that browsers would take off the site, each as sent in a
/// query string (already percent-encoded once).
const HOSTILE_NEXT: [&str; 9] = [
    "/%09/evil.test",
    "/%0A/evil.test",
    "//evil.test",
    "/%5Cevil.test",
    "%2F%2Fevil.test",
    "/%252F/evil.test",
    "https://evil.test/",
    "javascript:alert(1)",
    "/%E2%88%95evil.test",
];

fn is_local(to: &str) -> bool {
    quittance::model::redirect::LocalPath::parse(to).is_some() && !to.contains("evil")
}

async fn a_hostile_next_after_a_language_switch_or_a_sign_in_stays_on_the_site(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    for next in HOSTILE_NEXT {
        let res = app.get(&format!("/lang/en?next={next}")).await;
        assert_eq!(res.status(), 303, "{next}");
        assert_eq!(location(&res), "/", "{next}");
        // The login page does not carry it into its form either.
        let login = app.get(&format!("/login?next={next}")).await;
        let html = login.text().await.expect("login page");
        let field = html
            .split("name=\"next\"")
            .nth(1)
            .map(|rest| &rest[..rest.find('>').unwrap_or(rest.len())])
            .expect("the next field");
        assert!(
            !field.contains("evil"),
            "{next} kept in the login form: {field}"
        );
    }
    let res = app.get("/lang/en?next=/invoices%3Fstatus%3Dpaid").await;
    assert_eq!(
        location(&res),
        "/invoices?status=paid",
        "a local path is kept"
    );

    // A sign-in posted with a hostile next lands on the user's home.
    for next in [
        "/\t/evil.test",
        "/\r\n/evil.test",
        "/%09/evil.test",
        "/\\evil.test",
        "\u{2215}\u{2215}evil.test",
    ] {
        let res = app
            .form_post(
                "/api/login",
                &[
                    ("email", "client@demo.test"),
                    ("password", "client-demo-1"),
                    ("next", next),
                ],
            )
            .await;
        assert_eq!(res.status(), 302, "{next:?}");
        let to = location(&res);
        assert_eq!(to, "/invoices", "{next:?}");
        assert!(is_local(&to));
        app.form_post("/api/logout", &[]).await;
    }
    let res = app
        .form_post(
            "/api/login",
            &[
                ("email", "client@demo.test"),
                ("password", "client-demo-1"),
                ("next", "/disputes"),
            ],
        )
        .await;
    assert_eq!(location(&res), "/disputes", "a local next is followed");
    app.stop().await;
}
on_both_databases!(a_hostile_next_after_a_language_switch_or_a_sign_in_stays_on_the_site);

async fn a_download_or_a_page_asked_signed_out_sends_to_the_login_with_the_path_encoded(
    db: &TestDb,
) {
    let app = TestApp::start(db, false).await;
    for (path, next) in [
        ("/invoices/x%0D%0Aevil/pdf", "%2F"),
        (
            "/invoices/x&next=%2F%2Fevil.test/pdf",
            "%2Finvoices%2Fx%2526next%253D%252F%252Fevil.test",
        ),
        ("/invoices/F-2026-000001/pdf", "%2Finvoices%2FF-2026-000001"),
    ] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 303, "{path}");
        assert_eq!(location(&res), format!("/login?next={next}"), "{path}");
    }
    // The invoice page itself: its number comes decoded from the URL.
    for (path, next) in [
        ("/invoices/x%0D%0Aevil", "%2Finvoices"),
        ("/invoices/F-2026-000001", "%2Finvoices%2FF-2026-000001"),
    ] {
        let res = app.get(path).await;
        assert!(res.status().is_redirection(), "{path}: {}", res.status());
        assert_eq!(location(&res), format!("/login?next={next}"), "{path}");
    }
    app.stop().await;
}
on_both_databases!(a_download_or_a_page_asked_signed_out_sends_to_the_login_with_the_path_encoded);

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

async fn pages_cannot_be_framed_and_carry_the_security_headers(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let page = app.get("/login").await;
    assert_eq!(page.status(), 200);
    let csp = header(&page, "content-security-policy");
    for part in [
        "default-src 'self'",
        "script-src 'self'",
        "'wasm-unsafe-eval'",
        "style-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ] {
        assert!(csp.contains(part), "{part} missing from {csp}");
    }
    assert!(!csp.contains("unsafe-inline"), "{csp}");
    assert_eq!(header(&page, "x-frame-options"), "DENY");
    assert_eq!(header(&page, "x-content-type-options"), "nosniff");
    assert_eq!(header(&page, "referrer-policy"), "same-origin");
    assert_eq!(
        header(&page, "strict-transport-security"),
        "",
        "http: no HSTS"
    );
    let html = page.text().await.expect("page");
    assert!(!html.contains(" style=\""), "no inline style on the page");
    // Not HTML: the same headers but the policy.
    let health = app.get("/healthz").await;
    assert_eq!(header(&health, "x-frame-options"), "DENY");
    assert_eq!(header(&health, "content-security-policy"), "");
    app.stop().await;

    let mut config = common::config_for(&db.url);
    config.public_base_url = "https://pay.example.test".into();
    let https = TestApp::start_configured(false, Default::default(), config).await;
    let page = https.get("/login").await;
    assert_eq!(
        header(&page, "strict-transport-security"),
        "max-age=31536000"
    );
    https.stop().await;
}
on_both_databases!(pages_cannot_be_framed_and_carry_the_security_headers);
