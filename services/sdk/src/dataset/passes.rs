//! A pass's deliveries as a dataset. A delivery is kept only when:
//! - the chain recorded it: a `UseDelivered` event of the pass (the contract emits it in
//!   `deliver`, after verifying the delivery proof of the pass's record for this use);
//! - its use is one the pass counts as delivered, and it is that use's only delivery;
//! - it opens with the key to a record's 8 values.

use super::{Cell, Column, Kind, Provenance, Verified, open_all};
use crate::passes::DeliveryLog;
use alloy::primitives::{Address, B256, U256};
use masa_bindings::contracts::access::IAccessPasses;
use masa_prover::delivery::DeliverySecretKey;
use std::collections::HashSet;

/// Where a pass's delivery was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Use {
    /// The pass.
    pub pass: U256,
    /// The use it delivered.
    pub use_index: U256,
    /// The record's owner (paid for the use).
    pub owner: Address,
    /// Its block.
    pub block_number: u64,
    /// Its transaction.
    pub tx_hash: B256,
    /// The log's index in the block.
    pub log_index: u64,
}

impl Provenance for Use {
    const COLUMNS: &'static [Column] = &[
        Column { name: "pass", kind: Kind::Text, nullable: false },
        Column { name: "use_index", kind: Kind::Text, nullable: false },
        Column { name: "owner", kind: Kind::Text, nullable: false },
        Column { name: "block_number", kind: Kind::Number, nullable: false },
        Column { name: "tx_hash", kind: Kind::Text, nullable: false },
        Column { name: "log_index", kind: Kind::Number, nullable: false },
    ];

    fn cells(&self) -> Vec<Cell> {
        vec![
            Cell::Text(self.pass.to_string()),
            Cell::Text(self.use_index.to_string()),
            Cell::Text(self.owner.to_string()),
            Cell::Number(self.block_number),
            Cell::Text(self.tx_hash.to_string()),
            Cell::Number(self.log_index),
        ]
    }
}

/// Opens (on every core) and checks every delivery of pass `id` (`pass`, as the chain holds it;
/// see the module's documentation) with the developer's `key`; `progress` is told how many were
/// opened, as they are.
pub fn verify(
    id: U256,
    pass: &IAccessPasses::Pass,
    deliveries: &[DeliveryLog],
    key: &DeliverySecretKey,
    mut progress: impl FnMut(usize),
) -> Verified<Use> {
    let opened = open_all(key, deliveries, |d| &d.delivery, &mut progress);
    let mut out = Verified::default();
    let mut seen = HashSet::new();
    for (d, values) in deliveries.iter().zip(opened) {
        let provenance = Use {
            pass: id,
            use_index: d.use_index,
            owner: pass.owner,
            block_number: d.block_number,
            tx_hash: d.tx_hash,
            log_index: d.log_index,
        };
        let check = if d.use_index >= U256::from(pass.delivered) {
            Err(format!("use {} is not among the pass's {} delivered uses", d.use_index, pass.delivered))
        } else if !seen.insert(d.use_index) {
            Err("a second delivery of this use".to_owned())
        } else {
            values
        };
        out.push(provenance, check);
    }
    out
}
