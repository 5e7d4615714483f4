//! One module per route.
pub mod accounts;
pub mod forbidden;
pub mod home;
pub mod invoice_detail;
pub mod invoices;
pub mod login;
pub mod not_found;
pub mod pay;
pub mod payment;
pub mod simulated_checkout;
pub mod staff;
pub mod staff_customers;
pub mod staff_invoice;
pub mod staff_invoice_new;
pub mod staff_invoices;
pub mod staff_settings;
pub mod staff_users;
