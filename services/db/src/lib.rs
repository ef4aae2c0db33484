#![doc = include_str!("../README.md")]

use sqlx::{AnyPool, any::AnyPoolOptions, migrate::Migrator};
use std::time::Duration;

/// How long a query waits for a free connection.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// What a committed SQLite transaction survives (PostgreSQL: its server's settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// `synchronous = NORMAL`: durable at each WAL checkpoint; after a power cut the database is
    /// consistent but may lack the last transactions.
    Normal,
    /// `synchronous = FULL`: every committed transaction survives a power cut.
    Full,
}

impl Durability {
    const fn pragma(self) -> &'static str {
        match self {
            Self::Normal => "PRAGMA synchronous = NORMAL",
            Self::Full => "PRAGMA synchronous = FULL",
        }
    }
}

/// An open database.
#[derive(Debug, Clone)]
pub struct Database {
    /// The connection pool.
    pub pool: AnyPool,
    /// Whether it is PostgreSQL (otherwise SQLite).
    pub postgres: bool,
}

/// Why a database could not be opened; the URL is [`redacted`].
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// The database cannot be reached or created.
    #[error("cannot open the database {url}: {source}")]
    Open {
        /// Its URL, without a password.
        url: String,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// A migration failed.
    #[error("cannot migrate the database {url}: {source}")]
    Migrate {
        /// Its URL, without a password.
        url: String,
        /// The migrator's error.
        source: sqlx::migrate::MigrateError,
    },
}

/// Opens the database at `url` (`sqlite://path`, created when missing, or `postgres://…`) and
/// applies `migrations` (the caller's `sqlx::migrate!()`).
pub async fn open(url: &str, durability: Durability, migrations: &Migrator) -> Result<Database, OpenError> {
    let database =
        connect(url, durability).await.map_err(|source| OpenError::Open { url: redacted(url), source })?;
    migrations
        .run(&database.pool)
        .await
        .map_err(|source| OpenError::Migrate { url: redacted(url), source })?;
    Ok(database)
}

/// The pool of [`open`], before the migrations.
async fn connect(url: &str, durability: Durability) -> Result<Database, sqlx::Error> {
    sqlx::any::install_default_drivers();
    let postgres = url.starts_with("postgres:") || url.starts_with("postgresql:");
    let url = if url.starts_with("sqlite:") && !url.contains("mode=") {
        format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
    } else {
        url.to_owned()
    };
    // SQLite allows one writer; readers use their own connections in WAL mode.
    let pool = AnyPoolOptions::new()
        .max_connections(if postgres { 8 } else { 4 })
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .after_connect(move |conn, _| {
            Box::pin(async move {
                if !postgres {
                    for pragma in
                        ["PRAGMA journal_mode = WAL", durability.pragma(), "PRAGMA busy_timeout = 10000"]
                    {
                        sqlx::query(pragma).execute(&mut *conn).await?;
                    }
                }
                Ok(())
            })
        })
        .connect(&url)
        .await?;
    Ok(Database { pool, postgres })
}

/// `url` with its password, if any, replaced by `***`.
pub fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) if parsed.password().is_some() => {
            let _ = parsed.set_password(Some("***"));
            parsed.to_string()
        }
        _ => url.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::Row;

    #[test]
    fn passwords_are_redacted_and_nothing_else() {
        assert_eq!(redacted("postgres://indexer:secret@db:5432/masa"), "postgres://indexer:***@db:5432/masa");
        assert_eq!(redacted("sqlite://.masa-indexer/indexer.db"), "sqlite://.masa-indexer/indexer.db");
        assert_eq!(redacted("not a url"), "not a url");
    }

    #[tokio::test]
    async fn sqlite_files_are_created_in_wal_mode_with_the_durability_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        for (durability, synchronous) in [(Durability::Normal, 1), (Durability::Full, 2)] {
            let url = format!("sqlite://{}/{durability:?}.db", dir.path().display());
            let db = connect(&url, durability).await.unwrap();
            assert!(!db.postgres);
            let mode: String = sqlx::query("PRAGMA journal_mode").fetch_one(&db.pool).await.unwrap().get(0);
            assert_eq!(mode, "wal");
            let sync: i64 = sqlx::query("PRAGMA synchronous").fetch_one(&db.pool).await.unwrap().get(0);
            assert_eq!(sync, synchronous, "{durability:?}");
        }
        assert!(dir.path().join("Full.db").exists());
    }
}
