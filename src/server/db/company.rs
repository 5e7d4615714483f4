//! The company's identity and default terms (one row).
use crate::model::document::{Seller, Terms};
use sqlx::{AnyPool, Row};

pub async fn load(pool: &AnyPool) -> Result<(Seller, Terms, bool), sqlx::Error> {
    let r = sqlx::query(
        "SELECT legal_name, legal_form, share_capital_minor, address_line1, postal_code, city, country, siren, siret, \
         rcs_city, vat_number, iban, bic, payment_terms_days, late_penalty_rate_bp, recovery_indemnity_minor, \
         early_discount_terms, accept_partial FROM company WHERE id = 1",
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
    };
    let terms = Terms {
        payment_terms_days: r.try_get("payment_terms_days")?,
        late_penalty_rate_bp: r.try_get("late_penalty_rate_bp")?,
        recovery_indemnity: Some(r.try_get("recovery_indemnity_minor")?),
        early_discount_terms: r.try_get("early_discount_terms")?,
    };
    Ok((seller, terms, r.try_get::<i64, _>("accept_partial")? != 0))
}
