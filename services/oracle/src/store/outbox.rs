//! The transaction outbox: for each key (the purpose the node sends a transaction for, e.g.
//! `fulfill:42`), the call, its nonce and where it stands, and every signed attempt, written
//! before the attempt is broadcast. The transaction manager (`crate::tx`) is its only writer;
//! the reads serve it, the API and the tests.

use super::{During, Store, StoreError, now};
use alloy::primitives::{Address, B256, Bytes};
use serde::Serialize;
use sqlx::{Row, any::AnyRow};
use std::{fmt, str::FromStr};

/// Where a key's transaction stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum OutboxState {
    /// Signed (and broadcast, or about to be): not mined yet.
    Pending,
    /// Mined with receipt status 1.
    Mined,
    /// Mined with receipt status 0.
    Reverted,
    /// None of its transactions mined and none can any more: the key may be sent again.
    Failed,
}

impl OutboxState {
    /// Every state.
    pub const ALL: [Self; 4] = [Self::Pending, Self::Mined, Self::Reverted, Self::Failed];

    /// The state's name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Mined => "mined",
            Self::Reverted => "reverted",
            Self::Failed => "failed",
        }
    }
}

impl fmt::Display for OutboxState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for OutboxState {
    type Err = StoreError;

    fn from_str(s: &str) -> Result<Self, StoreError> {
        Self::ALL
            .into_iter()
            .find(|state| state.as_str() == s)
            .ok_or_else(|| StoreError::Corrupt(format!("outbox state `{s}`")))
    }
}

/// A key's row: the call and where its transaction stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxEntry {
    /// The key.
    pub key: String,
    /// The call, as errors name it (`OracleRequests.fulfill`).
    pub call: String,
    /// The wallet that signs it.
    pub sender: Address,
    /// The contract.
    pub to: Address,
    /// The call data.
    pub input: Bytes,
    /// The gas limit every attempt carries.
    pub gas_limit: u64,
    /// The nonce of its live attempts.
    pub nonce: u64,
    /// Where it stands.
    pub state: OutboxState,
    /// The mined attempt.
    pub tx_hash: Option<B256>,
    /// Its block.
    pub block_number: Option<u64>,
    /// Its gas.
    pub gas_used: Option<u64>,
    /// Why it failed, when it did.
    pub error: Option<String>,
}

/// One signed transaction of a key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutboxAttempt {
    /// Its hash.
    pub tx_hash: B256,
    /// The key.
    pub key: String,
    /// 0 for the first, then 1, 2, … (replacements and re-signs).
    pub attempt: u32,
    /// Its nonce.
    pub nonce: u64,
    /// Its EIP-1559 fee cap (wei per gas).
    pub max_fee_per_gas: u128,
    /// Its priority fee (wei per gas).
    pub max_priority_fee_per_gas: u128,
    /// The signed transaction (EIP-2718 bytes), as broadcast.
    pub raw: Bytes,
    /// The latest block when it was signed.
    pub sent_block: u64,
    /// Unix time when it was signed.
    pub sent_at: i64,
}

fn hex<T: fmt::LowerHex>(value: T) -> String {
    format!("{value:#x}")
}

fn parse<T: FromStr>(what: &str, text: &str) -> Result<T, StoreError> {
    text.parse().map_err(|_| StoreError::Corrupt(format!("outbox {what} `{text}`")))
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn to_u64(what: &str, value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("outbox {what} {value}")))
}

const ENTRY_COLUMNS: &str = "tx_key, call_name, sender, to_address, input, gas_limit, nonce, state, tx_hash, block_number, gas_used, error";

const ATTEMPT_COLUMNS: &str =
    "tx_hash, tx_key, attempt, nonce, max_fee_per_gas, max_priority_fee_per_gas, raw, sent_block, sent_at";

fn entry_of(row: &AnyRow) -> Result<OutboxEntry, StoreError> {
    let text = |name: &str| row.try_get::<String, _>(name).during(name);
    let number = |name: &str| row.try_get::<i64, _>(name).during(name).and_then(|n| to_u64(name, n));
    let opt_number =
        |name: &str| row.try_get::<Option<i64>, _>(name).during(name)?.map(|n| to_u64(name, n)).transpose();
    Ok(OutboxEntry {
        key: text("tx_key")?,
        call: text("call_name")?,
        sender: parse("sender", &text("sender")?)?,
        to: parse("contract", &text("to_address")?)?,
        input: parse("input", &text("input")?)?,
        gas_limit: number("gas_limit")?,
        nonce: number("nonce")?,
        state: text("state")?.parse()?,
        tx_hash: row
            .try_get::<Option<String>, _>("tx_hash")
            .during("tx_hash")?
            .map(|h| parse("hash", &h))
            .transpose()?,
        block_number: opt_number("block_number")?,
        gas_used: opt_number("gas_used")?,
        error: row.try_get("error").during("error")?,
    })
}

fn attempt_of(row: &AnyRow) -> Result<OutboxAttempt, StoreError> {
    let text = |name: &str| row.try_get::<String, _>(name).during(name);
    let number = |name: &str| row.try_get::<i64, _>(name).during(name).and_then(|n| to_u64(name, n));
    Ok(OutboxAttempt {
        tx_hash: parse("hash", &text("tx_hash")?)?,
        key: text("tx_key")?,
        attempt: u32::try_from(number("attempt")?)
            .map_err(|_| StoreError::Corrupt("outbox attempt".into()))?,
        nonce: number("nonce")?,
        max_fee_per_gas: parse("fee cap", &text("max_fee_per_gas")?)?,
        max_priority_fee_per_gas: parse("priority fee", &text("max_priority_fee_per_gas")?)?,
        raw: parse("raw transaction", &text("raw")?)?,
        sent_block: number("sent_block")?,
        sent_at: row.try_get("sent_at").during("sent_at")?,
    })
}

async fn insert_attempt(conn: &mut sqlx::AnyConnection, attempt: &OutboxAttempt) -> Result<(), StoreError> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "INSERT INTO outbox_attempts ({ATTEMPT_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
    )))
    .bind(hex(attempt.tx_hash))
    .bind(attempt.key.clone())
    .bind(i64::from(attempt.attempt))
    .bind(to_i64(attempt.nonce))
    .bind(attempt.max_fee_per_gas.to_string())
    .bind(attempt.max_priority_fee_per_gas.to_string())
    .bind(attempt.raw.to_string())
    .bind(to_i64(attempt.sent_block))
    .bind(attempt.sent_at)
    .execute(conn)
    .await
    .during("recording a signed transaction")?;
    Ok(())
}

impl Store {
    /// The outbox row of `key`.
    pub async fn outbox_entry(&self, key: &str) -> Result<Option<OutboxEntry>, StoreError> {
        sqlx::query(sqlx::AssertSqlSafe(format!("SELECT {ENTRY_COLUMNS} FROM outbox WHERE tx_key = $1")))
            .bind(key.to_owned())
            .fetch_optional(self.pool())
            .await
            .during("reading the outbox")?
            .map(|row| entry_of(&row))
            .transpose()
    }

    /// Every transaction signed for `key`, first to last.
    pub async fn outbox_attempts(&self, key: &str) -> Result<Vec<OutboxAttempt>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {ATTEMPT_COLUMNS} FROM outbox_attempts WHERE tx_key = $1 ORDER BY attempt"
        )))
        .bind(key.to_owned())
        .fetch_all(self.pool())
        .await
        .during("reading the outbox's attempts")?;
        rows.iter().map(attempt_of).collect()
    }

    /// The keys whose transactions are pending, by nonce.
    pub async fn outbox_pending(&self) -> Result<Vec<OutboxEntry>, StoreError> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {ENTRY_COLUMNS} FROM outbox WHERE state = 'pending' ORDER BY nonce, tx_key"
        )))
        .fetch_all(self.pool())
        .await
        .during("listing pending transactions")?;
        rows.iter().map(entry_of).collect()
    }

    /// The highest nonce of `sender`'s pending transactions.
    pub async fn outbox_highest_pending_nonce(&self, sender: Address) -> Result<Option<u64>, StoreError> {
        let highest: Option<i64> =
            sqlx::query("SELECT MAX(nonce) FROM outbox WHERE sender = $1 AND state = 'pending'")
                .bind(sender.to_checksum(None))
                .fetch_one(self.pool())
                .await
                .during("reading the highest pending nonce")?
                .try_get(0)
                .during("the highest pending nonce")?;
        highest.map(|n| to_u64("nonce", n)).transpose()
    }

    /// Records a key's first transaction (`entry`, pending, and its attempt) in one database
    /// transaction, or starts a failed key over with it. Returns false, writing nothing, when
    /// the key is already pending, mined or reverted.
    pub(crate) async fn outbox_begin(
        &self,
        entry: &OutboxEntry,
        attempt: &OutboxAttempt,
    ) -> Result<bool, StoreError> {
        let mut tx = self.pool().begin().await.during("opening a transaction")?;
        let at = now();
        let written = sqlx::query(
            "INSERT INTO outbox (tx_key, call_name, sender, to_address, input, gas_limit, nonce, state, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $8) \
             ON CONFLICT (tx_key) DO UPDATE SET call_name = excluded.call_name, sender = excluded.sender, \
             to_address = excluded.to_address, input = excluded.input, gas_limit = excluded.gas_limit, \
             nonce = excluded.nonce, state = 'pending', tx_hash = NULL, block_number = NULL, gas_used = NULL, \
             error = NULL, updated_at = excluded.updated_at WHERE outbox.state = 'failed'",
        )
        .bind(entry.key.clone())
        .bind(entry.call.clone())
        .bind(entry.sender.to_checksum(None))
        .bind(entry.to.to_checksum(None))
        .bind(entry.input.to_string())
        .bind(to_i64(entry.gas_limit))
        .bind(to_i64(entry.nonce))
        .bind(at)
        .execute(&mut *tx)
        .await
        .during("recording a transaction's key")?
        .rows_affected();
        if written == 0 {
            return Ok(false);
        }
        insert_attempt(&mut tx, attempt).await?;
        tx.commit().await.during("committing a signed transaction")?;
        Ok(true)
    }

    /// Records another transaction of a pending key: a replacement (same nonce), or a re-signed
    /// one with a fresh nonce when another transaction took the key's (the key's nonce moves to
    /// the attempt's).
    pub(crate) async fn outbox_add_attempt(&self, attempt: &OutboxAttempt) -> Result<(), StoreError> {
        let mut tx = self.pool().begin().await.during("opening a transaction")?;
        insert_attempt(&mut tx, attempt).await?;
        sqlx::query("UPDATE outbox SET nonce = $2, updated_at = $3 WHERE tx_key = $1")
            .bind(attempt.key.clone())
            .bind(to_i64(attempt.nonce))
            .bind(now())
            .execute(&mut *tx)
            .await
            .during("moving a key to its new attempt")?;
        tx.commit().await.during("committing a signed transaction")?;
        Ok(())
    }

    /// Records that `tx_hash`, an attempt of `key`, was mined in `block` using `gas_used`, with
    /// receipt status `success`.
    pub(crate) async fn outbox_mined(
        &self,
        key: &str,
        tx_hash: B256,
        block: u64,
        gas_used: u64,
        success: bool,
    ) -> Result<(), StoreError> {
        let state = if success { OutboxState::Mined } else { OutboxState::Reverted };
        sqlx::query(
            "UPDATE outbox SET state = $2, tx_hash = $3, block_number = $4, gas_used = $5, updated_at = $6 \
             WHERE tx_key = $1",
        )
        .bind(key.to_owned())
        .bind(state.as_str())
        .bind(hex(tx_hash))
        .bind(to_i64(block))
        .bind(to_i64(gas_used))
        .bind(now())
        .execute(self.pool())
        .await
        .during("recording a mined transaction")?;
        Ok(())
    }

    /// Records that no transaction of `key` mined or can, and why.
    pub(crate) async fn outbox_failed(&self, key: &str, error: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE outbox SET state = 'failed', error = $2, updated_at = $3 WHERE tx_key = $1")
            .bind(key.to_owned())
            .bind(error.to_owned())
            .bind(now())
            .execute(self.pool())
            .await
            .during("recording a failed transaction")?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key: &str, nonce: u64) -> OutboxEntry {
        OutboxEntry {
            key: key.into(),
            call: "MasaToken.transfer".into(),
            sender: Address::repeat_byte(1),
            to: Address::repeat_byte(2),
            input: Bytes::from_static(&[0xa9, 0x05, 0x9c, 0xbb]),
            gas_limit: 150_000,
            nonce,
            state: OutboxState::Pending,
            tx_hash: None,
            block_number: None,
            gas_used: None,
            error: None,
        }
    }

    fn attempt(key: &str, n: u32, nonce: u64) -> OutboxAttempt {
        OutboxAttempt {
            tx_hash: alloy::primitives::keccak256(format!("{key}:{n}")),
            key: key.into(),
            attempt: n,
            nonce,
            max_fee_per_gas: 2_000_000_000 + u128::from(n),
            max_priority_fee_per_gas: 1_000_000_000,
            raw: Bytes::from_static(&[0x02, 0xf8]),
            sent_block: 7,
            sent_at: 1_700_000_000,
        }
    }

    #[tokio::test]
    async fn a_key_holds_one_live_transaction_and_every_attempt() {
        let dir = tempfile::tempdir().unwrap();
        let store =
            Store::connect(&format!("sqlite://{}", dir.path().join("node.db").display())).await.unwrap();
        assert!(store.outbox_begin(&entry("k", 4), &attempt("k", 0, 4)).await.unwrap());
        // a second first transaction for the key is refused, and nothing of it is written
        assert!(!store.outbox_begin(&entry("k", 5), &attempt("k", 1, 5)).await.unwrap());
        assert_eq!(store.outbox_attempts("k").await.unwrap().len(), 1);
        assert_eq!(store.outbox_highest_pending_nonce(Address::repeat_byte(1)).await.unwrap(), Some(4));
        store.outbox_add_attempt(&attempt("k", 1, 4)).await.unwrap();
        let attempts = store.outbox_attempts("k").await.unwrap();
        assert_eq!(attempts, vec![attempt("k", 0, 4), attempt("k", 1, 4)]);
        assert_eq!(store.outbox_pending().await.unwrap(), vec![entry("k", 4)]);

        store.outbox_mined("k", attempts[1].tx_hash, 9, 51_000, true).await.unwrap();
        let mined = store.outbox_entry("k").await.unwrap().unwrap();
        assert_eq!(
            (mined.state, mined.tx_hash, mined.block_number, mined.gas_used),
            (OutboxState::Mined, Some(attempts[1].tx_hash), Some(9), Some(51_000))
        );
        assert!(store.outbox_pending().await.unwrap().is_empty());
        assert!(!store.outbox_begin(&entry("k", 6), &attempt("k", 2, 6)).await.unwrap());

        // a failed key starts over
        assert!(store.outbox_begin(&entry("f", 8), &attempt("f", 0, 8)).await.unwrap());
        store.outbox_failed("f", "the node rejected it").await.unwrap();
        assert_eq!(
            store.outbox_entry("f").await.unwrap().unwrap().error.as_deref(),
            Some("the node rejected it")
        );
        let mut again = attempt("f", 1, 9);
        again.tx_hash = B256::repeat_byte(99);
        assert!(store.outbox_begin(&entry("f", 9), &again).await.unwrap());
        let restarted = store.outbox_entry("f").await.unwrap().unwrap();
        assert_eq!((restarted.state, restarted.nonce, restarted.error), (OutboxState::Pending, 9, None));
        assert!(store.outbox_entry("none").await.unwrap().is_none());
    }
}
