//! `/checkout/simulated/{session}`: the simulated provider's checkout page. The
//! tester picks what the bank does; the outcome travels as signed webhooks to
//! `/webhooks/stripe`, exactly like Stripe's own deliveries.
use crate::api::payments::{SimulatePayment, simulated_checkout};
use crate::i18n::*;
use crate::model::format::format_money;
use crate::model::lang::Lang;
use crate::pages::not_found::NotFoundPage;
use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn SimulatedCheckoutPage() -> impl IntoView {
    let i18n = use_i18n();
    let id = use_params_map()
        .with_untracked(|p| p.get("id"))
        .unwrap_or_default();
    let declined = use_query_map()
        .with_untracked(|q| q.get("declined"))
        .is_some();
    let sid = id.clone();
    let data = Resource::new(move || sid.clone(), simulated_checkout);
    let title = t_string!(i18n, sim_title).to_string();
    view! {
        <Title text=title />
        <Meta name="referrer" content="no-referrer" />
        <Suspense fallback=move || view! { <p aria-busy="true">{t!(i18n, loading)}</p> }>
            {move || {
                let id = id.clone();
                Suspend::new(async move { match data.await {
                    Ok(c) => {
                        let lang = Lang::from(i18n.get_locale_untracked());
                        let amount = format_money(c.amount, &c.currency, lang);
                        view! {
                            <section class="panel sim-checkout" data-testid="sim-checkout">
                                <h1>{t!(i18n, sim_title)}</h1>
                                <p class="notice">{t!(i18n, sim_notice)}</p>
                                <p>{t!(i18n, sim_paying, number = c.invoice_number.clone())}</p>
                                <p class="amount-due"><strong data-testid="sim-amount">{amount}</strong></p>
                                {declined.then(|| view! { <p class="alert" role="alert" data-testid="sim-declined">{t!(i18n, sim_declined)}</p> })}
                                {if c.open {
                                    view! { <Outcomes id=id.clone() /> }.into_any()
                                } else {
                                    view! { <p class="alert" role="alert" data-testid="sim-closed">{t!(i18n, sim_closed)}</p> }.into_any()
                                }}
                                // Back through the session, never the pay link itself:
                                // this page shows no token (see `http::checkout`).
                                <p><a href=format!("/checkout/simulated/{id}/cancel") rel="external" data-testid="sim-cancel">{t!(i18n, sim_cancel)}</a></p>
                            </section>
                        }
                        .into_any()
                    }
                    Err(_) => view! { <NotFoundPage /> }.into_any(),
                }})
            }}
        </Suspense>
    }
}

#[component]
fn Outcomes(id: String) -> impl IntoView {
    let i18n = use_i18n();
    let play = ServerAction::<SimulatePayment>::new();
    // One form per outcome: the choice travels as a hidden field, which plain
    // posts and hydrated submits carry alike.
    let form = move |outcome: &'static str, class: &'static str| {
        let id = id.clone();
        let label = match outcome {
            "card_succeeds" => t_string!(i18n, sim_card_ok).to_string(),
            "card_declined" => t_string!(i18n, sim_card_declined).to_string(),
            "sepa_succeeds" => t_string!(i18n, sim_sepa_ok).to_string(),
            _ => t_string!(i18n, sim_sepa_fails).to_string(),
        };
        view! {
            <ActionForm action=play>
                <input type="hidden" name="session_id" value=id />
                <input type="hidden" name="outcome" value=outcome />
                <button type="submit" class=class data-testid=format!("sim-{outcome}")
                    disabled=move || play.pending().get()>
                    {label}
                </button>
            </ActionForm>
        }
    };
    view! {
        <div class="sim-outcomes">
            {form("card_succeeds", "primary")}
            {form("card_declined", "secondary")}
            {form("sepa_succeeds", "secondary")}
            {form("sepa_fails", "secondary")}
        </div>
    }
}
