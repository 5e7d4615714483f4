//! Staff manage customer accounts.
use crate::error::AppError;
use crate::model::customer::{CustomerInput, CustomerRow};
use leptos::prelude::*;

#[cfg(feature = "ssr")]
const CUSTOMER_FLASH: &str = "customer_flash";

/// Customers matching a search (name, email, SIREN).
#[server(endpoint = "customers")]
pub async fn list_customers(#[server(default)] q: String) -> Result<Vec<CustomerRow>, AppError> {
    let (state, _) = crate::api::ctx::require_staff().await?;
    crate::api::ctx::no_store();
    crate::server::services::customers::search(&state.db, &q).await
}

/// The form's values: a refused submission from the session, else the stored customer, else empty.
#[server(endpoint = "customer_form")]
pub async fn customer_form(
    #[server(default)] id: Option<i64>,
) -> Result<(CustomerInput, crate::model::validate::FieldErrors), AppError> {
    use crate::api::ctx;
    let (state, _) = ctx::require_staff().await?;
    let session = ctx::session().await?;
    let flash: Option<(CustomerInput, crate::model::validate::FieldErrors)> = session
        .remove(CUSTOMER_FLASH)
        .await
        .map_err(|e| AppError::internal("session", e))?;
    if let Some(f) = flash {
        return Ok(f);
    }
    match id {
        Some(id) => crate::server::services::customers::form(&state.db, id)
            .await
            .map(|c| (c, Default::default()))
            .map_err(ctx::fail),
        None => Ok((
            CustomerInput {
                is_business: Some("on".into()),
                lang: "fr".into(),
                country: "FR".into(),
                ..Default::default()
            },
            Default::default(),
        )),
    }
}

/// Creates or updates a customer; bad fields come back next to each field.
#[server(endpoint = "save_customer")]
pub async fn save_customer(
    #[server(default)] id: Option<i64>,
    customer: CustomerInput,
) -> Result<(), AppError> {
    use crate::api::ctx;
    let (state, user) = ctx::require_staff().await?;
    match crate::model::customer::validate_customer(&customer) {
        Ok(clean) => {
            crate::server::services::customers::save(&state.db, id, &clean, user.id).await?;
            leptos_axum::redirect("/staff/customers");
            Ok(())
        }
        Err(errors) => {
            let session = ctx::session().await?;
            session
                .insert(CUSTOMER_FLASH, (customer, errors.clone()))
                .await
                .map_err(|e| AppError::internal("session", e))?;
            let e = ctx::fail(AppError::Validation(errors));
            let back = id
                .map(|i| format!("/staff/customers/{i}"))
                .unwrap_or_else(|| "/staff/customers/new".into());
            leptos_axum::redirect(&back);
            Err(e)
        }
    }
}

/// Invites a contact of a customer account to the portal by email.
#[server(endpoint = "invite_contact")]
pub async fn invite_contact(customer_id: i64, email: String, name: String) -> Result<(), AppError> {
    use crate::api::ctx;
    let (state, user) = ctx::require_staff().await?;
    match crate::server::services::customers::invite_contact(
        &state.db,
        customer_id,
        &email,
        &name,
        user.id,
    )
    .await
    {
        Ok(()) => {
            leptos_axum::redirect(&format!("/staff/customers/{customer_id}?invited=1"));
            Ok(())
        }
        Err(e) => {
            let e = ctx::fail(e);
            let refusal = crate::error::Refusal::new("invite", &e)
                .keep("invite_email", &email.chars().take(254).collect::<String>())
                .keep("invite_name", &name.chars().take(200).collect::<String>());
            let page = format!("/staff/customers/{customer_id}");
            leptos_axum::redirect(&refusal.redirect_to(&page, None));
            Err(e)
        }
    }
}
