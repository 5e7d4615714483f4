//! Every integration suite in one test binary: one link instead of one per
//! suite (each links the whole server), which was most of a clean `make test`.
//! Each scenario still starts its own app on port 0 against a fresh SQLite file
//! and a fresh PostgreSQL database (`on_both_databases!`). Run one suite with
//! `cargo test --features ssr --test integration payments::`.
//! `tests/disconnect.rs` stays a binary of its own: it measures this process's
//! memory and counts its panics.
#[macro_use]
mod common;
mod tour;

#[path = "assets.rs"]
mod assets;
#[path = "auth_and_access.rs"]
mod auth_and_access;
#[path = "backups.rs"]
mod backups;
#[path = "dashboard.rs"]
mod dashboard;
#[path = "dispute_attachments.rs"]
mod dispute_attachments;
#[path = "dispute_pages.rs"]
mod dispute_pages;
#[path = "dispute_resolutions.rs"]
mod dispute_resolutions;
#[path = "disputes.rs"]
mod disputes;
#[path = "einvoice_mentions.rs"]
mod einvoice_mentions;
#[path = "email.rs"]
mod email;
#[path = "exports.rs"]
mod exports;
#[path = "facturx.rs"]
mod facturx;
#[path = "invoices.rs"]
mod invoices;
#[path = "lifecycle.rs"]
mod lifecycle;
#[path = "logo.rs"]
mod logo;
#[path = "operations.rs"]
mod operations;
#[path = "page_loads.rs"]
mod page_loads;
#[path = "payments.rs"]
mod payments;
#[path = "reminder_access.rs"]
mod reminder_access;
#[path = "reminders.rs"]
mod reminders;
#[path = "staff_dispute_pages.rs"]
mod staff_dispute_pages;
#[path = "statement_pay.rs"]
mod statement_pay;
#[path = "statements.rs"]
mod statements;
#[path = "stripe_events.rs"]
mod stripe_events;
#[path = "stripe_provider.rs"]
mod stripe_provider;
