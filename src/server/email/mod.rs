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
//! | `PUBLIC_BASE_URL` | `http://<LEPTOS_SITE_ADDR>` | the origin of the links in messages |
pub mod messages;
pub mod transport;
pub mod worker;

pub use transport::{SendError, Transport, TransportError};
pub use worker::{DrainError, EmailConfig, drain_at, drain_once, spawn_worker};

/// The origin links in messages start with, without a trailing slash:
/// `PUBLIC_BASE_URL`, else `http://` + `LEPTOS_SITE_ADDR` (as the server's
/// own configuration does), else `http://127.0.0.1:3000`.
pub fn public_base_url() -> String {
    let var = |name: &str| {
        std::env::var(name)
            .ok()
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let base = var("PUBLIC_BASE_URL")
        .or_else(|| var("LEPTOS_SITE_ADDR").map(|addr| format!("http://{addr}")))
        .unwrap_or_else(|| "http://127.0.0.1:3000".into());
    base.trim_end_matches('/').to_string()
}

/// An absolute link to a path of the portal (`path` starts with `/`).
pub fn absolute_link(path: &str) -> String {
    format!("{}{path}", public_base_url())
}
