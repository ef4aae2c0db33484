//! Jobs: the requests the node saw, what it did with each, the records they produced, and the
//! signed answers it collected; and the scan checkpoint.

use super::{During, Store, StoreError, now};
use crate::sources::Normalized;
use alloy::primitives::{Address, B256, Bytes, U256};
use serde::Serialize;
use sqlx::Row;
use std::{fmt, str::FromStr};

/// Where a job stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum JobState {
    /// Seen, not answered yet (or waiting for a retry).
    New,
    /// Answered and signed; collecting the peers' answers.
    Answered,
    /// A fulfilment was sent by this node.
    Submitted,
    /// Finalized on-chain (by this node or another).
    Finalized,
    /// Refunded on-chain.
    Refunded,
    /// Its deadline passed before a quorum.
    Expired,
    /// Cannot be answered (invalid parameters, refused by a source, too many failures).
    Failed,
    /// A job type this node does not run.
    Unsupported,
}

impl JobState {
    /// Every state, in lifecycle order.
    pub const ALL: [Self; 8] = [
        Self::New,
        Self::Answered,
        Self::Submitted,
        Self::Finalized,
        Self::Refunded,
        Self::Expired,
        Self::Failed,
        Self::Unsupported,
    ];

    /// The state's name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::Answered => "answered",
            Self::Submitted => "submitted",
            Self::Finalized => "finalized",
            Self::Refunded => "refunded",
            Self::Expired => "expired",
            Self::Failed => "failed",
            Self::Unsupported => "unsupported",
        }
    }

    /// Whether nothing more will happen to the job.
    pub const fn is_done(self) -> bool {
        !matches!(self, Self::New | Self::Answered | Self::Submitted)
    }
}

impl fmt::Display for JobState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for JobState {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, StoreError> {
        Self::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| StoreError::Corrupt(format!("job state `{s}`")))
    }
}

/// A request as its `RequestPosted` event announced it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Posted {
    /// The request.
    pub request_id: u64,
    /// The job type's word.
    pub job_type: B256,
    /// The job type's name when the node knows it.
    pub job_name: Option<String>,
    /// The posted URI (the job's parameters).
    pub params: String,
    /// Their hash, as posted.
    pub params_hash: B256,
    /// Who posted it.
    pub consumer: Address,
    /// The fee escrowed.
    pub fee: U256,
    /// Agreeing nodes needed.
    pub quorum: u8,
    /// Unix time after which it can only be refunded.
    pub deadline: u64,
    /// The block of the event.
    pub block: u64,
    /// The transaction of the event.
    pub tx_hash: B256,
}

/// A job as the node keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Job {
    /// The request.
    pub request_id: u64,
    /// The job type's word.
    pub job_type: B256,
    /// Its name, when the node knows it.
    pub job_name: Option<String>,
    /// The parameters.
    pub params: String,
    /// Their posted hash.
    pub params_hash: B256,
    /// The consumer.
    pub consumer: Address,
    /// The fee.
    pub fee: U256,
    /// The quorum.
    pub quorum: u8,
    /// The deadline (unix s).
    pub deadline: u64,
    /// The block the request was posted in.
    pub posted_block: u64,
    /// Its transaction.
    pub posted_tx: B256,
    /// Where it stands.
    pub state: JobState,
    /// Runs of its source so far.
    pub attempts: u32,
    /// The last failure.
    pub error: Option<String>,
    /// This node's result hash.
    pub result_hash: Option<B256>,
    /// This node's configuration hash.
    pub config_hash: Option<B256>,
    /// This node's signature of its answer.
    pub signature: Option<Bytes>,
    /// A second, different signed result (only a node configured to equivocate has one).
    pub second: Option<(B256, Bytes)>,
    /// The fulfilment this node sent, or the one that finalized it.
    pub fulfil_tx: Option<B256>,
}

/// A signed answer the node collected (its own or a peer's), verified before it was stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StoredAnswer {
    /// The node key that signed.
    pub signer: Address,
    /// Its result.
    pub result_hash: B256,
    /// Its configuration.
    pub config_hash: B256,
    /// The signature.
    pub signature: Bytes,
}

fn hex<T: fmt::LowerHex>(value: T) -> String {
    format!("{value:#x}")
}

fn parse<T: FromStr>(what: &str, text: &str) -> Result<T, StoreError> {
    text.parse().map_err(|_| StoreError::Corrupt(format!("{what} `{text}`")))
}

fn parse_opt<T: FromStr>(what: &str, text: Option<String>) -> Result<Option<T>, StoreError> {
    text.map(|t| parse(what, &t)).transpose()
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

const JOB_COLUMNS: &str = "request_id, job_type, job_name, params, params_hash, consumer, fee, quorum, deadline, \
     posted_block, posted_tx, state, attempts, error, result_hash, config_hash, signature, second_result_hash, \
     second_signature, fulfil_tx";

fn job_of(row: &sqlx::any::AnyRow) -> Result<Job, StoreError> {
    let get_text = |name: &str| row.try_get::<String, _>(name).during(name);
    let get_opt = |name: &str| row.try_get::<Option<String>, _>(name).during(name);
    let second = match (get_opt("second_result_hash")?, get_opt("second_signature")?) {
        (Some(hash), Some(signature)) => {
            Some((parse("result hash", &hash)?, parse("signature", &signature)?))
        }
        _ => None,
    };
    Ok(Job {
        request_id: u64::try_from(row.try_get::<i64, _>("request_id").during("request_id")?)
            .map_err(|_| StoreError::Corrupt("negative request id".into()))?,
        job_type: parse("job type", &get_text("job_type")?)?,
        job_name: get_opt("job_name")?,
        params: get_text("params")?,
        params_hash: parse("params hash", &get_text("params_hash")?)?,
        consumer: parse("consumer", &get_text("consumer")?)?,
        fee: parse("fee", &get_text("fee")?)?,
        quorum: u8::try_from(row.try_get::<i32, _>("quorum").during("quorum")?)
            .map_err(|_| StoreError::Corrupt("quorum".into()))?,
        deadline: u64::try_from(row.try_get::<i64, _>("deadline").during("deadline")?).unwrap_or(0),
        posted_block: u64::try_from(row.try_get::<i64, _>("posted_block").during("posted_block")?)
            .unwrap_or(0),
        posted_tx: parse("tx hash", &get_text("posted_tx")?)?,
        state: get_text("state")?.parse()?,
        attempts: u32::try_from(row.try_get::<i32, _>("attempts").during("attempts")?).unwrap_or(0),
        error: get_opt("error")?,
        result_hash: parse_opt("result hash", get_opt("result_hash")?)?,
        config_hash: parse_opt("config hash", get_opt("config_hash")?)?,
        signature: parse_opt("signature", get_opt("signature")?)?,
        second,
        fulfil_tx: parse_opt("tx hash", get_opt("fulfil_tx")?)?,
    })
}

impl Store {
    /// The scan checkpoint: the last block scanned and its hash.
    pub async fn checkpoint(&self) -> Result<Option<(u64, B256)>, StoreError> {
        let row = sqlx::query("SELECT block_number, block_hash FROM checkpoint WHERE id = 1")
            .fetch_optional(self.pool())
            .await
            .during("reading the checkpoint")?;
        row.map(|row| {
            let number: i64 = row.try_get("block_number").during("block_number")?;
            let hash: String = row.try_get("block_hash").during("block_hash")?;
            Ok((u64::try_from(number).unwrap_or(0), parse("block hash", &hash)?))
        })
        .transpose()
    }

    /// Moves the checkpoint to `block` (whose hash is `hash`).
    pub async fn set_checkpoint(&self, block: u64, hash: B256) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO checkpoint (id, block_number, block_hash) VALUES (1, $1, $2) \
             ON CONFLICT (id) DO UPDATE SET block_number = excluded.block_number, block_hash = excluded.block_hash",
        )
        .bind(to_i64(block))
        .bind(hex(hash))
        .execute(self.pool())
        .await
        .during("moving the checkpoint")?;
        Ok(())
    }

    /// Records a posted request as a new job (`state`: `new`, or `unsupported` for a job type
    /// the node does not run). A request already known with the same posting is left as it is;
    /// one whose posting changed (a reorg replaced it) starts over. Returns whether it is new.
    pub async fn insert_job(&self, posted: &Posted, state: JobState) -> Result<bool, StoreError> {
        let mut tx = self.pool().begin().await.during("opening a transaction")?;
        let existing: Option<(String, String)> =
            sqlx::query("SELECT params_hash, posted_tx FROM jobs WHERE request_id = $1")
                .bind(to_i64(posted.request_id))
                .fetch_optional(&mut *tx)
                .await
                .during("reading a job")?
                .map(|row| {
                    Ok::<_, StoreError>((
                        row.try_get(0).during("params_hash")?,
                        row.try_get(1).during("posted_tx")?,
                    ))
                })
                .transpose()?;
        if let Some((params_hash, posted_tx)) = existing {
            if params_hash == hex(posted.params_hash) && posted_tx == hex(posted.tx_hash) {
                return Ok(false);
            }
            for table in ["jobs", "records", "answers"] {
                sqlx::query(sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE request_id = $1")))
                    .bind(to_i64(posted.request_id))
                    .execute(&mut *tx)
                    .await
                    .during("replacing a reorged job")?;
            }
        }
        let at = now();
        sqlx::query(
            "INSERT INTO jobs (request_id, job_type, job_name, params, params_hash, consumer, fee, quorum, deadline, \
             posted_block, posted_tx, state, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)",
        )
        .bind(to_i64(posted.request_id))
        .bind(hex(posted.job_type))
        .bind(posted.job_name.clone())
        .bind(posted.params.clone())
        .bind(hex(posted.params_hash))
        .bind(posted.consumer.to_checksum(None))
        .bind(posted.fee.to_string())
        .bind(i32::from(posted.quorum))
        .bind(to_i64(posted.deadline))
        .bind(to_i64(posted.block))
        .bind(hex(posted.tx_hash))
        .bind(state.as_str())
        .bind(at)
        .execute(&mut *tx)
        .await
        .during("recording a job")?;
        tx.commit().await.during("committing a job")?;
        Ok(true)
    }

    /// Job `request_id`.
    pub async fn job(&self, request_id: u64) -> Result<Option<Job>, StoreError> {
        sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {JOB_COLUMNS} FROM jobs WHERE request_id = $1")))
            .bind(to_i64(request_id))
            .fetch_optional(self.pool())
            .await
            .during("reading a job")?
            .map(|row| job_of(&row))
            .transpose()
    }

    /// Jobs, newest first, optionally in one state, below `before` (a request id; paging).
    pub async fn jobs(
        &self,
        state: Option<JobState>,
        before: Option<u64>,
        limit: u32,
    ) -> Result<Vec<Job>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE ($1 = '' OR state = $1) AND request_id < $2 \
             ORDER BY request_id DESC LIMIT $3"
        )))
        .bind(state.map_or("", JobState::as_str))
        .bind(before.map_or(i64::MAX, to_i64))
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await
        .during("listing jobs")?;
        rows.iter().map(job_of).collect()
    }

    /// Jobs in `state`, oldest first; for `new`, only those due by now.
    pub async fn jobs_in(&self, state: JobState, limit: u32) -> Result<Vec<Job>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {JOB_COLUMNS} FROM jobs WHERE state = $1 AND next_attempt_at <= $2 \
             ORDER BY request_id LIMIT $3"
        )))
        .bind(state.as_str())
        .bind(if state == JobState::New { now() } else { i64::MAX })
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await
        .during("listing due jobs")?;
        rows.iter().map(job_of).collect()
    }

    /// Stores the job's record and this node's signed answer (and a second one when the node
    /// equivocates), in one transaction: the job is `answered`.
    pub async fn set_answered(
        &self,
        request_id: u64,
        record: &Normalized,
        config_hash: B256,
        signed: (B256, &Bytes),
        second: Option<(B256, &Bytes)>,
    ) -> Result<(), StoreError> {
        let id = to_i64(request_id);
        let mut tx = self.pool().begin().await.during("opening a transaction")?;
        sqlx::query("DELETE FROM records WHERE request_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await
            .during("replacing a record")?;
        sqlx::query(
            "INSERT INTO records (request_id, source, locator, fetched_at, content_hash, body, metadata, result_hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(id)
        .bind(record.source.clone())
        .bind(record.locator.clone())
        .bind(to_i64(record.fetched_at))
        .bind(hex(record.content_hash))
        .bind(record.text.clone())
        .bind(record.metadata.to_string())
        .bind(hex(record.result_hash))
        .execute(&mut *tx)
        .await
        .during("storing a record")?;
        sqlx::query(
            "UPDATE jobs SET state = 'answered', result_hash = $2, config_hash = $3, signature = $4, \
             second_result_hash = $5, second_signature = $6, error = NULL, updated_at = $7 WHERE request_id = $1",
        )
        .bind(id)
        .bind(hex(signed.0))
        .bind(hex(config_hash))
        .bind(signed.1.to_string())
        .bind(second.map(|(hash, _)| hex(hash)))
        .bind(second.map(|(_, signature)| signature.to_string()))
        .bind(now())
        .execute(&mut *tx)
        .await
        .during("recording an answer")?;
        tx.commit().await.during("committing an answer")?;
        Ok(())
    }

    /// Counts a failed run: the job is retried at `retry_at` (unix s), or `failed` when it
    /// may not be.
    pub async fn set_failed_run(
        &self,
        request_id: u64,
        error: &str,
        retry_at: Option<i64>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE jobs SET attempts = attempts + 1, error = $2, next_attempt_at = $3, state = $4, updated_at = $5 \
             WHERE request_id = $1",
        )
        .bind(to_i64(request_id))
        .bind(error.to_owned())
        .bind(retry_at.unwrap_or(0))
        .bind(if retry_at.is_some() { "new" } else { "failed" })
        .bind(now())
        .execute(self.pool())
        .await
        .during("recording a failed run")?;
        Ok(())
    }

    /// Moves a job to `state`, with the transaction that did it.
    pub async fn set_state(
        &self,
        request_id: u64,
        state: JobState,
        tx: Option<B256>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE jobs SET state = $2, fulfil_tx = COALESCE($3, fulfil_tx), updated_at = $4 WHERE request_id = $1",
        )
        .bind(to_i64(request_id))
        .bind(state.as_str())
        .bind(tx.map(hex))
        .bind(now())
        .execute(self.pool())
        .await
        .during("moving a job")?;
        Ok(())
    }

    /// The record job `request_id` produced.
    pub async fn record(&self, request_id: u64) -> Result<Option<Normalized>, StoreError> {
        let row = sqlx::query(
            "SELECT source, locator, fetched_at, content_hash, body, metadata, result_hash FROM records \
             WHERE request_id = $1",
        )
        .bind(to_i64(request_id))
        .fetch_optional(self.pool())
        .await
        .during("reading a record")?;
        row.map(|row| {
            let text = |name: &str| row.try_get::<String, _>(name).during(name);
            Ok(Normalized {
                source: text("source")?,
                locator: text("locator")?,
                fetched_at: u64::try_from(row.try_get::<i64, _>("fetched_at").during("fetched_at")?)
                    .unwrap_or(0),
                content_hash: parse("content hash", &text("content_hash")?)?,
                text: text("body")?,
                metadata: serde_json::from_str(&text("metadata")?)
                    .map_err(|_| StoreError::Corrupt("record metadata".into()))?,
                result_hash: parse("result hash", &text("result_hash")?)?,
            })
        })
        .transpose()
    }

    /// Stores a verified signed answer; returns whether it was not known.
    pub async fn insert_answer(&self, request_id: u64, answer: &StoredAnswer) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "INSERT INTO answers (request_id, signer, result_hash, config_hash, signature, seen_at) \
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(to_i64(request_id))
        .bind(answer.signer.to_checksum(None))
        .bind(hex(answer.result_hash))
        .bind(hex(answer.config_hash))
        .bind(answer.signature.to_string())
        .bind(now())
        .execute(self.pool())
        .await
        .during("storing an answer")?;
        Ok(done.rows_affected() > 0)
    }

    /// The signed answers collected for `request_id`.
    pub async fn answers(&self, request_id: u64) -> Result<Vec<StoredAnswer>, StoreError> {
        let rows = sqlx::query(
            "SELECT signer, result_hash, config_hash, signature FROM answers WHERE request_id = $1 \
             ORDER BY signer, seen_at",
        )
        .bind(to_i64(request_id))
        .fetch_all(self.pool())
        .await
        .during("reading answers")?;
        rows.iter()
            .map(|row| {
                let text = |i: usize| row.try_get::<String, _>(i).during("answer");
                Ok(StoredAnswer {
                    signer: parse("signer", &text(0)?)?,
                    result_hash: parse("result hash", &text(1)?)?,
                    config_hash: parse("config hash", &text(2)?)?,
                    signature: parse("signature", &text(3)?)?,
                })
            })
            .collect()
    }

    /// How many jobs are in each state.
    pub async fn job_counts(&self) -> Result<Vec<(JobState, u64)>, StoreError> {
        let rows = sqlx::query("SELECT state, COUNT(*) AS n FROM jobs GROUP BY state")
            .fetch_all(self.pool())
            .await
            .during("counting jobs")?;
        rows.iter()
            .map(|row| {
                let state: String = row.try_get(0).during("state")?;
                let n: i64 = row.try_get(1).during("count")?;
                Ok((state.parse()?, u64::try_from(n).unwrap_or(0)))
            })
            .collect()
    }
}
