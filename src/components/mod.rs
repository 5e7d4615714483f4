//! Shared UI pieces.
pub mod correct_invoice;
pub mod dispute_form;
pub mod dispute_labels;
pub mod dispute_thread;
pub mod document;
pub mod errors;
pub mod labels;
pub mod layout;
pub mod pay_panel;
pub mod staff_payments;
pub mod status;
