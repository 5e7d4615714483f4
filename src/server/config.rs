//! Configuration from the environment (and an optional `.env` file).
use std::fmt;
use std::net::SocketAddr;

/// Where to reach the database, where to listen, and how the public site is addressed.
#[derive(Clone)]
pub struct Config {
    /// `sqlite://path` (default) or `postgres://…`. May contain a password: never logged.
    pub database_url: String,
    pub site_addr: SocketAddr,
    /// The address users reach, e.g. `https://pay.example.fr`; decides the `Secure` cookie flag.
    pub public_base_url: String,
    /// Emit JSON log lines instead of human-readable ones.
    pub log_json: bool,
    /// The payment provider and its secrets.
    pub payments: super::payments::PaymentConfig,
}

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/quittance.db";

impl Config {
    /// Reads the configuration; a malformed value is an error naming the variable.
    pub fn from_env() -> Result<Config, String> {
        let _ = dotenvy::dotenv();
        let site_addr =
            std::env::var("LEPTOS_SITE_ADDR").unwrap_or_else(|_| "127.0.0.1:3000".into());
        let site_addr: SocketAddr = site_addr
            .parse()
            .map_err(|_| format!("LEPTOS_SITE_ADDR is not an address: {site_addr}"))?;
        let public_base_url =
            std::env::var("PUBLIC_BASE_URL").unwrap_or_else(|_| format!("http://{site_addr}"));
        Ok(Config {
            database_url: std::env::var("DATABASE_URL")
                .unwrap_or_else(|_| DEFAULT_DATABASE_URL.into()),
            site_addr,
            public_base_url,
            log_json: std::env::var("LOG_FORMAT")
                .map(|v| v == "json")
                .unwrap_or(false),
            payments: super::payments::PaymentConfig::from_env()?,
        })
    }

    /// Cookies are marked `Secure` whenever the public address is https.
    pub fn secure_cookies(&self) -> bool {
        self.public_base_url.starts_with("https://")
    }
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
            .field("site_addr", &self.site_addr)
            .field("public_base_url", &self.public_base_url)
            .field("log_json", &self.log_json)
            .field("payments", &self.payments)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn database_passwords_never_appear_in_debug_output() {
        let c = Config {
            database_url: "postgres://app:s3cret@db/quittance".into(),
            site_addr: "127.0.0.1:3000".parse().expect("addr"),
            public_base_url: "https://pay.example.fr".into(),
            log_json: false,
            payments: crate::server::payments::PaymentConfig::simulated("whsec_x"),
        };
        let shown = format!("{c:?}");
        assert!(!shown.contains("s3cret"), "{shown}");
        assert!(c.secure_cookies());
    }
}
