//! The company's identity and default terms (one row).
use crate::model::document::{OperationCategory, Seller, Terms};
use sqlx::{AnyPool, Row};

pub async fn load(pool: &AnyPool) -> Result<(Seller, Terms, bool), sqlx::Error> {
    let r = sqlx::query(
        "SELECT legal_name, legal_form, share_capital_minor, address_line1, postal_code, city, country, siren, siret, \
         rcs_city, vat_number, iban, bic, payment_terms_days, late_penalty_rate_bp, recovery_indemnity_minor, \
         early_discount_terms, accept_partial, vat_on_debits FROM company WHERE id = 1",
    )
    .fetch_one(pool)
    .await?;
    let seller = Seller {
        legal_name: r.try_get("legal_name")?,
        legal_form: r.try_get("legal_form")?,
        share_capital: r.try_get("share_capital_minor")?,
        address_line1: r.try_get("address_line1")?,
        postal_code: r.try_get("postal_code")?,
        city: r.try_get("city")?,
        country: r.try_get("country")?,
        siren: r.try_get("siren")?,
        siret: r.try_get("siret")?,
        rcs_city: r.try_get("rcs_city")?,
        vat_number: r.try_get("vat_number")?,
        iban: r.try_get("iban")?,
        bic: r.try_get("bic")?,
        vat_on_debits: r.try_get::<i64, _>("vat_on_debits")? != 0,
    };
    let terms = Terms {
        payment_terms_days: r.try_get("payment_terms_days")?,
        late_penalty_rate_bp: r.try_get("late_penalty_rate_bp")?,
        recovery_indemnity: Some(r.try_get("recovery_indemnity_minor")?),
        early_discount_terms: r.try_get("early_discount_terms")?,
    };
    Ok((seller, terms, r.try_get::<i64, _>("accept_partial")? != 0))
}

/// The company's default category of operation (goods, services or both),
/// which issuing freezes into each invoice. Services when none is set.
pub async fn operation_category(
    conn: &mut sqlx::AnyConnection,
) -> Result<OperationCategory, sqlx::Error> {
    let code: Option<String> =
        sqlx::query_scalar("SELECT operation_category FROM company WHERE id = 1")
            .fetch_optional(&mut *conn)
            .await?;
    Ok(code
        .as_deref()
        .and_then(OperationCategory::parse)
        .unwrap_or_default())
}

/// The settings form's current values.
pub async fn settings_input(
    pool: &AnyPool,
) -> Result<crate::model::settings::SettingsInput, sqlx::Error> {
    let (s, t, partial) = load(pool).await?;
    let operation = {
        let mut conn = pool.acquire().await?;
        operation_category(&mut conn).await?
    };
    let money = |m: i64| rust_decimal::Decimal::new(m, 2).to_string();
    Ok(crate::model::settings::SettingsInput {
        legal_name: s.legal_name,
        legal_form: s.legal_form,
        share_capital: s.share_capital.map(money).unwrap_or_default(),
        address_line1: s.address_line1,
        postal_code: s.postal_code,
        city: s.city,
        siren: s.siren,
        siret: s.siret,
        rcs_city: s.rcs_city,
        vat_number: s.vat_number,
        iban: s.iban,
        bic: s.bic,
        payment_terms_days: t.payment_terms_days.to_string(),
        late_penalty_rate: rust_decimal::Decimal::new(t.late_penalty_rate_bp, 2)
            .normalize()
            .to_string(),
        early_discount_terms: t.early_discount_terms,
        accept_partial: partial.then(|| "on".to_string()),
        vat_on_debits: s.vat_on_debits.then(|| "on".to_string()),
        operation_category: operation.as_str().to_string(),
    })
}

/// Stores the settings. Issued invoices keep the identity frozen at their issue.
pub async fn save<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    v: &crate::model::settings::ValidSettings,
) -> Result<(), sqlx::Error> {
    let t = &v.text;
    sqlx::query(
        "UPDATE company SET legal_name = $1, legal_form = $2, share_capital_minor = $3, address_line1 = $4, \
         postal_code = $5, city = $6, siren = $7, siret = $8, rcs_city = $9, vat_number = $10, iban = $11, bic = $12, \
         payment_terms_days = $13, late_penalty_rate_bp = $14, early_discount_terms = $15, accept_partial = $16, \
         vat_on_debits = $17, operation_category = $18 WHERE id = 1",
    )
    .bind(&t.legal_name)
    .bind(&t.legal_form)
    .bind(v.share_capital_minor)
    .bind(&t.address_line1)
    .bind(&t.postal_code)
    .bind(&t.city)
    .bind(&t.siren)
    .bind(&t.siret)
    .bind(&t.rcs_city)
    .bind(&t.vat_number)
    .bind(&t.iban)
    .bind(&t.bic)
    .bind(v.payment_terms_days)
    .bind(v.late_penalty_rate_bp)
    .bind(&t.early_discount_terms)
    .bind(i64::from(v.accept_partial))
    .bind(i64::from(v.vat_on_debits))
    .bind(v.operation_category.as_str())
    .execute(exec)
    .await?;
    Ok(())
}

/// The company logo as stored: PNG or JPEG bytes, checked on upload.
#[derive(Debug, Clone)]
pub struct Logo {
    pub content_type: String,
    pub bytes: Vec<u8>,
    /// A hash of the bytes: the version in the logo's URL and its HTTP ETag.
    pub etag: String,
}

/// The logo, if one was uploaded.
pub async fn logo(pool: &AnyPool) -> Result<Option<Logo>, sqlx::Error> {
    sqlx::query("SELECT content_type, bytes, etag FROM company_logo WHERE id = 1")
        .fetch_optional(pool)
        .await?
        .map(|r| {
            Ok(Logo {
                content_type: r.try_get("content_type")?,
                bytes: r.try_get("bytes")?,
                etag: r.try_get("etag")?,
            })
        })
        .transpose()
}

/// The logo's version only (pages link to it without loading the bytes).
pub async fn logo_etag(pool: &AnyPool) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT etag FROM company_logo WHERE id = 1")
        .fetch_optional(pool)
        .await
}

/// Replaces the logo.
pub async fn save_logo<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
    logo: &Logo,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO company_logo (id, content_type, bytes, etag, updated_at) VALUES (1, $1, $2, $3, $4) \
         ON CONFLICT (id) DO UPDATE SET content_type = excluded.content_type, bytes = excluded.bytes, \
         etag = excluded.etag, updated_at = excluded.updated_at",
    )
    .bind(&logo.content_type)
    .bind(&logo.bytes)
    .bind(&logo.etag)
    .bind(super::now_ts())
    .execute(exec)
    .await?;
    Ok(())
}

/// Removes the logo; returns whether there was one.
pub async fn delete_logo<'e>(
    exec: impl sqlx::Executor<'e, Database = sqlx::Any>,
) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query("DELETE FROM company_logo WHERE id = 1")
        .execute(exec)
        .await?
        .rows_affected()
        > 0)
}

/// The company's legal name, empty before the company is set up.
pub async fn legal_name(conn: &mut sqlx::AnyConnection) -> Result<String, sqlx::Error> {
    Ok(
        sqlx::query_scalar::<_, String>("SELECT legal_name FROM company WHERE id = 1")
            .fetch_optional(&mut *conn)
            .await?
            .unwrap_or_default(),
    )
}
