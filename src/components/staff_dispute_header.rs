//! Staff dispute page: the facts of the dispute (invoice, customer, reason,
//! disputed amount and lines, status, assignee, when it was opened).
use crate::api::staff_disputes::StaffDisputeData;
use crate::components::dispute_labels::reason_label;
use crate::components::staff_dispute_labels::{DisputeBadge, instant_text};
use crate::i18n::*;
use crate::model::format::format_money;
use crate::model::lang::Lang;
use leptos::prelude::*;

#[component]
pub fn DisputeFacts(d: StaffDisputeData) -> impl IntoView {
    let i18n = use_i18n();
    let lang = Lang::from(i18n.get_locale_untracked());
    let h = d.thread.header;
    // Positions are stored from 0; people count lines from 1.
    let lines = if h.lines.is_empty() {
        t_string!(i18n, sd_lines_whole).to_string()
    } else {
        h.lines
            .iter()
            .map(|p| (p + 1).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let assignee = d
        .thread
        .assignee
        .map(|(_, name)| name)
        .unwrap_or_else(|| t_string!(i18n, sd_unassigned).to_string());
    view! {
        <section class="panel" aria-labelledby="sd-title" data-testid="sd-header">
            <h1 id="sd-title">
                {t!(i18n, sd_thread_title)} " "
                <a href=format!("/staff/invoices/{}", d.invoice_id) data-testid="sd-invoice-link">{h.invoice_number.clone()}</a>
            </h1>
            <dl class="facts">
                <div><dt>{t!(i18n, sd_col_customer)}</dt><dd data-testid="sd-customer">{d.thread.customer_name.clone()}</dd></div>
                <div><dt>{t!(i18n, sd_col_reason)}</dt><dd>{reason_label(h.reason)}</dd></div>
                <div><dt>{t!(i18n, sd_disputed_amount)}</dt><dd data-testid="sd-amount">{format_money(h.disputed_amount, &h.currency, lang)}</dd></div>
                <div><dt>{t!(i18n, sd_lines)}</dt><dd>{lines}</dd></div>
                <div><dt>{t!(i18n, sd_balance)}</dt><dd>{format_money(d.balance, &h.currency, lang)}</dd></div>
                <div><dt>{t!(i18n, sd_col_status)}</dt><dd data-testid="sd-status"><DisputeBadge status=h.status /></dd></div>
                <div><dt>{t!(i18n, sd_col_assignee)}</dt><dd data-testid="sd-assignee">{assignee}</dd></div>
                <div><dt>{t!(i18n, sd_opened)}</dt><dd>{instant_text(h.created_at, lang)}</dd></div>
            </dl>
        </section>
    }
}
