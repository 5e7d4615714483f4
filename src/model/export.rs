//! Accounting exports, the pure part: amounts and dates as the files write
//! them, the CSV dialect of each language and its headers, and the FEC
//! (Fichier des Écritures Comptables, LPF art. A47 A-1): its 18 columns, its
//! line layout and the balanced entries of a sale, a credit note and a bank
//! movement. The server streams rows through these (`server/services/exports.rs`).
use super::format::to_decimal;
use super::lang::Lang;
use super::validate::{FieldErrors, FieldProblem};
use super::vat::{RateTotal, VatRate};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The UTF-8 byte order mark French spreadsheets need to read UTF-8.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

/// An amount of minor units as a plain decimal (`1234,50` / `1234.50`): no
/// thousands separator, no currency sign, always the currency's decimals.
pub fn decimal_text(minor: i64, currency: &str, comma: bool) -> String {
    let s = to_decimal(minor, currency).to_string();
    if comma { s.replace('.', ",") } else { s }
}

/// An ISO date (`YYYY-MM-DD`).
pub fn iso_date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// How a CSV file is written for a reader of `lang`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CsvStyle {
    pub delimiter: u8,
    /// Decimal comma (French) or dot.
    pub comma: bool,
    /// Starts with [`BOM`].
    pub bom: bool,
}

impl CsvStyle {
    pub fn of(lang: Lang) -> CsvStyle {
        match lang {
            Lang::Fr => CsvStyle {
                delimiter: b';',
                comma: true,
                bom: true,
            },
            Lang::En => CsvStyle {
                delimiter: b',',
                comma: false,
                bom: false,
            },
        }
    }
}

/// The three CSV exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CsvKind {
    Invoices,
    CreditNotes,
    Payments,
}

impl CsvKind {
    /// The header row in `lang`.
    pub fn headers(self, lang: Lang) -> &'static [&'static str] {
        match (self, lang) {
            (CsvKind::Invoices, Lang::Fr) => &[
                "Numéro",
                "Date d'émission",
                "Date de vente",
                "Échéance",
                "Client",
                "SIREN client",
                "TVA intracommunautaire client",
                "Devise",
                "Total HT",
                "Total TVA",
                "Total TTC",
                "Acomptes",
                "Montant payé",
                "Montant crédité",
                "Solde",
                "Statut",
            ],
            (CsvKind::Invoices, Lang::En) => &[
                "Number",
                "Issue date",
                "Sale date",
                "Due date",
                "Customer",
                "Customer SIREN",
                "Customer VAT number",
                "Currency",
                "Total excl. VAT",
                "Total VAT",
                "Total incl. VAT",
                "Deposits",
                "Amount paid",
                "Amount credited",
                "Balance",
                "Status",
            ],
            (CsvKind::CreditNotes, Lang::Fr) => &[
                "Numéro",
                "Date",
                "Facture corrigée",
                "Client",
                "Devise",
                "Total HT",
                "Total TVA",
                "Total TTC",
            ],
            (CsvKind::CreditNotes, Lang::En) => &[
                "Number",
                "Date",
                "Invoice corrected",
                "Customer",
                "Currency",
                "Total excl. VAT",
                "Total VAT",
                "Total incl. VAT",
            ],
            (CsvKind::Payments, Lang::Fr) => &[
                "Date",
                "Facture",
                "Client",
                "Moyen de paiement",
                "Référence",
                "Montant",
                "Remboursé",
                "Rétrofacturé",
                "Net",
                "Devise",
                "Prestataire",
            ],
            (CsvKind::Payments, Lang::En) => &[
                "Date",
                "Invoice",
                "Customer",
                "Method",
                "Reference",
                "Amount",
                "Refunded",
                "Charged back",
                "Net",
                "Currency",
                "Provider",
            ],
        }
    }

    /// The file name for the range `from`..`to`.
    pub fn file_name(self, from: NaiveDate, to: NaiveDate) -> String {
        let what = match self {
            CsvKind::Invoices => "invoices",
            CsvKind::CreditNotes => "credit-notes",
            CsvKind::Payments => "payments",
        };
        format!("{what}-{}-{}.csv", iso_date(from), iso_date(to))
    }
}

/// An issued invoice as the invoices CSV lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceRow {
    pub number: String,
    pub issue_date: String,
    pub sale_date: Option<String>,
    pub due_date: Option<String>,
    pub customer: String,
    pub siren: String,
    pub vat_number: String,
    pub currency: String,
    pub total_ht: i64,
    pub total_vat: i64,
    pub total_ttc: i64,
    pub deposits: i64,
    pub paid: i64,
    pub credited: i64,
    pub status: String,
}

impl InvoiceRow {
    pub fn record(&self, style: CsvStyle, lang: Lang) -> Vec<String> {
        let m = |v: i64| decimal_text(v, &self.currency, style.comma);
        let balance =
            super::invoice::balance(self.total_ttc, self.deposits, self.paid, self.credited);
        vec![
            self.number.clone(),
            self.issue_date.clone(),
            self.sale_date.clone().unwrap_or_default(),
            self.due_date.clone().unwrap_or_default(),
            self.customer.clone(),
            self.siren.clone(),
            self.vat_number.clone(),
            self.currency.clone(),
            m(self.total_ht),
            m(self.total_vat),
            m(self.total_ttc),
            m(self.deposits),
            m(self.paid),
            m(self.credited),
            m(balance),
            status_word(&self.status, lang).to_string(),
        ]
    }
}

/// A stored invoice status as a word of the file's language.
pub fn status_word(status: &str, lang: Lang) -> &str {
    match (status, lang) {
        ("issued", Lang::Fr) => "émise",
        ("partially_paid", Lang::Fr) => "partiellement payée",
        ("paid", Lang::Fr) => "payée",
        ("disputed", Lang::Fr) => "contestée",
        ("credited", Lang::Fr) => "annulée par avoir",
        ("issued", Lang::En) => "issued",
        ("partially_paid", Lang::En) => "partially paid",
        ("paid", Lang::En) => "paid",
        ("disputed", Lang::En) => "disputed",
        ("credited", Lang::En) => "credited",
        (other, _) => other,
    }
}

/// A payment method (as stored) as a word of the file's language.
pub fn method_word(method: &str, lang: Lang) -> &str {
    match (method, lang) {
        ("card", Lang::Fr) => "carte",
        ("sepa_debit", Lang::Fr) => "prélèvement SEPA",
        ("online", Lang::Fr) => "en ligne",
        ("transfer", Lang::Fr) => "virement",
        ("cheque", Lang::Fr) => "chèque",
        ("cash", Lang::Fr) => "espèces",
        ("sepa_debit", Lang::En) => "SEPA debit",
        ("transfer", Lang::En) => "bank transfer",
        (other, _) => other,
    }
}

/// An issued credit note as the credit notes CSV lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditNoteRow {
    pub number: String,
    pub issue_date: String,
    pub corrects: Option<String>,
    pub customer: String,
    pub currency: String,
    pub total_ht: i64,
    pub total_vat: i64,
    pub total_ttc: i64,
}

impl CreditNoteRow {
    pub fn record(&self, style: CsvStyle) -> Vec<String> {
        let m = |v: i64| decimal_text(v, &self.currency, style.comma);
        vec![
            self.number.clone(),
            self.issue_date.clone(),
            self.corrects.clone().unwrap_or_default(),
            self.customer.clone(),
            self.currency.clone(),
            m(self.total_ht),
            m(self.total_vat),
            m(self.total_ttc),
        ]
    }
}

/// A payment received, as the payments CSV lists it. Refunded and charged
/// back are what they are today, whatever the range.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentRow {
    pub date: NaiveDate,
    pub invoice: String,
    pub customer: String,
    pub method: String,
    pub reference: String,
    pub amount: i64,
    pub refunded: i64,
    pub charged_back: i64,
    pub currency: String,
    pub provider: String,
}

impl PaymentRow {
    pub fn record(&self, style: CsvStyle) -> Vec<String> {
        let m = |v: i64| decimal_text(v, &self.currency, style.comma);
        let net = super::payment::net_amount(self.amount, self.refunded, self.charged_back);
        vec![
            iso_date(self.date),
            self.invoice.clone(),
            self.customer.clone(),
            self.method.clone(),
            self.reference.clone(),
            m(self.amount),
            m(self.refunded),
            m(self.charged_back),
            m(net),
            self.currency.clone(),
            self.provider.clone(),
        ]
    }
}

// ---- FEC

/// The 18 columns of the FEC, in the order of LPF art. A47 A-1.
pub const FEC_COLUMNS: [&str; 18] = [
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
];

/// A date as the FEC writes it (`AAAAMMJJ`).
pub fn fec_date(d: NaiveDate) -> String {
    d.format("%Y%m%d").to_string()
}

/// `<SIREN>FEC<AAAAMMJJ>.txt`, the date being the end of the period.
pub fn fec_file_name(siren: &str, to: NaiveDate) -> String {
    let siren: String = siren.chars().filter(char::is_ascii_digit).collect();
    format!("{siren}FEC{}.txt", fec_date(to))
}

/// Text in ISO 8859-15 (Latin-9), one of the encodings the FEC admits: the
/// eight characters it places differently from Latin-1 (`€`, `Œ`, …) moved,
/// anything it lacks written `?`.
pub fn latin9(s: &str) -> Vec<u8> {
    s.chars()
        .map(|c| match c {
            '€' => 0xA4,
            'Š' => 0xA6,
            'š' => 0xA8,
            'Ž' => 0xB4,
            'ž' => 0xB8,
            'Œ' => 0xBC,
            'œ' => 0xBD,
            'Ÿ' => 0xBE,
            '\u{A4}' | '\u{A6}' | '\u{A8}' | '\u{B4}' | '\u{B8}' | '\u{BC}' | '\u{BD}'
            | '\u{BE}' => b'?',
            c if (c as u32) < 0x100 => c as u8,
            _ => b'?',
        })
        .collect()
}

/// The header line (without its line end).
pub fn fec_header() -> String {
    FEC_COLUMNS.join("\t")
}

/// One line of the FEC: an account debited or credited within an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FecLine {
    pub journal_code: String,
    pub journal_lib: String,
    pub num: u64,
    pub date: NaiveDate,
    pub account: String,
    pub account_lib: String,
    pub aux_num: String,
    pub aux_lib: String,
    pub piece_ref: String,
    pub piece_date: NaiveDate,
    pub label: String,
    /// Minor units; one of debit and credit is zero.
    pub debit: i64,
    pub credit: i64,
    pub valid_date: NaiveDate,
    /// The currency of the amounts; EUR leaves Montantdevise and Idevise empty.
    pub currency: String,
}

/// A text field of the FEC: no tab nor line break may break the layout.
fn fec_text(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>()
        .trim()
        .to_string()
}

impl FecLine {
    /// The tab-separated line (without its line end).
    pub fn to_line(&self) -> String {
        let amount = |v: i64| decimal_text(v, &self.currency, true);
        let foreign = self.currency != "EUR";
        let fields = [
            fec_text(&self.journal_code),
            fec_text(&self.journal_lib),
            self.num.to_string(),
            fec_date(self.date),
            fec_text(&self.account),
            fec_text(&self.account_lib),
            fec_text(&self.aux_num),
            fec_text(&self.aux_lib),
            fec_text(&self.piece_ref),
            fec_date(self.piece_date),
            fec_text(&self.label),
            amount(self.debit),
            amount(self.credit),
            String::new(),
            String::new(),
            fec_date(self.valid_date),
            if foreign {
                amount(self.debit.max(self.credit))
            } else {
                String::new()
            },
            if foreign {
                self.currency.clone()
            } else {
                String::new()
            },
        ];
        fields.join("\t")
    }
}

/// The accounts and journals the FEC posts to (`accounting_settings`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountingSettings {
    pub customer_account: String,
    pub revenue_account: String,
    pub vat_account_2000: String,
    pub vat_account_1000: String,
    pub vat_account_550: String,
    pub vat_account_210: String,
    pub bank_account: String,
    pub sales_journal: String,
    pub bank_journal: String,
}

impl Default for AccountingSettings {
    fn default() -> Self {
        AccountingSettings {
            customer_account: "411".into(),
            revenue_account: "706".into(),
            vat_account_2000: "44571".into(),
            vat_account_1000: "44571".into(),
            vat_account_550: "44571".into(),
            vat_account_210: "44571".into(),
            bank_account: "512".into(),
            sales_journal: "VE".into(),
            bank_journal: "BQ".into(),
        }
    }
}

/// The form's account fields, in form order.
pub const ACCOUNT_FIELDS: [&str; 7] = [
    "customer_account",
    "revenue_account",
    "vat_account_2000",
    "vat_account_1000",
    "vat_account_550",
    "vat_account_210",
    "bank_account",
];

/// The form's journal fields.
pub const JOURNAL_FIELDS: [&str; 2] = ["sales_journal", "bank_journal"];

impl AccountingSettings {
    /// The value of a field of [`ACCOUNT_FIELDS`] or [`JOURNAL_FIELDS`].
    pub fn field(&self, name: &str) -> &str {
        match name {
            "customer_account" => &self.customer_account,
            "revenue_account" => &self.revenue_account,
            "vat_account_2000" => &self.vat_account_2000,
            "vat_account_1000" => &self.vat_account_1000,
            "vat_account_550" => &self.vat_account_550,
            "vat_account_210" => &self.vat_account_210,
            "bank_account" => &self.bank_account,
            "sales_journal" => &self.sales_journal,
            "bank_journal" => &self.bank_journal,
            _ => "",
        }
    }

    /// The VAT collected account of a rate (none for 0 %).
    pub fn vat_account(&self, rate: VatRate) -> Option<&str> {
        match rate {
            VatRate::Standard20 => Some(&self.vat_account_2000),
            VatRate::Intermediate10 => Some(&self.vat_account_1000),
            VatRate::Reduced5_5 => Some(&self.vat_account_550),
            VatRate::Super2_1 => Some(&self.vat_account_210),
            VatRate::Zero => None,
        }
    }

    /// Trims every field and upper-cases journal codes, then checks them:
    /// accounts are 3 to 10 digits, journals 1 to 6 letters or digits.
    pub fn validated(mut self) -> Result<AccountingSettings, FieldErrors> {
        let mut errors = FieldErrors::default();
        for f in ACCOUNT_FIELDS.iter().chain(JOURNAL_FIELDS.iter()) {
            let v = self.field_mut(f);
            *v = v.trim().to_string();
            if JOURNAL_FIELDS.contains(f) {
                *v = v.to_uppercase();
            }
            if let Err(p) = check_code(v, JOURNAL_FIELDS.contains(f)) {
                errors.add(f, p);
            }
        }
        if errors.is_empty() {
            Ok(self)
        } else {
            Err(errors)
        }
    }

    fn field_mut(&mut self, name: &str) -> &mut String {
        match name {
            "customer_account" => &mut self.customer_account,
            "revenue_account" => &mut self.revenue_account,
            "vat_account_2000" => &mut self.vat_account_2000,
            "vat_account_1000" => &mut self.vat_account_1000,
            "vat_account_550" => &mut self.vat_account_550,
            "vat_account_210" => &mut self.vat_account_210,
            "bank_account" => &mut self.bank_account,
            "sales_journal" => &mut self.sales_journal,
            _ => &mut self.bank_journal,
        }
    }
}

fn check_code(v: &str, journal: bool) -> Result<(), FieldProblem> {
    if v.is_empty() {
        return Err(FieldProblem::Required);
    }
    if journal {
        if !v.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(FieldProblem::OutOfRange);
        }
        return if v.len() > 6 {
            Err(FieldProblem::TooLong)
        } else {
            Ok(())
        };
    }
    if !v.chars().all(|c| c.is_ascii_digit()) {
        return Err(FieldProblem::NotANumber);
    }
    match v.len() {
        0..=2 => Err(FieldProblem::OutOfRange),
        3..=10 => Ok(()),
        _ => Err(FieldProblem::TooLong),
    }
}

/// The customer's auxiliary account (CompAuxNum): `C` and its id on 6 digits.
pub fn customer_aux(customer_id: i64) -> String {
    format!("C{customer_id:06}")
}

/// An issued invoice or credit note, as the sales journal posts it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaleDoc {
    pub credit_note: bool,
    pub number: String,
    pub date: NaiveDate,
    pub customer_id: i64,
    pub customer: String,
    pub currency: String,
    pub total_ht: i64,
    pub total_ttc: i64,
    /// Base and VAT per rate (see `vat::compute_totals`).
    pub per_rate: Vec<RateTotal>,
}

/// The sales journal entry of a document, numbered `num`: the customer's
/// account debited with the total incl. VAT, revenue credited with the total
/// excl. VAT and VAT collected credited per rate; a credit note the reverse.
/// Lines of zero are left out; a document of zero has no entry.
pub fn sale_entry(s: &AccountingSettings, doc: &SaleDoc, num: u64) -> Vec<FecLine> {
    let kind = if doc.credit_note { "Avoir" } else { "Facture" };
    let label = format!("{kind} {} {}", doc.number, doc.customer);
    let line = |account: &str, lib: &str, aux: bool, debit: i64, credit: i64| {
        // A credit note posts the same accounts on the other side.
        let (debit, credit) = if doc.credit_note {
            (credit, debit)
        } else {
            (debit, credit)
        };
        FecLine {
            journal_code: s.sales_journal.clone(),
            journal_lib: "Ventes".into(),
            num,
            date: doc.date,
            account: account.into(),
            account_lib: lib.into(),
            aux_num: if aux {
                customer_aux(doc.customer_id)
            } else {
                String::new()
            },
            aux_lib: if aux {
                doc.customer.clone()
            } else {
                String::new()
            },
            piece_ref: doc.number.clone(),
            piece_date: doc.date,
            label: label.clone(),
            debit,
            credit,
            valid_date: doc.date,
            currency: doc.currency.clone(),
        }
    };
    let mut lines = vec![
        line(&s.customer_account, "Clients", true, doc.total_ttc, 0),
        line(
            &s.revenue_account,
            "Prestations de services",
            false,
            0,
            doc.total_ht,
        ),
    ];
    for r in doc.per_rate.iter().filter(|r| r.vat > 0) {
        if let Some(account) = s.vat_account(r.rate) {
            let lib = format!("TVA collectée {}", r.rate.label(Lang::Fr));
            lines.push(line(account, &lib, false, 0, r.vat));
        }
    }
    lines.retain(|l| l.debit != 0 || l.credit != 0);
    if lines.iter().all(|l| l.aux_num.is_empty()) {
        return Vec::new();
    }
    lines
}

/// What moved on the bank account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BankKind {
    Payment,
    Refund,
    Chargeback,
}

/// A movement of the bank journal: money received for an invoice, or given
/// back (a refund, a chargeback).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BankMove {
    pub kind: BankKind,
    pub date: NaiveDate,
    pub valid_date: NaiveDate,
    pub invoice: String,
    pub reference: String,
    pub customer_id: i64,
    pub customer: String,
    pub amount: i64,
    pub currency: String,
}

/// The bank journal entry of a movement, numbered `num`: the bank debited and
/// the customer's account credited for a payment; the reverse for money given back.
pub fn bank_entry(s: &AccountingSettings, m: &BankMove, num: u64) -> Vec<FecLine> {
    if m.amount == 0 {
        return Vec::new();
    }
    let word = match m.kind {
        BankKind::Payment => "Règlement",
        BankKind::Refund => "Remboursement",
        BankKind::Chargeback => "Rétrofacturation",
    };
    let label = format!("{word} {} {}", m.invoice, m.customer);
    let piece_ref = if m.reference.trim().is_empty() {
        m.invoice.clone()
    } else {
        m.reference.clone()
    };
    let received = m.kind == BankKind::Payment;
    let line = |account: &str, lib: &str, aux: bool, on_debit: bool| FecLine {
        journal_code: s.bank_journal.clone(),
        journal_lib: "Banque".into(),
        num,
        date: m.date,
        account: account.into(),
        account_lib: lib.into(),
        aux_num: if aux {
            customer_aux(m.customer_id)
        } else {
            String::new()
        },
        aux_lib: if aux {
            m.customer.clone()
        } else {
            String::new()
        },
        piece_ref: piece_ref.clone(),
        piece_date: m.date,
        label: label.clone(),
        debit: if on_debit { m.amount } else { 0 },
        credit: if on_debit { 0 } else { m.amount },
        valid_date: m.valid_date,
        currency: m.currency.clone(),
    };
    vec![
        line(&s.bank_account, "Banque", false, received),
        line(&s.customer_account, "Clients", true, !received),
    ]
}

/// Whether every entry (by EcritureNum) has as much debit as credit.
pub fn balanced(lines: &[FecLine]) -> bool {
    let mut sums: std::collections::BTreeMap<u64, i64> = Default::default();
    for l in lines {
        *sums.entry(l.num).or_default() += l.debit - l.credit;
    }
    sums.values().all(|s| *s == 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::model::format::parse_iso_date(s).expect("date")
    }

    #[test]
    fn amounts_are_plain_decimals_with_a_comma_in_french_and_a_dot_in_english() {
        assert_eq!(decimal_text(123450, "EUR", true), "1234,50");
        assert_eq!(decimal_text(123450, "EUR", false), "1234.50");
        assert_eq!(decimal_text(5, "EUR", true), "0,05");
        assert_eq!(decimal_text(0, "EUR", false), "0.00");
        assert_eq!(decimal_text(-1999, "EUR", true), "-19,99");
        assert_eq!(decimal_text(1500, "JPY", true), "1500");
    }

    #[test]
    fn french_files_use_semicolons_a_comma_and_a_bom_and_english_ones_none_of_it() {
        let fr = CsvStyle::of(Lang::Fr);
        assert_eq!((fr.delimiter, fr.comma, fr.bom), (b';', true, true));
        let en = CsvStyle::of(Lang::En);
        assert_eq!((en.delimiter, en.comma, en.bom), (b',', false, false));
        assert_eq!(BOM, "\u{feff}".as_bytes());
    }

    #[test]
    fn every_record_has_as_many_fields_as_its_header() {
        let inv = InvoiceRow {
            number: "F-2026-000001".into(),
            issue_date: "2026-03-01".into(),
            sale_date: None,
            due_date: Some("2026-03-31".into()),
            customer: "Dupont; Fils".into(),
            siren: String::new(),
            vat_number: String::new(),
            currency: "EUR".into(),
            total_ht: 10000,
            total_vat: 2000,
            total_ttc: 12000,
            deposits: 1000,
            paid: 5000,
            credited: 0,
            status: "partially_paid".into(),
        };
        let style = CsvStyle::of(Lang::Fr);
        let rec = inv.record(style, Lang::Fr);
        assert_eq!(rec.len(), CsvKind::Invoices.headers(Lang::Fr).len());
        assert_eq!(rec[14], "60,00");
        assert_eq!(rec[15], "partiellement payée");
        for lang in [Lang::Fr, Lang::En] {
            assert_eq!(CsvKind::CreditNotes.headers(lang).len(), 8);
            assert_eq!(CsvKind::Payments.headers(lang).len(), 11);
        }
    }

    fn doc(credit_note: bool) -> SaleDoc {
        SaleDoc {
            credit_note,
            number: "F-2026-000007".into(),
            date: d("2026-03-05"),
            customer_id: 42,
            customer: "Café\tdu Port".into(),
            currency: "EUR".into(),
            total_ht: 30000,
            total_ttc: 35000,
            per_rate: vec![
                RateTotal {
                    rate: VatRate::Standard20,
                    base_ht: 20000,
                    vat: 4000,
                },
                RateTotal {
                    rate: VatRate::Intermediate10,
                    base_ht: 10000,
                    vat: 1000,
                },
            ],
        }
    }

    #[test]
    fn an_invoice_debits_the_customer_and_credits_revenue_and_vat_per_rate() {
        let lines = sale_entry(&AccountingSettings::default(), &doc(false), 3);
        let sides: Vec<(&str, i64, i64)> = lines
            .iter()
            .map(|l| (l.account.as_str(), l.debit, l.credit))
            .collect();
        assert_eq!(
            sides,
            vec![
                ("411", 35000, 0),
                ("706", 0, 30000),
                ("44571", 0, 4000),
                ("44571", 0, 1000)
            ]
        );
        assert!(balanced(&lines));
        assert_eq!(lines[0].aux_num, "C000042");
        assert!(lines[1].aux_num.is_empty());
    }

    #[test]
    fn a_credit_note_posts_the_same_accounts_on_the_other_side() {
        let lines = sale_entry(&AccountingSettings::default(), &doc(true), 4);
        let sides: Vec<(i64, i64)> = lines.iter().map(|l| (l.debit, l.credit)).collect();
        assert_eq!(sides, vec![(0, 35000), (30000, 0), (4000, 0), (1000, 0)]);
        assert!(balanced(&lines));
        assert!(lines[0].label.starts_with("Avoir "));
    }

    #[test]
    fn a_fec_line_has_the_18_columns_in_order_with_compact_dates_and_a_comma() {
        assert_eq!(fec_header().split('\t').count(), 18);
        assert!(fec_header().starts_with("JournalCode\tJournalLib\tEcritureNum\t"));
        assert!(fec_header().ends_with("\tValidDate\tMontantdevise\tIdevise"));
        let lines = sale_entry(&AccountingSettings::default(), &doc(false), 3);
        assert_eq!(
            lines[0].to_line(),
            "VE\tVentes\t3\t20260305\t411\tClients\tC000042\tCafé du Port\tF-2026-000007\t\
             20260305\tFacture F-2026-000007 Café du Port\t350,00\t0,00\t\t\t20260305\t\t"
        );
        assert_eq!(lines[0].to_line().split('\t').count(), 18);
    }

    #[test]
    fn a_payment_debits_the_bank_and_money_given_back_credits_it() {
        let s = AccountingSettings::default();
        let mut m = BankMove {
            kind: BankKind::Payment,
            date: d("2026-03-10"),
            valid_date: d("2026-03-11"),
            invoice: "F-2026-000007".into(),
            reference: "VIR 123".into(),
            customer_id: 42,
            customer: "Café du Port".into(),
            amount: 12000,
            currency: "EUR".into(),
        };
        let paid = bank_entry(&s, &m, 9);
        let sides: Vec<(&str, i64, i64)> = paid
            .iter()
            .map(|l| (l.account.as_str(), l.debit, l.credit))
            .collect();
        assert_eq!(sides, vec![("512", 12000, 0), ("411", 0, 12000)]);
        assert_eq!(paid[0].piece_ref, "VIR 123");
        m.kind = BankKind::Refund;
        let back = bank_entry(&s, &m, 10);
        assert_eq!((back[0].debit, back[0].credit), (0, 12000));
        assert_eq!((back[1].debit, back[1].credit), (12000, 0));
        assert!(balanced(&paid) && balanced(&back));
    }

    #[test]
    fn an_unbalanced_entry_is_seen() {
        let mut lines = sale_entry(&AccountingSettings::default(), &doc(false), 1);
        lines[1].credit -= 1;
        assert!(!balanced(&lines));
    }

    #[test]
    fn fec_text_is_written_in_latin_9() {
        assert_eq!(latin9("Café"), b"Caf\xE9");
        assert_eq!(latin9("Œuvre 10 €"), b"\xBCuvre 10 \xA4");
        assert_eq!(latin9("日本"), b"??");
    }

    #[test]
    fn the_fec_file_is_named_after_the_siren_and_the_end_of_the_period() {
        assert_eq!(
            fec_file_name("123 456 789", d("2026-12-31")),
            "123456789FEC20261231.txt"
        );
    }

    #[test]
    fn account_numbers_are_3_to_10_digits_and_journals_short_codes() {
        let ok = AccountingSettings {
            sales_journal: " ve ".into(),
            ..Default::default()
        }
        .validated()
        .expect("valid");
        assert_eq!(ok.sales_journal, "VE");
        let bad = AccountingSettings {
            customer_account: "41".into(),
            revenue_account: "70A".into(),
            bank_account: "51200000000".into(),
            bank_journal: String::new(),
            ..Default::default()
        }
        .validated()
        .expect_err("refused");
        assert_eq!(bad.get("customer_account"), Some(FieldProblem::OutOfRange));
        assert_eq!(bad.get("revenue_account"), Some(FieldProblem::NotANumber));
        assert_eq!(bad.get("bank_account"), Some(FieldProblem::TooLong));
        assert_eq!(bad.get("bank_journal"), Some(FieldProblem::Required));
        assert_eq!(bad.get("vat_account_2000"), None);
    }
}
