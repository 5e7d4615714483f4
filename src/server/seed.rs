//! `quittance seed-demo`: a demo company, customers with logins, staff, and
//! over thirty invoices in every state with credit notes. Invoices go through
//! the real services (draft -> issue -> credit), in date order, so numbering
//! is gapless and chronological. Dates are relative to today.
use super::auth::hash_password;
use super::db::seed::{
    CompanyInput, CustomerInput, insert_company, insert_customer, set_company_mentions,
    set_delivery,
};
use super::db::{Db, invoices, now_ts, payments, users};
use super::services::invoicing::{self, CreditRequest};
use crate::error::AppError;
use crate::model::document::{Address, OperationCategory};
use crate::model::draft::{DraftInput, DraftLineInput};
use crate::model::payment::{PaymentMethod, PaymentStatus};
use crate::model::role::Role;
use crate::model::vat::VatRate;
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

/// (description, unit, unit price in euros, VAT %)
const CATALOG: [(&str, &str, &str, &str); 8] = [
    ("Conseil en organisation — journée", "jour", "850", "20"),
    (
        "Développement d'un module de facturation sur mesure, recette et mise en production incluses",
        "h",
        "95",
        "20",
    ),
    ("Maintenance mensuelle", "mois", "240", "20"),
    ("Formation des équipes (organisme exonéré)", "h", "120", "0"),
    ("Livraison de pains spéciaux", "kg", "6,40", "5.5"),
    ("Travaux de rénovation énergétique", "forfait", "1800", "10"),
    ("Hébergement et sauvegardes", "mois", "49,90", "20"),
    ("Abonnement presse professionnelle", "an", "310", "2.1"),
];

/// What becomes of one demo invoice after it is issued.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Fate {
    Open,
    Paid,
    Partial,
    Disputed,
    FullyCredited,
    PartlyCredited,
}

const FATES: [Fate; 8] = [
    Fate::Paid,
    Fate::Open,
    Fate::Partial,
    Fate::Paid,
    Fate::Disputed,
    Fate::Open,
    Fate::PartlyCredited,
    Fate::FullyCredited,
];

fn demo_lines(n: usize) -> Vec<DraftLineInput> {
    (0..1 + n % 4)
        .map(|k| {
            let (d, u, p, v) = CATALOG[(n * 3 + k * 5) % CATALOG.len()];
            DraftLineInput {
                description: d.into(),
                quantity: ["1", "2", "1,5", "12", "3"][(n + k) % 5].into(),
                unit: u.into(),
                unit_price: p.into(),
                vat_rate: v.into(),
                discount_pct: if (n + k).is_multiple_of(6) {
                    "10".into()
                } else {
                    String::new()
                },
            }
        })
        .collect()
}

async fn seed_company(db: &Db) -> Result<(i64, i64), AppError> {
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
            is_business: true,
            address_line1: "3 place Bellecour",
            postal_code: "69002",
            city: "Lyon",
            siren: "552100554",
            vat_number: "FR96552100554",
            billing_email: "client@demo.test",
            lang: "fr",
        },
    )
    .await?;
    let c2 = insert_customer(
        pool,
        &CustomerInput {
            name: "Boulangerie Martin",
            is_business: true,
            address_line1: "8 quai des Chartrons",
            postal_code: "33000",
            city: "Bordeaux",
            siren: "443061841",
            vat_number: "FR64443061841",
            billing_email: "client2@demo.test",
            lang: "en",
        },
    )
    .await?;
    // The 2026 mentions: both customers are French businesses with a SIREN
    // (country FR); the bakery is delivered at its shop, not billed there.
    set_delivery(
        pool,
        c2,
        &Address {
            line1: "21 rue Sainte-Catherine".into(),
            postal_code: "33000".into(),
            city: "Bordeaux".into(),
            country: "FR".into(),
        },
    )
    .await?;
    set_company_mentions(pool, OperationCategory::Services, false).await?;
    Ok((c1, c2))
}

/// Gives an issued invoice its demo fate; returns the dispute it opened (and
/// the invoice's total excl. VAT), if any.
async fn apply_fate(
    db: &Db,
    id: i64,
    fate: Fate,
    when: NaiveDate,
    disputes_so_far: usize,
) -> Result<Option<(i64, i64)>, AppError> {
    let mut conn = db.pool.acquire().await?;
    let rec = invoices::get(&mut conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    match fate {
        Fate::Open => {}
        Fate::Paid => {
            drop(conn);
            let method = if id % 2 == 0 {
                PaymentMethod::Card
            } else {
                PaymentMethod::Transfer
            };
            demo_payment(db, &rec, rec.total_ttc, method, when).await?;
        }
        Fate::Partial => {
            drop(conn);
            demo_payment(db, &rec, rec.total_ttc / 3, PaymentMethod::Transfer, when).await?;
        }
        Fate::Disputed => {
            drop(conn);
            let dispute = super::seed_disputes::open(db, &rec, disputes_so_far, when).await?;
            return Ok(Some((dispute, rec.total_ht)));
        }
        Fate::FullyCredited => {
            drop(conn);
            invoicing::credit(db, id, &CreditRequest::Full, when, None).await?;
        }
        Fate::PartlyCredited => {
            drop(conn);
            let request = CreditRequest::Partial {
                amount_ht: (rec.total_ht / 4).max(100),
                vat_rate: VatRate::Standard20,
                description: "Geste commercial — retard de livraison".into(),
            };
            invoicing::credit(db, id, &request, when, None).await?;
        }
    }
    Ok(None)
}

/// A payment as the portal records them (a card payment through the simulated
/// provider, or a transfer entered by staff), with the balance recomputed.
async fn demo_payment(
    db: &Db,
    rec: &invoices::InvoiceRecord,
    amount: i64,
    method: PaymentMethod,
    when: NaiveDate,
) -> Result<(), AppError> {
    let now = now_ts();
    let online = method == PaymentMethod::Card;
    let pi = format!("pi_sim_demo_{}", rec.id);
    let received_on = when.format("%Y-%m-%d").to_string();
    let mut tx = db.begin_money().await?;
    let payment = payments::insert(
        &mut tx,
        &payments::NewPayment {
            invoice_id: rec.id,
            provider: if online { "simulated" } else { "offline" },
            method,
            status: PaymentStatus::Succeeded,
            amount,
            currency: &rec.currency,
            provider_payment_id: online.then_some(pi.as_str()),
            provider_session_id: None,
            reference: if online { &pi } else { "VIR SEPA DEMO" },
            failure_reason: None,
            received_on: Some(&received_on),
            recorded_by: None,
        },
        now,
    )
    .await?;
    payments::log(
        &mut tx,
        &payments::LogEntry {
            invoice_id: rec.id,
            payment_id: Some(payment),
            kind: if online {
                "succeeded"
            } else {
                "offline_recorded"
            },
            amount: Some(amount),
            detail: "",
            actor: None,
        },
        now,
    )
    .await?;
    crate::server::services::ledger::recompute(&mut tx, rec.id, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Creates the demo data in an empty database; returns the pay link of every
/// open invoice, newest first.
pub async fn seed_demo(db: &Db, today: NaiveDate) -> Result<Vec<(String, String)>, AppError> {
    let (c1, c2) = seed_company(db).await?;
    let mut links = Vec::new();
    let mut opened = Vec::new();
    // 34 invoices over 200 days, alternating customers, issued in date order.
    let mut reminded = super::seed_reminders::due_today(today, [c1, c2], demo_lines).into_iter();
    let mut next_reminded = reminded.next();
    for n in 0..34usize {
        let customer_id = if n % 2 == 0 { c1 } else { c2 };
        let issued = today - Duration::days(200 - (n as i64) * 6);
        while let Some((day, input)) = next_reminded.take_if(|(day, _)| *day <= issued) {
            super::seed_reminders::issue(db, day, &input).await?;
            next_reminded = reminded.next();
        }
        let input = DraftInput {
            customer_id,
            currency: "EUR".into(),
            sale_date: issued.format("%Y-%m-%d").to_string(),
            due_date: String::new(),
            deposits: String::new(),
            lines: demo_lines(n),
        };
        let id = invoicing::create_draft(db, &input, issued).await?;
        let issued_inv = invoicing::issue(db, id, issued, None).await?;
        let fate = FATES[n % FATES.len()];
        // Recent invoices stay open (not yet due); older ones get their fate.
        let fate = if n >= 30 { Fate::Open } else { fate };
        let when = issued + Duration::days(3);
        if let Some((dispute, total_ht)) = apply_fate(db, id, fate, when, opened.len()).await? {
            opened.push(super::seed_disputes::Opened {
                id: dispute,
                on: when,
                total_ht,
            });
        }
        if fate == Fate::Open {
            links.push((issued_inv.number, issued_inv.pay_token));
        }
    }
    for (day, input) in next_reminded.into_iter().chain(reminded) {
        super::seed_reminders::issue(db, day, &input).await?;
    }
    // The two most recent first (one per customer), then the older open ones.
    links.reverse();
    // One draft per customer: staff see them, customers never do.
    for customer_id in [c1, c2] {
        let input = DraftInput {
            customer_id,
            currency: "EUR".into(),
            sale_date: today.format("%Y-%m-%d").to_string(),
            due_date: String::new(),
            deposits: String::new(),
            lines: demo_lines(customer_id as usize),
        };
        invoicing::create_draft(db, &input, today).await?;
    }
    let agent = seed_users(db, c1, c2).await?;
    super::seed_disputes::staff_work(db, &opened, agent, today).await?;
    super::seed_reminders::history(db, today).await?;
    // The demo opens statements from pay links too (an admin setting, off by default).
    let mut conn = db.pool.acquire().await?;
    let settings = crate::server::db::statements::Settings {
        on_pay_link: true,
        link_days: 30,
    };
    crate::server::db::statements::save_settings(&mut conn, settings).await?;
    Ok(links)
}

/// The demo logins; returns the agent's id.
async fn seed_users(db: &Db, c1: i64, c2: i64) -> Result<i64, AppError> {
    let pool = &db.pool;
    let people = [
        (Role::Customer, Some(c1), "Claire Dubois"),
        (Role::Customer, Some(c2), "Marc Martin"),
        (Role::Agent, None, "Alice Agent"),
        (Role::Admin, None, "Adam Admin"),
    ];
    let mut agent = 0;
    for ((email, password, _), (role, customer, name)) in DEMO_LOGINS.iter().zip(people) {
        let hash = hash_password(password.to_string()).await?;
        let id = users::insert(pool, email, &hash, role, customer, name).await?;
        if role == Role::Agent {
            agent = id;
        }
    }
    Ok(agent)
}
