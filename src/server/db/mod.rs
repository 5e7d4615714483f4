//! All SQL lives under this folder. One query path serves both backends through
//! sqlx's `Any` driver: queries use `$1` placeholders (SQLite reads them as
//! numbered parameters) and only types both backends share (see migrations/README.md).
pub mod account_tokens;
pub mod audit;
pub mod backup;
pub mod company;
pub mod customers;
pub mod dashboard;
pub mod dispute_attachments;
pub mod disputes;
pub mod ereporting;
pub mod exports;
mod group;
pub mod group_payments;
pub mod invoices;
pub mod lifecycle;
pub mod listing;
pub mod login_attempts;
pub mod numbering;
pub mod outbox;
pub mod pay_links;
pub mod payments;
pub mod provider_facts;
pub mod reminders;
pub mod seed;
pub mod statements;
pub mod users;

use sqlx::AnyPool;
use sqlx::any::AnyPoolOptions;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The application's connection pool and which backend it talks to.
#[derive(Debug, Clone)]
pub struct Db {
    pub pool: AnyPool,
    pub backend: Backend,
    group: std::sync::Arc<group::Group>,
    probe: std::sync::Arc<Probe>,
}

/// The health probe's own connection, apart from the pool (see [`Db::is_healthy`]).
struct Probe {
    url: String,
    conn: tokio::sync::Mutex<Option<sqlx::AnyConnection>>,
}

impl std::fmt::Debug for Probe {
    // The URL may carry a password: never printed.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Probe")
    }
}

/// Why the database could not be opened or migrated.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("DATABASE_URL must start with sqlite: or postgres:// (got {0})")]
    UnsupportedUrl(String),
    #[error("could not create the database folder {0}: {1}")]
    Folder(String, std::io::Error),
    #[error("could not connect to the database: {0}")]
    Connect(#[from] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

/// Which backend a URL names.
pub fn backend_of(url: &str) -> Result<Backend, DbError> {
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        Ok(Backend::Postgres)
    } else if url.starts_with("sqlite:") {
        Ok(Backend::Sqlite)
    } else {
        Err(DbError::UnsupportedUrl(crate::server::config::redact_url(
            url,
        )))
    }
}

/// Makes sure the folder of a SQLite file exists and asks SQLite to create the file.
fn prepare_sqlite_url(url: &str) -> Result<String, DbError> {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or("");
    let parent = std::path::Path::new(path).parent();
    if let Some(parent) = parent.filter(|p| !p.as_os_str().is_empty() && path != ":memory:") {
        std::fs::create_dir_all(parent)
            .map_err(|e| DbError::Folder(parent.display().to_string(), e))?;
    }
    Ok(if url.contains("mode=") {
        url.to_string()
    } else if url.contains('?') {
        format!("{url}&mode=rwc")
    } else {
        format!("{url}?mode=rwc")
    })
}

impl Db {
    /// Opens the pool; for SQLite, creates the file and switches it to WAL.
    pub async fn connect(url: &str) -> Result<Db, DbError> {
        Self::connect_with(url, Duration::from_secs(5)).await
    }

    /// [`Db::connect`] with how long a caller waits for a connection before
    /// failing (`Config::db_acquire_timeout`).
    pub async fn connect_with(url: &str, acquire_timeout: Duration) -> Result<Db, DbError> {
        sqlx::any::install_default_drivers();
        let backend = backend_of(url)?;
        let url = match backend {
            Backend::Sqlite => prepare_sqlite_url(url)?,
            Backend::Postgres => url.to_string(),
        };
        let pool = AnyPoolOptions::new()
            .max_connections(if backend == Backend::Sqlite { 8 } else { 16 })
            .acquire_timeout(acquire_timeout)
            .connect(&url)
            .await?;
        if backend == Backend::Sqlite {
            // WAL lets readers proceed while one writer commits; it is persistent in the file.
            sqlx::query("PRAGMA journal_mode=WAL")
                .execute(&pool)
                .await?;
        }
        Ok(Db {
            pool,
            backend,
            group: Default::default(),
            probe: std::sync::Arc::new(Probe {
                url,
                conn: Default::default(),
            }),
        })
    }

    /// Runs the embedded migrations of this backend.
    pub async fn migrate(&self) -> Result<(), DbError> {
        match self.backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&self.pool).await?,
            Backend::Postgres => {
                sqlx::migrate!("migrations/postgres")
                    .run(&self.pool)
                    .await?
            }
        }
        Ok(())
    }

    /// Starts a transaction that will write. On SQLite it takes the write lock at
    /// once (`BEGIN IMMEDIATE`), so concurrent writers queue on the busy timeout
    /// instead of failing when a read snapshot cannot be upgraded.
    pub async fn begin_write(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await,
            Backend::Postgres => self.pool.begin().await,
        }
    }

    /// Starts a transaction that changes what an invoice has received (payments,
    /// refunds, credits). They are serialized: on SQLite by the write lock, on
    /// PostgreSQL by one transaction-scoped advisory lock (webhooks hold it
    /// shared and lock their payment and invoice: see [`Db::in_money_group`]),
    /// so a balance is always recomputed from facts no concurrent writer is
    /// still changing.
    pub async fn begin_money(&self) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        if self.backend == Backend::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(4270001)")
                .execute(&mut *tx)
                .await?;
        }
        Ok(tx)
    }

    /// Runs one webhook's unit of money work and returns once it has
    /// committed; a unit that returns `false` changes nothing.
    ///
    /// On SQLite, where every commit is a disk flush under the one write
    /// lock, the unit shares a transaction with the units other tasks submit
    /// meanwhile, each in its own savepoint: one commit serves the group. An
    /// error beginning or committing it is every unit's error (then none of
    /// them happened).
    ///
    /// On PostgreSQL each unit has its own transaction holding the money lock
    /// in shared mode: webhooks run side by side (their commits flush
    /// together), each taking [`lock_payment_ref`] and [`lock_invoice`]
    /// before it reads what it changes, while the other money paths
    /// ([`Db::begin_money`], exclusive) still run alone.
    pub async fn in_money_group(&self, unit: group::Unit) -> Result<(), sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self.group.run(self, unit).await,
            Backend::Postgres => {
                let mut tx = self.begin_write().await?;
                sqlx::query("SELECT pg_advisory_xact_lock_shared(4270001)")
                    .execute(&mut *tx)
                    .await?;
                let mut unit = unit;
                if unit(&mut tx).await {
                    tx.commit().await
                } else {
                    tx.rollback().await
                }
            }
        }
    }

    /// Whether the database answers a trivial query within two seconds, asked
    /// on a connection of the probe's own: a pool busy serving pages is not a
    /// database that is down (waiting for a pooled connection under load took
    /// longer than the bound, and the whole site answered 503). A connection
    /// that failed is dropped and the next probe opens a new one. A closed
    /// pool (the app stopping) is down.
    pub async fn is_healthy(&self) -> bool {
        use sqlx::Connection;
        if self.pool.is_closed() {
            return false;
        }
        let mut conn = self.probe.conn.lock().await;
        let ask = async {
            if conn.is_none() {
                *conn = Some(sqlx::AnyConnection::connect(&self.probe.url).await?);
            }
            match conn.as_mut() {
                Some(c) => sqlx::query("SELECT 1").execute(c).await.map(|_| ()),
                None => Err(sqlx::Error::PoolClosed),
            }
        };
        let up = matches!(
            tokio::time::timeout(Duration::from_secs(2), ask).await,
            Ok(Ok(()))
        );
        if !up {
            *conn = None;
        }
        up
    }
}

/// Inside a webhook's unit (see [`Db::in_money_group`]), waits until no other
/// webhook transaction is changing facts of this provider payment (a refund
/// or chargeback may arrive before its payment). Nothing to do on SQLite,
/// where money transactions run one at a time.
pub async fn lock_payment_ref(
    conn: &mut sqlx::AnyConnection,
    payment_ref: &str,
) -> Result<(), sqlx::Error> {
    if conn.backend_name() == "PostgreSQL" {
        sqlx::query("SELECT pg_advisory_xact_lock(4270002, hashtext($1))")
            .bind(payment_ref)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Like [`lock_payment_ref`], for the invoice whose money the unit is about
/// to recompute; taken after the payment's lock, never before.
pub async fn lock_invoice(
    conn: &mut sqlx::AnyConnection,
    invoice_id: i64,
) -> Result<(), sqlx::Error> {
    if conn.backend_name() == "PostgreSQL" {
        sqlx::query("SELECT pg_advisory_xact_lock(4270003, CAST($1 % 2147483647 AS INTEGER))")
            .bind(invoice_id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Unix seconds now; instants are stored this way on both backends.
pub fn now_ts() -> i64 {
    chrono::Utc::now().timestamp()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backend_is_chosen_from_the_url_scheme() {
        assert_eq!(backend_of("sqlite://data/q.db").ok(), Some(Backend::Sqlite));
        assert_eq!(
            backend_of("postgres://u@h/db").ok(),
            Some(Backend::Postgres)
        );
        assert!(backend_of("mysql://u@h/db").is_err());
    }

    #[test]
    fn both_backends_have_the_same_migrations() {
        let names = |dir: &str| {
            let mut v: Vec<String> = std::fs::read_dir(dir)
                .expect("migrations folder")
                .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
                .collect();
            v.sort();
            v
        };
        assert_eq!(names("migrations/sqlite"), names("migrations/postgres"));
    }
}
