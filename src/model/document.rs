//! Everything an invoice or credit note shows, with every mandatory mention of
//! French law (PRODUCT.md "Invoices"). The HTML page and the PDF render this
//! same structure, so they always show the same figures.
use super::invoice::DisplayStatus;
use super::vat::{RateTotal, VatRate};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum DocKind {
    Invoice,
    CreditNote,
}

/// The seller: the business using the portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Seller {
    pub legal_name: String,
    pub legal_form: String,
    /// Share capital in minor units, when the legal form has one.
    pub share_capital: Option<i64>,
    pub address_line1: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub siren: String,
    pub siret: String,
    pub rcs_city: String,
    pub vat_number: String,
    pub iban: String,
    pub bic: String,
    /// "Option pour le paiement de la taxe d'après les débits": VAT on
    /// services is due when invoiced rather than when paid (CGI art. 269).
    #[serde(default)]
    pub vat_on_debits: bool,
}

/// Whether an invoice sells goods, services or both: a mandatory mention
/// since the 2026 reform, and the business process (BT-23) of its Factur-X.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub enum OperationCategory {
    Goods,
    #[default]
    Services,
    Mixed,
}

impl OperationCategory {
    pub const ALL: [OperationCategory; 3] = [
        OperationCategory::Goods,
        OperationCategory::Services,
        OperationCategory::Mixed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OperationCategory::Goods => "goods",
            OperationCategory::Services => "services",
            OperationCategory::Mixed => "mixed",
        }
    }

    pub fn parse(s: &str) -> Option<OperationCategory> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// A postal address (the delivery address when it is not the billing one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Address {
    pub line1: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
}

/// The buyer: the customer account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Buyer {
    pub name: String,
    pub address_line1: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub siren: String,
    pub vat_number: String,
    pub is_business: bool,
    /// Where the goods go or the service is done, when it differs from the
    /// billing address (a 2026 mention).
    #[serde(default)]
    pub delivery: Option<Address>,
    /// The billing email: the buyer's electronic address (BT-49) when it has
    /// no SIREN.
    #[serde(default)]
    pub email: String,
}

/// One line as printed. Amounts are minor units of the document's currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocLine {
    pub description: String,
    /// Decimal quantity as text (exact, e.g. `1.5`).
    pub quantity: String,
    pub unit: String,
    pub unit_price_ht: i64,
    pub vat_rate: VatRate,
    /// Discount percent as text (`0`, `15`, `12.5`).
    pub discount_pct: String,
    /// Line amount excl. VAT, rounded to the cent.
    pub total_ht: i64,
}

/// Payment conditions printed on every invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Terms {
    pub payment_terms_days: i64,
    /// Annual late-payment penalty rate in basis points (1000 = 10 %).
    pub late_penalty_rate_bp: i64,
    /// The fixed recovery indemnity (40 EUR), printed for business buyers only.
    pub recovery_indemnity: Option<i64>,
    /// Early-payment discount terms; empty means "no discount for early payment".
    pub early_discount_terms: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvoiceDocument {
    pub kind: DocKind,
    pub number: String,
    pub issue_date: NaiveDate,
    /// Date of the sale or of the end of the service.
    pub sale_date: NaiveDate,
    pub due_date: NaiveDate,
    pub currency: String,
    pub seller: Seller,
    pub buyer: Buyer,
    pub lines: Vec<DocLine>,
    pub per_rate: Vec<RateTotal>,
    pub total_ht: i64,
    pub total_vat: i64,
    pub total_ttc: i64,
    /// Deposits (acomptes) already received before this invoice.
    pub deposits: i64,
    /// Payments received on this invoice.
    pub paid: i64,
    /// Credit notes issued against this invoice.
    pub credited: i64,
    pub balance: i64,
    pub status: DisplayStatus,
    pub terms: Terms,
    /// Goods, services or both (frozen at issue).
    #[serde(default)]
    pub operation: OperationCategory,
    /// For a credit note: the invoice it corrects.
    pub corrects_number: Option<String>,
    /// For a credit note: the issue date of the invoice it corrects.
    #[serde(default)]
    pub corrects_issue_date: Option<NaiveDate>,
    /// The pay link, when the viewer may see it.
    pub pay_url: Option<String>,
    /// The company logo's URL (versioned), when one was uploaded. Not part of
    /// the frozen snapshot: an issued invoice shows the current logo.
    #[serde(default)]
    pub logo_url: Option<String>,
    /// For an invoice: the credit notes issued against it, oldest first.
    #[serde(default)]
    pub credit_notes: Vec<CreditNoteRef>,
}

/// A credit note as listed beside the invoice it corrects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreditNoteRef {
    pub number: String,
    pub issue_date: NaiveDate,
    /// Total including VAT, minor units of `currency`.
    pub total_ttc: i64,
    pub currency: String,
}

impl DocLine {
    /// The amounts the totals are computed from (stored quantities and
    /// discounts are exact decimal text; unreadable text counts as zero).
    pub fn amounts(&self) -> super::vat::LineAmounts {
        super::vat::LineAmounts {
            quantity: self.quantity.parse().unwrap_or_default(),
            unit_price_ht: self.unit_price_ht,
            vat_rate: self.vat_rate,
            discount_pct: self.discount_pct.parse().unwrap_or_default(),
        }
    }
}

impl InvoiceDocument {
    /// Whether some line is at 0 % and needs the VAT exemption mention.
    pub fn needs_vat_exemption_mention(&self) -> bool {
        self.lines.iter().any(|l| l.vat_rate == VatRate::Zero)
    }
}
