//! Deliveries as a dataset: each delivery of a pool ([`pools`]) or of a pass ([`passes`]) opened
//! with the developer's key, checked against what the chain recorded, and written as JSONL and
//! Parquet with the schema's field names (what a data buyer's tools read: pandas, polars,
//! `DuckDB`, Spark).
//!
//! A delivery is kept only when every check of its family passes (each module lists them) and
//! it opens with the key (the cipher's tag and padding check) to 8 values below 2^64 (a record's
//! fields). Anything else is refused with its reason, and no plaintext of it is kept.
//!
//! A row is the delivery's provenance (where the chain recorded it: [`Provenance`], columns
//! first) and the record's values. The files hold records in clear: they are created with mode
//! 0600, never over an existing file, and all of them or none.

pub mod passes;
pub mod pools;

use alloy::sol_types::SolValue;
use arrow_array::{ArrayRef, RecordBatch, StringArray, UInt64Array};
use arrow_schema::{DataType, Field, Schema};
use masa_prover::{delivery::DeliverySecretKey, poseidon::FIELDS};
use parquet::{arrow::ArrowWriter, basic::Compression, file::properties::WriterProperties};
use rayon::iter::{IntoParallelRefIterator, ParallelExtend, ParallelIterator};
use std::{
    collections::HashSet,
    fs,
    io::{BufWriter, Write},
    path::{Path, PathBuf},
    sync::Arc,
};

/// Rows per Parquet row group (and per Arrow batch).
const BATCH: usize = 65_536;
/// Deliveries opened in parallel between two progress reports.
const CHUNK: usize = 1_024;

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

/// A provenance column's type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Text (addresses, hashes, 256-bit numbers in hex).
    Text,
    /// An unsigned 64-bit number.
    Number,
}

/// A provenance column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// Its name.
    pub name: &'static str,
    /// Its type.
    pub kind: Kind,
    /// Whether a kept row may leave it empty.
    pub nullable: bool,
}

/// One provenance value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Of a [`Kind::Text`] column.
    Text(String),
    /// Of a [`Kind::Number`] column.
    Number(u64),
    /// Empty.
    Null,
}

/// Where a delivery was recorded: the dataset's first columns.
pub trait Provenance {
    /// The columns, in order.
    const COLUMNS: &'static [Column];
    /// This delivery's cells, one per column.
    fn cells(&self) -> Vec<Cell>;
}

/// A verified delivery: where the chain recorded it, and the record's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row<P> {
    /// Where the chain recorded it.
    pub provenance: P,
    /// The record's 8 values.
    pub values: [u64; FIELDS],
}

/// A refused delivery: where it is, and why (never its plaintext).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused<P> {
    /// Where the chain recorded it.
    pub provenance: P,
    /// Why it was refused.
    pub reason: String,
}

/// The outcome of checking deliveries.
#[derive(Debug, Clone)]
pub struct Verified<P> {
    /// The deliveries kept, in chain order.
    pub rows: Vec<Row<P>>,
    /// The deliveries refused, in chain order.
    pub refused: Vec<Refused<P>>,
}

impl<P> Default for Verified<P> {
    fn default() -> Self {
        Self { rows: Vec::new(), refused: Vec::new() }
    }
}

impl<P> Verified<P> {
    /// Keeps `provenance` with the values `check` found, or refuses it with `check`'s reason.
    fn push(&mut self, provenance: P, check: Result<[u64; FIELDS], String>) {
        match check {
            Ok(values) => self.rows.push(Row { provenance, values }),
            Err(reason) => self.refused.push(Refused { provenance, reason }),
        }
    }
}

/// The record's values of each of `items` (`delivery` picks its pool's or pass's `Delivery`),
/// opened with `key` on every core ([`values`]), `progress` told the count after each chunk.
fn open_all<T: Sync, D: SolValue + Sync>(
    key: &DeliverySecretKey,
    items: &[T],
    delivery: impl Fn(&T) -> &D + Sync,
    progress: &mut impl FnMut(usize),
) -> Vec<Result<[u64; FIELDS], String>> {
    let mut out = Vec::with_capacity(items.len());
    for chunk in items.chunks(CHUNK) {
        out.par_extend(chunk.par_iter().map(|item| values(key, delivery(item))));
        progress(out.len());
    }
    out
}

/// The record's values in `delivery` (a pool's `Delivery` or a pass's), opened with `key`: 8
/// values, each below 2^64, or why not.
fn values(key: &DeliverySecretKey, delivery: &impl SolValue) -> Result<[u64; FIELDS], String> {
    let words = crate::pools::open(key, delivery).map_err(|e| e.to_string())?;
    let mut values = [0u64; FIELDS];
    for (i, (slot, word)) in values.iter_mut().zip(words).enumerate() {
        *slot = u64::try_from(word).map_err(|_| format!("value {i} is not below 2^64"))?;
    }
    Ok(values)
}

/// The record's columns: `names` for the first fields, then `field_<i>` for every other field
/// that is not 0 in some row (fields a schema leaves unused are 0).
pub fn columns<P: Provenance>(
    names: &[String],
    rows: &[Row<P>],
) -> Result<Vec<(usize, String)>, DatasetError> {
    let unique: HashSet<&str> = names.iter().map(String::as_str).collect();
    let taken = |n: &str| n == "reason" || P::COLUMNS.iter().any(|c| c.name == n);
    if names.len() > FIELDS
        || unique.len() != names.len()
        || names.iter().any(|n| n.is_empty() || taken(n) || n.starts_with("field_"))
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
pub fn write<P: Provenance>(
    dir: &Path,
    stem: &str,
    verified: &Verified<P>,
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
    write_jsonl(
        &files.jsonl,
        verified.rows.iter().map(|row| {
            let mut object = provenance_json(&row.provenance);
            for (i, name) in columns {
                object.insert(name.clone(), row.values[*i].into());
            }
            object
        }),
    )?;
    write_parquet(&files.parquet, &verified.rows, columns)?;
    if let Some(path) = &files.refused {
        write_jsonl(
            path,
            verified.refused.iter().map(|r| {
                let mut object = provenance_json(&r.provenance);
                object.insert("reason".into(), r.reason.clone().into());
                object
            }),
        )?;
    }
    Ok(files)
}

fn provenance_json<P: Provenance>(provenance: &P) -> serde_json::Map<String, serde_json::Value> {
    P::COLUMNS
        .iter()
        .zip(provenance.cells())
        .map(|(column, cell)| {
            let value = match cell {
                Cell::Text(text) => text.into(),
                Cell::Number(n) => n.into(),
                Cell::Null => serde_json::Value::Null,
            };
            (column.name.to_owned(), value)
        })
        .collect()
}

/// A new file with mode 0600, refused if it exists.
fn create_private(path: &Path) -> Result<fs::File, DatasetError> {
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path).map_err(|source| DatasetError::Io { path: path.to_owned(), source })
}

fn write_jsonl(
    path: &Path,
    lines: impl Iterator<Item = serde_json::Map<String, serde_json::Value>>,
) -> Result<(), DatasetError> {
    let io = |source| DatasetError::Io { path: path.to_owned(), source };
    let mut out = BufWriter::new(create_private(path)?);
    for line in lines {
        serde_json::to_writer(&mut out, &line).map_err(|e| io(e.into()))?;
        out.write_all(b"\n").map_err(io)?;
    }
    out.flush().map_err(io)
}

fn write_parquet<P: Provenance>(
    path: &Path,
    rows: &[Row<P>],
    columns: &[(usize, String)],
) -> Result<(), DatasetError> {
    let parquet =
        |e: &dyn std::fmt::Display| DatasetError::Parquet { path: path.to_owned(), reason: e.to_string() };
    let mut fields: Vec<Field> = P::COLUMNS
        .iter()
        .map(|c| {
            let kind = match c.kind {
                Kind::Text => DataType::Utf8,
                Kind::Number => DataType::UInt64,
            };
            Field::new(c.name, kind, c.nullable)
        })
        .collect();
    fields.extend(columns.iter().map(|(_, name)| Field::new(name, DataType::UInt64, false)));
    let schema = Arc::new(Schema::new(fields));
    let props = WriterProperties::builder().set_compression(Compression::SNAPPY).build();
    let file = create_private(path)?;
    let mut writer = ArrowWriter::try_new(file, schema.clone(), Some(props)).map_err(|e| parquet(&e))?;
    for chunk in rows.chunks(BATCH) {
        let mut cells: Vec<std::vec::IntoIter<Cell>> =
            chunk.iter().map(|r| r.provenance.cells().into_iter()).collect();
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(P::COLUMNS.len() + columns.len());
        for column in P::COLUMNS {
            // each row's next cell is this column's
            let next = cells.iter_mut().map(|row| row.next().unwrap_or(Cell::Null));
            arrays.push(match column.kind {
                Kind::Text => Arc::new(StringArray::from_iter(next.map(|cell| match cell {
                    Cell::Text(text) => Some(text),
                    _ => None,
                }))),
                Kind::Number => Arc::new(UInt64Array::from_iter(next.map(|cell| match cell {
                    Cell::Number(n) => Some(n),
                    _ => None,
                }))),
            });
        }
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
    use crate::dataset::pools::Stake;
    use alloy::primitives::{Address, B256, U256};

    #[test]
    fn a_dataset_is_written_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let verified = Verified {
            rows: vec![Row {
                provenance: Stake {
                    nullifier: U256::from(1),
                    recipient: Some(Address::repeat_byte(1)),
                    block_number: 7,
                    tx_hash: B256::repeat_byte(2),
                    log_index: 0,
                    unstaked_block: None,
                },
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
        assert!(jsonl.contains("\"score\":742") && jsonl.contains("\"unstaked_block\":null"), "{jsonl}");
        assert!(files.parquet.exists() && files.refused.is_none());
    }

    #[test]
    fn field_names_cannot_shadow_a_column() {
        let rows: Vec<Row<Stake>> = vec![];
        for bad in ["recipient", "reason", "field_3", ""] {
            assert!(columns(&[bad.to_owned()], &rows).is_err(), "{bad}");
        }
        let twice = ["score".to_owned(), "score".to_owned()];
        assert!(columns(&twice, &rows).is_err());
    }
}
