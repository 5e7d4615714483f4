//! The messages the portal sends, in French and English, from the `mail_*`
//! keys of the locale files. Each builder is a pure function: the caller
//! provides the figures and the absolute links, and gets a subject with a text
//! and an HTML body saying the same thing.
use crate::i18n::Locale;
use crate::model::dispute::ResolutionKind;
use crate::model::document::InvoiceDocument;
use crate::model::format::{format_date, format_money};
use crate::model::lang::Lang;
use leptos_i18n::td_string;

pub use crate::components::labels::method_label;

/// A message ready for the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

pub(super) fn locale(lang: Lang) -> Locale {
    match lang {
        Lang::Fr => Locale::fr,
        Lang::En => Locale::en,
    }
}

/// A message body: paragraphs (each a few lines), one call to action, closing
/// paragraphs. Rendered once as text and once as HTML.
pub(super) struct Body {
    pub before: Vec<Vec<String>>,
    /// Links given before the call to action (a document to download).
    pub links: Vec<Action>,
    pub action: Option<Action>,
    pub after: Vec<Vec<String>>,
}

pub(super) struct Action {
    /// The sentence introducing the link (text version).
    pub lead: String,
    /// The button label (HTML version).
    pub button: String,
    pub url: String,
}

/// Escapes text for HTML element content and attribute values.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

impl Body {
    fn text(&self) -> String {
        let mut parts: Vec<String> = self.before.iter().map(|p| p.join("\n")).collect();
        parts.extend(self.links.iter().map(|a| format!("{}\n{}", a.lead, a.url)));
        if let Some(a) = &self.action {
            parts.push(format!("{}\n{}", a.lead, a.url));
        }
        parts.extend(self.after.iter().map(|p| p.join("\n")));
        parts.join("\n\n") + "\n"
    }

    fn html(&self, lang: Lang) -> String {
        let para = |p: &Vec<String>| {
            let lines: Vec<String> = p.iter().map(|l| escape(l).replace('\n', "<br>")).collect();
            format!("<p>{}</p>\n", lines.join("<br>"))
        };
        let mut out = format!(
            "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"></head>\n<body style=\"font-family: sans-serif; line-height: 1.5; color: #1a1a1a;\">\n",
            lang.code()
        );
        self.before.iter().for_each(|p| out.push_str(&para(p)));
        for a in &self.links {
            out.push_str(&format!(
                "<p>{}<br><a href=\"{}\">{}</a></p>\n",
                escape(&a.lead),
                escape(&a.url),
                escape(&a.button)
            ));
        }
        if let Some(a) = &self.action {
            let url = escape(&a.url);
            out.push_str(&format!(
                "<p><a href=\"{url}\" style=\"display: inline-block; padding: 12px 20px; background: #1d4ed8; color: #ffffff; text-decoration: none; border-radius: 6px;\">{}</a></p>\n<p style=\"font-size: 0.9em; color: #555555;\">{}<br><a href=\"{url}\">{url}</a></p>\n",
                escape(&a.button),
                escape(&a.lead)
            ));
        }
        self.after.iter().for_each(|p| out.push_str(&para(p)));
        out.push_str("</body></html>\n");
        out
    }

    pub(super) fn into_mail(self, subject: String, lang: Lang) -> Mail {
        Mail {
            text: self.text(),
            html: self.html(lang),
            subject,
        }
    }
}

pub(super) fn greeting(lang: Lang, name: &str) -> String {
    let l = locale(lang);
    let name = name.trim();
    if name.is_empty() {
        td_string!(l, mail_greeting_plain).to_string()
    } else {
        td_string!(l, mail_greeting, name = name).to_string()
    }
}

pub(super) fn signature(lang: Lang, company: &str) -> Vec<String> {
    vec![td_string!(locale(lang), mail_signature, company = company).to_string()]
}

/// What an invoice email says; `resent` when the invoice goes out again with a new link.
#[derive(Debug, Clone, Copy)]
pub struct InvoiceMail<'a> {
    pub lang: Lang,
    pub company: &'a str,
    pub doc: &'a InvoiceDocument,
    pub pay_url: &'a str,
    pub resent: bool,
}

/// The invoice email: its number, total, due date and balance, and the pay link.
/// The PDF goes as an attachment named by [`invoice_file_name`].
pub fn invoice_mail(m: InvoiceMail<'_>) -> Mail {
    let (l, lang, doc) = (locale(m.lang), m.lang, m.doc);
    let number = doc.number.as_str();
    let (subject, intro) = if m.resent {
        (
            td_string!(
                l,
                mail_invoice_again_subject,
                number = number,
                company = m.company
            )
            .to_string(),
            td_string!(l, mail_invoice_again_intro, number = number).to_string(),
        )
    } else {
        (
            td_string!(
                l,
                mail_invoice_subject,
                number = number,
                company = m.company
            )
            .to_string(),
            td_string!(l, mail_invoice_intro, number = number).to_string(),
        )
    };
    let summary = vec![
        td_string!(
            l,
            mail_invoice_total,
            amount = format_money(doc.total_ttc, &doc.currency, lang)
        )
        .to_string(),
        td_string!(l, mail_invoice_due, date = format_date(doc.due_date, lang)).to_string(),
        td_string!(
            l,
            mail_invoice_balance,
            amount = format_money(doc.balance, &doc.currency, lang)
        )
        .to_string(),
    ];
    Body {
        before: vec![vec![greeting(lang, "")], vec![intro], summary],
        links: Vec::new(),
        action: Some(Action {
            lead: td_string!(l, mail_invoice_pay).to_string(),
            button: td_string!(l, mail_invoice_pay_button).to_string(),
            url: m.pay_url.to_string(),
        }),
        after: vec![signature(lang, m.company)],
    }
    .into_mail(subject, lang)
}

/// The receipt sent when a payment succeeds (online or recorded by staff).
pub fn receipt_mail(lang: Lang, r: &crate::model::payment::Receipt, link: &str) -> Mail {
    let l = locale(lang);
    let number = r.invoice_number.as_str();
    let date = chrono::DateTime::from_timestamp(r.paid_at, 0)
        .map(|d| format_date(d.date_naive(), lang))
        .unwrap_or_default();
    let method = method_label(lang, r.method);
    let mut summary = vec![
        td_string!(
            l,
            mail_receipt_amount,
            amount = format_money(r.amount, &r.currency, lang)
        )
        .to_string(),
        td_string!(l, mail_receipt_date, date = date).to_string(),
        td_string!(l, mail_receipt_method, method = method).to_string(),
    ];
    if !r.reference.is_empty() {
        summary.push(
            td_string!(l, mail_receipt_reference, reference = r.reference.as_str()).to_string(),
        );
    }
    summary.push(
        td_string!(
            l,
            mail_receipt_balance,
            number = number,
            amount = format_money(r.balance_after, &r.currency, lang)
        )
        .to_string(),
    );
    Body {
        before: vec![
            vec![greeting(lang, &r.buyer_name)],
            vec![td_string!(l, mail_receipt_intro, number = number).to_string()],
            summary,
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
            mail_receipt_subject,
            number = number,
            company = r.seller_name.as_str()
        )
        .to_string(),
        lang,
    )
}

/// The file name of an invoice's PDF: `facture-F-2026-000042.pdf`.
pub fn invoice_file_name(lang: Lang, number: &str) -> String {
    file_name(td_string!(locale(lang), mail_invoice_file), number)
}

/// The file name of a credit note's PDF: `avoir-AV-2026-000001.pdf`.
pub fn credit_note_file_name(lang: Lang, number: &str) -> String {
    file_name(td_string!(locale(lang), mail_credit_note_file), number)
}

fn file_name(prefix: &str, number: &str) -> String {
    let safe: String = number
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{prefix}-{safe}.pdf")
}

/// The invitation to the portal, with the single-use link that sets the password.
pub fn invitation_mail(
    lang: Lang,
    company: &str,
    display_name: &str,
    link: &str,
    valid_days: i64,
) -> Mail {
    let l = locale(lang);
    Body {
        before: vec![
            vec![greeting(lang, display_name)],
            vec![td_string!(l, mail_invite_intro, company = company).to_string()],
        ],
        links: Vec::new(),
        action: Some(Action {
            lead: td_string!(l, mail_invite_action, days = valid_days).to_string(),
            button: td_string!(l, mail_invite_button).to_string(),
            url: link.to_string(),
        }),
        after: vec![
            vec![td_string!(l, mail_invite_login).to_string()],
            signature(lang, company),
        ],
    }
    .into_mail(
        td_string!(l, mail_invite_subject, company = company).to_string(),
        lang,
    )
}

/// The password reset message, with its single-use link.
pub fn reset_mail(lang: Lang, company: &str, display_name: &str, link: &str) -> Mail {
    let l = locale(lang);
    Body {
        before: vec![vec![greeting(lang, display_name)]],
        links: Vec::new(),
        action: Some(Action {
            lead: td_string!(l, mail_reset_intro).to_string(),
            button: td_string!(l, mail_reset_button).to_string(),
            url: link.to_string(),
        }),
        after: vec![
            vec![td_string!(l, mail_reset_ignore).to_string()],
            signature(lang, company),
        ],
    }
    .into_mail(
        td_string!(l, mail_reset_subject, company = company).to_string(),
        lang,
    )
}

/// The link of a dispute's thread in its emails: in the portal (sign-in
/// needed), or through a pay link of its invoice for a dispute opened there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DisputeLink<'a> {
    pub url: &'a str,
    pub via_pay_link: bool,
}

impl DisputeLink<'_> {
    fn action(&self, lang: Lang) -> Action {
        let l = locale(lang);
        let lead = if self.via_pay_link {
            td_string!(l, mail_dispute_action_link)
        } else {
            td_string!(l, mail_dispute_action)
        };
        Action {
            lead: lead.to_string(),
            button: td_string!(l, mail_dispute_button).to_string(),
            url: self.url.to_string(),
        }
    }
}

/// A staff reply in a dispute's thread: its text and the link to the thread.
/// Only replies reach here: internal notes are never mailed.
pub fn dispute_reply_mail(
    lang: Lang,
    company: &str,
    display_name: &str,
    invoice_number: &str,
    reply: &str,
    link: DisputeLink<'_>,
) -> Mail {
    let l = locale(lang);
    let number = invoice_number;
    Body {
        before: vec![
            vec![greeting(lang, display_name)],
            vec![td_string!(l, mail_dispute_reply_intro, number = number).to_string()],
            vec![reply.to_string()],
        ],
        links: Vec::new(),
        action: Some(link.action(lang)),
        after: vec![signature(lang, company)],
    }
    .into_mail(
        td_string!(
            l,
            mail_dispute_reply_subject,
            number = number,
            company = company
        )
        .to_string(),
        lang,
    )
}

/// What a dispute's closing email says.
#[derive(Debug, Clone, Copy)]
pub struct DisputeResolvedMail<'a> {
    pub lang: Lang,
    pub company: &'a str,
    pub display_name: &'a str,
    pub invoice_number: &'a str,
    pub kind: ResolutionKind,
    /// The explanation given to the customer (for a rejection, the reason).
    pub explanation: &'a str,
    pub credit_note_number: Option<&'a str>,
    /// Where the credit note's PDF downloads (it is attached as well).
    pub credit_note_url: Option<&'a str>,
    pub link: DisputeLink<'a>,
}

fn outcome(lang: Lang, kind: ResolutionKind) -> String {
    let l = locale(lang);
    match kind {
        ResolutionKind::CreditNoteFull => td_string!(l, mail_dispute_outcome_credit_note_full),
        ResolutionKind::CreditNotePartial => {
            td_string!(l, mail_dispute_outcome_credit_note_partial)
        }
        ResolutionKind::CorrectedInvoice => td_string!(l, mail_dispute_outcome_corrected_invoice),
        ResolutionKind::PaymentPlan => td_string!(l, mail_dispute_outcome_payment_plan),
        ResolutionKind::CommercialGesture => {
            td_string!(l, mail_dispute_outcome_commercial_gesture)
        }
        ResolutionKind::Rejected => td_string!(l, mail_dispute_outcome_rejected),
    }
    .to_string()
}

/// The resolution of a dispute: the outcome, the explanation, the credit note.
pub fn dispute_resolved_mail(m: DisputeResolvedMail<'_>) -> Mail {
    let (l, lang) = (locale(m.lang), m.lang);
    let number = m.invoice_number;
    let mut facts = vec![outcome(lang, m.kind)];
    if let Some(cn) = m.credit_note_number {
        facts.push(td_string!(l, mail_dispute_credit_note, number = cn).to_string());
    }
    let mut before = vec![
        vec![greeting(lang, m.display_name)],
        vec![td_string!(l, mail_dispute_resolved_intro, number = number).to_string()],
        facts,
    ];
    if !m.explanation.trim().is_empty() {
        before.push(vec![m.explanation.trim().to_string()]);
    }
    let links = match (m.credit_note_number, m.credit_note_url) {
        (Some(cn), Some(url)) => vec![Action {
            lead: td_string!(l, mail_dispute_credit_note_link, number = cn).to_string(),
            button: url.to_string(),
            url: url.to_string(),
        }],
        _ => Vec::new(),
    };
    Body {
        before,
        links,
        action: Some(m.link.action(lang)),
        after: vec![signature(lang, m.company)],
    }
    .into_mail(
        td_string!(
            l,
            mail_dispute_resolved_subject,
            number = number,
            company = m.company
        )
        .to_string(),
        lang,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::document::{Buyer, DocKind, Seller, Terms};
    use crate::model::invoice::DisplayStatus;
    use chrono::NaiveDate;

    fn doc() -> InvoiceDocument {
        let date = NaiveDate::from_ymd_opt(2026, 3, 5).expect("date");
        InvoiceDocument {
            kind: DocKind::Invoice,
            number: "F-2026-000042".into(),
            issue_date: date,
            sale_date: date,
            due_date: NaiveDate::from_ymd_opt(2026, 4, 4).expect("date"),
            currency: "EUR".into(),
            seller: Seller::default(),
            buyer: Buyer::default(),
            lines: vec![],
            per_rate: vec![],
            total_ht: 100_000,
            total_vat: 20_000,
            total_ttc: 120_000,
            deposits: 0,
            paid: 20_000,
            credited: 0,
            balance: 100_000,
            status: DisplayStatus::PartiallyPaid,
            terms: Terms::default(),
            operation: Default::default(),
            corrects_number: None,
            corrects_issue_date: None,
            pay_url: None,
            logo_url: None,
            credit_notes: vec![],
        }
    }

    fn invoice(lang: Lang, resent: bool) -> Mail {
        invoice_mail(InvoiceMail {
            lang,
            company: "Atelier & Fils",
            doc: &doc(),
            pay_url: "https://pay.example.fr/pay/abc",
            resent,
        })
    }

    #[test]
    fn an_invoice_email_in_french_gives_number_total_due_date_balance_and_link() {
        let m = invoice(Lang::Fr, false);
        assert_eq!(m.subject, "Facture F-2026-000042 de Atelier & Fils");
        assert!(
            m.text.contains("Total TTC : 1\u{a0}200,00\u{a0}€"),
            "{}",
            m.text
        );
        assert!(m.text.contains("Échéance : 04/04/2026"), "{}", m.text);
        assert!(
            m.text.contains("Reste à payer : 1\u{a0}000,00\u{a0}€"),
            "{}",
            m.text
        );
        assert!(
            m.text.contains("https://pay.example.fr/pay/abc"),
            "{}",
            m.text
        );
        assert!(
            m.html.contains("href=\"https://pay.example.fr/pay/abc\""),
            "{}",
            m.html
        );
    }

    #[test]
    fn an_invoice_email_in_english_formats_money_and_dates_the_english_way() {
        let m = invoice(Lang::En, false);
        assert_eq!(m.subject, "Invoice F-2026-000042 from Atelier & Fils");
        assert!(m.text.contains("Total incl. VAT: €1,200.00"), "{}", m.text);
        assert!(m.text.contains("Due date: 4 Apr 2026"), "{}", m.text);
        assert!(m.text.contains("Balance due: €1,000.00"), "{}", m.text);
    }

    #[test]
    fn an_invoice_sent_again_says_so_in_its_subject() {
        assert!(invoice(Lang::Fr, true).subject.ends_with("(nouvel envoi)"));
        assert!(invoice(Lang::En, true).subject.ends_with("(sent again)"));
    }

    #[test]
    fn names_are_escaped_in_the_html_body_only() {
        let m = invoice(Lang::Fr, false);
        assert!(m.html.contains("Atelier &amp; Fils"), "{}", m.html);
        assert!(!m.html.contains("Atelier & Fils"), "{}", m.html);
        assert!(m.text.contains("Atelier & Fils"));
        let m = invitation_mail(
            Lang::En,
            "ACME",
            "<script>x</script>",
            "https://x.test/invite/t",
            7,
        );
        assert!(m.html.contains("&lt;script&gt;"), "{}", m.html);
        assert!(!m.html.contains("<script>"), "{}", m.html);
    }

    #[test]
    fn an_invitation_greets_the_contact_and_gives_the_link_and_its_validity() {
        let m = invitation_mail(
            Lang::Fr,
            "ACME",
            "Jeanne Martin",
            "https://x.test/invite/t0k",
            7,
        );
        assert_eq!(m.subject, "Votre accès à l'espace client ACME");
        assert!(m.text.starts_with("Bonjour Jeanne Martin,"), "{}", m.text);
        assert!(m.text.contains("valable 7 jours"), "{}", m.text);
        assert!(m.text.contains("https://x.test/invite/t0k"), "{}", m.text);
        let m = invitation_mail(Lang::En, "ACME", "", "https://x.test/invite/t0k", 7);
        assert!(m.text.starts_with("Hello,"), "{}", m.text);
        assert!(m.text.contains("valid 7 days"), "{}", m.text);
    }

    #[test]
    fn a_reset_email_gives_the_link_and_says_to_ignore_it_if_unasked() {
        let m = reset_mail(Lang::En, "ACME", "Jo", "https://x.test/reset-password/t0k");
        assert_eq!(m.subject, "Reset your ACME password");
        assert!(
            m.text.contains("https://x.test/reset-password/t0k"),
            "{}",
            m.text
        );
        assert!(m.text.contains("ignore this message"), "{}", m.text);
        assert!(
            reset_mail(Lang::Fr, "ACME", "", "l")
                .text
                .contains("ignorez ce message")
        );
    }

    #[test]
    fn the_pdf_file_name_follows_the_language_and_keeps_the_number() {
        assert_eq!(
            invoice_file_name(Lang::Fr, "F-2026-000042"),
            "facture-F-2026-000042.pdf"
        );
        assert_eq!(
            invoice_file_name(Lang::En, "F-2026/42"),
            "invoice-F-2026_42.pdf"
        );
    }

    #[test]
    fn a_dispute_resolution_email_gives_the_outcome_the_credit_note_and_the_link() {
        let m = dispute_resolved_mail(DisputeResolvedMail {
            lang: Lang::Fr,
            company: "Test SAS",
            display_name: "Client",
            invoice_number: "F-2026-000001",
            kind: ResolutionKind::CreditNotePartial,
            explanation: "Remise <accordée>",
            credit_note_number: Some("AV-2026-000001"),
            credit_note_url: None,
            link: DisputeLink {
                url: "https://portal.test/disputes/7",
                via_pay_link: false,
            },
        });
        assert!(m.subject.contains("F-2026-000001"));
        assert!(m.text.contains("AV-2026-000001"));
        assert!(m.text.contains("https://portal.test/disputes/7"));
        assert!(m.html.contains("Remise &lt;accordée&gt;"));
        let en = dispute_reply_mail(
            Lang::En,
            "Test SAS",
            "",
            "F-1",
            "We checked.",
            DisputeLink {
                url: "https://x/disputes/1",
                via_pay_link: false,
            },
        );
        assert!(en.text.contains("We checked.") && en.subject.starts_with("New reply"));
    }

    #[test]
    fn a_resolution_email_from_a_pay_link_links_the_credit_note_and_the_thread_through_it() {
        let thread = "https://portal.test/pay/abc/disputes/7";
        let pdf = "https://portal.test/pay/abc/credit-notes/AV-2026-000001/pdf";
        let m = dispute_resolved_mail(DisputeResolvedMail {
            lang: Lang::En,
            company: "Test SAS",
            display_name: "",
            invoice_number: "F-2026-000001",
            kind: ResolutionKind::CreditNoteFull,
            explanation: "",
            credit_note_number: Some("AV-2026-000001"),
            credit_note_url: Some(pdf),
            link: DisputeLink {
                url: thread,
                via_pay_link: true,
            },
        });
        assert!(
            m.text.contains(&format!(
                "Download credit note AV-2026-000001 (PDF, also attached to this message):\n{pdf}"
            )),
            "{}",
            m.text
        );
        assert!(
            m.html.contains(&format!("<a href=\"{pdf}\">")),
            "{}",
            m.html
        );
        assert!(m.text.contains("no account needed:\n"), "{}", m.text);
        assert!(m.html.contains(&format!("href=\"{thread}\"")), "{}", m.html);
        assert_eq!(
            credit_note_file_name(Lang::Fr, "AV-2026-000001"),
            "avoir-AV-2026-000001.pdf"
        );
    }
}
