//! The Cross Industry Invoice (UN/CEFACT CII D16B) of an invoice or credit
//! note, in the EN 16931 profile of Factur-X 1.0 with the French CTC rules.
//! Every figure comes from the [`InvoiceDocument`] the HTML page and the PDF
//! show; the element order is the XSD's (it is checked by the validators in
//! `scripts/facturx/check.py`). `BT-n` names the business term of EN 16931.
use super::xml::Xml;
use crate::model::document::{Address, DocKind, DocLine, InvoiceDocument, OperationCategory};
use crate::model::format::to_decimal;
use crate::model::vat::{VatRate, round_minor};
use chrono::NaiveDate;
use rust_decimal::Decimal;

const RSM: &str = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100";
const RAM: &str =
    "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100";
const QDT: &str = "urn:un:unece:uncefact:data:standard:QualifiedDataType:100";
const UDT: &str = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100";
/// BT-24: the EN 16931 specification the document follows.
pub const GUIDELINE: &str = "urn:cen.eu:en16931:2017";

/// The texts of the notes (the PMT, PMD and AAB notes the French rules
/// require), in the document's language: the same sentences as the PDF.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Notes {
    /// PMT: the fixed recovery indemnity.
    pub indemnity: String,
    /// PMD: the late-payment penalties.
    pub penalties: String,
    /// AAB: the early-payment discount (or that there is none).
    pub discount: String,
    /// The VAT exemption reason of 0 % lines (BT-120).
    pub vat_exemption: String,
    /// REG: legal form, share capital, registration.
    pub legal: String,
    /// TXD: the option for VAT on debits, when chosen.
    pub vat_on_debits: Option<String>,
}

/// The complete CII XML of a document.
pub fn document(doc: &InvoiceDocument, notes: &Notes) -> String {
    let mut x = Xml::new();
    x.open_with(
        "rsm:CrossIndustryInvoice",
        &[
            ("xmlns:rsm", RSM),
            ("xmlns:qdt", QDT),
            ("xmlns:ram", RAM),
            ("xmlns:udt", UDT),
        ],
    );
    context(&mut x, doc.operation);
    header(&mut x, doc, notes);
    x.open("rsm:SupplyChainTradeTransaction");
    for (i, line) in doc.lines.iter().enumerate() {
        line_item(&mut x, i + 1, line, &doc.currency);
    }
    agreement(&mut x, doc);
    delivery(&mut x, doc);
    settlement(&mut x, doc, notes);
    x.close();
    x.finish()
}

/// A decimal amount of the document's currency (`1234.50`, `-0.01`).
pub fn amount(minor: i64, currency: &str) -> String {
    to_decimal(minor, currency).to_string()
}

/// A date as CII writes it (`format="102"`, YYYYMMDD).
pub fn date_102(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// A VAT rate in percent (`20`, `5.5`, `0`).
pub fn percent(rate: VatRate) -> String {
    Decimal::new(rate.basis_points(), 2).normalize().to_string()
}

/// The VAT category (BT-118, BT-151): standard rates are `S`; a 0 % line is
/// exempt (`E`, with the exemption reason the document prints).
pub fn category(rate: VatRate) -> &'static str {
    match rate {
        VatRate::Zero => "E",
        _ => "S",
    }
}

/// BT-23, the French billing framework: B1 goods, S1 services, M1 both.
pub fn business_process(op: OperationCategory) -> &'static str {
    match op {
        OperationCategory::Goods => "B1",
        OperationCategory::Services => "S1",
        OperationCategory::Mixed => "M1",
    }
}

/// The UN/ECE recommendation 20 code of a unit typed freely on a line
/// (`C62`, "one", for anything it does not recognise).
pub fn unit_code(unit: &str) -> &'static str {
    let u = unit.trim().to_lowercase();
    let u = u.trim_end_matches('.');
    match u {
        "h" | "heure" | "heures" | "hour" | "hours" | "hr" | "hrs" => "HUR",
        "j" | "jour" | "jours" | "day" | "days" | "jh" | "j/h" => "DAY",
        "mois" | "month" | "months" => "MON",
        "an" | "ans" | "année" | "années" | "year" | "years" => "ANN",
        "semaine" | "semaines" | "week" | "weeks" => "WEE",
        "min" | "minute" | "minutes" => "MIN",
        "kg" => "KGM",
        "g" => "GRM",
        "t" | "tonne" | "tonnes" => "TNE",
        "l" | "litre" | "litres" | "liter" | "liters" => "LTR",
        "m" | "mètre" | "mètres" | "metre" | "metres" | "meter" | "meters" => "MTR",
        "m2" | "m²" => "MTK",
        "m3" | "m³" => "MTQ",
        "km" => "KMT",
        "kwh" => "KWH",
        _ => "C62",
    }
}

/// An ISO 3166-1 alpha-2 country code from what was stored (codes, or a few
/// country names typed before codes were checked); France when unknown.
pub fn country_code(country: &str) -> String {
    let c = country.trim();
    if c.len() == 2 && c.chars().all(|ch| ch.is_ascii_alphabetic()) {
        return c.to_uppercase();
    }
    let code = match c.to_lowercase().as_str() {
        "belgique" | "belgium" => "BE",
        "allemagne" | "germany" | "deutschland" => "DE",
        "espagne" | "spain" | "españa" => "ES",
        "italie" | "italy" | "italia" => "IT",
        "suisse" | "switzerland" | "schweiz" => "CH",
        "luxembourg" => "LU",
        "pays-bas" | "netherlands" => "NL",
        "portugal" => "PT",
        "royaume-uni" | "united kingdom" | "uk" => "GB",
        "monaco" => "MC",
        _ => "FR",
    };
    code.to_string()
}

/// The 9 digits of a SIREN or 14 of a SIRET, spaces removed.
fn digits(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

fn compact(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_uppercase()
}

fn date_element(x: &mut Xml, name: &'static str, d: NaiveDate) {
    x.open(name)
        .text_with("udt:DateTimeString", &[("format", "102")], &date_102(d))
        .close();
}

fn context(x: &mut Xml, op: OperationCategory) {
    x.open("rsm:ExchangedDocumentContext")
        .open("ram:BusinessProcessSpecifiedDocumentContextParameter")
        .text("ram:ID", business_process(op))
        .close()
        .open("ram:GuidelineSpecifiedDocumentContextParameter")
        .text("ram:ID", GUIDELINE)
        .close()
        .close();
}

fn note(x: &mut Xml, content: &str, subject: &str) {
    if content.trim().is_empty() {
        return;
    }
    x.open("ram:IncludedNote")
        .text("ram:Content", content.trim())
        .text("ram:SubjectCode", subject)
        .close();
}

/// BT-3: 380 commercial invoice, 381 credit note.
pub fn type_code(kind: DocKind) -> &'static str {
    match kind {
        DocKind::Invoice => "380",
        DocKind::CreditNote => "381",
    }
}

fn header(x: &mut Xml, doc: &InvoiceDocument, notes: &Notes) {
    x.open("rsm:ExchangedDocument")
        .text("ram:ID", &doc.number)
        .text("ram:TypeCode", type_code(doc.kind));
    date_element(x, "ram:IssueDateTime", doc.issue_date);
    note(x, &notes.indemnity, "PMT");
    note(x, &notes.penalties, "PMD");
    note(x, &notes.discount, "AAB");
    note(x, &notes.legal, "REG");
    if let Some(debits) = &notes.vat_on_debits {
        note(x, debits, "TXD");
    }
    note(x, processing_framework(doc), "BAR");
    x.close();
}

/// The French "cadre de traitement" (a `BAR` note): B2B for a French
/// business buyer (whose SIREN and directory address the rules then
/// require), B2BINT for one abroad, B2C / B2CINT for consumers.
pub fn processing_framework(doc: &InvoiceDocument) -> &'static str {
    let b = &doc.buyer;
    let abroad = country_code(&b.country) != "FR";
    match (b.is_business, abroad) {
        (true, false) => "B2B",
        (true, true) => "B2BINT",
        (false, false) => "B2C",
        (false, true) => "B2CINT",
    }
}

/// The line discount as an allowance (BT-136..138): the line's gross amount
/// (quantity x price, rounded to the cent) less its net amount.
pub fn line_allowance(line: &DocLine) -> Option<(i64, i64)> {
    let a = line.amounts();
    if a.discount_pct.is_zero() {
        return None;
    }
    let gross = round_minor(a.quantity * Decimal::from(a.unit_price_ht));
    let allowance = gross - line.total_ht;
    (allowance != 0).then_some((gross, allowance))
}

fn line_item(x: &mut Xml, n: usize, line: &DocLine, currency: &str) {
    let quantity: Decimal = line.quantity.parse().unwrap_or_default();
    x.open("ram:IncludedSupplyChainTradeLineItem")
        .open("ram:AssociatedDocumentLineDocument")
        .text("ram:LineID", &n.to_string())
        .close()
        .open("ram:SpecifiedTradeProduct")
        .text("ram:Name", line.description.trim())
        .close()
        .open("ram:SpecifiedLineTradeAgreement")
        .open("ram:NetPriceProductTradePrice")
        .text("ram:ChargeAmount", &amount(line.unit_price_ht, currency))
        .close()
        .close()
        .open("ram:SpecifiedLineTradeDelivery")
        .text_with(
            "ram:BilledQuantity",
            &[("unitCode", unit_code(&line.unit))],
            &quantity.normalize().to_string(),
        )
        .close()
        .open("ram:SpecifiedLineTradeSettlement");
    x.open("ram:ApplicableTradeTax")
        .text("ram:TypeCode", "VAT")
        .text("ram:CategoryCode", category(line.vat_rate))
        .text("ram:RateApplicablePercent", &percent(line.vat_rate))
        .close();
    if let Some((gross, allowance)) = line_allowance(line) {
        x.open("ram:SpecifiedTradeAllowanceCharge")
            .open("ram:ChargeIndicator")
            .text("udt:Indicator", "false")
            .close()
            .text("ram:CalculationPercent", &line.discount_pct)
            .text("ram:BasisAmount", &amount(gross, currency))
            .text("ram:ActualAmount", &amount(allowance, currency))
            .text("ram:ReasonCode", "95")
            .text("ram:Reason", "Remise / Discount")
            .close();
    }
    x.open("ram:SpecifiedTradeSettlementLineMonetarySummation")
        .text("ram:LineTotalAmount", &amount(line.total_ht, currency))
        .close()
        .close()
        .close();
}

fn address(x: &mut Xml, line1: &str, postal_code: &str, city: &str, country: &str) {
    x.open("ram:PostalTradeAddress");
    if !postal_code.trim().is_empty() {
        x.text("ram:PostcodeCode", postal_code.trim());
    }
    if !line1.trim().is_empty() {
        x.text("ram:LineOne", line1.trim());
    }
    if !city.trim().is_empty() {
        x.text("ram:CityName", city.trim());
    }
    x.text("ram:CountryID", &country_code(country)).close();
}

fn electronic_address(x: &mut Xml, scheme: &str, id: &str) {
    x.open("ram:URIUniversalCommunication")
        .text_with("ram:URIID", &[("schemeID", scheme)], id)
        .close();
}

fn seller(x: &mut Xml, doc: &InvoiceDocument) {
    let s = &doc.seller;
    let (siren, siret) = (digits(&s.siren), digits(&s.siret));
    x.open("ram:SellerTradeParty");
    if !siret.is_empty() {
        x.text_with("ram:GlobalID", &[("schemeID", "0009")], &siret);
    }
    x.text("ram:Name", s.legal_name.trim());
    if !siren.is_empty() {
        x.open("ram:SpecifiedLegalOrganization")
            .text_with("ram:ID", &[("schemeID", "0002")], &siren)
            .close();
    }
    address(x, &s.address_line1, &s.postal_code, &s.city, &s.country);
    if !siren.is_empty() {
        electronic_address(x, "0225", &siren);
    }
    if !s.vat_number.trim().is_empty() {
        x.open("ram:SpecifiedTaxRegistration")
            .text_with("ram:ID", &[("schemeID", "VA")], &compact(&s.vat_number))
            .close();
    }
    x.close();
}

fn buyer(x: &mut Xml, doc: &InvoiceDocument) {
    let b = &doc.buyer;
    let siren = digits(&b.siren);
    x.open("ram:BuyerTradeParty")
        .text("ram:Name", b.name.trim());
    if !siren.is_empty() {
        x.open("ram:SpecifiedLegalOrganization")
            .text_with("ram:ID", &[("schemeID", "0002")], &siren)
            .close();
    }
    address(x, &b.address_line1, &b.postal_code, &b.city, &b.country);
    if !siren.is_empty() {
        electronic_address(x, "0225", &siren);
    } else if !b.email.trim().is_empty() {
        electronic_address(x, "EM", b.email.trim());
    }
    if !b.vat_number.trim().is_empty() {
        x.open("ram:SpecifiedTaxRegistration")
            .text_with("ram:ID", &[("schemeID", "VA")], &compact(&b.vat_number))
            .close();
    }
    x.close();
}

fn agreement(x: &mut Xml, doc: &InvoiceDocument) {
    x.open("ram:ApplicableHeaderTradeAgreement");
    seller(x, doc);
    buyer(x, doc);
    x.close();
}

fn delivery(x: &mut Xml, doc: &InvoiceDocument) {
    x.open("ram:ApplicableHeaderTradeDelivery");
    if let Some(Address {
        line1,
        postal_code,
        city,
        country,
    }) = &doc.buyer.delivery
    {
        x.open("ram:ShipToTradeParty")
            .text("ram:Name", doc.buyer.name.trim());
        address(x, line1, postal_code, city, country);
        x.close();
    }
    x.open("ram:ActualDeliverySupplyChainEvent");
    date_element(x, "ram:OccurrenceDateTime", doc.sale_date);
    x.close().close();
}

/// Per VAT rate, what the document's rounding rule (base rounded per rate)
/// adds to the sum of the rounded line amounts: a document-level charge
/// (positive) or allowance (negative), so that every EN 16931 sum holds
/// exactly while the figures stay those of the page and the PDF.
pub fn rounding_adjustments(doc: &InvoiceDocument) -> Vec<(VatRate, i64)> {
    doc.per_rate
        .iter()
        .filter_map(|r| {
            let lines: i64 = doc
                .lines
                .iter()
                .filter(|l| l.vat_rate == r.rate)
                .map(|l| l.total_ht)
                .sum();
            let diff = r.base_ht - lines;
            (diff != 0).then_some((r.rate, diff))
        })
        .collect()
}

/// BT-8: when the VAT becomes due. On the invoice date for a seller who
/// opted for debits (5); on payment for services otherwise (72); on delivery
/// for goods, which is the default and is not written.
pub fn vat_due_date_code(doc: &InvoiceDocument) -> Option<&'static str> {
    match (doc.seller.vat_on_debits, doc.operation) {
        (true, OperationCategory::Services | OperationCategory::Mixed) => Some("5"),
        (false, OperationCategory::Services) => Some("72"),
        _ => None,
    }
}

/// BT-81: SEPA credit transfer to the seller's IBAN when it has one, else a
/// card payment through the pay link.
pub fn payment_means_code(doc: &InvoiceDocument) -> &'static str {
    if doc.seller.iban.trim().is_empty() {
        "48"
    } else {
        "58"
    }
}

fn settlement(x: &mut Xml, doc: &InvoiceDocument, notes: &Notes) {
    let cur = doc.currency.as_str();
    x.open("ram:ApplicableHeaderTradeSettlement");
    if doc.kind == DocKind::Invoice {
        x.text("ram:PaymentReference", &doc.number);
    }
    x.text("ram:InvoiceCurrencyCode", cur);
    x.open("ram:SpecifiedTradeSettlementPaymentMeans")
        .text("ram:TypeCode", payment_means_code(doc));
    if !doc.seller.iban.trim().is_empty() {
        x.open("ram:PayeePartyCreditorFinancialAccount")
            .text("ram:IBANID", &compact(&doc.seller.iban))
            .close();
        if !doc.seller.bic.trim().is_empty() {
            x.open("ram:PayeeSpecifiedCreditorFinancialInstitution")
                .text("ram:BICID", &compact(&doc.seller.bic))
                .close();
        }
    }
    x.close();
    let due_code = vat_due_date_code(doc);
    for r in &doc.per_rate {
        x.open("ram:ApplicableTradeTax")
            .text("ram:CalculatedAmount", &amount(r.vat, cur))
            .text("ram:TypeCode", "VAT");
        if r.rate == VatRate::Zero {
            x.text("ram:ExemptionReason", notes.vat_exemption.trim());
        }
        x.text("ram:BasisAmount", &amount(r.base_ht, cur))
            .text("ram:CategoryCode", category(r.rate));
        if let Some(code) = due_code {
            x.text("ram:DueDateTypeCode", code);
        }
        x.text("ram:RateApplicablePercent", &percent(r.rate))
            .close();
    }
    let adjustments = rounding_adjustments(doc);
    for (rate, diff) in &adjustments {
        x.open("ram:SpecifiedTradeAllowanceCharge")
            .open("ram:ChargeIndicator")
            .text("udt:Indicator", if *diff > 0 { "true" } else { "false" })
            .close()
            .text("ram:ActualAmount", &amount(diff.abs(), cur))
            .text("ram:Reason", "Arrondi / Rounding")
            .open("ram:CategoryTradeTax")
            .text("ram:TypeCode", "VAT")
            .text("ram:CategoryCode", category(*rate))
            .text("ram:RateApplicablePercent", &percent(*rate))
            .close()
            .close();
    }
    x.open("ram:SpecifiedTradePaymentTerms");
    date_element(x, "ram:DueDateDateTime", doc.due_date);
    x.close();
    let lines: i64 = doc.lines.iter().map(|l| l.total_ht).sum();
    let charges: i64 = adjustments.iter().map(|a| a.1).filter(|d| *d > 0).sum();
    let allowances: i64 = adjustments.iter().map(|a| -a.1).filter(|d| *d > 0).sum();
    let prepaid = if doc.kind == DocKind::Invoice {
        doc.deposits
    } else {
        0
    };
    x.open("ram:SpecifiedTradeSettlementHeaderMonetarySummation")
        .text("ram:LineTotalAmount", &amount(lines, cur));
    if charges != 0 {
        x.text("ram:ChargeTotalAmount", &amount(charges, cur));
    }
    if allowances != 0 {
        x.text("ram:AllowanceTotalAmount", &amount(allowances, cur));
    }
    x.text("ram:TaxBasisTotalAmount", &amount(doc.total_ht, cur))
        .text_with(
            "ram:TaxTotalAmount",
            &[("currencyID", cur)],
            &amount(doc.total_vat, cur),
        )
        .text("ram:GrandTotalAmount", &amount(doc.total_ttc, cur));
    if prepaid != 0 {
        x.text("ram:TotalPrepaidAmount", &amount(prepaid, cur));
    }
    x.text(
        "ram:DuePayableAmount",
        &amount(doc.total_ttc - prepaid, cur),
    )
    .close();
    if let (DocKind::CreditNote, Some(number)) = (doc.kind, &doc.corrects_number) {
        x.open("ram:InvoiceReferencedDocument")
            .text("ram:IssuerAssignedID", number);
        if let Some(d) = doc.corrects_issue_date {
            x.open("ram:FormattedIssueDateTime")
                .text_with("qdt:DateTimeString", &[("format", "102")], &date_102(d))
                .close();
        }
        x.close();
    }
    x.close();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::document::{Buyer, Seller, Terms};
    use crate::model::invoice::DisplayStatus;
    use crate::model::vat::{LineAmounts, compute_totals};

    fn line(description: &str, qty: &str, price: i64, rate: VatRate, discount: &str) -> DocLine {
        let amounts = LineAmounts {
            quantity: qty.parse().expect("quantity"),
            unit_price_ht: price,
            vat_rate: rate,
            discount_pct: discount.parse().expect("discount"),
        };
        DocLine {
            description: description.into(),
            quantity: qty.into(),
            unit: "h".into(),
            unit_price_ht: price,
            vat_rate: rate,
            discount_pct: discount.into(),
            total_ht: amounts.net_rounded(),
        }
    }

    fn doc(lines: Vec<DocLine>) -> InvoiceDocument {
        let totals = compute_totals(&lines.iter().map(DocLine::amounts).collect::<Vec<_>>());
        let d = NaiveDate::from_ymd_opt(2026, 11, 20).expect("date");
        InvoiceDocument {
            kind: DocKind::Invoice,
            number: "F-2026-000042".into(),
            issue_date: d,
            sale_date: d,
            due_date: d + chrono::Duration::days(30),
            currency: "EUR".into(),
            seller: Seller {
                legal_name: "Atelier & Fils".into(),
                siren: "732 829 320".into(),
                siret: "73282932000074".into(),
                vat_number: "FR44732829320".into(),
                iban: "FR76 3000 6000 0112 3456 7890 189".into(),
                country: "FR".into(),
                ..Seller::default()
            },
            buyer: Buyer {
                name: "Client SARL".into(),
                siren: "552100554".into(),
                country: "France".into(),
                is_business: true,
                ..Buyer::default()
            },
            lines,
            per_rate: totals.per_rate,
            total_ht: totals.total_ht,
            total_vat: totals.total_vat,
            total_ttc: totals.total_ttc,
            deposits: 0,
            paid: 0,
            credited: 0,
            balance: totals.total_ttc,
            status: DisplayStatus::Open,
            terms: Terms::default(),
            operation: OperationCategory::Services,
            corrects_number: None,
            corrects_issue_date: None,
            pay_url: None,
            logo_url: None,
            credit_notes: vec![],
        }
    }

    #[test]
    fn amounts_dates_and_rates_are_written_as_cii_expects() {
        assert_eq!(amount(123_450, "EUR"), "1234.50");
        assert_eq!(amount(-1, "EUR"), "-0.01");
        assert_eq!(amount(7, "EUR"), "0.07");
        let d = NaiveDate::from_ymd_opt(2026, 3, 5).expect("date");
        assert_eq!(date_102(d), "20260305");
        assert_eq!(percent(VatRate::Reduced5_5), "5.5");
        assert_eq!(percent(VatRate::Standard20), "20");
        assert_eq!(percent(VatRate::Zero), "0");
    }

    #[test]
    fn a_zero_rate_is_an_exempt_category_and_the_others_standard() {
        assert_eq!(category(VatRate::Zero), "E");
        for rate in [
            VatRate::Standard20,
            VatRate::Intermediate10,
            VatRate::Reduced5_5,
            VatRate::Super2_1,
        ] {
            assert_eq!(category(rate), "S");
        }
    }

    #[test]
    fn units_typed_in_french_or_english_map_to_un_ece_codes() {
        assert_eq!(unit_code("h"), "HUR");
        assert_eq!(unit_code(" Heures "), "HUR");
        assert_eq!(unit_code("jour"), "DAY");
        assert_eq!(unit_code("kg"), "KGM");
        assert_eq!(unit_code(""), "C62");
        assert_eq!(unit_code("forfait"), "C62");
    }

    #[test]
    fn countries_are_iso_codes_whether_stored_as_codes_or_names() {
        assert_eq!(country_code("fr"), "FR");
        assert_eq!(country_code("France"), "FR");
        assert_eq!(country_code("Belgique"), "BE");
        assert_eq!(country_code("DE"), "DE");
    }

    #[test]
    fn the_business_process_follows_the_category_of_operation() {
        assert_eq!(business_process(OperationCategory::Goods), "B1");
        assert_eq!(business_process(OperationCategory::Services), "S1");
        assert_eq!(business_process(OperationCategory::Mixed), "M1");
    }

    #[test]
    fn vat_is_due_on_payment_for_services_unless_the_seller_opted_for_debits() {
        let mut d = doc(vec![line("x", "1", 100, VatRate::Standard20, "0")]);
        assert_eq!(vat_due_date_code(&d), Some("72"));
        d.seller.vat_on_debits = true;
        assert_eq!(vat_due_date_code(&d), Some("5"));
        d.operation = OperationCategory::Goods;
        assert_eq!(vat_due_date_code(&d), None);
    }

    #[test]
    fn a_line_discount_is_an_allowance_from_the_rounded_gross_amount() {
        let l = line("x", "3", 1_001, VatRate::Standard20, "12.5");
        // 3 x 10.01 = 30.03 gross; net 26.27625 -> 26.28; allowance 3.75.
        assert_eq!(l.total_ht, 2_628);
        assert_eq!(line_allowance(&l), Some((3_003, 375)));
        assert_eq!(
            line_allowance(&line("x", "1", 100, VatRate::Zero, "0")),
            None
        );
    }

    #[test]
    fn rounding_per_rate_becomes_a_document_allowance_so_every_sum_holds() {
        // Two lines of 1.5 x 0.33 = 0.495 each: 0.50 + 0.50 printed, but the
        // base of the rate is round(0.99) = 0.99: a 0.01 allowance.
        let d = doc(vec![
            line("a", "1.5", 33, VatRate::Intermediate10, "0"),
            line("b", "1.5", 33, VatRate::Intermediate10, "0"),
            line("c", "1", 1_000, VatRate::Standard20, "0"),
        ]);
        assert_eq!(
            rounding_adjustments(&d),
            vec![(VatRate::Intermediate10, -1)]
        );
        let xml = document(&d, &Notes::default());
        assert!(xml.contains("<ram:LineTotalAmount>11.00</ram:LineTotalAmount>"));
        assert!(xml.contains("<ram:AllowanceTotalAmount>0.01</ram:AllowanceTotalAmount>"));
        assert!(xml.contains("<ram:TaxBasisTotalAmount>10.99</ram:TaxBasisTotalAmount>"));
        assert!(!xml.contains("ChargeTotalAmount"));
    }

    #[test]
    fn the_parties_carry_siret_siren_vat_number_and_electronic_address() {
        let xml = document(
            &doc(vec![line("x", "1", 100, VatRate::Standard20, "0")]),
            &Notes::default(),
        );
        assert!(xml.contains("<ram:GlobalID schemeID=\"0009\">73282932000074</ram:GlobalID>"));
        assert!(xml.contains("<ram:ID schemeID=\"0002\">732829320</ram:ID>"));
        assert!(xml.contains("<ram:ID schemeID=\"0002\">552100554</ram:ID>"));
        assert!(xml.contains("<ram:URIID schemeID=\"0225\">552100554</ram:URIID>"));
        assert!(xml.contains("<ram:ID schemeID=\"VA\">FR44732829320</ram:ID>"));
        assert!(xml.contains("<ram:Name>Atelier &amp; Fils</ram:Name>"));
        assert!(xml.contains("<ram:IBANID>FR7630006000011234567890189</ram:IBANID>"));
        assert!(xml.contains("<ram:TypeCode>58</ram:TypeCode>"));
    }

    #[test]
    fn a_consumer_without_siren_is_reached_at_their_email() {
        let mut d = doc(vec![line("x", "1", 100, VatRate::Standard20, "0")]);
        d.buyer.siren.clear();
        d.buyer.is_business = false;
        d.buyer.email = "marie@example.test".into();
        let xml = document(&d, &Notes::default());
        assert!(xml.contains("<ram:URIID schemeID=\"EM\">marie@example.test</ram:URIID>"));
        assert_eq!(processing_framework(&d), "B2C");
        assert!(xml.contains("<ram:Content>B2C</ram:Content>"));
        assert_eq!(xml.matches("schemeID=\"0002\"").count(), 1);
    }

    #[test]
    fn a_credit_note_is_type_381_and_references_the_invoice_it_corrects() {
        let mut d = doc(vec![line("x", "1", 100, VatRate::Standard20, "0")]);
        d.kind = DocKind::CreditNote;
        d.corrects_number = Some("F-2026-000041".into());
        d.corrects_issue_date = NaiveDate::from_ymd_opt(2026, 10, 1);
        let xml = document(&d, &Notes::default());
        assert!(xml.contains("<ram:TypeCode>381</ram:TypeCode>"));
        assert!(xml.contains("<ram:IssuerAssignedID>F-2026-000041</ram:IssuerAssignedID>"));
        assert!(xml.contains("<qdt:DateTimeString format=\"102\">20261001</qdt:DateTimeString>"));
        assert!(!xml.contains("PaymentReference"));
    }

    #[test]
    fn deposits_are_prepaid_and_only_the_rest_is_due() {
        let mut d = doc(vec![line("x", "1", 10_000, VatRate::Standard20, "0")]);
        d.deposits = 2_000;
        d.paid = 5_000;
        let xml = document(&d, &Notes::default());
        assert!(xml.contains("<ram:GrandTotalAmount>120.00</ram:GrandTotalAmount>"));
        assert!(xml.contains("<ram:TotalPrepaidAmount>20.00</ram:TotalPrepaidAmount>"));
        // Payments after issue are not part of the invoice: its XML never changes.
        assert!(xml.contains("<ram:DuePayableAmount>100.00</ram:DuePayableAmount>"));
    }

    #[test]
    fn the_notes_carry_their_subject_codes_and_empty_ones_are_left_out() {
        let notes = Notes {
            indemnity: "40 €".into(),
            penalties: "10 %".into(),
            discount: "Pas d'escompte".into(),
            vat_on_debits: Some("Option débits".into()),
            ..Notes::default()
        };
        let xml = document(
            &doc(vec![line("x", "1", 100, VatRate::Standard20, "0")]),
            &notes,
        );
        for code in ["PMT", "PMD", "AAB", "TXD", "BAR"] {
            assert!(
                xml.contains(&format!("<ram:SubjectCode>{code}</ram:SubjectCode>")),
                "{code}"
            );
        }
        assert!(!xml.contains("<ram:SubjectCode>REG</ram:SubjectCode>"));
    }
}
