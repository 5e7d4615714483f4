//! The customer's dispute pages, server-rendered and fetched over HTTP on
//! SQLite and PostgreSQL: the dispute section of an invoice (pay link and
//! signed-in page), the thread (text only, never an internal note), the
//! customer's own list, and who the dispute server functions refuse.

use crate::common::{TestApp, TestDb, company_and_customer, location};
use chrono::NaiveDate;
use quittance::model::dispute::DisputeReason;
use quittance::model::draft::{DraftInput, DraftLineInput};
use quittance::model::role::Role;
use quittance::server::auth::hash_password;
use quittance::server::db::{now_ts, seed, users};
use quittance::server::services::disputes::{self, OpenDispute, Resolution, Viewer};
use quittance::server::services::invoicing::{self, Issued};

const PASSWORD: &str = "a long test password";

/// Runs one scenario on SQLite and on PostgreSQL, on worker threads with the
/// stack the server itself runs with (`main.rs`: 8 MiB; unoptimised builds
/// render deep pages past tokio's 2 MiB default).
macro_rules! on_both_databases_as_served {
    ($name:ident) => {
        mod $name {
            type MakeDb =
                fn() -> std::pin::Pin<Box<dyn std::future::Future<Output = super::TestDb>>>;

            fn run(db: MakeDb) {
                tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .thread_stack_size(8 << 20)
                    .enable_all()
                    .build()
                    .expect("runtime")
                    .block_on(async {
                        let db = db().await;
                        super::$name(&db).await;
                    });
            }

            #[test]
            fn on_sqlite() {
                run(|| Box::pin(super::TestDb::sqlite()));
            }

            #[test]
            fn on_postgres() {
                run(|| Box::pin(super::TestDb::postgres()));
            }
        }
    };
}

/// The opening tag of the element that carries `marker` (an attribute), so
/// that assertions do not depend on the order attributes are written in.
fn tag<'a>(html: &'a str, marker: &str) -> &'a str {
    let at = html
        .find(marker)
        .unwrap_or_else(|| panic!("{marker} in {html}"));
    let start = html[..at].rfind('<').expect("tag start");
    let end = at + html[at..].find('>').expect("tag end");
    &html[start..=end]
}

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

/// An issued invoice of two lines (20 % VAT) for `customer`.
async fn issued(app: &TestApp, customer: i64) -> Issued {
    let line = |description: &str, price: &str| DraftLineInput {
        description: description.into(),
        quantity: "1".into(),
        unit: String::new(),
        unit_price: price.into(),
        vat_rate: "20".into(),
        discount_pct: String::new(),
    };
    let draft = DraftInput {
        customer_id: customer,
        currency: "EUR".into(),
        sale_date: String::new(),
        due_date: String::new(),
        deposits: String::new(),
        lines: vec![
            line("Audit de sécurité", "100.00"),
            line("Formation des équipes", "50.00"),
        ],
    };
    let id = invoicing::create_draft(&app.db, &draft, today())
        .await
        .expect("draft");
    invoicing::issue(&app.db, id, today(), None)
        .await
        .expect("issue")
}

/// A user who can sign in with [`PASSWORD`].
async fn user(app: &TestApp, email: &str, role: Role, customer: Option<i64>, name: &str) -> i64 {
    let hash = hash_password(PASSWORD.into()).await.expect("hash");
    users::insert(&app.db.pool, email, &hash, role, customer, name)
        .await
        .expect("user")
}

/// Two customer accounts with one contact each, and an agent.
struct Parties {
    first: Viewer,
    first_id: i64,
    second: Viewer,
    second_id: i64,
    staff: Viewer,
}

async fn parties(app: &TestApp) -> Parties {
    let first_id = company_and_customer(&app.db, "compta@client.test").await;
    let second_id = seed::insert_customer(
        &app.db.pool,
        &seed::CustomerInput {
            name: "Autre Client SA",
            is_business: true,
            address_line1: "3 rue C",
            postal_code: "33000",
            city: "Bordeaux",
            siren: "443061841",
            vat_number: "",
            billing_email: "compta@autre.test",
            lang: "fr",
        },
    )
    .await
    .expect("second customer");
    let a = user(
        app,
        "camille@client.test",
        Role::Customer,
        Some(first_id),
        "Camille Client",
    )
    .await;
    let b = user(
        app,
        "dominique@autre.test",
        Role::Customer,
        Some(second_id),
        "Dominique Autre",
    )
    .await;
    let agent = user(app, "agent@test.test", Role::Agent, None, "Alex Agent").await;
    Parties {
        first: Viewer::Customer {
            customer_id: first_id,
            user_id: a,
        },
        first_id,
        second: Viewer::Customer {
            customer_id: second_id,
            user_id: b,
        },
        second_id,
        staff: Viewer::Staff(agent),
    }
}

async fn open(app: &TestApp, viewer: Viewer, invoice_id: i64, message: &str) -> i64 {
    let input = OpenDispute {
        invoice_id,
        reason: DisputeReason::Quality,
        disputed_amount: Some(6_000),
        lines: vec![1],
        message: message.into(),
    };
    disputes::open(&app.db, viewer, &input, now_ts())
        .await
        .expect("dispute opened")
}

async fn page(app: &TestApp, path: &str) -> (u16, String) {
    let res = app.get(path).await;
    let status = res.status().as_u16();
    (status, res.text().await.expect("html"))
}

async fn signed_in(app: &TestApp, email: &str) {
    let res = app.login(email, PASSWORD).await;
    assert!(res.status().is_redirection(), "login {}", res.status());
}

async fn a_pay_link_page_shows_the_dispute_form_with_the_invoice_lines(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let inv = issued(&app, p.first_id).await;
    let (status, html) = page(&app, &format!("/pay/{}", inv.pay_token)).await;
    assert_eq!(status, 200);
    assert!(html.contains(r#"data-testid="dispute-section""#), "{html}");
    assert!(html.contains(r#"id="dispute""#));
    assert!(html.contains(r#"data-testid="dispute-form""#));
    assert!(html.contains(&format!(r#"action="/pay/{}/disputes""#, inv.pay_token)));
    assert!(html.contains(r#"enctype="multipart/form-data""#));
    assert!(html.contains("Audit de sécurité") && html.contains("Formation des équipes"));
    assert!(tag(&html, r#"id="dispute-line-0""#).contains(r#"value="0""#));
    assert!(tag(&html, r#"id="dispute-line-1""#).contains(r#"name="lines""#));
    assert!(html.contains(r#"value="already_paid""#), "the six reasons");
    assert!(
        !tag(&html, r#"data-testid="dispute-details""#).contains(" open"),
        "closed until needed"
    );
    app.stop().await;
}
on_both_databases_as_served!(a_pay_link_page_shows_the_dispute_form_with_the_invoice_lines);

async fn a_refused_dispute_comes_back_with_its_error_next_to_the_field_and_what_was_typed(
    db: &TestDb,
) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let inv = issued(&app, p.first_id).await;
    let q = "dispute_err=invalid&dispute_err_amount=too_large&reason=quality&amount=999%2C50&lines=1&message=Trop%20cher%20%3Cb%3E";
    let (_, html) = page(&app, &format!("/pay/{}?{q}", inv.pay_token)).await;
    assert!(
        tag(&html, r#"data-testid="dispute-details""#).contains(" open"),
        "opened: {html}"
    );
    assert!(html.contains(r#"data-testid="dispute-error-amount""#));
    let amount = tag(&html, r#"id="dispute-amount""#);
    assert!(amount.contains(r#"aria-invalid="true""#), "{amount}");
    assert!(amount.contains(r#"value="999,50""#), "typed amount kept");
    assert!(
        amount.contains("dispute-amount-error"),
        "described by its error"
    );
    assert!(
        tag(&html, r#"value="quality""#).contains("selected"),
        "reason kept"
    );
    assert!(
        tag(&html, r#"id="dispute-line-1""#).contains("checked"),
        "line kept"
    );
    assert!(!tag(&html, r#"id="dispute-line-0""#).contains("checked"));
    let message = &html[html.find(r#"id="dispute-message""#).expect("message")..];
    assert!(
        message.contains("Trop cher &lt;b&gt;</textarea>"),
        "message kept, as text: {}",
        &message[..message.len().min(400)]
    );
    assert!(html.contains(r#"data-testid="dispute-files-again""#));

    let already = "dispute_err=invalid&dispute_err_invoice=already_used&message=x";
    let (_, html) = page(&app, &format!("/pay/{}?{already}", inv.pay_token)).await;
    assert!(
        html.contains("Un litige est déjà ouvert sur cette facture."),
        "{html}"
    );
    app.stop().await;
}
on_both_databases_as_served!(
    a_refused_dispute_comes_back_with_its_error_next_to_the_field_and_what_was_typed
);

async fn once_a_dispute_is_open_the_invoice_page_links_to_it_and_shows_no_form(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let inv = issued(&app, p.first_id).await;
    let id = open(&app, p.first, inv.id, "La formation n'a pas eu lieu.").await;
    signed_in(&app, "camille@client.test").await;
    let (status, html) = page(&app, &format!("/invoices/{}", inv.number)).await;
    assert_eq!(status, 200);
    assert!(
        html.contains(r#"data-testid="dispute-open-link""#),
        "{html}"
    );
    assert!(html.contains(&format!(r#"href="/disputes/{id}""#)));
    assert!(!html.contains(r#"data-testid="dispute-form""#));
    let (_, link_html) = page(&app, &format!("/pay/{}", inv.pay_token)).await;
    assert!(link_html.contains(&format!(r#"href="/pay/{}/disputes/{id}""#, inv.pay_token)));
    assert!(!link_html.contains(r#"data-testid="dispute-form""#));
    app.stop().await;
}
on_both_databases_as_served!(once_a_dispute_is_open_the_invoice_page_links_to_it_and_shows_no_form);

async fn the_thread_shows_messages_as_escaped_text_and_never_an_internal_note(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let inv = issued(&app, p.first_id).await;
    let id = open(
        &app,
        p.first,
        inv.id,
        "Regardez <script>alert(1)</script>\nligne 2",
    )
    .await;
    disputes::internal_note(
        &app.db,
        id,
        p.staff,
        "SECRET-NOTE: client difficile",
        now_ts(),
    )
    .await
    .expect("note");
    disputes::reply(&app.db, id, p.staff, "Nous regardons.", now_ts() + 1)
        .await
        .expect("reply");
    signed_in(&app, "camille@client.test").await;
    for path in [
        format!("/disputes/{id}"),
        format!("/pay/{}/disputes/{id}", inv.pay_token),
    ] {
        let (status, html) = page(&app, &path).await;
        assert_eq!(status, 200, "{path}");
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(!html.contains("<script>alert(1)"), "never as HTML");
        assert!(!html.contains("SECRET-NOTE"), "never an internal note");
        assert_eq!(html.matches(r#"data-testid="thread-message""#).count(), 2);
        assert!(html.contains("Nous regardons."));
        assert!(html.contains(r#"data-testid="reply-form""#));
        assert!(html.contains(&format!(r#"action="{path}/reply""#)));
        assert!(html.contains("Formation des équipes"), "the disputed line");
    }
    // What was typed comes back into the reply box as text, never as markup.
    let typed = "reply_err=invalid&reply_err_files=file_type&message=%3C%2Ftextarea%3E%3Cscript%3Ealert(2)%3C%2Fscript%3E";
    let (_, html) = page(&app, &format!("/disputes/{id}?{typed}")).await;
    assert!(!html.contains("<script>alert(2)"), "{html}");
    assert!(html.contains("&lt;/textarea&gt;&lt;script&gt;alert(2)&lt;/script&gt;</textarea>"));
    assert!(html.contains(r#"data-testid="reply-error-files""#));
    app.stop().await;
}
on_both_databases_as_served!(the_thread_shows_messages_as_escaped_text_and_never_an_internal_note);

async fn my_disputes_lists_only_the_signed_in_customers_own_disputes(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let mine = issued(&app, p.first_id).await;
    let theirs = issued(&app, p.second_id).await;
    let my_id = open(&app, p.first, mine.id, "Ma contestation").await;
    let their_id = open(&app, p.second, theirs.id, "THEIR-MESSAGE").await;
    signed_in(&app, "camille@client.test").await;
    let (status, html) = page(&app, "/disputes").await;
    assert_eq!(status, 200);
    assert_eq!(
        html.matches(r#"data-testid="my-disputes-row""#).count(),
        1,
        "{html}"
    );
    assert!(html.contains(&format!(r#"href="/disputes/{my_id}""#)));
    assert!(html.contains(&mine.number));
    assert!(!html.contains(&format!(r#"href="/disputes/{their_id}""#)));
    let (status, html) = page(&app, &format!("/disputes/{their_id}")).await;
    assert_eq!(status, 404);
    assert!(!html.contains("THEIR-MESSAGE"));
    app.stop().await;
}
on_both_databases_as_served!(my_disputes_lists_only_the_signed_in_customers_own_disputes);

async fn a_pay_link_holder_cannot_read_a_dispute_of_another_invoice(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let first = issued(&app, p.first_id).await;
    let second = issued(&app, p.first_id).await;
    let id = open(&app, p.first, second.id, "OTHER-INVOICE-MESSAGE").await;
    let (status, html) = page(&app, &format!("/pay/{}/disputes/{id}", first.pay_token)).await;
    assert_eq!(status, 404);
    assert!(!html.contains("OTHER-INVOICE-MESSAGE"));
    let id_text = id.to_string();
    let res = app
        .call(
            "/api/dispute_thread",
            &[
                ("kind", "link"),
                ("key", &first.pay_token),
                ("id", &id_text),
            ],
        )
        .await;
    assert_eq!(res.status(), 404);
    let res = app
        .call(
            "/api/dispute_thread",
            &[
                ("kind", "link"),
                ("key", &second.pay_token),
                ("id", &id_text),
            ],
        )
        .await;
    assert_eq!(res.status(), 200, "its own invoice's link reads it");
    app.stop().await;
}
on_both_databases_as_served!(a_pay_link_holder_cannot_read_a_dispute_of_another_invoice);

async fn the_dispute_server_functions_refuse_staff_other_customers_and_strangers(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let inv = issued(&app, p.first_id).await;
    let id = open(&app, p.first, inv.id, "Contestation").await;
    let id_text = id.to_string();
    let thread = [("kind", "customer"), ("key", ""), ("id", id_text.as_str())];
    let section = [("kind", "invoice"), ("key", inv.number.as_str())];

    assert_eq!(app.call("/api/my_disputes", &[]).await.status(), 401);
    assert_eq!(app.call("/api/dispute_thread", &thread).await.status(), 401);

    signed_in(&app, "agent@test.test").await;
    assert_eq!(app.call("/api/my_disputes", &[]).await.status(), 403);
    assert_eq!(app.call("/api/dispute_thread", &thread).await.status(), 403);
    assert_eq!(
        app.call("/api/invoice_disputes", &section).await.status(),
        403
    );
    assert_eq!(app.call("/api/reopen_dispute", &thread).await.status(), 403);
    app.form_post("/api/logout", &[]).await;

    signed_in(&app, "dominique@autre.test").await;
    let mine = app.call("/api/my_disputes", &[]).await;
    assert_eq!(mine.status(), 200);
    assert!(!mine.text().await.expect("body").contains(&inv.number));
    assert_eq!(app.call("/api/dispute_thread", &thread).await.status(), 404);
    assert_eq!(
        app.call("/api/invoice_disputes", &section).await.status(),
        404
    );
    assert_eq!(app.call("/api/reopen_dispute", &thread).await.status(), 404);
    let _ = p.second;
    app.stop().await;
}
on_both_databases_as_served!(
    the_dispute_server_functions_refuse_staff_other_customers_and_strangers
);

async fn a_closed_dispute_shows_its_outcome_and_reopens_from_its_thread(db: &TestDb) {
    let app = TestApp::start(db, false).await;
    let p = parties(&app).await;
    let inv = issued(&app, p.first_id).await;
    let id = open(&app, p.first, inv.id, "Contestation").await;
    let rejected = Resolution::Rejected {
        reason: "La formation a bien eu lieu le 3.".into(),
    };
    disputes::resolve(&app.db, id, p.staff, &rejected, today(), now_ts())
        .await
        .expect("rejected");
    signed_in(&app, "camille@client.test").await;
    let (_, html) = page(&app, &format!("/disputes/{id}")).await;
    assert!(html.contains(r#"data-testid="resolution""#), "{html}");
    assert!(html.contains("La formation a bien eu lieu le 3."));
    assert!(html.contains(r#"data-testid="reopen-button""#));
    assert!(
        !html.contains(r#"data-testid="reply-form""#),
        "no reply while closed"
    );
    let (_, section) = page(&app, &format!("/invoices/{}", inv.number)).await;
    assert!(section.contains(r#"data-testid="past-dispute""#));
    assert!(
        section.contains(r#"data-testid="dispute-form""#),
        "a new one may be opened"
    );

    let id_text = id.to_string();
    let res = app
        .form_post(
            "/api/reopen_dispute",
            &[("kind", "customer"), ("key", ""), ("id", &id_text)],
        )
        .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    assert_eq!(location(&res), format!("/disputes/{id}?done=reopened"));
    let again = app
        .form_post(
            "/api/reopen_dispute",
            &[("kind", "customer"), ("key", ""), ("id", &id_text)],
        )
        .await;
    assert_eq!(
        location(&again),
        format!("/disputes/{id}?reopen_err=conflict#reopen")
    );
    let (_, html) = page(&app, &format!("/disputes/{id}?done=reopened")).await;
    assert!(html.contains(r#"data-testid="dispute-done""#));
    assert!(html.contains(r#"data-testid="reply-form""#));
    app.stop().await;
}
on_both_databases_as_served!(a_closed_dispute_shows_its_outcome_and_reopens_from_its_thread);
