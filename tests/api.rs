//! The ERP API (`/api/v1`) on SQLite and PostgreSQL: keys made by an admin on
//! the staff page, authentication and scopes, customers, invoices (numbers,
//! totals, immutability, cursor pagination), credit notes, payments,
//! idempotency (replay, another body, concurrent requests), problem answers,
//! the rate limit and the OpenAPI document.
use crate::common::{TestApp, TestDb, config_for, today};
use quittance::server::config::ApiRate;
use serde_json::{Value, json};

const ADMIN: (&str, &str) = ("admin@demo.test", "admin-demo-1");

/// Creates a key on `/staff/api-keys` as the demo admin, as a browser
/// without JavaScript does, and reads its secret from the page (shown once).
async fn key(app: &TestApp, name: &str, scope: &str) -> String {
    app.login(ADMIN.0, ADMIN.1).await;
    let res = app
        .form_post("/api/create_api_key", &[("name", name), ("scope", scope)])
        .await;
    assert!(res.status().is_redirection(), "{}", res.status());
    let page = app.get("/staff/api-keys").await.text().await.expect("page");
    let at = page.find("qk_live_").expect("the secret is shown once");
    let secret: String = page[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    assert_eq!(secret.len(), "qk_live_".len() + 43, "{secret}");
    let again = app.get("/staff/api-keys").await.text().await.expect("page");
    assert!(!again.contains(&secret), "shown only once");
    assert!(again.contains(name), "listed by name");
    secret
}

/// A client of the API with a key (no cookies: the key alone authenticates).
struct Api {
    base: String,
    key: String,
    http: reqwest::Client,
}

impl Api {
    fn new(app: &TestApp, key: &str) -> Api {
        Api {
            base: app.base.clone(),
            key: key.to_string(),
            http: reqwest::Client::builder()
                .timeout(crate::common::REQUEST_TIMEOUT)
                .build()
                .expect("client"),
        }
    }

    async fn get(&self, path: &str) -> (u16, Value) {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .send()
            .await
            .expect("get");
        answer(res).await
    }

    async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        idem: Option<&str>,
        body: &str,
    ) -> (u16, Value) {
        let mut req = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.key)
            .header("content-type", "application/json")
            .body(body.to_string());
        if let Some(k) = idem {
            req = req.header("Idempotency-Key", k);
        }
        answer(req.send().await.expect("send")).await
    }

    async fn post(&self, path: &str, idem: &str, body: &Value) -> (u16, Value) {
        self.send(reqwest::Method::POST, path, Some(idem), &body.to_string())
            .await
    }

    async fn put(&self, path: &str, body: &Value) -> (u16, Value) {
        self.send(reqwest::Method::PUT, path, None, &body.to_string())
            .await
    }
}

async fn answer(res: reqwest::Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let problem = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("application/problem+json"));
    let text = res.text().await.expect("body");
    let v: Value = serde_json::from_str(&text).unwrap_or(Value::String(text));
    if status >= 400 {
        assert!(problem, "an error is a problem+json: {status} {v}");
        assert_eq!(v["status"], status, "{v}");
    }
    (status, v)
}

fn person(name: &str) -> Value {
    json!({
        "name": name,
        "address_line1": "3 rue des Lilas",
        "postal_code": "69003",
        "city": "Lyon",
        "billing_email": "compta@client.test",
    })
}

fn draft(customer: i64, price: i64) -> Value {
    json!({
        "customer_id": customer,
        "lines": [
            {"description": "Conseil", "quantity": "2.5", "unit_price": price, "vat_rate": "20"},
            {"description": "Livre", "quantity": "3", "unit_price": 1999, "vat_rate": "5.5", "discount_pct": "10"},
        ],
    })
}

/// An Idempotency-Key for a name (header values are ASCII).
fn idem_for(name: &str) -> String {
    let ascii: String = name.chars().filter(char::is_ascii_alphanumeric).collect();
    format!("c-{ascii}")
}

async fn new_customer(api: &Api, name: &str) -> i64 {
    let (s, c) = api
        .post("/api/v1/customers", &idem_for(name), &person(name))
        .await;
    assert_eq!(s, 201, "{c}");
    c["id"].as_i64().expect("id")
}

async fn a_key_created_by_an_admin_authenticates_and_a_revoked_or_wrong_one_gets_the_same_401(
    db: &TestDb,
) {
    let app = TestApp::start(db, true).await;
    let secret = key(&app, "ERP", "write").await;
    let api = Api::new(&app, &secret);
    let (s, _) = api.get("/api/v1/customers").await;
    assert_eq!(s, 200);
    let used: Option<i64> = {
        use sqlx::Row;
        sqlx::query("SELECT last_used_at FROM api_keys WHERE name = 'ERP'")
            .fetch_one(&app.db.pool)
            .await
            .expect("key row")
            .get("last_used_at")
    };
    assert!(used.is_some(), "the last use is recorded");

    let wrong = Api::new(&app, &format!("qk_live_{}", "A".repeat(43)));
    let (s1, p1) = wrong.get("/api/v1/customers").await;
    let none = Api::new(&app, "");
    let (s0, p0) = none.get("/api/v1/customers").await;

    let id: i64 = {
        use sqlx::Row;
        sqlx::query("SELECT id FROM api_keys WHERE name = 'ERP'")
            .fetch_one(&app.db.pool)
            .await
            .expect("key row")
            .get("id")
    };
    let res = app
        .form_post("/api/revoke_api_key", &[("id", &id.to_string())])
        .await;
    assert!(res.status().is_redirection());
    let (s2, p2) = api.get("/api/v1/customers").await;
    assert_eq!((s0, s1, s2), (401, 401, 401));
    assert_eq!(p1, p2, "a revoked key reads like a wrong one");
    assert_eq!(p0, p2);
    app.stop().await;
}
on_both_databases!(
    a_key_created_by_an_admin_authenticates_and_a_revoked_or_wrong_one_gets_the_same_401
);

async fn a_read_key_gets_403_on_a_write_and_reads(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let api = Api::new(&app, &key(&app, "BI", "read").await);
    let (s, p) = api
        .post("/api/v1/customers", "k1", &person("Lecture"))
        .await;
    assert_eq!(s, 403, "{p}");
    let (s, _) = api.put("/api/v1/customers/1", &person("Lecture")).await;
    assert_eq!(s, 403);
    let (s, list) = api.get("/api/v1/invoices").await;
    assert_eq!(s, 200);
    assert!(list["data"].is_array());
    app.stop().await;
}
on_both_databases!(a_read_key_gets_403_on_a_write_and_reads);

async fn customers_are_created_updated_upserted_by_external_id_read_and_listed(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let api = Api::new(&app, &key(&app, "ERP", "write").await);
    let id = new_customer(&api, "Atelier Neuf").await;
    let (s, c) = api.get(&format!("/api/v1/customers/{id}")).await;
    assert_eq!(s, 200);
    assert_eq!(c["name"], "Atelier Neuf");
    assert_eq!(c["country"], "FR");

    let mut changed = person("Atelier Renommé");
    changed["lang"] = json!("en");
    let (s, c) = api.put(&format!("/api/v1/customers/{id}"), &changed).await;
    assert_eq!(s, 200, "{c}");
    assert_eq!(c["name"], "Atelier Renommé");
    assert_eq!(c["lang"], "en");

    let (s, up) = api
        .put(
            "/api/v1/customers/by-external-id/ERP-42",
            &person("Depuis l'ERP"),
        )
        .await;
    assert_eq!(s, 201, "{up}");
    assert_eq!(up["external_id"], "ERP-42");
    let (s, again) = api
        .put(
            "/api/v1/customers/by-external-id/ERP-42",
            &person("Depuis l'ERP, bis"),
        )
        .await;
    assert_eq!(s, 200, "{again}");
    assert_eq!(again["id"], up["id"], "the same customer");
    assert_eq!(again["name"], "Depuis l'ERP, bis");

    let mut bad = person("");
    bad["billing_email"] = json!("pas-un-email");
    let (s, p) = api
        .put("/api/v1/customers/by-external-id/ERP-43", &bad)
        .await;
    assert_eq!(s, 400, "{p}");
    let fields: Vec<&str> = p["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .filter_map(|e| e["field"].as_str())
        .collect();
    assert!(
        fields.contains(&"name") && fields.contains(&"billing_email"),
        "{p}"
    );

    let mut seen = Vec::new();
    let mut after = 0;
    loop {
        let (s, page) = api
            .get(&format!("/api/v1/customers?limit=2&starting_after={after}"))
            .await;
        assert_eq!(s, 200, "{page}");
        for c in page["data"].as_array().expect("data") {
            seen.push(c["id"].as_i64().expect("id"));
        }
        if page["has_more"] != true {
            break;
        }
        after = page["next_starting_after"].as_i64().expect("cursor");
    }
    let mut sorted = seen.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(sorted, seen, "each once, by id");
    assert!(seen.contains(&id));

    let audit: i64 = {
        use sqlx::Row;
        sqlx::query("SELECT COUNT(*) AS n FROM audit_log WHERE actor_label = 'api_key:ERP'")
            .fetch_one(&app.db.pool)
            .await
            .expect("audit")
            .get("n")
    };
    assert!(
        audit >= 4,
        "every write is audited with the key's name ({audit})"
    );
    app.stop().await;
}
on_both_databases!(customers_are_created_updated_upserted_by_external_id_read_and_listed);

async fn create_and_issue_give_a_gapless_number_the_page_s_totals_and_an_immutable_invoice(
    db: &TestDb,
) {
    let app = TestApp::start(db, true).await;
    let api = Api::new(&app, &key(&app, "ERP", "write").await);
    let customer = new_customer(&api, "Numérotation").await;
    let (s, a) = api
        .post("/api/v1/invoices", "i-a", &draft(customer, 12050))
        .await;
    assert_eq!(s, 201, "{a}");
    assert_eq!(a["status"], "draft");
    assert!(a["number"].is_null());
    assert_eq!(a["pay_link"], "none");

    // The same draft through the service the staff form posts to.
    let input = quittance::model::draft::DraftInput {
        customer_id: customer,
        currency: "EUR".into(),
        sale_date: String::new(),
        due_date: String::new(),
        deposits: String::new(),
        lines: vec![
            quittance::model::draft::DraftLineInput {
                description: "Conseil".into(),
                quantity: "2,5".into(),
                unit: String::new(),
                unit_price: "120,50".into(),
                vat_rate: "20".into(),
                discount_pct: String::new(),
            },
            quittance::model::draft::DraftLineInput {
                description: "Livre".into(),
                quantity: "3".into(),
                unit: String::new(),
                unit_price: "19,99".into(),
                vat_rate: "5,5".into(),
                discount_pct: "10".into(),
            },
        ],
    };
    let page_id = quittance::server::services::invoicing::create_draft(&app.db, &input, today())
        .await
        .expect("page draft");
    let (_, page) = api.get(&format!("/api/v1/invoices/{page_id}")).await;
    for k in ["total_ht", "total_vat", "total_ttc", "balance"] {
        assert_eq!(a[k], page[k], "{k}");
    }

    let id = a["id"].as_i64().expect("id");
    let (s, b) = api
        .post("/api/v1/invoices", "i-b", &draft(customer, 100))
        .await;
    assert_eq!(s, 201);
    let (s, ia) = api
        .post(
            &format!("/api/v1/invoices/{id}/issue"),
            "issue-a",
            &json!({}),
        )
        .await;
    assert_eq!(s, 200, "{ia}");
    let (s, ib) = api
        .post(
            &format!("/api/v1/invoices/{}/issue", b["id"]),
            "issue-b",
            &json!({}),
        )
        .await;
    assert_eq!(s, 200, "{ib}");
    let num = |v: &Value| -> (String, u32) {
        let n = v["number"].as_str().expect("number");
        let (series, seq) = n.rsplit_once('-').expect("series");
        (series.to_string(), seq.parse().expect("seq"))
    };
    let (sa, na) = num(&ia);
    let (sb, nb) = num(&ib);
    assert_eq!(sa, sb);
    assert_eq!(nb, na + 1, "no gap");
    assert_eq!(ia["status"], "issued");
    assert_eq!(ia["pay_link"], "live");
    assert!(ia["pay_url"].as_str().is_some_and(|u| u.contains("/pay/")));
    let (_, got) = api.get(&format!("/api/v1/invoices/{id}")).await;
    assert!(got.get("pay_url").is_none(), "the link is given once");
    assert_eq!(got["balance"], got["total_ttc"]);

    let (s, p) = api
        .post(
            &format!("/api/v1/invoices/{id}/issue"),
            "issue-a-again",
            &json!({}),
        )
        .await;
    assert_eq!(s, 409, "an issued invoice cannot change: {p}");

    let (s, pdf) = api.get(&format!("/api/v1/invoices/{id}/pdf")).await;
    assert_eq!(s, 200);
    assert!(pdf.as_str().is_some_and(|t| t.starts_with("%PDF")));
    let (s, xml) = api
        .get(&format!("/api/v1/invoices/{id}/factur-x.xml"))
        .await;
    assert_eq!(s, 200);
    assert!(xml.as_str().is_some_and(|t| t.contains(&sa)));
    app.stop().await;
}
on_both_databases!(
    create_and_issue_give_a_gapless_number_the_page_s_totals_and_an_immutable_invoice
);

async fn credit_notes_and_offline_payments_go_through_the_ledger(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let api = Api::new(&app, &key(&app, "ERP", "write").await);
    let customer = new_customer(&api, "Avoirs").await;
    let (_, inv) = api
        .post("/api/v1/invoices", "d", &draft(customer, 10000))
        .await;
    let id = inv["id"].as_i64().expect("id");
    let (s, p) = api
        .post(
            &format!("/api/v1/invoices/{id}/credit-notes"),
            "cn0",
            &json!({}),
        )
        .await;
    assert_eq!(s, 409, "a draft is not credited: {p}");
    api.post(&format!("/api/v1/invoices/{id}/issue"), "iss", &json!({}))
        .await;
    let (s, cn) = api
        .post(
            &format!("/api/v1/invoices/{id}/credit-notes"),
            "cn1",
            &json!({"amount_ht": 1000, "vat_rate": "20", "description": "Geste"}),
        )
        .await;
    assert_eq!(s, 201, "{cn}");
    assert_eq!(cn["total_ttc"], 1200);
    assert!(cn["number"].as_str().is_some_and(|n| n.starts_with("AV-")));
    let (_, after) = api.get(&format!("/api/v1/invoices/{id}")).await;
    assert_eq!(after["amount_credited"], 1200);
    let balance = after["balance"].as_i64().expect("balance");

    let (s, p) = api
        .post(
            &format!("/api/v1/invoices/{id}/payments"),
            "pay0",
            &json!({"amount": balance + 1, "method": "transfer", "received_on": today().to_string()}),
        )
        .await;
    assert_eq!(s, 400, "never above the balance: {p}");
    assert_eq!(p["errors"][0]["field"], "amount");
    let (s, pay) = api
        .post(
            &format!("/api/v1/invoices/{id}/payments"),
            "pay1",
            &json!({"amount": balance, "method": "cheque", "received_on": today().to_string(), "reference": "CHQ 1"}),
        )
        .await;
    assert_eq!(s, 201, "{pay}");
    assert_eq!(pay["amount"], balance);
    let (_, paid) = api.get(&format!("/api/v1/invoices/{id}")).await;
    assert_eq!(paid["status"], "paid");
    assert_eq!(paid["balance"], 0);
    let (_, list) = api.get(&format!("/api/v1/payments?invoice_id={id}")).await;
    assert_eq!(list["data"].as_array().map(Vec::len), Some(1));
    let (_, cns) = api
        .get(&format!("/api/v1/credit-notes?invoice_id={id}"))
        .await;
    assert_eq!(cns["data"][0]["id"], cn["id"]);
    app.stop().await;
}
on_both_databases!(credit_notes_and_offline_payments_go_through_the_ledger);

async fn cursor_pagination_returns_every_invoice_once_while_new_ones_are_inserted(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let api = Api::new(&app, &key(&app, "ERP", "write").await);
    let customer = new_customer(&api, "Pages").await;
    let mut made = Vec::new();
    for i in 0..5 {
        let (_, d) = api
            .post(
                "/api/v1/invoices",
                &format!("p{i}"),
                &draft(customer, 100 + i),
            )
            .await;
        made.push(d["id"].as_i64().expect("id"));
    }
    let mut seen = Vec::new();
    let mut after = 0;
    let mut step = 0;
    loop {
        let (s, page) = api
            .get(&format!(
                "/api/v1/invoices?customer_id={customer}&limit=2&starting_after={after}"
            ))
            .await;
        assert_eq!(s, 200, "{page}");
        for d in page["data"].as_array().expect("data") {
            seen.push(d["id"].as_i64().expect("id"));
        }
        if step < 3 {
            let (_, d) = api
                .post(
                    "/api/v1/invoices",
                    &format!("new{step}"),
                    &draft(customer, 7),
                )
                .await;
            made.push(d["id"].as_i64().expect("id"));
        }
        step += 1;
        if page["has_more"] != true {
            break;
        }
        after = page["next_starting_after"].as_i64().expect("cursor");
    }
    assert_eq!(seen, made, "every invoice exactly once, in id order");
    let (s, drafts) = api
        .get(&format!(
            "/api/v1/invoices?customer_id={customer}&status=paid"
        ))
        .await;
    assert_eq!(s, 200);
    assert_eq!(drafts["data"].as_array().map(Vec::len), Some(0));
    let (s, _) = api.get("/api/v1/invoices?status=nope").await;
    assert_eq!(s, 400);
    app.stop().await;
}
on_both_databases!(cursor_pagination_returns_every_invoice_once_while_new_ones_are_inserted);

async fn invoices_of(app: &TestApp, customer: i64) -> i64 {
    use sqlx::Row;
    sqlx::query("SELECT COUNT(*) AS n FROM invoices WHERE customer_id = $1")
        .bind(customer)
        .fetch_one(&app.db.pool)
        .await
        .expect("count")
        .get("n")
}

async fn an_idempotent_replay_returns_the_same_body_and_another_body_is_refused(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let api = Api::new(&app, &key(&app, "ERP", "write").await);
    let customer = new_customer(&api, "Rejeu").await;
    let (s1, first) = api
        .post("/api/v1/invoices", "same", &draft(customer, 500))
        .await;
    let (s2, second) = api
        .post("/api/v1/invoices", "same", &draft(customer, 500))
        .await;
    assert_eq!((s1, s2), (201, 201));
    assert_eq!(first, second, "the same body");
    assert_eq!(invoices_of(&app, customer).await, 1, "one invoice");

    let (s, p) = api
        .post("/api/v1/invoices", "same", &draft(customer, 501))
        .await;
    assert_eq!(s, 422, "{p}");
    assert_eq!(invoices_of(&app, customer).await, 1);

    let (s, p) = api
        .send(
            reqwest::Method::POST,
            "/api/v1/invoices",
            None,
            &draft(customer, 1).to_string(),
        )
        .await;
    assert_eq!(s, 400, "a POST needs an Idempotency-Key: {p}");
    assert_eq!(p["errors"][0]["field"], "Idempotency-Key");
    app.stop().await;
}
on_both_databases!(an_idempotent_replay_returns_the_same_body_and_another_body_is_refused);

async fn two_concurrent_creates_with_one_key_make_one_invoice(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let api = Api::new(&app, &key(&app, "ERP", "write").await);
    let customer = new_customer(&api, "Concurrence").await;
    let body = draft(customer, 900);
    let (a, b) = tokio::join!(
        api.post("/api/v1/invoices", "twice", &body),
        api.post("/api/v1/invoices", "twice", &body),
    );
    let mut statuses = [a.0, b.0];
    statuses.sort();
    assert!(
        statuses == [201, 201] || statuses == [201, 409],
        "one runs, the other waits for it or is told it runs: {statuses:?}"
    );
    assert_eq!(invoices_of(&app, customer).await, 1);
    app.stop().await;
}
on_both_databases!(two_concurrent_creates_with_one_key_make_one_invoice);

async fn malformed_json_and_unknown_fields_get_400_problems_with_field_errors(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let api = Api::new(&app, &key(&app, "ERP", "write").await);
    let (s, p) = api
        .send(
            reqwest::Method::POST,
            "/api/v1/customers",
            Some("m1"),
            "{\"name\": ",
        )
        .await;
    assert_eq!(s, 400, "{p}");
    assert_eq!(p["errors"][0]["code"], "invalid_json");
    let mut extra = person("Champ");
    extra["colour"] = json!("blue");
    let (s, p) = api.post("/api/v1/customers", "m2", &extra).await;
    assert_eq!(s, 400, "{p}");
    assert_eq!(p["errors"][0]["field"], "colour");
    assert_eq!(p["errors"][0]["code"], "unknown_field");
    let customer = new_customer(&api, "Lignes").await;
    let mut bad = draft(customer, 100);
    bad["lines"][1]["quantity"] = json!("-1");
    let (s, p) = api.post("/api/v1/invoices", "m3", &bad).await;
    assert_eq!(s, 400, "{p}");
    assert_eq!(p["errors"][0]["field"], "lines[1].quantity");
    let (s, p) = api.get("/api/v1/invoices?colour=blue").await;
    assert_eq!(s, 400, "{p}");
    app.stop().await;
}
on_both_databases!(malformed_json_and_unknown_fields_get_400_problems_with_field_errors);

async fn unknown_ids_and_ids_of_another_kind_get_404(db: &TestDb) {
    let app = TestApp::start(db, true).await;
    let api = Api::new(&app, &key(&app, "ERP", "write").await);
    for path in [
        "/api/v1/customers/999999",
        "/api/v1/invoices/999999",
        "/api/v1/invoices/999999/pdf",
    ] {
        let (s, p) = api.get(path).await;
        assert_eq!(s, 404, "{path}: {p}");
    }
    let (s, _) = api
        .put("/api/v1/customers/999999", &person("Personne"))
        .await;
    assert_eq!(s, 404);
    let customer = new_customer(&api, "Genre").await;
    let (_, inv) = api
        .post("/api/v1/invoices", "k", &draft(customer, 100))
        .await;
    let id = inv["id"].as_i64().expect("id");
    api.post(&format!("/api/v1/invoices/{id}/issue"), "i", &json!({}))
        .await;
    let (_, cn) = api
        .post(
            &format!("/api/v1/invoices/{id}/credit-notes"),
            "c",
            &json!({}),
        )
        .await;
    let (s, _) = api.get(&format!("/api/v1/invoices/{}", cn["id"])).await;
    assert_eq!(s, 404, "a credit note is not an invoice");
    let (s, _) = api
        .post(
            &format!("/api/v1/invoices/{}/payments", cn["id"]),
            "p",
            &json!({"amount": 1, "method": "cash", "received_on": today().to_string()}),
        )
        .await;
    assert_eq!(s, 404);
    let (s, _) = api
        .post("/api/v1/invoices", "x", &draft(999_999, 100))
        .await;
    assert_eq!(s, 400, "an unknown customer is a refused field");
    app.stop().await;
}
on_both_databases!(unknown_ids_and_ids_of_another_kind_get_404);

async fn the_rate_limit_answers_429_with_retry_after(db: &TestDb) {
    let mut config = config_for(&db.url);
    config.api_rate = ApiRate {
        per_second: 0.01,
        burst: 3.0,
    };
    let app = TestApp::start_configured(true, Default::default(), config).await;
    let secret = key(&app, "Pressé", "read").await;
    let http = reqwest::Client::new();
    let mut last = None;
    for _ in 0..4 {
        last = Some(
            http.get(app.url("/api/v1/customers"))
                .bearer_auth(&secret)
                .send()
                .await
                .expect("get"),
        );
    }
    let res = last.expect("answer");
    assert_eq!(res.status().as_u16(), 429);
    let wait: u64 = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .expect("Retry-After");
    assert!(wait >= 1);
    app.stop().await;
}
on_both_databases!(the_rate_limit_answers_429_with_retry_after);

async fn the_openapi_document_is_3_1_and_lists_every_route_and_the_reference_page_shows_them(
    db: &TestDb,
) {
    let app = TestApp::start(db, false).await;
    let doc: Value = reqwest::get(app.url("/api/v1/openapi.json"))
        .await
        .expect("get")
        .json()
        .await
        .expect("json");
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        doc["openapi"]
    );
    let routes = [
        ("post", "/api/v1/customers"),
        ("get", "/api/v1/customers"),
        ("put", "/api/v1/customers/{id}"),
        ("get", "/api/v1/customers/{id}"),
        ("put", "/api/v1/customers/by-external-id/{external_id}"),
        ("post", "/api/v1/invoices"),
        ("get", "/api/v1/invoices"),
        ("get", "/api/v1/invoices/{id}"),
        ("post", "/api/v1/invoices/{id}/issue"),
        ("get", "/api/v1/invoices/{id}/pdf"),
        ("get", "/api/v1/invoices/{id}/factur-x.xml"),
        ("post", "/api/v1/invoices/{id}/credit-notes"),
        ("get", "/api/v1/credit-notes"),
        ("get", "/api/v1/payments"),
        ("post", "/api/v1/invoices/{id}/payments"),
    ];
    let html = reqwest::get(app.url("/api/v1/docs"))
        .await
        .expect("docs")
        .text()
        .await
        .expect("html");
    for (method, path) in routes {
        assert!(doc["paths"][path][method].is_object(), "{method} {path}");
        assert!(
            html.contains(&format!("{} {path}", method.to_uppercase())),
            "{method} {path} on the page"
        );
    }
    assert_eq!(doc["paths"].as_object().map(|p| p.len()), Some(12));
    assert!(doc["components"]["schemas"]["InvoiceOut"].is_object());
    assert!(html.contains("id=\"schema-InvoiceOut\""));
    assert!(!html.contains("<script"), "no script");
    app.stop().await;
}
on_both_databases!(
    the_openapi_document_is_3_1_and_lists_every_route_and_the_reference_page_shows_them
);
