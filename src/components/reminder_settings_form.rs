//! Admins: the reminder settings and the whole schedule in one form (one
//! fieldset per step, a blank one to add a step, a "remove" box per step),
//! and the reference rates of each half-year. Plain form posts; a refusal
//! comes back through the session with what was typed and each field's
//! message (see `api::reminders`).
use crate::api::reminders::{
    RateRow, ReminderSettingsPage, SaveReminderRates, SaveReminderSettings,
};
use crate::components::document::percent_bp;
use crate::components::errors::problem_text;
use crate::components::reminder_labels::tone_label;
use crate::components::textarea::textarea_text;
use crate::i18n::*;
use crate::model::lang::Lang;
use crate::model::reminder::penalty::statutory_rate_bp;
use crate::model::reminder::schedule::{MAX_BODY, MAX_STEPS, MAX_SUBJECT, StepInput, Tone};
use crate::model::reminder::template::PLACEHOLDERS;
use crate::model::reminder::view::RateInput;
use crate::model::validate::FieldErrors;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The message of a field, for the paragraph under it.
fn field_error(errors: &FieldErrors, name: &str) -> Option<String> {
    errors.get(name).map(problem_text)
}

/// The message of a rate field: a percent has at most two decimals
/// (the shared message speaks of a currency's).
fn rate_error(errors: &FieldErrors, name: &str) -> Option<String> {
    let i18n = use_i18n();
    errors.get(name).map(|p| match p {
        crate::model::validate::FieldProblem::TooManyDecimals => {
            t_string!(i18n, rem_err_two_decimals).to_string()
        }
        p => problem_text(p),
    })
}

/// `aria-describedby` of a field: its hint, its error, both or none.
fn described(id: &str, hint: bool, error: bool) -> Option<String> {
    let ids: Vec<String> = [(hint, "hint"), (error, "error")]
        .into_iter()
        .filter(|(on, _)| *on)
        .map(|(_, what)| format!("{id}-{what}"))
        .collect();
    (!ids.is_empty()).then(|| ids.join(" "))
}

/// One labelled input with its hint and message.
#[component]
fn TextField(
    id: String,
    name: String,
    label: String,
    value: String,
    error: Option<String>,
    #[prop(default = None)] hint: Option<String>,
    #[prop(default = "text")] inputmode: &'static str,
    #[prop(default = 200)] maxlength: usize,
) -> impl IntoView {
    let invalid = error.is_some();
    let by = described(&id, hint.is_some(), invalid);
    view! {
        <div class="field" class:has-error=invalid>
            <label for=id.clone()>{label}</label>
            {hint.map(|h| view! { <p class="hint" id=format!("{id}-hint")>{h}</p> })}
            <input id=id.clone() name=name value=value inputmode=inputmode maxlength=maxlength.to_string()
                data-testid=id.clone() aria-invalid=invalid.then_some("true") aria-describedby=by />
            {error.map(|m| view! { <p class="field-error" id=format!("{id}-error") role="alert">{m}</p> })}
        </div>
    }
}

/// A labelled textarea holding what was typed (escaped by the server, see
/// `components::textarea`).
#[component]
fn TextBox(
    id: String,
    name: String,
    label: String,
    value: String,
    error: Option<String>,
) -> impl IntoView {
    let invalid = error.is_some();
    let by = described(&id, false, invalid);
    let max = MAX_BODY.to_string();
    let area = if value.is_empty() {
        view! {
            <textarea id=id.clone() name=name rows="8" maxlength=max data-testid=id.clone()
                aria-invalid=invalid.then_some("true") aria-describedby=by></textarea>
        }
        .into_any()
    } else {
        view! {
            <textarea id=id.clone() name=name rows="8" maxlength=max data-testid=id.clone()
                aria-invalid=invalid.then_some("true") aria-describedby=by>{textarea_text(value)}</textarea>
        }
        .into_any()
    };
    view! {
        <div class="field" class:has-error=invalid>
            <label for=id.clone()>{label}</label>
            {area}
            {error.map(|m| view! { <p class="field-error" id=format!("{id}-error") role="alert">{m}</p> })}
        </div>
    }
}

/// The settings and the schedule: one submit saves everything.
#[component]
pub fn ReminderSettingsForm(page: ReminderSettingsPage) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveReminderSettings>::new();
    let saved = use_query_map().with_untracked(|q| q.get("saved")).is_some();
    let errors = page.errors.clone();
    let refused = !errors.is_empty();
    // Previews render the saved steps: offered only when the form shows them.
    let previewable = if refused { 0 } else { page.saved_steps };
    let steps = page.input.steps.clone();
    let count = steps.len();
    let rows = steps
        .into_iter()
        .enumerate()
        .map(|(i, s)| {
            view! { <StepFieldset i step=s errors=errors.clone() new=false preview=i < previewable /> }
        })
        .collect_view();
    let steps_error = field_error(&errors, "steps");
    view! {
        <section aria-labelledby="rem-settings-h" data-testid="rem-settings">
            {saved.then(|| view! { <p class="success" role="status" data-testid="rem-saved">{t!(i18n, rem_saved)}</p> })}
            {refused.then(|| view! { <p class="alert" role="alert" data-testid="form-error">{t!(i18n, form_has_errors)}</p> })}
            <ActionForm action attr:class="stack rem-form" attr:novalidate=true>
                <h2 id="rem-settings-h">{t!(i18n, rem_settings_title)}</h2>
                <SettingsFields page=page.clone() />
                <h2 id="rem-schedule-h">{t!(i18n, rem_schedule_title)}</h2>
                <ScheduleHint />
                {(count == 0).then(|| view! { <p class="notice">{t!(i18n, rem_no_steps)}</p> })}
                {steps_error.map(|m| view! { <p class="field-error" role="alert">{m}</p> })}
                {rows}
                {(count < MAX_STEPS).then(|| view! {
                    <StepFieldset i=count step=StepInput::default() errors=errors.clone() new=true preview=false />
                })}
                <button type="submit" class="primary" data-testid="rem-save">{t!(i18n, rem_save)}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn SettingsFields(page: ReminderSettingsPage) -> impl IntoView {
    let i18n = use_i18n();
    let s = page.input;
    let e = page.errors;
    let rate_error = field_error(&e, "rate_kind");
    let rate_invalid = rate_error.is_some();
    let kind = s.rate_kind.clone();
    let radio = move |value: &'static str, label: String| {
        let id = format!("rem-rate-{value}");
        let for_id = id.clone();
        view! {
            <label class="radio" for=for_id>
                <input type="radio" id=id name="settings[rate_kind]" value=value checked=kind == value
                    data-testid=format!("rem-rate-{value}") />
                {label}
            </label>
        }
    };
    view! {
        <TextField id="rem-timezone".into() name="settings[timezone]".into() label=t_string!(i18n, rem_timezone).to_string()
            value=s.timezone.clone() error=field_error(&e, "timezone") hint=Some(t_string!(i18n, rem_timezone_hint).to_string()) />
        <TextField id="rem-send-hour".into() name="settings[send_hour]".into() label=t_string!(i18n, rem_send_hour).to_string()
            value=s.send_hour.clone() error=field_error(&e, "send_hour") inputmode="numeric" maxlength=2 />
        <fieldset class="rem-choice" class:has-error=rate_invalid
            aria-describedby=rate_invalid.then_some("rem-rate-error")>
            <legend>{t!(i18n, rem_rate_kind)}</legend>
            {radio("statutory", t_string!(i18n, rem_rate_statutory).to_string())}
            {radio("contractual", t_string!(i18n, rem_rate_contractual).to_string())}
            {rate_error.map(|m| view! { <p class="field-error" id="rem-rate-error" role="alert">{m}</p> })}
        </fieldset>
        <TextField id="rem-notice-days".into() name="settings[notice_days]".into() label=t_string!(i18n, rem_notice_days).to_string()
            value=s.notice_days.clone() error=field_error(&e, "notice_days") inputmode="numeric" maxlength=2 />
        <label class="radio">
            <input type="checkbox" name="settings[thank_you]" value="on" checked=s.thank_you data-testid="rem-thank-you" />
            {t!(i18n, rem_thank_you)}
        </label>
    }
}

/// How offsets work, and the placeholders texts may use.
#[component]
fn ScheduleHint() -> impl IntoView {
    let i18n = use_i18n();
    let names = PLACEHOLDERS
        .iter()
        .map(|p| view! { <li><code>{format!("{{{p}}}")}</code></li> })
        .collect_view();
    view! {
        <p class="hint">{t!(i18n, rem_schedule_hint)}</p>
        <p class="hint" id="rem-placeholders">{t!(i18n, rem_placeholders)}</p>
        <ul class="rem-placeholders" aria-labelledby="rem-placeholders">{names}</ul>
    }
}

/// One step of the schedule (`new`: the blank row that adds one).
#[component]
fn StepFieldset(
    i: usize,
    step: StepInput,
    errors: FieldErrors,
    new: bool,
    preview: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = move |f: &str| format!("rem-s{i}-{f}");
    let name = move |f: &str| format!("settings[steps][{i}][{f}]");
    let err = |f: &str| field_error(&errors, &format!("step{i}_{f}"));
    let legend = if new {
        t_string!(i18n, rem_step_new).to_string()
    } else {
        let n = i + 1;
        t_string!(i18n, rem_step_legend, n = n).to_string()
    };
    let text = |f: &'static str, label: String, value: String| {
        view! { <TextField id=id(f) name=name(f) label value error=err(f) maxlength=MAX_SUBJECT /> }
    };
    let textbox = |f: &'static str, label: String, value: String| {
        view! { <TextBox id=id(f) name=name(f) label value error=err(f) /> }
    };
    view! {
        <fieldset class="rem-step" id=format!("rem-step-{i}") data-testid=format!("rem-step-{i}")>
            <legend>{legend}</legend>
            {new.then(|| view! { <p class="hint">{t!(i18n, rem_step_new_hint)}</p> })}
            <div class="grid-2">
                <TextField id=id("offset_days") name=name("offset_days") label=t_string!(i18n, rem_offset).to_string()
                    value=step.offset_days.clone() error=err("offset_days") inputmode="numeric" maxlength=4 />
                <ToneSelect id=id("tone") name=name("tone") value=step.tone.clone() error=err("tone") />
            </div>
            {text("subject_fr", t_string!(i18n, rem_subject_fr).to_string(), step.subject_fr.clone())}
            {textbox("body_fr", t_string!(i18n, rem_body_fr).to_string(), step.body_fr.clone())}
            {text("subject_en", t_string!(i18n, rem_subject_en).to_string(), step.subject_en.clone())}
            {textbox("body_en", t_string!(i18n, rem_body_en).to_string(), step.body_en.clone())}
            {(!new).then(|| view! {
                <label class="radio">
                    <input type="checkbox" name=name("remove") value="on" data-testid=id("remove") />
                    {t!(i18n, rem_remove_step)}
                </label>
            })}
            {preview.then(|| view! {
                <p class="rem-preview-links">
                    <a href=format!("/staff/reminders?preview={i}&lang=fr#preview") data-testid=format!("rem-preview-{i}-fr")>{t!(i18n, rem_preview_fr)}</a>
                    <a href=format!("/staff/reminders?preview={i}&lang=en#preview") data-testid=format!("rem-preview-{i}-en")>{t!(i18n, rem_preview_en)}</a>
                </p>
            })}
        </fieldset>
    }
}

#[component]
fn ToneSelect(id: String, name: String, value: String, error: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    let invalid = error.is_some();
    let by = described(&id, false, invalid);
    let chosen = Tone::parse(&value);
    let options = Tone::ALL
        .into_iter()
        .map(|t| view! { <option value=t.as_str() selected=chosen == Some(t)>{tone_label(t)}</option> })
        .collect_view();
    view! {
        <div class="field" class:has-error=invalid>
            <label for=id.clone()>{t!(i18n, rem_tone)}</label>
            <select id=id.clone() name=name data-testid=id.clone() aria-invalid=invalid.then_some("true") aria-describedby=by>
                <option value="" selected=chosen.is_none()>{t!(i18n, rem_tone_choose)}</option>
                {options}
            </select>
            {error.map(|m| view! { <p class="field-error" id=format!("{id}-error") role="alert">{m}</p> })}
        </div>
    }
}

/// The half-years entered, and the form that adds or replaces one.
#[component]
pub fn ReminderRates(rates: Vec<RateRow>, input: RateInput, errors: FieldErrors) -> impl IntoView {
    let i18n = use_i18n();
    let saved = use_query_map()
        .with_untracked(|q| q.get("rates_saved"))
        .is_some();
    view! {
        <section id="rates" aria-labelledby="rates-h" data-testid="rem-rates">
            <h2 id="rates-h">{t!(i18n, rem_rates_title)}</h2>
            {saved.then(|| view! { <p class="success" role="status" data-testid="rem-rates-saved">{t!(i18n, rem_rates_saved)}</p> })}
            <p class="hint">{t!(i18n, rem_rates_hint)}</p>
            <RatesTable rates />
            <RatesForm input errors />
        </section>
    }
}

fn half_label(year: i32, half: u8) -> String {
    let i18n = use_i18n();
    if half == 1 {
        t_string!(i18n, rem_half_1, year = year).to_string()
    } else {
        t_string!(i18n, rem_half_2, year = year).to_string()
    }
}

#[component]
fn RatesTable(rates: Vec<RateRow>) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    if rates.is_empty() {
        return view! { <p class="empty" data-testid="rem-rates-none">{t!(i18n, rem_rates_none)}</p> }.into_any();
    }
    let (c_period, c_ecb, c_stat, c_legal) = (
        t_string!(i18n, rem_col_period).to_string(),
        t_string!(i18n, rem_col_ecb).to_string(),
        t_string!(i18n, rem_col_statutory).to_string(),
        t_string!(i18n, rem_col_legal).to_string(),
    );
    let rows = rates
        .into_iter()
        .rev()
        .map(|r| {
            view! {
                <tr data-testid="rem-rate-row">
                    <th scope="row" data-label=c_period.clone()>{half_label(r.year, r.half)}</th>
                    <td class="num" data-label=c_ecb.clone()>{percent_bp(r.ecb_rate_bp, lang)}</td>
                    <td class="num" data-label=c_stat.clone()>{percent_bp(statutory_rate_bp(r.ecb_rate_bp), lang)}</td>
                    <td class="num" data-label=c_legal.clone()>{percent_bp(r.legal_rate_bp, lang)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="invoices rem-rates-table">
            <thead>
                <tr>
                    <th scope="col">{c_period.clone()}</th>
                    <th scope="col" class="num">{c_ecb.clone()}</th>
                    <th scope="col" class="num">{c_stat.clone()}</th>
                    <th scope="col" class="num">{c_legal.clone()}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

#[component]
fn RatesForm(input: RateInput, errors: FieldErrors) -> impl IntoView {
    let i18n = use_i18n();
    let action = ServerAction::<SaveReminderRates>::new();
    let half_error = field_error(&errors, "half");
    let half = input.half.clone();
    let half_invalid = half_error.is_some();
    let by = described("rem-half", false, half_invalid);
    view! {
        <h3>{t!(i18n, rem_rates_form)}</h3>
        {(!errors.is_empty()).then(|| view! { <p class="alert" role="alert">{t!(i18n, form_has_errors)}</p> })}
        <ActionForm action attr:class="stack" attr:novalidate=true>
            <div class="grid-2">
                <TextField id="rem-year".into() name="rates[year]".into() label=t_string!(i18n, rem_year).to_string()
                    value=input.year.clone() error=field_error(&errors, "year") inputmode="numeric" maxlength=4 />
                <div class="field" class:has-error=half_invalid>
                    <label for="rem-half">{t!(i18n, rem_half)}</label>
                    <select id="rem-half" name="rates[half]" data-testid="rem-half" aria-describedby=by>
                        <option value="1" selected=half != "2">{t!(i18n, rem_half_first)}</option>
                        <option value="2" selected=half == "2">{t!(i18n, rem_half_second)}</option>
                    </select>
                    {half_error.map(|m| view! { <p class="field-error" id="rem-half-error" role="alert">{m}</p> })}
                </div>
                <TextField id="rem-ecb".into() name="rates[ecb_rate]".into() label=t_string!(i18n, rem_ecb_rate).to_string()
                    value=input.ecb_rate.clone() error=rate_error(&errors, "ecb_rate") inputmode="decimal" maxlength=8 />
                <TextField id="rem-legal".into() name="rates[legal_rate]".into() label=t_string!(i18n, rem_legal_rate).to_string()
                    value=input.legal_rate.clone() error=rate_error(&errors, "legal_rate") inputmode="decimal" maxlength=8 />
            </div>
            <button type="submit" class="secondary" data-testid="rem-rates-save">{t!(i18n, rem_rates_save)}</button>
        </ActionForm>
    }
}
