//! Customer accounts.
use crate::model::document::Buyer;
use sqlx::{AnyConnection, Row};

/// The buyer block of a customer, as printed on invoices.
pub async fn buyer(conn: &mut AnyConnection, id: i64) -> Result<Buyer, sqlx::Error> {
    let r = sqlx::query(
        "SELECT name, address_line1, postal_code, city, country, siren, vat_number, is_business FROM customers WHERE id = $1",
    )
    .bind(id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(Buyer {
        name: r.try_get("name")?,
        address_line1: r.try_get("address_line1")?,
        postal_code: r.try_get("postal_code")?,
        city: r.try_get("city")?,
        country: r.try_get("country")?,
        siren: r.try_get("siren")?,
        vat_number: r.try_get("vat_number")?,
        is_business: r.try_get::<i64, _>("is_business")? != 0,
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
    let rows = sqlx::query("SELECT id, name FROM customers ORDER BY name, id").fetch_all(pool).await?;
    rows.iter().map(|r| Ok((r.try_get("id")?, r.try_get("name")?))).collect()
}
