//! A customer statement as a page section (server-rendered, no island): the
//! company and the customer, the as-of date form (a plain GET), the open
//! items (cards on a phone, a table from 48rem), the balance per ageing
//! bucket, the credits not yet used, the total due and the PDF link.
use crate::components::dashboard_labels::age_label;
use crate::error::AppError;
use crate::i18n::*;
use crate::model::document::{Buyer, Seller};
use crate::model::format::{format_date, format_money};
use crate::model::lang::Lang;
use crate::model::statement::{
    AsOfProblem, BucketTotal, CreditItem, Figures, OpenItem, StatementView, parse_date, pdf_path,
};
use crate::model::statement_access::StatementAccess;
use leptos::prelude::*;

fn date_text(iso: &str, lang: Lang) -> String {
    parse_date(iso).map_or_else(|| iso.to_string(), |d| format_date(d, lang))
}

fn problem_text(p: AsOfProblem) -> String {
    let i18n = use_i18n();
    match p {
        AsOfProblem::InvalidDate => t_string!(i18n, st_err_invalid_date),
        AsOfProblem::InFuture => t_string!(i18n, st_err_future),
        AsOfProblem::BeforeFirstInvoice => t_string!(i18n, st_err_before_first),
    }
    .to_string()
}

/// The whole statement of a page; `children` (the pay form) come below the
/// open items and totals.
#[component]
pub fn StatementBody(
    view: StatementView,
    access: StatementAccess,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let currency = view.currency.clone();
    view! {
        <section class="panel statement" data-testid="statement" aria-labelledby="st-title">
            <h1 id="st-title">{t!(i18n, st_title)}</h1>
            <Parties seller=view.seller customer=view.customer />
            <AsOfForm action=access.page() as_of=view.as_of.clone() problem=view.problem />
            {view.figures.map(|f| {
                let pdf = pdf_path(&access, &view.as_of);
                view! { <FiguresView f currency=currency.clone() lang pdf /> }
            })}
            {children()}
        </section>
    }
}

#[component]
fn Parties(seller: Seller, customer: Buyer) -> impl IntoView {
    let i18n = use_i18n();
    let locality = |postal: &str, city: &str| {
        format!("{} {}", postal.trim(), city.trim())
            .trim()
            .to_string()
    };
    view! {
        <div class="parties">
            <div class="party" data-testid="st-seller">
                <h2>{t!(i18n, st_issued_by)}</h2>
                <p><strong>{seller.legal_name.clone()}</strong><br />
                    {seller.address_line1.clone()}<br />
                    {locality(&seller.postal_code, &seller.city)}</p>
            </div>
            <div class="party" data-testid="st-customer">
                <h2>{t!(i18n, st_customer)}</h2>
                <p><strong>{customer.name.clone()}</strong><br />
                    {customer.address_line1.clone()}<br />
                    {locality(&customer.postal_code, &customer.city)}</p>
            </div>
        </div>
    }
}

/// The as-of date: a GET form to the same page, what was typed kept.
#[component]
fn AsOfForm(action: String, as_of: String, problem: Option<AsOfProblem>) -> impl IntoView {
    let i18n = use_i18n();
    let error = problem.map(problem_text);
    let invalid = error.is_some();
    view! {
        <form method="get" action=action class="filter-form" aria-label=t_string!(i18n, st_as_of)>
            <div class="field" class:has-error=invalid>
                <label for="st-as-of">{t!(i18n, st_as_of)}</label>
                <input id="st-as-of" type="date" name="as_of" value=as_of data-testid="st-as-of"
                    aria-invalid=invalid.then_some("true")
                    aria-describedby=invalid.then_some("st-as-of-error") />
                {error.map(|e| view! {
                    <p class="field-error" id="st-as-of-error" role="alert" data-testid="st-as-of-error">{e}</p>
                })}
            </div>
            <button type="submit" class="secondary">{t!(i18n, st_apply)}</button>
        </form>
    }
}

#[component]
fn FiguresView(f: Figures, currency: String, lang: Lang, pdf: String) -> impl IntoView {
    let i18n = use_i18n();
    let money = {
        let currency = currency.clone();
        move |m: i64| format_money(m, &currency, lang)
    };
    let due_label = if f.total_due < 0 {
        t_string!(i18n, st_in_credit).to_string()
    } else {
        t_string!(i18n, st_total_due).to_string()
    };
    view! {
        <p class="total-due" data-testid="st-total-due-line">
            {due_label.clone()} ": " <strong data-testid="st-total-due">{money(f.total_due.abs())}</strong>
        </p>
        <p><a class="button-link" href=pdf data-testid="st-pdf">{t!(i18n, st_download_pdf)}</a></p>
        <h2>{t!(i18n, st_open_items)}</h2>
        <Items items=f.items currency=currency.clone() lang />
        <dl class="grand st-totals" data-testid="st-totals">
            <div><dt>{t!(i18n, st_total_open)}</dt><dd data-testid="st-total-open">{money(f.total_open)}</dd></div>
            {(f.total_in_dispute > 0).then(|| view! {
                <div><dt>{t!(i18n, st_total_in_dispute)}</dt><dd data-testid="st-total-dispute">{money(f.total_in_dispute)}</dd></div>
            })}
            <div><dt>{t!(i18n, st_total_credits)}</dt><dd data-testid="st-total-credits">{money(f.total_credits)}</dd></div>
            <div class="ttc"><dt>{due_label.clone()}</dt><dd>{money(f.total_due.abs())}</dd></div>
        </dl>
        <Buckets buckets=f.buckets currency=currency.clone() lang />
        <Credits credits=f.credits currency lang />
        <p class="hint">{t!(i18n, st_note)}</p>
    }
}

#[component]
fn Items(items: Vec<OpenItem>, currency: String, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    if items.is_empty() {
        return view! { <p class="empty" data-testid="st-no-items">{t!(i18n, st_no_items)}</p> }
            .into_any();
    }
    let rows = items
        .into_iter()
        .map(|item| view! { <ItemRow item currency=currency.clone() lang /> })
        .collect_view();
    view! {
        <table class="invoices statement-items" data-testid="st-items">
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, st_col_number)}</th>
                    <th scope="col">{t!(i18n, st_col_issue)}</th>
                    <th scope="col">{t!(i18n, st_col_due)}</th>
                    <th scope="col" class="num">{t!(i18n, st_col_total)}</th>
                    <th scope="col" class="num">{t!(i18n, st_col_paid)}</th>
                    <th scope="col" class="num">{t!(i18n, st_col_credited)}</th>
                    <th scope="col" class="num">{t!(i18n, st_col_balance)}</th>
                    <th scope="col" class="num">{t!(i18n, st_col_dispute)}</th>
                    <th scope="col" class="num">{t!(i18n, st_col_days)}</th>
                    <th scope="col">{t!(i18n, st_col_age)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

#[component]
fn ItemRow(item: OpenItem, currency: String, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    let money = move |m: i64| format_money(m, &currency, lang);
    view! {
        <tr data-testid="st-item" data-number=item.number.clone()>
            <th scope="row" data-label=t_string!(i18n, st_col_number)>{item.number.clone()}</th>
            <td data-label=t_string!(i18n, st_col_issue)>{date_text(&item.issue_date, lang)}</td>
            <td data-label=t_string!(i18n, st_col_due)>{item.due_date.as_deref().map(|d| date_text(d, lang)).unwrap_or_default()}</td>
            <td class="num" data-label=t_string!(i18n, st_col_total)>{money(item.total_ttc)}</td>
            <td class="num" data-label=t_string!(i18n, st_col_paid)>{money(item.paid)}</td>
            <td class="num" data-label=t_string!(i18n, st_col_credited)>{money(item.credited)}</td>
            <td class="num" data-label=t_string!(i18n, st_col_balance) data-testid="st-item-balance">{money(item.balance)}</td>
            <td class="num" data-label=t_string!(i18n, st_col_dispute)>{money(item.in_dispute)}</td>
            <td class="num" data-label=t_string!(i18n, st_col_days)>{item.days_past_due.max(0)}</td>
            <td data-label=t_string!(i18n, st_col_age) data-testid="st-item-age">{age_label(item.bucket)}</td>
        </tr>
    }
}

#[component]
fn Buckets(buckets: Vec<BucketTotal>, currency: String, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h2>{t!(i18n, st_ageing)}</h2>
        <dl class="grand" data-testid="st-buckets">
            {buckets.into_iter().map(|b| view! {
                <div data-testid=format!("st-bucket-{}", b.bucket.as_str())>
                    <dt>{age_label(b.bucket)} " (" {b.count} ")"</dt>
                    <dd>{format_money(b.amount, &currency, lang)}</dd>
                </div>
            }).collect_view()}
        </dl>
    }
}

#[component]
fn Credits(credits: Vec<CreditItem>, currency: String, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    let body = if credits.is_empty() {
        view! { <p class="empty">{t!(i18n, st_no_credits)}</p> }.into_any()
    } else {
        view! {
            <dl class="grand" data-testid="st-credits">
                {credits.into_iter().map(|c| view! {
                    <div>
                        <dt>{c.number.clone()} " \u{b7} " {date_text(&c.issue_date, lang)}</dt>
                        <dd>{format_money(c.amount, &currency, lang)}</dd>
                    </div>
                }).collect_view()}
            </dl>
        }
        .into_any()
    };
    view! {
        <h2>{t!(i18n, st_credits)}</h2>
        <p class="hint">{t!(i18n, st_credits_note)}</p>
        {body}
    }
}

/// Whether a pay link also opens its customer's statement.
pub type PayLinkStatementResource = Resource<Result<bool, AppError>>;

/// Starts asking whether pay link `token()` opens a statement. Call it at the
/// top of the route component.
pub fn pay_link_statement_resource(
    token: impl Fn() -> String + Send + Sync + 'static,
) -> PayLinkStatementResource {
    Resource::new(token, crate::api::statements::pay_link_statement_allowed)
}

/// On the pay page: the link to the customer's statement, when allowed.
#[component]
pub fn PayLinkStatementLink(token: String, allowed: PayLinkStatementResource) -> impl IntoView {
    let i18n = use_i18n();
    let href = StatementAccess::PayLink(token).page();
    view! {
        <Suspense fallback=|| ()>
            {move || {
                let href = href.clone();
                Suspend::new(async move {
                    matches!(allowed.await, Ok(true)).then(|| view! {
                        <p class="back"><a href=href data-testid="pay-statement-link">{t!(i18n, st_from_pay_link)}</a></p>
                    })
                })
            }}
        </Suspense>
    }
}
