//! Statement payments: one checkout and one provider payment over several
//! invoices of a customer (see migration 0013 for the model). The parts are
//! rows of `payments`; this module reads and writes what ties them together.
use crate::model::payment::{PaymentMethod, PaymentStatus};
use sqlx::{AnyConnection, Row};

/// An open invoice of a customer with what stands between it and payment.
#[derive(Debug, Clone)]
pub struct OpenInvoice {
    pub invoice_id: i64,
    pub number: String,
    pub issue_date: String,
    pub due_date: String,
    pub currency: String,
    pub balance: i64,
    pub disputed: i64,
    /// Payments on their way (processing).
    pub in_flight: i64,
}

/// The customer's issued invoices that still expect money, oldest due first.
pub async fn open_invoices(
    conn: &mut AnyConnection,
    customer_id: i64,
) -> Result<Vec<OpenInvoice>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT i.id, i.number, i.issue_date, i.due_date, i.currency, \
         i.total_ttc - i.deposits - i.amount_paid - i.amount_credited AS balance, \
         CAST(COALESCE((SELECT SUM(d.disputed_amount) FROM disputes d WHERE d.invoice_id = i.id \
           AND d.status NOT IN ('resolved', 'rejected')), 0) AS BIGINT) AS disputed, \
         CAST(COALESCE((SELECT SUM(p.amount) FROM payments p WHERE p.invoice_id = i.id \
           AND p.status = 'processing'), 0) AS BIGINT) AS in_flight \
         FROM invoices i WHERE i.customer_id = $1 AND i.kind = 'invoice' \
         AND i.status IN ('issued', 'partially_paid', 'disputed') AND i.number IS NOT NULL \
         ORDER BY i.due_date, i.issue_date, i.number",
    )
    .bind(customer_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(OpenInvoice {
                invoice_id: r.try_get("id")?,
                number: r.try_get("number")?,
                issue_date: r.try_get("issue_date")?,
                due_date: r.try_get("due_date")?,
                currency: r.try_get("currency")?,
                balance: r.try_get("balance")?,
                disputed: r.try_get("disputed")?,
                in_flight: r.try_get("in_flight")?,
            })
        })
        .collect()
}

/// A checkout over several invoices.
#[derive(Debug, Clone)]
pub struct GroupCheckout {
    pub id: i64,
    pub customer_id: i64,
    pub provider_session_id: Option<String>,
    pub amount: i64,
    pub currency: String,
    pub url: String,
    pub status: String,
    pub plan_key: String,
    pub expires_at: i64,
}

const CHECKOUT_COLS: &str = "SELECT id, customer_id, provider_session_id, amount, currency, url, status, \
    plan_key, expires_at FROM group_checkouts";

fn checkout_row(r: &sqlx::any::AnyRow) -> Result<GroupCheckout, sqlx::Error> {
    Ok(GroupCheckout {
        id: r.try_get("id")?,
        customer_id: r.try_get("customer_id")?,
        provider_session_id: r.try_get("provider_session_id")?,
        amount: r.try_get("amount")?,
        currency: r.try_get("currency")?,
        url: r.try_get("url")?,
        status: r.try_get("status")?,
        plan_key: r.try_get("plan_key")?,
        expires_at: r.try_get("expires_at")?,
    })
}

/// A new checkout, before the provider is asked (its session id comes after).
pub struct NewCheckout<'a> {
    pub customer_id: i64,
    pub provider: &'a str,
    pub amount: i64,
    pub currency: &'a str,
    pub plan_key: &'a str,
    pub expires_at: i64,
}

pub async fn insert_checkout(
    conn: &mut AnyConnection,
    c: &NewCheckout<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query(
        "INSERT INTO group_checkouts (customer_id, provider, amount, currency, plan_key, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(c.customer_id)
    .bind(c.provider)
    .bind(c.amount)
    .bind(c.currency)
    .bind(c.plan_key)
    .bind(now)
    .bind(c.expires_at)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")
}

pub async fn insert_item(
    conn: &mut AnyConnection,
    checkout_id: i64,
    position: i64,
    invoice_id: i64,
    amount: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO group_checkout_items (checkout_id, position, invoice_id, amount) VALUES ($1, $2, $3, $4)",
    )
    .bind(checkout_id)
    .bind(position)
    .bind(invoice_id)
    .bind(amount)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Records the provider's session of a checkout.
pub async fn set_session(
    conn: &mut AnyConnection,
    id: i64,
    session_id: &str,
    url: &str,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE group_checkouts SET provider_session_id = $1, url = $2, expires_at = $3 WHERE id = $4",
    )
    .bind(session_id)
    .bind(url)
    .bind(expires_at)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Closes a checkout (`complete` or `expired`); a closed one stays closed
/// except that `complete` wins over `expired` (a payment came in).
pub async fn close_checkout(
    conn: &mut AnyConnection,
    id: i64,
    status: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE group_checkouts SET status = $1 WHERE id = $2 AND (status = 'open' OR $1 = 'complete')",
    )
    .bind(status)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The open checkouts of a customer.
pub async fn open_checkouts(
    conn: &mut AnyConnection,
    customer_id: i64,
) -> Result<Vec<GroupCheckout>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "{CHECKOUT_COLS} WHERE customer_id = $1 AND status = 'open' ORDER BY id"
    ))
    .bind(customer_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(checkout_row).collect()
}

/// The open checkouts that would pay this invoice.
pub async fn open_checkouts_with_invoice(
    conn: &mut AnyConnection,
    invoice_id: i64,
) -> Result<Vec<GroupCheckout>, sqlx::Error> {
    let rows = sqlx::query(&format!(
        "{CHECKOUT_COLS} WHERE status = 'open' AND id IN \
         (SELECT checkout_id FROM group_checkout_items WHERE invoice_id = $1) ORDER BY id"
    ))
    .bind(invoice_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter().map(checkout_row).collect()
}

pub async fn checkout_by_id(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<GroupCheckout>, sqlx::Error> {
    let row = sqlx::query(&format!("{CHECKOUT_COLS} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(checkout_row).transpose()
}

pub async fn checkout_by_session(
    conn: &mut AnyConnection,
    session_id: &str,
) -> Result<Option<GroupCheckout>, sqlx::Error> {
    let row = sqlx::query(&format!("{CHECKOUT_COLS} WHERE provider_session_id = $1"))
        .bind(session_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(checkout_row).transpose()
}

/// One invoice of a checkout, in allocation order, with its number.
#[derive(Debug, Clone)]
pub struct CheckoutItem {
    pub position: i64,
    pub invoice_id: i64,
    pub number: String,
    pub amount: i64,
}

pub async fn items(
    conn: &mut AnyConnection,
    checkout_id: i64,
) -> Result<Vec<CheckoutItem>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT g.position, g.invoice_id, COALESCE(i.number, '') AS number, g.amount \
         FROM group_checkout_items g JOIN invoices i ON i.id = g.invoice_id \
         WHERE g.checkout_id = $1 ORDER BY g.position",
    )
    .bind(checkout_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(CheckoutItem {
                position: r.try_get("position")?,
                invoice_id: r.try_get("invoice_id")?,
                number: r.try_get("number")?,
                amount: r.try_get("amount")?,
            })
        })
        .collect()
}

/// The provider payment of a checkout.
#[derive(Debug, Clone)]
pub struct PaymentGroup {
    pub id: i64,
    pub checkout_id: i64,
    pub customer_id: i64,
    pub provider_payment_id: String,
    pub status: PaymentStatus,
    pub method: PaymentMethod,
    pub amount: i64,
    pub currency: String,
    pub failure_reason: Option<String>,
    pub succeeded_at: Option<i64>,
    pub updated_at: i64,
}

const GROUP_COLS: &str = "SELECT id, checkout_id, customer_id, provider_payment_id, status, method, \
    amount, currency, failure_reason, succeeded_at, updated_at FROM payment_groups";

fn group_row(r: &sqlx::any::AnyRow) -> Result<PaymentGroup, sqlx::Error> {
    let status: String = r.try_get("status")?;
    let method: String = r.try_get("method")?;
    Ok(PaymentGroup {
        id: r.try_get("id")?,
        checkout_id: r.try_get("checkout_id")?,
        customer_id: r.try_get("customer_id")?,
        provider_payment_id: r.try_get("provider_payment_id")?,
        status: PaymentStatus::parse(&status)
            .ok_or_else(|| sqlx::Error::Decode(format!("bad payment status {status}").into()))?,
        method: PaymentMethod::from_provider(&method),
        amount: r.try_get("amount")?,
        currency: r.try_get("currency")?,
        failure_reason: r.try_get("failure_reason")?,
        succeeded_at: r.try_get("succeeded_at")?,
        updated_at: r.try_get("updated_at")?,
    })
}

pub async fn group_by_ref(
    conn: &mut AnyConnection,
    provider_payment_id: &str,
) -> Result<Option<PaymentGroup>, sqlx::Error> {
    let row = sqlx::query(&format!("{GROUP_COLS} WHERE provider_payment_id = $1"))
        .bind(provider_payment_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(group_row).transpose()
}

pub async fn group_of_checkout(
    conn: &mut AnyConnection,
    checkout_id: i64,
) -> Result<Option<PaymentGroup>, sqlx::Error> {
    let row = sqlx::query(&format!("{GROUP_COLS} WHERE checkout_id = $1"))
        .bind(checkout_id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(group_row).transpose()
}

pub async fn group_by_id(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<PaymentGroup>, sqlx::Error> {
    let row = sqlx::query(&format!("{GROUP_COLS} WHERE id = $1"))
        .bind(id)
        .fetch_optional(&mut *conn)
        .await?;
    row.as_ref().map(group_row).transpose()
}

/// A provider payment arriving for a checkout.
pub struct NewGroup<'a> {
    pub checkout_id: i64,
    pub customer_id: i64,
    pub provider: &'a str,
    pub provider_payment_id: &'a str,
    pub status: PaymentStatus,
    pub method: PaymentMethod,
    pub amount: i64,
    pub currency: &'a str,
    pub failure_reason: Option<&'a str>,
}

pub async fn insert_group(
    conn: &mut AnyConnection,
    g: &NewGroup<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let succeeded_at = (g.status == PaymentStatus::Succeeded).then_some(now);
    sqlx::query(
        "INSERT INTO payment_groups (checkout_id, customer_id, provider, provider_payment_id, status, method, \
         amount, currency, failure_reason, succeeded_at, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
    )
    .bind(g.checkout_id)
    .bind(g.customer_id)
    .bind(g.provider)
    .bind(g.provider_payment_id)
    .bind(g.status.as_str())
    .bind(g.method.as_str())
    .bind(g.amount)
    .bind(g.currency)
    .bind(g.failure_reason)
    .bind(succeeded_at)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")
}

/// Writes the merged state of a group and of each of its parts (they share it).
pub async fn set_state(
    conn: &mut AnyConnection,
    group_id: i64,
    status: PaymentStatus,
    method: PaymentMethod,
    failure_reason: Option<&str>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE payment_groups SET status = $1, method = $2, failure_reason = $3, \
         succeeded_at = CASE WHEN $1 = 'succeeded' THEN COALESCE(succeeded_at, $4) ELSE succeeded_at END, \
         updated_at = $4 WHERE id = $5",
    )
    .bind(status.as_str())
    .bind(method.as_str())
    .bind(failure_reason)
    .bind(now)
    .bind(group_id)
    .execute(&mut *conn)
    .await?;
    let col = match status {
        PaymentStatus::Processing => "processing_at",
        PaymentStatus::Failed => "failed_at",
        PaymentStatus::Succeeded => "succeeded_at",
    };
    sqlx::query(&format!(
        "UPDATE payments SET status = $1, method = $2, failure_reason = $3, \
         {col} = COALESCE({col}, $4), updated_at = $4 WHERE group_id = $5"
    ))
    .bind(status.as_str())
    .bind(method.as_str())
    .bind(failure_reason)
    .bind(now)
    .bind(group_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// One invoice's part of a group payment.
#[derive(Debug, Clone)]
pub struct GroupPart {
    pub payment_id: i64,
    pub invoice_id: i64,
    pub number: String,
    pub position: i64,
    pub amount: i64,
    pub refunded: i64,
    pub charged_back: i64,
}

/// The parts of a group, in allocation order.
pub async fn parts(conn: &mut AnyConnection, group_id: i64) -> Result<Vec<GroupPart>, sqlx::Error> {
    let rows = sqlx::query(
        "SELECT p.id, p.invoice_id, COALESCE(i.number, '') AS number, p.group_position, p.amount, \
         p.part_refunded, p.part_charged_back \
         FROM payments p JOIN invoices i ON i.id = p.invoice_id WHERE p.group_id = $1 ORDER BY p.group_position",
    )
    .bind(group_id)
    .fetch_all(&mut *conn)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(GroupPart {
                payment_id: r.try_get("id")?,
                invoice_id: r.try_get("invoice_id")?,
                number: r.try_get("number")?,
                position: r.try_get("group_position")?,
                amount: r.try_get("amount")?,
                refunded: r.try_get("part_refunded")?,
                charged_back: r.try_get("part_charged_back")?,
            })
        })
        .collect()
}

/// A part to insert: a payment of its invoice tied to its group.
pub struct NewPart<'a> {
    pub group_id: i64,
    pub position: i64,
    pub invoice_id: i64,
    pub amount: i64,
    pub provider: &'a str,
    pub method: PaymentMethod,
    pub status: PaymentStatus,
    pub currency: &'a str,
    /// The provider's payment id, as the part's reference (it is the group's key).
    pub reference: &'a str,
    pub session_id: Option<&'a str>,
}

pub async fn insert_part(
    conn: &mut AnyConnection,
    p: &NewPart<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let at = |s: PaymentStatus| (p.status == s).then_some(now);
    sqlx::query(
        "INSERT INTO payments (invoice_id, provider, method, status, amount, currency, provider_session_id, \
         reference, processing_at, succeeded_at, failed_at, group_id, group_position, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $14) RETURNING id",
    )
    .bind(p.invoice_id)
    .bind(p.provider)
    .bind(p.method.as_str())
    .bind(p.status.as_str())
    .bind(p.amount)
    .bind(p.currency)
    .bind(p.session_id)
    .bind(p.reference)
    .bind(at(PaymentStatus::Processing))
    .bind(at(PaymentStatus::Succeeded))
    .bind(at(PaymentStatus::Failed))
    .bind(p.group_id)
    .bind(p.position)
    .bind(now)
    .fetch_one(&mut *conn)
    .await?
    .try_get("id")
}

/// Writes a part's share of what the provider took back.
pub async fn set_taken_back(
    conn: &mut AnyConnection,
    payment_id: i64,
    refunded: i64,
    charged_back: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE payments SET part_refunded = $1, part_charged_back = $2 WHERE id = $3")
        .bind(refunded)
        .bind(charged_back)
        .bind(payment_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

/// What the provider took back from a provider payment: refunds the ledger
/// counts, and chargebacks holding money.
pub async fn taken_back(
    conn: &mut AnyConnection,
    provider_payment_id: &str,
) -> Result<(i64, i64), sqlx::Error> {
    let r = sqlx::query(
        "SELECT CAST(COALESCE((SELECT counted FROM provider_refunds WHERE provider_payment_id = $1), 0) AS BIGINT) \
           AS refunded, \
         CAST(COALESCE((SELECT SUM(amount) FROM chargebacks WHERE provider_payment_id = $1 AND holds_money = 1), 0) \
           AS BIGINT) AS charged_back",
    )
    .bind(provider_payment_id)
    .fetch_one(&mut *conn)
    .await?;
    Ok((r.try_get("refunded")?, r.try_get("charged_back")?))
}

/// Writes the method a charge told on a group payment and its parts.
pub async fn set_method(
    conn: &mut AnyConnection,
    provider_payment_id: &str,
    method: PaymentMethod,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE payment_groups SET method = $1 WHERE provider_payment_id = $2")
        .bind(method.as_str())
        .bind(provider_payment_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE payments SET method = $1 WHERE group_id IN \
         (SELECT id FROM payment_groups WHERE provider_payment_id = $2)",
    )
    .bind(method.as_str())
    .bind(provider_payment_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}
