//! An invoice or credit note with every mandatory mention, as HTML. On phones
//! the lines stack as cards, so no description is ever cut.
use crate::i18n::*;
use crate::model::document::{
    CreditNoteRef, DocKind, DocLine, InvoiceDocument, OperationCategory, Seller,
};
use crate::model::format::{format_date, format_money};
use crate::model::invoice::DisplayStatus;
use crate::model::lang::Lang;
use leptos::prelude::*;

/// The status label of an invoice.
pub fn status_label(s: DisplayStatus) -> String {
    let i18n = use_i18n();
    match s {
        DisplayStatus::Draft => t_string!(i18n, status_draft),
        DisplayStatus::Open => t_string!(i18n, status_open),
        DisplayStatus::PartiallyPaid => t_string!(i18n, status_partially_paid),
        DisplayStatus::Overdue => t_string!(i18n, status_overdue),
        DisplayStatus::Paid => t_string!(i18n, status_paid),
        DisplayStatus::Disputed => t_string!(i18n, status_disputed),
        DisplayStatus::Credited => t_string!(i18n, status_credited),
    }
    .to_string()
}

/// The category of operation in words: goods, services, or both.
pub fn operation_label(c: OperationCategory) -> String {
    let i18n = use_i18n();
    match c {
        OperationCategory::Goods => t_string!(i18n, doc_operation_goods),
        OperationCategory::Services => t_string!(i18n, doc_operation_services),
        OperationCategory::Mixed => t_string!(i18n, doc_operation_mixed),
    }
    .to_string()
}

/// A rate in basis points as a percentage: `10 %` / `10%`.
pub fn percent_bp(bp: i64, lang: Lang) -> String {
    let pct = rust_decimal::Decimal::new(bp, 2).normalize().to_string();
    match lang {
        Lang::Fr => format!("{}\u{a0}%", pct.replace('.', ",")),
        Lang::En => format!("{pct}%"),
    }
}

/// Where the credit notes of an invoice open, for its reader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreditNoteLinks {
    /// A signed-in customer: the credit note's page and its PDF.
    Account,
    /// The holder of a pay link (the token): the PDF, through the link.
    PayLink(String),
}

impl CreditNoteLinks {
    /// The credit note's page, when this reader has one.
    pub fn page(&self, number: &str) -> Option<String> {
        match self {
            CreditNoteLinks::Account => Some(format!("/invoices/{number}")),
            CreditNoteLinks::PayLink(_) => None,
        }
    }

    /// The credit note's PDF.
    pub fn pdf(&self, number: &str) -> String {
        match self {
            CreditNoteLinks::Account => format!("/invoices/{number}/pdf"),
            CreditNoteLinks::PayLink(token) => format!("/pay/{token}/credit-notes/{number}/pdf"),
        }
    }
}

/// The credit notes of an invoice, each with its page (signed in) and its PDF.
#[component]
pub fn CreditNoteList(notes: Vec<CreditNoteRef>, links: CreditNoteLinks) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    notes
        .into_iter()
        .map(|n| {
            let text = t_string!(
                i18n,
                credit_note_item,
                number = n.number.clone(),
                date = format_date(n.issue_date, lang),
                amount = format_money(n.total_ttc, &n.currency, lang)
            )
            .to_string();
            let hidden = t_string!(i18n, credit_note_view_hidden, number = n.number.clone()).to_string();
            let page = links.page(&n.number).map(|href| {
                let hidden = hidden.clone();
                view! {
                    <a class="chip" href=href data-testid="credit-note-page">
                        {t!(i18n, credit_note_view)}<span class="visually-hidden">" " {hidden}</span>
                    </a>
                }
            });
            view! {
                <li class="credit-note" data-testid="credit-note">
                    <span class="credit-note-text">{text}</span>
                    <span class="credit-note-links">
                        {page}
                        <a class="chip" href=links.pdf(&n.number) rel="external" data-testid="credit-note-pdf">
                            {t!(i18n, credit_note_pdf)}<span class="visually-hidden">" " {hidden}</span>
                        </a>
                    </span>
                </li>
            }
        })
        .collect_view()
}

#[component]
pub fn DocumentView(
    doc: InvoiceDocument,
    #[prop(optional, into)] pdf_href: Option<String>,
    /// How this reader opens the invoice's credit notes; none listed without it.
    #[prop(optional)]
    credit_note_links: Option<CreditNoteLinks>,
    /// The page already has its `h1` (the invoice summary): the title is an `h2`.
    #[prop(optional)]
    summarised: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let title = match doc.kind {
        DocKind::Invoice => t_string!(i18n, doc_invoice),
        DocKind::CreditNote => t_string!(i18n, doc_credit_note),
    };
    let cur = doc.currency.clone();
    let money = move |m: i64| format_money(m, &cur, lang);
    view! {
        <article class="document" data-testid="invoice-document">
            {doc.logo_url.clone().map(|src| view! {
                <img class="doc-logo" src=src alt=doc.seller.legal_name.clone() data-testid="doc-logo" />
            })}
            <header class="doc-head">
                {if summarised {
                    view! { <h2 class="doc-title">{title} " " <span data-testid="doc-number">{doc.number.clone()}</span></h2> }.into_any()
                } else {
                    view! { <h1>{title} " " <span data-testid="doc-number">{doc.number.clone()}</span></h1> }.into_any()
                }}
                <span class=format!("badge badge-{}", doc.status.css()) data-testid="doc-status">
                    {status_label(doc.status)}
                </span>
            </header>
            {pdf_href.map(|href| {
                // The Factur-X XML sits beside the PDF, under the same rules.
                let xml = href.strip_suffix("/pdf").map(|base| format!("{base}/factur-x.xml"));
                view! {
                    <p class="doc-downloads">
                        <a class="button-link" href=href rel="external" data-testid="pdf-link">{t!(i18n, doc_download_pdf)}</a>
                        {xml.map(|x| view! {
                            " "
                            <a class="button-link secondary" href=x rel="external" download="" data-testid="xml-link">{t!(i18n, doc_download_xml)}</a>
                        })}
                    </p>
                }
            })}
            {credit_note_links.filter(|_| !doc.credit_notes.is_empty()).map(|links| view! {
                <section class="credit-notes" aria-labelledby="credit-notes-h" data-testid="credit-notes">
                    <h2 id="credit-notes-h">{t!(i18n, credit_notes_title)}</h2>
                    <ul class="credit-note-list">
                        <CreditNoteList notes=doc.credit_notes.clone() links />
                    </ul>
                </section>
            })}
            {doc.corrects_number.clone().map(|n| view! {
                <p data-testid="corrects">{t_string!(i18n, doc_corrects, number = n).to_string()}</p>
            })}
            <DocDates doc=doc.clone() lang />
            <div class="parties">
                <SellerBlock seller=doc.seller.clone() lang cur=doc.currency.clone() />
                <BuyerBlock doc=doc.clone() />
            </div>
            <LinesTable lines=doc.lines.clone() cur=doc.currency.clone() lang />
            <TotalsBlock doc=doc.clone() lang />
            <p class="balance" data-testid="doc-balance">
                {t!(i18n, doc_balance)} ": " <strong>{money(doc.balance)}</strong>
            </p>
            <LegalMentions doc lang />
        </article>
    }
}

/// The first screen of an invoice for its customer, before the pay button:
/// which invoice, from whom, how much is due and by when. The page's `h1`.
#[component]
pub fn DocSummary(doc: InvoiceDocument) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let title = match doc.kind {
        DocKind::Invoice => t_string!(i18n, doc_invoice),
        DocKind::CreditNote => t_string!(i18n, doc_credit_note),
    };
    let due = format_money(doc.balance, &doc.currency, lang);
    let date = format_date(doc.due_date, lang);
    let when = if doc.balance <= 0 {
        t_string!(i18n, summary_due_on, date = date).to_string()
    } else if doc.status == DisplayStatus::Overdue {
        t_string!(i18n, summary_overdue_since, date = date).to_string()
    } else {
        t_string!(i18n, summary_due_by, date = date).to_string()
    };
    let company = doc.seller.legal_name.clone();
    view! {
        <section class="doc-summary" aria-labelledby="summary-h" data-testid="pay-summary">
            <h1 id="summary-h">
                {title} " " <span data-testid="summary-number">{doc.number.clone()}</span>
            </h1>
            <p class="summary-from" data-testid="summary-seller">
                {t_string!(i18n, summary_from, company = company).to_string()}
            </p>
            <p class="amount-due">
                {t!(i18n, pay_amount_due)} " " <strong data-testid="amount-due">{due}</strong>
            </p>
            <p class="summary-due">
                <span data-testid="summary-due">{when}</span>
                // "Open" and "overdue" are what the line above says already.
                {(!matches!(doc.status, DisplayStatus::Open | DisplayStatus::Overdue)).then(|| view! {
                    " " <span class=format!("badge badge-{}", doc.status.css())>{status_label(doc.status)}</span>
                })}
            </p>
        </section>
    }
}

#[component]
fn DocDates(doc: InvoiceDocument, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <dl class="doc-dates">
            <div><dt>{t!(i18n, doc_issue_date)}</dt><dd>{format_date(doc.issue_date, lang)}</dd></div>
            <div><dt>{t!(i18n, doc_sale_date)}</dt><dd>{format_date(doc.sale_date, lang)}</dd></div>
            <div><dt>{t!(i18n, doc_due_date)}</dt><dd data-testid="doc-due">{format_date(doc.due_date, lang)}</dd></div>
        </dl>
    }
}

#[component]
fn SellerBlock(seller: Seller, lang: Lang, cur: String) -> impl IntoView {
    let i18n = use_i18n();
    let capital = seller.share_capital.map(|c| {
        format!(
            "{} {} {}",
            seller.legal_form,
            t_string!(i18n, doc_share_capital),
            format_money(c, &cur, lang)
        )
    });
    view! {
        <section class="party" aria-labelledby="seller-h">
            <h2 id="seller-h">{t!(i18n, doc_seller)}</h2>
            <p>
                <strong>{seller.legal_name.clone()}</strong><br />
                {capital.map(|c| view! { {c}<br /> })}
                {seller.address_line1.clone()}<br />
                {format!("{} {}", seller.postal_code, seller.city)}
            </p>
            <p class="ids">
                {t!(i18n, doc_siren)} " " {seller.siren.clone()} " · " {t!(i18n, doc_siret)} " " {seller.siret.clone()}<br />
                {t!(i18n, doc_rcs)} " " {seller.rcs_city.clone()}<br />
                {t!(i18n, doc_vat_number)} " " {seller.vat_number.clone()}
            </p>
        </section>
    }
}

#[component]
fn BuyerBlock(doc: InvoiceDocument) -> impl IntoView {
    let i18n = use_i18n();
    let b = doc.buyer;
    let business = b.is_business;
    view! {
        <section class="party" aria-labelledby="buyer-h">
            <h2 id="buyer-h">{t!(i18n, doc_buyer)}</h2>
            <p>
                <strong>{b.name.clone()}</strong><br />
                {b.address_line1.clone()}<br />
                {format!("{} {}", b.postal_code, b.city)}
            </p>
            {business.then(|| view! {
                <p class="ids">
                    {(!b.siren.trim().is_empty()).then(|| view! {
                        {t!(i18n, doc_siren)} " " <span data-testid="doc-buyer-siren">{b.siren.clone()}</span><br />
                    })}
                    {t!(i18n, doc_vat_number)} " " {b.vat_number.clone()}
                </p>
            })}
            {b.delivery.clone().map(|d| view! {
                <h3>{t!(i18n, doc_delivery_address)}</h3>
                <p data-testid="doc-delivery">
                    {d.line1}<br />
                    {format!("{} {}", d.postal_code, d.city)}<br />
                    {d.country}
                </p>
            })}
        </section>
    }
}

#[component]
fn LinesTable(lines: Vec<DocLine>, cur: String, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    let rows = lines
        .into_iter()
        .map(|l| {
            let c = cur.clone();
            view! {
                <tr data-testid="doc-line">
                    <th scope="row" class="desc" data-label=t_string!(i18n, doc_col_description)>{l.description}</th>
                    <td data-label=t_string!(i18n, doc_col_quantity)>{format!("{} {}", l.quantity.replace('.', if lang == Lang::Fr { "," } else { "." }), l.unit)}</td>
                    <td class="num" data-label=t_string!(i18n, doc_col_unit_price)>{format_money(l.unit_price_ht, &c, lang)}</td>
                    <td class="num" data-label=t_string!(i18n, doc_col_vat)>{l.vat_rate.label(lang)}</td>
                    <td class="num" data-label=t_string!(i18n, doc_col_discount)>{if l.discount_pct == "0" { String::from("—") } else { format!("{} %", l.discount_pct) }}</td>
                    <td class="num" data-label=t_string!(i18n, doc_col_total_ht)>{format_money(l.total_ht, &c, lang)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="lines">
            <thead>
                <tr>
                    <th scope="col">{t!(i18n, doc_col_description)}</th>
                    <th scope="col">{t!(i18n, doc_col_quantity)}</th>
                    <th scope="col" class="num">{t!(i18n, doc_col_unit_price)}</th>
                    <th scope="col" class="num">{t!(i18n, doc_col_vat)}</th>
                    <th scope="col" class="num">{t!(i18n, doc_col_discount)}</th>
                    <th scope="col" class="num">{t!(i18n, doc_col_total_ht)}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

#[component]
fn TotalsBlock(doc: InvoiceDocument, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    let cur = doc.currency.clone();
    let m = move |v: i64| format_money(v, &cur, lang);
    let m2 = m.clone();
    let rates = doc
        .per_rate
        .iter()
        .map(|r| {
            let m = m2.clone();
            view! {
                <tr data-testid="vat-rate-row">
                    <td>{r.rate.label(lang)}</td>
                    <td class="num">{m(r.base_ht)}</td>
                    <td class="num">{m(r.vat)}</td>
                </tr>
            }
        })
        .collect_view();
    let extra = |label: String, v: i64, m: &dyn Fn(i64) -> String| {
        (v != 0).then(|| view! { <div><dt>{label}</dt><dd>{m(-v)}</dd></div> })
    };
    view! {
        <section class="totals">
            <table class="vat">
                <caption>{t!(i18n, doc_vat_breakdown)}</caption>
                <thead>
                    <tr>
                        <th scope="col">{t!(i18n, doc_rate)}</th>
                        <th scope="col" class="num">{t!(i18n, doc_base_ht)}</th>
                        <th scope="col" class="num">{t!(i18n, doc_vat_amount)}</th>
                    </tr>
                </thead>
                <tbody>{rates}</tbody>
            </table>
            <dl class="grand">
                <div><dt>{t!(i18n, doc_total_ht)}</dt><dd>{m(doc.total_ht)}</dd></div>
                <div><dt>{t!(i18n, doc_total_vat)}</dt><dd>{m(doc.total_vat)}</dd></div>
                <div class="ttc"><dt>{t!(i18n, doc_total_ttc)}</dt><dd data-testid="doc-ttc">{m(doc.total_ttc)}</dd></div>
                {extra(t_string!(i18n, doc_deposits).to_string(), doc.deposits, &m)}
                {extra(t_string!(i18n, doc_paid).to_string(), doc.paid, &m)}
                {extra(t_string!(i18n, doc_credited).to_string(), doc.credited, &m)}
            </dl>
        </section>
    }
}

#[component]
fn LegalMentions(doc: InvoiceDocument, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    let t = doc.terms.clone();
    let cur = doc.currency.clone();
    let indemnity = t.recovery_indemnity.map(|a| {
        t_string!(
            i18n,
            doc_recovery_indemnity,
            amount = format_money(a, "EUR", lang)
        )
        .to_string()
    });
    let escompte = if t.early_discount_terms.trim().is_empty() {
        t_string!(i18n, doc_no_early_discount).to_string()
    } else {
        t_string!(
            i18n,
            doc_early_discount,
            terms = t.early_discount_terms.clone()
        )
        .to_string()
    };
    let _ = cur;
    view! {
        <section class="mentions" data-testid="legal-mentions">
            <h2>{t!(i18n, doc_legal_mentions)}</h2>
            <p data-testid="doc-operation">{t_string!(i18n, doc_operation, category = operation_label(doc.operation)).to_string()}</p>
            {doc.seller.vat_on_debits.then(|| view! { <p data-testid="doc-vat-on-debits">{t!(i18n, doc_vat_on_debits)}</p> })}
            <p>{t_string!(i18n, doc_payment_terms, days = t.payment_terms_days).to_string()}</p>
            <p>{t_string!(i18n, doc_late_penalty, rate = percent_bp(t.late_penalty_rate_bp, lang)).to_string()}</p>
            {indemnity.map(|s| view! { <p>{s}</p> })}
            <p>{escompte}</p>
            {doc.needs_vat_exemption_mention().then(|| view! { <p>{t!(i18n, doc_vat_exemption)}</p> })}
            <h3>{t!(i18n, doc_payment_methods)}</h3>
            <p data-testid="bank-details">
                {t_string!(i18n, doc_bank_transfer, iban = doc.seller.iban.clone(), bic = doc.seller.bic.clone()).to_string()}
            </p>
            {doc.pay_url.clone().map(|u| view! { <p>{t_string!(i18n, doc_pay_online, url = u).to_string()}</p> })}
        </section>
    }
}
