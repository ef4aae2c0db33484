//! A pool's deliveries as a dataset: each delivery opened with the developer's key, checked
//! against what the chain recorded, and written as JSONL and Parquet with the schema's field
//! names (what a data buyer's tools read: pandas, polars, `DuckDB`, Spark).
//!
//! A delivery is kept only when every check passes:
//! - the chain recorded its stake: a `Staked` event of the same pool and nullifier in the same
//!   transaction (the pool emits both in `stake`, after verifying the delivery proof);
//! - it is the stake's only delivery;
//! - it opens with the key (the cipher's tag and padding check), to 8 values below 2^64 (a
//!   record's fields);
//! - the values satisfy the pool's statement (the proof showed it; checked again here).
//!
//! Anything else is refused with its reason, and no plaintext of it is kept.
//!
//! The files hold records in clear: they are created with mode 0600 and never over an
//! existing file.

use super::{Deliveries, DeliveryLog, Error, PoolInfo, open};
use alloy::primitives::{Address, B256, U256};
use arrow_array::{ArrayRef, RecordBatch, StringArray, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use masa_prover::{delivery::DeliverySecretKey, poseidon::FIELDS, statement::Operator};
use parquet::{arrow::ArrowWriter, basic::Compression, file::properties::WriterProperties};
use std::{
    collections::HashSet,
    fs,
    io::{BufWriter, Write},
    path::{Path, PathBuf},
    sync::Arc,
};

/// Rows per Parquet row group (and per Arrow batch).
const BATCH: usize = 65_536;

/// Why writing a dataset failed.
#[derive(Debug, thiserror::Error)]
pub enum DatasetError {
    /// A file could not be created or written.
    #[error("cannot write {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// Arrow or Parquet refused the data.
    #[error("cannot write {path} as Parquet: {reason}")]
    Parquet {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// More field names than a record has fields, or a name used twice.
    #[error("field names {0:?}: at most {FIELDS}, each once, none named like a column of the dataset")]
    FieldNames(Vec<String>),
}

/// A verified delivery: the record's values, and where the chain recorded its stake.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The stake (the disclosure's nullifier).
    pub nullifier: U256,
    /// Who is paid for it.
    pub recipient: Address,
    /// The block of the stake and delivery.
    pub block_number: u64,
    /// Its transaction.
    pub tx_hash: B256,
    /// The delivery log's index in the block.
    pub log_index: u64,
    /// The block the stake left in, if it did (the developer's access ended there).
    pub unstaked_block: Option<u64>,
    /// The record's 8 values.
    pub values: [u64; FIELDS],
}

/// A refused delivery: where it is, and why (never its plaintext).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Refused {
    /// The stake it claims to be.
    pub nullifier: U256,
    /// Its block.
    pub block_number: u64,
    /// Its transaction.
    pub tx_hash: B256,
    /// Why it was refused.
    pub reason: String,
}

/// The outcome of checking a pool's deliveries.
#[derive(Debug, Clone, Default)]
pub struct Verified {
    /// The deliveries kept, in chain order.
    pub rows: Vec<Row>,
    /// The deliveries refused, in chain order.
    pub refused: Vec<Refused>,
}

/// Opens and checks every delivery of `pool` (see the module's documentation) with the
/// developer's `key`; `progress` is told after each delivery.
pub fn verify(
    pool: &PoolInfo,
    data: &Deliveries,
    key: &DeliverySecretKey,
    mut progress: impl FnMut(usize),
) -> Verified {
    let mut out = Verified::default();
    let mut seen = HashSet::new();
    for (i, delivery) in data.deliveries.iter().enumerate() {
        match check(pool, data, key, delivery, &mut seen) {
            Ok(row) => out.rows.push(row),
            Err(reason) => out.refused.push(Refused {
                nullifier: delivery.nullifier,
                block_number: delivery.block_number,
                tx_hash: delivery.tx_hash,
                reason,
            }),
        }
        progress(i + 1);
    }
    out
}

fn check(
    pool: &PoolInfo,
    data: &Deliveries,
    key: &DeliverySecretKey,
    d: &DeliveryLog,
    seen: &mut HashSet<U256>,
) -> Result<Row, String> {
    let stake = data
        .stakes
        .get(&d.nullifier)
        .filter(|stake| stake.tx_hash == d.tx_hash)
        .ok_or_else(|| "no Staked event of this stake in the delivery's transaction".to_owned())?;
    if !seen.insert(d.nullifier) {
        return Err("a second delivery for this stake".into());
    }
    let words = open(key, &d.delivery).map_err(|e: Error| e.to_string())?;
    let mut values = [0u64; FIELDS];
    for (i, (slot, word)) in values.iter_mut().zip(words).enumerate() {
        *slot = u64::try_from(word).map_err(|_| format!("value {i} is not below 2^64"))?;
    }
    let s = &pool.pool.statement;
    let field = usize::from(s.fieldIndex);
    let holds = Operator::ALL
        .get(usize::from(s.operator))
        .zip(values.get(field))
        .is_some_and(|(op, &value)| op.holds(value, s.operandA, s.operandB));
    if !holds {
        return Err(format!("the record does not satisfy the pool's statement on field {field}"));
    }
    Ok(Row {
        nullifier: d.nullifier,
        recipient: stake.recipient,
        block_number: d.block_number,
        tx_hash: d.tx_hash,
        log_index: d.log_index,
        unstaked_block: stake.unstaked_block,
        values,
    })
}

/// The columns other than the record's fields, in order.
const META: [&str; 6] = ["nullifier", "recipient", "block_number", "tx_hash", "log_index", "unstaked_block"];

/// The record's columns: `names` for the first fields, then `field_<i>` for every other field
/// that is not 0 in some row (fields a schema leaves unused are 0).
pub fn columns(names: &[String], rows: &[Row]) -> Result<Vec<(usize, String)>, DatasetError> {
    let unique: HashSet<&str> = names.iter().map(String::as_str).collect();
    if names.len() > FIELDS
        || unique.len() != names.len()
        || names.iter().any(|n| n.is_empty() || META.contains(&n.as_str()) || n.starts_with("field_"))
    {
        return Err(DatasetError::FieldNames(names.to_vec()));
    }
    let mut out: Vec<(usize, String)> = names.iter().cloned().enumerate().collect();
    for i in names.len()..FIELDS {
        if rows.iter().any(|r| r.values[i] != 0) {
            out.push((i, format!("field_{i}")));
        }
    }
    Ok(out)
}

/// The files a dataset is written to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Files {
    /// One JSON object per record.
    pub jsonl: PathBuf,
    /// The same, as Parquet.
    pub parquet: PathBuf,
    /// One JSON object per refused delivery (only when some were).
    pub refused: Option<PathBuf>,
}

/// Writes `verified` to `dir` as `<stem>.jsonl`, `<stem>.parquet` and (if any delivery was
/// refused) `<stem>.refused.jsonl`, with `columns` ([`columns`]) for the record's fields.
pub fn write(
    dir: &Path,
    stem: &str,
    verified: &Verified,
    columns: &[(usize, String)],
) -> Result<Files, DatasetError> {
    fs::create_dir_all(dir).map_err(|source| DatasetError::Io { path: dir.to_owned(), source })?;
    let files = Files {
        jsonl: dir.join(format!("{stem}.jsonl")),
        parquet: dir.join(format!("{stem}.parquet")),
        refused: (!verified.refused.is_empty()).then(|| dir.join(format!("{stem}.refused.jsonl"))),
    };
    // every file is new, or none is written (each is also created only if absent)
    for path in [Some(&files.jsonl), Some(&files.parquet), files.refused.as_ref()].into_iter().flatten() {
        if path.exists() {
            let source = std::io::Error::from(std::io::ErrorKind::AlreadyExists);
            return Err(DatasetError::Io { path: path.clone(), source });
        }
    }
    write_jsonl(&files.jsonl, verified.rows.iter().map(|row| json_row(row, columns)))?;
    write_parquet(&files.parquet, &verified.rows, columns)?;
    if let Some(path) = &files.refused {
        write_jsonl(path, verified.refused.iter().map(|r| serde_json::to_value(r).unwrap_or_default()))?;
    }
    Ok(files)
}

fn json_row(row: &Row, columns: &[(usize, String)]) -> serde_json::Value {
    let mut object = serde_json::Map::new();
    object.insert("nullifier".into(), format!("{:#x}", row.nullifier).into());
    object.insert("recipient".into(), row.recipient.to_string().into());
    object.insert("block_number".into(), row.block_number.into());
    object.insert("tx_hash".into(), row.tx_hash.to_string().into());
    object.insert("log_index".into(), row.log_index.into());
    object.insert("unstaked_block".into(), row.unstaked_block.into());
    for (i, name) in columns {
        object.insert(name.clone(), row.values[*i].into());
    }
    object.into()
}

/// A new file with mode 0600, refused if it exists.
fn create_private(path: &Path) -> Result<fs::File, DatasetError> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(|source| DatasetError::Io { path: path.to_owned(), source })
}

fn write_jsonl(path: &Path, lines: impl Iterator<Item = serde_json::Value>) -> Result<(), DatasetError> {
    let io = |source| DatasetError::Io { path: path.to_owned(), source };
    let mut out = BufWriter::new(create_private(path)?);
    for line in lines {
        serde_json::to_writer(&mut out, &line).map_err(|e| io(e.into()))?;
        out.write_all(b"\n").map_err(io)?;
    }
    out.flush().map_err(io)
}

fn write_parquet(path: &Path, rows: &[Row], columns: &[(usize, String)]) -> Result<(), DatasetError> {
    let parquet =
        |e: &dyn std::fmt::Display| DatasetError::Parquet { path: path.to_owned(), reason: e.to_string() };
    let mut fields = vec![
        Field::new("nullifier", DataType::Utf8, false),
        Field::new("recipient", DataType::Utf8, false),
        Field::new("block_number", DataType::UInt64, false),
        Field::new("tx_hash", DataType::Utf8, false),
        Field::new("log_index", DataType::UInt64, false),
        Field::new("unstaked_block", DataType::UInt64, true),
    ];
    fields.extend(columns.iter().map(|(_, name)| Field::new(name, DataType::UInt64, false)));
    let schema = Arc::new(Schema::new(fields));
    let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let file = create_private(path)?;
    let mut writer = ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(|e| parquet(&e))?;
    for chunk in rows.chunks(BATCH) {
        let u64s =
            |f: fn(&Row) -> u64| Arc::new(UInt64Array::from_iter_values(chunk.iter().map(f))) as ArrayRef;
        let mut arrays: Vec<ArrayRef> = vec![
            Arc::new(StringArray::from_iter_values(chunk.iter().map(|r| format!("{:#x}", r.nullifier)))),
            Arc::new(StringArray::from_iter_values(chunk.iter().map(|r| r.recipient.to_string()))),
            u64s(|r| r.block_number),
            Arc::new(StringArray::from_iter_values(chunk.iter().map(|r| r.tx_hash.to_string()))),
            u64s(|r| r.log_index),
            Arc::new(UInt64Array::from_iter(chunk.iter().map(|r| r.unstaked_block))),
        ];
        for (i, _) in columns {
            arrays.push(Arc::new(UInt64Array::from_iter_values(chunk.iter().map(|r| r.values[*i]))));
        }
        let batch = RecordBatch::try_new(schema.clone(), arrays).map_err(|e| parquet(&e))?;
        writer.write(&batch).map_err(|e| parquet(&e))?;
    }
    writer.close().map_err(|e| parquet(&e))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dataset_is_written_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let verified = Verified {
            rows: vec![Row {
                nullifier: U256::from(1),
                recipient: Address::repeat_byte(1),
                block_number: 7,
                tx_hash: B256::repeat_byte(2),
                log_index: 0,
                unstaked_block: None,
                values: [742, 1_700_000_000, 840, 0, 0, 0, 0, 0],
            }],
            refused: vec![],
        };
        let columns = columns(&["score".to_owned()], &verified.rows).unwrap();
        // a Parquet file left from an earlier export: nothing is written, not even the JSONL
        std::fs::write(dir.path().join("pool-1.parquet"), b"earlier").unwrap();
        let err = write(dir.path(), "pool-1", &verified, &columns).unwrap_err();
        assert!(err.to_string().contains("pool-1.parquet"), "{err}");
        assert!(!dir.path().join("pool-1.jsonl").exists());
        assert_eq!(std::fs::read(dir.path().join("pool-1.parquet")).unwrap(), b"earlier");
        // elsewhere, both files are written
        let files = write(&dir.path().join("new"), "pool-1", &verified, &columns).unwrap();
        let jsonl = std::fs::read_to_string(&files.jsonl).unwrap();
        assert!(jsonl.contains("\"score\":742"), "{jsonl}");
        assert!(files.parquet.exists() && files.refused.is_none());
    }
}
