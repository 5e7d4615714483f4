//! Placeholders in reminder texts, written `{name}`, e.g. `{invoice_number}`.
//!
//! A placeholder is a brace, a word of letters and underscores, and a closing
//! brace. Any other brace is plain text, and so is a placeholder whose name is
//! not one of [`PLACEHOLDERS`] (names are compared exactly: `{Customer}` is
//! unknown). Values are inserted as given and never scanned again.
use serde::{Deserialize, Serialize};

/// The placeholders a reminder text may use.
pub const PLACEHOLDERS: [&str; 7] = [
    "customer",
    "invoice_number",
    "amount_due",
    "due_date",
    "days_late",
    "pay_link",
    "penalties",
];

/// The placeholders' values, already formatted by the caller.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Values {
    pub customer: String,
    pub invoice_number: String,
    pub amount_due: String,
    pub due_date: String,
    pub days_late: String,
    pub pay_link: String,
    pub penalties: String,
}

impl Values {
    fn get(&self, name: &str) -> Option<&str> {
        Some(match name {
            "customer" => &self.customer,
            "invoice_number" => &self.invoice_number,
            "amount_due" => &self.amount_due,
            "due_date" => &self.due_date,
            "days_late" => &self.days_late,
            "pay_link" => &self.pay_link,
            "penalties" => &self.penalties,
            _ => return None,
        })
    }
}

/// The name of the placeholder `rest` starts with, if it starts with one.
fn placeholder_at(rest: &str) -> Option<&str> {
    let word = rest.strip_prefix('{')?;
    let len = word
        .bytes()
        .take_while(|b| b.is_ascii_alphabetic() || *b == b'_')
        .count();
    let (name, after) = word.split_at_checked(len)?;
    (len > 0 && after.starts_with('}')).then_some(name)
}

/// Every name written as a placeholder in `text`, in order of appearance.
fn placeholder_names(text: &str) -> impl Iterator<Item = &str> {
    text.match_indices('{')
        .filter_map(|(i, _)| text.get(i..).and_then(placeholder_at))
}

/// Placeholder names in `text` that are not in [`PLACEHOLDERS`], in order of
/// first appearance, each once.
pub fn unknown_placeholders(text: &str) -> Vec<String> {
    let mut unknown: Vec<String> = Vec::new();
    for name in placeholder_names(text) {
        if !PLACEHOLDERS.contains(&name) && !unknown.iter().any(|u| u == name) {
            unknown.push(name.to_string());
        }
    }
    unknown
}

/// `text` with each known placeholder replaced by its value; anything else,
/// unknown placeholders included, is left as written.
pub fn render(text: &str, v: &Values) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('{') {
        let (before, tail) = rest.split_at(i);
        out.push_str(before);
        let known = placeholder_at(tail).and_then(|name| Some((name, v.get(name)?)));
        match known {
            Some((name, value)) => {
                out.push_str(value);
                rest = tail.get(name.len() + 2..).unwrap_or("");
            }
            None => {
                out.push('{');
                rest = tail.get(1..).unwrap_or("");
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values() -> Values {
        Values {
            customer: "Dupont SARL".into(),
            invoice_number: "F-2026-0042".into(),
            amount_due: "1 200,00 €".into(),
            due_date: "31/03/2026".into(),
            days_late: "8".into(),
            pay_link: "https://pay.example/i/abc".into(),
            penalties: "26,63 €".into(),
        }
    }

    #[test]
    fn every_placeholder_has_a_value() {
        let v = values();
        for name in PLACEHOLDERS {
            assert!(v.get(name).is_some(), "{name}");
        }
    }

    #[test]
    fn known_placeholders_are_replaced() {
        let text = "Bonjour {customer}, la facture {invoice_number} de {amount_due} : {pay_link}";
        assert_eq!(
            render(text, &values()),
            "Bonjour Dupont SARL, la facture F-2026-0042 de 1 200,00 € : https://pay.example/i/abc"
        );
    }

    #[test]
    fn a_placeholder_may_repeat_and_touch_other_text() {
        assert_eq!(render("{days_late}{days_late}j", &values()), "88j");
    }

    #[test]
    fn unknown_placeholders_and_stray_braces_stay_as_written() {
        let text = "{Customer} {unknown} {} { customer} {customer {2} }{";
        assert_eq!(render(text, &values()), text);
    }

    #[test]
    fn a_brace_before_a_placeholder_is_kept() {
        assert_eq!(render("{{customer}}", &values()), "{Dupont SARL}");
    }

    #[test]
    fn values_are_not_scanned_again() {
        let v = Values {
            customer: "{pay_link}".into(),
            ..values()
        };
        assert_eq!(render("{customer}", &v), "{pay_link}");
    }

    #[test]
    fn unknown_placeholders_are_listed_once_in_order() {
        let text = "{nom} {customer} {Customer} {nom} {montant} {x1} {}";
        assert_eq!(unknown_placeholders(text), ["nom", "Customer", "montant"]);
        assert!(unknown_placeholders("Bonjour {customer}, {pay_link}").is_empty());
    }

    #[test]
    fn non_ascii_text_around_placeholders_is_kept() {
        assert_eq!(
            render("Échéance : {due_date} — merci", &values()),
            "Échéance : 31/03/2026 — merci"
        );
        assert_eq!(unknown_placeholders("{é} {échéance}"), Vec::<String>::new());
    }
}
