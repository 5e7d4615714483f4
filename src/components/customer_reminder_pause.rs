//! Staff: pause a customer's reminders until a date (or until lifted), or
//! resume them, on the customer's page. Plain form posts; a refused date
//! comes back as the `pause` form's `Refusal`, with what was typed.
use crate::api::reminders::{CustomerPause, SetCustomerReminderPause, customer_reminder_pause};
use crate::components::errors::{error_text, problem_text, refusal_in_query};
use crate::error::AppError;
use crate::i18n::*;
use crate::model::format::format_date;
use crate::model::lang::Lang;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The pause of the customer the page edits; `None` on the new-customer form.
pub type CustomerPauseResource = Resource<Result<Option<CustomerPause>, AppError>>;

/// Starts loading the pause of customer `id()` once the page's form `form`
/// has loaded (it decides the page). Call it at the top of the route component.
pub fn customer_pause_resource<T: Clone + Send + Sync + 'static>(
    id: impl Fn() -> Option<i64> + Send + Sync + 'static,
    form: ArcResource<Result<T, AppError>>,
) -> CustomerPauseResource {
    Resource::new(id, move |id| {
        let form = form.clone();
        async move {
            crate::components::page_load::untracked(form).await?;
            match id {
                Some(id) => customer_reminder_pause(id).await.map(Some),
                None => Ok(None),
            }
        }
    })
}

#[component]
pub fn CustomerReminderPause(customer_id: i64, data: CustomerPauseResource) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="customer-reminders" id="reminders" aria-labelledby="cu-rem-h" data-testid="rem-customer-pause">
            <h2 id="cu-rem-h">{t!(i18n, rem_staff_title)}</h2>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    data.await.ok().flatten().map(|pause| view! { <PauseBody customer_id pause /> })
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn PauseBody(customer_id: i64, pause: CustomerPause) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let done = use_query_map().with_untracked(|q| q.get("reminders"));
    let done = done.and_then(|w| match w.as_str() {
        "paused" => Some(t_string!(i18n, rem_paused_done).to_string()),
        "resumed" => Some(t_string!(i18n, rem_resumed_done).to_string()),
        _ => None,
    });
    let state = match pause {
        None => t_string!(i18n, rem_customer_active).to_string(),
        Some(None) => t_string!(i18n, rem_customer_paused).to_string(),
        Some(Some(d)) => {
            let date = format_date(d, lang);
            t_string!(i18n, rem_customer_paused_until, date = date).to_string()
        }
    };
    view! {
        {done.map(|m| view! { <p class="success" role="status" data-testid="rem-pause-done">{m}</p> })}
        <p data-testid="rem-customer-state">{state}</p>
        {pause.is_some().then(|| view! { <ResumeForm customer_id /> })}
        <PauseForm customer_id />
    }
}

#[component]
fn ResumeForm(customer_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SetCustomerReminderPause>::new();
    view! {
        <ActionForm action>
            <input type="hidden" name="customer_id" value=customer_id.to_string() />
            <input type="hidden" name="paused" value="false" />
            <button type="submit" class="secondary" data-testid="rem-customer-resume">{t!(i18n, rem_resume_customer)}</button>
        </ActionForm>
    }
}

/// Pause until a date (optional); a new pause replaces the current one.
#[component]
fn PauseForm(customer_id: i64) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SetCustomerReminderPause>::new();
    let refused = refusal_in_query("pause");
    let typed = refused
        .as_ref()
        .and_then(|r| r.kept("pause_until"))
        .unwrap_or_default()
        .to_string();
    let error = refused.as_ref().map(|r| match r.problem("until") {
        Some(p) => problem_text(p),
        None => error_text(&r.error()),
    });
    let invalid = error.is_some();
    let described = if invalid {
        "cu-pause-hint cu-pause-error"
    } else {
        "cu-pause-hint"
    };
    view! {
        <ActionForm action attr:class="stack" attr:novalidate=true>
            <input type="hidden" name="customer_id" value=customer_id.to_string() />
            <input type="hidden" name="paused" value="true" />
            <div class="field" class:has-error=invalid>
                <label for="cu-pause-until">{t!(i18n, rem_pause_until)}</label>
                <p class="hint" id="cu-pause-hint">{t!(i18n, rem_pause_until_hint)}</p>
                <input id="cu-pause-until" type="date" name="until" value=typed data-testid="rem-pause-until"
                    aria-invalid=invalid.then_some("true") aria-describedby=described />
                {error.map(|m| view! { <p class="field-error" id="cu-pause-error" role="alert">{m}</p> })}
            </div>
            <button type="submit" class="secondary" data-testid="rem-customer-pause-submit">{t!(i18n, rem_pause_customer)}</button>
        </ActionForm>
    }
}
