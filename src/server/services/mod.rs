//! Business operations. Each one owns its transaction and calls `db` for SQL.
pub mod accounts;
pub mod auth;
pub mod customers;
pub mod dashboard;
pub mod disputes;
pub mod documents;
pub mod invoice_mail;
pub mod invoices;
pub mod invoicing;
pub mod ledger;
pub mod pay_links;
pub mod payments;
pub mod provider_facts;
pub mod reminders;
pub mod settings;
pub mod staff;
pub mod webhooks;
