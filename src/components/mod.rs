//! Shared UI pieces.
pub mod correct_invoice;
pub mod document;
pub mod errors;
pub mod layout;
pub mod status;
