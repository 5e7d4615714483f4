//! Payment reminders (relances): the schedule a business edits, the French
//! business-day calendar the steps fall on, the late-payment charges a firm
//! reminder quotes, and the placeholders of reminder texts.
//!
//! Everything here is pure and shared by the server and the browser: no clock,
//! no I/O. The server decides "today" (the company's local date) and sends.
pub mod calendar;
pub mod notice;
pub mod penalty;
pub mod plan;
pub mod schedule;
pub mod template;
pub mod view;
