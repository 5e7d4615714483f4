//! Every word printed on the document, from the `doc_*` keys of the locale
//! files, and the locale-dependent formatting of numbers that are not money.
use crate::i18n::Locale;
use crate::model::document::OperationCategory;
use crate::model::lang::Lang;
use leptos_i18n::td_string;
use rust_decimal::Decimal;

/// The locale of the generated i18n module for a language.
pub(super) fn locale(lang: Lang) -> Locale {
    match lang {
        Lang::Fr => Locale::fr,
        Lang::En => Locale::en,
    }
}

/// Fixed labels of the document, in one language.
pub(super) struct Labels {
    pub invoice: String,
    pub credit_note: String,
    pub number: String,
    pub issue_date: String,
    pub sale_date: String,
    pub due_date: String,
    pub seller: String,
    pub buyer: String,
    pub siren: String,
    pub siret: String,
    pub vat_number: String,
    pub rcs: String,
    pub share_capital: String,
    pub col_description: String,
    pub col_quantity: String,
    pub col_unit: String,
    pub col_unit_price: String,
    pub col_vat: String,
    pub col_discount: String,
    pub col_total_ht: String,
    pub vat_breakdown: String,
    pub rate: String,
    pub base_ht: String,
    pub vat_amount: String,
    pub total_ht: String,
    pub total_vat: String,
    pub total_ttc: String,
    pub deposits: String,
    pub paid: String,
    pub credited: String,
    pub balance: String,
    pub no_early_discount: String,
    pub vat_exemption: String,
    pub payment_methods: String,
    pub legal_mentions: String,
    pub delivery_address: String,
    pub vat_on_debits: String,
}

impl Labels {
    pub fn new(lang: Lang) -> Labels {
        let l = locale(lang);
        Labels {
            invoice: td_string!(l, doc_invoice).to_string(),
            credit_note: td_string!(l, doc_credit_note).to_string(),
            number: td_string!(l, doc_number).to_string(),
            issue_date: td_string!(l, doc_issue_date).to_string(),
            sale_date: td_string!(l, doc_sale_date).to_string(),
            due_date: td_string!(l, doc_due_date).to_string(),
            seller: td_string!(l, doc_seller).to_string(),
            buyer: td_string!(l, doc_buyer).to_string(),
            siren: td_string!(l, doc_siren).to_string(),
            siret: td_string!(l, doc_siret).to_string(),
            vat_number: td_string!(l, doc_vat_number).to_string(),
            rcs: td_string!(l, doc_rcs).to_string(),
            share_capital: td_string!(l, doc_share_capital).to_string(),
            col_description: td_string!(l, doc_col_description).to_string(),
            col_quantity: td_string!(l, doc_col_quantity).to_string(),
            col_unit: td_string!(l, doc_col_unit).to_string(),
            col_unit_price: td_string!(l, doc_col_unit_price).to_string(),
            col_vat: td_string!(l, doc_col_vat).to_string(),
            col_discount: td_string!(l, doc_col_discount).to_string(),
            col_total_ht: td_string!(l, doc_col_total_ht).to_string(),
            vat_breakdown: td_string!(l, doc_vat_breakdown).to_string(),
            rate: td_string!(l, doc_rate).to_string(),
            base_ht: td_string!(l, doc_base_ht).to_string(),
            vat_amount: td_string!(l, doc_vat_amount).to_string(),
            total_ht: td_string!(l, doc_total_ht).to_string(),
            total_vat: td_string!(l, doc_total_vat).to_string(),
            total_ttc: td_string!(l, doc_total_ttc).to_string(),
            deposits: td_string!(l, doc_deposits).to_string(),
            paid: td_string!(l, doc_paid).to_string(),
            credited: td_string!(l, doc_credited).to_string(),
            balance: td_string!(l, doc_balance).to_string(),
            no_early_discount: td_string!(l, doc_no_early_discount).to_string(),
            vat_exemption: td_string!(l, doc_vat_exemption).to_string(),
            payment_methods: td_string!(l, doc_payment_methods).to_string(),
            legal_mentions: td_string!(l, doc_legal_mentions).to_string(),
            delivery_address: td_string!(l, doc_delivery_address).to_string(),
            vat_on_debits: td_string!(l, doc_vat_on_debits).to_string(),
        }
    }
}

/// The sentences with a value in them.
pub(super) fn payment_terms(lang: Lang, days: i64) -> String {
    td_string!(locale(lang), doc_payment_terms, days = days)
}

pub(super) fn late_penalty(lang: Lang, rate_bp: i64) -> String {
    let rate = percent(Decimal::new(rate_bp, 2), lang);
    td_string!(locale(lang), doc_late_penalty, rate = rate)
}

pub(super) fn recovery_indemnity(lang: Lang, amount: &str) -> String {
    td_string!(locale(lang), doc_recovery_indemnity, amount = amount)
}

pub(super) fn early_discount(lang: Lang, terms: &str) -> String {
    td_string!(locale(lang), doc_early_discount, terms = terms)
}

pub(super) fn bank_transfer(lang: Lang, iban: &str, bic: &str) -> String {
    td_string!(locale(lang), doc_bank_transfer, iban = iban, bic = bic)
}

pub(super) fn pay_online(lang: Lang, url: &str) -> String {
    td_string!(locale(lang), doc_pay_online, url = url)
}

/// "Nature de l'opération : Prestations de services" (a 2026 mention).
pub(super) fn operation(lang: Lang, category: OperationCategory) -> String {
    let l = locale(lang);
    let words = match category {
        OperationCategory::Goods => td_string!(l, doc_operation_goods),
        OperationCategory::Services => td_string!(l, doc_operation_services),
        OperationCategory::Mixed => td_string!(l, doc_operation_mixed),
    };
    td_string!(l, doc_operation, category = words)
}

pub(super) fn corrects(lang: Lang, number: &str) -> String {
    td_string!(locale(lang), doc_corrects, number = number)
}

/// A percentage: `10 %`, `12,5 %` in French (no-break space), `10%`, `12.5%` in English.
pub(super) fn percent(value: Decimal, lang: Lang) -> String {
    let digits = value.normalize().to_string();
    match lang {
        Lang::Fr => format!("{}\u{a0}%", digits.replace('.', ",")),
        Lang::En => format!("{digits}%"),
    }
}

/// A line discount as printed: a dash when there is none.
pub(super) fn discount(text: &str, lang: Lang) -> String {
    match text.trim().replace(',', ".").parse::<Decimal>() {
        Ok(d) if d.is_zero() => "\u{2013}".to_owned(),
        Ok(d) => percent(d, lang),
        Err(_) => text.trim().to_owned(),
    }
}

/// A decimal quantity with the locale's decimal separator.
pub(super) fn quantity(text: &str, lang: Lang) -> String {
    match lang {
        Lang::Fr => text.trim().replace('.', ","),
        Lang::En => text.trim().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn penalty_rates_in_basis_points_read_as_percentages() {
        assert_eq!(percent(Decimal::new(1000, 2), Lang::Fr), "10\u{a0}%");
        assert_eq!(percent(Decimal::new(1000, 2), Lang::En), "10%");
        assert_eq!(percent(Decimal::new(1275, 2), Lang::Fr), "12,75\u{a0}%");
    }

    #[test]
    fn a_zero_discount_shows_a_dash_and_others_a_percentage() {
        assert_eq!(discount("0", Lang::Fr), "\u{2013}");
        assert_eq!(discount("0.00", Lang::En), "\u{2013}");
        assert_eq!(discount("12.5", Lang::Fr), "12,5\u{a0}%");
        assert_eq!(discount("15", Lang::En), "15%");
    }

    #[test]
    fn the_category_of_operation_reads_as_the_reform_words() {
        assert_eq!(
            operation(Lang::Fr, OperationCategory::Services),
            "Nature de l'opération : Prestations de services"
        );
        assert_eq!(
            operation(Lang::Fr, OperationCategory::Mixed),
            "Nature de l'opération : Livraison de biens et prestations de services"
        );
        assert_eq!(
            operation(Lang::En, OperationCategory::Goods),
            "Type of operation: Goods"
        );
    }

    #[test]
    fn quantities_use_the_decimal_comma_in_french() {
        assert_eq!(quantity("1.5", Lang::Fr), "1,5");
        assert_eq!(quantity("1.5", Lang::En), "1.5");
    }
}
