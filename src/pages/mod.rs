//! One module per route.
pub mod forbidden;
pub mod home;
pub mod invoices;
pub mod login;
pub mod not_found;
pub mod staff;
