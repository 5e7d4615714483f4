//! The lines, deposits and live totals of the draft form: an island, the one
//! part of the portal that runs in the browser. The server renders it as plain
//! inputs (the form posts without JavaScript); once hydrated, the totals
//! follow what is typed. Its text arrives translated in its props, so the
//! browser bundle carries no translation tables.
use crate::model::draft::{DraftLineInput, parse_deposits};
use crate::model::format::format_money;
use crate::model::invoice::balance;
use crate::model::lang::Lang;
use crate::model::vat::{LineAmounts, VatRate, compute_totals};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// What the island edits: the rows to show (already padded to the wanted
/// count), the deposits as typed, and the refusal messages by field key.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftLinesData {
    pub lines: Vec<DraftLineInput>,
    pub deposits: String,
    /// `(field key, message)`: keys as the server names them (`lines[0].quantity`).
    pub errors: Vec<(String, String)>,
    /// The same form with one more row (works without JavaScript).
    pub more_href: String,
    pub lang: Lang,
}

/// The island's labels, translated on the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftLinesText {
    pub legend: String,
    pub add_line: String,
    /// The accessible name of each row ("Line 1", ...), one per row.
    pub row_names: Vec<String>,
    pub description: String,
    pub quantity: String,
    pub unit: String,
    pub unit_price: String,
    pub vat_rate: String,
    pub discount: String,
    pub deposits: String,
    pub deposits_hint: String,
    pub total_ht: String,
    pub total_vat: String,
    pub total_ttc: String,
    pub less_deposits: String,
    pub balance: String,
}

#[derive(Clone, Copy)]
struct LineSignals {
    description: RwSignal<String>,
    quantity: RwSignal<String>,
    unit: RwSignal<String>,
    unit_price: RwSignal<String>,
    vat_rate: RwSignal<String>,
    discount_pct: RwSignal<String>,
}

impl LineSignals {
    fn new(l: &DraftLineInput) -> Self {
        let or = |s: &str, default: &str| {
            if s.is_empty() {
                default.to_string()
            } else {
                s.to_string()
            }
        };
        LineSignals {
            description: RwSignal::new(l.description.clone()),
            quantity: RwSignal::new(or(&l.quantity, "1")),
            unit: RwSignal::new(l.unit.clone()),
            unit_price: RwSignal::new(l.unit_price.clone()),
            vat_rate: RwSignal::new(or(&l.vat_rate, "20")),
            discount_pct: RwSignal::new(l.discount_pct.clone()),
        }
    }

    /// The line's amounts if what is typed so far parses.
    fn amounts(&self) -> Option<LineAmounts> {
        let dec = |s: String| {
            s.trim()
                .replace(',', ".")
                .parse::<rust_decimal::Decimal>()
                .ok()
        };
        let price = dec(self.unit_price.get())?;
        Some(LineAmounts {
            quantity: dec(self.quantity.get())?,
            unit_price_ht: rust_decimal::prelude::ToPrimitive::to_i64(
                &(price * rust_decimal::Decimal::from(100)).round(),
            )?,
            vat_rate: VatRate::parse_percent(&self.vat_rate.get())?,
            discount_pct: if self.discount_pct.get().trim().is_empty() {
                Default::default()
            } else {
                dec(self.discount_pct.get())?
            },
        })
    }
}

/// Refusal messages by field key, shared by the rows.
#[derive(Clone)]
struct Errors(StoredValue<Vec<(String, String)>>);

impl Errors {
    fn get(&self, key: &str) -> Option<String> {
        self.0
            .with_value(|e| e.iter().find(|(k, _)| k == key).map(|(_, m)| m.clone()))
    }

    /// The message of one field, next to it, if any.
    fn message(&self, key: &str) -> impl IntoView + use<> {
        let id = format!("err-{}", key.replace(['[', ']', '.'], "-"));
        self.get(key)
            .map(|m| view! { <p class="field-error" id=id role="alert">{m}</p> })
    }
}

#[island]
pub fn DraftLines(data: DraftLinesData, text: DraftLinesText) -> impl IntoView {
    let DraftLinesData {
        lines,
        deposits,
        errors,
        more_href,
        lang,
    } = data;
    let rows: Vec<LineSignals> = lines.iter().map(LineSignals::new).collect();
    let deposits = RwSignal::new(deposits);
    let errors = Errors(StoredValue::new(errors));
    // A marker for tests and styles: the island now runs in the browser.
    let hydrated = RwSignal::new(false);
    Effect::new(move || hydrated.set(true));
    let text = StoredValue::new(text);
    let t = move |f: fn(&DraftLinesText) -> &String| text.with_value(|t| f(t).clone());
    view! {
        <div class="draft-lines" data-hydrated=move || hydrated.get().then_some("true")>
            <fieldset>
                <legend>{t(|t| &t.legend)}</legend>
                {errors.message("lines")}
                {rows
                    .iter()
                    .enumerate()
                    .map(|(i, l)| line_row(i, *l, text, &errors))
                    .collect_view()}
                <a href=more_href class="chip" rel="external">{t(|t| &t.add_line)}</a>
            </fieldset>
            {deposits_field(deposits, text, &errors)}
            {live_totals(rows, deposits, text, lang)}
        </div>
    }
}

fn line_row(
    i: usize,
    l: LineSignals,
    text: StoredValue<DraftLinesText>,
    errors: &Errors,
) -> impl IntoView + use<> {
    let input = |f: &'static str, sig: RwSignal<String>, label: String| {
        let id = format!("l{i}-{f}");
        let numeric = !matches!(f, "description" | "unit");
        view! {
            <div class=format!("field line-{f}")>
                <label for=id.clone()>{label}</label>
                <input
                    id=id
                    name=format!("draft[lines][{i}][{f}]")
                    type="text"
                    inputmode=if numeric { "decimal" } else { "text" }
                    prop:value=move || sig.get()
                    value=sig.get_untracked()
                    on:input=move |ev| sig.set(event_target_value(&ev))
                    data-testid=format!("line-{i}-{f}")
                />
                {errors.message(&format!("lines[{i}].{f}"))}
            </div>
        }
    };
    let t = text.get_value();
    let name = t.row_names.get(i).cloned().unwrap_or_default();
    view! {
        <div class="line-row" role="group" aria-label=name>
            {input("description", l.description, t.description)}
            {input("quantity", l.quantity, t.quantity)}
            {input("unit", l.unit, t.unit)}
            {input("unit_price", l.unit_price, t.unit_price)}
            {input("vat_rate", l.vat_rate, t.vat_rate)}
            {input("discount_pct", l.discount_pct, t.discount)}
        </div>
    }
}

/// Deposits (acomptes) already received, incl. VAT; deducted from the balance.
fn deposits_field(
    deposits: RwSignal<String>,
    text: StoredValue<DraftLinesText>,
    errors: &Errors,
) -> impl IntoView + use<> {
    let t = text.get_value();
    let invalid = errors.get("deposits").is_some();
    view! {
        <div class="field deposits" class:has-error=invalid>
            <label for="d-deposits">{t.deposits}</label>
            <p class="hint" id="d-deposits-hint">{t.deposits_hint}</p>
            <input
                id="d-deposits"
                name="draft[deposits]"
                inputmode="decimal"
                aria-describedby=if invalid { "d-deposits-hint err-deposits" } else { "d-deposits-hint" }
                aria-invalid=invalid.then_some("true")
                prop:value=move || deposits.get()
                value=deposits.get_untracked()
                on:input=move |ev| deposits.set(event_target_value(&ev))
                data-testid="draft-deposits"
            />
            {errors.message("deposits")}
        </div>
    }
}

/// Totals of the lines typed so far (empty or unreadable lines are skipped),
/// less the deposits when some are typed.
fn live_totals(
    lines: Vec<LineSignals>,
    deposits: RwSignal<String>,
    text: StoredValue<DraftLinesText>,
    lang: Lang,
) -> impl IntoView {
    let totals = Memo::new(move |_| {
        let amounts: Vec<LineAmounts> = lines
            .iter()
            .filter(|l| !l.description.get().trim().is_empty())
            .filter_map(|l| l.amounts())
            .collect();
        compute_totals(&amounts)
    });
    // What is typed so far, when it reads as an amount (the server checks the rest).
    let deposit = move || parse_deposits(&deposits.get(), "EUR", i64::MAX).unwrap_or(0);
    let money = move |minor: i64| format_money(minor, "EUR", lang);
    let t = text.get_value();
    let (less, bal) = (t.less_deposits.clone(), t.balance.clone());
    view! {
        <dl class="grand live-totals" aria-live="polite" data-testid="live-totals">
            <div><dt>{t.total_ht}</dt><dd>{move || money(totals.get().total_ht)}</dd></div>
            <div><dt>{t.total_vat}</dt><dd>{move || money(totals.get().total_vat)}</dd></div>
            <div class="ttc"><dt>{t.total_ttc}</dt><dd data-testid="live-ttc">{move || money(totals.get().total_ttc)}</dd></div>
            {move || (deposit() > 0).then(|| view! {
                <div><dt>{less.clone()}</dt><dd data-testid="live-deposits">{money(-deposit())}</dd></div>
                <div><dt>{bal.clone()}</dt><dd data-testid="live-balance">{money(balance(totals.get().total_ttc, deposit(), 0, 0))}</dd></div>
            })}
        </dl>
    }
}
