//! The database: SQLite (default, a file in the data directory) or PostgreSQL, through sqlx's
//! `Any` driver with one set of migrations and queries for both. A batch of events and the
//! checkpoint that covers it are written in one transaction: a crash leaves either both or
//! neither.

use sqlx::{AnyPool, Row, any::AnyPoolOptions};

/// One event row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// Block number.
    pub block_number: u64,
    /// Position in the block.
    pub log_index: u64,
    /// Block hash.
    pub block_hash: String,
    /// Transaction hash.
    pub tx_hash: String,
    /// Emitting contract address.
    pub address: String,
    /// Manifest name of the contract.
    pub contract: String,
    /// Event name.
    pub event: String,
    /// Decoded arguments (JSON).
    pub args: String,
}

/// The last indexed block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// Its number.
    pub number: u64,
    /// Its hash, to detect a reorg that replaced it.
    pub hash: String,
}

/// The indexer's database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
}

fn n(v: u64) -> i64 {
    i64::try_from(v).expect("block numbers and log indices fit in i64")
}

impl Store {
    /// Connects (creating a SQLite file if needed) and applies the migrations.
    pub async fn connect(url: &str) -> Result<Self, sqlx::Error> {
        sqlx::any::install_default_drivers();
        let url = if url.starts_with("sqlite:") && !url.contains("mode=") {
            format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
        } else {
            url.to_owned()
        };
        // SQLite allows one writer: a single connection avoids lock contention.
        let max = if url.starts_with("sqlite:") { 1 } else { 4 };
        let pool = AnyPoolOptions::new().max_connections(max).connect(&url).await?;
        sqlx::migrate!("./migrations").run(&pool).await?;
        Ok(Self { pool })
    }

    /// The checkpoint, if anything was indexed.
    pub async fn checkpoint(&self) -> Result<Option<Checkpoint>, sqlx::Error> {
        let row = sqlx::query("SELECT block_number, block_hash FROM checkpoint WHERE id = 1")
            .fetch_optional(&self.pool)
            .await?;
        Ok(row.map(|r| Checkpoint { number: r.get::<i64, _>(0) as u64, hash: r.get(1) }))
    }

    /// Writes `events` and moves the checkpoint to `checkpoint`, atomically.
    pub async fn commit(&self, events: &[EventRow], checkpoint: &Checkpoint) -> Result<(), sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        for e in events {
            sqlx::query(
                "INSERT INTO events (block_number, log_index, block_hash, tx_hash, address, contract, event, args) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(n(e.block_number))
            .bind(n(e.log_index))
            .bind(&e.block_hash)
            .bind(&e.tx_hash)
            .bind(&e.address)
            .bind(&e.contract)
            .bind(&e.event)
            .bind(&e.args)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query("DELETE FROM checkpoint").execute(&mut *tx).await?;
        sqlx::query("INSERT INTO checkpoint (id, block_number, block_hash) VALUES (1, $1, $2)")
            .bind(n(checkpoint.number))
            .bind(&checkpoint.hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    }

    /// Removes everything above block `keep` (a reorg) and sets the checkpoint there, atomically.
    pub async fn rewind(&self, keep: &Checkpoint) -> Result<u64, sqlx::Error> {
        let mut tx = self.pool.begin().await?;
        let deleted = sqlx::query("DELETE FROM events WHERE block_number > $1")
            .bind(n(keep.number))
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM checkpoint").execute(&mut *tx).await?;
        sqlx::query("INSERT INTO checkpoint (id, block_number, block_hash) VALUES (1, $1, $2)")
            .bind(n(keep.number))
            .bind(&keep.hash)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(deleted.rows_affected())
    }

    /// Number of events, optionally of one contract.
    pub async fn count(&self, contract: Option<&str>) -> Result<u64, sqlx::Error> {
        let row = match contract {
            Some(c) => {
                sqlx::query("SELECT COUNT(*) FROM events WHERE contract = $1")
                    .bind(c)
                    .fetch_one(&self.pool)
                    .await?
            }
            None => sqlx::query("SELECT COUNT(*) FROM events").fetch_one(&self.pool).await?,
        };
        Ok(row.get::<i64, _>(0) as u64)
    }

    /// All events in chain order (for comparisons and the API).
    pub async fn events(&self) -> Result<Vec<EventRow>, sqlx::Error> {
        let rows = sqlx::query(
            "SELECT block_number, log_index, block_hash, tx_hash, address, contract, event, args \
             FROM events ORDER BY block_number, log_index",
        )
        .fetch_all(&self.pool)
        .await?;
        Ok(rows
            .into_iter()
            .map(|r| EventRow {
                block_number: r.get::<i64, _>(0) as u64,
                log_index: r.get::<i64, _>(1) as u64,
                block_hash: r.get(2),
                tx_hash: r.get(3),
                address: r.get(4),
                contract: r.get(5),
                event: r.get(6),
                args: r.get(7),
            })
            .collect())
    }
}
