//! Configuration, read once at start from the environment (and an optional
//! `.env` file) into typed values; nothing else in the server reads the
//! environment. Tests build a [`Config`] in code ([`Config::local`]).
use super::email::EmailConfig;
use super::payments::{PaymentConfig, ProviderKind, random_hex};
use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// A value that must never be logged: its `Debug` shows `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }

    /// The secret itself, for the one place that needs it (a signature, a header).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("***")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Secret {
        Secret(value.to_string())
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Secret {
        Secret(value)
    }
}

/// Everything the server is told by its operator.
#[derive(Clone)]
pub struct Config {
    /// `sqlite://path` (default) or `postgres://…`. May contain a password: shown redacted.
    pub database_url: String,
    /// How long a request waits for a database connection before it fails (503).
    pub db_acquire_timeout: Duration,
    pub site_addr: SocketAddr,
    /// The address users reach, e.g. `https://pay.example.fr`, without a trailing
    /// slash; decides the `Secure` cookie flag and starts the links in emails.
    pub public_base_url: String,
    /// Emit JSON log lines instead of human-readable ones.
    pub log_json: bool,
    /// The payment provider and its secrets.
    pub payments: PaymentConfig,
    /// Where and how mail is sent.
    pub email: EmailConfig,
    /// Days a pay link keeps working after its invoice is paid.
    pub pay_link_days_after_paid: i64,
    /// The bearer token `GET /metrics` asks for; without one the route is not served.
    pub metrics_token: Option<Secret>,
    /// Where the built site (`pkg/`, `hash.txt`, `public/`) is, when not the
    /// `LEPTOS_SITE_ROOT` that Leptos reads itself (tests serve a fixture site).
    pub site_root: Option<String>,
    /// How often the reminder engine runs (`REMINDERS_INTERVAL_SECS`, default
    /// 900; `0` or `off`: never, e.g. on all instances but one, or in tests).
    pub reminders_every: Option<Duration>,
    /// Where lifecycle statuses are dropped for the approved platform, one
    /// JSON file each (`QUITTANCE_PLATFORM_DROP_DIR`, default
    /// `data/platform`; `off`: not sent from this instance, they stay queued).
    pub platform_drop_dir: Option<PathBuf>,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/quittance.db";
const DEFAULT_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);
const DEFAULT_PAY_LINK_DAYS: i64 = 30;

/// One environment variable, trimmed; unset and blank are the same.
fn var(name: &str) -> Option<String> {
    std::env::var(name)
        .ok()
        .map(|v| v.trim().to_string())
        .filter(|v| !v.is_empty())
}

/// A number variable; a value that is not one is an error naming the variable.
fn number<T: std::str::FromStr>(name: &str) -> Result<Option<T>, String> {
    var(name)
        .map(|v| {
            v.parse()
                .map_err(|_| format!("{name} is not a number: {v}"))
        })
        .transpose()
}

/// `REMINDERS_INTERVAL_SECS`: seconds between reminder runs.
fn reminders_every() -> Result<Option<Duration>, String> {
    if var("REMINDERS_INTERVAL_SECS").is_some_and(|v| v == "off") {
        return Ok(None);
    }
    Ok(match number::<u64>("REMINDERS_INTERVAL_SECS")? {
        Some(0) => None,
        Some(n) => Some(Duration::from_secs(n)),
        None => Some(Duration::from_secs(900)),
    })
}

impl Config {
    /// Reads the configuration; a malformed value is an error naming the variable.
    pub fn from_env() -> Result<Config, String> {
        let _ = dotenvy::dotenv();
        let site_addr = var("LEPTOS_SITE_ADDR").unwrap_or_else(|| "127.0.0.1:3000".into());
        let site_addr: SocketAddr = site_addr
            .parse()
            .map_err(|_| format!("LEPTOS_SITE_ADDR is not an address: {site_addr}"))?;
        let public_base_url = var("PUBLIC_BASE_URL")
            .unwrap_or_else(|| format!("http://{site_addr}"))
            .trim_end_matches('/')
            .to_string();
        let pay_link_days_after_paid = number::<i64>("PAY_LINK_DAYS_AFTER_PAID")?
            .filter(|d| *d >= 0)
            .unwrap_or(DEFAULT_PAY_LINK_DAYS);
        let db_acquire_timeout = number::<u64>("DB_ACQUIRE_TIMEOUT_MS")?
            .map(Duration::from_millis)
            .unwrap_or(DEFAULT_ACQUIRE_TIMEOUT);
        Ok(Config {
            database_url: var("DATABASE_URL").unwrap_or_else(|| DEFAULT_DATABASE_URL.into()),
            db_acquire_timeout,
            site_addr,
            email: email_from_env(&public_base_url),
            public_base_url,
            log_json: var("LOG_FORMAT").is_some_and(|v| v == "json"),
            payments: payments_from_env()?,
            pay_link_days_after_paid,
            metrics_token: var("METRICS_TOKEN").map(Secret::from),
            site_root: None,
            reminders_every: reminders_every()?,
            platform_drop_dir: platform_drop_dir(),
        })
    }

    /// A configuration for tests and benchmarks: port 0, links to
    /// `http://127.0.0.1`, mail into `data/outbox`, no metrics token.
    pub fn local(database_url: &str, payments: PaymentConfig) -> Config {
        let public_base_url = "http://127.0.0.1".to_string();
        Config {
            database_url: database_url.to_string(),
            db_acquire_timeout: DEFAULT_ACQUIRE_TIMEOUT,
            site_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            email: EmailConfig {
                smtp_url: None,
                outbox_dir: PathBuf::from("data/outbox"),
                from: default_from(&public_base_url),
                worker_enabled: true,
            },
            public_base_url,
            log_json: false,
            payments,
            pay_link_days_after_paid: DEFAULT_PAY_LINK_DAYS,
            metrics_token: None,
            site_root: None,
            reminders_every: None,
            platform_drop_dir: None,
        }
    }

    /// Cookies are marked `Secure` whenever the public address is https.
    pub fn secure_cookies(&self) -> bool {
        self.public_base_url.starts_with("https://")
    }
}

/// `QUITTANCE_PLATFORM_DROP_DIR`: a folder, or `off`.
fn platform_drop_dir() -> Option<PathBuf> {
    match var("QUITTANCE_PLATFORM_DROP_DIR") {
        Some(v) if v.eq_ignore_ascii_case("off") => None,
        Some(v) => Some(PathBuf::from(v)),
        None => Some(PathBuf::from("data/platform")),
    }
}

/// `SMTP_URL`, `OUTBOX_DIR`, `MAIL_FROM` and `OUTBOX_WORKER` (see `email/mod.rs`).
fn email_from_env(public_base_url: &str) -> EmailConfig {
    EmailConfig {
        smtp_url: var("SMTP_URL").map(Secret::from),
        outbox_dir: var("OUTBOX_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("data/outbox")),
        from: var("MAIL_FROM").unwrap_or_else(|| default_from(public_base_url)),
        worker_enabled: !var("OUTBOX_WORKER").is_some_and(|v| v.eq_ignore_ascii_case("off")),
    }
}

/// `no-reply@` the public host when it is a domain name, else `@localhost`.
fn default_from(public_base_url: &str) -> String {
    let host = url::Url::parse(public_base_url)
        .ok()
        .and_then(|u| u.domain().map(str::to_string))
        .filter(|h| h.contains('.'))
        .unwrap_or_else(|| "localhost".into());
    format!("Quittance <no-reply@{host}>")
}

/// Reads `PAYMENT_PROVIDER`, `STRIPE_SECRET_KEY`, `STRIPE_WEBHOOK_SECRET`,
/// `STRIPE_API_BASE`, `STRIPE_CHECKOUT_ORIGIN` and `SIMULATED_DELAY_MS`. Stripe without a webhook
/// secret is refused: payments could never be confirmed.
fn payments_from_env() -> Result<PaymentConfig, String> {
    let key = var("STRIPE_SECRET_KEY");
    let provider = match var("PAYMENT_PROVIDER").as_deref() {
        Some("stripe") => ProviderKind::Stripe,
        Some("simulated") => ProviderKind::Simulated,
        Some(other) => {
            return Err(format!(
                "PAYMENT_PROVIDER must be stripe or simulated, not {other}"
            ));
        }
        None if key.is_some() => ProviderKind::Stripe,
        None => ProviderKind::Simulated,
    };
    let webhook_secret = match (provider, var("STRIPE_WEBHOOK_SECRET")) {
        (_, Some(s)) => s,
        (ProviderKind::Stripe, None) => {
            return Err("STRIPE_WEBHOOK_SECRET is required with the stripe provider".into());
        }
        // One random secret per process: fine for one instance; several
        // instances of a simulated demo must share STRIPE_WEBHOOK_SECRET.
        (ProviderKind::Simulated, None) => format!("whsec_sim_{}", random_hex(24)),
    };
    if provider == ProviderKind::Stripe && key.is_none() {
        return Err("STRIPE_SECRET_KEY is required with the stripe provider".into());
    }
    let stripe_api_base =
        var("STRIPE_API_BASE").unwrap_or_else(|| "https://api.stripe.com/".into());
    url::Url::parse(&stripe_api_base)
        .map_err(|_| format!("STRIPE_API_BASE is not a URL: {stripe_api_base}"))?;
    let stripe_checkout_origin = var("STRIPE_CHECKOUT_ORIGIN")
        .unwrap_or_else(|| super::payments::STRIPE_CHECKOUT_ORIGIN.into());
    url::Url::parse(&stripe_checkout_origin)
        .map_err(|_| format!("STRIPE_CHECKOUT_ORIGIN is not a URL: {stripe_checkout_origin}"))?;
    Ok(PaymentConfig {
        provider,
        stripe_secret_key: key.map(Secret::from),
        webhook_secret: Secret::from(webhook_secret),
        stripe_api_base,
        stripe_checkout_origin,
        simulated_delay_ms: number("SIMULATED_DELAY_MS")?.unwrap_or(4000),
    })
}

/// Hides the credentials part of a database URL.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

impl fmt::Debug for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Config")
            .field("database_url", &redact_url(&self.database_url))
            .field("db_acquire_timeout", &self.db_acquire_timeout)
            .field("site_addr", &self.site_addr)
            .field("public_base_url", &self.public_base_url)
            .field("log_json", &self.log_json)
            .field("payments", &self.payments)
            .field("email", &self.email)
            .field("pay_link_days_after_paid", &self.pay_link_days_after_paid)
            .field("metrics_token", &self.metrics_token)
            .field("platform_drop_dir", &self.platform_drop_dir)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_passwords_never_appear_in_debug_output() {
        let mut c = Config::local(
            "postgres://app:s3cret@db/quittance",
            PaymentConfig::simulated("whsec_x"),
        );
        c.public_base_url = "https://pay.example.fr".into();
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(c.secure_cookies());
    }

    #[test]
    fn no_secret_of_the_configuration_appears_in_debug_output() {
        let mut c = Config::local("sqlite://x.db", PaymentConfig::simulated("whsec_hidden"));
        c.metrics_token = Some(Secret::from("metrics-hidden"));
        c.email.smtp_url = Some(Secret::from("smtps://u:smtp-hidden@mail.example.fr:465"));
        c.payments.stripe_secret_key = Some(Secret::from("sk_live_hidden"));
        let shown = format!("{c:?}");
        for secret in [
            "whsec_hidden",
            "metrics-hidden",
            "smtp-hidden",
            "sk_live_hidden",
        ] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }

    #[test]
    fn the_sender_is_no_reply_at_the_public_domain_or_at_localhost() {
        assert_eq!(
            default_from("https://pay.example.fr"),
            "Quittance <no-reply@pay.example.fr>"
        );
        assert_eq!(
            default_from("http://127.0.0.1:3000"),
            "Quittance <no-reply@localhost>"
        );
    }
}
