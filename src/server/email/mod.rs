//! Email: messages are written to the `outbox` table inside the transaction
//! that calls for them (`db::outbox::enqueue`), then a background worker
//! delivers them over SMTP (or into `.eml` files without `SMTP_URL`), retrying
//! with backoff. Configuration comes from the environment:
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `SMTP_URL` | unset | `smtp://host:port` (plain), `smtp://…?tls=required` (STARTTLS), `smtps://user:pass@host:465` |
//! | `OUTBOX_DIR` | `data/outbox` | where messages are written as `.eml` files when `SMTP_URL` is unset |
//! | `MAIL_FROM` | `Quittance <no-reply@HOST>` | the sender; HOST from `PUBLIC_BASE_URL` |
//! | `OUTBOX_WORKER` | `on` | `off` leaves delivery to other instances (or to tests) |
//! | `PUBLIC_BASE_URL` | `http://127.0.0.1:3000` | the origin of the links in messages |
pub mod messages;
pub mod transport;
pub mod worker;

pub use transport::{SendError, Transport, TransportError};
pub use worker::{DrainError, EmailConfig, drain_at, drain_once, spawn_worker};

/// The origin links in messages start with, without a trailing slash.
pub fn public_base_url() -> String {
    let base = std::env::var("PUBLIC_BASE_URL")
        .ok()
        .filter(|v| !v.trim().is_empty())
        .unwrap_or_else(|| "http://127.0.0.1:3000".into());
    base.trim().trim_end_matches('/').to_string()
}

/// An absolute link to a path of the portal (`path` starts with `/`).
pub fn absolute_link(path: &str) -> String {
    format!("{}{path}", public_base_url())
}
