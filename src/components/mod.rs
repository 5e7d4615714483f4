//! Shared UI pieces.
pub mod correct_invoice;
pub mod document;
pub mod errors;
pub mod labels;
pub mod layout;
pub mod page_load;
pub mod pay_panel;
pub mod staff_dispute_header;
pub mod staff_dispute_history;
pub mod staff_dispute_labels;
pub mod staff_dispute_manage;
pub mod staff_dispute_messages;
pub mod staff_dispute_resolve;
pub mod staff_dispute_write;
pub mod staff_payments;
pub mod status;
