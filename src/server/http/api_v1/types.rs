//! The JSON bodies of the ERP API. Requests refuse unknown fields; amounts
//! are integer minor units (cents) of the invoice's currency.
use crate::model::customer::CustomerInput;
use crate::model::document::DocLine;
use crate::model::draft::{DraftInput, DraftLineInput};
use crate::model::format::minor_digits;
use crate::server::db::api_v1::{CustomerRecord, DocRecord, PaymentRecord};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// A customer as sent: every field is checked as on the staff form.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct CustomerIn {
    /// The ERP's own id of the customer (letters, digits, `._:-`; at most 100).
    /// Only on create; the upsert takes it from its path.
    pub external_id: Option<String>,
    pub name: String,
    /// A business (B2B): then a French one needs a SIREN.
    pub is_business: bool,
    pub address_line1: String,
    pub postal_code: String,
    pub city: String,
    /// ISO 3166-1 alpha-2; `FR` when empty.
    pub country: String,
    pub siren: String,
    pub vat_number: String,
    pub billing_email: String,
    /// `fr` (default) or `en`.
    pub lang: String,
    /// The delivery address when it differs: all four fields or none.
    pub delivery_line1: String,
    pub delivery_postal_code: String,
    pub delivery_city: String,
    pub delivery_country: String,
}

impl CustomerIn {
    pub fn to_input(&self) -> CustomerInput {
        CustomerInput {
            name: self.name.clone(),
            is_business: self.is_business.then(|| "on".to_string()),
            address_line1: self.address_line1.clone(),
            postal_code: self.postal_code.clone(),
            city: self.city.clone(),
            country: self.country.clone(),
            siren: self.siren.clone(),
            vat_number: self.vat_number.clone(),
            billing_email: self.billing_email.clone(),
            lang: self.lang.clone(),
            delivery_line1: self.delivery_line1.clone(),
            delivery_postal_code: self.delivery_postal_code.clone(),
            delivery_city: self.delivery_city.clone(),
            delivery_country: self.delivery_country.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CustomerOut {
    pub id: i64,
    pub external_id: Option<String>,
    pub name: String,
    pub is_business: bool,
    pub address_line1: String,
    pub postal_code: String,
    pub city: String,
    pub country: String,
    pub siren: String,
    pub vat_number: String,
    pub billing_email: String,
    pub lang: String,
    pub delivery_line1: String,
    pub delivery_postal_code: String,
    pub delivery_city: String,
    pub delivery_country: String,
    /// Unix seconds.
    pub created_at: i64,
}

impl From<CustomerRecord> for CustomerOut {
    fn from(c: CustomerRecord) -> CustomerOut {
        let i = c.input;
        CustomerOut {
            id: c.id,
            external_id: c.external_id,
            name: i.name,
            is_business: i.is_business.is_some(),
            address_line1: i.address_line1,
            postal_code: i.postal_code,
            city: i.city,
            country: i.country,
            siren: i.siren,
            vat_number: i.vat_number,
            billing_email: i.billing_email,
            lang: i.lang,
            delivery_line1: i.delivery_line1,
            delivery_postal_code: i.delivery_postal_code,
            delivery_city: i.delivery_city,
            delivery_country: i.delivery_country,
            created_at: c.created_at,
        }
    }
}

/// Minor units as the decimal text the draft rules read (`1250` -> `12.50`).
fn major_text(minor: i64, currency: &str) -> String {
    Decimal::new(minor, minor_digits(currency)).to_string()
}

/// A VAT rate in percent as text (`2000` basis points -> `20`, `550` -> `5.5`).
fn percent_text(basis_points: i64) -> String {
    Decimal::new(basis_points, 2).normalize().to_string()
}

#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LineIn {
    #[serde(default)]
    pub description: String,
    /// A decimal quantity as text (`1`, `2.5`).
    #[serde(default)]
    pub quantity: String,
    #[serde(default)]
    pub unit: String,
    /// Unit price excl. VAT, minor units.
    pub unit_price: i64,
    /// VAT rate in percent: `20`, `10`, `5.5`, `2.1` or `0`.
    #[serde(default)]
    pub vat_rate: String,
    /// Discount in percent as text; none when absent.
    #[serde(default)]
    pub discount_pct: Option<String>,
}

/// A draft invoice: checked by the same rules as the staff form.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceIn {
    pub customer_id: i64,
    /// ISO 4217; `EUR` when absent.
    #[serde(default)]
    pub currency: Option<String>,
    /// Date of the sale or end of the service, `YYYY-MM-DD`.
    #[serde(default)]
    pub sale_date: String,
    /// `YYYY-MM-DD`; otherwise the company's terms apply at issue.
    #[serde(default)]
    pub due_date: Option<String>,
    /// Deposits already received, incl. VAT, minor units.
    #[serde(default)]
    pub deposits: Option<i64>,
    #[serde(default)]
    pub lines: Vec<LineIn>,
}

impl InvoiceIn {
    pub fn to_input(&self) -> DraftInput {
        let currency = self
            .currency
            .clone()
            .unwrap_or_else(|| "EUR".into())
            .trim()
            .to_uppercase();
        DraftInput {
            customer_id: self.customer_id,
            sale_date: self.sale_date.clone(),
            due_date: self.due_date.clone().unwrap_or_default(),
            deposits: self
                .deposits
                .map(|d| major_text(d, &currency))
                .unwrap_or_default(),
            lines: self
                .lines
                .iter()
                .map(|l| DraftLineInput {
                    description: l.description.clone(),
                    quantity: l.quantity.clone(),
                    unit: l.unit.clone(),
                    unit_price: major_text(l.unit_price, &currency),
                    vat_rate: l.vat_rate.clone(),
                    discount_pct: l.discount_pct.clone().unwrap_or_default(),
                })
                .collect(),
            currency,
        }
    }
}

/// Issuing takes no field; the issue date is today.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IssueIn {}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct LineOut {
    pub description: String,
    pub quantity: String,
    pub unit: String,
    /// Minor units, excl. VAT.
    pub unit_price: i64,
    /// Percent (`20`, `5.5`).
    pub vat_rate: String,
    pub discount_pct: String,
    /// Minor units, excl. VAT, after the discount.
    pub total_ht: i64,
}

impl From<DocLine> for LineOut {
    fn from(l: DocLine) -> LineOut {
        LineOut {
            description: l.description,
            quantity: l.quantity,
            unit: l.unit,
            unit_price: l.unit_price_ht,
            vat_rate: percent_text(l.vat_rate.basis_points()),
            discount_pct: l.discount_pct,
            total_ht: l.total_ht,
        }
    }
}

/// Whether an invoice can be paid by its link.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum PayLinkState {
    /// Not issued yet: no link.
    None,
    Live,
    /// Every link was revoked by staff.
    Revoked,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct InvoiceOut {
    pub id: i64,
    /// Assigned at issue (`F-2026-000042`); none for a draft.
    pub number: Option<String>,
    /// `draft`, `issued`, `partially_paid`, `paid`, `disputed`, `credited`.
    pub status: String,
    pub customer_id: i64,
    pub currency: String,
    pub sale_date: Option<String>,
    pub issue_date: Option<String>,
    pub due_date: Option<String>,
    pub total_ht: i64,
    pub total_vat: i64,
    pub total_ttc: i64,
    pub deposits: i64,
    pub amount_paid: i64,
    pub amount_credited: i64,
    /// What remains to pay: total - deposits - payments - credit notes.
    pub balance: i64,
    pub pay_link: PayLinkState,
    /// The pay link, only in the answer of the issue (it is stored hashed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay_url: Option<String>,
    pub lines: Vec<LineOut>,
}

impl InvoiceOut {
    pub fn new(d: DocRecord, lines: Vec<DocLine>) -> InvoiceOut {
        let pay_link = match (d.live_links, d.all_links) {
            (0, 0) => PayLinkState::None,
            (0, _) => PayLinkState::Revoked,
            _ => PayLinkState::Live,
        };
        InvoiceOut {
            balance: crate::model::invoice::balance(
                d.total_ttc,
                d.deposits,
                d.amount_paid,
                d.amount_credited,
            ),
            id: d.id,
            number: d.number,
            status: d.status,
            customer_id: d.customer_id,
            currency: d.currency,
            sale_date: d.sale_date,
            issue_date: d.issue_date,
            due_date: d.due_date,
            total_ht: d.total_ht,
            total_vat: d.total_vat,
            total_ttc: d.total_ttc,
            deposits: d.deposits,
            amount_paid: d.amount_paid,
            amount_credited: d.amount_credited,
            pay_link,
            pay_url: None,
            lines: lines.into_iter().map(LineOut::from).collect(),
        }
    }
}

/// A credit note: without `amount_ht`, the whole remaining invoice is credited.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreditNoteIn {
    /// A partial credit, excl. VAT, minor units.
    #[serde(default)]
    pub amount_ht: Option<i64>,
    /// The partial credit's VAT rate in percent.
    #[serde(default)]
    pub vat_rate: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct CreditNoteOut {
    pub id: i64,
    /// `AV-2026-000007`.
    pub number: Option<String>,
    /// The invoice it corrects.
    pub invoice_id: Option<i64>,
    pub customer_id: i64,
    pub currency: String,
    pub issue_date: Option<String>,
    pub total_ht: i64,
    pub total_vat: i64,
    pub total_ttc: i64,
    pub lines: Vec<LineOut>,
}

impl CreditNoteOut {
    pub fn new(d: DocRecord, lines: Vec<DocLine>) -> CreditNoteOut {
        CreditNoteOut {
            id: d.id,
            number: d.number,
            invoice_id: d.corrects_invoice_id,
            customer_id: d.customer_id,
            currency: d.currency,
            issue_date: d.issue_date,
            total_ht: d.total_ht,
            total_vat: d.total_vat,
            total_ttc: d.total_ttc,
            lines: lines.into_iter().map(LineOut::from).collect(),
        }
    }
}

/// An offline payment received (transfer, cheque, cash); never above the balance.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentIn {
    /// Minor units of the invoice's currency.
    pub amount: i64,
    /// `transfer`, `cheque` or `cash`.
    #[serde(default)]
    pub method: String,
    /// `YYYY-MM-DD`, today or before.
    #[serde(default)]
    pub received_on: String,
    #[serde(default)]
    pub reference: String,
}

impl PaymentIn {
    pub fn to_input(&self, currency: &str) -> crate::server::services::payments::OfflineInput {
        crate::server::services::payments::OfflineInput {
            amount: major_text(self.amount, currency),
            method: self.method.clone(),
            received_on: self.received_on.clone(),
            reference: self.reference.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PaymentOut {
    pub id: i64,
    pub invoice_id: i64,
    /// `offline`, `stripe`, `simulated`.
    pub provider: String,
    pub method: String,
    /// `processing`, `succeeded`, `failed`.
    pub status: String,
    pub amount: i64,
    pub currency: String,
    pub reference: String,
    pub received_on: Option<String>,
    pub created_at: i64,
}

impl From<PaymentRecord> for PaymentOut {
    fn from(p: PaymentRecord) -> PaymentOut {
        PaymentOut {
            id: p.id,
            invoice_id: p.invoice_id,
            provider: p.provider,
            method: p.method,
            status: p.status,
            amount: p.amount,
            currency: p.currency,
            reference: p.reference,
            received_on: p.received_on,
            created_at: p.created_at,
        }
    }
}

macro_rules! list_of {
    ($name:ident, $item:ty) => {
        /// One page of a list, by id; pass the last id as `starting_after`
        /// for the next page.
        #[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
        pub struct $name {
            pub data: Vec<$item>,
            pub has_more: bool,
            /// The `starting_after` of the next page, when there is one.
            pub next_starting_after: Option<i64>,
        }

        impl $name {
            pub fn new(data: Vec<$item>, has_more: bool, last: Option<i64>) -> $name {
                $name {
                    data,
                    has_more,
                    next_starting_after: last.filter(|_| has_more),
                }
            }
        }
    };
}

list_of!(CustomerList, CustomerOut);
list_of!(InvoiceList, InvoiceOut);
list_of!(CreditNoteList, CreditNoteOut);
list_of!(PaymentList, PaymentOut);

/// A page of a list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// 1 to 100, 20 when absent.
    pub limit: Option<i64>,
    /// The id after which the page starts (the last id of the page before).
    pub starting_after: Option<i64>,
}

/// A page of invoices, narrowed.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InvoiceQuery {
    /// `draft`, `issued`, `partially_paid`, `paid`, `disputed`, `credited`.
    pub status: Option<String>,
    pub customer_id: Option<i64>,
    pub limit: Option<i64>,
    pub starting_after: Option<i64>,
}

/// A page of credit notes, narrowed.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CreditNoteQuery {
    /// The credit notes of one invoice.
    pub invoice_id: Option<i64>,
    pub customer_id: Option<i64>,
    pub limit: Option<i64>,
    pub starting_after: Option<i64>,
}

/// A page of payments, narrowed.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PaymentQuery {
    /// The payments of one invoice.
    pub invoice_id: Option<i64>,
    pub limit: Option<i64>,
    pub starting_after: Option<i64>,
}
