//! Server functions: public HTTP endpoints under `/api/…`. Each one first
//! establishes who is asking (see `ctx`), then calls a service.
pub mod accounts;
pub mod auth;
pub mod corrections;
pub mod customers;
pub mod disputes;
pub mod drafts;
pub mod exports;
pub mod invoices;
pub mod lifecycle;
pub mod payments;
pub mod reminders;
pub mod settings;
pub mod staff;
pub mod staff_disputes;
pub mod staff_invoices;
pub mod staff_users;
pub mod statement_pay;
pub mod statements;

#[cfg(feature = "ssr")]
pub(crate) mod ctx;
