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

use sqlx::AnyPool;

/// Why the store failed. Messages carry the URL without its password.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database cannot be opened or migrated.
    #[error(transparent)]
    Open(#[from] masa_db::OpenError),
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

pub use masa_db::redacted;

/// The node's database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    postgres: bool,
}

impl Store {
    /// Connects (creating a SQLite file if needed) and applies the migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        // FULL: a committed row (a job state, a signed transaction about to be broadcast)
        // survives a crash
        let masa_db::Database { pool, postgres } =
            masa_db::open(url, masa_db::Durability::Full, &sqlx::migrate!("./migrations")).await?;
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
