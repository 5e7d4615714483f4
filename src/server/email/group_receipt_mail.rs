//! The receipt of one payment over several invoices (a statement payment):
//! one message listing every invoice it settled and what is left on each.
use super::messages::{Action, Body, Mail, greeting, locale, method_label, signature};
use crate::model::allocation::StatementReceipt;
use crate::model::format::{format_date, format_money};
use crate::model::lang::Lang;
use leptos_i18n::td_string;

/// The message for `r`; `link` leads to the customer's statement.
pub fn group_receipt_mail(lang: Lang, r: &StatementReceipt, link: &str) -> Mail {
    let l = locale(lang);
    let date = chrono::DateTime::from_timestamp(r.paid_at, 0)
        .map(|d| format_date(d.date_naive(), lang))
        .unwrap_or_default();
    let mut summary = vec![
        td_string!(
            l,
            mail_receipt_amount,
            amount = format_money(r.amount, &r.currency, lang)
        )
        .to_string(),
        td_string!(l, mail_receipt_date, date = date).to_string(),
        td_string!(
            l,
            mail_receipt_method,
            method = method_label(lang, r.method)
        )
        .to_string(),
    ];
    if !r.reference.is_empty() {
        summary.push(
            td_string!(l, mail_receipt_reference, reference = r.reference.as_str()).to_string(),
        );
    }
    let lines = r
        .lines
        .iter()
        .map(|line| {
            td_string!(
                l,
                mail_group_receipt_line,
                number = line.number.as_str(),
                amount = format_money(line.amount, &r.currency, lang),
                left = format_money(line.balance_after, &r.currency, lang)
            )
            .to_string()
        })
        .collect();
    Body {
        before: vec![
            vec![greeting(lang, &r.buyer_name)],
            vec![
                td_string!(l, mail_group_receipt_intro, n = r.lines.len().to_string()).to_string(),
            ],
            summary,
            lines,
        ],
        links: Vec::new(),
        action: Some(Action {
            lead: td_string!(l, mail_receipt_action).to_string(),
            button: td_string!(l, mail_receipt_button).to_string(),
            url: link.to_string(),
        }),
        after: vec![signature(lang, &r.seller_name)],
    }
    .into_mail(
        td_string!(
            l,
            mail_group_receipt_subject,
            n = r.lines.len().to_string(),
            company = r.seller_name.as_str()
        )
        .to_string(),
        lang,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::allocation::ReceiptLine;
    use crate::model::payment::PaymentMethod;

    #[test]
    fn the_receipt_lists_every_invoice_with_what_is_left_on_it() {
        let r = StatementReceipt {
            group_id: 3,
            seller_name: "Atelier".into(),
            buyer_name: "Client".into(),
            amount: 15_000,
            currency: "EUR".into(),
            method: PaymentMethod::Card,
            reference: "pi_1".into(),
            paid_at: 1_767_225_600,
            lines: vec![
                ReceiptLine {
                    number: "F-2026-000001".into(),
                    amount: 10_000,
                    balance_after: 0,
                },
                ReceiptLine {
                    number: "F-2026-000002".into(),
                    amount: 5_000,
                    balance_after: 2_000,
                },
            ],
        };
        let m = group_receipt_mail(Lang::En, &r, "http://x/statement");
        assert!(m.subject.contains('2'), "{}", m.subject);
        assert!(m.text.contains("F-2026-000001"), "{}", m.text);
        assert!(m.text.contains("F-2026-000002"), "{}", m.text);
        assert!(m.text.contains("150.00"), "{}", m.text);
        assert!(m.html.contains("http://x/statement"));
        let fr = group_receipt_mail(Lang::Fr, &r, "http://x/statement");
        assert!(fr.text.contains("150,00"), "{}", fr.text);
    }
}
