//! `/pay/{token}`: the invoice a pay link opens, without an account. Shows the
//! invoice, its PDF, the amount due and the bank details; nothing else of the
//! customer's account. Unknown, revoked or expired links give a plain 404.
use crate::api::invoices::{PayLinkSignup, pay_link_invoice};
use crate::components::dispute_form::{DisputeSection, dispute_section_resource};
use crate::components::document::{CreditNoteLinks, DocSummary, DocumentView};
use crate::components::lifecycle::{LifecycleSection, lifecycle_resource};
use crate::components::pay_panel::{PayPanelView, pay_panel_resource};
use crate::components::reminder_section::{ReminderBlock, reminder_section_resource};
use crate::components::statement::{PayLinkStatementLink, pay_link_statement_resource};
use crate::error::AppError;
use crate::i18n::*;
use crate::pages::not_found::NotFoundPage;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn PayPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let token = move || params.with(|p| p.get("token")).unwrap_or_default();
    // Every resource of the page starts here, never under the Suspense
    // (leptos-rs/leptos#4866); the panels follow the document.
    let loading = ArcResource::new(token, pay_link_invoice);
    let doc = Resource::from(loading.clone());
    let panel = pay_panel_resource("link", token, loading.clone());
    let disputes = dispute_section_resource("link", token, loading.clone());
    let lifecycle = lifecycle_resource("link", token, loading.clone());
    let reminders = reminder_section_resource("link", token, loading);
    let statement = pay_link_statement_resource(token);
    view! {
        // The token is a secret: keep it out of other sites' logs. Not
        // "no-referrer": with it, browsers send `Origin: null` on this page's
        // own form posts, which the same-origin guard refuses.
        <Meta name="referrer" content="same-origin" />
        <Suspense fallback=move || view! { <p aria-busy="true">{t!(i18n, loading)}</p> }>
            {move || Suspend::new(async move { match doc.await {
                Ok(doc) => {
                    let pdf = format!("/pay/{}/pdf", token());
                    let links = CreditNoteLinks::PayLink(token());
                    // The first screen says which invoice, from whom, how much
                    // and by when, then offers the pay button.
                    view! {
                        <Title text=doc.number.clone() />
                        <DocSummary doc=doc.clone() />
                        <PayPanelView kind="link" key=token() base=format!("/pay/{}", token()) panel />
                        <p class="pay-transfer">{t!(i18n, pay_by_transfer)}</p>
                        <PayLinkStatementLink token=token() allowed=statement />
                        <ReminderBlock kind="link" key=token() currency=doc.currency.clone() data=reminders />
                        <DisputeSection kind="link" key=token() data=disputes />
                        <DocumentView doc pdf_href=pdf credit_note_links=links summarised=true />
                        <LifecycleSection data=lifecycle />
                        <SignupOffer token=token() />
                    }
                    .into_any()
                }
                Err(AppError::NotFound) | Err(_) => view! { <NotFoundPage /> }.into_any(),
            }})}
        </Suspense>
    }
}

/// Offers the pay-link holder an account: an invitation goes to the customer's
/// billing email (never shown here).
#[component]
fn SignupOffer(token: String) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let signup = ServerAction::<PayLinkSignup>::new();
    let sent = move || {
        query.with(|q| q.get("invited")).is_some() || matches!(signup.value().get(), Some(Ok(())))
    };
    view! {
        <section class="panel signup" aria-labelledby="signup-h">
            <h2 id="signup-h">{t!(i18n, pay_signup_title)}</h2>
            <p>{t!(i18n, pay_signup_text)}</p>
            {move || {
                let token = token.clone();
                if sent() {
                view! { <p class="notice" role="status" data-testid="signup-sent">{t!(i18n, pay_signup_sent)}</p> }.into_any()
            } else {
                view! {
                    <ActionForm action=signup>
                        <input type="hidden" name="token" value=token />
                        <button type="submit" class="secondary" data-testid="signup">{t!(i18n, pay_signup_button)}</button>
                    </ActionForm>
                }.into_any()
            }}}
        </section>
    }
}
