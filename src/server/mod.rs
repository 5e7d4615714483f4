//! Everything that only runs on the server: configuration, database, sessions,
//! authentication, services and the HTTP router.
pub mod app;
pub mod assets;
pub mod auth;
pub mod config;
pub mod db;
pub mod email;
pub mod facturx;
pub mod http;
pub mod payments;
pub mod pdf;
pub mod platform;
pub mod seed;
mod seed_disputes;
mod seed_reminders;
pub mod services;
pub mod session_store;
pub mod stall;
pub mod state;
