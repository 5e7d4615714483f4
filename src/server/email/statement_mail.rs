//! The statement email staff send a customer: the total due as of the day,
//! and the statement link (no sign-in needed, valid some days) to see the
//! open items, download the PDF and pay. From the `mail_statement_*` keys.
use super::messages::{Action, Body, Mail, greeting, locale, signature};
use crate::model::format::{format_date, format_money};
use crate::model::lang::Lang;
use chrono::NaiveDate;
use leptos_i18n::td_string;

/// What the statement email says.
#[derive(Debug, Clone, Copy)]
pub struct StatementMail<'a> {
    pub lang: Lang,
    pub company: &'a str,
    pub customer: &'a str,
    /// Below zero: the customer is in credit.
    pub total_due: i64,
    pub currency: &'a str,
    pub as_of: NaiveDate,
    /// Absolute statement link.
    pub link: &'a str,
    pub valid_days: i64,
}

pub fn statement_mail(m: StatementMail<'_>) -> Mail {
    let l = locale(m.lang);
    let date = format_date(m.as_of, m.lang);
    let figure = if m.total_due >= 0 {
        let amount = format_money(m.total_due, m.currency, m.lang);
        td_string!(
            l,
            mail_statement_total,
            amount = amount.as_str(),
            date = date.as_str()
        )
        .to_string()
    } else {
        let amount = format_money(m.total_due.saturating_neg(), m.currency, m.lang);
        td_string!(
            l,
            mail_statement_credit,
            amount = amount.as_str(),
            date = date.as_str()
        )
        .to_string()
    };
    Body {
        before: vec![
            vec![greeting(m.lang, m.customer)],
            vec![td_string!(l, mail_statement_intro, company = m.company).to_string()],
            vec![figure],
        ],
        links: Vec::new(),
        action: Some(Action {
            lead: td_string!(l, mail_statement_action, days = m.valid_days).to_string(),
            button: td_string!(l, mail_statement_button).to_string(),
            url: m.link.to_string(),
        }),
        after: vec![signature(m.lang, m.company)],
    }
    .into_mail(
        td_string!(l, mail_statement_subject, company = m.company).to_string(),
        m.lang,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mail(lang: Lang, total_due: i64) -> Mail {
        statement_mail(StatementMail {
            lang,
            company: "Atelier <Dupont>",
            customer: "Boulangerie Martin",
            total_due,
            currency: "EUR",
            as_of: NaiveDate::from_ymd_opt(2026, 6, 30).expect("date"),
            link: "https://pay.example/statements/abc",
            valid_days: 30,
        })
    }

    #[test]
    fn the_statement_email_gives_the_total_due_and_the_link_in_french_and_english() {
        let fr = mail(Lang::Fr, 123_456);
        assert!(fr.subject.contains("Atelier <Dupont>"));
        assert!(fr.text.contains("1\u{a0}234,56\u{a0}€"), "{}", fr.text);
        assert!(fr.text.contains("30/06/2026"), "{}", fr.text);
        assert!(fr.text.contains("https://pay.example/statements/abc"));
        assert!(fr.html.contains("Atelier &lt;Dupont&gt;"));
        let en = mail(Lang::En, 123_456);
        assert!(en.text.contains("1,234.56"), "{}", en.text);
        assert!(en.text.contains("30 days"), "{}", en.text);
        assert_ne!(fr.subject, en.subject);
    }

    #[test]
    fn a_customer_in_credit_is_told_so_rather_than_asked_to_pay() {
        let en = mail(Lang::En, -5_000);
        assert!(en.text.contains("in credit"), "{}", en.text);
        assert!(en.text.contains("50.00"), "{}", en.text);
    }
}
