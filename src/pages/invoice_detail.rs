//! `/invoices/{number}`: one invoice with every legal mention and its PDF.
use crate::api::invoices::invoice_detail;
use crate::components::dispute_form::{DisputeSection, dispute_section_resource};
use crate::components::document::{CreditNoteLinks, DocSummary, DocumentView};
use crate::components::errors::error_text;
use crate::components::lifecycle::{LifecycleSection, lifecycle_resource};
use crate::components::pay_panel::{PayPanelView, pay_panel_resource};
use crate::components::reminder_section::{ReminderBlock, reminder_section_resource};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::document::DocKind;
use crate::model::redirect::{LocalPath, path_segment};
use crate::pages::not_found::NotFoundPage;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;

#[component]
pub fn InvoiceDetailPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let number = move || params.with(|p| p.get("number")).unwrap_or_default();
    // Every resource of the page starts here, never under the Suspense
    // (leptos-rs/leptos#4866); the panels follow the document.
    let loading = ArcResource::new(number, invoice_detail);
    let doc = Resource::from(loading.clone());
    let panel = pay_panel_resource("invoice", number, loading.clone());
    let disputes = dispute_section_resource("invoice", number, loading.clone());
    let lifecycle = lifecycle_resource("invoice", number, loading.clone());
    let reminders = reminder_section_resource("invoice", number, loading);
    view! {
        <Suspense fallback=move || view! { <p aria-busy="true">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move { match doc.await {
                Ok(doc) if doc.kind == DocKind::CreditNote => {
                    // A credit note is neither paid nor disputed: the document alone.
                    let pdf = format!("/invoices/{}/pdf", doc.number);
                    view! {
                        <Title text=doc.number.clone() />
                        <p class="back"><a href="/invoices">"← " {t!(i18n, nav_invoices)}</a></p>
                        <DocumentView doc pdf_href=pdf />
                    }
                    .into_any()
                }
                Ok(doc) => {
                    let pdf = format!("/invoices/{}/pdf", doc.number);
                    let base = format!("/invoices/{}", doc.number);
                    // The first screen says which invoice, from whom, how much
                    // and by when, then offers the pay button.
                    view! {
                        <Title text=doc.number.clone() />
                        <p class="back"><a href="/invoices">"← " {t!(i18n, nav_invoices)}</a></p>
                        <DocSummary doc=doc.clone() />
                        <PayPanelView kind="invoice" key=doc.number.clone() base panel />
                        <ReminderBlock kind="invoice" key=doc.number.clone() currency=doc.currency.clone() data=reminders />
                        <DisputeSection kind="invoice" key=doc.number.clone() data=disputes />
                        <DocumentView doc pdf_href=pdf credit_note_links=CreditNoteLinks::Account summarised=true />
                        <LifecycleSection data=lifecycle />
                    }
                    .into_any()
                }
                Err(AppError::Unauthenticated) => {
                    // The number comes decoded from the URL: encoded again, and
                    // only a path of this site is followed (a line break in it
                    // would not even make a header).
                    let here = format!("/invoices/{}", path_segment(&number()));
                    let to = LocalPath::parse_or(Some(&here), "/invoices").login_url();
                    view! { <Redirect path=to /> }.into_any()
                }
                Err(AppError::NotFound) => view! { <NotFoundPage /> }.into_any(),
                Err(e) => view! { <p class="alert" role="alert">{error_text(&e)}</p> }.into_any(),
            }})}
        </Suspense>
    }
}
