//! The lifecycle statuses of an invoice (e-invoicing: 200 deposited … 212
//! collected), a small server-rendered list on the customer's invoice page,
//! the pay link and the staff invoice page. No island: nothing here reacts.
use crate::api::lifecycle::{invoice_lifecycle, staff_invoice_lifecycle};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::document::{DocKind, InvoiceDocument};
use crate::model::format::{format_date, format_money, parse_iso_date};
use crate::model::lang::Lang;
use crate::model::lifecycle::{LifecycleCode, LifecycleEntry};
use crate::model::staff_invoice::StaffInvoiceView;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// The list's data. Created by the route component (never under a
/// `<Suspense>`: leptos-rs/leptos#4866).
pub type LifecycleResource = Resource<Result<Vec<LifecycleEntry>, AppError>>;

/// The customer's list of `kind`/`key` once the page's document `doc` has
/// loaded (a refused document decides the page; a credit note has none).
pub fn lifecycle_resource(
    kind: &'static str,
    key: impl Fn() -> String + Send + Sync + 'static,
    doc: ArcResource<Result<InvoiceDocument, AppError>>,
) -> LifecycleResource {
    Resource::new(key, move |key| {
        let doc = doc.clone();
        async move {
            if crate::components::page_load::untracked(doc).await?.kind == DocKind::CreditNote {
                return Err(AppError::NotFound);
            }
            invoice_lifecycle(kind.to_string(), key).await
        }
    })
}

/// The staff list of invoice `id`, once the page's view has loaded (a draft
/// has no statuses).
pub fn staff_lifecycle_resource(
    id: impl Fn() -> i64 + Send + Sync + 'static,
    page: ArcResource<Result<StaffInvoiceView, AppError>>,
) -> LifecycleResource {
    let search = use_location().search;
    Resource::new(
        move || (id(), search.get()),
        move |(id, _)| {
            let page = page.clone();
            async move {
                if crate::components::page_load::untracked(page).await?.draft {
                    return Ok(Vec::new());
                }
                staff_invoice_lifecycle(id).await
            }
        },
    )
}

/// The section, reading `data`; nothing when it could not be loaded.
#[component]
pub fn LifecycleSection(data: LifecycleResource) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                data.await.ok().map(|entries| view! { <LifecycleList entries /> })
            })}
        </Suspense>
    }
}

/// A status's label in the page's language.
pub fn code_label(code: LifecycleCode) -> String {
    let i18n = use_i18n();
    match code {
        LifecycleCode::Deposited => t_string!(i18n, lc_200),
        LifecycleCode::TakenOver => t_string!(i18n, lc_204),
        LifecycleCode::Approved => t_string!(i18n, lc_205),
        LifecycleCode::PartiallyApproved => t_string!(i18n, lc_206),
        LifecycleCode::Disputed => t_string!(i18n, lc_207),
        LifecycleCode::Suspended => t_string!(i18n, lc_208),
        LifecycleCode::Refused => t_string!(i18n, lc_210),
        LifecycleCode::PaymentSent => t_string!(i18n, lc_211),
        LifecycleCode::Collected => t_string!(i18n, lc_212),
    }
    .to_string()
}

#[component]
fn LifecycleList(entries: Vec<LifecycleEntry>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let empty = entries.is_empty();
    view! {
        <section class="panel lifecycle" aria-labelledby="lc-h" data-testid="lifecycle">
            <h2 id="lc-h">{t!(i18n, lc_title)}</h2>
            <p class="hint">{t!(i18n, lc_hint)}</p>
            {empty.then(|| view! { <p>{t!(i18n, lc_empty)}</p> })}
            <ol class="history lifecycle-list">
                {entries.into_iter().map(|e| {
                    let day = parse_iso_date(&e.date).map_or(e.date.clone(), |d| format_date(d, lang));
                    let amount = e.amount.map(|a| format_money(a, e.currency.as_deref().unwrap_or("EUR"), lang));
                    view! {
                        <li data-code=e.code.code().to_string()>
                            <time datetime=e.date.clone()>{day}</time>
                            " — " <span class="lc-code">{e.code.code().to_string()}</span> " "
                            <span class="lc-label">{code_label(e.code)}</span>
                            {amount.map(|a| view! { " — " <span class="lc-amount">{a}</span> })}
                        </li>
                    }
                }).collect_view()}
            </ol>
        </section>
    }
}
