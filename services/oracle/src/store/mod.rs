//! The node's own database: the jobs it saw and ran, the normalized records they produced, the
//! answers it collected from its peers, the block it has scanned to, and its outbox of
//! transactions. SQLite by default (a file in the data directory), PostgreSQL by URL, through
//! sqlx's `Any` driver with one set of migrations and queries for both.
//!
//! The store is what makes the node restartable: a job is recorded before it runs and its state
//! moves forward in single statements, and a transaction is recorded (signed, with its nonce)
//! before it is broadcast, so a node killed at any point resumes where it was and never signs
//! a second transaction for the same purpose. SQLite runs with `synchronous = FULL` for that
//! reason: a row the node acted on must survive a power cut.

pub mod jobs;
pub mod outbox;

use sqlx::{AnyPool, any::AnyPoolOptions};
use std::time::Duration;

/// Why the store failed. Messages carry the URL without its password.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be opened.
    #[error("cannot open the database {url}: {source}")]
    Open {
        /// The URL, without its password.
        url: String,
        /// Why.
        source: sqlx::Error,
    },
    /// The migrations failed.
    #[error("cannot migrate the database {url}: {source}")]
    Migrate {
        /// The URL, without its password.
        url: String,
        /// Why.
        source: sqlx::migrate::MigrateError,
    },
    /// A query failed.
    #[error("database error while {during}: {source}")]
    Db {
        /// What the store was doing.
        during: String,
        /// Why.
        source: sqlx::Error,
    },
    /// A stored value does not parse.
    #[error("corrupt row: {0}")]
    Corrupt(String),
}

/// Names what the store was doing when the database failed.
pub(crate) trait During<T> {
    fn during(self, what: &str) -> Result<T, StoreError>;
}

impl<T> During<T> for Result<T, sqlx::Error> {
    fn during(self, what: &str) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::Db { during: what.to_owned(), source })
    }
}

/// `url` without its password, for messages and logs.
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

/// The node's database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    postgres: bool,
}

impl Store {
    /// Connects (creating a SQLite file if needed) and applies the migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        sqlx::any::install_default_drivers();
        let postgres = url.starts_with("postgres:") || url.starts_with("postgresql:");
        let url = if url.starts_with("sqlite:") && !url.contains("mode=") {
            format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
        } else {
            url.to_owned()
        };
        let pool = AnyPoolOptions::new()
            .max_connections(if postgres { 8 } else { 4 })
            .acquire_timeout(Duration::from_secs(5))
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if !postgres {
                        // WAL: the API reads while the node writes; FULL: a committed row (a job
                        // state, a signed transaction about to be broadcast) survives a crash.
                        for pragma in [
                            "PRAGMA journal_mode = WAL",
                            "PRAGMA synchronous = FULL",
                            "PRAGMA busy_timeout = 10000",
                        ] {
                            sqlx::query(pragma).execute(&mut *conn).await?;
                        }
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .map_err(|source| StoreError::Open { url: redacted(&url), source })?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(|source| StoreError::Migrate { url: redacted(&url), source })?;
        Ok(Self { pool, postgres })
    }

    /// Whether this is PostgreSQL (otherwise SQLite).
    pub const fn is_postgres(&self) -> bool {
        self.postgres
    }

    /// The connection pool (the store's modules query through it).
    pub(crate) const fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await.during("ping")?;
        Ok(())
    }
}

/// Unix seconds now.
pub(crate) fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}
