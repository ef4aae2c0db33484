//! The statements behind [`Store`](super::Store): multi-row event inserts and derived-state
//! upserts, written once in the SQL that SQLite and PostgreSQL both accept (`$N` parameters,
//! `ON CONFLICT … DO UPDATE`). Table and column names come from the derive modules' constants,
//! never from input.

use super::{BlockRow, During, EventRow, StoreError, n, u};
use crate::derive::{Changes, Key, Value};
use alloy::primitives::{B256, I256, LogData, U256};
use sqlx::{Any, AssertSqlSafe, Row, Transaction, any::AnyRow, query::Query};

type Tx<'c> = Transaction<'c, Any>;
type AnyQuery<'q> = Query<'q, Any, sqlx::any::AnyArguments>;

/// The derived tables and their number of key columns, for whole-state comparisons.
pub(super) const DERIVED_TABLES: &[(&str, usize)] = &[
    ("wallets", 1),
    ("balances", 2),
    ("supply", 1),
    ("fee_payments", 1),
    ("fee_distribution", 1),
    ("vesting", 1),
    ("proposals", 1),
    ("proposal_tallies", 1),
    ("zksbt_records", 1),
    ("zksbt_status", 1),
    ("zksbt_stats", 1),
    ("zksbt_trees", 1),
    ("zksbt_schemas", 1),
    ("pools", 1),
    ("pool_totals", 1),
    ("pool_stakes", 2),
    ("pool_stake_totals", 2),
    ("pool_deliveries", 2),
    ("pool_rewards", 2),
    ("passes", 1),
    ("pass_totals", 1),
    ("pass_deliveries", 2),
    ("oracle_nodes", 1),
    ("oracle_endpoints", 2),
    ("oracle_stake_changes", 2),
    ("oracle_slashes", 2),
    ("oracle_node_totals", 1),
    ("oracle_requests", 1),
    ("oracle_results", 1),
    ("oracle_request_totals", 1),
    ("oracle_dissents", 2),
    ("oracle_fees", 1),
    ("oracle_weights", 2),
    ("oracle_rewards", 1),
    ("activity", 3),
];

pub(super) const EVENT_COLUMNS: &str =
    "block_number, log_index, block_time, block_hash, tx_hash, address, contract, event, args, topics, data";

/// Parameters per event row.
const EVENT_PARAMS: usize = 11;

/// Rows per INSERT statement on PostgreSQL: 11 parameters each, well under its limit.
pub(super) const EVENTS_PER_INSERT_POSTGRES: usize = 500;
/// Rows per INSERT statement on SQLite: sqlx looks every parameter up by name, which SQLite
/// answers by a scan of the statement's parameters, so binding costs grow with the square of
/// the parameters per statement; a few dozen rows keep it small (measured by `make bench`).
pub(super) const EVENTS_PER_INSERT_SQLITE: usize = 32;

pub(super) fn event_row(r: &AnyRow) -> Result<EventRow, StoreError> {
    let (block_number, log_index) = (u(r.get(0)), u(r.get(1)));
    let log = match (r.get::<Option<Vec<u8>>, _>(9), r.get::<Option<Vec<u8>>, _>(10)) {
        (Some(topics), Some(data)) => Some(
            log_data(&topics, data)
                .ok_or_else(|| StoreError::Corrupt(format!("topics of event {block_number}:{log_index}")))?,
        ),
        _ => None,
    };
    Ok(EventRow {
        block_number,
        log_index,
        block_time: u(r.get(2)),
        block_hash: r.get(3),
        tx_hash: r.get(4),
        address: r.get(5),
        contract: r.get(6),
        event: r.get(7),
        args: r.get(8),
        log,
    })
}

/// A log's topics as stored: their 32-byte words concatenated.
pub(super) fn topics_bytes(log: &LogData) -> Vec<u8> {
    log.topics().iter().flat_map(|t| t.0).collect()
}

/// A log from its stored topics and data; `None` unless the topics are whole words, at most 4.
pub(super) fn log_data(topics: &[u8], data: Vec<u8>) -> Option<LogData> {
    if !topics.len().is_multiple_of(32) || topics.len() > 4 * 32 {
        return None;
    }
    let topics = topics.chunks_exact(32).map(B256::from_slice).collect();
    Some(LogData::new_unchecked(topics, data.into()))
}

/// `($first, $first+1, …)` for `count` parameters.
fn params(first: usize, count: usize) -> String {
    let list: Vec<String> = (first..first + count).map(|i| format!("${i}")).collect();
    format!("({})", list.join(", "))
}

fn bind<'q>(q: AnyQuery<'q>, v: &'q Value) -> AnyQuery<'q> {
    match v {
        Value::Int(i) => q.bind(*i),
        Value::Text(s) => q.bind(s.as_str()),
        Value::Address(_) | Value::Uint(_) => q.bind(v.text()),
    }
}

pub(super) async fn insert_events(
    tx: &mut Tx<'_>,
    events: &[EventRow],
    rows_per_insert: usize,
) -> Result<(), StoreError> {
    for chunk in events.chunks(rows_per_insert) {
        let values: Vec<String> =
            (0..chunk.len()).map(|i| params(i * EVENT_PARAMS + 1, EVENT_PARAMS)).collect();
        let sql = format!("INSERT INTO events ({EVENT_COLUMNS}) VALUES {}", values.join(", "));
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for e in chunk {
            q = q
                .bind(n(e.block_number))
                .bind(n(e.log_index))
                .bind(n(e.block_time))
                .bind(e.block_hash.as_str())
                .bind(e.tx_hash.as_str())
                .bind(e.address.as_str())
                .bind(e.contract.as_str())
                .bind(e.event.as_str())
                .bind(e.args.as_str())
                .bind(e.log.as_ref().map(topics_bytes))
                .bind(e.log.as_ref().map(|l| &l.data[..]));
        }
        q.execute(&mut **tx).await.during("inserting events")?;
    }
    Ok(())
}

pub(super) async fn put_block(tx: &mut Tx<'_>, b: &BlockRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO blocks (block_number, block_hash, parent_hash) VALUES ($1, $2, $3) \
         ON CONFLICT (block_number) DO UPDATE SET block_hash = excluded.block_hash, parent_hash = excluded.parent_hash",
    )
    .bind(n(b.number))
    .bind(b.hash.as_str())
    .bind(b.parent_hash.as_str())
    .execute(&mut **tx)
    .await.during("storing a block hash")?;
    Ok(())
}

pub(super) async fn set_checkpoint(tx: &mut Tx<'_>, b: &BlockRow) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO checkpoint (id, block_number, block_hash) VALUES (1, $1, $2) \
         ON CONFLICT (id) DO UPDATE SET block_number = excluded.block_number, block_hash = excluded.block_hash",
    )
    .bind(n(b.number))
    .bind(b.hash.as_str())
    .execute(&mut **tx)
    .await.during("moving the checkpoint")?;
    Ok(())
}

fn key_columns(key: &Key) -> String {
    key.iter().map(|(c, _)| *c).collect::<Vec<_>>().join(", ")
}

fn key_text(key: &Key) -> String {
    let parts: Vec<String> = key.iter().map(|(c, v)| format!("{c}={v}")).collect();
    parts.join(",")
}

/// Applies derived changes: new rows, then integer counters, then uint256 amounts.
pub(super) async fn apply(tx: &mut Tx<'_>, changes: &Changes) -> Result<(), StoreError> {
    for (table, columns) in &changes.rows {
        let names: Vec<&str> = columns.iter().map(|(c, _)| *c).collect();
        let sql = format!("INSERT INTO {table} ({}) VALUES {}", names.join(", "), params(1, columns.len()));
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for (_, v) in columns {
            q = bind(q, v);
        }
        q.execute(&mut **tx).await.during_with(|| format!("inserting a row into {table}"))?;
    }
    for ((table, key, column), delta) in &changes.counts {
        let keys = key_columns(key);
        let sql = format!(
            "INSERT INTO {table} ({keys}, {column}) VALUES {} ON CONFLICT ({keys}) \
             DO UPDATE SET {column} = {table}.{column} + excluded.{column}",
            params(1, key.len() + 1)
        );
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for (_, v) in key {
            q = bind(q, v);
        }
        q.bind(*delta).execute(&mut **tx).await.during_with(|| format!("updating {table}.{column}"))?;
    }
    for ((table, key, column), delta) in &changes.amounts {
        // uint256 arithmetic is not portable SQL (SQLite integers are 64-bit): read, add in
        // Rust, write back
        let keys = key_columns(key);
        let filter: Vec<String> =
            key.iter().enumerate().map(|(i, (c, _))| format!("{c} = ${}", i + 1)).collect();
        let select = format!("SELECT {column} FROM {table} WHERE {}", filter.join(" AND "));
        let mut q = sqlx::query(AssertSqlSafe(select));
        for (_, v) in key {
            q = bind(q, v);
        }
        let current: U256 =
            match q.fetch_optional(&mut **tx).await.during_with(|| format!("reading {table}.{column}"))? {
                Some(row) => super::parse_amount(&row.get::<String, _>(0))?,
                None => U256::ZERO,
            };
        let value = I256::from_raw(current) + *delta;
        if value.is_negative() {
            return Err(StoreError::Inconsistent { table, column, key: key_text(key), value });
        }
        let upsert = format!(
            "INSERT INTO {table} ({keys}, {column}) VALUES {} ON CONFLICT ({keys}) \
             DO UPDATE SET {column} = excluded.{column}",
            params(1, key.len() + 1)
        );
        let mut q = sqlx::query(AssertSqlSafe(upsert));
        for (_, v) in key {
            q = bind(q, v);
        }
        q.bind(value.into_raw().to_string())
            .execute(&mut **tx)
            .await
            .during_with(|| format!("updating {table}.{column}"))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_round_trip_and_bad_widths_are_refused() {
        let log =
            LogData::new_unchecked(vec![B256::repeat_byte(1), B256::repeat_byte(2)], vec![3; 40].into());
        let topics = topics_bytes(&log);
        assert_eq!(topics.len(), 64);
        assert_eq!(log_data(&topics, log.data.to_vec()), Some(log.clone()));
        assert_eq!(log_data(&[], vec![]), Some(LogData::default()));
        assert_eq!(log_data(&topics[..63], vec![]), None);
        assert_eq!(log_data(&[0; 5 * 32], vec![]), None);
    }
}
