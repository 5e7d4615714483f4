//! The reminder email and the thank-you after a reminded invoice is paid.
//! The reminder's subject and opening are the business's own texts (the
//! schedule's step, placeholders filled for its main invoice); the portal adds
//! the other invoices of the day, what is left out because it is disputed, the
//! pay button and the signature, from the `mail_reminder_*` locale keys.
use super::messages::{Action, Body, Mail, greeting, locale, signature};
use crate::model::format::{format_date, format_money};
use crate::model::lang::Lang;
use crate::model::reminder::penalty::LateCharges;
use crate::model::reminder::schedule::Step;
use crate::model::reminder::template::{self, Values};
use chrono::NaiveDate;
use leptos_i18n::td_string;

/// One invoice the reminder is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderItem {
    pub number: String,
    pub due: NaiveDate,
    /// What is asked for (nothing disputed).
    pub amount: i64,
    /// What is disputed and left out.
    pub disputed: i64,
    pub currency: String,
    pub charges: Option<LateCharges>,
    /// Absolute pay link.
    pub pay_url: String,
}

/// A whole reminder: the step whose texts lead, and its invoices (the first
/// is the one the texts speak of).
#[derive(Debug, Clone, Copy)]
pub struct ReminderMail<'a> {
    pub lang: Lang,
    pub company: &'a str,
    pub customer: &'a str,
    pub step: &'a Step,
    pub items: &'a [ReminderItem],
    pub today: NaiveDate,
}

/// The penalties sentence of an invoice late on `today` (empty when it is not late).
pub fn penalties_text(lang: Lang, item: &ReminderItem) -> String {
    let l = locale(lang);
    let Some(c) = item.charges else {
        return String::new();
    };
    let money = |m| format_money(m, &item.currency, lang);
    let rate = rust_decimal::Decimal::new(c.rate_bp, 2).to_string();
    let rate = match lang {
        Lang::Fr => rate.replace('.', ","),
        Lang::En => rate,
    };
    if c.indemnity_minor > 0 {
        td_string!(
            l,
            mail_reminder_penalties,
            penalties = money(c.penalties_minor),
            rate = rate,
            days = c.days_late,
            indemnity = money(c.indemnity_minor)
        )
        .to_string()
    } else {
        td_string!(
            l,
            mail_reminder_penalties_consumer,
            penalties = money(c.penalties_minor),
            rate = rate,
            days = c.days_late
        )
        .to_string()
    }
}

/// The placeholder values of one invoice.
pub fn values(lang: Lang, customer: &str, item: &ReminderItem, today: NaiveDate) -> Values {
    let days_late = (today - item.due).num_days().max(0);
    Values {
        customer: customer.to_string(),
        invoice_number: item.number.clone(),
        amount_due: format_money(item.amount, &item.currency, lang),
        due_date: format_date(item.due, lang),
        days_late: days_late.to_string(),
        pay_link: item.pay_url.clone(),
        penalties: penalties_text(lang, item),
    }
}

/// Paragraphs of a text: blank lines separate them.
fn paragraphs(text: &str) -> Vec<Vec<String>> {
    text.split("\n\n")
        .map(|p| p.trim().lines().map(str::to_string).collect::<Vec<_>>())
        .filter(|p: &Vec<String>| !p.is_empty())
        .collect()
}

pub fn reminder_mail(m: ReminderMail<'_>) -> Mail {
    let l = locale(m.lang);
    let Some(main) = m.items.first() else {
        return Body {
            before: vec![vec![greeting(m.lang, m.customer)]],
            links: Vec::new(),
            action: None,
            after: vec![signature(m.lang, m.company)],
        }
        .into_mail(String::new(), m.lang);
    };
    let v = values(m.lang, m.customer, main, m.today);
    let subject = template::render(m.step.subject(m.lang), &v);
    let mut before = paragraphs(&template::render(m.step.body(m.lang), &v));
    if m.items.len() > 1 {
        let mut list = vec![td_string!(l, mail_reminder_also).to_string()];
        for item in &m.items[1..] {
            list.push(
                td_string!(
                    l,
                    mail_reminder_item,
                    number = item.number.as_str(),
                    amount = format_money(item.amount, &item.currency, m.lang),
                    due_date = format_date(item.due, m.lang),
                    link = item.pay_url.as_str()
                )
                .to_string(),
            );
        }
        before.push(list);
    }
    for item in m.items.iter().filter(|i| i.disputed > 0) {
        before.push(vec![
            td_string!(
                l,
                mail_reminder_disputed,
                number = item.number.as_str(),
                disputed = format_money(item.disputed, &item.currency, m.lang),
                amount = format_money(item.amount, &item.currency, m.lang)
            )
            .to_string(),
        ]);
    }
    Body {
        before,
        links: Vec::new(),
        action: Some(Action {
            lead: td_string!(l, mail_reminder_action, number = main.number.as_str()).to_string(),
            button: td_string!(l, mail_reminder_button).to_string(),
            url: main.pay_url.clone(),
        }),
        after: vec![signature(m.lang, m.company)],
    }
    .into_mail(subject, m.lang)
}

/// The thank-you email once a reminded invoice is paid in full.
pub fn thanks_mail(lang: Lang, company: &str, customer: &str, number: &str) -> Mail {
    let l = locale(lang);
    Body {
        before: vec![
            vec![greeting(lang, customer)],
            vec![td_string!(l, mail_thanks_body, number = number).to_string()],
        ],
        links: Vec::new(),
        action: None,
        after: vec![signature(lang, company)],
    }
    .into_mail(
        td_string!(l, mail_thanks_subject, number = number, company = company).to_string(),
        lang,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::reminder::schedule::default_schedule;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    fn item(number: &str, amount: i64, disputed: i64) -> ReminderItem {
        ReminderItem {
            number: number.into(),
            due: day("2026-06-01"),
            amount,
            disputed,
            currency: "EUR".into(),
            charges: crate::model::reminder::penalty::late_charges(
                amount,
                1215,
                day("2026-06-01"),
                day("2026-06-16"),
                true,
            ),
            pay_url: format!("https://pay.example.fr/pay/{number}"),
        }
    }

    #[test]
    fn a_firm_reminder_names_the_invoice_the_amount_and_the_penalties() {
        let steps = default_schedule();
        let firm = steps.iter().find(|s| s.offset_days == 15).expect("+15");
        let items = [item("F-2026-000007", 120_000, 0)];
        for lang in [Lang::Fr, Lang::En] {
            let mail = reminder_mail(ReminderMail {
                lang,
                company: "Atelier Durand SARL",
                customer: "Boulangerie Martin",
                step: firm,
                items: &items,
                today: day("2026-06-16"),
            });
            assert!(mail.subject.contains("F-2026-000007"), "{}", mail.subject);
            assert!(
                mail.text
                    .contains("https://pay.example.fr/pay/F-2026-000007")
            );
            assert!(mail.text.contains("Atelier Durand SARL"));
            assert!(mail.text.contains("40"), "indemnity missing: {}", mail.text);
            assert!(!mail.text.contains('{'), "placeholder left: {}", mail.text);
            assert!(mail.html.contains("F-2026-000007"));
        }
    }

    #[test]
    fn one_email_lists_the_other_invoices_and_what_is_left_out_as_disputed() {
        let steps = default_schedule();
        let items = [item("F-1", 10_000, 0), item("F-2", 7_500, 2_500)];
        let mail = reminder_mail(ReminderMail {
            lang: Lang::En,
            company: "Atelier",
            customer: "Client",
            step: &steps[1],
            items: &items,
            today: day("2026-06-02"),
        });
        assert!(mail.text.contains("F-2"), "{}", mail.text);
        assert!(mail.text.contains("https://pay.example.fr/pay/F-2"));
        assert!(mail.text.contains("25.00"), "disputed part: {}", mail.text);
    }

    #[test]
    fn no_penalties_are_named_before_the_due_date() {
        let mut early = item("F-3", 10_000, 0);
        early.charges = None;
        assert_eq!(penalties_text(Lang::Fr, &early), "");
    }

    #[test]
    fn the_thank_you_names_the_invoice() {
        let mail = thanks_mail(Lang::Fr, "Atelier", "Client", "F-2026-000002");
        assert!(mail.subject.contains("F-2026-000002"));
        assert!(mail.text.contains("F-2026-000002"));
    }
}
