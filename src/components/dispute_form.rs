//! The dispute section of an invoice, on its page and on its pay link: the
//! link to the open dispute, or the form to open one; past disputes and the
//! payment plan a resolution agreed.
//!
//! The form is a plain multipart post (files travel without JavaScript). A
//! refusal comes back in the query string (the `dispute` form's `Refusal`,
//! with what was typed); files never come back, and the form says so.
use crate::api::disputes::invoice_disputes;
use crate::components::dispute_labels::{
    StatusBadge, reason_label, refusal_text, resolution_label,
};
use crate::components::errors::refusal_in_query;
use crate::components::textarea::TypedTextarea;
use crate::error::{AppError, Refusal};
use crate::i18n::*;
use crate::model::customer_dispute::{AgreedPlan, DisputeLine, DisputeSectionData, DisputeSummary};
use crate::model::dispute::DisputeReason;
use crate::model::document::InvoiceDocument;
use crate::model::format::{format_date, format_instant_date, format_money};
use crate::model::lang::Lang;
use leptos::prelude::*;

/// Where the section's links and form go, for a signed-in customer
/// (`kind` = `invoice`, `key` = number) or a pay-link holder (`link`, token).
#[derive(Debug, Clone, PartialEq, Eq)]
struct Paths {
    /// Where the form posts.
    open: String,
    /// The prefix of a thread's page (`/disputes`, `/pay/{token}/disputes`).
    threads: String,
}

impl Paths {
    fn new(kind: &str, key: &str) -> Paths {
        if kind == "link" {
            Paths {
                open: format!("/pay/{key}/disputes"),
                threads: format!("/pay/{key}/disputes"),
            }
        } else {
            Paths {
                open: format!("/invoices/{key}/disputes"),
                threads: "/disputes".into(),
            }
        }
    }

    fn thread(&self, id: i64) -> String {
        format!("{}/{id}", self.threads)
    }
}

/// The dispute section's data for `kind`/`key`. Created by the route
/// component (never under a `<Suspense>`: leptos-rs/leptos#4866).
pub type DisputeSectionResource = Resource<Result<DisputeSectionData, AppError>>;

/// Starts loading the section of `kind`/`key` once the page's document
/// `doc` has loaded (a refused document decides the page). Call it at the
/// top of a route component.
pub fn dispute_section_resource(
    kind: &'static str,
    key: impl Fn() -> String + Send + Sync + 'static,
    doc: ArcResource<Result<InvoiceDocument, AppError>>,
) -> DisputeSectionResource {
    Resource::new(key, move |key| {
        let doc = doc.clone();
        async move {
            // A credit note is neither paid nor disputed.
            if crate::components::page_load::untracked(doc).await?.kind
                == crate::model::document::DocKind::CreditNote
            {
                return Err(AppError::NotFound);
            }
            invoice_disputes(kind.to_string(), key).await
        }
    })
}

/// The section, placed after the pay panel. Shows nothing for a document
/// that cannot be disputed and never was.
#[component]
pub fn DisputeSection(
    kind: &'static str,
    key: String,
    data: DisputeSectionResource,
) -> impl IntoView {
    let paths = Paths::new(kind, &key);
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let paths = paths.clone();
                Suspend::new(async move {
                    data.await.ok().map(move |d| view! { <SectionBody data=d paths /> })
                })
            }}
        </Suspense>
    }
}

#[component]
fn SectionBody(data: DisputeSectionData, paths: Paths) -> impl IntoView {
    let i18n = use_i18n();
    let shown =
        data.open.is_some() || data.can_open || !data.past.is_empty() || data.plan.is_some();
    shown.then(|| {
        let main = match (&data.open, data.can_open) {
            (Some(open), _) => view! { <OpenDispute open=open.clone() href=paths.thread(open.id) /> }.into_any(),
            (None, true) => view! { <DisputeForm data=data.clone() action=paths.open.clone() /> }.into_any(),
            (None, false) => ().into_any(),
        };
        view! {
            <section class="panel dispute-section" id="dispute" aria-labelledby="dispute-h" data-testid="dispute-section">
                <h2 id="dispute-h">{t!(i18n, dispute_section_title)}</h2>
                {main}
                {data.plan.clone().map(|plan| view! { <PlanView plan currency=data.currency.clone() /> })}
                <PastDisputes past=data.past.clone() paths />
            </section>
        }
    })
}

#[component]
fn OpenDispute(open: DisputeSummary, href: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="notice dispute-open" role="status" data-testid="dispute-open">
            {t!(i18n, dispute_open_notice)} " " <StatusBadge status=open.status />
        </p>
        <p><a class="button-link" href=href data-testid="dispute-open-link">{t!(i18n, dispute_open_link)}</a></p>
    }
}

/// The instalments of an agreed payment plan.
#[component]
pub fn PlanView(plan: AgreedPlan, currency: String) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let rows = plan
        .instalments
        .iter()
        .map(|i| {
            view! {
                <tr>
                    <td>{format_date(i.due_date, lang)}</td>
                    <td class="num">{format_money(i.amount, &currency, lang)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="plan" data-testid="payment-plan">
            <caption>{t!(i18n, dispute_plan_title)}</caption>
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, dispute_plan_col_date)}</th>
                    <th scope="col" class="num">{t!(i18n, dispute_plan_col_amount)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

#[component]
fn PastDisputes(past: Vec<DisputeSummary>, paths: Paths) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    (!past.is_empty()).then(|| {
        let items = past
            .into_iter()
            .map(|d| {
                let date = format_instant_date(d.created_at, lang);
                view! {
                    <li data-testid="past-dispute">
                        <a href=paths.thread(d.id)>{t_string!(i18n, dispute_past_item, date = date).to_string()}</a>
                        " " <StatusBadge status=d.status />
                        {d.resolution.map(|k| view! { " " <span class="muted">{resolution_label(k)}</span> })}
                    </li>
                }
            })
            .collect_view();
        view! {
            <h3>{t!(i18n, dispute_past_title)}</h3>
            <ul class="past-disputes">{items}</ul>
        }
    })
}

/// What the page was sent back with after a refused post.
#[derive(Debug, Clone, Default)]
struct Typed {
    refusal: Option<Refusal>,
    reason: String,
    amount: String,
    lines: Vec<i64>,
    message: String,
}

fn typed_from_query() -> Typed {
    let refusal = refusal_in_query("dispute");
    let kept = |k: &str| {
        refusal
            .as_ref()
            .and_then(|r| r.kept(k))
            .unwrap_or_default()
            .to_string()
    };
    Typed {
        reason: kept("reason"),
        amount: kept("amount"),
        lines: kept("lines")
            .split(',')
            .filter_map(|s| s.trim().parse().ok())
            .collect(),
        message: kept("message"),
        refusal,
    }
}

/// The error of one field, for `aria-describedby` and the message under it.
fn field_error(typed: &Typed, field: &'static str) -> Option<String> {
    let i18n = use_i18n();
    let conflict = t_string!(i18n, dispute_err_conflict).to_string();
    typed
        .refusal
        .as_ref()
        .filter(|r| r.is_on(field))
        .map(|r| refusal_text(r, &conflict))
}

#[component]
fn FieldError(field: &'static str, text: Option<String>) -> impl IntoView {
    text.map(|m| {
        view! {
            <p class="field-error" id=format!("dispute-{field}-error") data-testid=format!("dispute-error-{field}")>{m}</p>
        }
    })
}

fn described_by(field: &str, hint: bool, error: &Option<String>) -> Option<String> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("dispute-{field}-hint"));
    }
    if error.is_some() {
        ids.push(format!("dispute-{field}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

const FORM_FIELDS: [&str; 5] = ["reason", "amount", "lines", "message", "files"];

#[component]
fn DisputeForm(data: DisputeSectionData, action: String) -> impl IntoView {
    let i18n = use_i18n();
    let typed = typed_from_query();
    let refused = typed.refusal.clone();
    // A refusal that belongs to no field of the form (already open, conflict, …).
    let general = refused.as_ref().and_then(|r| {
        let on_field = FORM_FIELDS.iter().any(|f| r.is_on(f));
        let conflict = t_string!(i18n, dispute_err_conflict).to_string();
        (!on_field).then(|| refusal_text(r, &conflict))
    });
    let has_field_error = refused.is_some() && general.is_none();
    view! {
        <details class="dispute-details" open=refused.is_some() data-testid="dispute-details">
            <summary data-testid="dispute-toggle">{t!(i18n, dispute_open_summary)}</summary>
            <p class="intro">{t!(i18n, dispute_intro)}</p>
            {general.map(|m| view! { <p class="alert" role="alert" data-testid="dispute-error-form">{m}</p> })}
            {has_field_error.then(|| view! { <p class="alert" role="alert">{t!(i18n, dispute_err_form)}</p> })}
            <form method="post" enctype="multipart/form-data" action=action class="stack dispute-form" data-testid="dispute-form">
                {view! { <ReasonField typed=typed.clone() /> }.into_any()}
                {view! { <AmountField typed=typed.clone() balance=data.balance currency=data.currency.clone() /> }.into_any()}
                {view! { <LinesField typed=typed.clone() lines=data.lines.clone() currency=data.currency.clone() /> }.into_any()}
                {view! { <MessageField typed=typed.clone() /> }.into_any()}
                {view! { <FilesField error=field_error(&typed, "files") refused=typed.refusal.is_some() prefix="dispute" /> }.into_any()}
                <button type="submit" class="primary" data-testid="dispute-submit">{t!(i18n, dispute_submit)}</button>
            </form>
        </details>
    }
}

#[component]
fn ReasonField(typed: Typed) -> impl IntoView {
    let i18n = use_i18n();
    let error = field_error(&typed, "reason");
    let invalid = error.is_some();
    let none_chosen = typed.reason.is_empty();
    let options = DisputeReason::ALL
        .into_iter()
        .map(|r| {
            let selected = typed.reason == r.as_str();
            view! { <option value=r.as_str() selected=selected>{reason_label(r)}</option> }
        })
        .collect_view();
    view! {
        <div class="field" class:has-error=invalid>
            <label for="dispute-reason">{t!(i18n, dispute_reason_label)}</label>
            <select id="dispute-reason" name="reason" required=true data-testid="dispute-reason"
                aria-invalid=invalid.then_some("true")
                aria-describedby=described_by("reason", false, &error)>
                <option value="" selected=none_chosen>{t!(i18n, dispute_reason_choose)}</option>
                {options}
            </select>
            <FieldError field="reason" text=error />
        </div>
    }
}

#[component]
fn AmountField(typed: Typed, balance: i64, currency: String) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let error = field_error(&typed, "amount");
    let invalid = error.is_some();
    let most = format_money(balance, &currency, lang);
    view! {
        <div class="field" class:has-error=invalid>
            <label for="dispute-amount">{t!(i18n, dispute_amount_label, currency = currency.clone())}</label>
            <input id="dispute-amount" name="amount" inputmode="decimal" autocomplete="off" value=typed.amount.clone()
                data-testid="dispute-amount" aria-invalid=invalid.then_some("true")
                aria-describedby=described_by("amount", true, &error) />
            <p class="hint" id="dispute-amount-hint">{t!(i18n, dispute_amount_hint, amount = most.clone())}</p>
            <FieldError field="amount" text=error />
        </div>
    }
}

#[component]
fn LinesField(typed: Typed, lines: Vec<DisputeLine>, currency: String) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let error = field_error(&typed, "lines");
    let invalid = error.is_some();
    (!lines.is_empty()).then(|| {
        let boxes = lines
            .into_iter()
            .map(|l| {
                let id = format!("dispute-line-{}", l.position);
                let checked = typed.lines.contains(&l.position);
                view! {
                    <div class="check">
                        <input type="checkbox" id=id.clone() name="lines" value=l.position.to_string()
                            checked=checked data-testid="dispute-line" />
                        <label for=id>
                            <span class="line-desc">{l.description.clone()}</span>
                            <span class="line-amount">{format_money(l.total_ht, &currency, lang)}</span>
                        </label>
                    </div>
                }
            })
            .collect_view();
        view! {
            <fieldset class="dispute-lines" class:has-error=invalid
                aria-describedby=described_by("lines", false, &error)>
                <legend>{t!(i18n, dispute_lines_legend)}</legend>
                {boxes}
                <FieldError field="lines" text=error.clone() />
            </fieldset>
        }
    })
}

#[component]
fn MessageField(typed: Typed) -> impl IntoView {
    let i18n = use_i18n();
    let error = field_error(&typed, "message");
    let invalid = error.is_some();
    view! {
        <div class="field" class:has-error=invalid>
            <label for="dispute-message">{t!(i18n, dispute_message_label)}</label>
            <MessageBox id="dispute-message" invalid described_by=described_by("message", true, &error)
                text=typed.message.clone() />
            <p class="hint" id="dispute-message-hint">{t!(i18n, dispute_message_hint)}</p>
            <FieldError field="message" text=error />
        </div>
    }
}

/// The files input; after any refusal it says the files must be chosen again.
#[component]
pub fn FilesField(
    /// The problem of the files, after a refusal.
    error: Option<String>,
    /// Whether the page came back from a refused post.
    refused: bool,
    /// `dispute` or `reply`: ids and test ids.
    prefix: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let input_id = format!("{prefix}-files");
    let hint_id = format!("{prefix}-files-hint");
    let error_id = format!("{prefix}-files-error");
    let invalid = error.is_some();
    let described = if invalid {
        format!("{hint_id} {error_id}")
    } else {
        hint_id.clone()
    };
    view! {
        <div class="field" class:has-error=invalid>
            <label for=input_id.clone()>{t!(i18n, dispute_files_label)}</label>
            <input type="file" id=input_id name="files" multiple=true accept="application/pdf,image/png,image/jpeg"
                data-testid=format!("{prefix}-files") aria-invalid=invalid.then_some("true")
                aria-describedby=described />
            <p class="hint" id=hint_id>{t!(i18n, dispute_files_hint)}</p>
            {refused.then(|| view! { <p class="hint files-again" data-testid=format!("{prefix}-files-again")>{t!(i18n, dispute_files_again)}</p> })}
            {error.map(|m| view! { <p class="field-error" id=error_id data-testid=format!("{prefix}-error-files")>{m}</p> })}
        </div>
    }
}

/// The message textarea of the dispute forms (see [`TypedTextarea`]).
#[component]
pub fn MessageBox(
    /// Also the test id.
    id: &'static str,
    invalid: bool,
    described_by: Option<String>,
    text: String,
) -> impl IntoView {
    view! { <TypedTextarea id name="message" rows=6 required=true invalid described_by text /> }
}
