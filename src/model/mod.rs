//! Wire types and pure domain rules, shared by the server and the browser.
pub mod correction;
pub mod customer;
pub mod document;
pub mod draft;
pub mod format;
pub mod invoice;
pub mod lang;
pub mod listing;
pub mod payment;
pub mod role;
pub mod settings;
pub mod staff;
pub mod staff_invoice;
pub mod staff_user;
pub mod user;
pub mod validate;
pub mod vat;
