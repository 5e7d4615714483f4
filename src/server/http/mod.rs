//! The plain HTTP routes beside the Leptos pages and server functions, one
//! module (and one `router()`) per concern, merged in `server/app.rs`.
pub mod disputes;
pub mod downloads;
pub mod error;
pub mod guard;
pub mod health;
pub mod lang;
pub mod logo;
pub mod metrics;
pub mod webhooks;
