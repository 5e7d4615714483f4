//! Shared UI pieces.
pub mod errors;
pub mod layout;
pub mod status;
