//! One module per route.
pub mod forbidden;
pub mod home;
pub mod invoice_detail;
pub mod invoices;
pub mod login;
pub mod not_found;
pub mod pay;
pub mod staff;
