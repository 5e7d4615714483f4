//! The legal sentences of the PDF, for the notes of the Factur-X XML: the
//! e-invoice says exactly what the printed invoice says.
use super::labels::{self, Labels};
use crate::model::document::InvoiceDocument;
use crate::model::format::format_money;
use crate::model::lang::Lang;
use crate::server::facturx::cii::Notes;

/// The French mention of the option for VAT on debits (CGI art. 269), in
/// French whatever the document's language: it is a legal formula.
pub const VAT_ON_DEBITS: &str = "Option pour le paiement de la taxe d'après les débits";

pub fn facturx_notes(doc: &InvoiceDocument, lang: Lang) -> Notes {
    let t = &doc.terms;
    let lb = Labels::new(lang);
    let indemnity = match t.recovery_indemnity {
        Some(amount) => labels::recovery_indemnity(lang, &format_money(amount, "EUR", lang)),
        // A consumer owes no recovery indemnity (art. L441-10 applies
        // between professionals); the note says so rather than nothing.
        None => match lang {
            Lang::Fr => "Indemnité forfaitaire pour frais de recouvrement : non applicable (client non professionnel).".to_owned(),
            Lang::En => "Fixed recovery indemnity: not applicable (consumer customer).".to_owned(),
        },
    };
    let discount = if t.early_discount_terms.trim().is_empty() {
        lb.no_early_discount.clone()
    } else {
        labels::early_discount(lang, t.early_discount_terms.trim())
    };
    let s = &doc.seller;
    let mut legal: Vec<String> = Vec::new();
    let form = s.legal_form.trim();
    match s.share_capital {
        Some(capital) if !form.is_empty() => legal.push(format!(
            "{form}, {} {}",
            lb.share_capital,
            format_money(capital, "EUR", lang)
        )),
        _ if !form.is_empty() => legal.push(form.to_owned()),
        _ => {}
    }
    if !s.rcs_city.trim().is_empty() {
        legal.push(format!(
            "{} {} {}",
            lb.rcs,
            s.rcs_city.trim(),
            s.siren.trim()
        ));
    }
    Notes {
        indemnity,
        penalties: labels::late_penalty(lang, t.late_penalty_rate_bp),
        discount,
        vat_exemption: lb.vat_exemption.clone(),
        legal: legal.join(" \u{b7} "),
        vat_on_debits: s.vat_on_debits.then(|| VAT_ON_DEBITS.to_owned()),
    }
}
