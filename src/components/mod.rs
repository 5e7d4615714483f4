//! Shared UI pieces.
pub mod document;
pub mod errors;
pub mod layout;
pub mod status;
