//! The database: SQLite (default, a file in the data directory) or PostgreSQL, through sqlx's
//! `Any` driver with one set of migrations and queries for both.
//!
//! A batch (events, their derived changes, the unfinalised block hashes it covers and the new
//! checkpoint) is written in one transaction, and a reorg rewind (derived state undone, rows,
//! events and block hashes above the common ancestor removed, checkpoint moved back) is another:
//! a crash leaves either all of it or none.

pub mod oracle;
pub mod query;
mod sql;

pub use oracle::{OracleNodeFilter, OracleRequestFilter, RequestStatus};
pub use query::{EventFilter, EventPage, PassFilter, PoolFilter};

use crate::{
    derive::{self, Changes, Context, DeriveError},
    events::SuiteEvent,
};
use alloy::primitives::{Address, I256, LogData, U256};
use masa_bindings::Contract;

/// Parses a uint256 kept as decimal text.
pub(crate) fn parse_amount(text: &str) -> Result<U256, StoreError> {
    text.parse().map_err(|_| StoreError::Corrupt(format!("amount `{text}`")))
}
use sqlx::{AnyPool, AssertSqlSafe, Row};

/// Names what the store was doing when the database failed.
trait During<T> {
    fn during(self, what: &'static str) -> Result<T, StoreError>;
    fn during_with(self, what: impl FnOnce() -> String) -> Result<T, StoreError>;
}

impl<T> During<T> for Result<T, sqlx::Error> {
    fn during(self, what: &'static str) -> Result<T, StoreError> {
        self.during_with(|| what.to_owned())
    }

    fn during_with(self, what: impl FnOnce() -> String) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::Db { during: what(), source })
    }
}

/// Store errors.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database failed.
    #[error("database, {during}: {source}")]
    Db {
        /// What the store was doing.
        during: String,
        /// The driver's error.
        source: sqlx::Error,
    },
    /// The database cannot be opened or migrated.
    #[error(transparent)]
    Open(#[from] masa_db::OpenError),
    /// A stored event's arguments do not fit the derived tables (a rewind re-derives it).
    #[error(transparent)]
    Derive(#[from] DeriveError),
    /// A stored value does not parse back.
    #[error("corrupt stored value: {0}")]
    Corrupt(String),
    /// A reorg would rewind an event indexed before raw logs were kept, which the RPC could not
    /// provide either.
    #[error(
        "a reorg rewinds event {block_number}:{log_index}, indexed before raw logs were kept \
         (migration 0008) and no longer served by the RPC: its derived state cannot be undone; \
         re-index from scratch (an empty database)"
    )]
    NoRawLog {
        /// Its block.
        block_number: u64,
        /// Its index in the block.
        log_index: u64,
    },
    /// A derived amount would become negative: the index is inconsistent.
    #[error("inconsistent derived state: {table}.{column} for {key} would be {value}")]
    Inconsistent {
        /// Table.
        table: &'static str,
        /// Column.
        column: &'static str,
        /// Key values.
        key: String,
        /// The impossible value.
        value: I256,
    },
}

/// One event row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventRow {
    /// Block number.
    pub block_number: u64,
    /// Position in the block.
    pub log_index: u64,
    /// Block timestamp (seconds).
    pub block_time: u64,
    /// Block hash.
    pub block_hash: String,
    /// Transaction hash.
    pub tx_hash: String,
    /// Emitting contract address (checksummed).
    pub address: String,
    /// Manifest name of the contract.
    pub contract: String,
    /// Event name.
    pub event: String,
    /// Decoded arguments (JSON), for the API.
    pub args: String,
    /// The log as emitted (topics and data), which the derive layer decodes; `None` for an
    /// event indexed before raw logs were kept (migration 0008).
    pub log: Option<LogData>,
}

/// A block: the checkpoint, or one of the unfinalised window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BlockRow {
    /// Its number.
    pub number: u64,
    /// Its hash.
    pub hash: String,
    /// Its parent's hash.
    pub parent_hash: String,
}

/// What one transaction writes.
#[derive(Debug, Default)]
pub struct Batch {
    /// Events, in chain order.
    pub events: Vec<EventRow>,
    /// Their derived changes.
    pub changes: Changes,
    /// Block hashes of the unfinalised window that the batch covers (checkpoint included).
    pub blocks: Vec<BlockRow>,
    /// The new checkpoint: the last block covered.
    pub checkpoint: Option<BlockRow>,
    /// Block hashes below this number are final and dropped.
    pub prune_below: u64,
}

/// The indexer's database.
#[derive(Debug, Clone)]
pub struct Store {
    pool: AnyPool,
    postgres: bool,
}

pub(crate) fn n(v: u64) -> i64 {
    i64::try_from(v).expect("block numbers, times and log indices fit in i64")
}

pub(crate) fn u(v: i64) -> u64 {
    u64::try_from(v).expect("stored numbers are non-negative")
}

/// The cursor of the page after `rows`: `key` of its last row when the page is full (`limit`
/// rows), none when it is the last page.
pub(crate) fn next_cursor<T>(rows: &[T], limit: u32, key: impl FnOnce(&T) -> String) -> Option<String> {
    if rows.len() == limit as usize { rows.last().map(key) } else { None }
}

/// A stored event, decoded again from its raw log for the derive layer.
struct Stored {
    contract: Contract,
    address: Address,
    event: Option<SuiteEvent>,
    row: EventRow,
}

impl Stored {
    /// Decodes a row of [`sql::EVENT_COLUMNS`]. An event without its raw log (indexed before
    /// migration 0008) is [`StoreError::NoRawLog`].
    fn decode(row: &sqlx::any::AnyRow) -> Result<Self, StoreError> {
        let e = sql::event_row(row)?;
        let at = || format!("event {}:{}", e.block_number, e.log_index);
        let contract: Contract =
            e.contract.parse().map_err(|_| StoreError::Corrupt(format!("contract of {}", at())))?;
        let address: Address =
            e.address.parse().map_err(|_| StoreError::Corrupt(format!("address of {}", at())))?;
        let log = e
            .log
            .as_ref()
            .ok_or(StoreError::NoRawLog { block_number: e.block_number, log_index: e.log_index })?;
        // as when it was indexed: the stored name, and the event if the log decodes
        let event = SuiteEvent::decode(contract, log).ok();
        Ok(Self { contract, address, event, row: e })
    }

    fn event(&self) -> derive::Event<'_> {
        let e = &self.row;
        derive::Event {
            contract: self.contract,
            address: self.address,
            name: &e.event,
            event: self.event.as_ref(),
            block_number: e.block_number,
            block_time: e.block_time,
            log_index: e.log_index,
            tx_hash: &e.tx_hash,
        }
    }
}

impl Store {
    /// Connects (creating a SQLite file if needed) and applies the migrations.
    pub async fn connect(url: &str) -> Result<Self, StoreError> {
        // NORMAL: durable at each checkpoint of the WAL, consistent after a crash (atomic
        // transactions); a lost tail is indexed again from the chain
        let masa_db::Database { pool, postgres } =
            masa_db::open(url, masa_db::Durability::Normal, &sqlx::migrate!("./migrations")).await?;
        Ok(Self { pool, postgres })
    }

    /// Whether this is PostgreSQL (otherwise SQLite).
    pub fn is_postgres(&self) -> bool {
        self.postgres
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1").execute(&self.pool).await.during("ping")?;
        Ok(())
    }

    /// The checkpoint, if anything was indexed.
    pub async fn checkpoint(&self) -> Result<Option<BlockRow>, StoreError> {
        let row = sqlx::query(
            "SELECT c.block_number, c.block_hash, COALESCE(b.parent_hash, '') FROM checkpoint c \
             LEFT JOIN blocks b ON b.block_number = c.block_number WHERE c.id = 1",
        )
        .fetch_optional(&self.pool)
        .await
        .during("reading the checkpoint")?;
        Ok(row.map(|r| BlockRow { number: u(r.get(0)), hash: r.get(1), parent_hash: r.get(2) }))
    }

    /// The stored block hashes, newest first (the unfinalised window and the checkpoint).
    pub async fn blocks(&self) -> Result<Vec<BlockRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT block_number, block_hash, parent_hash FROM blocks ORDER BY block_number DESC",
        )
        .fetch_all(&self.pool)
        .await
        .during("reading the stored block hashes")?;
        Ok(rows
            .iter()
            .map(|r| BlockRow { number: u(r.get(0)), hash: r.get(1), parent_hash: r.get(2) })
            .collect())
    }

    /// The blocks of the unfinalised window (the stored block hashes) holding events whose raw
    /// log was not kept (indexed before migration 0008), oldest first: the events a reorg could
    /// still rewind, and whose raw logs a rewind needs.
    pub async fn blocks_missing_raw_logs(&self) -> Result<Vec<BlockRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT DISTINCT block_number, block_hash FROM events WHERE topics IS NULL \
             AND block_number >= (SELECT MIN(block_number) FROM blocks) ORDER BY block_number",
        )
        .fetch_all(&self.pool)
        .await
        .during("finding events without raw logs")?;
        Ok(rows
            .iter()
            .map(|r| BlockRow { number: u(r.get(0)), hash: r.get(1), parent_hash: String::new() })
            .collect())
    }

    /// Fills in the raw logs of events that have none: `(block number, log index, log)`, each
    /// fetched by the hash of the block the event was indexed in. Returns the events filled.
    pub async fn fill_raw_logs(&self, logs: &[(u64, u64, LogData)]) -> Result<u64, StoreError> {
        let mut tx = self.pool.begin().await.during("filling in raw logs")?;
        let mut filled = 0;
        for (block_number, log_index, log) in logs {
            filled += sqlx::query(
                "UPDATE events SET topics = $1, data = $2 \
                 WHERE block_number = $3 AND log_index = $4 AND topics IS NULL",
            )
            .bind(sql::topics_bytes(log))
            .bind(&log.data[..])
            .bind(n(*block_number))
            .bind(n(*log_index))
            .execute(&mut *tx)
            .await
            .during("filling in raw logs")?
            .rows_affected();
        }
        tx.commit().await.during("filling in raw logs")?;
        Ok(filled)
    }

    /// Writes a batch atomically.
    pub async fn commit(&self, batch: &Batch) -> Result<(), StoreError> {
        let writing = || match &batch.checkpoint {
            Some(c) => format!("writing the batch up to block {}", c.number),
            None => "writing a batch".to_owned(),
        };
        let mut tx = self.pool.begin().await.during_with(writing)?;
        let rows =
            if self.postgres { sql::EVENTS_PER_INSERT_POSTGRES } else { sql::EVENTS_PER_INSERT_SQLITE };
        sql::insert_events(&mut tx, &batch.events, rows).await?;
        sql::apply(&mut tx, &batch.changes).await?;
        for block in &batch.blocks {
            sql::put_block(&mut tx, block).await?;
        }
        if let Some(checkpoint) = &batch.checkpoint {
            sql::set_checkpoint(&mut tx, checkpoint).await?;
        }
        sqlx::query("DELETE FROM blocks WHERE block_number < $1")
            .bind(n(batch.prune_below))
            .execute(&mut *tx)
            .await
            .during_with(writing)?;
        tx.commit().await.during_with(writing)?;
        Ok(())
    }

    /// Removes everything above `ancestor` (a reorg: events, their derived state, rows and
    /// block hashes) and moves the checkpoint there, atomically. Returns the events removed.
    pub async fn rewind(&self, ancestor: &BlockRow, ctx: &Context) -> Result<u64, StoreError> {
        let rewinding = || format!("rewinding to block {}", ancestor.number);
        let mut tx = self.pool.begin().await.during_with(rewinding)?;
        let above = n(ancestor.number);
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {} FROM events WHERE block_number > $1 ORDER BY block_number, log_index",
            sql::EVENT_COLUMNS
        )))
        .bind(above)
        .fetch_all(&mut *tx)
        .await
        .during_with(rewinding)?;
        let removed = rows.iter().map(Stored::decode).collect::<Result<Vec<_>, _>>()?;
        let changes = Changes::of(removed.iter().map(Stored::event), ctx)?;
        let mut undo = changes.negated();
        undo.compact();
        sql::apply(&mut tx, &undo).await?;
        for table in derive::ROW_TABLES {
            sqlx::query(AssertSqlSafe(format!("DELETE FROM {table} WHERE block_number > $1")))
                .bind(above)
                .execute(&mut *tx)
                .await
                .during_with(rewinding)?;
        }
        let deleted = sqlx::query("DELETE FROM events WHERE block_number > $1")
            .bind(above)
            .execute(&mut *tx)
            .await
            .during_with(rewinding)?;
        sqlx::query("DELETE FROM blocks WHERE block_number > $1")
            .bind(above)
            .execute(&mut *tx)
            .await
            .during_with(rewinding)?;
        sql::put_block(&mut tx, ancestor).await?;
        sql::set_checkpoint(&mut tx, ancestor).await?;
        tx.commit().await.during_with(rewinding)?;
        Ok(deleted.rows_affected())
    }

    /// Derives the tables of the families a migration listed in `derive_backlog` (families added
    /// after their contract's events were already indexed: [`derive::Backlog`]) from the events
    /// the index already holds, and removes them from the list: each family in one transaction.
    /// Returns the events derived from.
    pub async fn derive_backlog(&self, ctx: &Context) -> Result<u64, StoreError> {
        let pending: Vec<String> = sqlx::query("SELECT family FROM derive_backlog ORDER BY family")
            .fetch_all(&self.pool)
            .await
            .during("reading the families to derive")?
            .iter()
            .map(|r| r.get(0))
            .collect();
        let mut derived = 0;
        for name in pending {
            let backlog = derive::BACKLOG.iter().find(|b| b.family == name).ok_or_else(|| {
                StoreError::Corrupt(format!(
                    "derive_backlog lists `{name}`, a family this indexer does not have"
                ))
            })?;
            let contracts: Vec<&str> = backlog.contracts.iter().map(|c| c.name()).collect();
            let what =
                || format!("deriving the {name} tables from the stored {} events", contracts.join(", "));
            let mut tx = self.pool.begin().await.during_with(what)?;
            let placeholders: Vec<String> = (1..=contracts.len()).map(|i| format!("${i}")).collect();
            let select = format!(
                "SELECT {} FROM events WHERE contract IN ({}) ORDER BY block_number, log_index",
                sql::EVENT_COLUMNS,
                placeholders.join(", ")
            );
            let mut query = sqlx::query(AssertSqlSafe(select));
            for contract in &contracts {
                query = query.bind(*contract);
            }
            let rows = query.fetch_all(&mut *tx).await.during_with(what)?;
            let stored = rows.iter().map(Stored::decode).collect::<Result<Vec<_>, _>>()?;
            let mut changes = Changes::of_family(backlog, stored.iter().map(Stored::event), ctx)?;
            changes.compact();
            sql::apply(&mut tx, &changes).await?;
            sqlx::query("DELETE FROM derive_backlog WHERE family = $1")
                .bind(name.as_str())
                .execute(&mut *tx)
                .await
                .during_with(what)?;
            tx.commit().await.during_with(what)?;
            if !stored.is_empty() {
                tracing::info!(family = %name, events = stored.len(), "derived from the events already indexed");
            }
            derived += stored.len() as u64;
        }
        Ok(derived)
    }

    /// Number of events, optionally of one contract.
    pub async fn count(&self, contract: Option<&str>) -> Result<u64, StoreError> {
        let row = match contract {
            Some(c) => sqlx::query("SELECT COUNT(*) FROM events WHERE contract = $1")
                .bind(c)
                .fetch_one(&self.pool)
                .await
                .during("counting events")?,
            None => sqlx::query("SELECT COUNT(*) FROM events")
                .fetch_one(&self.pool)
                .await
                .during("counting events")?,
        };
        Ok(u(row.get(0)))
    }

    /// All events in chain order.
    pub async fn events(&self) -> Result<Vec<EventRow>, StoreError> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT {} FROM events ORDER BY block_number, log_index",
            sql::EVENT_COLUMNS
        )))
        .fetch_all(&self.pool)
        .await
        .during("reading events")?;
        rows.iter().map(sql::event_row).collect()
    }

    /// Every derived table, row by row as text, in key order: to compare two indexes. A row
    /// whose values are all zero reads like an absent one (a counter that went up and back down
    /// keeps its row; an index that never saw those events has none), so such rows are left out.
    pub async fn derived_state(&self) -> Result<Vec<(String, Vec<String>)>, StoreError> {
        let mut out = Vec::new();
        for (table, keys) in sql::DERIVED_TABLES {
            // every key column, so rows with equal leading keys come back in one order on both backends
            let order = (1..=*keys).map(|i| i.to_string()).collect::<Vec<_>>().join(", ");
            let rows = sqlx::query(AssertSqlSafe(format!("SELECT * FROM {table} ORDER BY {order}")))
                .fetch_all(&self.pool)
                .await
                .during_with(|| format!("reading {table}"))?;
            for row in rows {
                let cells: Vec<String> = (0..row.len())
                    .map(|i| {
                        row.try_get::<String, _>(i)
                            .or_else(|_| row.try_get::<i64, _>(i).map(|v| v.to_string()))
                            .unwrap_or_default()
                    })
                    .collect();
                if cells[*keys..].iter().all(|v| v == "0") {
                    continue;
                }
                out.push(((*table).to_owned(), cells));
            }
        }
        Ok(out)
    }

    pub(crate) fn db(&self) -> &AnyPool {
        &self.pool
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_database_that_cannot_be_opened_is_named_without_its_password() {
        let err = Store::connect("postgres://indexer:secret@127.0.0.1:1/masa").await.unwrap_err();
        let text = err.to_string();
        assert!(
            text.starts_with("cannot open the database postgres://indexer:***@127.0.0.1:1/masa: "),
            "{text}"
        );
        assert!(!text.contains("secret"), "{text}");
    }
}
