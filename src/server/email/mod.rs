//! Email: messages are written to the `outbox` table inside the transaction
//! that calls for them (`db::outbox::enqueue`), then a background worker
//! delivers them over SMTP (or into `.eml` files without `SMTP_URL`), retrying
//! with backoff. Configuration is read at start into `Config::email`:
//!
//! | variable | default | meaning |
//! |---|---|---|
//! | `SMTP_URL` | unset | `smtp://host:port` (plain), `smtp://…?tls=required` (STARTTLS), `smtps://user:pass@host:465` |
//! | `OUTBOX_DIR` | `data/outbox` | where messages are written as `.eml` files when `SMTP_URL` is unset |
//! | `MAIL_FROM` | `Quittance <no-reply@HOST>` | the sender; HOST from `PUBLIC_BASE_URL` |
//! | `OUTBOX_WORKER` | `on` | `off` leaves delivery to other instances (or to tests) |
//! | `PUBLIC_BASE_URL` | `http://<LEPTOS_SITE_ADDR>` | the origin of the links in messages |
pub mod group_receipt_mail;
pub mod messages;
pub mod reminder_mail;
pub mod statement_mail;
pub mod transport;
pub mod worker;

pub use transport::{SendError, Transport, TransportError};
pub use worker::{DrainError, EmailConfig, drain_at, drain_once, spawn_worker};

/// The origin of the links in messages, set once at start from
/// `Config::public_base_url` (`Application::build`).
///
/// A process-wide value rather than a parameter: the receipt and dispute
/// messages are written deep inside the money and dispute transactions, which
/// are being reshaped (issue 11, the ledger); once they settle, this can
/// travel with them instead.
static PUBLIC_ORIGIN: std::sync::OnceLock<String> = std::sync::OnceLock::new();

/// Before [`set_public_origin`] (unit tests, tools): the default local address.
const DEFAULT_ORIGIN: &str = "http://127.0.0.1:3000";

/// Records the public origin; the first call wins (one server per process,
/// or test servers that all share one configured origin).
pub fn set_public_origin(base: &str) {
    let base = base.trim_end_matches('/').to_string();
    if let Err(other) = PUBLIC_ORIGIN.set(base)
        && PUBLIC_ORIGIN.get() != Some(&other)
    {
        tracing::warn!(kept = ?PUBLIC_ORIGIN.get(), ignored = %other, "public origin already set");
    }
}

/// An absolute link to a path of the portal (`path` starts with `/`).
pub fn absolute_link(path: &str) -> String {
    let origin = PUBLIC_ORIGIN
        .get()
        .map(String::as_str)
        .unwrap_or(DEFAULT_ORIGIN);
    format!("{origin}{path}")
}
