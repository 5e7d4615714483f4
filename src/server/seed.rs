//! `quittance seed-demo`: a demo company, two customers with logins, staff, and
//! invoices in every state, with dates relative to today so "overdue" stays true.
use super::auth::hash_password;
use super::db::seed::{
    CompanyInput, CustomerInput, InvoiceInput, insert_company, insert_customer, insert_invoice,
};
use super::db::{Db, users};
use crate::error::AppError;
use crate::model::role::Role;
use chrono::{Duration, NaiveDate};

/// The demo logins, printed by `make run` and listed in the README.
pub const DEMO_LOGINS: [(&str, &str, &str); 4] = [
    (
        "client@demo.test",
        "client-demo-1",
        "customer (Atelier Dubois SARL)",
    ),
    (
        "client2@demo.test",
        "client-demo-2",
        "customer (Boulangerie Martin)",
    ),
    ("agent@demo.test", "agent-demo-1", "agent"),
    ("admin@demo.test", "admin-demo-1", "admin"),
];

/// Whether the database has no users yet.
pub async fn is_empty(db: &Db) -> Result<bool, AppError> {
    Ok(users::count(&db.pool).await? == 0)
}

fn iso(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// (days ago issued, payment terms in days, HT in cents, status, paid in cents)
type DemoInvoice = (i64, i64, i64, &'static str, i64);

const CLIENT1_INVOICES: [DemoInvoice; 5] = [
    (95, 30, 120_000, "paid", 144_000),
    (60, 30, 250_000, "issued", 0),
    (40, 30, 98_050, "partially_paid", 50_000),
    (10, 30, 1_028_800, "issued", 0),
    (20, 30, 45_000, "disputed", 0),
];

const CLIENT2_INVOICES: [DemoInvoice; 4] = [
    (80, 30, 32_000, "paid", 38_400),
    (45, 15, 12_500, "issued", 0),
    (5, 30, 64_000, "issued", 0),
    (25, 30, 18_000, "partially_paid", 10_000),
];

/// Creates the demo data in an empty database.
pub async fn seed_demo(db: &Db, today: NaiveDate) -> Result<(), AppError> {
    let pool = &db.pool;
    insert_company(
        pool,
        &CompanyInput {
            legal_name: "Quittance Démo SAS",
            legal_form: "SAS",
            share_capital_minor: 1_000_000,
            address_line1: "12 rue de la Paix",
            postal_code: "75002",
            city: "Paris",
            siren: "732829320",
            siret: "73282932000074",
            rcs_city: "Paris",
            vat_number: "FR44732829320",
            iban: "FR7630006000011234567890189",
            bic: "AGRIFRPPXXX",
        },
    )
    .await?;
    let c1 = insert_customer(
        pool,
        &CustomerInput {
            name: "Atelier Dubois SARL",
            address_line1: "3 place Bellecour",
            postal_code: "69002",
            city: "Lyon",
            siren: "552100554",
            vat_number: "FR11552100554",
            billing_email: "client@demo.test",
            lang: "fr",
        },
    )
    .await?;
    let c2 = insert_customer(
        pool,
        &CustomerInput {
            name: "Boulangerie Martin",
            address_line1: "8 quai des Chartrons",
            postal_code: "33000",
            city: "Bordeaux",
            siren: "443061841",
            vat_number: "FR65443061841",
            billing_email: "client2@demo.test",
            lang: "en",
        },
    )
    .await?;
    // Issue in chronological order so numbers follow dates, as the law requires.
    let mut all: Vec<(i64, DemoInvoice)> = CLIENT1_INVOICES.iter().map(|i| (c1, *i)).collect();
    all.extend(CLIENT2_INVOICES.iter().map(|i| (c2, *i)));
    all.sort_by_key(|(_, (ago, ..))| -ago);
    for (seq, (customer_id, (ago, terms, ht, status, paid))) in all.into_iter().enumerate() {
        let issued = today - Duration::days(ago);
        let number = format!("F-{}-{:06}", issued.format("%Y"), seq + 1);
        insert_invoice(
            pool,
            &InvoiceInput {
                customer_id,
                number: &number,
                status,
                issue_date: &iso(issued),
                due_date: &iso(issued + Duration::days(terms)),
                total_ht: ht,
                total_vat: ht / 5,
                amount_paid: paid,
            },
        )
        .await?;
    }
    let logins = [(c1, "Claire Dubois"), (c2, "Marc Martin")];
    for ((email, password, _), (customer_id, name)) in DEMO_LOGINS.iter().zip(logins) {
        let hash = hash_password(password.to_string()).await?;
        users::insert(pool, email, &hash, Role::Customer, Some(customer_id), name).await?;
    }
    for ((email, password, _), (role, name)) in DEMO_LOGINS[2..]
        .iter()
        .zip([(Role::Agent, "Alice Agent"), (Role::Admin, "Adam Admin")])
    {
        let hash = hash_password(password.to_string()).await?;
        users::insert(pool, email, &hash, role, None, name).await?;
    }
    Ok(())
}
