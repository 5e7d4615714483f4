//! Customer accounts.
use crate::model::document::{Address, Buyer};
use sqlx::{AnyConnection, Row};

/// The buyer block of a customer, as printed on invoices.
pub async fn buyer(conn: &mut AnyConnection, id: i64) -> Result<Buyer, sqlx::Error> {
    let r = sqlx::query(
        "SELECT name, address_line1, postal_code, city, country, siren, vat_number, is_business, billing_email, \
         delivery_line1, delivery_postal_code, delivery_city, delivery_country FROM customers WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    let delivery = Address {
        line1: r.try_get("delivery_line1")?,
        postal_code: r.try_get("delivery_postal_code")?,
        city: r.try_get("delivery_city")?,
        country: r.try_get("delivery_country")?,
    };
    let has_delivery = !delivery.line1.trim().is_empty();
    Ok(Buyer {
        name: r.try_get("name")?,
        address_line1: r.try_get("address_line1")?,
        postal_code: r.try_get("postal_code")?,
        city: r.try_get("city")?,
        country: r.try_get("country")?,
        siren: r.try_get("siren")?,
        vat_number: r.try_get("vat_number")?,
        is_business: r.try_get::<i64, _>("is_business")? != 0,
        delivery: has_delivery.then_some(delivery),
        email: r.try_get("billing_email")?,
    })
}

/// The language a customer reads documents and emails in.
pub async fn lang(pool: &sqlx::AnyPool, id: i64) -> Result<crate::model::lang::Lang, sqlx::Error> {
    let code: String = sqlx::query("SELECT lang FROM customers WHERE id = $1")
        .bind(id)
        .fetch_one(pool)
        .await?
        .try_get("lang")?;
    Ok(crate::model::lang::Lang::parse(&code).unwrap_or_default())
}

/// (id, name) of every customer, by name, for pickers.
pub async fn options(pool: &sqlx::AnyPool) -> Result<Vec<(i64, String)>, sqlx::Error> {
    let rows = sqlx::query("SELECT id, name FROM customers ORDER BY name, id")
        .fetch_all(pool)
        .await?;
    rows.iter()
        .map(|r| Ok((r.try_get("id")?, r.try_get("name")?)))
        .collect()
}

fn row(r: &sqlx::any::AnyRow) -> Result<crate::model::customer::CustomerRow, sqlx::Error> {
    Ok(crate::model::customer::CustomerRow {
        id: r.try_get("id")?,
        name: r.try_get("name")?,
        is_business: r.try_get::<i64, _>("is_business")? != 0,
        city: r.try_get("city")?,
        siren: r.try_get("siren")?,
        vat_number: r.try_get("vat_number")?,
        billing_email: r.try_get("billing_email")?,
        lang: r.try_get("lang")?,
    })
}

/// Customers whose name, email or SIREN contains `search`, by name.
pub async fn search(
    pool: &sqlx::AnyPool,
    search: &str,
    limit: i64,
) -> Result<Vec<crate::model::customer::CustomerRow>, sqlx::Error> {
    let like = format!(
        "%{}%",
        search
            .trim()
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    let rows = sqlx::query(
        "SELECT id, name, is_business, city, siren, vat_number, billing_email, lang FROM customers \
         WHERE LOWER(name) LIKE $1 ESCAPE '\\' OR LOWER(billing_email) LIKE $1 ESCAPE '\\' OR siren LIKE $1 ESCAPE '\\' \
         ORDER BY name, id LIMIT $2",
    )
    .bind(like)
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter().map(row).collect()
}

/// One customer's editable fields.
pub async fn get_input(
    pool: &sqlx::AnyPool,
    id: i64,
) -> Result<Option<crate::model::customer::CustomerInput>, sqlx::Error> {
    let r = sqlx::query(
        "SELECT name, is_business, address_line1, postal_code, city, country, siren, vat_number, billing_email, lang, \
         delivery_line1, delivery_postal_code, delivery_city, delivery_country FROM customers WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await?;
    r.map(|r| {
        Ok(crate::model::customer::CustomerInput {
            name: r.try_get("name")?,
            is_business: (r.try_get::<i64, _>("is_business")? != 0).then(|| "on".to_string()),
            address_line1: r.try_get("address_line1")?,
            postal_code: r.try_get("postal_code")?,
            city: r.try_get("city")?,
            country: r.try_get("country")?,
            siren: r.try_get("siren")?,
            vat_number: r.try_get("vat_number")?,
            billing_email: r.try_get("billing_email")?,
            lang: r.try_get("lang")?,
            delivery_line1: r.try_get("delivery_line1")?,
            delivery_postal_code: r.try_get("delivery_postal_code")?,
            delivery_city: r.try_get("delivery_city")?,
            delivery_country: r.try_get("delivery_country")?,
        })
    })
    .transpose()
}

/// Inserts (id = None) or updates a customer; returns its id.
pub async fn save<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    id: Option<i64>,
    c: &crate::model::customer::CustomerInput,
) -> Result<i64, sqlx::Error> {
    let business = i64::from(c.is_business.is_some());
    match id {
        Some(id) => {
            sqlx::query(
                "UPDATE customers SET name = $1, is_business = $2, address_line1 = $3, postal_code = $4, city = $5, \
                 country = $6, siren = $7, vat_number = $8, billing_email = $9, lang = $10, delivery_line1 = $11, \
                 delivery_postal_code = $12, delivery_city = $13, delivery_country = $14 WHERE id = $15",
            )
            .bind(&c.name)
            .bind(business)
            .bind(&c.address_line1)
            .bind(&c.postal_code)
            .bind(&c.city)
            .bind(&c.country)
            .bind(&c.siren)
            .bind(&c.vat_number)
            .bind(&c.billing_email)
            .bind(&c.lang)
            .bind(&c.delivery_line1)
            .bind(&c.delivery_postal_code)
            .bind(&c.delivery_city)
            .bind(&c.delivery_country)
            .bind(id)
            .execute(exec)
            .await?;
            Ok(id)
        }
        None => sqlx::query(
            "INSERT INTO customers (name, is_business, address_line1, postal_code, city, country, siren, vat_number, \
             billing_email, lang, delivery_line1, delivery_postal_code, delivery_city, delivery_country, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id",
        )
        .bind(&c.name)
        .bind(business)
        .bind(&c.address_line1)
        .bind(&c.postal_code)
        .bind(&c.city)
        .bind(&c.country)
        .bind(&c.siren)
        .bind(&c.vat_number)
        .bind(&c.billing_email)
        .bind(&c.lang)
        .bind(&c.delivery_line1)
        .bind(&c.delivery_postal_code)
        .bind(&c.delivery_city)
        .bind(&c.delivery_country)
        .bind(crate::server::db::now_ts())
        .fetch_one(exec)
        .await?
        .try_get("id"),
    }
}
