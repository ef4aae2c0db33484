//! A pool's deliveries as a dataset. A delivery is kept only when:
//! - the chain recorded its stake: a `Staked` event of the same pool and nullifier in the same
//!   transaction (the pool emits both in `stake`, after verifying the delivery proof);
//! - it is the stake's only delivery;
//! - it opens with the key to a record's 8 values;
//! - the values satisfy the pool's statement (the proof showed it; checked again here).

use super::{Cell, Column, Kind, Provenance, Verified, open_all};
use crate::pools::{Deliveries, PoolInfo};
use alloy::primitives::{Address, B256, U256};
use masa_prover::{delivery::DeliverySecretKey, statement::Operator};
use std::collections::HashSet;

/// Where a pool's delivery was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stake {
    /// The stake (the disclosure's nullifier).
    pub nullifier: U256,
    /// Who is paid for it (none when no stake was recorded: the delivery is refused).
    pub recipient: Option<Address>,
    /// The block of the stake and delivery.
    pub block_number: u64,
    /// Its transaction.
    pub tx_hash: B256,
    /// The delivery log's index in the block.
    pub log_index: u64,
    /// The block the stake left in, if it did (the developer's access ended there).
    pub unstaked_block: Option<u64>,
}

impl Provenance for Stake {
    const COLUMNS: &'static [Column] = &[
        Column { name: "nullifier", kind: Kind::Text, nullable: false },
        Column { name: "recipient", kind: Kind::Text, nullable: false },
        Column { name: "block_number", kind: Kind::Number, nullable: false },
        Column { name: "tx_hash", kind: Kind::Text, nullable: false },
        Column { name: "log_index", kind: Kind::Number, nullable: false },
        Column { name: "unstaked_block", kind: Kind::Number, nullable: true },
    ];

    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::Text(format!("{:#x}", self.nullifier)),
            self.recipient.map_or(Cell::Null, |a| Cell::Text(a.to_string())),
            Cell::Number(self.block_number),
            Cell::Text(self.tx_hash.to_string()),
            Cell::Number(self.log_index),
            self.unstaked_block.map_or(Cell::Null, Cell::Number),
        ]
    }
}

/// Opens (on every core) and checks every delivery of `pool` (see the module's documentation)
/// with the developer's `key`; `progress` is told how many were opened, as they are.
pub fn verify(
    pool: &PoolInfo,
    data: &Deliveries,
    key: &DeliverySecretKey,
    mut progress: impl FnMut(usize),
) -> Verified<Stake> {
    let opened = open_all(key, &data.deliveries, |d| &d.delivery, &mut progress);
    let mut out = Verified::default();
    let mut seen = HashSet::new();
    for (d, values) in data.deliveries.iter().zip(opened) {
        let stake = data.stakes.get(&d.nullifier).filter(|stake| stake.tx_hash == d.tx_hash);
        let provenance = Stake {
            nullifier: d.nullifier,
            recipient: stake.map(|s| s.recipient),
            block_number: d.block_number,
            tx_hash: d.tx_hash,
            log_index: d.log_index,
            unstaked_block: stake.and_then(|s| s.unstaked_block),
        };
        let check = if stake.is_none() {
            Err("no Staked event of this stake in the delivery's transaction".to_owned())
        } else if !seen.insert(d.nullifier) {
            Err("a second delivery for this stake".to_owned())
        } else {
            values.and_then(|values| satisfies(pool, values))
        };
        out.push(provenance, check);
    }
    out
}

/// `values` if they satisfy the pool's statement.
fn satisfies(pool: &PoolInfo, values: [u64; 8]) -> Result<[u64; 8], String> {
    let s = &pool.pool.statement;
    let field = usize::from(s.fieldIndex);
    let holds = Operator::ALL
        .get(usize::from(s.operator))
        .zip(values.get(field))
        .is_some_and(|(op, &value)| op.holds(value, s.operandA, s.operandB));
    if holds {
        Ok(values)
    } else {
        Err(format!("the record does not satisfy the pool's statement on field {field}"))
    }
}
