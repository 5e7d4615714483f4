//! The "correct" action of the staff invoice page: a full credit note and a
//! new draft with the same lines, in one step; on either side, the link
//! between the corrected invoice and the draft that replaces it; and, on a
//! draft, the way to its edit form.
use crate::api::corrections::{CorrectInvoice as CorrectAction, invoice_correction};
use crate::components::errors::{done_in_query, error_text, refusal_in_query};
use crate::error::{AppError, Done, Refusal};
use crate::i18n::*;
use crate::model::correction::{CorrectionBlock, CorrectionInfo};
use crate::model::staff_invoice::StaffInvoiceView;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// What the correction block needs, loaded by the route component (never
/// under a `<Suspense>`: leptos-rs/leptos#4866).
pub type CorrectionResource = Resource<Result<CorrectionInfo, AppError>>;

/// Starts loading the corrections of the document `id()` once the page's
/// own load `page` has succeeded (its refusal decides the page). Actions come
/// back with a new query string, which refetches both.
pub fn correction_resource(
    id: impl Fn() -> i64 + Send + Sync + 'static,
    page: ArcResource<Result<StaffInvoiceView, AppError>>,
) -> CorrectionResource {
    let search = use_location().search;
    Resource::new(
        move || (id(), search.get()),
        move |(id, _)| {
            let page = page.clone();
            async move {
                crate::components::page_load::untracked(page).await?;
                invoice_correction(id).await
            }
        },
    )
}

/// Everything about corrections for the document `id`, in the actions column.
#[component]
pub fn CorrectInvoice(id: i64, info: CorrectionResource) -> impl IntoView {
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                info.await.ok().map(|info| view! { <Correction id info /> })
            })}
        </Suspense>
    }
}

/// The message for the refusal of the `correct` form: a rule's own code, or an error's.
fn refusal_text(r: &Refusal) -> String {
    match CorrectionBlock::parse(&r.code) {
        Some(b) => block_text(b),
        None => error_text(&match r.error() {
            e @ (AppError::NotFound | AppError::Conflict | AppError::Validation(_)) => e,
            _ => AppError::Internal,
        }),
    }
}

fn block_text(b: CorrectionBlock) -> String {
    let i18n = use_i18n();
    match b {
        CorrectionBlock::Draft => t_string!(i18n, correct_err_draft),
        CorrectionBlock::CreditNote => t_string!(i18n, correct_err_credit_note),
        CorrectionBlock::HasPayments => t_string!(i18n, correct_err_paid),
        CorrectionBlock::AlreadyCredited => t_string!(i18n, correct_err_credited),
    }
    .to_string()
}

#[component]
fn Correction(id: i64, info: CorrectionInfo) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<CorrectAction>::new();
    let refused = refusal_in_query("correct").map(|r| refusal_text(&r));
    let refused = move || refused.clone();
    let corrected = done_in_query() == Some(Done::Corrected);
    let corrected = move || corrected;
    let offer = info.blocked.is_none() && info.replaced_by.is_empty();
    // Why not, for an issued invoice whose correction staff might look for.
    let why_not = info
        .blocked
        .filter(|b| {
            matches!(
                b,
                CorrectionBlock::HasPayments | CorrectionBlock::AlreadyCredited
            ) && info.replaced_by.is_empty()
        })
        .map(block_text);
    view! {
        <div class="correction">
        {move || refused().map(|m| view! { <p class="alert" role="alert" data-testid="correct-error">{m}</p> })}
        {move || corrected().then(|| view! {
            <p class="notice" role="status" data-testid="corrected-notice">{t!(i18n, correct_done)}</p>
        })}
        <Links info=info.clone() />
        {(info.blocked == Some(CorrectionBlock::Draft)).then(|| view! {
            <p><a class="button-link" href=format!("/staff/invoices/{id}/edit") data-testid="edit-draft">{t!(i18n, draft_edit_link)}</a></p>
        })}
        {offer.then(|| view! {
            <section class="panel" aria-labelledby="correct-h">
                <h2 id="correct-h">{t!(i18n, correct_title)}</h2>
                <p class="hint">{t!(i18n, correct_hint)}</p>
                <ActionForm action>
                    <input type="hidden" name="id" value=id.to_string() />
                    <button type="submit" class="secondary" data-testid="correct-invoice">{t!(i18n, correct_submit)}</button>
                </ActionForm>
            </section>
        })}
        {why_not.map(|m| view! {
            <section class="panel" aria-labelledby="correct-h">
                <h2 id="correct-h">{t!(i18n, correct_title)}</h2>
                <p class="hint" data-testid="correct-unavailable">{m}</p>
            </section>
        })}
        </div>
    }
}

/// "Replaces invoice …" on the new draft, "Replaced by …" on the old invoice.
#[component]
fn Links(info: CorrectionInfo) -> impl IntoView {
    let i18n = use_i18n();
    let replaces = info.replaces.map(|(old, number)| {
        let text = t_string!(i18n, correct_replaces, number = number).to_string();
        view! {
            <p class="notice" data-testid="replaces">
                <a href=format!("/staff/invoices/{old}")>{text}</a>
            </p>
        }
    });
    let replaced_by = (!info.replaced_by.is_empty()).then(|| {
        let items = info
            .replaced_by
            .into_iter()
            .map(|(new, number)| {
                let label = number.unwrap_or_else(|| t_string!(i18n, status_draft).to_string());
                view! { <li><a href=format!("/staff/invoices/{new}")>{label}</a></li> }
            })
            .collect_view();
        view! {
            <section class="panel" data-testid="replaced-by">
                <h2>{t!(i18n, correct_replaced_by)}</h2>
                <ul>{items}</ul>
            </section>
        }
    });
    view! { {replaces} {replaced_by} }
}
