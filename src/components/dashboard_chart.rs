//! The cash-received chart: a server-rendered SVG (no JavaScript), scaled by
//! its viewBox to any width, with the same figures in a table beside it. The
//! bars are the net (received less refunds and chargebacks; a month where
//! more went back than came in draws no bar); the table gives all three.
use crate::i18n::*;
use crate::model::dashboard::{CashMonth, bar_heights};
use crate::model::format::{format_money, parse_iso_date};
use crate::model::lang::Lang;
use leptos::prelude::*;

const WIDTH: i64 = 600;
const PLOT: i64 = 200;
const HEIGHT: i64 = PLOT + 24;
const SLOT: i64 = 50;
const BAR: i64 = 36;

fn month_text(month: &str, lang: Lang, short: bool) -> String {
    let Some(d) = parse_iso_date(&format!("{month}-01")) else {
        return month.to_string();
    };
    match (lang, short) {
        (_, true) => d.format("%m/%y").to_string(),
        (Lang::Fr, false) => d.format("%m/%Y").to_string(),
        (Lang::En, false) => d.format("%b %Y").to_string(),
    }
}

/// The bars and the table of cash received per month.
#[component]
pub fn CashChart(months: Vec<CashMonth>, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    let amounts: Vec<i64> = months.iter().map(|m| m.amount).collect();
    let heights = bar_heights(&amounts, PLOT);
    let bars = months
        .iter()
        .zip(heights)
        .enumerate()
        .map(|(i, (m, h))| {
            let x = i as i64 * SLOT + (SLOT - BAR) / 2;
            let label = month_text(&m.month, lang, true);
            view! {
                <rect class="bar" x=x y=PLOT - h width=BAR height=h />
                <text x=x + BAR / 2 y=HEIGHT - 6 text-anchor="middle" font-size="12">{label}</text>
            }
        })
        .collect_view();
    view! {
        <div class="cash-chart" data-testid="dash-cash">
            <svg viewBox=format!("0 0 {WIDTH} {HEIGHT}") width="100%" role="img"
                aria-label=t_string!(i18n, dash_cash_chart) preserveAspectRatio="xMidYMid meet">
                <line x1="0" y1=PLOT x2=WIDTH y2=PLOT class="axis" />
                {bars}
            </svg>
            <div class="table-scroll" role="region" tabindex="0" aria-label=t_string!(i18n, dash_cash)>
                <table class="compact" data-testid="dash-cash-table">
                    <caption>{t!(i18n, dash_cash)}</caption>
                    <thead><tr>
                        <th scope="col">{t!(i18n, dash_month)}</th>
                        <th scope="col" class="num">{t!(i18n, dash_received)}</th>
                        <th scope="col" class="num">{t!(i18n, dash_returned)}</th>
                        <th scope="col" class="num">{t!(i18n, dash_net)}</th>
                    </tr></thead>
                    <tbody>
                        {months.into_iter().map(|m| view! {
                            <tr>
                                <th scope="row">{month_text(&m.month, lang, false)}</th>
                                <td class="num">{format_money(m.received, "EUR", lang)}</td>
                                <td class="num">{format_money(m.returned, "EUR", lang)}</td>
                                <td class="num">{format_money(m.amount, "EUR", lang)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </div>
    }
}
