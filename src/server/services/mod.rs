//! Business operations. Each one owns its transaction and calls `db` for SQL.
pub mod auth;
pub mod invoices;
pub mod staff;
