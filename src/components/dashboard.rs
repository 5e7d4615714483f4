//! The staff dashboard's sections (server-rendered, no island): the range
//! form, totals, ageing, DSO, disputes, cash chart and largest overdue.
use crate::components::dashboard_chart::CashChart;
use crate::components::dashboard_labels::{age_label, days_text, range_problem_text};
use crate::components::dispute_labels::{Reader, resolution_label, status_label};
use crate::i18n::*;
use crate::model::dashboard::{AgeLine, DashboardView, Dso, Figures, OverdueCustomer, RangeIssue};
use crate::model::dispute::{DisputeStatus, ResolutionKind};
use crate::model::format::format_money;
use crate::model::lang::Lang;
use leptos::prelude::*;

fn money(minor: i64, lang: Lang) -> String {
    format_money(minor, "EUR", lang)
}

/// The whole dashboard: the form, then the figures when the range is good.
#[component]
pub fn Dashboard(view: DashboardView) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    view! {
        <section class="panel wide dashboard" data-testid="dashboard" aria-labelledby="dash-title">
            <h2 id="dash-title">{t!(i18n, dash_title)}</h2>
            <RangeForm from=view.from to=view.to issue=view.issue />
            {view.figures.map(|f| view! { <FiguresView f lang /> })}
        </section>
    }
}

#[component]
fn RangeForm(from: String, to: String, issue: Option<RangeIssue>) -> impl IntoView {
    let i18n = use_i18n();
    let problem = |field: &str| {
        issue
            .as_ref()
            .filter(|i| i.field == field)
            .map(|i| range_problem_text(i.problem))
    };
    let field = |id: &'static str, name: &'static str, label: String, value: String| {
        let err = problem(name);
        let err_id = format!("{id}-error");
        view! {
            <div class="field">
                <label for=id>{label}</label>
                <input id=id type="date" name=name value=value aria-invalid=err.is_some().then_some("true")
                    aria-describedby=err.is_some().then(|| err_id.clone()) />
                {err.map(|e| view! { <p class="field-error" id=err_id role="alert" data-testid=format!("{id}-error")>{e}</p> })}
            </div>
        }
    };
    view! {
        <form method="get" action="/staff" class="filter-form" aria-label=t_string!(i18n, dash_range)>
            {field("dash-from", "from", t_string!(i18n, dash_from).to_string(), from)}
            {field("dash-to", "to", t_string!(i18n, dash_to).to_string(), to)}
            <button type="submit" class="secondary">{t!(i18n, dash_apply)}</button>
        </form>
    }
}

#[component]
fn FiguresView(f: Figures, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    let fig = |label: String, value: String, id: &'static str| {
        view! {
            <div><dt>{label}</dt><dd data-testid=id>{value}</dd></div>
        }
    };
    view! {
        <dl class="figures">
            {fig(t_string!(i18n, dash_open).to_string(), money(f.open, lang), "dash-open")}
            {fig(t_string!(i18n, dash_overdue).to_string(), money(f.overdue, lang), "dash-overdue")}
            {fig(t_string!(i18n, dash_overdue_count).to_string(), f.overdue_count.to_string(), "dash-overdue-count")}
            {fig(t_string!(i18n, dash_paid).to_string(), money(f.paid, lang), "dash-paid")}
            {fig(t_string!(i18n, dash_in_dispute).to_string(), money(f.in_dispute, lang), "dash-in-dispute")}
        </dl>
        <div class="dash-grid">
            <Ageing lines=f.ageing lang />
            <DsoPanel dso=f.dso lang />
            <Disputes by_status=f.disputes_by_status by_age=f.disputes_by_age
                median=f.median_resolution_days resolutions=f.resolutions_by_kind lang />
            <TopOverdue rows=f.top_overdue lang />
        </div>
        <h3>{t!(i18n, dash_cash)}</h3>
        <CashChart months=f.cash lang />
    }
}

#[component]
fn Ageing(lines: Vec<AgeLine>, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="compact" data-testid="dash-ageing">
            <caption>{t!(i18n, dash_ageing)}</caption>
            <thead><tr>
                <th scope="col">{t!(i18n, dash_age_filter)}</th>
                <th scope="col" class="num">{t!(i18n, dash_invoices)}</th>
                <th scope="col" class="num">{t!(i18n, dash_amount)}</th>
            </tr></thead>
            <tbody>
                {lines.into_iter().map(|l| view! {
                    <tr>
                        <th scope="row"><a href=format!("/staff/invoices?age={}", l.bucket.as_str())
                            data-testid=format!("dash-age-{}", l.bucket.as_str())>{age_label(l.bucket)}</a></th>
                        <td class="num" data-testid=format!("dash-age-{}-count", l.bucket.as_str())>{l.count}</td>
                        <td class="num">{money(l.amount, lang)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn DsoPanel(dso: Dso, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    let none = t_string!(i18n, dash_no_sales).to_string();
    let or_none =
        move |d: Option<rust_decimal::Decimal>| d.map_or(none.clone(), |d| days_text(d, lang));
    let count_back = if dso.count_back.beyond {
        format!(
            "{} {}",
            t_string!(i18n, dash_more_than),
            days_text(dso.count_back.days, lang)
        )
    } else {
        days_text(dso.count_back.days, lang)
    };
    view! {
        <div data-testid="dash-dso">
            <h3>{t!(i18n, dash_dso)}</h3>
            <dl class="pairs">
                <dt>{t!(i18n, dash_dso_count_back)}</dt><dd data-testid="dash-dso-count-back">{count_back}</dd>
                <dt>{t!(i18n, dash_dso_simple)}</dt><dd data-testid="dash-dso-simple">{or_none(dso.simple)}</dd>
                <dt>{t!(i18n, dash_dso_best)}</dt><dd data-testid="dash-dso-best">{or_none(dso.best)}</dd>
                <dt>{t!(i18n, dash_dso_add)}</dt><dd data-testid="dash-dso-add">{or_none(dso.delinquent)}</dd>
            </dl>
        </div>
    }
}

/// Label of a dispute status or resolution kind as stored.
fn stored_label(s: &str) -> String {
    DisputeStatus::parse(s)
        .map(|st| status_label(st, Reader::Staff))
        .or_else(|| ResolutionKind::parse(s).map(resolution_label))
        .unwrap_or_else(|| s.to_string())
}

#[component]
fn Counts(caption: String, rows: Vec<(String, i64)>, testid: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="compact" data-testid=testid>
            <caption>{caption}</caption>
            <thead><tr><th scope="col">{t!(i18n, col_status)}</th><th scope="col" class="num">{t!(i18n, dash_count)}</th></tr></thead>
            <tbody>
                {rows.is_empty().then(|| view! { <tr><td colspan="2">{t!(i18n, dash_none)}</td></tr> })}
                {rows.into_iter().map(|(k, n)| view! {
                    <tr><th scope="row">{k}</th><td class="num">{n}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

#[component]
fn Disputes(
    by_status: Vec<(String, i64)>,
    by_age: [i64; 3],
    median: Option<rust_decimal::Decimal>,
    resolutions: Vec<(String, i64)>,
    lang: Lang,
) -> impl IntoView {
    let i18n = use_i18n();
    let label = |rows: Vec<(String, i64)>| -> Vec<(String, i64)> {
        rows.into_iter()
            .map(|(k, n)| (stored_label(&k), n))
            .collect()
    };
    let ages = vec![
        (t_string!(i18n, dash_dispute_age_0_7).to_string(), by_age[0]),
        (
            t_string!(i18n, dash_dispute_age_8_30).to_string(),
            by_age[1],
        ),
        (
            t_string!(i18n, dash_dispute_age_over_30).to_string(),
            by_age[2],
        ),
    ];
    let median = median.map_or_else(
        || t_string!(i18n, dash_none).to_string(),
        |d| days_text(d, lang),
    );
    view! {
        <div data-testid="dash-disputes">
            <h3>{t!(i18n, dash_disputes)}</h3>
            <Counts caption=t_string!(i18n, dash_disputes_by_status).to_string() rows=label(by_status) testid="dash-disputes-status" />
            <Counts caption=t_string!(i18n, dash_disputes_by_age).to_string() rows=ages testid="dash-disputes-age" />
            <dl class="pairs">
                <dt>{t!(i18n, dash_median_resolution)}</dt><dd data-testid="dash-median">{median}</dd>
            </dl>
            <Counts caption=t_string!(i18n, dash_resolutions).to_string() rows=label(resolutions) testid="dash-resolutions" />
        </div>
    }
}

#[component]
fn TopOverdue(rows: Vec<OverdueCustomer>, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <table class="compact" data-testid="dash-top-overdue">
            <caption>{t!(i18n, dash_top_overdue)}</caption>
            <thead><tr>
                <th scope="col">{t!(i18n, col_customer)}</th>
                <th scope="col" class="num">{t!(i18n, dash_invoices)}</th>
                <th scope="col" class="num">{t!(i18n, dash_overdue)}</th>
            </tr></thead>
            <tbody>
                {rows.is_empty().then(|| view! { <tr><td colspan="3">{t!(i18n, dash_none)}</td></tr> })}
                {rows.into_iter().map(|c| view! {
                    <tr>
                        <th scope="row"><a href=format!("/staff/invoices?status=to_pay&customer={}", c.id)>{c.name}</a></th>
                        <td class="num">{c.count}</td>
                        <td class="num">{money(c.amount, lang)}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
